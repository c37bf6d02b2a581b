"""`python cli.py import` and `python cli.py projects`, against SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pytest
from openpyxl import Workbook

import cli
from research.repository import Repository
from tests.research.db_backends import BACKENDS, make_db_url


@pytest.fixture(params=BACKENDS)
def db_url(request, tmp_path) -> str:
    """An empty database per test, on SQLite and on PostgreSQL."""
    return make_db_url(request.param, tmp_path, request)


@pytest.fixture
def files(tmp_path):
    """A Spanish transcript, a participants workbook and an event log with odd column names."""
    txt = tmp_path / "entrevista_ana.txt"
    txt.write_text("Entrevistadora: ¿Cómo le fue con el trámite?\n"
                   "Ana: Esperé tres horas en la fila 😡 y nadie me explicó nada.\n"
                   "Entrevistadora: ¿Y en línea?\n"
                   "Ana: La página del Panamá Emprende se caía todo el tiempo.\n", encoding="utf-8")
    wb = Workbook()
    ws = wb.active
    ws.title = "Participantes"
    ws.append(["Participante", "Segmento", "Región", "Canal preferido"])
    ws.append(["P01", "citizen", "Chiriquí", "WhatsApp"])
    ws.append(["P02", "business", "Colón", "oficina"])
    xlsx = tmp_path / "participantes.xlsx"
    wb.save(xlsx)
    log = tmp_path / "bitacora.csv"
    log.write_text("expediente;paso;fecha\nA-1;Solicitud;2024-02-01 08:00:00-05:00\n"
                   "A-1;Pago;2024-02-02 09:30:00-05:00\nA-2;Solicitud;2024-02-03T10:00:00Z\n", encoding="utf-8")
    return {"txt": txt, "xlsx": xlsx, "log": log}


def _lines(out: str) -> list[dict]:
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def test_cli_import_stores_each_file_and_prints_its_summary(db_url, files, capsys):
    rc = cli.main(["import", str(files["txt"]), str(files["xlsx"]), "--project", "Emprende", "--db", db_url])
    captured = capsys.readouterr()
    assert rc == 0, captured.err
    out = _lines(captured.out)
    rc = cli.main(["import", str(files["log"]), "--project", "Emprende", "--kind", "eventlog",
                   "--map", "expediente=case_id", "paso=activity", "fecha=timestamp", "--db", db_url])
    captured = capsys.readouterr()
    assert rc == 0, captured.err
    out += _lines(captured.out)
    assert [s["position"] for s in out] == [1, 2, 1]
    assert [s["status"] for s in out] == ["imported"] * 3
    assert {s["project"] for s in out} == {"Emprende"}
    assert [s["kind"] for s in out] == ["transcripts", "participants", "eventlog"]
    assert out[0]["interviews"] == 1 and out[0]["utterances"] == 4 and out[0]["participant_utterances"] == 2
    assert out[0]["layout"] == "txt" and out[0]["skipped"] == []
    assert out[2]["events"] == 3 and out[2]["cases"] == 2
    t = Repository(db_url).tables("Emprende")
    assert "Esperé tres horas en la fila 😡 y nadie me explicó nada." in t["utterances"]["text"].tolist()
    assert set(t["utterances"]["project"]) == {"Emprende"}
    assert sorted(t["participants"]["participant_id"]) == ["P01", "P02"]
    assert str(t["events"]["timestamp"].dt.tz) == "UTC"
    assert t["events"]["timestamp"].iloc[0].isoformat() == "2024-02-01T13:00:00+00:00"

    # the same content again (even under another name) is not stored twice
    again = files["txt"].with_name("copia.txt")
    again.write_bytes(files["txt"].read_bytes())
    assert cli.main(["import", str(again), "--project", "Emprende", "--db", db_url, "--format", "json"]) == 0
    [summary] = json.loads(capsys.readouterr().out)
    assert summary["status"] == "already imported" and summary["file"] == "copia.txt"
    assert summary["first_imported_as"] == "entrevista_ana.txt" and summary["utterances"] == 4
    assert len(Repository(db_url).table("Emprende", "utterances")) == 4


def test_cli_import_bad_file_stops_with_one_line_and_keeps_earlier_files(db_url, files, tmp_path, capsys):
    empty = tmp_path / "vacía.csv"
    empty.write_bytes(b"")
    rc = cli.main(["import", str(files["txt"]), str(empty), str(files["xlsx"]), "--db", db_url])
    captured = capsys.readouterr()
    assert rc == 2
    assert captured.err.startswith("error: vacía.csv: ") and captured.err.count("\n") == 1
    assert "Traceback" not in captured.err
    assert [s["file"] for s in _lines(captured.out)] == ["entrevista_ana.txt"]
    repo = Repository(db_url)
    assert repo.imports("default")["file"].tolist() == ["entrevista_ana.txt"]  # default project
    assert len(repo.table("default", "participants")) == 0  # the file after the bad one was not read


def test_cli_import_bad_map_and_missing_file_are_exit_2(db_url, files, capsys):
    assert cli.main(["import", str(files["log"]), "--map", "sin-igual", "--db", db_url]) == 2
    assert "is not COLUMN=FIELD" in capsys.readouterr().err
    assert cli.main(["import", "no/existe.xlsx", "--db", db_url]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: existe.xlsx: ") and err.count("\n") == 1


def test_cli_projects_list_create_rename_delete(db_url, capsys):
    def run(*args):
        rc = cli.main(["projects", *args, "--db", db_url])
        captured = capsys.readouterr()
        return rc, captured.out, captured.err

    assert run() == (0, "[]\n", "")
    rc, out, _ = run("create", "Registro de empresa", "--description", "Panamá")
    assert rc == 0 and json.loads(out)["name"] == "Registro de empresa"
    rc, out, err = run("create", "Registro de empresa")
    assert rc == 2 and "already exists" in err and err.count("\n") == 1
    rc, out, _ = run("rename", "Registro de empresa", "Aviso de operación")
    assert rc == 0 and json.loads(out)["name"] == "Aviso de operación"
    rc, out, _ = run("list", "--format", "jsonl")
    assert [p["name"] for p in _lines(out)] == ["Aviso de operación"]
    assert _lines(out)[0]["description"] == "Panamá"
    rc, out, err = run("delete", "Aviso de operación")
    assert rc == 2 and "--yes" in err
    rc, out, _ = run("delete", "Aviso de operación", "--yes")
    assert rc == 0 and json.loads(out) == {"name": "Aviso de operación", "deleted": True}
    assert run("list")[1] == "[]\n"
    rc, _, err = run("rename", "solo-uno")
    assert rc == 2 and "takes 2 name(s)" in err
    rc, _, err = run("delete", "nada", "--yes")
    assert rc == 2 and "no such project" in err


def test_cli_import_in_a_real_process_has_no_traceback(files, tmp_path, run_cli):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    ok = run_cli("import", files["txt"], "--project", "p", "--db", url)
    assert ok.returncode == 0 and json.loads(ok.stdout)["status"] == "imported"
    bad = run_cli("import", tmp_path / "nada.docx", "--db", url)
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "Traceback" not in bad.stderr
    listed = run_cli("projects", "list", "--db", url)
    assert [p["name"] for p in json.loads(listed.stdout)] == ["p"]


def test_cli_import_uses_database_url_from_the_environment(db_url, files, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", db_url.replace("postgresql+psycopg://", "postgres://"))
    assert cli.main(["import", str(files["txt"]), "--project", "desde env"]) == 0
    assert json.loads(capsys.readouterr().out)["project"] == "desde env"
    assert cli.main(["projects"]) == 0
    assert [p["name"] for p in json.loads(capsys.readouterr().out)] == ["desde env"]
    assert Repository(db_url).project_exists("desde env")
