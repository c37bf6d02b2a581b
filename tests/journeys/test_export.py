"""Exports: every file is valid and loads back; user text is neutralised; the qdpx follows REFI-QDA."""

import io
import json
import struct
import zipfile
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest
from defusedxml import ElementTree as SafeET
from journey_toy import toy_events, toy_narrated, toy_participants, toy_steps
from openpyxl import load_workbook

from journeys.analysis import journey_report
from journeys.diagrams import journey_map, priorities_chart
from journeys.export import (
    QDA_NAMESPACE,
    chart_to_html,
    chart_to_pdf,
    chart_to_png,
    chart_to_svg,
    excel_pack,
    graph_to_graphml,
    graph_to_json,
    journey_graph,
    qdpx_project,
    save_chart,
    write_export,
)
from journeys.graph import build_graph
from research.errors import InputError

XSD = Path(__file__).parent / "data" / "refi_qda_project_subset.xsd"
NS = {"q": QDA_NAMESPACE}
HOSTILE = ["=HYPERLINK(\"http://x\",\"y\")", "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd"]


def _pains():
    return pd.DataFrame({
        "id": [1, 2, 3, 4],
        "interview_id": ["i1", "i1", "i2", "i2"],
        "participant_id": ["p1", "p1", "p2", "p2"],
        "source_file": ["i1.txt", "i1.txt", "i2.csv", "i2.csv"],
        "source_sheet": [None, None, None, None],
        "source_row": [2, 2, 3, 3],
        "source_column": [None] * 4,
        "sentence": ["I waited three weeks.", HOSTILE[0], "Ana López never called back.", "rejected one"],
        "start": [0, 22, 0, 0], "end": [21, 41, 28, 3],
        "category": ["waiting", "documents", "staff", "cost"],
        "severity": [0.8, 0.5, 0.6, 0.1],
        "step_id": ["S2", "S1", "S3", "S3"],
        "channel": ["phone", None, "office", None],
        "status": ["accepted", "suggested", "edited", "rejected"],
    })


def _utterances():
    return pd.DataFrame({
        "interview_id": ["i1", "i1", "i2", "i2"], "participant_id": ["p1", "p1", "p2", "p2"],
        "speaker": ["Int", "Pedro Pérez", "Int", "Ana"], "speaker_role": ["interviewer", "participant"] * 2,
        "seq": [1, 2, 1, 2],
        "text": ["How did it go?", "I waited three weeks. They wanted the deed.", "Tell me more.",
                 "Ana López never called back."],
        "lang": ["en"] * 4, "source_file": ["i1.txt", "i1.txt", "i2.csv", "i2.csv"],
        "source_sheet": [None] * 4, "source_row": [1, 2, 2, 3], "source_column": [None] * 4,
    })


@pytest.fixture(scope="module")
def report():
    return journey_report(toy_steps(), toy_events(), _pains(), toy_narrated(), toy_participants())


@pytest.fixture(scope="module")
def chart(report):
    return priorities_chart(report)


def test_export_png_has_signature_and_print_size(chart):
    png = chart_to_png(chart, scale=2)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    spec = chart.to_dict()
    assert width >= 2 * spec["width"] and height >= 2 * spec["height"]


def test_export_svg_parses_and_keeps_text(chart):
    svg = chart_to_svg(chart)
    root = SafeET.fromstring(svg.encode("utf-8"))
    assert root.tag.endswith("svg")
    assert "Priorities: where to act first" in svg


def test_export_pdf_opens_with_one_page(chart):
    from pypdf import PdfReader

    pdf = chart_to_pdf(chart)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    assert float(reader.pages[0].mediabox.width) > 300


def test_export_html_inlines_vega_and_needs_no_network(chart):
    html = chart_to_html(chart)
    assert "<script src=\"http" not in html and "cdn.jsdelivr" not in html
    assert len(html) > 300_000  # vega, vega-lite and vega-embed are inside the page
    assert "Priorities: where to act first" in html


