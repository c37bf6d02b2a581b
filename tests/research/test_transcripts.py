"""Transcript readers: every layout and format (research/transcripts.py, transcripts_text.py)."""

import pytest

from research.errors import InputError
from research.readers import read_file
from research.schema import UTTERANCE_COLUMNS
from research.transcripts import parse_timestamp
from tests.research.transcript_builders import make_docx, make_xlsx


def _utt(path, **kw):
    r = read_file(path, **kw)
    return r, r.tables["utterances"]


# ---------------------------------------------------------------- xlsx layouts

def test_transcripts_xlsx_rows_layout_below_title_and_merged_cells(tmp_path):
    p = make_xlsx(tmp_path / "rows.xlsx", {"Transcripciones": [
        ["Entrevistas Panamá Emprende 2024"], [],
        ["ID Entrevista", "Participante", "Hablante", "Minuto", "Transcripción"],
        ["E01", "P01", "Entrevistadora", 0, "¿Cómo fue el registro?"],
        ["E01", "P01", "Rosa", 2, "Esperé tres horas en la fila."],
        [None, None, None, None, None],
        ["E02", "P02", "Interviewer", "00:00:10", "How did it go?"],
        ["E02", "P02", "Sam", "00:01:10", "The site was down all week."],
    ]}, merges={"Transcripciones": ["A1:E1"]})
    r, df = _utt(p)
    assert r.layout == "rows" and list(df.columns) == list(UTTERANCE_COLUMNS)
    assert df["source_row"].tolist() == [4, 5, 7, 8]
    assert df["interview_id"].tolist() == ["E01", "E01", "E02", "E02"]
    assert df["speaker_role"].tolist() == ["interviewer", "participant"] * 2
    assert df["timestamp"].tolist() == [0.0, 120.0, 10.0, 70.0]
    assert df["lang"].tolist() == ["es", "es", "en", "en"]
    assert df["seq"].tolist() == [1, 2, 1, 2]
    assert set(df["source_sheet"]) == {"Transcripciones"} and df["source_column"].isna().all()


def test_transcripts_xlsx_sheet_per_interview_skips_index_and_roster(tmp_path):
    p = make_xlsx(tmp_path / "hojas.xlsx", {
        "Índice": [["Entrevistas del proyecto"], ["E03: comerciante"], ["E04: turista"]],
        "Participantes": [["Código", "Segmento", "Provincia"], ["E03", "Empresa", "Colón"]],
        "E03": [["Hablante", "Texto"], ["Entrevistador", "¿Qué pasó?"], ["Luis", "Fui tres veces a la CSS."]],
        "E04": [["Speaker", "Text"], ["Moderator", "What happened?"], ["Kim", "Nobody answered the phone."]],
    })
    r, df = _utt(p)
    assert r.layout == "sheet-per-interview"
    assert df["interview_id"].tolist() == ["E03", "E03", "E04", "E04"]
    assert df["source_sheet"].tolist() == ["E03", "E03", "E04", "E04"]
    assert df["source_row"].tolist() == [2, 3, 2, 3]
    skipped = {s["sheet"]: s["reason"] for s in r.skipped}
    assert set(skipped) == {"Índice", "Participantes"} and "roster" in skipped["Participantes"]


def test_transcripts_xlsx_notes_grid_question_in_source_column(tmp_path):
    q1, q2 = "¿Cómo se informó de los requisitos?", "¿Qué mejoraría?"
    p = make_xlsx(tmp_path / "notas.xlsx", {"Notas": [
        ["Notas de campo"], ["Participante", "Segmento", q1, q2],
        ["P11", "Ciudadana", "Me dieron una hoja de requisitos vieja.", ""],
        ["P12", "Empresa", "Por WhatsApp, rápido.", "Que todo se haga en un solo lugar."],
    ]})
    r, df = _utt(p)
    assert r.layout == "notes-grid"
    assert df[["participant_id", "source_row", "source_column"]].values.tolist() == [
        ["P11", 3, q1], ["P12", 4, q1], ["P12", 4, q2]]
    assert (df["speaker_role"] == "participant").all()
    assert r.mapping[q1] == "text" and "Segmento" not in r.mapping


