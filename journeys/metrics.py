"""Journey metrics per step and touchpoint, and the journey-wide findings (DESIGN.md §5).

Every function takes the graph of :func:`journeys.graph.graph_from_tables` and/or the normalised
tables of :func:`journeys.graph.journey_tables` and returns plain data (DataFrame, dict, list).

Definitions
-----------
volume
    ``volume`` is the observed ``cases`` when there is an event log, else the steps sheet's
    ``volume_per_month``; ``events`` and ``cases`` observed at the node; ``mentions`` and ``narrated_participants``
    from narrated journeys; ``volume_per_month`` from the steps sheet.
reach
    Share of participants with at least one pain point there. The denominator is the
    participants table (after the segment filter) when given, else every participant seen in
    pain points or narrated journeys.
waits
    ``wait_median_seconds``/``wait_p90_seconds``: the observed times of the transitions *into*
    the node (time since the case's previous event; linear-interpolated percentile);
    ``median_wait_days`` is the steps sheet's figure.
drop-off
    Cases whose last (mapped) event is at the node while the node's step is not an end step
    (a designed step with no designed successor). ``None`` when there is no designed journey.
rework
    Observed and narrated transitions into the node that go back to an earlier step ``order``
    or repeat the same node.
channel switches / agency hand-offs
    Observed and narrated transitions into (``*_in``) or out of (``*_out``) the node between two
    known, different channels / agencies.
once-only
    A document (normalised EN/ES, :func:`normalise_document`) that the steps sheet requires at
    two or more steps; each request after the first counts at its step, plus the pain points of
    category ``repetition`` there.
critical path
    The longest expected time from a start to an end step over the *forward* designed edges
    (``order`` strictly increases, so loops and rework edges are ignored and the graph is a
    DAG); each step weighs its wait: the sheet's ``median_wait_days``, else the observed median
    incoming wait, else 0. Without a designed journey, the forward observed edges are used.
conformance
    Designed nodes and edges nobody takes; observed or narrated nodes and edges nobody designed;
    ``fitness`` = share of observed (narrated) transitions that follow a designed edge;
    ``coverage`` = share of designed edges taken at least once.
evidence strength
    ``none`` (no case, narration or pain point), ``strong`` (two or more kinds of evidence and
    at least 3 participants or 30 cases), ``moderate`` (3+ participants, 30+ cases, or two
    kinds), else ``weak``.
"""

from __future__ import annotations

from collections import Counter, defaultdict

import networkx as nx
import numpy as np
import pandas as pd

from journeys.graph import cached_transitions, collapse, fold, node_ids, touchpoint_id
from journeys.vocabulary import (
    ASSISTED_CHANNELS,
    DIGITAL_CHANNELS,
    DOCUMENT_NOISE,
    DOCUMENT_SYNONYMS,
    UNSPECIFIED_CHANNEL,
)

__all__ = [
    "normalise_document", "step_metrics", "channel_switch_matrix", "failure_demand", "agency_handoffs",
    "once_only_violations", "critical_path", "conformance", "end_steps", "segment_comparison",
]

_NOISE_PHRASES = sorted({fold(p) for p in DOCUMENT_NOISE if " " in fold(p)}, key=len, reverse=True)
_NOISE_WORDS = {fold(p) for p in DOCUMENT_NOISE if " " not in fold(p)}


def _strip_noise(text: str) -> str:
    changed = True
    while changed:
        changed = False
        for p in _NOISE_PHRASES:
            if text.startswith(p + " "):
                text, changed = text[len(p) + 1:], True
    return " ".join(w for w in text.split() if w not in _NOISE_WORDS)


_DOCS = {}
for _k, _v in DOCUMENT_SYNONYMS.items():
    _DOCS[fold(_k)] = _v
    _DOCS.setdefault(_strip_noise(fold(_k)), _v)


def normalise_document(name) -> str:
    """The canonical key of a document name, English or Spanish ("" for an empty name).

    Known documents map to a key (``id_document``, ``proof_of_address``…, see
    :data:`journeys.vocabulary.DOCUMENT_SYNONYMS`); others give their folded name without
    articles and "copy of".

    Examples
    --------
    >>> normalise_document("Copia de cédula de identidad"), normalise_document("ID card")
    ('id_document', 'id_document')
    >>> normalise_document("Comprobante de domicilio"), normalise_document("Proof of address")
    ('proof_of_address', 'proof_of_address')
    >>> normalise_document("The vehicle papers")
    'vehicle papers'
    """
    f = fold(name)
    if not f:
        return ""
    if f in _DOCS:
        return _DOCS[f]
    s = _strip_noise(f)
    return _DOCS.get(s, s or f)


