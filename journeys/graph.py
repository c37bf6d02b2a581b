"""The touchpoint graph: designed, observed and narrated journeys in one ``nx.MultiDiGraph``.

Model (DESIGN.md §5)
--------------------
* **Node** = a touchpoint, the tuple ``(step_id, channel)``; with ``granularity="step"`` the node is
  the ``step_id`` string. Node attributes: ``step_id``, ``channel``, ``step`` (name), ``journey``,
  ``stage``, ``lane``, ``agency``, ``order``, ``documents_required`` (list), ``volume_per_month``,
  ``median_wait_days``, ``designed`` (the steps sheet offers this touchpoint), ``events``, ``cases``
  (observed), ``mentions`` and ``participants`` (narrated).
* **Edges** are keyed by their source of evidence, so the three stay distinguishable: at most one
  edge per ``(u, v, key)`` with ``key`` in ``"designed" | "observed" | "narrated"``; the attribute
  ``source`` (and its alias ``kind``) holds the same word. Use :func:`collapse` for a plain
  ``nx.DiGraph``. Edge attributes: ``count``, ``probability`` (share of the tail's outgoing
  ``count`` of the same source), ``mean_seconds``, ``median_seconds``, ``min_seconds``,
  ``max_seconds``, ``stdev_seconds``, ``channel_switch`` / ``agency_handoff`` (bool) with
  ``channel_switches`` / ``agency_handoffs`` (how many of the ``count`` transitions switched),
  ``backward`` (to an earlier step ``order``), ``repeat`` (the same node again: a self-loop).
  ``backward`` and ``repeat`` together are rework.

Sources of edges
----------------
designed
    From each step's ``next_steps`` (ids, names or synonyms; ``;``/``,``/``|`` separated); a step
    without ``next_steps`` leads to the step(s) with the next higher ``order`` in its ``journey``.
    Between touchpoints: a touchpoint goes to the same channel of the next step when that step
    offers it, else to every touchpoint of the next step. ``count`` is 1, ``probability`` splits
    evenly, ``mean_seconds``/``median_seconds`` are the next step's ``median_wait_days``.
observed
    Each event's activity is mapped to a step by ``step_id``, step name or synonym, case- and
    accent-insensitively (an events column ``step_id`` wins when filled), and its ``channel`` is
    normalised (:data:`journeys.vocabulary.CHANNEL_SYNONYMS`); an event without a channel takes the
    step's channel when the step has only one, else ``"unspecified"``. Events of activities that
    map to no step are left out (a projection of the log on the mapped activities, as process-mining
    filters do) and **reported** in ``G.graph["unmapped"]["activities"]`` with their counts. When
    the log has a ``lifecycle`` column with ``complete`` values, only those events count (start and
    complete of one activity are one visit). Counts and times then come from
    :func:`journeys.discovery.directly_follows` on the node key (PM4Py ordering: case, timestamp,
    original row).
narrated
    The narrated table's consecutive ``position`` per interview; ``count`` is transitions and
    ``participants`` the distinct participants behind them; no times.

Segments
--------
``segment`` keeps participants of that segment (``participants.segment``) for narrated journeys
and pain points, and the events whose ``segment`` column equals it. A log without a ``segment``
column cannot be split: it is kept whole and ``G.graph["notes"]`` says so. An unknown segment
raises :class:`~research.errors.InputError` listing the known ones.

All functions are pure: the input tables are not modified.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict

import networkx as nx
import numpy as np
import pandas as pd

from journeys.vocabulary import CHANNEL_SYNONYMS, LIST_SEPARATORS, UNSPECIFIED_CHANNEL
from research.errors import InputError

__all__ = [
    "SOURCES", "fold", "split_list", "normalise_channel", "touchpoint_id", "touchpoints",
    "steps_from_events", "known_segments", "journey_tables", "node_ids", "transitions",
    "cached_transitions", "graph_from_tables",
    "build_graph", "graphs_by_segment", "collapse",
]

SOURCES = ("designed", "observed", "narrated")
_CHANNELS = None  # folded synonyms, built on first use


def fold(text) -> str:
    """Fold text for matching: lower case, no accents, punctuation to spaces, single spaces.

    Examples
    --------
    >>> fold("  Solicitud en LÍNEA (web) ")
    'solicitud en linea web'
    >>> fold(None)
    ''
    """
    if text is None or (isinstance(text, float) and np.isnan(text)) or text is pd.NA:
        return ""
    text = unicodedata.normalize("NFKD", str(text))
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return " ".join(re.sub(r"[^\w]+", " ", text).split())


def split_list(value, separators: str = LIST_SEPARATORS) -> list[str]:
    """Split a list cell (``next_steps``, ``documents_required``…) into trimmed items.

    Lists pass through; empty cells give ``[]``. ``separators`` is a regular expression
    (default ``;``, ``,``, ``|`` and new lines).

    Examples
    --------
    >>> split_list("S2; S3 ,S4")
    ['S2', 'S3', 'S4']
    >>> split_list(None), split_list(["a", " b "])
    ([], ['a', 'b'])
    """
    if value is None or value is pd.NA:
        return []
    if isinstance(value, float) and np.isnan(value):
        return []
    if isinstance(value, (list, tuple, set, np.ndarray)):
        items = [str(v) for v in value]
    else:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        items = re.split(separators, str(value))
    return [i.strip() for i in items if str(i).strip()]


def normalise_channel(value) -> str:
    """The canonical channel name of a spelling (EN/ES); ``"unspecified"`` when empty.

    Unknown channels are kept, folded.

    Examples
    --------
    >>> normalise_channel("Teléfono"), normalise_channel("En línea"), normalise_channel(None)
    ('phone', 'web', 'unspecified')
    >>> normalise_channel("Fax")
    'fax'
    """
    global _CHANNELS
    if _CHANNELS is None:
        _CHANNELS = {fold(k): v for k, v in CHANNEL_SYNONYMS.items()}
    f = fold(value)
    if not f:
        return UNSPECIFIED_CHANNEL
    return _CHANNELS.get(f, f)


def touchpoint_id(step_id, channel=None) -> str:
    """The string id of a node: ``"step_id|channel"`` (or ``step_id`` for a step node).

    Examples
    --------
    >>> touchpoint_id("S1", "web"), touchpoint_id(("S1", "web")), touchpoint_id("S1")
    ('S1|web', 'S1|web', 'S1')
    """
    if isinstance(step_id, tuple):
        step_id, channel = step_id
    return str(step_id) if channel is None else f"{step_id}|{channel}"


def _clean(v):
    if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)):
        return None
    if isinstance(v, str) and not v.strip():
        return None
    return v.strip() if isinstance(v, str) else v


def _number(v, *, what, row, file):
    v = _clean(v)
    if v is None:
        return None
    try:
        return float(str(v).replace(",", ".")) if isinstance(v, str) else float(v)
    except (TypeError, ValueError):
        raise InputError(f"{what} {v!r} is not a number", f"write a number in the {what} column",
                         file=file, row=row) from None


def touchpoints(steps: pd.DataFrame, *, file: str = "steps") -> pd.DataFrame:
    """One row per touchpoint ``(step_id, channel)`` of a steps table, with the step's attributes.

    A row whose ``channel`` lists several channels (``"web; office"``) gives one touchpoint per
    channel; several rows of one ``step_id`` with different channels do the same. Step-level
    attributes come from the step's first row that fills them. A missing ``step_id`` falls back
    to the step name; a missing ``order`` to the row position.

    Parameters
    ----------
    steps : DataFrame
        The canonical steps table (``research.schema.STEP_COLUMNS``).
    file : str, default "steps"
        Name used in error messages.

    Returns
    -------
    DataFrame
        Columns ``step_id, channel, journey, step, stage, lane, agency, order, next_steps`` (list),
        ``median_wait_days, volume_per_month`` (of the touchpoint, when its row names one channel),
        ``step_volume_per_month`` (the step's rows added up), ``documents_required`` (list), ``synonyms`` (list),
        ``step_row`` (1-based row of the step's first line), in sheet order.

    Raises
    ------
    InputError
        The table is empty, has neither step ids nor names, or a number column holds text.

    Examples
    --------
    >>> steps = pd.DataFrame({"step_id": ["S1", "S2"], "step": ["Apply", "Pay"],
    ...                       "channel": ["web; office", "web"], "order": [1, 2]})
    >>> touchpoints(steps)[["step_id", "channel", "order"]].values.tolist()
    [['S1', 'web', 1.0], ['S1', 'office', 1.0], ['S2', 'web', 2.0]]
    """
    if steps is None or len(steps) == 0:
        raise InputError("the steps table is empty", "add one row per step (step_id, step, channel, order)",
                         file=file)
    if "step_id" not in steps.columns and "step" not in steps.columns:
        raise InputError("the steps table has no step_id or step column",
                         "add a column step_id (or step) naming each step", file=file)

    def get(r, c):
        return _clean(r.get(c))

    by_step: dict[str, dict] = {}
    rows = []
    for i, r in enumerate(steps.to_dict("records")):
        row = i + 2  # header is row 1
        sid = get(r, "step_id") or get(r, "step")
        if sid is None:
            continue
        sid = str(sid) if not isinstance(sid, float) else str(int(sid)) if sid.is_integer() else str(sid)
        src_row = _clean(r.get("source_row"))
        info = by_step.setdefault(sid, {"step_id": sid, "step_row": int(src_row) if src_row else row, "_pos": len(by_step),
                                        "next_steps": [], "documents_required": [], "synonyms": []})
        for c in ("journey", "step", "stage", "lane", "agency"):
            if info.get(c) is None and get(r, c) is not None:
                info[c] = str(get(r, c))
        for c in ("order", "median_wait_days"):
            if info.get(c) is None:
                info[c] = _number(r.get(c), what=c, row=row, file=file)
        for c in ("next_steps", "documents_required", "synonyms"):
            # commas may sit inside document names and synonyms; only next_steps splits on them
            for item in split_list(r.get(c), LIST_SEPARATORS if c == "next_steps" else r"[;|\n]+"):
                if item not in info[c]:
                    info[c].append(item)
        channels = [normalise_channel(c) for c in split_list(r.get("channel"))] or [UNSPECIFIED_CHANNEL]
        vol = _number(r.get("volume_per_month"), what="volume_per_month", row=row, file=file)
        if vol is not None:
            info["step_volume_per_month"] = (info.get("step_volume_per_month") or 0.0) + vol
        for ch in dict.fromkeys(channels):
            rows.append({"step_id": sid, "channel": ch,
                         "volume_per_month": vol if len(set(channels)) == 1 else None})
    if not rows:
        raise InputError("no row of the steps table names a step", "fill the step_id or step column", file=file)
    tp = pd.DataFrame(rows)
    tp = tp.groupby(["step_id", "channel"], sort=False, as_index=False).agg(
        volume_per_month=("volume_per_month", lambda s: s.sum(min_count=1)))
    # a step listed with an explicit channel and also without one: drop the "unspecified" twin
    has_real = tp[tp.channel != UNSPECIFIED_CHANNEL].step_id.unique()
    tp = tp[~((tp.channel == UNSPECIFIED_CHANNEL) & tp.step_id.isin(has_real))]
    info = pd.DataFrame(list(by_step.values()))
    for c in ("journey", "step", "stage", "lane", "agency", "order", "median_wait_days", "step_volume_per_month"):
        if c not in info.columns:
            info[c] = None
    info["order"] = info["order"].where(info["order"].notna(), info["_pos"] + 1).astype(float)
    info["step"] = info["step"].where(info["step"].notna(), info["step_id"])
    out = tp.merge(info.drop(columns="_pos"), on="step_id", how="left")
    cols = ["step_id", "channel", "journey", "step", "stage", "lane", "agency", "order", "next_steps",
            "median_wait_days", "volume_per_month", "step_volume_per_month", "documents_required", "synonyms",
            "step_row"]
    return out[cols].reset_index(drop=True)


def steps_from_events(events: pd.DataFrame, *, case: str = "case_id", activity: str = "activity",
                      timestamp: str = "timestamp") -> pd.DataFrame:
    """Infer a steps table from an event log: one step per activity (used when no steps file is given).

    Spellings that differ only in case, accents or punctuation are one step (named by the most
    frequent spelling). ``order`` is the activity's median position (1-based) in the cases where
    it occurs, ties broken by first appearance (cases in PM4Py order); ``channel`` lists the channels seen for the activity (if the log
    has them); ``agency`` is its most frequent agency. No ``next_steps``: an inferred table has
    no designed journey, and :func:`journey_tables` adds no designed edges for it.

    Examples
    --------
    >>> ev = pd.DataFrame({"case_id": [1, 1, 2, 2], "activity": ["Apply", "Pay", "Apply", "Pay"],
    ...                    "timestamp": pd.to_datetime(["2024-01-01", "2024-01-02"] * 2, utc=True)})
    >>> steps_from_events(ev)[["step_id", "step", "order"]].values.tolist()
    [['Apply', 'Apply', 1], ['Pay', 'Pay', 2]]
    """
    if events is None or len(events) == 0:
        raise InputError("the event log is empty", "give a log with case_id, activity and timestamp columns",
                         file="events")
    ev = _sorted_events(events, case, timestamp)
    ev = ev[ev[activity].notna()]
    names = ev[activity].astype(str)
    folded = names.map({a: fold(a) for a in names.unique()})
    # spellings that fold alike ("Apply", "apply") are one step, named by their most frequent spelling
    counts = pd.DataFrame({"k": folded, "a": names}).value_counts(sort=False)
    first_seen = {a: i for i, a in enumerate(dict.fromkeys(names))}
    spelling = {}
    for (k, a), n in counts.items():
        best = spelling.get(k)
        if best is None or (n, -first_seen[a]) > (counts[(k, best)], -first_seen[best]):
            spelling[k] = a
    pos = ev.groupby(case, sort=False).cumcount() + 1
    first = {k: i for i, k in enumerate(dict.fromkeys(folded))}
    med = pos.groupby(folded).median()
    keys = sorted(med.index, key=lambda k: (med[k], first[k]))
    rows = []
    for n, k in enumerate(keys, start=1):
        sel = ev[(folded == k).to_numpy()]
        chans = []
        if "channel" in ev.columns:
            chans = list(dict.fromkeys(normalise_channel(c) for c in sel["channel"].dropna()))
        agency = None
        if "agency" in ev.columns and sel["agency"].notna().any():
            agency = str(sel["agency"].dropna().astype(str).mode().iloc[0])
        a = spelling[k]
        rows.append({"journey": "inferred", "step_id": a, "stage": None, "step": a,
                     "channel": "; ".join(chans) or None, "lane": "customer", "agency": agency,
                     "order": n, "next_steps": None, "median_wait_days": None,
                     "volume_per_month": None, "documents_required": None, "synonyms": None})
    return pd.DataFrame(rows)


def _sorted_events(events, case="case_id", timestamp="timestamp"):
    """PM4Py order: case, timestamp, original row (stable)."""
    ev = events.copy()
    ev["_row"] = np.arange(len(ev))
    if timestamp in ev.columns and not pd.api.types.is_datetime64_any_dtype(ev[timestamp]):
        ev[timestamp] = pd.to_datetime(ev[timestamp], utc=True, format="mixed")
    elif timestamp in ev.columns and getattr(ev[timestamp].dt, "tz", None) is None:
        ev[timestamp] = ev[timestamp].dt.tz_localize("UTC")
    return ev.sort_values([case, timestamp, "_row"], kind="mergesort").reset_index(drop=True)


def known_segments(participants=None, events=None) -> list[str]:
    """The segments present in the participants table and the events' ``segment`` column.

    Examples
    --------
    >>> known_segments(pd.DataFrame({"participant_id": ["p1", "p2"], "segment": ["citizen", "business"]}))
    ['business', 'citizen']
    """
    seen = set()
    for df in (participants, events):
        if df is not None and "segment" in df.columns:
            seen.update(str(s).strip() for s in df["segment"].dropna() if str(s).strip())
    return sorted(seen)


def _step_lookup(tp: pd.DataFrame) -> dict[str, str]:
    """folded id / name / synonym -> step_id (ids win over names, names over synonyms)."""
    look: dict[str, str] = {}
    steps = tp.drop_duplicates("step_id")
    for field in ("synonyms", "step", "step_id"):  # later fields overwrite earlier ones
        for sid, val in zip(steps.step_id, steps[field], strict=True):
            for v in (val if isinstance(val, list) else [val]):
                if fold(v):
                    look[fold(v)] = sid
    return look


def _resolve_channel(step_channels: dict, sid, channel) -> str:
    ch = normalise_channel(channel)
    if ch == UNSPECIFIED_CHANNEL:
        offered = step_channels.get(sid, [])
        if len(offered) == 1:
            return offered[0]
    return ch


def journey_tables(steps=None, events=None, narrated=None, pain_points=None, participants=None,
                   segment=None) -> dict:
    """Normalise and link every input table once; the common input of graphs and metrics.

    Parameters
    ----------
    steps : DataFrame or None
        Steps table; ``None`` infers steps from ``events`` (:func:`steps_from_events`).
    events, narrated, pain_points, participants : DataFrame or None
        Canonical tables (``research.schema``). Pain points with status ``rejected`` are left out.
    segment : str or None
        Keep only this segment (see the module notes).

    Returns
    -------
    dict
        ``touchpoints`` (:func:`touchpoints`), ``trace`` (mapped observed events in PM4Py order:
        ``case_id, timestamp, step_id, channel, agency, order, segment``), ``narrated`` (mapped
        mentions: ``interview_id, participant_id, position, step_id, channel, agency, order``),
        ``pain_points`` (kept pains with ``step_id`` mapped and ``channel`` normalised; a
        missing ``participant_id`` is taken from ``interview_id``, one participant per interview),
        ``participants``, ``segment``, ``designed`` (False when steps were inferred),
        ``unmapped`` (``{"activities": {name: events}, "narrated_steps": {...}, "pain_steps": {...}}``),
        ``notes`` (list of str).

    Raises
    ------
    InputError
        No steps and no events; an unknown segment; missing event columns.

    Examples
    --------
    >>> steps = pd.DataFrame({"step_id": ["S1", "S2"], "step": ["Apply", "Pay"], "channel": ["web", "web"]})
    >>> ev = pd.DataFrame({"case_id": ["c1", "c1", "c1"], "activity": ["apply", "Fax it", "PAY"],
    ...                    "timestamp": ["2024-01-01", "2024-01-02", "2024-01-03"]})
    >>> t = journey_tables(steps, ev)
    >>> t["trace"][["step_id", "channel"]].values.tolist(), t["unmapped"]["activities"]
    ([['S1', 'web'], ['S2', 'web']], {'Fax it': 1})
    """
    notes: list[str] = []
    designed = True
    if steps is None or len(steps) == 0:
        if events is None or len(events) == 0:
            raise InputError("no steps and no event log", "give a steps file, an event log, or both",
                             file="command line")
        _check_event_columns(events)
        steps = steps_from_events(_complete_only(events))
        designed = False
        notes.append("no steps sheet: steps inferred from the event log's activities "
                     "(one step per activity, ordered by median position); no designed journey")
    tp = touchpoints(steps)
    step_info = tp.drop_duplicates("step_id").set_index("step_id")
    step_channels = {sid: list(g.channel) for sid, g in tp.groupby("step_id", sort=False)}
    look = _step_lookup(tp)

    participants = None if participants is None else participants.copy()
    seg_ids = None
    if segment is not None and str(segment).strip():
        segment = str(segment).strip()
        known = known_segments(participants, events)
        if fold(segment) not in {fold(k) for k in known}:
            raise InputError(f"unknown segment {segment!r}",
                             f"use one of: {', '.join(known)}" if known else
                             "add a segment column to the participants table (or the event log)",
                             file="command line")
        if participants is not None and "segment" in participants.columns:
            participants = participants[participants["segment"].map(fold) == fold(segment)]
            seg_ids = set(participants["participant_id"].astype(str))
        else:
            seg_ids = set()
    else:
        segment = None

    unmapped = {"activities": {}, "narrated_steps": {}, "pain_steps": {}}

    # observed ----------------------------------------------------------------------------------
    trace = pd.DataFrame(columns=["case_id", "timestamp", "step_id", "channel", "agency", "order", "segment"])
    if events is not None and len(events):
        _check_event_columns(events)
        ev = events
        if segment is not None:
            if "segment" in ev.columns:
                folded = {v: fold(v) for v in ev["segment"].dropna().unique()}
                ev = ev[ev["segment"].map(folded) == fold(segment)]
            else:
                notes.append("the event log has no segment column: observed paths are everyone's")
        ev = _complete_only(ev)
        ev = _sorted_events(ev)
        no_time = ev["timestamp"].isna()
        if no_time.any():  # as discovery does: an event without a time has no place in its case
            notes.append(f"{int(no_time.sum())} events have no timestamp and are left out")
            ev = ev[~no_time].reset_index(drop=True)
        if "step_id" in ev.columns:
            pre = ev["step_id"].map(lambda v: str(v) if _clean(v) is not None else None)
            pre = pre.where(pre.isin(step_info.index))
        else:
            pre = pd.Series([None] * len(ev), index=ev.index, dtype=object)
        acts = ev["activity"].astype(str)
        by_name = {a: look.get(fold(a)) for a in acts.unique()}  # fold each distinct name once
        mapped = pre.fillna(acts.map(by_name))
        miss = mapped.isna()
        if miss.any():
            unmapped["activities"] = {str(k): int(v) for k, v in acts[miss].value_counts().items()}
            share = miss.mean()
            notes.append(f"{int(miss.sum())} of {len(ev)} events ({share:.0%}) have activities that match "
                         f"no step id, name or synonym; they are left out of the observed journey "
                         f"(add those activity names as synonyms in the steps sheet, or leave the steps "
                         f"sheet out to infer the steps from the log)")
        ev = ev[~miss]
        sids = mapped[~miss].astype(str)
        chan_col = (ev["channel"].astype(object).where(ev["channel"].notna(), "") if "channel" in ev.columns
                    else pd.Series([""] * len(ev), index=ev.index, dtype=object))
        pairs = pd.DataFrame({"s": sids, "c": chan_col.astype(str)})
        pair_key = pairs["s"] + "\x1f" + pairs["c"]  # resolve each distinct (step, channel) once
        resolved = {f"{a}\x1f{c}": _resolve_channel(step_channels, a, c)
                    for a, c in pairs.drop_duplicates().itertuples(index=False)}
        channels = pair_key.map(resolved).to_numpy(dtype=object)
        agency = sids.map(step_info["agency"])
        if "agency" in ev.columns:
            agency = ev["agency"].where(_present(ev["agency"]), agency)
        trace = pd.DataFrame({
            "case_id": ev["case_id"].astype(str).values, "timestamp": ev["timestamp"].array,
            "step_id": sids.values, "channel": channels, "agency": agency.values,
            "order": sids.map(step_info["order"]).values,
            "segment": ev["segment"].values if "segment" in ev.columns else None,
        })

    # narrated ----------------------------------------------------------------------------------
    nar = pd.DataFrame(columns=["interview_id", "participant_id", "position", "step_id", "channel",
                                "agency", "order"])
    if narrated is not None and len(narrated):
        n = narrated.copy()
        for c in ("interview_id", "participant_id", "position", "step_id", "channel"):
            if c not in n.columns:
                n[c] = None
        n["participant_id"] = n["participant_id"].map(lambda v: None if _clean(v) is None else str(v))
        n["interview_id"] = n["interview_id"].map(lambda v: None if _clean(v) is None else str(v))
        n["interview_id"] = n["interview_id"].fillna(n["participant_id"])
        n["participant_id"] = n["participant_id"].fillna(n["interview_id"])  # one participant per interview
        if seg_ids is not None:
            n = n[n["participant_id"].isin(seg_ids)]
        sid = n["step_id"].map(lambda v: v if _clean(v) is None else look.get(fold(v), None))
        bad = sid.isna() & n["step_id"].map(_clean).notna()
        if bad.any():
            unmapped["narrated_steps"] = {str(k): int(v) for k, v in n.loc[bad, "step_id"].value_counts().items()}
        n = n.assign(step_id=sid)[sid.notna()]
        n["_row"] = np.arange(len(n))
        n["position"] = pd.to_numeric(n["position"], errors="coerce")
        n = n.sort_values(["interview_id", "position", "_row"], kind="mergesort", na_position="last")
        n["channel"] = [_resolve_channel(step_channels, s, c) for s, c in zip(n.step_id, n.channel, strict=True)]
        n["agency"] = n["step_id"].map(step_info["agency"])
        n["order"] = n["step_id"].map(step_info["order"])
        nar = n[["interview_id", "participant_id", "position", "step_id", "channel", "agency", "order"]]
        nar = nar.reset_index(drop=True)

    # pain points -------------------------------------------------------------------------------
    pains = None
    if pain_points is not None:
        p = pain_points.copy()
        for c in ("id", "participant_id", "interview_id", "sentence", "category", "severity", "step_id",
                  "channel", "status"):
            if c not in p.columns:
                p[c] = None
        p = p[p["status"].map(fold) != "rejected"]
        p["participant_id"] = p["participant_id"].map(lambda v: None if _clean(v) is None else str(v))
        # no participant id: the interview stands for its participant (one participant per interview)
        p["participant_id"] = p["participant_id"].fillna(
            p["interview_id"].map(lambda v: None if _clean(v) is None else str(v)))
        if seg_ids is not None:
            p = p[p["participant_id"].isin(seg_ids)]
        sid = p["step_id"].map(lambda v: None if _clean(v) is None else look.get(fold(v)))
        bad = sid.isna() & p["step_id"].map(_clean).notna()
        if bad.any():
            unmapped["pain_steps"] = {str(k): int(v) for k, v in p.loc[bad, "step_id"].value_counts().items()}
        p["step_id"] = sid
        p["channel"] = [None if s is None else _resolve_channel(step_channels, s, c)
                        for s, c in zip(p.step_id, p.channel, strict=True)]
        p["severity"] = pd.to_numeric(p["severity"], errors="coerce")
        p["category"] = p["category"].map(lambda v: fold(v).replace(" ", "_") or "other")
        pains = p.reset_index(drop=True)

    return {"touchpoints": tp, "trace": trace, "narrated": nar, "pain_points": pains,
            "participants": participants, "segment": segment, "designed": designed,
            "unmapped": unmapped, "notes": notes}


def _check_event_columns(events):
    missing = [c for c in ("case_id", "activity", "timestamp") if c not in events.columns]
    if missing:
        raise InputError(f"the event log has no {', '.join(missing)} column",
                         "name the columns case_id, activity and timestamp (or map them when importing)",
                         file="events")


def _complete_only(events):
    if "lifecycle" in events.columns:
        lc = events["lifecycle"].map({v: fold(v) for v in events["lifecycle"].dropna().unique()})
        lc = lc.astype(object).where(lc.notna(), "")
        if (lc == "complete").any():
            return events[(lc == "complete") | (lc == "")]
    return events


def node_ids(table: pd.DataFrame, granularity: str = "touchpoint") -> pd.Series:
    """The string node id of every row of a table with ``step_id`` and ``channel`` (vectorised).

    Touchpoints give ``"step_id|channel"`` (:func:`touchpoint_id`), steps give ``step_id``.

    Examples
    --------
    >>> node_ids(pd.DataFrame({"step_id": ["S1", "S2"], "channel": ["web", "office"]})).tolist()
    ['S1|web', 'S2|office']
    """
    sid = table["step_id"].astype(str)
    if granularity == "step":
        return sid
    return sid + "|" + table["channel"].astype(str)


def _id_nodes(table: pd.DataFrame, granularity: str) -> dict:
    """node id -> graph node (tuple for touchpoints, step_id for steps)."""
    pairs = table[["step_id", "channel"]].drop_duplicates()
    if granularity == "step":
        return {str(s): str(s) for s in pairs["step_id"]}
    return {touchpoint_id(str(s), c): (str(s), c) for s, c in pairs.itertuples(index=False)}


def _present(values: pd.Series) -> pd.Series:
    """True where a cell holds a non-blank value (vectorised _clean(...) is not None)."""
    return values.notna() & (values.astype(str).str.strip() != "")


def cached_transitions(tables: dict, kind: str, granularity: str = "touchpoint") -> pd.DataFrame:
    """:func:`transitions` of ``tables["trace"]`` (``kind="observed"``) or ``tables["narrated"]``,
    computed once per ``tables`` dict (kept under ``tables["_transitions"]``; do not modify it).

    Examples
    --------
    >>> steps = pd.DataFrame({"step_id": ["S1", "S2"]})
    >>> ev = pd.DataFrame({"case_id": ["c", "c"], "activity": ["S1", "S2"], "timestamp": ["2024-01-01", "2024-01-02"]})
    >>> t = journey_tables(steps, ev)
    >>> cached_transitions(t, "observed") is cached_transitions(t, "observed")
    True
    """
    cache = tables.setdefault("_transitions", {})
    if (kind, granularity) not in cache:
        if kind == "observed":
            cache[(kind, granularity)] = transitions(tables["trace"], "case_id", granularity)
        else:
            cache[(kind, granularity)] = transitions(tables["narrated"], "interview_id", granularity)
    return cache[(kind, granularity)]


def transitions(sequence: pd.DataFrame, group: str, granularity: str = "touchpoint") -> pd.DataFrame:
    """Consecutive pairs within each ``group`` of an ordered sequence (trace or narrated table).

    Returns a DataFrame with ``group, u, v`` (node ids, :func:`node_ids`), ``u_channel, v_channel,
    u_agency, v_agency, u_order, v_order, seconds`` (NaN without timestamps), ``channel_switch,
    agency_handoff, backward, repeat``.

    Examples
    --------
    >>> seq = pd.DataFrame({"case_id": ["c1", "c1", "c1", "c2"], "step_id": ["S1", "S2", "S1", "S1"],
    ...                     "channel": ["web", "phone", "phone", "web"], "agency": ["A", "A", "A", "A"],
    ...                     "order": [1, 2, 1, 1]})
    >>> transitions(seq, "case_id")[["u", "v", "channel_switch", "backward"]].values.tolist()
    [['S1|web', 'S2|phone', True, False], ['S2|phone', 'S1|phone', False, True]]
    """
    df = sequence.reset_index(drop=True)
    cols = [group, "u", "v", "u_channel", "v_channel", "u_agency", "v_agency", "u_order", "v_order",
            "seconds", "channel_switch", "agency_handoff", "backward", "repeat"]
    if len(df) < 2:
        return pd.DataFrame(columns=cols)
    key = node_ids(df, granularity)
    same = (df[group].values[:-1] == df[group].values[1:])
    idx = np.flatnonzero(same)
    a, b = df.iloc[idx], df.iloc[idx + 1]
    out = pd.DataFrame({
        group: a[group].values, "u": key.iloc[idx].values, "v": key.iloc[idx + 1].values,
        "u_channel": a["channel"].values, "v_channel": b["channel"].values,
        "u_agency": a["agency"].values, "v_agency": b["agency"].values,
        "u_order": a["order"].values.astype(float), "v_order": b["order"].values.astype(float),
    })
    if "timestamp" in df.columns:
        out["seconds"] = (pd.to_datetime(b["timestamp"].array, utc=True)
                          - pd.to_datetime(a["timestamp"].array, utc=True)).total_seconds()
    else:
        out["seconds"] = np.nan
    uc, vc = out["u_channel"], out["v_channel"]
    out["channel_switch"] = (uc != vc) & (uc != UNSPECIFIED_CHANNEL) & (vc != UNSPECIFIED_CHANNEL)
    ua, va = out["u_agency"], out["v_agency"]
    out["agency_handoff"] = (_present(ua) & _present(va)
                             & (ua.astype(str).str.strip() != va.astype(str).str.strip()))
    out["backward"] = out["v_order"] < out["u_order"]
    out["repeat"] = out["u"] == out["v"]
    return out[cols]


def graph_from_tables(tables: dict, granularity: str = "touchpoint") -> nx.MultiDiGraph:
    """Build the journey graph from :func:`journey_tables` output (see the module notes).

    Examples
    --------
    >>> steps = pd.DataFrame({"step_id": ["S1", "S2"], "channel": ["web", "office"], "order": [1, 2]})
    >>> G = graph_from_tables(journey_tables(steps))
    >>> list(G.edges(keys=True, data="channel_switch"))
    [(('S1', 'web'), ('S2', 'office'), 'designed', True)]
    """
    if granularity not in ("touchpoint", "step"):
        raise InputError(f"unknown granularity {granularity!r}", "use touchpoint or step", file="command line")
    tp = tables["touchpoints"]
    G = nx.MultiDiGraph(granularity=granularity, segment=tables.get("segment"),
                        designed=tables.get("designed", True), unmapped=tables.get("unmapped", {}),
                        notes=list(tables.get("notes", [])))
    step_info = tp.drop_duplicates("step_id").set_index("step_id")
    step_attrs = ["journey", "step", "stage", "lane", "agency", "order", "median_wait_days",
                  "documents_required"]
    # plain dicts: a pandas scalar lookup per edge costs more than the rest of a dense graph
    info = step_info[step_attrs].to_dict("index")
    agency = {sid: _clean(a["agency"]) for sid, a in info.items()}

    def add_node(sid, ch, designed):
        node = sid if granularity == "step" else (sid, ch)
        if node not in G:
            attrs = {a: _jsonable(info[sid][a]) for a in step_attrs}
            G.add_node(node, step_id=sid, channel=None if granularity == "step" else ch,
                       designed=designed, volume_per_month=None, events=0, cases=0, mentions=0,
                       participants=0, **attrs)
        elif designed:
            G.nodes[node]["designed"] = True
        return node

    for r in tp.itertuples(index=False):
        n = add_node(r.step_id, r.channel, True)
        vol = r.step_volume_per_month if granularity == "step" else r.volume_per_month
        if vol is not None and not pd.isna(vol):
            G.nodes[n]["volume_per_month"] = float(vol)

    # designed -----------------------------------------------------------------------------------
    if tables.get("designed", True):
        look = _step_lookup(tp)
        by_step = {sid: list(g.channel) for sid, g in tp.groupby("step_id", sort=False)}
        steps = step_info.reset_index()
        for r in steps.itertuples(index=False):
            nexts = [look.get(fold(x)) for x in r.next_steps]
            nexts = [x for x in dict.fromkeys(nexts) if x is not None and x != r.step_id]
            if not r.next_steps:
                journeys = steps.journey.map(lambda j: _clean(j) or "")
                same = steps[journeys == (_clean(r.journey) or "")]
                later = same[same.order > r.order].order
                if len(later):
                    nexts = list(same[same.order == later.min()].step_id)
            for t in nexts:
                wait = info[t]["median_wait_days"]
                secs = None if wait is None or pd.isna(wait) else float(wait) * 86400.0
                for ch in by_step[r.step_id]:
                    targets = [ch] if ch in by_step[t] else by_step[t]
                    for tch in targets:
                        u, v = add_node(r.step_id, ch, True), add_node(t, tch, True)
                        if G.has_edge(u, v, "designed"):
                            continue
                        sw = ch != tch and UNSPECIFIED_CHANNEL not in (ch, tch)
                        ua, va = agency[r.step_id], agency[t]
                        ho = bool(ua and va and ua != va)
                        G.add_edge(u, v, key="designed", source="designed", kind="designed", count=1,
                                   mean_seconds=secs, median_seconds=secs, min_seconds=None,
                                   max_seconds=None, stdev_seconds=None, channel_switch=sw,
                                   channel_switches=int(sw), agency_handoff=ho, agency_handoffs=int(ho),
                                   backward=bool(info[t]["order"] < r.order), repeat=u == v,
                                   participants=0)

    # observed -----------------------------------------------------------------------------------
    trace = tables["trace"]
    if len(trace):
        for (sid, ch), g in trace.groupby(["step_id", "channel"], sort=False):
            n = add_node(sid, ch, False)
            G.nodes[n]["events"] += int(len(g))
        nodes = _id_nodes(trace, granularity)
        for i, c in trace.groupby(node_ids(trace, granularity), sort=False)["case_id"].nunique().items():
            G.nodes[nodes[i]]["cases"] = int(c)
        tr = cached_transitions(tables, "observed", granularity)
        perf = _performance(trace, granularity, tr)
        _add_edges(G, tr, "observed", perf, nodes)

    # narrated -----------------------------------------------------------------------------------
    nar = tables["narrated"]
    if len(nar):
        for sid, ch in nar[["step_id", "channel"]].drop_duplicates().itertuples(index=False):
            add_node(sid, ch, False)
        nodes = _id_nodes(nar, granularity)
        for i, g in nar.groupby(node_ids(nar, granularity), sort=False):
            G.nodes[nodes[i]]["mentions"] = int(len(g))
            G.nodes[nodes[i]]["participants"] = int(g["participant_id"].nunique())
        tr = cached_transitions(tables, "narrated", granularity)
        _add_edges(G, tr, "narrated", None, nodes, nar)

    for key in SOURCES:
        for u in G.nodes:
            out = [(v, d) for _, v, k, d in G.out_edges(u, keys=True, data=True) if k == key]
            total = sum(d["count"] for _, d in out)
            for _, d in out:
                d["probability"] = d["count"] / total if total else None
    return G


def _jsonable(v):
    if isinstance(v, list):
        return list(v)
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return None
    return v.item() if hasattr(v, "item") else v


def _performance(trace, granularity, tr):
    """Edge counts and times from journeys.discovery.directly_follows on the node key.

    Until that module is installed, the same statistics are taken from ``tr`` (the transitions
    of :func:`transitions`, which pair the same consecutive events).
    """
    try:
        from journeys.discovery import directly_follows  # another engineer's module; lazy on purpose
    except ModuleNotFoundError as exc:
        if exc.name != "journeys.discovery":
            raise
        g = tr.groupby(["u", "v"], sort=False)["seconds"]
        stats = pd.DataFrame({"count": g.size(), "mean_seconds": g.mean(), "median_seconds": g.median(),
                              "min_seconds": g.min(), "max_seconds": g.max(), "sum_seconds": g.sum(),
                              "stdev_seconds": g.std(ddof=1)})
        return {k: dict(r) for k, r in zip(stats.index, stats.to_dict("records"), strict=True)}

    ev = trace[["case_id", "timestamp"]].copy()
    ev["_key"] = node_ids(trace, granularity).values
    df = directly_follows(ev, case="case_id", activity="_key", timestamp="timestamp")
    return {(r["source"], r["target"]): r for r in df.to_dict("records")}


def _add_edges(G, tr, kind, perf, nodes, nar=None):
    if not len(tr):
        return
    group = tr.columns[0]
    agg = tr.groupby(["u", "v"], sort=False).agg(
        count=("u", "size"), channel_switches=("channel_switch", "sum"),
        agency_handoffs=("agency_handoff", "sum"), backward=("backward", "any"), repeat=("repeat", "any"),
        groups=(group, "nunique"))
    parts = {}
    if nar is not None:
        pid = dict(zip(nar["interview_id"], nar["participant_id"], strict=False))
        tr = tr.assign(_p=tr[group].map(pid))
        parts = tr.groupby(["u", "v"], sort=False)["_p"].nunique().to_dict()
    for (u, v), r in agg.iterrows():
        p = (perf or {}).get((u, v), {})
        G.add_edge(nodes[u], nodes[v], key=kind, source=kind, kind=kind, count=int(r["count"]),
                   mean_seconds=_f(p.get("mean_seconds")), median_seconds=_f(p.get("median_seconds")),
                   min_seconds=_f(p.get("min_seconds")), max_seconds=_f(p.get("max_seconds")),
                   stdev_seconds=_f(p.get("stdev_seconds")),
                   channel_switch=bool(r["channel_switches"] > 0), channel_switches=int(r["channel_switches"]),
                   agency_handoff=bool(r["agency_handoffs"] > 0), agency_handoffs=int(r["agency_handoffs"]),
                   backward=bool(r["backward"]), repeat=bool(r["repeat"]),
                   cases=int(r["groups"]) if kind == "observed" else 0,
                   participants=int(parts.get((u, v), 0)))


def _f(v):
    if v is None:
        return None
    try:
        v = float(v)
    except (TypeError, ValueError):
        return None
    return None if np.isnan(v) else v


def build_graph(steps, events=None, narrated=None, pain_points=None, participants=None, segment=None, *,
                granularity: str = "touchpoint") -> nx.MultiDiGraph:
    """The journey graph of a service from its steps sheet, event logs and narrated journeys.

    Parameters
    ----------
    steps : DataFrame or None
        Canonical steps table; ``None`` infers steps from ``events``.
    events, narrated, pain_points, participants : DataFrame, optional
        Canonical tables. ``pain_points`` and ``participants`` only matter for ``segment``.
    segment : str, optional
        Keep one segment (citizen, business…); ``None`` is everyone.
    granularity : {"touchpoint", "step"}
        Nodes ``(step_id, channel)`` or ``step_id``.

    Returns
    -------
    nx.MultiDiGraph
        Edges keyed ``"designed"``, ``"observed"``, ``"narrated"``; see the module notes.
        ``G.graph`` holds ``granularity``, ``segment``, ``designed``, ``unmapped`` and ``notes``.

    Raises
    ------
    InputError
        Bad tables or an unknown segment.

    Examples
    --------
    A designed 3-step journey; one citizen starts on the web, then phones, then pays:

    >>> steps = pd.DataFrame({"step_id": ["S1", "S2", "S3"], "step": ["Apply", "Check", "Pay"],
    ...                       "channel": ["web; phone", "phone", "web"], "order": [1, 2, 3],
    ...                       "agency": ["A", "A", "B"]})
    >>> ev = pd.DataFrame({"case_id": ["c1"] * 3, "activity": ["Apply", "Check", "Pay"],
    ...                    "channel": ["web", "phone", "web"],
    ...                    "timestamp": ["2024-01-01", "2024-01-03", "2024-01-04"]})
    >>> G = build_graph(steps, ev)
    >>> sorted(G.nodes)
    [('S1', 'phone'), ('S1', 'web'), ('S2', 'phone'), ('S3', 'web')]
    >>> d = G.edges[("S1", "web"), ("S2", "phone"), "observed"]
    >>> d["count"], d["channel_switch"], d["median_seconds"] / 86400
    (1, True, 2.0)
    >>> G.edges[("S2", "phone"), ("S3", "web"), "designed"]["agency_handoff"]
    True
    """
    tables = journey_tables(steps, events, narrated, pain_points, participants, segment)
    return graph_from_tables(tables, granularity)


def graphs_by_segment(steps, events=None, narrated=None, pain_points=None, participants=None, *,
                      granularity: str = "touchpoint") -> dict[str, nx.MultiDiGraph]:
    """One journey graph for everyone (key ``"everyone"``) and one per known segment.

    Examples
    --------
    >>> steps = pd.DataFrame({"step_id": ["S1", "S2"]})
    >>> people = pd.DataFrame({"participant_id": ["a", "b"], "segment": ["citizen", "business"]})
    >>> nar = pd.DataFrame({"interview_id": ["i1", "i1", "i2"], "participant_id": ["a", "a", "b"],
    ...                     "position": [1, 2, 1], "step_id": ["S1", "S2", "S1"]})
    >>> graphs = graphs_by_segment(steps, narrated=nar, participants=people, granularity="step")
    >>> {k: G.number_of_edges() for k, G in graphs.items()}
    {'everyone': 2, 'business': 1, 'citizen': 2}
    """
    out = {"everyone": build_graph(steps, events, narrated, pain_points, participants, granularity=granularity)}
    for seg in known_segments(participants, events):
        out[seg] = build_graph(steps, events, narrated, pain_points, participants, seg, granularity=granularity)
    return out


def collapse(G: nx.MultiDiGraph, sources=None) -> nx.DiGraph:
    """Merge the designed/observed/narrated edges of ``G`` into a plain ``nx.DiGraph``.

    ``count``, ``channel_switches`` and ``agency_handoffs`` add up over the chosen sources;
    flags are or-ed; times are the observed ones when present, else designed; ``sources`` lists
    which kinds were merged and ``probability`` is recomputed on the merged counts.

    Parameters
    ----------
    G : nx.MultiDiGraph
        From :func:`build_graph`.
    sources : iterable of str, optional
        Which of ``SOURCES`` to keep (default all).

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_edge("a", "b", key="designed", count=1, channel_switch=False)
    'designed'
    >>> G.add_edge("a", "b", key="observed", count=4, channel_switch=True)
    'observed'
    >>> H = collapse(G)
    >>> H["a"]["b"]["count"], H["a"]["b"]["sources"], H["a"]["b"]["channel_switch"]
    (5, ['designed', 'observed'], True)
    """
    keep = set(SOURCES if sources is None else sources)
    bad = keep - set(SOURCES)
    if bad:
        raise InputError(f"unknown edge source {sorted(bad)[0]!r}", "use designed, observed or narrated",
                         file="command line")
    H = nx.DiGraph(**G.graph)
    H.add_nodes_from(G.nodes(data=True))
    merged = defaultdict(lambda: {"count": 0, "channel_switches": 0, "agency_handoffs": 0, "sources": []})
    times = {}
    for u, v, k, d in G.edges(keys=True, data=True):
        if k not in keep:
            continue
        m = merged[(u, v)]
        m["count"] += d.get("count") or 0
        m["channel_switches"] += d.get("channel_switches") or 0
        m["agency_handoffs"] += d.get("agency_handoffs") or 0
        m["sources"].append(k)
        for flag in ("channel_switch", "agency_handoff", "backward", "repeat"):
            m[flag] = bool(m.get(flag) or d.get(flag))
        if k == "observed" or ((u, v) not in times and d.get("median_seconds") is not None):
            times[(u, v)] = {t: d.get(t) for t in ("mean_seconds", "median_seconds")}
    out_total = Counter()
    for (u, _v), m in merged.items():
        out_total[u] += m["count"]
    for (u, v), m in merged.items():
        m["sources"] = [s for s in SOURCES if s in m["sources"]]
        m["probability"] = m["count"] / out_total[u] if out_total[u] else None
        m.update(times.get((u, v), {"mean_seconds": None, "median_seconds": None}))
        H.add_edge(u, v, **m)
    return H
