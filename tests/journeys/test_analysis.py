"""journeys.analysis.journey_report: one JSON-ready dict for the app, the CLI and the exports."""

import json

import pytest
from journey_toy import toy_events, toy_narrated, toy_pain_points, toy_participants, toy_steps

from journeys.analysis import SCHEMA, journey_report, report_sheets
from research.errors import InputError

SECTIONS = ("schema", "segment", "segments", "weights", "summary", "nodes", "steps", "edges", "step_edges",
            "priorities", "channel_switches", "failure_demand", "handoffs", "once_only", "critical_path",
            "conformance", "evidence", "segment_comparison", "unmapped", "notes")


@pytest.fixture(scope="module")
def report():
    return journey_report(toy_steps(), toy_events(), toy_pain_points(), toy_narrated(), toy_participants())


def test_analysis_report_has_every_section_and_is_plain_json(report):
    assert tuple(report) == SECTIONS and report["schema"] == SCHEMA
    assert json.loads(json.dumps(report, allow_nan=False)) == report  # no NaN, tuples or numpy values


def test_analysis_summary_counts(report):
    s = report["summary"]
    assert (s["steps"], s["touchpoints"], s["cases"], s["events"]) == (3, 6, 4, 11)  # + S1|unspecified (narrated)
    assert (s["interviews"], s["participants"], s["pain_points"], s["pain_points_linked"]) == (2, 3, 5, 4)


def test_analysis_nodes_and_edges_carry_ids_kinds_and_flags(report):
    ids = [n["id"] for n in report["nodes"]]
    assert ids[:2] == ["S1|web", "S1|office"] and len(set(ids)) == 6
    e = next(e for e in report["edges"] if e["kind"] == "observed" and e["source"] == "S2|office"
             and e["target"] == "S1|web")
    assert e["backward"] and e["channel_switch"] and e["count"] == 1
    assert {e["kind"] for e in report["edges"]} == {"designed", "observed", "narrated"}
    assert {(e["source"], e["target"]) for e in report["step_edges"] if e["kind"] == "designed"} == {
        ("S1", "S2"), ("S2", "S3")}


def test_analysis_priorities_ranked_with_components(report):
    p = report["priorities"]
    assert [r["rank"] for r in p["steps"]] == [1, 2, 3] and len(p["touchpoints"]) == 6
    top = p["steps"][0]
    assert {"score", "reach", "severity", "delay", "friction", "centrality", "quotes"} <= set(top)
    scores = {r["step_id"]: r["score"] for r in p["steps"]}
    assert scores == {r["step_id"]: r["score"] for r in report["steps"]}  # same numbers in both places


def test_analysis_sections_match_metrics(report):
    assert report["failure_demand"]["observed"]["failure_demand"] == 2
    assert report["handoffs"]["observed"]["mean"] == pytest.approx(0.5)
    assert report["once_only"]["violations"] == 3
    assert report["critical_path"]["steps"] == ["S1", "S2", "S3"]
    assert report["conformance"]["steps"]["observed"]["fitness"] == pytest.approx(6 / 7)
    assert report["unmapped"]["activities"] == {"Fax the form": 1}
    assert [e["strength"] for e in report["evidence"]] == ["moderate", "moderate", "strong"]  # S3: p1, p2 narrate it, p3 complains


def test_analysis_segment_comparison_side_by_side(report):
    rows = {(r["segment"], r["step_id"]): r for r in report["segment_comparison"]}
    assert rows["citizen", "S2"]["reach"] == pytest.approx(1 / 2) and rows["citizen", "S2"]["participants"] == 2
    assert rows["business", "S1"]["pain_count"] == 1 and rows["business", "S1"]["mentions"] == 1
    assert rows["business", "S3"]["pain_count"] == 0  # p2's pain there was rejected


def test_analysis_critical_path_uses_observed_wait_when_the_sheet_has_none():
    steps = toy_steps().assign(median_wait_days=[1, None, 2])
    r = journey_report(steps, toy_events())
    # observed median wait into S2: 1.5 days
    assert r["critical_path"]["total_days"] == pytest.approx(1 + 1.5 + 2)
    assert r["critical_path"]["wait_source"]["S2"] == "observed"


def test_analysis_segment_and_weights():
    r = journey_report(toy_steps(), toy_events(), toy_pain_points(), toy_narrated(), toy_participants(),
                       segment="business", weights={"reach": 5})
    assert r["segment"] == "business" and r["segments"] == ["business", "citizen"]
    assert r["weights"]["reach"] == 5.0
    assert r["summary"]["interviews"] == 1 and r["summary"]["pain_points"] == 1  # p2's, minus the rejected
    with pytest.raises(InputError, match="unknown weight"):
        journey_report(toy_steps(), weights={"fun": 1})


def test_analysis_log_only_infers_steps_and_says_so():
    r = journey_report(None, toy_events())
    assert r["summary"]["designed"] is False
    assert any("inferred" in n for n in r["notes"])
    assert r["conformance"]["steps"]["observed"]["fitness"] is None
    assert r["critical_path"]["basis"] == "observed"


def test_analysis_report_sheets_are_flat_tables(report):
    sheets = report_sheets(report)
    assert sheets["channel_switches"][0]["from"] == "office"
    assert {r["finding"] for r in sheets["conformance"]} >= {"edges_not_designed"}
    assert sheets["unmapped"] == [{"kind": "activities", "name": "Fax the form", "count": 1}]
    assert [r["step_id"] for r in sheets["critical_path"]] == ["S1", "S2", "S3"]
