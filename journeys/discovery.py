"""Event-log discovery: directly-follows counts and times, start/end activities, variants, case durations.

Semantics (DESIGN.md §8; the same as PM4Py's pandas path, so results can be checked against it):

- Rows whose case, activity or timestamp is missing are ignored (PM4Py's ``format_dataframe``
  drops them).
- Events are ordered by case, then timestamp, then original row (a stable sort): two events of one
  case with the same timestamp keep their order in the table.
- A directly-follows pair is two consecutive events of one case; its time is the seconds from the
  first to the second. Lifecycle values (start/complete) do not merge events: each row is an event.
- Per edge: count, and the mean, median, min, max, sum and sample standard deviation (``ddof=1``,
  ``None`` for an edge seen once) of its times.
- A variant is the sequence of activities of a case; a case's duration is the seconds from its
  first to its last event.
- Timestamps are compared in UTC; naive timestamps are taken as UTC; a text column is parsed as
  the readers do (:func:`journeys.eventlog.parse_timestamps`, errors name the rows).

Everything is columnar: activities and cases are factorised to integer codes, the table is sorted
once, and each result is an aggregation over arrays (no Python loop over events). This module is
the only place where event-log aggregation lives, so it can gain a DuckDB or Spark backend later
without touching its callers (DESIGN.md §9).

Touchpoints: ``activity`` may be a list of columns, e.g. ``["activity", "channel"]``; the key is
the values joined with ``" @ "`` (``"Pay fee @ web"``). A missing second value leaves the first
alone (``"Pay fee"``). Callers may also build their own key column and pass its name.
"""

from __future__ import annotations

import gc
from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = [
    "directly_follows", "start_activities", "end_activities", "variants", "case_durations",
    "discover", "touchpoint_key", "TOUCHPOINT_SEPARATOR", "EDGE_COLUMNS",
]

TOUCHPOINT_SEPARATOR = " @ "
EDGE_COLUMNS = ("source", "target", "count", "mean_seconds", "median_seconds", "min_seconds",
                "max_seconds", "sum_seconds", "stdev_seconds")


@dataclass
class _Log:
    """A log sorted by case, timestamp, row; everything as integer arrays."""

    act: np.ndarray          # activity code per event (sorted order)
    labels: np.ndarray       # activity label per code (object array)
    ts: np.ndarray           # int64 nanoseconds since epoch, UTC (sorted order)
    case_starts: np.ndarray  # index of each case's first event
    case_ends: np.ndarray    # index of each case's last event
    case_labels: np.ndarray  # case id per case (object array)

    @property
    def n_events(self) -> int:
        return len(self.act)

    @property
    def n_cases(self) -> int:
        return len(self.case_starts)


def touchpoint_key(events: pd.DataFrame, columns, separator: str = TOUCHPOINT_SEPARATOR) -> pd.Series:
    """One text key per event from several columns, e.g. activity × channel.

    Parameters
    ----------
    events : DataFrame
    columns : list of str
        Columns to join, in order.
    separator : str
        Placed between the values (default ``" @ "``).

    Returns
    -------
    Series of object
        ``"activity @ channel"``; an empty or missing later value is left out; a missing first
        value gives a missing key.

    Examples
    --------
    >>> ev = pd.DataFrame({"activity": ["Pay", "Pay", None], "channel": ["web", None, "office"]})
    >>> touchpoint_key(ev, ["activity", "channel"]).tolist()
    ['Pay @ web', 'Pay', None]
    """
    columns = list(columns)
    codes = []
    uniques = []
    for col in columns:
        c, u = pd.factorize(events[col], use_na_sentinel=True)
        codes.append(c.astype(np.int64))
        uniques.append(np.asarray(u, dtype=object))
    # combine codes, build labels only for the distinct combinations (fast on big logs)
    combined = np.zeros(len(events), dtype=np.int64)
    for c, u in zip(codes, uniques, strict=False):
        combined = combined * (len(u) + 1) + (c + 1)
    ucodes, inverse = np.unique(combined, return_inverse=True)
    labels = []
    for code in ucodes.tolist():
        parts = []
        for u in reversed(uniques):
            base = len(u) + 1
            code, digit = divmod(code, base)
            parts.append(None if digit == 0 else u[digit - 1])
        parts.reverse()
        first, rest = parts[0], parts[1:]
        if first is None or (isinstance(first, float) and np.isnan(first)):
            labels.append(None)
            continue
        text = str(first)
        for p in rest:
            if p is not None and str(p).strip() != "":
                text += separator + str(p)
        labels.append(text)
    return pd.Series(np.asarray(labels, dtype=object)[inverse.reshape(-1)], index=events.index,
                     dtype=object)