def test_transcripts_xlsx_formula_looking_text_stays_text(tmp_path):
    p = make_xlsx(tmp_path / "f.xlsx", {"E1": [["Speaker", "Text"], ["Ana", "=HYPERLINK(\"http://x\")"],
                                               ["Bob", "=1+1"]]},
                  text_cells=[("E1", "B2")])
    _r, df = _utt(p)
    # B2 is text that looks like a formula: kept verbatim; B3 is a real formula: never evaluated
    assert df["text"].tolist() == ["=HYPERLINK(\"http://x\")"]


def test_transcripts_xlsx_header_only_is_a_clear_error(tmp_path):
    p = make_xlsx(tmp_path / "h.xlsx", {"Hoja1": [["Hablante", "Texto"]]})
    with pytest.raises(InputError, match="column names but no utterance rows") as e:
        read_file(p)
    assert e.value.sheet == "Hoja1" and e.value.row == 1


def test_transcripts_xlsx_no_text_column_lists_found_and_accepted(tmp_path):
    p = make_xlsx(tmp_path / "x.xlsx", {"Datos": [["Nombre", "Comuna"], ["Ana", "Centro"]]})
    with pytest.raises(InputError) as e:
        read_file(p, kind="transcripts")
    assert "Nombre, Comuna" in str(e.value) and "texto" in str(e.value)


def test_transcripts_role_column_alone_gives_speaker_and_role(tmp_path):
    p = make_xlsx(tmp_path / "r.xlsx", {"E9": [["Rol", "Respuesta"], ["Entrevistadora", "¿Y luego?"],
                                               ["Participante", "Luego nada."]]})
    _r, df = _utt(p)
    assert df[["speaker", "speaker_role"]].values.tolist() == [
        ["Entrevistadora", "interviewer"], ["Participante", "participant"]]


def test_transcripts_mapping_and_lang_override(tmp_path):
    p = make_xlsx(tmp_path / "m.xlsx", {"Sheet1": [["Quién", "Dijo"], ["Ana", "hola"], ["Luis", "hola"]]})
    r, df = _utt(p, mapping={"Dijo": "text", "Quién": "speaker"}, lang="en")
    assert df["lang"].tolist() == ["en", "en"] and r.mapping == {"Quién": "speaker", "Dijo": "text"}
    assert df["interview_id"].tolist() == ["m", "m"]  # generic sheet name -> file stem


# ---------------------------------------------------------------- csv / tsv

@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "cp1252", "latin-1"])
@pytest.mark.parametrize("delim", [",", ";", "\t"])
def test_transcripts_csv_encodings_and_delimiters(tmp_path, encoding, delim):
    text = delim.join(["Hablante", "Texto"]) + "\r\n" + delim.join(["Entrevistadora", "\"¿Cómo le fue, señora?\""]) \
        + "\r\n" + delim.join(["Doña Elvia", "\"Mal; esperé año y medio\""]) + "\r\n"
    p = tmp_path / "e.csv"
    p.write_bytes(text.encode(encoding))
    r, df = _utt(p)
    assert r.layout == "csv"
    assert df["text"].tolist() == ["¿Cómo le fue, señora?", "Mal; esperé año y medio"]
    assert df["speaker"].tolist() == ["Entrevistadora", "Doña Elvia"]
    assert df["source_row"].tolist() == [2, 3] and df["source_sheet"].isna().all()


def test_transcripts_tsv_extension(tmp_path):
    p = tmp_path / "e.tsv"
    p.write_text("Speaker\tText\nQ\tWhy?\nA\tBecause, well, it was slow.\n", encoding="utf-8")
    _r, df = _utt(p)
    assert df["speaker_role"].tolist() == ["interviewer", "participant"]


# ---------------------------------------------------------------- txt / md