def end_steps(G: nx.MultiDiGraph) -> set | None:
    """Step ids with no designed successor (other than themselves); ``None`` without a design.

    Examples
    --------
    >>> from journeys.graph import build_graph
    >>> steps = pd.DataFrame({"step_id": ["S1", "S2", "S3"], "order": [1, 2, 3],
    ...                       "next_steps": ["S2", "S3; S1", ""]})
    >>> sorted(end_steps(build_graph(steps)))
    ['S3']
    """
    if not G.graph.get("designed", True):
        return None
    has_next = set()
    steps = set()
    for _n, d in G.nodes(data=True):
        if d.get("designed"):
            steps.add(d["step_id"])
    for u, v, k in G.edges(keys=True):
        if k == "designed" and G.nodes[u]["step_id"] != G.nodes[v]["step_id"]:
            has_next.add(G.nodes[u]["step_id"])
    return steps - has_next


def _both_transitions(tables, granularity):
    obs = cached_transitions(tables, "observed", granularity)
    nar = cached_transitions(tables, "narrated", granularity)
    return obs, nar


def step_metrics(G: nx.MultiDiGraph, tables: dict) -> pd.DataFrame:
    """Metrics per node of ``G``: per step or per touchpoint, following ``G.graph["granularity"]``.

    Parameters
    ----------
    G : nx.MultiDiGraph
        From :func:`journeys.graph.graph_from_tables` (``granularity="step"`` or ``"touchpoint"``).
    tables : dict
        The same :func:`journeys.graph.journey_tables` output the graph was built from.

    Returns
    -------
    DataFrame
        One row per node, in designed order: ``id, step_id, channel, step, journey, stage, lane,
        agency, order, designed, events, cases, volume_per_month, mentions, narrated_participants,
        volume, documents_required`` (list, as written in the sheet), ``pain_count,
        pain_participants, reach, mean_severity, pain_by_category`` (dict category ->
        ``{"count", "mean_severity"}``), ``wait_median_seconds, wait_p90_seconds,
        median_wait_days, drop_off, drop_off_rate, rework, switches_in, switches_out,
        handoffs_in, handoffs_out, documents_repeated`` (list), ``repetition_pains, once_only,
        betweenness, flow_share, evidence_participants, evidence_cases, evidence_sources`` (list),
        ``evidence_strength, no_evidence``. See the module notes for definitions.

    Examples
    --------
    Two cases: c1 applies on the web, phones, and pays; c2 applies and stops.

    >>> from journeys.graph import journey_tables, graph_from_tables
    >>> steps = pd.DataFrame({"step_id": ["S1", "S2", "S3"], "channel": ["web", "phone", "web"],
    ...                       "order": [1, 2, 3], "documents_required": ["ID card", "Cédula", ""]})
    >>> ev = pd.DataFrame({"case_id": ["c1", "c1", "c1", "c2"], "activity": ["S1", "S2", "S3", "S1"],
    ...                    "timestamp": ["2024-01-01", "2024-01-02", "2024-01-05", "2024-01-01"]})
    >>> t = journey_tables(steps, ev)
    >>> m = step_metrics(graph_from_tables(t, "step"), t).set_index("step_id")
    >>> m["cases"].tolist(), m["drop_off"].tolist(), m["switches_in"].tolist()
    ([2, 1, 1], [1, 0, 0], [0, 1, 1])
    >>> m.loc["S2", "documents_repeated"], float(m.loc["S3", "wait_median_seconds"]) / 86400
    (['id_document'], 3.0)
    """
    gran = G.graph.get("granularity", "touchpoint")
    obs, nar = _both_transitions(tables, gran)
    trace, pains = tables["trace"], tables["pain_points"]
    nodes = list(G.nodes)
    rows = {n: {"id": touchpoint_id(n) if gran == "touchpoint" else str(n),
                **{k: G.nodes[n].get(k) for k in ("step_id", "channel", "step", "journey", "stage", "lane",
                                                    "agency", "order", "designed", "events", "cases",
                                                    "volume_per_month", "mentions", "median_wait_days",
                                                    "documents_required")},
                "narrated_participants": G.nodes[n].get("participants", 0)} for n in nodes}

    # pains ---------------------------------------------------------------------------------------
    participants = tables.get("participants")
    if participants is not None and len(participants) and "participant_id" in participants.columns:
        universe = set(participants["participant_id"].astype(str))
    else:
        universe = set()
        if pains is not None:
            universe |= set(pains["participant_id"].dropna())
        universe |= set(tables["narrated"]["participant_id"].dropna())
    n_universe = len(universe)
    pain_by_node = {}
    if pains is not None and len(pains):
        p = pains[pains["step_id"].notna()]
        if gran == "touchpoint":
            p = p[p["channel"].notna()]
        if len(p):
            for i, g in p.groupby(node_ids(p, gran), sort=False):
                pain_by_node[i] = g
    for n in nodes:
        g = pain_by_node.get(touchpoint_id(n) if gran == "touchpoint" else str(n))
        r = rows[n]
        if g is None or not len(g):
            r.update(pain_count=0, pain_participants=0, reach=0.0 if n_universe else None,
                     mean_severity=None, pain_by_category={}, repetition_pains=0, _pain_pids=set())
            continue
        pids = set(g["participant_id"].dropna())
        r.update(pain_count=int(len(g)), pain_participants=len(pids),
                 reach=len(pids) / n_universe if n_universe else None,
                 mean_severity=_f(g["severity"].mean()),
                 pain_by_category={c: {"count": int(len(s)), "mean_severity": _f(s["severity"].mean())}
                                   for c, s in g.groupby("category", sort=True)},
                 repetition_pains=int((g["category"] == "repetition").sum()), _pain_pids=pids)

    # waits, switches, rework, hand-offs ----------------------------------------------------------
    both = pd.concat([obs.rename(columns={"case_id": "g"}), nar.rename(columns={"interview_id": "g"})],
                     ignore_index=True) if len(obs) or len(nar) else obs
    ident = {n: (touchpoint_id(n) if gran == "touchpoint" else str(n)) for n in nodes}
    waits = obs.groupby("v")["seconds"] if len(obs) else None
    w_med = waits.median().to_dict() if waits is not None else {}
    w_p90 = waits.quantile(0.9).to_dict() if waits is not None else {}  # linear, as np.percentile
    if len(both):
        b = both.assign(_rework=both["backward"] | both["repeat"])
        inc = b.groupby("v")[["_rework", "channel_switch", "agency_handoff"]].sum()
        out = b.groupby("u")[["channel_switch", "agency_handoff"]].sum()
    for n in nodes:
        r, i = rows[n], ident[n]
        r["wait_median_seconds"] = _f(w_med.get(i))
        r["wait_p90_seconds"] = _f(w_p90.get(i))
        if len(both):
            r["rework"] = int(inc["_rework"].get(i, 0))
            r["switches_in"], r["switches_out"] = int(inc["channel_switch"].get(i, 0)), int(out["channel_switch"].get(i, 0))
            r["handoffs_in"], r["handoffs_out"] = int(inc["agency_handoff"].get(i, 0)), int(out["agency_handoff"].get(i, 0))
        else:
            r.update(rework=0, switches_in=0, switches_out=0, handoffs_in=0, handoffs_out=0)

    # drop-off ------------------------------------------------------------------------------------
    ends = end_steps(G)
    last = trace.groupby("case_id", sort=False).tail(1) if len(trace) else trace
    last_counts = node_ids(last, gran).value_counts().to_dict() if len(last) else {}
    for n in nodes:
        r = rows[n]
        if ends is None or not len(trace):
            r["drop_off"], r["drop_off_rate"] = None, None
        else:
            r["drop_off"] = 0 if r["step_id"] in ends else int(last_counts.get(ident[n], 0))
            r["drop_off_rate"] = r["drop_off"] / r["cases"] if r["cases"] else None

    # once-only -----------------------------------------------------------------------------------
    repeated = _repeated_documents(tables["touchpoints"])
    for n in nodes:
        r = rows[n]
        r["documents_repeated"] = repeated.get(r["step_id"], [])
        r["once_only"] = len(r["documents_repeated"]) + r["repetition_pains"]

    # centrality ----------------------------------------------------------------------------------
    H = collapse(G)
    bc = nx.betweenness_centrality(H, normalized=True) if H.number_of_nodes() > 2 else dict.fromkeys(H, 0.0)
    E = collapse(G, sources=("observed", "narrated"))  # evidence only: flows people actually took
    total = sum(d["count"] for *_, d in E.edges(data=True))
    for n in nodes:
        r = rows[n]
        r["betweenness"] = float(bc.get(n, 0.0))
        flow = sum(d["count"] for *_, d in E.in_edges(n, data=True))
        r["flow_share"] = flow / total if total else None

    # evidence ------------------------------------------------------------------------------------
    nar_pids = {}
    if len(tables["narrated"]):
        nt = tables["narrated"]
        nar_pids = nt.groupby(node_ids(nt, gran), sort=False)["participant_id"].agg(
            lambda s: set(s.dropna())).to_dict()
    for n in nodes:
        r = rows[n]
        pids = r.pop("_pain_pids") | nar_pids.get(ident[n], set())
        sources = [s for s, ok in (("steps sheet", r["designed"]), ("event log", r["cases"] > 0),
                                   ("narrated journeys", r["mentions"] > 0),
                                   ("pain points", r["pain_count"] > 0)) if ok]
        kinds = sum(1 for ok in (r["cases"] > 0, r["mentions"] > 0, r["pain_count"] > 0) if ok)
        many = len(pids) >= 3 or r["cases"] >= 30
        r["evidence_participants"], r["evidence_cases"], r["evidence_sources"] = len(pids), r["cases"], sources
        r["evidence_strength"] = ("none" if kinds == 0 else "strong" if kinds >= 2 and many
                                  else "moderate" if many or kinds >= 2 else "weak")
        r["no_evidence"] = kinds == 0

    for n in nodes:  # one headline number: observed cases when there is a log, else the sheet's monthly volume
        r = rows[n]
        r["volume"] = r["cases"] if len(trace) else r["volume_per_month"]
    df = pd.DataFrame([rows[n] for n in nodes])
    df["_o"] = df["order"].astype(float)
    df = df.sort_values(["_o", "step_id"], kind="mergesort").drop(columns="_o").reset_index(drop=True)
    if gran == "step":
        df = df.drop(columns="channel")
    return df


