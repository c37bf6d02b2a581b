"""Narrated journeys: ordered steps per interview, repeats collapsed, returns kept as rework."""

import pandas as pd

from nlp.narrated import narrated_journeys
from research.schema import NARRATED_COLUMNS

STEPS = pd.DataFrame({
    "step_id": ["S1", "S2", "S3"],
    "step": ["Inscribir la empresa", "Obtener el permiso sanitario", "Pagar la tasa municipal"],
    "channel": ["web", "office", "office"],
})


def _utterances(turns, lang="es", interview="e1"):
    n = len(turns)
    return pd.DataFrame({
        "interview_id": [interview] * n, "participant_id": ["P1"] * n,
        "speaker": [s for s, _ in turns], "speaker_role": [r for r, _ in turns], "seq": range(1, n + 1),
        "text": [t for _, t in turns], "lang": [lang] * n, "source_file": ["e1.txt"] * n,
        "source_row": range(1, n + 1),
    }).assign(speaker_role=lambda d: d["speaker"], speaker=lambda d: ["x"] * n)


def test_narrated_order_collapse_and_rework():
    u = _utterances([
        ("interviewer", "¿Cómo fue el permiso sanitario y la inscripción?"),
        ("participant", "Primero inscribí la empresa en línea. La inscripción tardó una semana."),
        ("participant", "Después saqué el permiso sanitario en la oficina."),
        ("participant", "Luego pagué la tasa municipal. Y tuve que volver a inscribir la empresa."),
    ])
    out = narrated_journeys(u, STEPS)
    assert list(out.columns) == list(NARRATED_COLUMNS)
    assert out["step_id"].tolist() == ["S1", "S2", "S3", "S1"]
    assert out["position"].tolist() == [1, 2, 3, 4]
    assert out["channel"].tolist()[:2] == ["web", "office"]
    assert out["source_row"].tolist() == [2, 3, 4, 4]
    # the interviewer's question names two steps but is never a narrated mention
    assert (out["source_row"] != 1).all()


def test_narrated_english_interview_spanish_steps():
    u = _utterances([
        ("participant", "I registered the company online first."),
        ("participant", "Then I paid the municipal fee at the counter."),
    ], lang="en")
    out = narrated_journeys(u, STEPS)
    assert out[["step_id", "channel"]].values.tolist() == [["S1", "web"], ["S3", "office"]]


def test_narrated_same_step_new_channel_is_kept_as_switch():
    u = _utterances([
        ("participant", "Intenté pagar la tasa municipal en línea."),
        ("participant", "Al final pagué la tasa municipal en la ventanilla."),
    ])
    out = narrated_journeys(u, STEPS)
    assert out[["step_id", "channel"]].values.tolist() == [["S3", "web"], ["S3", "office"]]


def test_narrated_empty_inputs():
    assert narrated_journeys(pd.DataFrame(), STEPS).empty
    assert list(narrated_journeys(_utterances([("participant", "Hola")]), STEPS).columns) == list(NARRATED_COLUMNS)
    assert narrated_journeys(_utterances([("participant", "Esperé mucho.")]), STEPS).empty
