"""``python cli.py diagram`` and ``python cli.py report``: files, formats by extension, one-line errors."""

import io
import json
import struct
import zipfile

import networkx as nx
import pytest
from journey_toy import toy_events, toy_participants, toy_steps
from openpyxl import Workbook, load_workbook

import cli

TRANSCRIPT = """Entrevista: p1
Participante: p1

Entrevistadora: ¿Cómo le fue con el trámite?

p1: Esperé tres semanas por la llamada. Me pidieron la cédula otra vez.
"""


@pytest.fixture
def files(tmp_path):
    wb = Workbook()
    ws = wb.active
    steps = toy_steps()
    ws.append(list(steps.columns))
    for row in steps.itertuples(index=False):
        ws.append(list(row))
    wb.save(tmp_path / "steps.xlsx")
    toy_events().to_csv(tmp_path / "events.csv", index=False)
    toy_participants().to_csv(tmp_path / "participants.csv", index=False)
    (tmp_path / "p1.txt").write_text(TRANSCRIPT, encoding="utf-8")
    return tmp_path


def _painpoints(path, utterance_row, text):
    """Pain points pointing at the participant's turn of the transcript (as `extract` writes them)."""
    a = text.index("Esperé")
    b = text.index("llamada.") + len("llamada.")
    recs = [{"id": 1, "interview_id": "p1", "participant_id": "p1", "file": "p1.txt", "row": utterance_row,
             "sentence": text[a:b], "start": a, "end": b, "category": "waiting", "severity": 0.8, "step_id": "S2",
             "status": "accepted", "is_pain": True},
            {"id": 2, "interview_id": "p1", "participant_id": "p1", "file": "p1.txt", "row": utterance_row,
             "sentence": "=cmd|' /C calc'!A0", "start": 0, "end": 5, "category": "repetition", "severity": 0.6,
             "step_id": "S1", "status": "suggested", "is_pain": True}]
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in recs) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def painpoints(files):
    from research.readers import read_file

    u = read_file(files / "p1.txt", kind="transcripts").tables["utterances"]
    turn = u[u["speaker_role"] == "participant"].iloc[0]
    return _painpoints(files / "pains.jsonl", int(turn["source_row"]), turn["text"])


def _run(capsys, *args):
    code = cli.main([*map(str, args)])
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.mark.parametrize("view", ["map", "blueprint", "graph", "priorities"])
def test_cli_diagram_png_for_every_view(files, painpoints, capsys, view):
    out = files / f"{view}.png"
    code, _, err = _run(capsys, "diagram", "--steps", files / "steps.xlsx", "--log", files / "events.csv",
                        "--painpoints", painpoints, "--participants", files / "participants.csv",
                        "--view", view, "--lang", "en", "--out", out)
    assert code == 0, err
    data = out.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and struct.unpack(">II", data[16:24])[0] > 600


def test_cli_diagram_svg_pdf_html_in_spanish_for_a_segment(files, painpoints, capsys):
    common = ["diagram", "--steps", files / "steps.xlsx", "--log", files / "events.csv", "--painpoints", painpoints,
              "--participants", files / "participants.csv", "--segment", "citizen", "--lang", "es"]
    assert _run(capsys, *common, "--view", "map", "--out", files / "m.svg")[0] == 0
    svg = (files / "m.svg").read_text(encoding="utf-8")
    assert "Mapa del recorrido" in svg and "segmento: citizen" in svg
    assert _run(capsys, *common, "--view", "graph", "--out", files / "g.pdf")[0] == 0
    assert (files / "g.pdf").read_bytes()[:5] == b"%PDF-"
    assert _run(capsys, *common, "--view", "priorities", "--effort", "S1=1,S2=3,S3=2", "--out", files / "p.html")[0] == 0
    html = (files / "p.html").read_text(encoding="utf-8")
    assert "Impacto y esfuerzo" in html and "cdn.jsdelivr" not in html