def _f(v):
    try:
        v = float(v)
    except (TypeError, ValueError):
        return None
    return None if np.isnan(v) else v


def _repeated_documents(tp: pd.DataFrame) -> dict[str, list[str]]:
    """step_id -> documents it requests that an earlier step (order, then sheet row) already did."""
    steps = tp.drop_duplicates("step_id").sort_values(["order", "step_row"], kind="mergesort")
    seen: set[str] = set()
    out: dict[str, list[str]] = {}
    for sid, docs in zip(steps["step_id"], steps["documents_required"], strict=True):
        keys = list(dict.fromkeys(k for k in (normalise_document(d) for d in docs) if k))
        out[sid] = [k for k in keys if k in seen]
        seen.update(keys)
    return out


def once_only_violations(tables: dict) -> dict:
    """Documents requested at two or more steps, and repetition pain points per step.

    Returns
    -------
    dict
        ``documents``: list of ``{"document", "names", "steps", "agencies", "cross_agency",
        "times_requested"}`` (most requested first); ``repetition_pains``: list of
        ``{"step_id", "count", "participants"}``; ``violations``: documents requested again
        (requests after the first) plus repetition pain points.

    Examples
    --------
    >>> from journeys.graph import journey_tables
    >>> steps = pd.DataFrame({"step_id": ["S1", "S2", "S3"], "agency": ["A", "A", "B"],
    ...                       "documents_required": ["DNI; foto", "Form", "Copy of ID card"]})
    >>> o = once_only_violations(journey_tables(steps))
    >>> o["documents"][0]["document"], o["documents"][0]["steps"], o["documents"][0]["cross_agency"]
    ('id_document', ['S1', 'S3'], True)
    >>> o["violations"]
    1
    """
    tp = tables["touchpoints"].drop_duplicates("step_id").sort_values(["order", "step_row"], kind="mergesort")
    where = defaultdict(lambda: {"names": [], "steps": [], "agencies": []})
    for sid, docs, agency in zip(tp["step_id"], tp["documents_required"], tp["agency"], strict=True):
        for d in docs:
            k = normalise_document(d)
            if not k:
                continue
            w = where[k]
            if d not in w["names"]:
                w["names"].append(d)
            if sid not in w["steps"]:
                w["steps"].append(sid)
            if agency is not None and not pd.isna(agency) and agency not in w["agencies"]:
                w["agencies"].append(agency)
    docs = [{"document": k, **w, "cross_agency": len(w["agencies"]) > 1, "times_requested": len(w["steps"])}
            for k, w in where.items() if len(w["steps"]) > 1]
    docs.sort(key=lambda d: (-d["times_requested"], d["document"]))
    reps = []
    pains = tables.get("pain_points")
    if pains is not None and len(pains):
        p = pains[(pains["category"] == "repetition") & pains["step_id"].notna()]
        for sid, g in p.groupby("step_id", sort=False):
            reps.append({"step_id": sid, "count": int(len(g)), "participants": int(g["participant_id"].nunique())})
        reps.sort(key=lambda r: -r["count"])
    violations = sum(d["times_requested"] - 1 for d in docs) + sum(r["count"] for r in reps)
    return {"documents": docs, "repetition_pains": reps, "violations": violations}


