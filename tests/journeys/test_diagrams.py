"""Journey diagrams: the chart specs carry the expected encodings, data and words."""

import pandas as pd
import pytest
from journey_toy import toy_events, toy_pain_points, toy_participants, toy_steps

from journeys.analysis import journey_report
from journeys.diagrams import (
    CATEGORY_COLOURS,
    COLUMN_WIDTH,
    build_view,
    journey_map,
    priorities_chart,
    service_blueprint,
    service_graph,
    wrap_label,
)
from research.errors import InputError


def _steps():
    s = toy_steps()
    s["lane"] = ["customer", "backstage", "customer"]
    s["stage"] = ["Apply", "Apply", "Finish"]
    s["step"] = ["Apply for the licence on the municipal portal", "Check", "Collect"]
    s["next_steps"] = ["S2", "S3", ""]
    s["synonyms"] = ["Apply", "Revisión", ""]  # the log still says "Apply"
    return s


def _participants():
    p = toy_participants()
    return pd.concat([p, pd.DataFrame({"participant_id": ["p4"], "segment": ["public_servant"]})], ignore_index=True)


def _pains():
    p = toy_pain_points()
    staff = pd.DataFrame({"id": ["pp7"], "participant_id": ["p4"], "sentence": ["I re-key every form by hand"],
                          "category": ["internal_tools"], "severity": [0.7], "step_id": ["S2"], "channel": [None],
                          "status": ["accepted"]})
    return pd.concat([p, staff], ignore_index=True)


@pytest.fixture(scope="module")
def tables():
    return {"steps": _steps(), "events": toy_events(), "pain_points": _pains(), "participants": _participants()}


@pytest.fixture(scope="module")
def report(tables):
    return journey_report(tables["steps"], tables["events"], tables["pain_points"], None, tables["participants"])


def _rows(spec):
    """Every data row of a (layered) spec, with the mark of its layer."""
    out = []
    layers = spec.get("layer", []) + [layer for part in spec.get("vconcat", []) for layer in part.get("layer", [])]
    for layer in layers:
        mark = layer["mark"]["type"] if isinstance(layer["mark"], dict) else layer["mark"]
        for row in spec["datasets"][layer["data"]["name"]]:
            out.append((mark, layer, row))
    return out


def test_diagrams_wrap_label_keeps_lines_short_and_marks_cuts():
    text = wrap_label("Inscribirse como empleador en la Caja de Seguro Social de Panamá", 15, 2)
    lines = text.split("\n")
    assert len(lines) == 2 and all(len(line) <= 15 for line in lines)
    assert text.endswith("…")
    assert wrap_label("Short", 15, 2) == "Short"


def test_diagrams_journey_map_steps_left_to_right_with_full_names_in_tooltips(report, tables):
    spec = journey_map(report, pain_points=tables["pain_points"], participants=tables["participants"]).to_dict()
    cards = [(row["x"], row["full"]) for mark, layer, row in _rows(spec)
             if mark == "rect" and "full" in row and "step_id" in row]
    assert [name for _, name in sorted(cards)] == ["Apply for the licence on the municipal portal", "Check",
                                                   "Collect"]
    texts = [row["text"] for mark, _, row in _rows(spec) if mark == "text" and row.get("full", "").startswith("Apply")]
    assert texts and all(len(line) <= 15 for line in texts[0].split("\n")) and "\n" in texts[0]
    assert spec["title"]["text"] == "Journey map"