def test_transcripts_txt_header_block_notes_timestamps_and_continuations(tmp_path):
    p = tmp_path / "P07.txt"
    p.write_text(
        "Proyecto: Abrir un negocio\nEntrevista: E07\nFecha: 2025-05-14\n"
        "Participante: P07 (servidora pública)\nEntrevistadora: Ana Ríos\n\n"
        "[Nota: audio bajo al inicio]\n\n"
        "[00:00:05] Ana: ¿Qué hace usted en el trámite?\n\n"
        "[00:00:19] Gilberto Sánchez: Registro los avisos. [risas]\n"
        "Me llegan por correo en un Excel.\n\n"
        "[inaudible]\n"
        "Ana (00:01:11): ¿Y luego?\n", encoding="utf-8")
    r, df = _utt(p)
    assert r.layout == "txt"
    assert df["source_row"].tolist() == [9, 11, 15]
    assert df["interview_id"].unique().tolist() == ["E07"] and df["participant_id"].unique().tolist() == ["P07"]
    assert df["speaker_role"].tolist() == ["interviewer", "participant", "interviewer"]
    assert df["timestamp"].tolist() == [5.0, 19.0, 71.0]
    assert df["text"].tolist()[1] == "Registro los avisos. Me llegan por correo en un Excel."


def test_transcripts_txt_one_turn_per_line_without_header(tmp_path):
    p = tmp_path / "x.txt"
    p.write_text("I: How did you apply?\nP: Online, but the form crashed.\nI: Then?\n", encoding="utf-8")
    _r, df = _utt(p)
    assert df["speaker_role"].tolist() == ["interviewer", "participant", "interviewer"]
    assert df["source_row"].tolist() == [1, 2, 3] and df["lang"].unique().tolist() == ["en"]


def test_transcripts_md_bold_labels_and_headings(tmp_path):
    p = tmp_path / "n.md"
    p.write_text("# Entrevista 5\n\n**Entrevistador:** ¿Cómo le fue?\n\n**Marta:** Por ejemplo: "
                 "tuve que ir dos veces.\n", encoding="utf-8")
    _r, df = _utt(p)
    assert df["speaker"].tolist() == ["Entrevistador", "Marta"]
    assert df["text"].tolist()[1] == "Por ejemplo: tuve que ir dos veces."
    assert df["source_row"].tolist() == [3, 5]


def test_transcripts_txt_without_turns_is_an_error(tmp_path):
    p = tmp_path / "x.txt"
    p.write_text("just some prose without any speaker labels\nand more prose\n", encoding="utf-8")
    with pytest.raises(InputError, match="no speaker turns"):
        read_file(p)


# ---------------------------------------------------------------- docx

def test_transcripts_docx_paragraph_numbers_headings_and_notes(tmp_path):
    p = make_docx(tmp_path / "P08.docx", [
        ("heading", "Interview P08"),
        ("italic", "Video call, 35 minutes"),
        ("bold", "Interviewer:", " Can you walk me through it?"),
        ("bold", "Marcus", " The online form crashed twice."),
        "It was frustrating.",
        "",
        "[Notes: call dropped]",
        "Interviewer: What then?",
    ])
    r, df = _utt(p)
    assert r.layout == "docx"
    assert df["source_row"].tolist() == [3, 4, 8]
    assert df["speaker"].tolist() == ["Interviewer", "Marcus", "Interviewer"]
    assert df["text"].tolist()[1] == "The online form crashed twice. It was frustrating."
    assert df["speaker_role"].tolist() == ["interviewer", "participant", "interviewer"]


def test_transcripts_docx_table_transcript(tmp_path):
    import docx

    d = docx.Document()
    t = d.add_table(rows=3, cols=2)
    for i, (a, b) in enumerate([("Hablante", "Texto"), ("Entrevistadora", "¿Y?"), ("Rosa", "Esperé.")]):
        t.cell(i, 0).text, t.cell(i, 1).text = a, b
    d.save(tmp_path / "t.docx")
    r, df = _utt(tmp_path / "t.docx")
    assert r.layout == "docx-table" and df["source_row"].tolist() == [2, 3]


