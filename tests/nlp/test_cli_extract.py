"""``cli.py extract`` and ``cli.py redact``: the record contracts, JSONL input, projects, errors."""

import json

import pytest
from openpyxl import Workbook, load_workbook

import cli
from commands.extract import FIELDS as EXTRACT_FIELDS
from commands.redact import FIELDS as REDACT_FIELDS


def _run(capsys, *args):
    code = cli.main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def _jsonl(out):
    return [json.loads(line) for line in out.splitlines() if line.strip()]


@pytest.fixture
def transcript_xlsx(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.title = "Entrevistas"
    ws.append(["Entrevista", "Hablante", "Texto"])
    ws.append(["E1", "Entrevistadora", "¿Cómo le fue con el permiso sanitario?"])
    ws.append(["E1", "Marisol Quintero", "Soy Marisol Quintero. Esperé tres horas en la ventanilla y nadie me atendió."])
    ws.append(["E1", "Entrevistadora", "¿Y el pago de la tasa municipal?"])
    ws.append(["E1", "Marisol Quintero", "Pagué la tasa municipal en línea sin problema. Mi celular es 6123-4567."])
    path = tmp_path / "entrevistas.xlsx"
    wb.save(path)
    return path


@pytest.fixture
def steps_csv(tmp_path):
    path = tmp_path / "pasos.csv"
    path.write_text("step_id,step,channel\nS1,Obtener el permiso sanitario,ventanilla\n"
                    "S2,Pagar la tasa municipal,web\n", encoding="utf-8")
    return path


def test_cli_extract_xlsx_contract_and_steps(capsys, transcript_xlsx, steps_csv):
    code, out, err = _run(capsys, "extract", transcript_xlsx, "--steps", steps_csv, "--format", "jsonl")
    assert code == 0, err
    records = _jsonl(out)
    assert records and all(list(r) == EXTRACT_FIELDS for r in records)
    pain = [r for r in records if "tres horas" in r["sentence"]]
    assert len(pain) == 1
    r = pain[0]
    assert (r["file"], r["sheet"], r["row"], r["column"]) == ("entrevistas.xlsx", "Entrevistas", 3, None)
    assert r["interview_id"] == "E1" and r["category"] == "waiting" and r["lang"] == "es"
    assert r["step_id"] == "S1" and r["channel"] == "office"
    # the interviewer's questions are never pain points
    assert all(rec["row"] in (3, 5) for rec in records)


def test_cli_extract_offsets_index_the_source_text(capsys, transcript_xlsx):
    code, out, _ = _run(capsys, "extract", transcript_xlsx, "--no-redact")
    assert code == 0
    rows = {row[0].row: row[2].value for row in load_workbook(transcript_xlsx).active.iter_rows(min_row=2)}
    for r in _jsonl(out):
        assert rows[r["row"]][r["start"]:r["end"]] == r["sentence"]


def test_cli_extract_redacts_by_default(capsys, tmp_path):
    path = tmp_path / "textos.jsonl"
    path.write_text(json.dumps({"text": "Me llamo Ana Pérez y esperé cinco horas en la oficina.", "lang": "es"},
                               ensure_ascii=False) + "\n", encoding="utf-8")
    _, redacted, _ = _run(capsys, "extract", path)
    _, plain, _ = _run(capsys, "extract", path, "--no-redact")
    (red,), (raw,) = _jsonl(redacted), _jsonl(plain)
    assert "Ana Pérez" in raw["sentence"] and "Ana Pérez" not in red["sentence"]
    assert "[PERSONA]" in red["sentence"]
    assert (red["start"], red["end"], red["id"]) == (raw["start"], raw["end"], raw["id"])


def test_cli_extract_jsonl_feedback_lines(capsys, tmp_path):
    path = tmp_path / "feedback.dev.jsonl"
    lines = [{"id": "a1", "text": "Everything went fine, thanks.", "lang": "en", "label": 0},
             {"id": "a2", "text": "I waited four hours and nobody answered the phone.", "lang": "en", "label": 1},
             {"text": "La página se caía todo el tiempo.", "lang": "es"}]
    path.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n", encoding="utf-8")
    code, out, _ = _run(capsys, "extract", path, "--format", "jsonl")
    records = _jsonl(out)
    assert code == 0
    assert [(r["row"], r["interview_id"], r["lang"]) for r in records] == [(2, "a2", "en"),
                                                                          (3, "feedback.dev:3", "es")]
    assert all(r["file"] == "feedback.dev.jsonl" and r["sheet"] is None for r in records)


def test_cli_extract_csv_and_xlsx_outputs(capsys, transcript_xlsx, tmp_path):
    out_csv, out_xlsx = tmp_path / "pp.csv", tmp_path / "pp.xlsx"
    assert _run(capsys, "extract", transcript_xlsx, "--format", "csv", "--out", out_csv)[0] == 0
    assert out_csv.read_text(encoding="utf-8").splitlines()[0].split(",") == EXTRACT_FIELDS
    assert _run(capsys, "extract", transcript_xlsx, "--format", "xlsx", "--out", out_xlsx)[0] == 0
    header = [c.value for c in next(load_workbook(out_xlsx).active.iter_rows(max_row=1))]
    assert header == EXTRACT_FIELDS


def test_cli_redact_records(capsys, transcript_xlsx):
    code, out, _ = _run(capsys, "redact", transcript_xlsx, "--format", "jsonl")
    assert code == 0
    records = _jsonl(out)
    assert all(list(r) == REDACT_FIELDS for r in records)
    rows = {row[0].row: row[2].value for row in load_workbook(transcript_xlsx).active.iter_rows(min_row=2)}
    found = {(r["row"], r["text"], r["type"]) for r in records}
    assert (3, "Marisol Quintero", "PERSON") in found and (5, "6123-4567", "PHONE") in found
    for r in records:
        assert rows[r["row"]][r["start"]:r["end"]] == r["text"]


def test_cli_extract_bad_jsonl_is_one_line_exit_2(capsys, tmp_path):
    path = tmp_path / "malo.jsonl"
    path.write_text('{"text": "ok"}\n{not json\n', encoding="utf-8")
    code, out, err = _run(capsys, "extract", path)
    assert code == 2 and out == ""
    assert err.startswith("error: malo.jsonl, row 2: not valid JSON") and err.count("\n") == 1
    code, _, err = _run(capsys, "redact", tmp_path / "missing.xlsx")
    assert code == 2 and "missing.xlsx" in err and "Traceback" not in err
    assert _run(capsys, "extract")[0] == 2


def test_cli_extract_project_stores_suggestions(capsys, transcript_xlsx, steps_csv, tmp_path):
    db = f"sqlite:///{tmp_path / 'r.db'}"
    assert _run(capsys, "import", transcript_xlsx, "--project", "p", "--db", db)[0] == 0
    assert _run(capsys, "import", steps_csv, "--kind", "steps", "--project", "p", "--db", db)[0] == 0
    code, out, err = _run(capsys, "extract", "--project", "p", "--db", db)
    assert code == 0, err
    records = _jsonl(out)
    assert any(r["step_id"] == "S1" for r in records)
    from research.repository import Repository

    stored = Repository(db).tables("p")
    assert len(stored["pain_points"]) == len(records)
    assert set(stored["pain_points"]["status"]) == {"suggested"}
    assert len(stored["narrated"]) >= 1
    assert _run(capsys, "extract", "--project", "nope", "--db", db)[0] == 2