def test_diagrams_journey_map_pains_sized_by_reach_coloured_by_category(report, tables):
    spec = journey_map(report, pain_points=tables["pain_points"], participants=tables["participants"]).to_dict()
    circles = [(layer, row) for mark, layer, row in _rows(spec) if mark == "circle" and "category_" in row]
    assert circles
    layer = circles[0][0]
    assert layer["encoding"]["size"]["field"] == "size" and layer["encoding"]["color"]["field"] == "colour"
    by_cat = {row["category_"]: row for _, row in circles}
    assert "staff" not in by_cat  # the rejected pain point is left out
    assert by_cat["waiting"]["colour"] == CATEGORY_COLOURS["waiting"]
    assert by_cat["waiting"]["count"] == 1 and by_cat["waiting"]["reach_"] == "25%"  # 1 of 4 participants
    # more people with the pain -> a bigger mark
    pains = pd.concat([tables["pain_points"], pd.DataFrame({"id": ["x"], "participant_id": ["p3"], "sentence": ["slow"],
                                                            "category": ["waiting"], "severity": [0.5],
                                                            "step_id": ["S2"], "status": ["accepted"]})])
    spec2 = journey_map(report, pain_points=pains, participants=tables["participants"]).to_dict()
    bigger = [row for mark, _, row in _rows(spec2) if mark == "circle" and row.get("category_") == "waiting"]
    assert bigger[0]["size"] > by_cat["waiting"]["size"] and bigger[0]["count"] == 2


def test_diagrams_journey_map_spanish_words_and_categories(report, tables):
    spec = journey_map(report, lang="es", pain_points=tables["pain_points"],
                       participants=tables["participants"]).to_dict()
    texts = {str(row.get("text")) for mark, _, row in _rows(spec) if mark == "text"}
    assert spec["title"]["text"] == "Mapa del recorrido"
    assert any(t.startswith("espera") for t in texts) and "oficina" in texts
    assert any("Puntos de" in t for t in texts)


def test_diagrams_journey_map_channel_filter_keeps_only_those_touchpoints(report):
    spec = journey_map(report, channels=["web"]).to_dict()
    squares = [row for mark, _, row in _rows(spec) if mark == "square"]
    assert squares and {row["channel_"] for row in squares} == {"web"}


def test_diagrams_journey_map_emotion_follows_severity(report, tables):
    spec = journey_map(report, pain_points=tables["pain_points"], participants=tables["participants"]).to_dict()
    points = {row["full"]: row["value_"] for mark, _, row in _rows(spec) if mark == "circle" and "value_" in row}
    # S2 has waiting 0.8, repetition 0.6 and the staff pain 0.7 -> mean 0.7; S1 cost 0.2
    assert points["Check"] == pytest.approx(-0.7) and points["Apply for the licence on the municipal portal"] == \
        pytest.approx(-0.2)


def test_diagrams_thirty_steps_fold_into_bands_that_fit_a3_landscape():
    steps = pd.DataFrame({"step_id": [f"S{i:02d}" for i in range(1, 31)],
                          "step": [f"Step number {i} with a rather long descriptive name to wrap" for i in range(1, 31)],
                          "channel": ["web;office"] * 30, "order": range(1, 31),
                          "stage": [f"Stage {i // 5}" for i in range(30)]})
    cats = ["waiting", "documents", "repetition", "information", "channel_failure"]
    pains = pd.DataFrame({"id": range(60), "participant_id": [f"p{i % 12}" for i in range(60)],
                          "sentence": ["slow"] * 60, "category": [cats[i % 5] for i in range(60)],
                          "severity": [0.3 + (i % 7) / 10 for i in range(60)],
                          "step_id": [f"S{i % 30 + 1:02d}" for i in range(60)], "status": ["accepted"] * 60})
    r = journey_report(steps, None, pains)
    for build in (journey_map, service_blueprint):
        spec = build(r, pain_points=pains).to_dict()
        bands = spec["vconcat"]
        assert len(bands) == 2 and all(b["width"] == 250 + 15 * COLUMN_WIDTH + 12 for b in bands)
        height = sum(b["height"] for b in bands)
        assert 1.0 <= bands[0]["width"] / height <= 2.2  # about the shape of an A3 landscape page
        cards = [row for mark, _, row in _rows(spec) if mark == "text" and str(row.get("full", "")).startswith("Step")
                 and "\n" in str(row.get("text"))]
        assert sorted({row["full"] for row in cards}) == sorted(steps["step"])
        assert all(len(line) <= 15 for row in cards for line in row["text"].split("\n"))
        assert all(row["text"].count("\n") <= 3 for row in cards)
    assert "vconcat" not in journey_map(r, max_columns=30).to_dict()
    graph = service_graph(r).to_dict()  # a network is not cut: its columns narrow instead
    assert graph["width"] == 250 + 30 * 64 + 12
    headers = [row["text"] for mark, _, row in _rows(graph) if mark == "text" and "full" in row and "\n" in row["text"]]
    assert len(headers) == 30 and all(len(line) <= 11 for t in headers for line in t.split("\n"))


