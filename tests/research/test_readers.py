"""The dispatcher: kind detection, delegation, uploads, preview (research/readers.py)."""

import pytest

from research.errors import InputError
from research.readers import detect_kind, extension_of, preview, read_file, read_upload
from tests.research.transcript_builders import make_xlsx


def test_readers_extension_of_counts_xes_gz_as_one():
    assert extension_of("a.XES.GZ") == ".xes.gz" and extension_of("b.Xlsm") == ".xlsm"


@pytest.mark.parametrize("header, kind", [
    ("Hablante;Texto\nAna;hola\n", "transcripts"),
    ("case:concept:name,concept:name,time:timestamp\nc1,A,2024-01-01T00:00:00Z\n", "eventlog"),
    ("Caso;Actividad;Fecha\nc1;Registro;2024-01-01\n", "eventlog"),
    ("Participante,Segmento,Región\nP1,Ciudadana,Colón\n", "participants"),
    ("step_id,step,channel,lane,next_steps\nS1,Registro,web,customer,S2\n", "steps"),
])
def test_readers_detect_kind_from_columns(tmp_path, header, kind):
    p = tmp_path / "f.csv"
    p.write_text(header, encoding="utf-8")
    assert detect_kind(p) == kind


def test_readers_detect_kind_from_extension():
    assert detect_kind("x.docx") == "transcripts" and detect_kind("x.parquet") == "eventlog"


def test_readers_workbook_with_transcripts_and_roster_is_transcripts(tmp_path):
    p = make_xlsx(tmp_path / "w.xlsx", {
        "Participantes": [["Código", "Segmento"], ["P1", "Turista"]],
        "P1": [["Hablante", "Texto"], ["Entrevistadora", "¿Qué tal?"], ["Kim", "Me perdí."]]})
    r = read_file(p)
    assert r.kind == "transcripts" and len(r.tables["utterances"]) == 2
    p2 = read_file(p, kind="participants")
    assert p2.tables["participants"]["segment"].tolist() == ["visitor"]
    assert any(s["sheet"] == "P1" for s in p2.skipped)


def test_readers_delegates_steps_and_eventlog(tmp_path):
    steps = tmp_path / "s.csv"
    steps.write_text("step_id,step,channel,lane,next_steps\nS1,Registro,web,customer,S2\n"
                     "S2,Pago,office,customer,\n", encoding="utf-8")
    r = read_file(steps)
    assert r.kind == "steps" and len(r.tables["steps"]) == 2
    log = tmp_path / "l.csv"
    log.write_text("case_id,activity,timestamp\nc1,A,2024-01-01T00:00:00Z\nc1,B,2024-01-02T00:00:00Z\n",
                   encoding="utf-8")
    r = read_file(log)
    assert r.kind == "eventlog" and len(r.tables["events"]) == 2


def test_readers_unknown_kind_and_mismatched_kind(tmp_path):
    p = tmp_path / "t.txt"
    p.write_text("Ana: hola\n", encoding="utf-8")
    with pytest.raises(InputError, match="unknown kind"):
        read_file(p, kind="nonsense")
    with pytest.raises(InputError, match="cannot hold a participants table"):
        read_file(p, kind="participants")


def test_readers_unknown_mapping_field(tmp_path):
    p = tmp_path / "t.csv"
    p.write_text("A,B\nx,y\n", encoding="utf-8")
    with pytest.raises(InputError, match="unknown field"):
        read_file(p, kind="transcripts", mapping={"A": "texto_libre"})


def test_readers_interviewer_in_mapping(tmp_path):
    p = tmp_path / "t.csv"
    p.write_text("Speaker,Text\nAna,Hi\nLuis,Hi\n", encoding="utf-8")
    df = read_file(p, mapping={"interviewer": "Luis"}).tables["utterances"]
    assert df["speaker_role"].tolist() == ["participant", "interviewer"]


def test_readers_upload_uses_its_own_name_and_leaves_nothing(tmp_path):
    data = "Hablante,Texto\nEntrevistador,¿Qué pasó?\nAna,Perdí el día.\n".encode("cp1252")
    r = read_upload("campo/notas.csv", data)
    assert r.file == "notas.csv" and set(r.tables["utterances"]["source_file"]) == {"notas.csv"}
    with pytest.raises(InputError) as e:
        read_upload("x.xlsx", b"garbage")
    assert e.value.file == "x.xlsx"


def test_readers_preview_shows_layout_mapping_and_rows(tmp_path):
    p = make_xlsx(tmp_path / "p.xlsx", {"E5": [["Speaker", "Text"], ["Interviewer", "Why?"], ["Sam", "Slow."]]})
    pv = preview(p, rows=1)
    assert pv["layout"] == "sheet-per-interview" and pv["mapping"] == {"Speaker": "speaker", "Text": "text"}
    assert len(pv["rows"]) == 1 and pv["rows"][0]["interview_id"] == "E5" and pv["summary"]["utterances"] == 2


IMPORTER_MODULES = ["research.columns", "research.roles", "research.lang", "research.excel", "research.transcripts",
                    "research.transcripts_text", "research.textformats", "research.participants", "research.readers"]


@pytest.mark.parametrize("module", IMPORTER_MODULES)
def test_readers_public_functions_have_examples(module):
    import importlib
    import inspect

    mod = importlib.import_module(module)
    missing = [n for n in mod.__all__ if inspect.isfunction(getattr(mod, n))
               and "Examples" not in (getattr(mod, n).__doc__ or "")]
    assert missing == []


def test_readers_xlsm_is_read_like_xlsx(tmp_path):
    p = make_xlsx(tmp_path / "macro.xlsm", {"E1": [["Speaker", "Text"], ["Interviewer", "Why?"], ["Sam", "Slow."]]})
    r = read_file(p)
    assert r.kind == "transcripts" and r.tables["utterances"]["source_file"].tolist() == ["macro.xlsm"] * 2


def test_readers_roster_read_as_transcripts_says_so(tmp_path):
    p = tmp_path / "r.csv"
    p.write_text("Participante,Segmento,Comentario\nP1,Ciudadana,Todo lento\n", encoding="utf-8")
    assert read_file(p).kind == "participants"
    with pytest.raises(InputError, match="participant roster, not transcripts"):
        read_file(p, kind="transcripts")


def test_readers_os_errors_become_input_errors(tmp_path, monkeypatch):
    from pathlib import Path

    p = tmp_path / "t.txt"
    p.write_text("Ana: hola\n", encoding="utf-8")

    def denied(self):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "read_bytes", denied)
    with pytest.raises(InputError, match="cannot read the file \\(Permission denied\\)"):
        read_file(p)


def test_readers_mapping_naming_a_missing_column_is_an_error(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("Entrevista,Hablante,Notas\nE1,Ana,Hola\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"not in the file: Nope \(columns found: Entrevista, Hablante, Notas\)"):
        read_file(path, mapping={"Nope": "text"})
    ok = read_file(path, mapping={"notas": "text"})  # names match as the detector does (case, accents)
    assert ok.tables["utterances"]["text"].tolist() == ["Hola"]