@pytest.mark.parametrize("args, message", [
    (["--out", "x.gif"], "unknown image format"),
    (["--out", "x.png", "--effort", "S1"], "is not step=number"),
    (["--out", "x.png", "--segment", "aliens"], "unknown segment"),
])
def test_cli_diagram_bad_input_is_one_line_exit_2(files, capsys, args, message):
    code, out, err = _run(capsys, "diagram", "--steps", files / "steps.xlsx", "--log", files / "events.csv",
                          "--participants", files / "participants.csv", *args)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("error: ") and message in err and "Traceback" not in err


def test_cli_diagram_needs_inputs(capsys, tmp_path):
    code, _, err = _run(capsys, "diagram", "--out", tmp_path / "x.png")
    assert code == 2 and "nothing to draw" in err


def test_cli_report_xlsx_pack_neutralised(files, painpoints, capsys):
    out = files / "pack.xlsx"
    code, _, err = _run(capsys, "report", "--steps", files / "steps.xlsx", "--log", files / "events.csv",
                        "--painpoints", painpoints, "--participants", files / "participants.csv", "--lang", "es",
                        "--out", out)
    assert code == 0, err
    wb = load_workbook(out)
    assert wb.sheetnames == ["Resumen", "Prioridades", "Puntos de dolor", "Pasos y métricas", "Transiciones",
                             "Participantes"]
    quotes = [r[7].value for r in wb["Puntos de dolor"].iter_rows(min_row=2)]
    assert "'=cmd|' /C calc'!A0" in quotes and "Esperé tres semanas por la llamada." in quotes


def test_cli_report_qdpx_graphml_json(files, painpoints, capsys):
    common = ["report", "--steps", files / "steps.xlsx", "--log", files / "events.csv", "--painpoints", painpoints]
    code, _, err = _run(capsys, *common, "--transcripts", files / "p1.txt", "--out", files / "p.qdpx")
    assert code == 0, err
    z = zipfile.ZipFile(files / "p.qdpx")
    qde = z.read("project.qde").decode("utf-8")
    assert 'xmlns="urn:QDA-XML:project:1.0"' in qde and qde.count("<PlainTextSelection ") == 1  # accepted only
    code, _, err = _run(capsys, *common, "--transcripts", files / "p1.txt", "--include-suggested",
                        "--out", files / "p2.qdpx")
    assert code == 0 and zipfile.ZipFile(files / "p2.qdpx").read("project.qde").decode().count(
        "<PlainTextSelection ") == 2
    assert _run(capsys, *common, "--out", files / "g.graphml")[0] == 0
    G = nx.read_graphml(files / "g.graphml", force_multigraph=True)
    assert "S1|web" in G and G.number_of_edges() > 0
    assert _run(capsys, *common, "--out", files / "g.json")[0] == 0
    H = nx.node_link_graph(json.loads((files / "g.json").read_text(encoding="utf-8")), edges="edges")
    assert set(H.nodes) == set(G.nodes) and H.number_of_edges() == G.number_of_edges()


@pytest.mark.parametrize("args, message", [
    (["--out", "x.docx"], "unknown report format"),
    (["--out", "x.qdpx"], "needs the interview transcripts"),
])
def test_cli_report_bad_input_is_one_line_exit_2(files, capsys, args, message):
    code, out, err = _run(capsys, "report", "--steps", files / "steps.xlsx", *args)
    assert code == 2 and out == "" and err.count("\n") == 1 and message in err


def test_cli_report_demo_project_pack(tmp_path, run_cli):
    db = f"sqlite:///{tmp_path / 'demo.db'}"
    res = run_cli("report", "--project", "demo", "--db", db, "--lang", "en", "--out", tmp_path / "pack.xlsx",
                  timeout=600)
    assert res.returncode == 0, res.stderr
    wb = load_workbook(io.BytesIO((tmp_path / "pack.xlsx").read_bytes()))
    pri = wb["Priorities"]
    assert pri.max_row == 17  # 16 steps + header
    assert wb["Pain points"].max_row > 40 and wb["Participants"].max_row == 14
