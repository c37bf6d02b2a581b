"""journeys.metrics on the hand-built journey of journey_toy.py (expected values worked out by hand)."""

import pandas as pd
import pytest
from journey_toy import DAY, toy_events, toy_narrated, toy_pain_points, toy_participants, toy_steps

from journeys.graph import build_graph, graph_from_tables, journey_tables
from journeys.metrics import (
    agency_handoffs,
    channel_switch_matrix,
    conformance,
    critical_path,
    end_steps,
    failure_demand,
    normalise_document,
    once_only_violations,
    step_metrics,
)


@pytest.fixture
def tables():
    return journey_tables(toy_steps(), toy_events(), toy_narrated(), toy_pain_points(), toy_participants())


@pytest.fixture
def observed_only():
    return journey_tables(toy_steps(), toy_events())


@pytest.fixture
def by_step(observed_only):
    return step_metrics(graph_from_tables(observed_only, "step"), observed_only).set_index("step_id")


@pytest.mark.parametrize("column, expected", [
    ("cases", [4, 3, 2]),
    ("volume", [4, 3, 2]),
    ("events", [5, 4, 2]),
    ("drop_off", [1, 1, 0]),  # c4 stops at S1, c3 at S2; S3 is the end step
    ("rework", [1, 0, 0]),  # c2 goes back from S2 to S1
    ("switches_in", [1, 3, 1]),
    ("switches_out", [3, 2, 0]),
    ("handoffs_in", [0, 0, 2]),  # Registry -> Tax
    ("once_only", [0, 1, 1]),  # S2 asks the ID again, S3 the proof of address again
])
def test_metrics_step_counts(by_step, column, expected):
    assert by_step.loc[["S1", "S2", "S3"], column].tolist() == expected


def test_metrics_volume_from_the_sheet_without_a_log():
    steps = toy_steps().assign(volume_per_month=[100, 80, 60])
    t = journey_tables(steps)
    m = step_metrics(graph_from_tables(t, "step"), t)
    assert m["volume"].tolist() == [100, 80, 60]


def test_metrics_drop_off_rate(by_step):
    assert by_step.loc["S1", "drop_off_rate"] == pytest.approx(1 / 4)
    assert by_step.loc["S2", "drop_off_rate"] == pytest.approx(1 / 3)


def test_metrics_waits_median_and_p90_of_incoming(by_step):
    # waits into S2: c1 1 day, c2 2 and 1 days, c3 4 days -> [1, 1, 2, 4]
    assert by_step.loc["S2", "wait_median_seconds"] == pytest.approx(1.5 * DAY)
    assert by_step.loc["S2", "wait_p90_seconds"] == pytest.approx(3.4 * DAY)
    assert by_step.loc["S2", "median_wait_days"] == 5
    assert by_step.loc["S1", "wait_median_seconds"] == pytest.approx(1 * DAY)  # c2 back from S2


def test_metrics_touchpoint_level(observed_only):
    m = step_metrics(graph_from_tables(observed_only, "touchpoint"), observed_only).set_index("id")
    assert m.loc["S1|web", "cases"] == 3 and m.loc["S1|office", "cases"] == 1
    assert m.loc["S1|web", "drop_off"] == 1 and m.loc["S2|office", "drop_off"] == 1
    assert m.loc["S2|office", "switches_in"] == 2 and m.loc["S2|phone", "switches_out"] == 1


def test_metrics_reach_and_severity_by_category(tables):
    m = step_metrics(graph_from_tables(tables, "step"), tables).set_index("step_id")
    # 3 participants; the rejected pain (p2 at S3) and the unlinked one do not count
    assert m["reach"].tolist() == pytest.approx([1 / 3, 1 / 3, 1 / 3])
    assert m.loc["S2", "pain_count"] == 2 and m.loc["S2", "mean_severity"] == pytest.approx(0.7)
    assert m.loc["S2", "pain_by_category"] == {"repetition": {"count": 1, "mean_severity": 0.6},
                                               "waiting": {"count": 1, "mean_severity": 0.8}}
    assert m.loc["S2", "once_only"] == 2  # one repeated document + one repetition pain
    assert m.loc["S3", "pain_participants"] == 1