def _uniform(values: pd.Series) -> pd.Series:
    """Mixed-type labels (``1`` and ``"1"``) as text, so they are one case or activity, as in PM4Py."""
    if values.dtype == object and pd.api.types.infer_dtype(values, skipna=True) not in ("string", "empty"):
        return values.map(str, na_action="ignore")
    return values


def _timestamps_ns(values: pd.Series) -> np.ndarray:
    """int64 ns since the epoch in UTC (naive = UTC); NaT becomes INT64 min."""
    s = values
    if isinstance(s.dtype, pd.DatetimeTZDtype):
        s = s.dt.tz_convert("UTC").dt.tz_localize(None)
    elif not pd.api.types.is_datetime64_dtype(s.dtype):  # text: the readers' parser and its errors
        from journeys.eventlog import parse_timestamps

        s = parse_timestamps(s).dt.tz_localize(None)
    return s.to_numpy(dtype="datetime64[ns]").view(np.int64)


def _prepare(events: pd.DataFrame, case: str, activity, timestamp: str) -> _Log:
    act_col = touchpoint_key(events, activity) if isinstance(activity, (list, tuple)) else events[activity]
    # cases in sorted order, as PM4Py sorts them: same summation order, bit-identical floats
    case_codes, case_uniques = pd.factorize(_uniform(events[case]), use_na_sentinel=True, sort=True)
    act_codes, act_uniques = pd.factorize(_uniform(act_col), use_na_sentinel=True)
    ts = _timestamps_ns(events[timestamp])
    nat = np.iinfo(np.int64).min
    valid = (case_codes >= 0) & (act_codes >= 0) & (ts != nat)
    if not valid.all():
        case_codes, act_codes, ts = case_codes[valid], act_codes[valid], ts[valid]
    # stable: timestamp order within case, then original row order
    order = None if _is_sorted(case_codes, ts) else _stable_order(case_codes, ts)
    c = case_codes if order is None else case_codes[order]
    n = len(c)
    if n:
        boundary = np.flatnonzero(c[1:] != c[:-1]) + 1
        starts = np.concatenate(([0], boundary))
        ends = np.concatenate((boundary - 1, [n - 1]))
    else:
        starts = ends = np.zeros(0, dtype=np.int64)
    return _Log(act=(act_codes if order is None else act_codes[order]).astype(np.int64),
                labels=np.asarray(act_uniques, dtype=object),
                ts=ts if order is None else ts[order], case_starts=starts, case_ends=ends,
                case_labels=np.asarray(case_uniques, dtype=object)[c[starts]] if n else
                np.zeros(0, dtype=object))


def _is_sorted(case_codes: np.ndarray, ts: np.ndarray) -> bool:
    """Already grouped by case (in code order) and in time order within each case? (O(n))"""
    if len(case_codes) < 2:
        return True
    step = np.diff(case_codes)
    if (step < 0).any():
        return False
    same = step == 0
    return bool((ts[1:][same] >= ts[:-1][same]).all())


def _stable_order(case_codes: np.ndarray, ts: np.ndarray) -> np.ndarray:
    """Row order by case, then timestamp, then original row (two stable passes)."""
    order = np.argsort(ts, kind="stable")
    return order[np.argsort(case_codes[order], kind="stable")]