def _sequences(tables):
    """(kind, group column, ordered table) for the observed and narrated journeys present."""
    out = []
    if len(tables["trace"]):
        out.append(("observed", "case_id", tables["trace"]))
    if len(tables["narrated"]):
        out.append(("narrated", "interview_id", tables["narrated"]))
    return out


def channel_switch_matrix(tables: dict) -> dict:
    """Channel × channel counts of consecutive transitions (observed and narrated).

    Returns
    -------
    dict
        ``channels`` (sorted), ``matrix`` ``{from: {to: n}}`` over both sources (the diagonal
        is staying on a channel), ``by_source`` ``{"observed": {...}, "narrated": {...}}``,
        ``switches`` (off-diagonal total; ``unspecified`` channels never count as a switch).

    Examples
    --------
    >>> from journeys.graph import journey_tables
    >>> steps = pd.DataFrame({"step_id": ["S1", "S2"], "channel": ["web", "phone; web"]})
    >>> nar = pd.DataFrame({"interview_id": ["i1", "i1"], "participant_id": ["p1", "p1"],
    ...                     "position": [1, 2], "step_id": ["S1", "S2"], "channel": ["web", "phone"]})
    >>> m = channel_switch_matrix(journey_tables(steps, narrated=nar))
    >>> m["matrix"], m["switches"]
    ({'web': {'phone': 1}}, 1)
    """
    by_source = {}
    total = Counter()
    for kind, _group, _seq in _sequences(tables):
        tr = cached_transitions(tables, kind)
        c = Counter(tr.groupby(["u_channel", "v_channel"], sort=False).size().to_dict())
        by_source[kind] = _nest(c)
        total.update(c)
    chans = sorted({a for a, _ in total} | {b for _, b in total})
    switches = sum(n for (a, b), n in total.items()
                   if a != b and UNSPECIFIED_CHANNEL not in (a, b))
    return {"channels": chans, "matrix": _nest(total), "by_source": by_source, "switches": switches}