def test_metrics_reach_counts_interviews_when_participant_ids_are_missing():
    pains = toy_pain_points().drop(columns="participant_id").assign(interview_id=["i1", "i1", "i3", "i2", "i2", "i3"])
    t = journey_tables(toy_steps(), pain_points=pains)
    m = step_metrics(graph_from_tables(t, "step"), t).set_index("step_id")
    # no participants table: the universe is the 3 interviews seen
    assert m["reach"].tolist() == pytest.approx([1 / 3, 1 / 3, 1 / 3])


def test_metrics_pain_without_channel_counts_only_at_step_level(tables):
    m = step_metrics(graph_from_tables(tables, "touchpoint"), tables).set_index("id")
    assert m.loc["S2|phone", "pain_count"] == 1  # the repetition pain has no channel and S2 has two
    assert m.loc["S2|office", "pain_count"] == 0


def test_metrics_segment_changes_reach_denominator():
    t = journey_tables(toy_steps(), toy_events(), toy_narrated(), toy_pain_points(), toy_participants(),
                       segment="citizen")
    m = step_metrics(graph_from_tables(t, "step"), t).set_index("step_id")
    assert m.loc["S2", "reach"] == pytest.approx(1 / 2)  # p1 of {p1, p3}
    assert m.loc["S1", "pain_count"] == 0  # p2 is business


def test_metrics_evidence_strength(tables):
    m = step_metrics(graph_from_tables(tables, "step"), tables).set_index("step_id")
    assert m.loc["S1", "evidence_sources"] == ["steps sheet", "event log", "narrated journeys", "pain points"]
    assert m.loc["S1", "evidence_participants"] == 2  # p2 (pain, narrated) and p1 (narrated)
    assert m.loc["S1", "evidence_strength"] == "moderate"  # 3 kinds, but only 2 participants and 4 cases
    bare = journey_tables(toy_steps())
    e = step_metrics(graph_from_tables(bare, "step"), bare)
    assert e["no_evidence"].all() and set(e["evidence_strength"]) == {"none"}


def test_metrics_channel_switch_matrix(observed_only):
    m = channel_switch_matrix(observed_only)
    assert m["matrix"] == {"office": {"office": 2, "web": 1}, "phone": {"office": 1},
                           "web": {"office": 2, "phone": 1}}
    assert m["switches"] == 5 and m["channels"] == ["office", "phone", "web"]


def test_metrics_failure_demand_web_then_phone_or_office(observed_only):
    fd = failure_demand(observed_only)["observed"]
    assert (fd["journeys"], fd["digital_starts"], fd["failure_demand"]) == (4, 3, 2)
    assert fd["rate"] == pytest.approx(2 / 3)
    assert fd["paths"] == {"web→phone": 1, "web→office": 1} and fd["steps"] == {"S2": 2}
    assert sorted(fd["examples"]) == ["c1", "c2"]


def test_metrics_failure_demand_narrated(tables):
    fd = failure_demand(tables)["narrated"]
    assert (fd["digital_starts"], fd["failure_demand"], fd["paths"]) == (1, 1, {"web→phone": 1})


def test_metrics_agency_handoffs_per_case(observed_only):
    h = agency_handoffs(observed_only)["observed"]
    assert h["distribution"] == {0: 2, 1: 2}
    assert h["mean"] == pytest.approx(0.5) and h["max"] == 1
    assert h["pairs"] == {"Registry→Tax": 2}


@pytest.mark.parametrize("a, b", [
    ("Cédula de identidad", "ID card"), ("copia del DNI", "identity document"),
    ("Comprobante de domicilio", "Proof of address"), ("Partida de nacimiento", "birth certificate"),
    ("RUT", "tax id"), ("Fotografía", "photo"),
])
def test_metrics_normalise_document_en_es(a, b):
    assert normalise_document(a) == normalise_document(b) != ""


