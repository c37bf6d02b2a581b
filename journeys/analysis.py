"""One journey report: compute once, render many times (app, command line, exports).

:func:`journey_report` returns a plain, JSON-ready ``dict`` (str keys; str, int, float, bool,
None, lists and dicts only). Its structure is a contract with the app and the exporters; new
keys may be added, existing ones keep their meaning. ``schema`` names the version.

Report structure (``recorrido.journey_report.v1``)
--------------------------------------------------
``schema`` : str
``segment`` : str or None — the segment shown (None = everyone); ``segments`` : list of known ones.
``weights`` : dict — the priority weights used (:mod:`journeys.priorities`).
``summary`` : dict — ``steps, touchpoints, designed`` (False when steps were inferred from the
    log), ``cases, events`` (mapped), ``interviews, participants, pain_points,
    pain_points_linked`` (with a step).
``nodes`` : list of dict — one per touchpoint, in designed order: every column of
    :func:`journeys.metrics.step_metrics` (``id`` = ``"step_id|channel"``, ``step_id``,
    ``channel``, ``step``, ``stage``, ``lane``, ``agency``, ``order``, volume, pains, waits,
    drop-off, rework, switches, hand-offs, once-only, centrality, evidence…) plus the priority
    ``score`` and its components ``reach, severity, delay, friction, centrality``.
``steps`` : list of dict — the same per step (no ``channel``; ``id`` = ``step_id``).
``edges`` : list of dict — touchpoint edges: ``source``, ``target`` (node ids), ``kind``
    (``designed | observed | narrated``; the graph's edge attribute ``source``),
    ``source_step, source_channel, target_step, target_channel, count, probability,
    mean_seconds, median_seconds, min_seconds, max_seconds, stdev_seconds, channel_switch,
    channel_switches, agency_handoff, agency_handoffs, backward, repeat, cases, participants``.
``step_edges`` : list of dict — the same between steps (``source``/``target`` are step ids).
``priorities`` : dict — ``steps`` and ``touchpoints``: ranked backlogs
    (:func:`journeys.priorities.priority_table` rows: ``rank, id, step_id, [channel], step,
    agency, score``, components, raw inputs, ``pain_count, pain_participants, participants,
    quotes, evidence_strength, evidence_sources``).
``channel_switches`` : dict — :func:`journeys.metrics.channel_switch_matrix`.
``failure_demand`` : dict — :func:`journeys.metrics.failure_demand` (keys ``observed``/``narrated``).
``handoffs`` : dict — :func:`journeys.metrics.agency_handoffs`.
``once_only`` : dict — :func:`journeys.metrics.once_only_violations`.
``critical_path`` : dict — :func:`journeys.metrics.critical_path` on the step graph.
``conformance`` : dict — ``{"steps": ..., "touchpoints": ...}``, :func:`journeys.metrics.conformance`.
``evidence`` : list of dict — per step ``step_id, step, strength, participants, cases, sources,
    no_evidence``.
``segment_comparison`` : list of dict — per step and participant segment: ``segment, step_id,
    participants, reach, pain_count, mean_severity, mentions``
    (:func:`journeys.metrics.segment_comparison`; empty in a one-segment report).
``unmapped`` : dict — activities, narrated steps and pain-point steps that matched no step,
    with counts (``{"activities": {name: events}, ...}``).
``notes`` : list of str — plain-language caveats (inferred steps, unsplittable segment…).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from journeys.graph import graph_from_tables, journey_tables, known_segments, touchpoint_id
from journeys.metrics import (
    agency_handoffs,
    channel_switch_matrix,
    conformance,
    critical_path,
    failure_demand,
    once_only_violations,
    segment_comparison,
    step_metrics,
)
from journeys.priorities import COMPONENTS, check_weights, priority_scores, priority_table

__all__ = ["SCHEMA", "journey_report", "report_sheets", "plain"]

SCHEMA = "recorrido.journey_report.v1"


def plain(value):
    """Convert numpy/pandas values, tuples and NaN to plain JSON values, recursively.

    Examples
    --------
    >>> plain({"a": np.int64(2), "b": [np.float64("nan"), ("S1", "web")]})
    {'a': 2, 'b': [None, ['S1', 'web']]}
    """
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, np.ndarray)):
        return [plain(v) for v in value]
    if isinstance(value, (np.bool_, bool)):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return None if math.isnan(value) or math.isinf(value) else float(value)
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    return value


def _records(df: pd.DataFrame) -> list[dict]:
    return [plain(r) for r in df.to_dict("records")]


def _edges(G) -> list[dict]:
    gran = G.graph.get("granularity")
    out = []
    for u, v, k, d in G.edges(keys=True, data=True):
        ident = (lambda n: touchpoint_id(n)) if gran == "touchpoint" else str
        rec = {"source": ident(u), "target": ident(v), "kind": k,
               "source_step": G.nodes[u]["step_id"], "source_channel": G.nodes[u].get("channel"),
               "target_step": G.nodes[v]["step_id"], "target_channel": G.nodes[v].get("channel")}
        for a in ("count", "probability", "mean_seconds", "median_seconds", "min_seconds", "max_seconds",
                  "stdev_seconds", "channel_switch", "channel_switches", "agency_handoff", "agency_handoffs",
                  "backward", "repeat", "cases", "participants"):
            rec[a] = d.get(a)
        out.append(plain(rec))
    kinds = {"designed": 0, "observed": 1, "narrated": 2}
    out.sort(key=lambda e: (kinds[e["kind"]], e["source"], e["target"]))
    return out


def journey_report(steps=None, events=None, pain_points=None, narrated=None, participants=None,
                   segment=None, weights=None) -> dict:
    """Everything known about a journey, as one JSON-ready dict (see the module docstring).

    Parameters
    ----------
    steps : DataFrame or None
        Canonical steps table; ``None`` infers steps from ``events``.
    events, pain_points, narrated, participants : DataFrame, optional
        Canonical tables (``research.schema``).
    segment : str, optional
        One segment (citizen, business…); ``None`` is everyone.
    weights : dict, optional
        Priority weights (:func:`journeys.priorities.check_weights`).

    Returns
    -------
    dict
        The report.

    Raises
    ------
    InputError
        Bad tables, an unknown segment or bad weights.

    Examples
    --------
    A three-step journey: one citizen starts on the web, phones, then goes to the office.

    >>> steps = pd.DataFrame({"step_id": ["S1", "S2", "S3"], "step": ["Apply", "Ask", "Collect"],
    ...                       "channel": ["web", "phone", "office"], "order": [1, 2, 3],
    ...                       "agency": ["Registry", "Registry", "Tax"]})
    >>> ev = pd.DataFrame({"case_id": ["c1"] * 3, "activity": ["Apply", "Ask", "Collect"],
    ...                    "timestamp": ["2024-01-01", "2024-01-02", "2024-01-04"]})
    >>> r = journey_report(steps, ev)
    >>> r["failure_demand"]["observed"]["failure_demand"], r["handoffs"]["observed"]["mean"]
    (1, 1.0)
    >>> r["critical_path"]["steps"], r["priorities"]["steps"][0]["step_id"]
    (['S1', 'S2', 'S3'], 'S2')
    >>> import json; len(json.dumps(r)) > 0
    True
    """
    w = check_weights(weights)
    tables = journey_tables(steps, events, narrated, pain_points, participants, segment)
    Gt = graph_from_tables(tables, "touchpoint")
    Gs = graph_from_tables(tables, "step")
    mt = step_metrics(Gt, tables)
    ms = step_metrics(Gs, tables)
    st = priority_scores(mt, w)
    ss = priority_scores(ms, w)
    pains = tables["pain_points"]
    waits = {r.step_id: r.wait_median_seconds / 86400.0 for r in ms.itertuples()
             if r.wait_median_seconds is not None and not pd.isna(r.wait_median_seconds)}
    trace, nar = tables["trace"], tables["narrated"]
    summary = {
        "steps": int(tables["touchpoints"]["step_id"].nunique()),
        "touchpoints": int(Gt.number_of_nodes()),
        "designed": bool(tables["designed"]),
        "cases": int(trace["case_id"].nunique()) if len(trace) else 0,
        "events": int(len(trace)),
        "interviews": int(nar["interview_id"].nunique()) if len(nar) else 0,
        "participants": int(len(tables["participants"])) if tables["participants"] is not None else None,
        "pain_points": int(len(pains)) if pains is not None else 0,
        "pain_points_linked": int(pains["step_id"].notna().sum()) if pains is not None else 0,
    }
    evidence = [{"step_id": r["step_id"], "step": r["step"], "strength": r["evidence_strength"],
                 "participants": r["evidence_participants"], "cases": r["evidence_cases"],
                 "sources": r["evidence_sources"], "no_evidence": r["no_evidence"]}
                for r in ms.to_dict("records")]
    report = {
        "schema": SCHEMA,
        "segment": tables["segment"],
        "segments": known_segments(participants, events),
        "weights": w,
        "summary": summary,
        "nodes": _records(st),
        "steps": _records(ss),
        "edges": _edges(Gt),
        "step_edges": _edges(Gs),
        "priorities": {"components": list(COMPONENTS),
                       "steps": _records(priority_table(ms, w, pains)),
                       "touchpoints": _records(priority_table(mt, w, pains))},
        "channel_switches": channel_switch_matrix(tables),
        "failure_demand": failure_demand(tables),
        "handoffs": agency_handoffs(tables),
        "once_only": once_only_violations(tables),
        "critical_path": critical_path(Gs, waits),
        "conformance": {"steps": conformance(Gs), "touchpoints": conformance(Gt)},
        "evidence": evidence,
        "segment_comparison": segment_comparison(tables) if tables["segment"] is None else [],
        "unmapped": tables["unmapped"],
        "notes": list(tables["notes"]),
    }
    return plain(report)


def report_sheets(report: dict) -> dict[str, list[dict]]:
    """The report as flat tables (sheet name -> records), for spreadsheets and CSV exports.

    Nested values (lists, dicts) stay as they are; a writer turns them into JSON text.
    Sheet names: ``summary, priorities, touchpoint_priorities, steps, touchpoints, edges,
    channel_switches, failure_demand, handoffs, once_only, critical_path, conformance,
    evidence, segment_comparison, unmapped, notes``.

    Examples
    --------
    >>> steps = pd.DataFrame({"step_id": ["S1", "S2"], "channel": ["web", "office"]})
    >>> sheets = report_sheets(journey_report(steps))
    >>> list(sheets)[:3], sheets["channel_switches"]
    (['summary', 'priorities', 'touchpoint_priorities'], [])
    """
    def kv(d, prefix=""):
        rows = []
        for k, v in (d or {}).items():
            rows.append({"key": f"{prefix}{k}", "value": v})
        return rows

    cs = report["channel_switches"]
    matrix = [{"from": a, **{b: cs["matrix"].get(a, {}).get(b, 0) for b in cs["channels"]}}
              for a in cs["channels"]]
    fd = [{"source": k, **{kk: vv for kk, vv in v.items()}} for k, v in report["failure_demand"].items()]
    ho = [{"source": k, **v} for k, v in report["handoffs"].items()]
    once = [{"kind": "document", **d} for d in report["once_only"]["documents"]] + \
           [{"kind": "repetition pain", **d} for d in report["once_only"]["repetition_pains"]]
    cp = report["critical_path"]
    crit = [{"position": i + 1, "step_id": s, "wait_days": w, "wait_source": cp["wait_source"].get(s)}
            for i, (s, w) in enumerate(zip(cp["steps"], cp["waits_days"], strict=True))]
    conf = []
    for level, c in report["conformance"].items():
        for kind in ("observed", "narrated"):
            part = (c or {}).get(kind)
            if not part:
                continue
            for what in ("designed_nodes_not_taken", "designed_edges_not_taken", "nodes_not_designed",
                         "edges_not_designed"):
                for item in part.get(what) or []:
                    conf.append({"level": level, "evidence": kind, "finding": what, "item": item})
    unm = [{"kind": k, "name": n, "count": c} for k, d in report["unmapped"].items() for n, c in d.items()]
    return {
        "summary": kv({"schema": report["schema"], "segment": report["segment"], **report["summary"]})
        + kv(report["weights"], "weight "),
        "priorities": report["priorities"]["steps"],
        "touchpoint_priorities": report["priorities"]["touchpoints"],
        "steps": report["steps"],
        "touchpoints": report["nodes"],
        "edges": report["edges"],
        "channel_switches": matrix,
        "failure_demand": fd,
        "handoffs": ho,
        "once_only": once,
        "critical_path": crit,
        "conformance": conf,
        "evidence": report["evidence"],
        "segment_comparison": report.get("segment_comparison", []),
        "unmapped": unm,
        "notes": [{"note": n} for n in report["notes"]],
    }