def _nest(counter):
    out: dict = {}
    for (a, b), n in sorted(counter.items()):
        out.setdefault(a, {})[b] = int(n)
    return out


def failure_demand(tables: dict) -> dict:
    """Journeys that start on a digital channel and later need the phone or an office.

    Digital: web, app, whatsapp, email, kiosk; assisted: phone, office
    (:mod:`journeys.vocabulary`). A journey is a case (observed) or an interview (narrated);
    its first known channel decides where it starts.

    Returns
    -------
    dict
        Per source (``"observed"``, ``"narrated"``): ``journeys``, ``digital_starts``,
        ``failure_demand``, ``rate`` (of digital starts), ``paths`` ``{"web→phone": n}`` (first
        digital channel → first assisted one), ``steps`` ``{step_id: n}`` (where the first
        assisted contact happened), ``examples`` (up to 10 ids).

    Examples
    --------
    >>> from journeys.graph import journey_tables
    >>> steps = pd.DataFrame({"step_id": ["S1", "S2", "S3"], "channel": ["web", "phone", "office"]})
    >>> ev = pd.DataFrame({"case_id": ["a", "a", "a", "b"], "activity": ["S1", "S2", "S3", "S1"],
    ...                    "timestamp": ["2024-01-01", "2024-01-02", "2024-01-03", "2024-01-01"]})
    >>> fd = failure_demand(journey_tables(steps, ev))["observed"]
    >>> fd["digital_starts"], fd["failure_demand"], fd["rate"], fd["paths"], fd["steps"]
    (2, 1, 0.5, {'web→phone': 1}, {'S2': 1})
    """
    out = {}
    for kind, group, seq in _sequences(tables):
        known = seq[~seq["channel"].isin([UNSPECIFIED_CHANNEL, "internal"])]
        first = known.groupby(group, sort=False)["channel"].first()
        digital = first[first.isin(DIGITAL_CHANNELS)]
        later = known[known[group].isin(digital.index) & known["channel"].isin(ASSISTED_CHANNELS)]
        hit = later.groupby(group, sort=False)[["channel", "step_id"]].first()
        paths = Counter((hit.index.map(digital).astype(str) + "→" + hit["channel"].astype(str)).tolist())
        steps = Counter(hit["step_id"])
        out[kind] = {"journeys": int(len(first)), "digital_starts": int(len(digital)),
                     "failure_demand": int(len(hit)),
                     "rate": len(hit) / len(digital) if len(digital) else None,
                     "paths": dict(paths.most_common()), "steps": dict(steps.most_common()),
                     "examples": [str(g) for g in hit.index[:10]]}
    return out


