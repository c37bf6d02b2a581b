"""`python cli.py utterances` (commands/utterances.py)."""

import csv
import io
import json

from research.schema import UTTERANCE_COLUMNS
from tests.research.transcript_builders import make_xlsx


def _rows_workbook(path):
    return make_xlsx(path, {"Hoja1": [
        ["ID Entrevista", "Hablante", "Texto"],
        ["E1", "Entrevistadora", "¿Cómo le fue en la ventanilla?"],
        ["E1", "Rosa", "Esperé tres horas y me devolvieron."],
    ]})


def test_cli_utterances_jsonl_has_every_canonical_field(tmp_path, run_cli):
    p = _rows_workbook(tmp_path / "e.xlsx")
    res = run_cli("utterances", p, "--format", "jsonl")
    assert res.returncode == 0, res.stderr
    recs = [json.loads(line) for line in res.stdout.splitlines()]
    assert len(recs) == 2
    assert all(list(r) == list(UTTERANCE_COLUMNS) for r in recs)
    assert recs[1]["project"] is None and recs[1]["speaker_role"] == "participant"
    assert recs[1]["source_file"] == "e.xlsx" and recs[1]["source_sheet"] == "Hoja1" and recs[1]["source_row"] == 3


def test_cli_utterances_csv_and_map_option(tmp_path, run_cli):
    p = tmp_path / "n.csv"
    p.write_text("Quién;Lo dicho\nEntrevistador;¿Qué pasó?\nLuis;Perdí el día.\n", encoding="utf-8")
    res = run_cli("utterances", p, "--format", "csv", "--map", "Lo dicho=text", "--map", "Quién=speaker")
    assert res.returncode == 0, res.stderr
    rows = list(csv.DictReader(io.StringIO(res.stdout)))
    assert [r["speaker"] for r in rows] == ["Entrevistador", "Luis"]
    assert [r["source_row"] for r in rows] == ["2", "3"]


def test_cli_utterances_interviewer_option_overrides_roles(tmp_path, run_cli):
    p = tmp_path / "t.txt"
    p.write_text("Ana: Hola.\nLuis: Hola.\nAna: Bien.\n", encoding="utf-8")
    res = run_cli("utterances", p, "--interviewer", "Ana", "--format", "json")
    roles = [r["speaker_role"] for r in json.loads(res.stdout)]
    assert roles == ["interviewer", "participant", "interviewer"]


def test_cli_utterances_bad_file_is_one_line_exit_2(tmp_path, run_cli):
    p = tmp_path / "broken.xlsx"
    p.write_bytes(b"this is not a workbook at all")
    res = run_cli("utterances", p)
    assert res.returncode == 2
    assert res.stderr.startswith("error: broken.xlsx: ") and res.stderr.count("\n") == 1
    assert "Traceback" not in res.stderr and " — " in res.stderr


def test_cli_utterances_missing_text_column_names_found_and_accepted(tmp_path, run_cli):
    p = tmp_path / "x.csv"
    p.write_text("Nombre,Edad\nAna,30\n", encoding="utf-8")
    res = run_cli("utterances", p)
    assert res.returncode == 2
    assert "Nombre, Edad" in res.stderr and "texto" in res.stderr


def test_cli_utterances_parses_every_demo_transcript(root, run_cli):
    manifest = json.loads((root / "data" / "demo" / "manifest.json").read_text(encoding="utf-8"))
    files = [root / "data" / "demo" / f["path"] for f in manifest["files"] if f["kind"] == "transcripts"]
    assert files
    res = run_cli("utterances", *files, "--format", "jsonl")
    assert res.returncode == 0, res.stderr
    recs = [json.loads(line) for line in res.stdout.splitlines()]
    by_file = {}
    for r in recs:
        by_file.setdefault(r["source_file"], []).append(r)
    assert set(by_file) == {f.name for f in files}
    for name, rs in by_file.items():
        assert all(isinstance(r["source_row"], int) and r["source_row"] >= 1 for r in rs), name
        assert any(r["speaker_role"] == "participant" for r in rs), name


def test_cli_utterances_other_kinds_are_refused_with_the_import_hint(tmp_path, run_cli):
    p = tmp_path / "log.csv"
    p.write_text("case_id,activity,timestamp\nc1,A,2024-01-01T00:00:00Z\n", encoding="utf-8")
    res = run_cli("utterances", p)
    assert res.returncode == 2 and "holds eventlog, not transcripts" in res.stderr and "--kind eventlog" in res.stderr