def test_diagrams_blueprint_lines_lanes_agencies_and_staff_pain_links(report, tables):
    spec = service_blueprint(report, pain_points=tables["pain_points"], participants=tables["participants"]).to_dict()
    rows = _rows(spec)
    texts = {str(row.get("text")) for mark, _, row in rows if mark == "text"}
    assert {"line of interaction", "line of visibility", "line of internal interaction"} <= texts
    assert {"Registry", "Tax"} <= texts
    staff = [row for mark, _, row in rows if mark == "square" and "quote" in row]
    assert [row["quote"] for row in staff] == ["I re-key every form by hand"]
    links = [row for mark, layer, row in rows if mark == "line" and layer["mark"].get("strokeDash") == [5, 3]]
    # the staff pain at S2 is linked to the citizens' pain at S2 itself and at S1 and S3 (designed neighbours)
    assert {row["detail"] for row in links} == {"S2>S1", "S2>S2", "S2>S3"}


def test_diagrams_service_graph_kinds_dashed_width_by_volume_colour_by_priority(report):
    spec = service_graph(report, min_share=0.0, min_narrated=1).to_dict()
    edge_layer = [layer for layer in spec["layer"] if "strokeDash" in layer.get("encoding", {})][0]
    enc = edge_layer["encoding"]
    assert enc["strokeDash"]["scale"]["domain"] == ["designed (steps sheet)", "observed (event log)",
                                                  "narrated (interviews)"]
    assert enc["color"]["field"] == "score" and enc["strokeWidth"]["field"] == "width"
    rows = spec["datasets"][edge_layer["data"]["name"]]
    kinds = {row["kind_"] for row in rows}
    assert {"designed (steps sheet)", "observed (event log)"} <= kinds
    observed = {}
    for row in rows:
        if row["kind_"].startswith("observed"):
            observed[(row["from_"], row["to_"])] = row
    widths = sorted((row["count"], row["width"]) for row in observed.values())
    assert widths[0][1] < widths[-1][1]  # more cases, wider line
    # the loop S2 -> S1 (case c2) goes back: its path arches above both ends
    back = [row for row in rows if row["kind_"].startswith("observed") and row["from_"].startswith("Check")
            and row["to_"].startswith("Apply")]
    assert back
    path = [r for r in rows if r["detail"] == back[0]["detail"]]
    assert min(p["y"] for p in path) < min(path[0]["y"], path[-1]["y"])


def test_diagrams_priorities_components_add_up_to_the_score(report):
    spec = priorities_chart(report, lang="es").to_dict()
    rows = spec["datasets"][spec["layer"][0]["data"]["name"]]
    by_item = {}
    for row in rows:
        by_item.setdefault(row["item"], []).append(row)
    for parts in by_item.values():
        assert sum(p["points"] for p in parts) == pytest.approx(parts[0]["score"], abs=0.1)
    assert {p["component_"] for p in rows} == {"alcance", "severidad", "demora", "fricción", "centralidad"}
    assert spec["layer"][0]["encoding"]["color"]["field"] == "component_"


def test_diagrams_priorities_effort_matrix_when_effort_given(report):
    spec = priorities_chart(report, effort={"S1": 1, "S2": 5, "S3": 2}).to_dict()
    assert len(spec["hconcat"]) == 2
    matrix = spec["hconcat"][1]
    texts = {row.get("text") for layer in matrix["layer"] for row in spec["datasets"].get(layer["data"]["name"], [])}
    assert {"quick wins", "major projects"} <= texts
    assert "hconcat" not in priorities_chart(report).to_dict()


def test_diagrams_bad_inputs_raise_input_error(report):
    with pytest.raises(InputError, match="unknown language"):
        journey_map(report, lang="fr")
    with pytest.raises(InputError, match="unknown view"):
        build_view("sankey", report)
    with pytest.raises(InputError, match="not a journey report"):
        service_graph({"nodes": []})