def agency_handoffs(tables: dict) -> dict:
    """Hand-offs between agencies per journey (case or interview).

    Returns
    -------
    dict
        Per source: ``journeys``, ``distribution`` ``{handoffs: journeys}``, ``mean``, ``max``,
        ``pairs`` ``{"A→B": n}``.

    Examples
    --------
    >>> from journeys.graph import journey_tables
    >>> steps = pd.DataFrame({"step_id": ["S1", "S2", "S3"], "agency": ["Registry", "Tax", "Registry"]})
    >>> ev = pd.DataFrame({"case_id": ["a", "a", "a", "b"], "activity": ["S1", "S2", "S3", "S1"],
    ...                    "timestamp": ["2024-01-01", "2024-01-02", "2024-01-03", "2024-01-01"]})
    >>> h = agency_handoffs(journey_tables(steps, ev))["observed"]
    >>> h["distribution"], h["mean"], h["pairs"]
    ({0: 1, 2: 1}, 1.0, {'Registry→Tax': 1, 'Tax→Registry': 1})
    """
    out = {}
    for kind, group, seq in _sequences(tables):
        tr = cached_transitions(tables, kind)
        ids = seq[group].drop_duplicates()
        per = (tr.groupby(group)["agency_handoff"].sum() if len(tr) and "agency_handoff" in tr.columns
               else pd.Series(dtype=int)).reindex(ids, fill_value=0).astype(int)
        h = tr[tr["agency_handoff"]] if "agency_handoff" in tr.columns else tr.iloc[0:0]
        pairs = Counter()
        if len(h) and {"u_agency", "v_agency"} <= set(h.columns):  # 0/1-event logs have no transitions
            pairs = Counter({f"{a}→{b}": int(n) for (a, b), n in
                             h.groupby(["u_agency", "v_agency"], sort=False).size().items()})
        out[kind] = {"journeys": int(len(per)),
                     "distribution": {int(k): int(v) for k, v in sorted(per.value_counts().items())},
                     "mean": float(per.mean()) if len(per) else None,
                     "max": int(per.max()) if len(per) else None,
                     "pairs": dict(sorted(pairs.items(), key=lambda kv: (-kv[1], kv[0])))}
    return out


