"""journeys.priorities: weights, components, score, ranked backlog with evidence."""

import pandas as pd
import pytest
from journey_toy import toy_events, toy_narrated, toy_pain_points, toy_participants, toy_steps

from journeys.graph import graph_from_tables, journey_tables
from journeys.metrics import step_metrics
from journeys.priorities import COMPONENTS, check_weights, parse_weights, priority_scores, priority_table
from research.errors import InputError


@pytest.fixture
def metrics():
    return pd.DataFrame({
        "id": ["A", "B", "C"], "step_id": ["A", "B", "C"], "step": ["a", "b", "c"], "order": [1, 2, 3],
        "reach": [0.2, 0.6, None], "mean_severity": [0.5, 0.9, None],
        "wait_median_seconds": [None, 2 * 86400.0, None], "median_wait_days": [8.0, 1.0, None],
        "switches_in": [0, 2, 0], "switches_out": [1, 0, 0], "rework": [0, 1, 0], "handoffs_in": [0, 0, 1],
        "drop_off": [0, 1, 0], "once_only": [1, 0, 0], "betweenness": [0.0, 0.5, 0.25], "flow_share": [0.3, 0.5, 0.2],
    })


def test_priorities_components_are_normalised(metrics):
    s = priority_scores(metrics).set_index("step_id")
    assert s["delay_days"].fillna(-1).tolist() == [8.0, 2.0, -1]
    assert s["delay"].tolist() == pytest.approx([1.0, 0.25, 0.0])  # observed wait wins over the sheet for B
    assert s["friction_count"].tolist() == [2, 4, 1]
    assert s["friction"].tolist() == pytest.approx([0.5, 1.0, 0.25])
    assert s["centrality"].tolist() == pytest.approx([0.0, 1.0, 0.5])
    assert s["reach"].tolist() == pytest.approx([0.2, 0.6, 0.0])
    for c in COMPONENTS:
        assert s[c].between(0, 1).all()


def test_priorities_score_is_the_weighted_mean_times_100(metrics):
    s = priority_scores(metrics).set_index("step_id")
    assert s.loc["B", "score"] == pytest.approx(100 * (0.6 + 0.9 + 0.25 + 1.0 + 1.0) / 5)
    w = {"reach": 3, "delay": 0}
    s2 = priority_scores(metrics, w).set_index("step_id")
    assert s2.loc["A", "score"] == pytest.approx(100 * (3 * 0.2 + 0.5 + 0 + 0.5 + 0) / 6)


@pytest.mark.parametrize("weights, winner", [
    ({"delay": 10}, "A"),
    ({"reach": 10}, "B"),
    (dict.fromkeys(COMPONENTS, 0) | {"centrality": 1}, "B"),
])
def test_priorities_weights_change_the_ranking(metrics, weights, winner):
    assert priority_table(metrics, weights).loc[0, "step_id"] == winner


def test_priorities_centrality_falls_back_to_flow_share(metrics):
    s = priority_scores(metrics.assign(betweenness=0.0))
    assert s["centrality"].tolist() == pytest.approx([0.6, 1.0, 0.4])


@pytest.mark.parametrize("weights, match", [
    ({"speed": 1}, "unknown weight 'speed'"),
    ({"reach": -1}, "negative"),
    ({"reach": "lots"}, "not a number"),
    (dict.fromkeys(COMPONENTS, 0), "every weight is 0"),
])
def test_priorities_bad_weights_raise(weights, match):
    with pytest.raises(InputError, match=match):
        check_weights(weights)


def test_priorities_parse_weights():
    assert parse_weights("reach=2, severity=0") == {"reach": 2.0, "severity": 0.0, "delay": 1.0,
                                                    "friction": 1.0, "centrality": 1.0}
    with pytest.raises(InputError, match="not name=value"):
        parse_weights("reach:2")


def test_priorities_table_ranks_with_evidence():
    t = journey_tables(toy_steps(), toy_events(), toy_narrated(), toy_pain_points(), toy_participants())
    m = step_metrics(graph_from_tables(t, "step"), t)
    table = priority_table(m, pain_points=t["pain_points"], quotes=1)
    assert table["rank"].tolist() == [1, 2, 3]
    assert table["score"].is_monotonic_decreasing
    s2 = table.set_index("step_id").loc["S2"]
    assert s2["participants"] == ["p1"] and s2["pain_count"] == 2
    assert [q["id"] for q in s2["quotes"]] == ["pp1"]  # the most severe
    assert set(COMPONENTS) <= set(table.columns)
    s3 = table.set_index("step_id").loc["S3"]
    assert [q["id"] for q in s3["quotes"]] == ["pp3"]  # the rejected pp5 is not evidence


def test_priorities_touchpoint_table_keeps_channel():
    t = journey_tables(toy_steps(), toy_events(), pain_points=toy_pain_points())
    m = step_metrics(graph_from_tables(t, "touchpoint"), t)
    table = priority_table(m, pain_points=t["pain_points"])
    assert "channel" in table.columns and len(table) == 5
    row = table.set_index("id").loc["S2|phone"]
    assert [q["id"] for q in row["quotes"]] == ["pp1"]
