"""Speaker roles (research/roles.py) and language detection (research/lang.py)."""

import pytest

from research.lang import detect_lang, normalise_lang
from research.roles import assign_roles, role_of_label


@pytest.mark.parametrize("label, role", [
    ("Interviewer", "interviewer"), ("Entrevistador", "interviewer"), ("Entrevistadora", "interviewer"),
    ("Moderadora", "interviewer"), ("Facilitador", "interviewer"), ("Researcher", "interviewer"),
    ("Investigadora", "interviewer"), ("I", "interviewer"), ("E", "interviewer"), ("Int", "interviewer"),
    ("Q", "interviewer"), ("Entrevistador 2", "interviewer"), ("E1", "interviewer"),
    ("Participante", "participant"), ("Participant 3", "participant"), ("P1", "participant"),
    ("Entrevistada", "participant"), ("Usuario", "participant"), ("A", "participant"),
    ("Rosa", "unknown"), ("", "unknown"), (None, "unknown"),
])
def test_roles_label_vocabulary_en_es(label, role):
    assert role_of_label(label) == role


def test_roles_known_interviewer_makes_the_others_participants():
    assert assign_roles(["Moderador", "Ana", "Luis", "Moderador"]) == [
        "interviewer", "participant", "participant", "interviewer"]


def test_roles_question_asker_in_two_person_interview():
    roles = assign_roles(["Ana", "Luis", "Ana", "Luis"],
                         ["¿Cómo le fue?", "Mal.", "¿Por qué?", "Esperé tres horas."])
    assert roles == ["interviewer", "participant", "interviewer", "participant"]


def test_roles_undecidable_stays_unknown():
    assert assign_roles(["Ana", "Luis", "Marta"], ["Hola", "Hola", "Hola"]) == ["unknown"] * 3


def test_roles_override_wins_over_labels():
    assert assign_roles(["Participante", "Rosa"], interviewers=["Rosa"]) == ["participant", "interviewer"]


def test_roles_written_role_column_wins():
    assert assign_roles(["Ana", "Luis"], roles=["Participante", "Entrevistador"]) == ["participant", "interviewer"]


@pytest.mark.parametrize("texts, lang", [
    (["Fui a la oficina y no había nadie que me atendiera."], "es"),
    (["Esperé tres horas en la fila.", "¿Y después?"], "es"),
    (["I went to the office and nobody was there to help me."], "en"),
    (["The website crashed when I tried to pay the fee."], "en"),
])
def test_roles_detect_lang(texts, lang):
    assert detect_lang(texts) == lang


def test_roles_normalise_written_language():
    assert [normalise_lang(v) for v in ["Español", "es-PA", "English", "EN", "klingon", None]] == [
        "es", "es", "en", "en", None, None]