def critical_path(G: nx.MultiDiGraph, waits: dict | None = None) -> dict:
    """The longest expected time from a start to an end step over forward edges (a DAG).

    Parameters
    ----------
    G : nx.MultiDiGraph
        A step-granularity graph (:func:`journeys.graph.graph_from_tables` with ``"step"``).
    waits : dict, optional
        ``{step_id: days}`` overriding the nodes' ``median_wait_days`` (e.g. observed waits).

    Returns
    -------
    dict
        ``steps`` (the path), ``total_days``, ``waits_days`` per step on the path, ``basis``
        (``"designed"`` or ``"observed"`` edges), ``wait_source`` per step (``"sheet"``,
        ``"observed"`` or ``"none"``).

    Examples
    --------
    A 4-step journey where S2 can be skipped and S3 loops back to S2:

    >>> from journeys.graph import build_graph
    >>> steps = pd.DataFrame({"step_id": ["S1", "S2", "S3", "S4"], "order": [1, 2, 3, 4],
    ...                       "next_steps": ["S2; S3", "S3", "S2; S4", ""],
    ...                       "median_wait_days": [1, 10, 2, 0.5]})
    >>> cp = critical_path(build_graph(steps, granularity="step"))
    >>> cp["steps"], cp["total_days"]
    (['S1', 'S2', 'S3', 'S4'], 13.5)
    """
    kind = "designed" if G.graph.get("designed", True) and any(
        k == "designed" for *_, k in G.edges(keys=True)) else "observed"
    waits = waits or {}
    D = nx.DiGraph()
    wait, src = {}, {}
    for n, d in G.nodes(data=True):
        sid = d.get("step_id", n)
        w = d.get("median_wait_days")
        if w is not None and not pd.isna(w):
            wait[n], src[n] = float(w), "sheet"
        elif waits.get(sid) is not None:
            wait[n], src[n] = float(waits[sid]), "observed"
        else:
            wait[n], src[n] = 0.0, "none"
        if kind == "observed" or d.get("designed"):
            D.add_node(n)
    for u, v, k in G.edges(keys=True):
        ou, ov = G.nodes[u].get("order"), G.nodes[v].get("order")
        if k == kind and ou is not None and ov is not None and ov > ou:
            D.add_edge(u, v)
    if not D.number_of_nodes():
        return {"steps": [], "total_days": 0.0, "waits_days": [], "basis": kind, "wait_source": {}}
    best: dict = {}
    for n in nx.topological_sort(D):
        preds = [(best[p][0], p) for p in D.predecessors(n)]
        top = max(preds, key=lambda t: t[0], default=(0.0, None))
        best[n] = (top[0] + wait[n], top[1])
    sinks = [n for n in D if D.out_degree(n) == 0]
    end = max(sinks, key=lambda n: best[n][0])
    path = [end]
    while best[path[-1]][1] is not None:
        path.append(best[path[-1]][1])
    path.reverse()
    ids = [G.nodes[n].get("step_id", n) for n in path]
    return {"steps": ids, "total_days": float(best[end][0]), "waits_days": [wait[n] for n in path],
            "basis": kind, "wait_source": {G.nodes[n].get("step_id", n): src[n] for n in path}}


