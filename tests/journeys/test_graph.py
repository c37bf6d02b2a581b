"""journeys.graph: touchpoint nodes, designed/observed/narrated edges, flags, segments."""

import pandas as pd
import pytest
from journey_toy import DAY, toy_events, toy_narrated, toy_participants, toy_steps

from journeys.graph import (
    build_graph,
    collapse,
    journey_tables,
    normalise_channel,
    steps_from_events,
    touchpoints,
)
from research.errors import InputError


@pytest.fixture
def G():
    return build_graph(toy_steps(), toy_events(), toy_narrated(), participants=toy_participants())


def test_graph_touchpoints_one_node_per_step_and_channel():
    tp = touchpoints(toy_steps())
    assert list(zip(tp.step_id, tp.channel, strict=True)) == [
        ("S1", "web"), ("S1", "office"), ("S2", "phone"), ("S2", "office"), ("S3", "office")]
    assert tp.set_index(["step_id", "channel"]).loc[("S2", "office"), "documents_required"] == [
        "Cédula", "Proof of address"]


def test_graph_touchpoints_rows_per_channel_merge_into_one_step():
    steps = pd.DataFrame({"step_id": ["S1", "S1", "S2"], "channel": ["Web", "Oficina", "teléfono"],
                          "order": [1, None, 2], "agency": [None, "A", "A"]})
    tp = touchpoints(steps)
    assert list(zip(tp.step_id, tp.channel, strict=True)) == [("S1", "web"), ("S1", "office"), ("S2", "phone")]
    assert tp.agency.tolist() == ["A", "A", "A"]


@pytest.mark.parametrize("bad, match", [
    (pd.DataFrame(), "empty"),
    (pd.DataFrame({"x": [1]}), "no step_id or step column"),
    (pd.DataFrame({"step_id": ["S1"], "order": ["first"]}), "order 'first' is not a number"),
])
def test_graph_touchpoints_bad_steps_raise_input_error(bad, match):
    with pytest.raises(InputError, match=match):
        touchpoints(bad)


@pytest.mark.parametrize("spelling, channel", [
    ("Teléfono", "phone"), ("call centre", "phone"), ("En línea", "web"), ("E-mail", "email"),
    ("presencial", "office"), ("WhatsApp", "whatsapp"), ("", "unspecified"), ("Fax", "fax"),
])
def test_graph_normalise_channel_en_es(spelling, channel):
    assert normalise_channel(spelling) == channel


def test_graph_designed_edges_follow_order_and_keep_channel(G):
    designed = {(u, v) for u, v, k in G.edges(keys=True) if k == "designed"}
    assert designed == {
        (("S1", "web"), ("S2", "phone")), (("S1", "web"), ("S2", "office")),  # web not offered at S2
        (("S1", "office"), ("S2", "office")),  # same channel when the next step offers it
        (("S2", "phone"), ("S3", "office")), (("S2", "office"), ("S3", "office")),
    }
    d = G.edges[("S2", "office"), ("S3", "office"), "designed"]
    assert d["agency_handoff"] and not d["channel_switch"] and d["median_seconds"] == 2 * DAY


def test_graph_designed_edges_from_next_steps_by_id_or_name():
    steps = pd.DataFrame({"step_id": ["A", "B", "C"], "step": ["Start", "Middle", "End"],
                          "order": [1, 2, 3], "next_steps": ["C, middle", "A", ""]})
    G = build_graph(steps, granularity="step")
    assert sorted((u, v) for u, v, k in G.edges(keys=True) if k == "designed") == [
        ("A", "B"), ("A", "C"), ("B", "A")]
    assert G.edges["B", "A", "designed"]["backward"]
    assert G.edges["A", "B", "designed"]["probability"] == pytest.approx(0.5)


def test_graph_designed_order_stays_within_each_journey():
    steps = pd.DataFrame({"journey": ["Licence", "Licence", float("nan"), "Renewal", "Renewal"],
                          "step_id": ["L1", "L2", "X", "R1", "R2"], "order": [1, 2, 1, 1, 2]})
    G = build_graph(steps, granularity="step")
    assert sorted((u, v) for u, v, k in G.edges(keys=True) if k == "designed") == [("L1", "L2"), ("R1", "R2")]


@pytest.mark.parametrize("u, v, count, prob, median_days, switch, handoff, backward", [
    (("S1", "web"), ("S2", "phone"), 1, 1 / 3, 1.0, True, False, False),
    (("S1", "web"), ("S2", "office"), 2, 2 / 3, 1.5, True, False, False),
    (("S2", "office"), ("S1", "web"), 1, 0.5, 1.0, True, False, True),
    (("S2", "office"), ("S3", "office"), 1, 0.5, 3.0, False, True, False),
    (("S2", "phone"), ("S3", "office"), 1, 1.0, 2.0, True, True, False),
    (("S1", "office"), ("S2", "office"), 1, 1.0, 4.0, False, False, False),
])
def test_graph_observed_edges(G, u, v, count, prob, median_days, switch, handoff, backward):
    d = G.edges[u, v, "observed"]
    assert d["source"] == d["kind"] == "observed"
    assert d["count"] == count
    assert d["probability"] == pytest.approx(prob)
    assert d["median_seconds"] == pytest.approx(median_days * DAY)
    assert (d["channel_switch"], d["agency_handoff"], d["backward"]) == (switch, handoff, backward)


def test_graph_observed_edges_are_exactly_the_log_pairs(G):
    observed = sorted((u, v) for u, v, k in G.edges(keys=True) if k == "observed")
    assert len(observed) == 6
    assert sum(G.edges[u, v, "observed"]["count"] for u, v in observed) == 7  # 12 events - 1 unmapped ("Fax") - 4 cases