def test_export_save_chart_by_extension_and_rejects_unknown(report, tmp_path):
    c = journey_map(report)
    assert save_chart(c, tmp_path / "map.svg").read_text(encoding="utf-8").startswith("<svg")
    with pytest.raises(InputError, match="unknown image format"):
        save_chart(c, tmp_path / "map.gif")


def test_export_excel_pack_sheets_styles_and_quotes(report):
    parts = toy_participants().assign(name=["Pedro Pérez", "Ana López", "Luis"],
                                      notes=["call 6123-4567", "ok", "write to ana@example.com"])
    wb = load_workbook(io.BytesIO(excel_pack(report, pain_points=_pains(), participants=parts)))
    assert wb.sheetnames == ["Summary", "Priorities", "Pain points", "Steps and metrics", "Transitions",
                             "Participants"]
    pri = wb["Priorities"]
    assert pri["A1"].value == "Rank" and pri["A1"].font.bold and pri.freeze_panes == "C2"
    assert pri.auto_filter.ref.startswith("A1:")
    assert any("E2:E" in str(rng.sqref) for rng in pri.conditional_formatting)  # colour scale on the score
    pains = wb["Pain points"]
    header = [c.value for c in pains[1]]
    rows = [dict(zip(header, (c.value for c in r), strict=True)) for r in pains.iter_rows(min_row=2)]
    assert [r["Quote"] for r in rows][:1] == ["I waited three weeks."]  # strongest first
    assert "rejected one" not in {r["Quote"] for r in rows}
    assert {r["Source file"] for r in rows} == {"i1.txt", "i2.csv"} and rows[0]["Row"] == 2
    people = wb["Participants"]
    head = [c.value for c in people[1]]
    assert head == ["Participant", "Segment", "notes"]  # the name column is left out
    text = " ".join(str(c.value) for r in people.iter_rows(min_row=2) for c in r)
    assert "6123-4567" not in text and "ana@example.com" not in text


def test_export_excel_pack_spanish_names(report):
    wb = load_workbook(io.BytesIO(excel_pack(report, pain_points=_pains(), lang="es")))
    assert wb.sheetnames[:3] == ["Resumen", "Prioridades", "Puntos de dolor"]
    assert wb["Prioridades"]["A1"].value == "Puesto"
    assert wb["Puntos de dolor"]["E2"].value in {"espera", "documentos", "atención"}
    assert {r[6].value for r in wb["Puntos de dolor"].iter_rows(min_row=2)} == {"aceptado", "sugerido", "editado"}
    assert {r[8].value for r in wb["Transiciones"].iter_rows(min_row=2)} <= {"sí", "no"}