# ---------------------------------------------------------------- vtt / srt

def test_transcripts_vtt_voice_tags_and_cue_numbers(tmp_path):
    p = tmp_path / "P09.vtt"
    p.write_text("WEBVTT\n\nNOTE recorded with consent\n\n1\n00:00:04.000 --> 00:00:07.000\n"
                 "<v Interviewer>Tell me about it.</v>\n\n00:00:12.500 --> 00:00:20.000\n"
                 "<v Rajesh Nair>Too many agencies to visit.\n", encoding="utf-8")
    r, df = _utt(p)
    assert r.layout == "vtt"
    assert df[["speaker", "speaker_role", "timestamp", "source_row"]].values.tolist() == [
        ["Interviewer", "interviewer", 4.0, 1], ["Rajesh Nair", "participant", 12.5, 2]]


def test_transcripts_srt_name_prefix_and_cue_numbers(tmp_path):
    p = tmp_path / "P10.srt"
    p.write_text("1\n00:00:05,000 --> 00:00:09,000\nEntrevistador: ¿Cómo supiste qué hacer?\n\n"
                 "2\n00:00:13,000 --> 00:00:20,000\nKevin: Por WhatsApp, pero cada uno decía algo distinto.\n",
                 encoding="utf-8")
    r, df = _utt(p)
    assert r.layout == "srt"
    assert df[["speaker", "speaker_role", "timestamp", "source_row", "lang"]].values.tolist() == [
        ["Entrevistador", "interviewer", 5.0, 1, "es"], ["Kevin", "participant", 13.0, 2, "es"]]


def test_transcripts_malformed_vtt_is_a_clear_error(tmp_path):
    p = tmp_path / "bad.vtt"
    p.write_text("this is not a subtitle file\n", encoding="utf-8")
    with pytest.raises(InputError, match="not a valid VTT"):
        read_file(p)


@pytest.mark.parametrize("value, unit, expected", [
    ("01:02:03", None, 3723.0), ("[00:12]", None, 12.0), ("00:00:01.250", None, 1.25),
    (2, "minutes", 120.0), ("90", None, 90.0), ("abc", None, None), (None, None, None),
])
def test_transcripts_parse_timestamp(value, unit, expected):
    assert parse_timestamp(value, unit) == expected


@pytest.mark.parametrize("content, speakers, roles, rows", [
    ("Speaker 1  0:03\nHow did it go?\n\nSpeaker 2  0:10\nA mess. The site crashed.\nI tried later.\n",
     ["Speaker 1", "Speaker 2"], ["interviewer", "participant"], [1, 4]),
    ("ENTREVISTADORA: Buenos días.\n- ANA MARÍA: Fui tres veces.\n", ["ENTREVISTADORA", "ANA MARÍA"],
     ["interviewer", "participant"], [1, 2]),
    ("Q: What was hard?\nA: The forms: ten pages.\n", ["Q", "A"], ["interviewer", "participant"], [1, 2]),
    ("Entrevista con comerciante, 12 de mayo\n\nP: ¿Cómo le fue?\nR: Mal.\n", ["P", "R"],
     ["interviewer", "participant"], [3, 4]),
])
def test_transcripts_txt_common_label_styles(tmp_path, content, speakers, roles, rows):
    p = tmp_path / "t.txt"
    p.write_text(content, encoding="utf-8")
    _r, df = _utt(p)
    assert df["speaker"].tolist() == speakers
    assert df["speaker_role"].tolist() == roles
    assert df["source_row"].tolist() == rows


def test_transcripts_txt_otter_style_keeps_timestamps(tmp_path):
    p = tmp_path / "o.txt"
    p.write_text("Speaker 1  0:03\nHow did it go?\n\nSpeaker 2  1:10\nSlow.\n", encoding="utf-8")
    _r, df = _utt(p)
    assert df["timestamp"].tolist() == [3.0, 70.0] and df["text"].tolist() == ["How did it go?", "Slow."]