def _seconds(delta_ns: np.ndarray) -> np.ndarray:
    """Seconds as float, computed as PM4Py does (days·86400 + seconds, + 1e-6·µs, + 1e-9·ns), for
    bit-equal results. ``delta_ns`` is never negative here (events are sorted)."""
    whole = delta_ns // 1_000_000_000  # = 86400 * days + seconds for non-negative deltas
    rem = delta_ns - whole * 1_000_000_000
    out = whole.astype(np.float64)
    if rem.any():  # sub-second parts, added in PM4Py's order
        micros = rem // 1_000
        out += 1e-6 * micros.astype(np.float64)
        out += 1e-9 * (rem - micros * 1_000).astype(np.float64)
    return out


def _edges(log: _Log) -> pd.DataFrame:
    n_act = len(log.labels)
    same = np.ones(max(log.n_events - 1, 0), dtype=bool)
    same[log.case_ends[:-1]] = False  # the last event of a case is followed by another case
    src = log.act[:-1][same]
    tgt = log.act[1:][same]
    secs = _seconds(log.ts[1:][same] - log.ts[:-1][same])
    pair = src * n_act + tgt
    if len(pair) == 0:
        return pd.DataFrame({c: pd.Series(dtype=object if c in ("source", "target") else float)
                             for c in EDGE_COLUMNS})
    grouped = pd.Series(secs).groupby(pair, sort=True)
    agg = grouped.agg(["count", "mean", "median", "min", "max", "sum", "std"])
    keys = agg.index.to_numpy()
    out = pd.DataFrame({
        "source": log.labels[keys // n_act],
        "target": log.labels[keys % n_act],
        "count": agg["count"].to_numpy(dtype=np.int64),
        "mean_seconds": agg["mean"].to_numpy(),
        "median_seconds": agg["median"].to_numpy(),
        "min_seconds": agg["min"].to_numpy(),
        "max_seconds": agg["max"].to_numpy(),
        "sum_seconds": agg["sum"].to_numpy(),
        "stdev_seconds": agg["std"].to_numpy(),
    })
    return out


def directly_follows(events: pd.DataFrame, *, case: str = "case_id", activity="activity",
                     timestamp: str = "timestamp") -> pd.DataFrame:
    """Directly-follows edges with counts and times between consecutive events of a case.

    Parameters
    ----------
    events : DataFrame
        One row per event.
    case, timestamp : str
        Column names (defaults: the canonical ``case_id`` and ``timestamp``).
    activity : str or list of str
        Activity column, or several columns joined into a touchpoint key (see module notes).

    Returns
    -------
    DataFrame
        Columns ``EDGE_COLUMNS``: ``source``, ``target``, ``count`` and the ``mean``, ``median``,
        ``min``, ``max``, ``sum`` and sample ``stdev`` (NaN for one observation) of the seconds
        between the two events. Sorted by count (descending), then source and target.

    Examples
    --------
    Two cases: a → b → c and a → c (the rows are unsorted, the timestamps decide):

    >>> ev = pd.DataFrame({"case_id": ["1", "1", "2", "1", "2"],
    ...                    "activity": ["b", "a", "a", "c", "c"],
    ...                    "timestamp": pd.to_datetime(["2024-01-01 10:00", "2024-01-01 09:00",
    ...                        "2024-01-02 09:00", "2024-01-01 12:00", "2024-01-02 09:30"], utc=True)})
    >>> df = directly_follows(ev)
    >>> df[["source", "target", "count", "mean_seconds"]].values.tolist()
    [['a', 'b', 1, 3600.0], ['a', 'c', 1, 1800.0], ['b', 'c', 1, 7200.0]]
    """
    edges = _edges(_prepare(events, case, activity, timestamp))
    return _sort_edges(edges)


def _sort_edges(edges: pd.DataFrame) -> pd.DataFrame:
    if edges.empty:
        return edges.reset_index(drop=True)
    keys = pd.DataFrame({"c": -edges["count"].to_numpy(), "s": edges["source"].astype(str).to_numpy(),
                         "t": edges["target"].astype(str).to_numpy()})
    order = keys.sort_values(["c", "s", "t"], kind="stable").index.to_numpy()
    return edges.iloc[order].reset_index(drop=True)


def _endpoint_counts(log: _Log, idx: np.ndarray) -> dict:
    counts = np.bincount(log.act[idx], minlength=len(log.labels))
    nz = np.flatnonzero(counts)
    nz = nz[np.argsort(-counts[nz], kind="stable")]
    return {log.labels[i]: int(counts[i]) for i in nz}


def start_activities(events: pd.DataFrame, *, case: str = "case_id", activity="activity",
                     timestamp: str = "timestamp") -> dict:
    """How many cases start with each activity (most frequent first).

    Examples
    --------
    >>> ev = pd.DataFrame({"case_id": [1, 1, 2], "activity": ["a", "b", "b"],
    ...                    "timestamp": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-01"])})
    >>> start_activities(ev)
    {'a': 1, 'b': 1}
    """
    log = _prepare(events, case, activity, timestamp)
    return _endpoint_counts(log, log.case_starts)


def end_activities(events: pd.DataFrame, *, case: str = "case_id", activity="activity",
                   timestamp: str = "timestamp") -> dict:
    """How many cases end with each activity (most frequent first).

    Examples
    --------
    >>> ev = pd.DataFrame({"case_id": [1, 1, 2], "activity": ["a", "b", "b"],
    ...                    "timestamp": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-01"])})
    >>> end_activities(ev)
    {'b': 2}
    """
    log = _prepare(events, case, activity, timestamp)
    return _endpoint_counts(log, log.case_ends)


_HASH_MULT = np.uint64(0x9E3779B97F4A7C15)
_HASH_MULT2 = np.uint64(0xC2B2AE3D27D4EB4F)


def _variant_ids(log: _Log) -> tuple[np.ndarray, np.ndarray]:
    """Variant id per case and a representative case per variant (exact, vectorised)."""
    n_cases = log.n_cases
    if n_cases == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    lengths = log.case_ends - log.case_starts + 1
    case_of_event = np.repeat(np.arange(n_cases), lengths)
    pos = np.arange(log.n_events) - log.case_starts[case_of_event]
    # position-dependent mixing, summed per case (uint64 arithmetic wraps, as intended)
    with np.errstate(over="ignore"):
        x = (log.act.astype(np.uint64) + np.uint64(1)) * _HASH_MULT + pos.astype(np.uint64) * _HASH_MULT2
        x ^= x >> np.uint64(29)
        x *= _HASH_MULT
        x ^= x >> np.uint64(32)
        h = np.add.reduceat(x, log.case_starts)
        h ^= lengths.astype(np.uint64) * _HASH_MULT2
    variant, rep_first = _factorize_first(h)
    rep = rep_first  # representative case of each variant
    # verify exactly: every case equals its representative event by event
    rep_case = rep[variant]
    same_len = lengths == lengths[rep_case]
    ok = bool(same_len.all())
    if ok:
        other = log.case_starts[rep_case][case_of_event] + pos
        ok = bool((log.act[other] == log.act).all())
    if not ok:  # a hash collision (practically never): fall back to exact tuples
        keys = [tuple(log.act[s:e + 1].tolist()) for s, e in zip(log.case_starts, log.case_ends, strict=False)]
        variant, rep = _factorize_first(pd.Series(keys, dtype=object))
    return variant, rep


def _factorize_first(values) -> tuple[np.ndarray, np.ndarray]:
    """Codes of ``values`` and, per distinct value, the index of its first occurrence."""
    codes, uniques = pd.factorize(values if isinstance(values, pd.Series) else pd.Series(values))
    first = np.empty(len(uniques), dtype=np.int64)
    first[codes[::-1]] = np.arange(len(codes) - 1, -1, -1)  # later writes win: the first index
    return codes.astype(np.int64), first


def _variant_list(log: _Log) -> list[dict]:
    variant, rep = _variant_ids(log)
    if len(rep) == 0:
        return []
    counts = np.bincount(variant, minlength=len(rep))
    starts = log.case_starts[rep]
    lengths = log.case_ends[rep] - starts + 1
    offsets = np.cumsum(lengths)
    idx = np.repeat(starts - (offsets - lengths), lengths) + np.arange(offsets[-1])
    codes = log.act[idx]
    order = _variant_order(codes, lengths, offsets, counts, log.labels)
    labels = log.labels[codes].tolist()
    bounds = offsets.tolist()
    sizes = lengths.tolist()
    n_of = counts.tolist()
    # Many small containers: pause the cyclic GC, which would rescan them again and again
    # (they hold no cycles). Done for speed only; the result is the same.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        seqs = [labels[b - n:b] for b, n in zip(bounds, sizes, strict=True)]
        return [{"activities": seqs[i], "count": n_of[i]} for i in order.tolist()]
    finally:
        if was_enabled:
            gc.enable()


def _variant_order(codes, lengths, offsets, counts, labels) -> np.ndarray:
    """Most frequent first, ties by the sequence of labels (as text); vectorised.

    Each sequence of label ranks becomes a fixed-width big-endian byte string (0 pads, so a
    shorter prefix sorts first), which numpy sorts lexicographically.
    """
    label_rank = np.empty(len(labels), dtype=np.int64)
    label_rank[np.argsort(np.asarray([str(x) for x in labels], dtype=object), kind="stable")] = \
        np.arange(len(labels))
    ranks = label_rank[codes] + 1
    width = int(lengths.max())
    dtype = np.dtype(">u1") if len(labels) < 255 else np.dtype(">u2") if len(labels) < 65535 else None
    if dtype is None or len(lengths) * width * dtype.itemsize > 200_000_000:
        seqs = np.split(ranks, offsets[:-1])
        return np.asarray(sorted(range(len(seqs)), key=lambda i: (-int(counts[i]), seqs[i].tolist())),
                          dtype=np.int64)
    grid = np.zeros((len(lengths), width), dtype=dtype)
    rows = np.repeat(np.arange(len(lengths)), lengths)
    cols = np.arange(len(codes)) - np.repeat(offsets - lengths, lengths)
    grid[rows, cols] = ranks
    keys = np.ascontiguousarray(grid).view(f"S{width * dtype.itemsize}").reshape(-1)
    by_sequence = np.argsort(keys, kind="stable")
    return by_sequence[np.argsort(-counts[by_sequence], kind="stable")]


def variants(events: pd.DataFrame, *, case: str = "case_id", activity="activity",
             timestamp: str = "timestamp") -> list[dict]:
    """The distinct activity sequences of the cases, most frequent first.

    Returns
    -------
    list of dict
        ``{"activities": [...], "count": n}``; ties by the activity sequence.

    Examples
    --------
    >>> ev = pd.DataFrame({"case_id": ["x", "x", "y", "y", "z"], "activity": list("ababa"),
    ...                    "timestamp": pd.to_datetime(["2024-01-01"] * 5)})
    >>> variants(ev)
    [{'activities': ['a', 'b'], 'count': 2}, {'activities': ['a'], 'count': 1}]
    """
    return _variant_list(_prepare(events, case, activity, timestamp))


def _case_durations(log: _Log) -> pd.Series:
    secs = _seconds(log.ts[log.case_ends] - log.ts[log.case_starts])
    return pd.Series(secs, index=pd.Index(log.case_labels, name="case_id"), name="duration_seconds")


def case_durations(events: pd.DataFrame, *, case: str = "case_id", activity="activity",
                   timestamp: str = "timestamp") -> pd.Series:
    """Seconds from the first to the last event of each case.

    Returns
    -------
    Series of float
        Indexed by case id, in sorted order.

    Examples
    --------
    >>> ev = pd.DataFrame({"case_id": ["x", "x", "y"], "activity": ["a", "b", "a"],
    ...                    "timestamp": pd.to_datetime(["2024-01-01 10:00", "2024-01-01 10:05",
    ...                                                 "2024-01-02 00:00"])})
    >>> case_durations(ev).to_dict()
    {'x': 300.0, 'y': 0.0}
    """
    return _case_durations(_prepare(events, case, activity, timestamp))


def _none_if_nan(v):
    v = float(v)
    return None if np.isnan(v) else v


def discover(events: pd.DataFrame, *, case: str = "case_id", activity="activity",
             timestamp: str = "timestamp") -> dict:
    """Everything ``python cli.py discover`` prints, as plain data.

    Returns
    -------
    dict
        ``cases``, ``events``, ``activities`` (sorted), ``start_activities``, ``end_activities``
        (``{name: n}``, most frequent first), ``edges`` (list of dicts with ``EDGE_COLUMNS``;
        ``stdev_seconds`` is None for an edge seen once), ``variants`` and ``case_durations``
        (``mean_seconds``, ``median_seconds``, ``min_seconds``, ``max_seconds``; None when empty).

    Examples
    --------
    >>> ev = pd.DataFrame({"case_id": ["1", "1", "2", "2"], "activity": ["a", "b", "a", "b"],
    ...                    "channel": ["web", "office", "web", "web"],
    ...                    "timestamp": pd.to_datetime(["2024-01-01 09:00", "2024-01-01 10:00",
    ...                                                 "2024-01-02 09:00", "2024-01-02 09:30"])})
    >>> out = discover(ev)
    >>> out["cases"], out["events"], out["start_activities"]
    (2, 4, {'a': 2})
    >>> e = out["edges"][0]
    >>> e["source"], e["target"], e["count"], e["mean_seconds"], round(e["stdev_seconds"], 3)
    ('a', 'b', 2, 2700.0, 1272.792)
    >>> [e["target"] for e in discover(ev, activity=["activity", "channel"])["edges"]]
    ['b @ office', 'b @ web']
    """
    log = _prepare(events, case, activity, timestamp)
    log.labels = np.asarray([str(x) for x in log.labels], dtype=object)  # JSON names, once
    edges = _edges(log)
    edge_records = [{
        "source": src, "target": tgt, "count": int(n), "mean_seconds": float(mean),
        "median_seconds": float(median), "min_seconds": float(lo), "max_seconds": float(hi),
        "sum_seconds": float(total), "stdev_seconds": _none_if_nan(sd),
    } for src, tgt, n, mean, median, lo, hi, total, sd in zip(*(edges[c].tolist() for c in EDGE_COLUMNS),
                                                              strict=True)]
    edge_records.sort(key=lambda e: (-e["count"], e["source"], e["target"]))
    durations = _seconds(log.ts[log.case_ends] - log.ts[log.case_starts])
    if len(durations):
        dur = {"mean_seconds": float(np.mean(durations)), "median_seconds": float(np.median(durations)),
               "min_seconds": float(durations.min()), "max_seconds": float(durations.max())}
    else:
        dur = {"mean_seconds": None, "median_seconds": None, "min_seconds": None, "max_seconds": None}
    present = np.flatnonzero(np.bincount(log.act, minlength=len(log.labels)))
    return {
        "cases": int(log.n_cases),
        "events": int(log.n_events),
        "activities": sorted(str(a) for a in log.labels[present]),
        "start_activities": _endpoint_counts(log, log.case_starts),
        "end_activities": _endpoint_counts(log, log.case_ends),
        "edges": edge_records,
        "variants": _variant_list(log),
        "case_durations": dur,
    }