@pytest.mark.parametrize("hostile", HOSTILE)
def test_export_excel_pack_neutralises_formulas(report, hostile):
    pains = _pains()
    pains.loc[0, "sentence"] = hostile
    steps = toy_steps()
    steps.loc[0, "step"] = hostile
    r = journey_report(steps, None, pains)
    wb = load_workbook(io.BytesIO(excel_pack(r, pain_points=pains)))
    cells = [c.value for ws in wb for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert "'" + hostile in cells
    assert not any(v.startswith(("=", "+", "-", "@", "\t", "\r")) for v in cells)


def test_export_graphml_loads_back_with_the_same_nodes_and_edges(report):
    G = journey_graph(report)
    H = nx.read_graphml(io.BytesIO(graph_to_graphml(report)), force_multigraph=True)
    assert set(H.nodes) == set(G.nodes) == {n["id"] for n in report["nodes"]}
    assert sorted(H.edges(keys=True)) == sorted(G.edges(keys=True))
    assert len(G.edges) == len(report["edges"])
    u, v, k = next((u, v, k) for u, v, k in G.edges(keys=True) if k == "observed")
    assert H.edges[u, v, k]["count"] == G.edges[u, v, k]["count"]
    assert H.nodes["S1|web"]["step"] == "Apply"


def test_export_graphml_from_a_built_graph_with_tuple_ids():
    G = build_graph(toy_steps(), toy_events())
    H = nx.read_graphml(io.BytesIO(graph_to_graphml(G)), force_multigraph=True)
    assert set(H.nodes) == {f"{s}|{c}" for s, c in G.nodes}
    assert H.number_of_edges() == G.number_of_edges()
    assert {d["kind"] for *_, d in H.edges(data=True)} == {d["source"] for *_, d in G.edges(data=True)}


def test_export_json_is_node_link(report):
    data = json.loads(graph_to_json(report))
    H = nx.node_link_graph(data, edges="edges")
    assert set(H.nodes) == {n["id"] for n in report["nodes"]} and H.number_of_edges() == len(report["edges"])


def _qdpx(data):
    from lxml import etree

    z = zipfile.ZipFile(io.BytesIO(data))
    root = etree.fromstring(z.read("project.qde"))
    schema = etree.XMLSchema(etree.parse(str(XSD)))
    return z, root, schema


def test_export_qdpx_follows_the_refi_qda_schema_with_codes_and_segments():
    z, root, schema = _qdpx(qdpx_project(_utterances(), _pains(), statuses=("accepted", "edited")))
    assert schema.validate(root), schema.error_log
    codes = root.findall("q:CodeBook/q:Codes/q:Code", NS)
    assert len(codes) == 12 and codes[0].get("name") == "waiting"
    sources = root.findall("q:Sources/q:TextSource", NS)
    assert [s.get("name") for s in sources] == ["i1 (p1)", "i2 (p2)"]
    code_of = {c.get("guid"): c.get("name") for c in codes}
    found = []
    for s in sources:
        path = s.get("plainTextPath")
        assert path.startswith("internal://")
        text = z.read("sources/" + path[len("internal://"):]).decode("utf-8")
        for sel in s.findall("q:PlainTextSelection", NS):
            a, b = int(sel.get("startPosition")), int(sel.get("endPosition"))
            ref = sel.find("q:Coding/q:CodeRef", NS).get("targetGUID")
            found.append((code_of[ref], text[a:b]))
    # accepted and edited ones; suggested and rejected left out; the name in i2 redacted, positions moved
    assert found == [("waiting", "I waited three weeks."), ("staff", "[PERSON] never called back.")]
    assert "Pedro" not in "".join(z.read(n).decode() for n in z.namelist() if n.startswith("sources/"))


def test_export_qdpx_suggested_on_request_and_spanish_codes():
    z, root, schema = _qdpx(qdpx_project(_utterances(), _pains(), lang="es",
                                         statuses=("accepted", "edited", "suggested")))
    assert schema.validate(root), schema.error_log
    names = [sel.get("name") for sel in root.iter(f"{{{QDA_NAMESPACE}}}PlainTextSelection")]
    assert sorted(names) == ["atención", "documentos", "espera"]


def test_export_qdpx_without_transcripts_is_an_input_error():
    with pytest.raises(InputError, match="no interview text"):
        qdpx_project(pd.DataFrame(), _pains())


def test_export_write_export_by_extension(report, tmp_path):
    assert zipfile.is_zipfile(write_export(tmp_path / "pack.xlsx", report, pain_points=_pains()))
    assert nx.read_graphml(write_export(tmp_path / "g.graphml", report)).number_of_nodes() == len(report["nodes"])
    with pytest.raises(InputError, match="unknown report format"):
        write_export(tmp_path / "g.dot", report)


@pytest.mark.parametrize("module", ["journeys.diagrams", "journeys.export"])
def test_export_public_functions_have_examples(module):
    import importlib
    import inspect

    mod = importlib.import_module(module)
    missing = [n for n in mod.__all__ if inspect.isfunction(getattr(mod, n))
               and "Examples" not in (getattr(mod, n).__doc__ or "")]
    assert missing == []