def test_transcripts_xlsx_clock_times_become_seconds_from_start(tmp_path):
    from datetime import datetime

    p = make_xlsx(tmp_path / "c.xlsx", {"E1": [["Hablante", "Hora", "Texto"],
                                               ["Entrevistador", datetime(2024, 5, 1, 10, 0, 0), "¿Y?"],
                                               ["Ana", datetime(2024, 5, 1, 10, 2, 30), "Nada."]]})
    _r, df = _utt(p)
    assert df["timestamp"].tolist() == [0.0, 150.0]


def test_transcripts_xlsx_metadata_rows_above_header(tmp_path):
    p = make_xlsx(tmp_path / "m.xlsx", {"Entrevista 4": [
        ["Participante:", "P04"], ["Entrevistadora", "María López"], [],
        ["Hablante", "Texto"], ["María", "¿Cómo le fue?"], ["Luis", "Mal, fui tres veces."]]})
    _r, df = _utt(p)
    assert df["participant_id"].tolist() == ["P04", "P04"]
    assert df["speaker_role"].tolist() == ["interviewer", "participant"]
    assert df["source_row"].tolist() == [5, 6]


def test_transcripts_xlsx_speaker_typed_in_the_text_cell(tmp_path):
    p = make_xlsx(tmp_path / "t.xlsx", {"E2": [
        ["Transcripción"], ["Entrevistador: ¿Qué trámite hizo?"], ["Ana: El registro, y me tomó un mes."],
        ["Entrevistador: ¿Por qué?"]]})
    _r, df = _utt(p)
    assert df["speaker"].tolist() == ["Entrevistador", "Ana", "Entrevistador"]
    assert df["text"].tolist()[1] == "El registro, y me tomó un mes."


def test_transcripts_participant_column_naming_the_interviewer_is_the_speaker(tmp_path):
    p = make_xlsx(tmp_path / "p.xlsx", {"Hoja1": [
        ["Entrevista", "Participante", "Texto"], ["E1", "Entrevistadora", "¿Y?"], ["E1", "P01", "Nada."]]})
    _r, df = _utt(p)
    assert df["speaker"].tolist() == ["Entrevistadora", "P01"]
    assert df["speaker_role"].tolist() == ["interviewer", "participant"]
    assert df["participant_id"].tolist() == ["P01", "P01"]


def test_transcripts_notes_grid_without_named_id_column(tmp_path):
    p = make_xlsx(tmp_path / "g.xlsx", {"Notes": [
        ["Name", "Q1. How did you hear about the permit?", "Q2. What was hardest?"],
        ["Sam", "From a neighbour.", "The fire inspection took weeks."],
        ["Kim", "", "Nobody answered the phone line."]]})
    r, df = _utt(p)
    assert r.layout == "notes-grid"
    assert df[["participant_id", "source_row", "source_column"]].values.tolist() == [
        ["Sam", 2, "Q1. How did you hear about the permit?"], ["Sam", 2, "Q2. What was hardest?"],
        ["Kim", 3, "Q2. What was hardest?"]]


def test_transcripts_notes_grid_with_numbered_answer_columns(tmp_path):
    p = make_xlsx(tmp_path / "g.xlsx", {"Hoja1": [
        ["Participante", "Respuesta 1", "Respuesta 2"], ["P1", "Por la web.", "La fila del municipio."]]})
    r, df = _utt(p)
    assert r.layout == "notes-grid" and df["source_column"].tolist() == ["Respuesta 1", "Respuesta 2"]


def test_transcripts_long_notes_question_column_goes_to_source_column(tmp_path):
    p = tmp_path / "long.csv"
    p.write_text("Participante;Pregunta;Respuesta\nP1;¿Qué trámite hizo?;El aviso de operación.\n"
                 "P1;¿Qué mejoraría?;Menos filas.\n", encoding="utf-8")
    r, df = _utt(p)
    assert df["source_column"].tolist() == ["¿Qué trámite hizo?", "¿Qué mejoraría?"]
    assert df["speaker_role"].tolist() == ["participant", "participant"] or df["speaker"].isna().all()