def test_graph_observed_times_match_directly_follows(G):
    from journeys.discovery import directly_follows

    ev = journey_tables(toy_steps(), toy_events())["trace"]
    ev = ev.assign(key=ev.step_id + "|" + ev.channel)
    df = directly_follows(ev, case="case_id", activity="key", timestamp="timestamp")
    for r in df.itertuples():
        d = G.edges[tuple(r.source.split("|")), tuple(r.target.split("|")), "observed"]
        assert (d["count"], d["mean_seconds"]) == (r.count, pytest.approx(r.mean_seconds))


def test_graph_unmapped_activities_reported_not_silently_dropped(G):
    assert G.graph["unmapped"]["activities"] == {"Fax the form": 1}
    assert any("1 of 12 events" in n for n in G.graph["notes"])
    assert all(n[0] in ("S1", "S2", "S3") for n in G.nodes)


def test_graph_events_without_timestamp_are_left_out_with_a_note():
    ev = toy_events()
    ev["timestamp"] = ev["timestamp"].astype(object)
    ev.loc[(ev.case_id == "c2") & (ev.activity == "Collect"), "timestamp"] = None
    G = build_graph(toy_steps(), ev)
    assert not G.has_edge(("S2", "office"), ("S3", "office"), "observed")
    assert any("1 events have no timestamp" in n for n in G.graph["notes"])


def test_graph_channel_outside_the_design_becomes_an_undesigned_node():
    ev = pd.DataFrame({"case_id": ["c"], "activity": ["Collect"], "channel": ["whatsapp"],
                       "timestamp": ["2024-01-01"]})
    G = build_graph(toy_steps(), ev)
    assert G.nodes["S3", "whatsapp"]["designed"] is False and G.nodes["S3", "office"]["designed"] is True


def test_graph_narrated_edges_by_position_and_single_channel_default(G):
    narrated = {(u, v): d["count"] for u, v, k, d in G.edges(keys=True, data=True) if k == "narrated"}
    # i2 narrates S1 (no channel: S1 has two, so "unspecified") then S3
    assert narrated == {(("S1", "web"), ("S2", "phone")): 1, (("S2", "phone"), ("S3", "office")): 1,
                        (("S1", "unspecified"), ("S3", "office")): 1}
    assert G.edges[("S1", "unspecified"), ("S3", "office"), "narrated"]["channel_switch"] is False
    assert G.nodes["S3", "office"]["mentions"] == 2


def test_graph_segment_filters_narrated_by_participant():
    G = build_graph(toy_steps(), toy_events(), toy_narrated(), participants=toy_participants(),
                    segment="Citizen")
    narrated = [(u, v) for u, v, k in G.edges(keys=True) if k == "narrated"]
    assert len(narrated) == 2  # only i1 (p1, citizen)
    assert any("no segment column" in n for n in G.graph["notes"])


def test_graph_segment_filters_events_with_a_segment_column():
    ev = toy_events()
    ev["segment"] = ev["case_id"].map({"c1": "business", "c2": "citizen", "c3": "citizen", "c4": "citizen"})
    G = build_graph(toy_steps(), ev, segment="business")
    assert sorted((u, v) for u, v, k in G.edges(keys=True) if k == "observed") == [
        (("S1", "web"), ("S2", "phone")), (("S2", "phone"), ("S3", "office"))]


def test_graph_unknown_segment_raises_with_known_ones():
    with pytest.raises(InputError, match="unknown segment 'visitor'.*business, citizen"):
        build_graph(toy_steps(), narrated=toy_narrated(), participants=toy_participants(), segment="visitor")


def test_graph_lifecycle_start_and_complete_are_one_visit():
    ev = pd.DataFrame({"case_id": ["c"] * 4, "activity": ["Apply", "Apply", "Check", "Check"],
                       "lifecycle": ["start", "complete", "start", "complete"], "channel": ["web"] * 2 + ["phone"] * 2,
                       "timestamp": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-03", "2024-01-05"], utc=True)})
    G = build_graph(toy_steps(), ev)
    observed = [(u, v, d) for u, v, k, d in G.edges(keys=True, data=True) if k == "observed"]
    assert len(observed) == 1 and observed[0][2]["median_seconds"] == 3 * DAY
    assert not any(d["repeat"] for *_, d in observed)


def test_graph_step_granularity_counts_channel_switch_within_edge(G):
    H = build_graph(toy_steps(), toy_events(), granularity="step")
    d = H.edges["S1", "S2", "observed"]
    assert d["count"] == 4 and d["channel_switches"] == 3 and d["channel_switch"] is True
    assert set(H.nodes) == {"S1", "S2", "S3"}


def test_graph_collapse_merges_sources():
    H = collapse(build_graph(toy_steps(), toy_events(), toy_narrated(), granularity="step"))
    d = H["S1"]["S2"]
    assert d["sources"] == ["designed", "observed", "narrated"]
    assert d["count"] == 1 + 4 + 1
    with pytest.raises(InputError, match="unknown edge source"):
        collapse(build_graph(toy_steps()), sources=["imagined"])


def test_graph_inferred_steps_when_no_steps_sheet():
    G = build_graph(None, toy_events())
    assert G.graph["designed"] is False
    assert not [k for *_, k in G.edges(keys=True) if k == "designed"]
    inferred = steps_from_events(toy_events())
    # median positions: apply 1; revision, Check, Fax 2 (first seen in that order); collect 4
    assert inferred.step_id.tolist() == ["Apply", "revision", "Check", "Fax the form", "COLLECT"]
    assert inferred.order.tolist() == [1, 2, 3, 4, 5]
    assert inferred.set_index("step_id").loc["Apply", "channel"] == "web; office"


def test_graph_needs_steps_or_events():
    with pytest.raises(InputError, match="no steps and no event log"):
        build_graph(None)
