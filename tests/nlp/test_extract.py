"""extract_pain_points: the pain_points contract (offsets, redaction, roles, ids, steps, channels)."""

import re

import pandas as pd
import pytest

import nlp.extract as extract_mod
from nlp.extract import extract_pain_points, interview_languages, minable_mask
from research.schema import PAIN_POINT_COLUMNS

STEPS = pd.DataFrame({
    "step_id": ["S1", "S2", "S3"],
    "step": ["Inscribir la empresa", "Obtener el permiso sanitario", "Pagar la tasa municipal"],
    "channel": ["web", "office", "web;office"],
})


def _fake_analyse(texts, lang, contexts=None, n_process=1):
    """Every sentence containing "PAIN" or "tardó"/"waited" is a waiting pain (deterministic)."""
    out = []
    for text in texts:
        rows = []
        for m in re.finditer(r".+?(?:[.!?](?=\s|$)|$)", text):
            start = m.start() + len(m.group()) - len(m.group().lstrip())
            end = m.end()
            if start >= end:
                continue
            pain = bool(re.search(r"PAIN|tardó|waited", text[start:end]))
            rows.append({"start": start, "end": end, "sentence": text[start:end], "is_pain": pain,
                         "category": "waiting" if pain else None, "severity": 0.7 if pain else 0.0,
                         "cues": ["tardó"] if pain else []})
        out.append(rows)
    return out


@pytest.fixture
def fake_detector(monkeypatch):
    monkeypatch.setattr(extract_mod, "_analyse", lambda texts, lang, contexts, n: _fake_analyse(texts, lang, contexts))


def _utt(rows, lang="es"):
    cols = ["interview_id", "participant_id", "speaker", "speaker_role", "text"]
    df = pd.DataFrame(rows, columns=cols)
    df["seq"] = range(1, len(df) + 1)
    df["lang"] = lang
    df["source_file"] = "entrevistas.xlsx"
    df["source_sheet"] = "Hoja1"
    df["source_row"] = range(2, len(df) + 2)
    df["source_column"] = None
    return df


UTT = [
    ("e1", "P1", "Entrevistadora", "interviewer", "¿Cómo le fue con el permiso sanitario? Eso tardó, ¿no?"),
    ("e1", "P1", "Marisol Quintero", "participant",
     "Soy Marisol Quintero, cédula 8-123-4567. Todo tardó tres semanas. Llamé al 6123-4567 y nada."),
    ("e1", "P1", "Marisol Quintero", "participant", "Bien. Pagar la tasa municipal en línea tardó dos días."),
]


def test_extract_contract_columns_offsets_and_status(fake_detector):
    u = _utt(UTT)
    pp = extract_pain_points(u, STEPS, redact=False)
    assert list(pp.columns) == list(PAIN_POINT_COLUMNS)
    assert len(pp) == 2  # the interviewer's "tardó" is never mined
    for r in pp.itertuples():
        text = u.loc[u["source_row"] == r.source_row, "text"].iloc[0]
        assert text[r.start:r.end] == r.sentence
        assert (r.source_file, r.source_sheet, r.source_column) == ("entrevistas.xlsx", "Hoja1", None)
    assert set(pp["status"]) == {"suggested"} and set(pp["lang"]) == {"es"}
    assert pp["source_row"].tolist() == [3, 4]
    assert pp["cues"].tolist() == [["tardó"], ["tardó"]]


def test_extract_redacts_sentence_but_keeps_offsets(fake_detector):
    u = _utt([("e1", "P1", "Marisol Quintero", "participant",
               "Marisol aquí. Le escribí a marisol@correo.pa y tardó un mes, dijo la licenciada Pérez.")])
    plain = extract_pain_points(u, redact=False)
    red = extract_pain_points(u)
    assert red[["start", "end", "id"]].values.tolist() == plain[["start", "end", "id"]].values.tolist()
    assert red["sentence"].iloc[0] == "Le escribí a [CORREO] y tardó un mes, dijo la licenciada [PERSONA]."
    assert "Marisol" not in " ".join(red["sentence"])


def test_extract_links_steps_with_context_and_channels(fake_detector):
    pp = extract_pain_points(_utt(UTT), STEPS, redact=False)
    # "Todo tardó tres semanas." names no step: the interviewer asked about the health permit
    assert pp["step_id"].tolist() == ["S2", "S3"]
    # the first has no channel in its words; the step is offered only in the office
    assert pp["channel"].tolist() == ["office", "web"]


def test_extract_ids_are_stable_and_unique(fake_detector):
    a = extract_pain_points(_utt(UTT), STEPS)
    b = extract_pain_points(_utt(UTT), STEPS)
    assert a["id"].tolist() == b["id"].tolist() and a["id"].is_unique


def test_extract_language_per_interview_and_override():
    u = pd.DataFrame({"interview_id": ["a", "a", "b"], "lang": [None, None, None],
                      "text": ["Fui a la oficina y esperé tres horas.", "No me dieron respuesta.",
                               "I waited for three hours at the office and nobody helped me."]})
    assert interview_languages(u) == {"a": "es", "b": "en"}
    assert interview_languages(u, "es") == {"a": "es", "b": "es"}


def test_extract_unknown_roles_mined_only_without_participants():
    u = pd.DataFrame({"interview_id": ["a", "a", "b", "b"],
                      "speaker_role": ["participant", "unknown", "unknown", "interviewer"]})
    assert minable_mask(u).tolist() == [True, False, True, False]


def test_extract_empty_input():
    assert list(extract_pain_points(pd.DataFrame()).columns) == list(PAIN_POINT_COLUMNS)


def test_extract_with_the_real_detector_both_languages():
    u = pd.concat([
        _utt([("e1", "P1", "Ana", "participant", "La señora fue amable, pero esperé cuatro horas en la ventanilla.")]),
        _utt([("e2", "P2", "Bob", "participant", "The staff were kind, but I waited four hours at the counter.")],
             lang="en"),
    ], ignore_index=True)
    pp = extract_pain_points(u, redact=False)
    assert pp["interview_id"].tolist() == ["e1", "e2"]
    assert pp["lang"].tolist() == ["es", "en"]
    assert set(pp["category"]) == {"waiting"} and set(pp["channel"]) == {"office"}


def test_extract_notes_grid_column_header_is_the_question(fake_detector):
    u = _utt([("n1", "P9", "P9", "participant", "Todo tardó tres semanas.")])
    u["source_column"] = "¿Cómo le fue con el permiso sanitario?"
    pp = extract_pain_points(u, STEPS, redact=False)
    assert pp["step_id"].tolist() == ["S2"] and pp["source_column"].tolist() == [u["source_column"].iloc[0]]