def test_transcripts_label_alone_on_its_line(tmp_path):
    p = tmp_path / "caps.txt"
    p.write_text("INTRODUCCIÓN\n\nENTREVISTADORA\n¿Cómo le fue?\n\nROSA\nMal, fui tres veces.\n\n"
                 "ENTREVISTADORA\n¿Por qué?\n\nROSA\nFaltaba un sello.\n", encoding="utf-8")
    _r, df = _utt(p)
    assert df["speaker"].tolist() == ["ENTREVISTADORA", "ROSA"] * 2
    assert df["source_row"].tolist() == [3, 6, 9, 12] and df["text"].tolist()[1] == "Mal, fui tres veces."
    d = make_docx(tmp_path / "b.docx", [("bold", "Entrevistador", ""), "¿Qué pasó?", ("bold", "Luis", ""),
                                        "Perdí el día."])
    _r, df = _utt(d)
    assert df["speaker"].tolist() == ["Entrevistador", "Luis"] and df["source_row"].tolist() == [1, 3]


def test_transcripts_txt_first_turn_after_header_is_not_metadata(tmp_path):
    p = tmp_path / "h.txt"
    p.write_text("Fecha: 2024-05-01\nEntrevistadora: Buenos días\nRosa: Buenos días, vengo por el permiso.\n",
                 encoding="utf-8")
    _r, df = _utt(p)
    assert df["speaker"].tolist() == ["Entrevistadora", "Rosa"] and df["source_row"].tolist() == [2, 3]
    q = tmp_path / "m.txt"
    q.write_text("Fecha: 2024-05-01\nEntrevistadora: María de la Cruz\n\nMaría: ¿Cómo le fue?\nRosa: Mal.\n",
                 encoding="utf-8")
    _r, df = _utt(q)
    assert df["speaker_role"].tolist() == ["interviewer", "participant"] and df["source_row"].tolist() == [4, 5]


def test_transcripts_xlsx_time_as_day_fraction_and_timedelta(tmp_path):
    from datetime import timedelta

    p = make_xlsx(tmp_path / "f.xlsx", {"E1": [["Hablante", "Tiempo", "Texto"], ["Entrevistador", 0.0, "¿Y?"],
                                               ["Ana", 0.0125, "Nada."]]})
    _r, df = _utt(p)
    assert df["timestamp"].tolist() == [0.0, 1080.0]
    q = make_xlsx(tmp_path / "g.xlsx", {"E1": [["Hablante", "Tiempo", "Texto"], ["Ana", timedelta(minutes=3), "Hola."],
                                               ["Luis", "#N/A", "Chau."]]})
    _r, df = _utt(q)
    assert df["timestamp"].tolist()[0] == 180.0 and df["text"].tolist() == ["Hola.", "Chau."]


def test_transcripts_txt_time_on_its_own_line_belongs_to_the_next_turn(tmp_path):
    p = tmp_path / "t.txt"
    p.write_text("00:00:05\nEntrevistadora: ¿Cómo le fue?\n\n[00:01:10]\nRosa: Mal.\n00:02:00 --> 00:02:09\n"
                 "Entrevistadora: ¿Por qué?\n", encoding="utf-8")
    _r, df = _utt(p)
    assert df["timestamp"].tolist() == [5.0, 70.0, 120.0] and df["text"].tolist()[1] == "Mal."


def test_transcripts_md_pipe_table(tmp_path):
    p = tmp_path / "tabla.md"
    p.write_text("# Entrevista 9\n\n| Hablante | Texto |\n|---|---|\n| Entrevistadora | ¿Qué pasó? |\n"
                 "| Rosa | Perdí el día. |\n", encoding="utf-8")
    r, df = _utt(p)
    assert r.layout == "md-table" and df["source_row"].tolist() == [5, 6]
    assert df["speaker_role"].tolist() == ["interviewer", "participant"] and df["interview_id"].unique().tolist() == ["tabla"]
