"""The priority score (0–100) per step or touchpoint and the ranked backlog (DESIGN.md §5).

The score is a transparent weighted mean of five components, each on 0–1, returned beside it:

reach
    Share of participants with a pain point there (already 0–1).
severity
    Mean severity of those pain points (already 0–1; 0 without pains).
delay
    The wait at the step — observed median incoming wait when the event log has one, else the
    steps sheet's ``median_wait_days`` — divided by the largest wait of all rows.
friction
    Channel switches in and out + rework + agency hand-offs in + drop-off + once-only
    violations (counts from :func:`journeys.metrics.step_metrics`), divided by the largest.
centrality
    Betweenness centrality on the merged journey graph divided by the largest (when every
    betweenness is 0, the share of observed/narrated flow into the node, divided by the largest).

``score = 100 × Σ wᵢ·cᵢ / Σ wᵢ``; weights default to 1 each (equal), and a partial dict changes
only the weights it names.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from research.errors import InputError

__all__ = ["COMPONENTS", "DEFAULT_WEIGHTS", "parse_weights", "check_weights", "priority_scores",
           "priority_table"]

COMPONENTS = ("reach", "severity", "delay", "friction", "centrality")
DEFAULT_WEIGHTS = dict.fromkeys(COMPONENTS, 1.0)
_FRICTION = ("switches_in", "switches_out", "rework", "handoffs_in", "drop_off", "once_only")


def check_weights(weights: dict | None = None) -> dict:
    """Complete and validate a weights dict (missing components keep weight 1).

    Raises
    ------
    InputError
        An unknown component, a negative or non-numeric weight, or all weights zero.

    Examples
    --------
    >>> check_weights({"reach": 2})
    {'reach': 2.0, 'severity': 1.0, 'delay': 1.0, 'friction': 1.0, 'centrality': 1.0}
    >>> check_weights({"speed": 1})
    Traceback (most recent call last):
    ...
    research.errors.InputError: --weights: unknown weight 'speed' — use reach, severity, delay, friction, centrality
    """
    out = dict(DEFAULT_WEIGHTS)
    for k, v in (weights or {}).items():
        key = str(k).strip().lower()
        if key not in out:
            raise InputError(f"unknown weight {k!r}", f"use {', '.join(COMPONENTS)}", file="--weights")
        try:
            val = float(v)
        except (TypeError, ValueError):
            raise InputError(f"weight {k}={v!r} is not a number", "write it like reach=2", file="--weights") from None
        if not np.isfinite(val) or val < 0:
            raise InputError(f"weight {k}={v!r} is negative or not finite", "use a number 0 or above",
                             file="--weights")
        out[key] = val
    if sum(out.values()) <= 0:
        raise InputError("every weight is 0", "give at least one component a positive weight", file="--weights")
    return out


def parse_weights(text: str | None) -> dict:
    """Parse ``"reach=2,severity=1"`` (the ``--weights`` option) into a complete weights dict.

    Examples
    --------
    >>> parse_weights("reach=2, delay=0.5")["delay"]
    0.5
    >>> parse_weights("reach")
    Traceback (most recent call last):
    ...
    research.errors.InputError: --weights: 'reach' is not name=value — write e.g. reach=2,severity=1
    """
    weights = {}
    for part in (text or "").split(","):
        if not part.strip():
            continue
        if "=" not in part:
            raise InputError(f"{part.strip()!r} is not name=value", "write e.g. reach=2,severity=1", file="--weights")
        k, v = part.split("=", 1)
        weights[k.strip()] = v.strip()
    return check_weights(weights)


def _col(df: pd.DataFrame, name: str) -> pd.Series:
    """A numeric column, NaN when absent."""
    if name not in df.columns:
        return pd.Series(np.nan, index=df.index, dtype=float)
    return pd.to_numeric(df[name], errors="coerce").astype(float)


def _scaled(s: pd.Series) -> pd.Series:
    s = pd.to_numeric(s, errors="coerce").astype(float).fillna(0.0).clip(lower=0)
    m = s.max() if len(s) else 0.0
    return s / m if m > 0 else s * 0.0


def priority_scores(metrics: pd.DataFrame, weights: dict | None = None) -> pd.DataFrame:
    """Add the five components, their raw inputs and the 0–100 ``score`` to a metrics table.

    Parameters
    ----------
    metrics : DataFrame
        From :func:`journeys.metrics.step_metrics` (step or touchpoint rows).
    weights : dict, optional
        Component -> weight (see :func:`check_weights`).

    Returns
    -------
    DataFrame
        ``metrics`` plus ``delay_days``, ``friction_count``, the components ``reach``,
        ``severity``, ``delay``, ``friction``, ``centrality`` (0–1) and ``score``; same row order.

    Examples
    --------
    >>> m = pd.DataFrame({"step_id": ["S1", "S2"], "reach": [0.5, 0.0], "mean_severity": [0.8, None],
    ...                   "wait_median_seconds": [86400.0, 4 * 86400.0], "median_wait_days": [None, None],
    ...                   "switches_in": [0, 1], "switches_out": [1, 0], "rework": [0, 2], "handoffs_in": [0, 0],
    ...                   "drop_off": [0, 1], "once_only": [0, 0], "betweenness": [0.0, 1.0], "flow_share": [0.5, 0.5]})
    >>> s = priority_scores(m)
    >>> s[["delay", "friction", "centrality"]].values.tolist()
    [[0.25, 0.25, 0.0], [1.0, 1.0, 1.0]]
    >>> s["score"].round(1).tolist()
    [36.0, 60.0]
    """
    w = check_weights(weights)
    df = metrics.copy()
    comp = pd.DataFrame(index=df.index)
    comp["reach"] = _col(df, "reach").fillna(0).clip(0, 1)
    comp["severity"] = _col(df, "mean_severity").fillna(0).clip(0, 1)
    observed = _col(df, "wait_median_seconds") / 86400.0
    sheet = _col(df, "median_wait_days")
    df["delay_days"] = observed.where(observed.notna(), sheet)
    comp["delay"] = _scaled(df["delay_days"])
    df["friction_count"] = sum(_col(df, c).fillna(0) for c in _FRICTION)
    comp["friction"] = _scaled(df["friction_count"])
    bc = _col(df, "betweenness").fillna(0)
    comp["centrality"] = _scaled(bc) if len(bc) and bc.max() > 0 else _scaled(_col(df, "flow_share"))
    for c in COMPONENTS:
        df[c] = comp[c].astype(float)
    total = sum(w.values())
    df["score"] = 100.0 * sum(w[c] * comp[c] for c in COMPONENTS) / total
    return df


def priority_table(metrics: pd.DataFrame, weights: dict | None = None, pain_points: pd.DataFrame | None = None,
                   *, quotes: int = 3) -> pd.DataFrame:
    """The ranked backlog: one row per step (or touchpoint), highest score first, with its evidence.

    Parameters
    ----------
    metrics : DataFrame
        From :func:`journeys.metrics.step_metrics`.
    weights : dict, optional
        See :func:`check_weights`.
    pain_points : DataFrame, optional
        The normalised pain points (``journey_tables(...)["pain_points"]``) for quotes.
    quotes : int, default 3
        How many quotes (most severe first) to attach to each row.

    Returns
    -------
    DataFrame
        ``rank, id, step_id, [channel,] step, agency, score``, the five components, their raw
        inputs (``reach``… are the components; ``mean_severity, delay_days, friction_count,
        betweenness``), and the evidence: ``pain_count, pain_participants, participants``
        (list of ids), ``quotes`` (list of ``{"id", "sentence", "participant_id", "category",
        "severity", "source_file", "source_row"}``), ``evidence_strength, evidence_sources``.

    Examples
    --------
    >>> m = pd.DataFrame({"id": ["S1", "S2"], "step_id": ["S1", "S2"], "step": ["Apply", "Pay"],
    ...                   "order": [1, 2], "reach": [0.5, 1.0], "mean_severity": [0.4, 0.9]})
    >>> pains = pd.DataFrame({"id": ["p1", "p2"], "step_id": ["S2", "S2"], "participant_id": ["a", "b"],
    ...                       "sentence": ["Paid twice", "Fee too high"], "severity": [0.7, 0.9],
    ...                       "category": ["cost", "cost"]})
    >>> t = priority_table(m, pain_points=pains)
    >>> t[["rank", "step_id"]].values.tolist(), [q["sentence"] for q in t.loc[0, "quotes"]]
    ([[1, 'S2'], [2, 'S1']], ['Fee too high', 'Paid twice'])
    """
    df = priority_scores(metrics, weights)
    df = df.assign(_o=_col(df, "order")).sort_values(["score", "_o"], ascending=[False, True], kind="mergesort")
    df = df.drop(columns="_o").reset_index(drop=True)
    df.insert(0, "rank", np.arange(1, len(df) + 1))
    if "id" not in df.columns:
        df["id"] = df["step_id"].astype(str)
    touch = "channel" in df.columns
    parts, quotes_col = [], []
    p = pain_points if pain_points is not None and len(pain_points) else None
    for r in df.itertuples(index=False):
        if p is None:
            parts.append([])
            quotes_col.append([])
            continue
        sel = p[p["step_id"] == r.step_id]
        if touch:
            sel = sel[sel["channel"] == r.channel]
        parts.append(sorted({str(x) for x in sel["participant_id"].dropna()}))
        sev = pd.to_numeric(sel["severity"], errors="coerce").fillna(0)
        top = sel.assign(_s=sev).sort_values("_s", ascending=False, kind="mergesort").head(quotes)
        quotes_col.append([{k: _plain(q.get(k)) for k in ("id", "sentence", "participant_id", "category",
                                                          "severity", "source_file", "source_row")}
                           for q in top.to_dict("records")])
    df["participants"] = parts
    df["quotes"] = quotes_col
    for c in ("step", "agency", "pain_count", "pain_participants", "mean_severity", "betweenness",
              "evidence_strength", "evidence_sources"):
        if c not in df.columns:
            df[c] = None
    lead = ["rank", "id", "step_id"] + (["channel"] if touch else []) + ["step", "agency", "score", *COMPONENTS,
                                                                          "mean_severity", "delay_days",
                                                                          "friction_count", "betweenness",
                                                                          "pain_count", "pain_participants",
                                                                          "participants", "quotes",
                                                                          "evidence_strength", "evidence_sources"]
    return df[lead]


def _plain(v):
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return None
    return v.item() if hasattr(v, "item") else v
