"""Plain-pandas helpers behind the pages: filtering, joining, labelling. No Streamlit here, so
they are tested with five-row DataFrames."""

from __future__ import annotations

import math

import pandas as pd

__all__ = [
    "FILTER_COLUMNS", "clean", "utterance_key", "with_segment", "filter_options",
    "filter_pain_points", "quote_of", "spans_by_utterance", "report_frame", "backlog_key", "flat_frame", "backlog_frame",
]

# filter name -> column of the (segment-joined) pain-point table
FILTER_COLUMNS = {"segment": "segment", "category": "category", "channel": "channel",
                  "step": "step_id", "lang": "lang", "status": "status"}


def clean(value):
    """None for NaN/None/empty, else the value (so keys built from cells compare equal)."""
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if value is pd.NA or value is pd.NaT:
        return None
    return value


def utterance_key(row) -> tuple:
    """The source reference that ties a pain point to its utterance.

    Examples
    --------
    >>> utterance_key({"source_file": "a.xlsx", "source_sheet": None, "source_row": 3.0,
    ...                "source_column": float("nan")})
    ('a.xlsx', None, 3, None)
    """
    row_no = clean(row.get("source_row"))
    return (clean(row.get("source_file")), clean(row.get("source_sheet")),
            int(row_no) if row_no is not None else None, clean(row.get("source_column")))


def with_segment(pain_points: pd.DataFrame, participants: pd.DataFrame | None) -> pd.DataFrame:
    """Pain points with the participant's ``segment`` joined on ``participant_id``."""
    out = pain_points.copy()
    if "segment" in out.columns:
        return out
    if participants is None or not len(participants) or "segment" not in participants.columns:
        out["segment"] = None
        return out
    seg = participants.drop_duplicates("participant_id").set_index("participant_id")["segment"]
    out["segment"] = out["participant_id"].map(seg)
    return out


def filter_options(pain_points: pd.DataFrame, name: str) -> list:
    """The distinct non-empty values of filter ``name``, sorted."""
    col = FILTER_COLUMNS[name]
    if col not in pain_points.columns:
        return []
    return sorted({str(v) for v in pain_points[col] if clean(v) is not None})


def filter_pain_points(pain_points: pd.DataFrame, filters: dict[str, list]) -> pd.DataFrame:
    """Rows whose value is in every non-empty filter list (an empty list means all).

    Examples
    --------
    >>> pp = pd.DataFrame({"category": ["cost", "waiting", "cost"], "status": ["suggested"] * 3,
    ...                    "segment": ["citizen", "business", "business"]})
    >>> filter_pain_points(pp, {"category": ["cost"], "segment": ["business"]}).index.tolist()
    [2]
    """
    mask = pd.Series(True, index=pain_points.index)
    for name, chosen in filters.items():
        col = FILTER_COLUMNS[name]
        if chosen and col in pain_points.columns:
            mask &= pain_points[col].astype(str).isin([str(c) for c in chosen])
    return pain_points[mask]


def quote_of(pain: dict, utterance_text: str | None) -> str:
    """The words of a pain point: the utterance slice at its offsets, else its stored sentence."""
    start, end = clean(pain.get("start")), clean(pain.get("end"))
    if utterance_text and start is not None and end is not None and 0 <= int(start) < int(end):
        return utterance_text[int(start):int(end)]
    return str(clean(pain.get("sentence")) or "")


def spans_by_utterance(pain_points: pd.DataFrame) -> dict[tuple, list[tuple[int, int, str]]]:
    """``{utterance key: [(start, end, style)]}`` where style is suggested / accepted / rejected."""
    out: dict[tuple, list] = {}
    for pain in pain_points.to_dict("records"):
        start, end = clean(pain.get("start")), clean(pain.get("end"))
        if start is None or end is None:
            continue
        status = pain.get("status") or "suggested"
        style = status if status in ("suggested", "rejected") else "accepted"
        out.setdefault(utterance_key(pain), []).append((int(start), int(end), style))
    return out


def report_frame(value) -> pd.DataFrame | None:
    """A journey-report section as a table (list of records, dict of records or of scalars)."""
    if value is None:
        return None
    if isinstance(value, pd.DataFrame):
        return value
    if isinstance(value, list):
        if not value:
            return pd.DataFrame()
        if isinstance(value[0], dict):
            return pd.DataFrame(value)
        return pd.DataFrame({"value": value})
    if isinstance(value, dict):
        if value and all(isinstance(v, dict) for v in value.values()):
            return pd.DataFrame.from_dict(value, orient="index").reset_index(names="key")
        return pd.DataFrame({"key": list(value), "value": [str(v) for v in value.values()]})
    return pd.DataFrame({"value": [value]})


def _cell(value):
    """A value a table cell can show: lists joined, dicts as ``k: v``."""
    if isinstance(value, list):
        return ", ".join(str(_cell(v)) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_cell(v)}" for k, v in value.items())
    return value


def flat_frame(records: list[dict]) -> pd.DataFrame:
    """Records with nested values flattened to text (for ``st.dataframe``).

    Examples
    --------
    >>> flat_frame([{"pairs": {"A→B": 2}, "steps": ["S1", "S2"], "n": 1}]).values.tolist()
    [['A→B: 2', 'S1, S2', 1]]
    """
    return pd.DataFrame([{k: _cell(v) for k, v in r.items()} for r in records])


def backlog_frame(rows: list[dict], decisions: dict[str, dict], columns) -> pd.DataFrame:
    """The ranked backlog: chosen columns of the priority rows plus the team's choice and owner.

    Examples
    --------
    >>> rows = [{"rank": 1, "id": "S2", "step": "Ask", "score": 74.0}, {"rank": 2, "id": "S1", "step": "Apply", "score": 10.0}]
    >>> backlog_frame(rows, {"S1": {"chosen": True, "owner": "Ana"}}, ("rank", "step", "score")).values.tolist()
    [[1, 'Ask', 74.0, False, ''], [2, 'Apply', 10.0, True, 'Ana']]
    """
    out = pd.DataFrame([{c: _cell(r.get(c)) for c in columns if any(c in x for x in rows)} for r in rows])
    out["chosen"] = [bool(decisions.get(str(r["id"]), {}).get("chosen", False)) for r in rows]
    out["owner"] = [str(clean(decisions.get(str(r["id"]), {}).get("owner")) or "") for r in rows]
    return out


def backlog_key(row: dict) -> str:
    """A stable key for a backlog row (touchpoint ``step_id|channel`` or the step id).

    Examples
    --------
    >>> backlog_key({"step_id": "S1", "channel": "web"}), backlog_key({"step_id": "S2"})
    ('S1|web', 'S2')
    """
    step, channel = clean(row.get("step_id")), clean(row.get("channel"))
    if clean(row.get("key")) is not None:
        return str(row["key"])
    return f"{step}|{channel}" if channel is not None else str(step)