def conformance(G: nx.MultiDiGraph) -> dict:
    """Compare designed, observed and narrated journeys on the nodes and edges of ``G``.

    Returns
    -------
    dict
        For ``"observed"`` and ``"narrated"`` (``None`` when that evidence is absent):
        ``designed_nodes_not_taken``, ``designed_edges_not_taken`` (lists of ids / pairs),
        ``nodes_not_designed``, ``edges_not_designed`` (``{"source", "target", "count"}``, most
        frequent first), their ``counts``, ``fitness`` and ``coverage``. ``designed`` is False
        when the steps were inferred (then nothing is compared).

    Examples
    --------
    >>> from journeys.graph import build_graph
    >>> steps = pd.DataFrame({"step_id": ["S1", "S2", "S3"], "order": [1, 2, 3]})
    >>> ev = pd.DataFrame({"case_id": ["a", "a", "b", "b"], "activity": ["S1", "S3", "S1", "S2"],
    ...                    "timestamp": ["2024-01-01", "2024-01-02"] * 2})
    >>> c = conformance(build_graph(steps, ev, granularity="step"))["observed"]
    >>> c["edges_not_designed"], c["designed_edges_not_taken"], c["fitness"], c["coverage"]
    ([{'source': 'S1', 'target': 'S3', 'count': 1}], [['S2', 'S3']], 0.5, 0.5)
    """
    gran = G.graph.get("granularity", "touchpoint")

    def ident(n):
        return touchpoint_id(n) if gran == "touchpoint" else str(n)

    designed_edges = {(u, v) for u, v, k in G.edges(keys=True) if k == "designed"}
    designed_nodes = [n for n, d in G.nodes(data=True) if d.get("designed")]
    out = {"designed": bool(G.graph.get("designed", True))}
    for kind, attr in (("observed", "events"), ("narrated", "mentions")):
        edges = {(u, v): d["count"] for u, v, k, d in G.edges(keys=True, data=True) if k == kind}
        taken = {n for n, d in G.nodes(data=True) if d.get(attr)}
        if not taken:
            out[kind] = None
            continue
        if not out["designed"]:
            out[kind] = {"designed_nodes_not_taken": None, "designed_edges_not_taken": None,
                         "nodes_not_designed": None, "edges_not_designed": None,
                         "counts": None, "fitness": None, "coverage": None}
            continue
        nodes_missing = [ident(n) for n in designed_nodes if n not in taken]
        edges_missing = [[ident(u), ident(v)] for u, v in designed_edges if (u, v) not in edges]
        edges_missing.sort()
        extra_nodes = [ident(n) for n in G.nodes if n in taken and not G.nodes[n].get("designed")]
        extra = sorted(({"source": ident(u), "target": ident(v), "count": c}
                        for (u, v), c in edges.items() if (u, v) not in designed_edges),
                       key=lambda e: (-e["count"], e["source"], e["target"]))
        total = sum(edges.values())
        ok = sum(c for e, c in edges.items() if e in designed_edges)
        out[kind] = {
            "designed_nodes_not_taken": nodes_missing, "designed_edges_not_taken": edges_missing,
            "nodes_not_designed": extra_nodes, "edges_not_designed": extra,
            "counts": {"designed_nodes_not_taken": len(nodes_missing),
                       "designed_edges_not_taken": len(edges_missing),
                       "nodes_not_designed": len(extra_nodes), "edges_not_designed": len(extra),
                       "transitions": total, "transitions_not_designed": total - ok},
            "fitness": ok / total if total else None,
            "coverage": (len(designed_edges) - len(edges_missing)) / len(designed_edges) if designed_edges else None,
        }
    return out



def segment_comparison(tables: dict) -> list[dict]:
    """Pain and narration per step for each participant segment, side by side.

    Uses the participants table's ``segment``; reach is the share of the segment's participants
    with a pain at the step. Empty when there are no segments.

    Returns
    -------
    list of dict
        ``{"segment", "step_id", "participants", "reach", "pain_count", "mean_severity",
        "mentions"}`` in step order, then segment.

    Examples
    --------
    >>> from journeys.graph import journey_tables
    >>> steps = pd.DataFrame({"step_id": ["S1", "S2"]})
    >>> people = pd.DataFrame({"participant_id": ["a", "b", "c"], "segment": ["citizen", "citizen", "business"]})
    >>> pains = pd.DataFrame({"participant_id": ["a", "c"], "step_id": ["S1", "S1"], "severity": [0.5, 0.9],
    ...                       "category": ["waiting", "cost"]})
    >>> rows = segment_comparison(journey_tables(steps, pain_points=pains, participants=people))
    >>> [(r["segment"], r["step_id"], r["reach"]) for r in rows if r["step_id"] == "S1"]
    [('business', 'S1', 1.0), ('citizen', 'S1', 0.5)]
    """
    people = tables.get("participants")
    if people is None or not len(people) or "segment" not in people.columns:
        return []
    people = people[people["segment"].notna()]
    pid_seg = dict(zip(people["participant_id"].astype(str), people["segment"].astype(str), strict=False))
    sizes = Counter(pid_seg.values())
    pains = tables.get("pain_points")
    nar = tables["narrated"]
    steps = tables["touchpoints"].drop_duplicates("step_id")
    rows = []
    for sid in steps.sort_values(["order", "step_row"], kind="mergesort")["step_id"]:
        for seg in sorted(sizes):
            p = pains[(pains["step_id"] == sid) & (pains["participant_id"].map(pid_seg) == seg)] \
                if pains is not None and len(pains) else None
            n = nar[(nar["step_id"] == sid) & (nar["participant_id"].map(pid_seg) == seg)] if len(nar) else nar
            who = set(p["participant_id"]) if p is not None else set()
            rows.append({"segment": seg, "step_id": sid, "participants": sizes[seg],
                         "reach": len(who) / sizes[seg], "pain_count": 0 if p is None else int(len(p)),
                         "mean_severity": None if p is None or not len(p) else _f(p["severity"].mean()),
                         "mentions": int(len(n))})
    return rows
