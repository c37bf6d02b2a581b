"""Step linking: cross-language, context, None when unclear."""

import pandas as pd
import pytest

from nlp.linking import build_step_index, link_step, sentence_features


@pytest.fixture(scope="module")
def spanish_steps():
    return pd.DataFrame({
        "step_id": ["S1", "S2", "S3", "S4", "S5"],
        "step": ["Inscribir la sociedad en el Registro Público", "Obtener el RUC", "Tramitar el aviso de operación",
                 "Obtener el permiso sanitario", "Pagar el impuesto municipal"],
        "agency": ["Registro Público", "DGI", "Panamá Emprende", "MINSA", "Municipio"],
        "channel": ["office", "web", "web", "office", "office"],
        "documents_required": ["pacto social", "cédula", "contrato de arrendamiento", "carné de salud", ""],
    })


@pytest.fixture(scope="module")
def english_steps():
    return pd.DataFrame({
        "step_id": ["E1", "E2", "E3", "E4"],
        "step": ["Book an appointment", "Submit the application form", "Pay the fee", "Collect the certificate"],
        "synonyms": ["booking", "", "", "pick up"],
    })


@pytest.mark.parametrize("sentence,step_id", [
    ("Registering the company took a whole month", "S1"),
    ("The health permit was the worst part", "S4"),
    ("I got the notice of operation in one day", "S3"),
    ("Paying the municipal tax meant another queue", "S5"),
])
def test_linking_spanish_steps_english_sentences(spanish_steps, sentence, step_id):
    link = link_step(sentence, spanish_steps, "en")
    assert link.step_id == step_id and link.via == "sentence" and 0 < link.confidence <= 1


@pytest.mark.parametrize("sentence,step_id", [
    ("No había citas disponibles en todo el mes", "E1"),
    ("El formulario de solicitud tenía veinte páginas", "E2"),
    ("Pagué la tasa dos veces por error", "E3"),
    ("Fui a retirar el certificado y no estaba listo", "E4"),
])
def test_linking_english_steps_spanish_sentences(english_steps, sentence, step_id):
    assert link_step(sentence, english_steps, "es").step_id == step_id


def test_linking_none_when_unclear(spanish_steps):
    for sentence, lang in [("They were very rude to me", "en"), ("Esperé tres horas", "es"), ("", "es")]:
        assert link_step(sentence, spanish_steps, lang).step_id is None


def test_linking_none_on_a_tie():
    steps = pd.DataFrame({"step_id": ["A", "B"], "step": ["Pagar la tasa de inscripción", "Pagar la tasa de renovación"]})
    assert link_step("Pagar la tasa fue difícil", steps, "es").step_id is None
    assert link_step("La renovación costó mucho", steps, "es").step_id == "B"


def test_linking_uses_context_when_the_sentence_names_no_step(spanish_steps):
    link = link_step("Tardó tres semanas y nadie me avisaba.", spanish_steps, "es",
                     context=["", "¿Cómo le fue con el permiso sanitario?"])
    assert link.step_id == "S4" and link.via == "context"
    direct = link_step("El permiso sanitario tardó tres semanas", spanish_steps, "es")
    assert link.confidence < direct.confidence
    # the sentence's own step wins over the context
    assert link_step("El RUC salió enseguida", spanish_steps, "es",
                     context=["¿Y el permiso sanitario?"]).step_id == "S2"


def test_linking_index_is_reusable(spanish_steps):
    index = build_step_index(spanish_steps)
    assert index.step_ids == ["S1", "S2", "S3", "S4", "S5"]
    assert link_step("The tax number RUC was quick", index, "en").step_id == "S2"


def test_linking_features_are_bilingual_concepts():
    assert {"c:permit", "c:health"} <= sentence_features("health permit", "en")
    assert {"c:permit", "c:health"} <= sentence_features("permiso sanitario", "es")


def test_linking_agency_words_alone_do_not_pick_a_step():
    steps = pd.DataFrame({"step_id": ["A", "B"], "agency": ["Panamá Emprende", "Panamá Emprende"],
                          "step": ["Crear el usuario", "Revisar los documentos"],
                          "synonyms": ["", "ventanilla de Panamá Emprende"]})
    assert link_step("Fui a Panamá Emprende y nadie sabía nada", steps, "es").step_id is None
    assert link_step("Revisaron los documentos en Panamá Emprende", steps, "es").step_id == "B"


@pytest.mark.slow
def test_linking_accuracy_floor_on_the_demo_annotations(root):
    """Regression floor: step accuracy on the demo's gold sentences with a step, with context."""
    import json

    from research.readers import read_file

    demo = root / "data" / "demo"
    if not (demo / "annotations.jsonl").exists():
        pytest.fail("data/demo/annotations.jsonl is missing")
    steps = read_file(demo / "steps.xlsx", kind="steps").tables["steps"]
    index = build_step_index(steps)
    gold = [json.loads(x) for x in (demo / "annotations.jsonl").read_text("utf-8").splitlines() if x.strip()]
    utt = {}
    for name in {g["file"] for g in gold}:
        u = read_file(demo / name, kind="transcripts").tables["utterances"].reset_index(drop=True)
        for i, r in u.iterrows():
            before = u.iloc[:i]
            before = before[before["interview_id"] == r["interview_id"]]
            asked = before[before["speaker_role"] == "interviewer"]["text"].tolist()
            column = r["source_column"] if isinstance(r["source_column"], str) else None
            utt[(name, r["source_sheet"], r["source_row"], r["source_column"])] = column or (asked[-1] if asked else "")
    n = ok = 0
    for g in gold:
        key = (g["file"], g["sheet"], g["row"], g["column"])
        if g["step_id"] and key in utt:
            n += 1
            ok += link_step(g["sentence"], index, g["lang"], context=[utt[key]]).step_id == g["step_id"]
    assert n >= 100
    assert ok / n >= 0.62, ok / n
