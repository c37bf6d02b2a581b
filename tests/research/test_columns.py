"""Column-name recognition and header-row detection (research/columns.py)."""

import pytest

from research.columns import (
    PARTICIPANT_ALIASES,
    find_header_row,
    match_columns,
    normalise_name,
    parse_mapping,
)
from research.errors import InputError


@pytest.mark.parametrize("headers, expected", [
    (["Speaker", "Text", "Timestamp"], {"speaker": 0, "text": 1, "timestamp": 2}),
    (["HABLANTE", "Transcripción", "Minuto"], {"speaker": 0, "text": 1, "timestamp": 2}),
    (["Interlocutor", "Respuesta", "Hora"], {"speaker": 0, "text": 1, "timestamp": 2}),
    (["Persona", "Comentario", "Tiempo"], {"speaker": 0, "text": 1, "timestamp": 2}),
    (["ID entrevista", "Participante", "Rol", "Texto", "Idioma"],
     {"interview_id": 0, "participant_id": 1, "speaker_role": 2, "text": 3, "lang": 4}),
    (["Interview", "Participant", "Utterance", "Language"],
     {"interview_id": 0, "participant_id": 1, "text": 2, "lang": 3}),
    (["entrevista", "TRANSCRIPCION", "segmento"], {"interview_id": 0, "text": 1}),
])
def test_columns_recognises_english_and_spanish_variants(headers, expected):
    got = {f: i for i, f in match_columns(headers).items()}
    assert got == expected


def test_columns_normalise_is_case_accent_and_punctuation_insensitive():
    assert normalise_name("  TRANSCRIPCIÓN ") == normalise_name("transcripcion") == "transcripcion"
    assert normalise_name("ID_Entrevista") == "id entrevista"


def test_columns_exact_alias_beats_partial_and_each_field_used_once():
    cols = match_columns(["Texto original", "Texto", "Texto"])
    assert cols == {1: "text"}


def test_columns_explicit_mapping_overrides_detection():
    cols = match_columns(["Hablante", "Notas", "Texto"], mapping={"Notas": "text", "Texto": "speaker"})
    assert cols == {1: "text", 2: "speaker"}


def test_columns_header_row_found_below_titles_and_blank_rows():
    grid = [["Proyecto Panamá Emprende"], [], ["", ""], ["Fecha: 2024", ""],
            ["Hablante", "Texto", "Minuto"], ["Ana", "hola", 1]]
    assert find_header_row(grid) == (4, {0: "speaker", 1: "text", 2: "timestamp"})


def test_columns_header_row_absent_returns_none():
    assert find_header_row([["a", "b"], ["c", "d"]]) is None


def test_columns_participant_aliases_find_roster_header():
    idx, cols = find_header_row([["Código", "Perfil", "Provincia"]], aliases=PARTICIPANT_ALIASES,
                                required=("participant_id",))
    assert idx == 0 and set(cols.values()) == {"participant_id", "segment", "region"}


def test_columns_parse_mapping_rejects_pairs_without_equals():
    assert parse_mapping(["Quién=speaker"]) == {"Quién": "speaker"}
    with pytest.raises(InputError, match="COLUMN=FIELD"):
        parse_mapping(["speaker"])