def test_metrics_once_only_documents_and_repetition_pains(tables):
    o = once_only_violations(tables)
    docs = {d["document"]: d for d in o["documents"]}
    assert set(docs) == {"id_document", "proof_of_address"}
    assert docs["id_document"]["steps"] == ["S1", "S2"] and not docs["id_document"]["cross_agency"]
    assert docs["proof_of_address"]["steps"] == ["S2", "S3"] and docs["proof_of_address"]["cross_agency"]
    assert o["repetition_pains"] == [{"step_id": "S2", "count": 1, "participants": 1}]
    assert o["violations"] == 3


def test_metrics_end_steps_and_critical_path():
    G = build_graph(toy_steps(), granularity="step")
    assert end_steps(G) == {"S3"}
    cp = critical_path(G)
    assert cp["steps"] == ["S1", "S2", "S3"] and cp["total_days"] == pytest.approx(8)
    assert cp["basis"] == "designed"


def test_metrics_critical_path_ignores_loops_and_takes_the_longest_branch():
    steps = pd.DataFrame({"step_id": list("ABCDE"), "order": [1, 2, 2, 3, 4],
                          "next_steps": ["B; C", "D", "D", "B; E", ""],
                          "median_wait_days": [None, 3, 7, 1, 2]})
    cp = critical_path(build_graph(steps, granularity="step"), waits={"A": 0.5})
    assert cp["steps"] == ["A", "C", "D", "E"]
    assert cp["total_days"] == pytest.approx(0.5 + 7 + 1 + 2)
    assert cp["wait_source"]["A"] == "observed" and cp["wait_source"]["C"] == "sheet"


def test_metrics_conformance_steps(tables):
    c = conformance(graph_from_tables(tables, "step"))
    obs = c["observed"]
    assert obs["edges_not_designed"] == [{"source": "S2", "target": "S1", "count": 1}]
    assert obs["designed_edges_not_taken"] == [] and obs["designed_nodes_not_taken"] == []
    assert obs["fitness"] == pytest.approx(6 / 7) and obs["coverage"] == 1.0
    nar = c["narrated"]
    assert nar["edges_not_designed"] == [{"source": "S1", "target": "S3", "count": 1}]
    assert nar["fitness"] == pytest.approx(2 / 3)


def test_metrics_conformance_touchpoints_flags_undesigned_channel():
    ev = pd.DataFrame({"case_id": ["a", "a"], "activity": ["Apply", "Check"], "channel": ["app", "phone"],
                       "timestamp": ["2024-01-01", "2024-01-02"]})
    c = conformance(build_graph(toy_steps(), ev))["observed"]
    assert c["nodes_not_designed"] == ["S1|app"]
    assert c["counts"]["designed_edges_not_taken"] == 5 and c["fitness"] == 0.0


def test_metrics_conformance_without_design_or_evidence():
    assert conformance(build_graph(toy_steps()))["observed"] is None
    inferred = conformance(build_graph(None, toy_events()))
    assert inferred["designed"] is False and inferred["observed"]["fitness"] is None


_TINY_LOGS = {
    "one_event": pd.DataFrame({"case_id": ["a"], "activity": ["S1"], "timestamp": ["2024-01-01"]}),
    "one_case": pd.DataFrame({"case_id": ["a", "a", "a"], "activity": ["S1", "S2", "S1"],
                              "timestamp": ["2024-01-01", "2024-01-02", "2024-01-03"]}),
}


@pytest.mark.parametrize("log", sorted(_TINY_LOGS))
@pytest.mark.parametrize("with_steps", [False, True])
def test_metrics_tiny_logs_without_agency(log, with_steps):
    from journeys.analysis import journey_report

    ev = _TINY_LOGS[log]
    steps = pd.DataFrame({"step_id": ["S1", "S2"], "step": ["Apply", "Pay"]}) if with_steps else None
    tables = journey_tables(steps, ev)
    h = agency_handoffs(tables)["observed"]
    assert (h["journeys"], h["pairs"], h["max"]) == (1, {}, 0)
    for metric in (channel_switch_matrix, failure_demand, once_only_violations):
        assert isinstance(metric(tables), dict)
    report = journey_report(steps=steps, events=ev)
    assert report["handoffs"]["observed"]["journeys"] == 1
