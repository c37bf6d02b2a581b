"""Tests for nlp.painpoints / nlp.components: each behaviour of real speech, in both languages."""

from __future__ import annotations

import pytest

from nlp.components import fold_accents, is_improvement_question
from nlp.painpoints import analyse_text, analyse_texts, is_pain_text
from research.errors import InputError
from research.schema import CATEGORIES


def _one(text, lang, **kw):
    rows = analyse_text(text, lang, **kw)
    assert len(rows) == 1, rows
    return rows[0]


@pytest.mark.parametrize("lang, text", [
    ("en", "I waited four hours at the office."),
    ("en", "The website crashed twice and nobody answered the phone."),
    ("es", "Esperé tres horas en la fila."),
    ("es", "La página no funcionaba y nadie contestaba el teléfono."),
])
def test_painpoints_plain_pains_are_found(lang, text):
    row = _one(text, lang)
    assert row["is_pain"] is True
    assert row["category"] in CATEGORIES
    assert 0 < row["severity"] <= 1
    assert row["cues"]


@pytest.mark.parametrize("lang, text", [
    ("en", "I had no problem at all."),
    ("en", "It wasn't bad at all."),
    ("en", "The site never failed."),
    ("es", "No tuve ningún problema."),
    ("es", "Nunca falló."),
    ("es", "No fue difícil."),
])
def test_painpoints_negated_pains_are_not_pains(lang, text):
    row = _one(text, lang)
    assert row["is_pain"] is False
    assert row["category"] is None and row["severity"] == 0 and row["cues"] == []


@pytest.mark.parametrize("lang, text, category", [
    ("en", "The staff were not helpful.", "staff"),
    ("en", "Nobody told me anything.", "information"),
    ("es", "No me atendieron.", "staff"),
    ("es", "Nadie me informó nada.", "information"),
])
def test_painpoints_negated_expectations_are_pains(lang, text, category):
    row = _one(text, lang)
    assert row["is_pain"] is True
    assert row["category"] == category


@pytest.mark.parametrize("lang, text", [
    ("en", "If the site had failed, I would have called."),
    ("es", "Si la página hubiera fallado, habría llamado."),
])
def test_painpoints_hypotheticals_are_not_pains(lang, text):
    assert _one(text, lang)["is_pain"] is False


@pytest.mark.parametrize("lang, text, category", [
    ("en", "The staff were kind, but I waited four hours.", "waiting"),
    ("en", "Everyone was lovely, however the form was really confusing.", "complexity"),
    ("es", "Los funcionarios fueron amables, pero esperé tres horas.", "waiting"),
    ("es", "La atención fue buena, sin embargo la página se caía todo el tiempo.", "channel_failure"),
])
def test_painpoints_praise_with_contrast_keeps_the_pain_after_but(lang, text, category):
    row = _one(text, lang)
    assert row["is_pain"] is True
    assert row["category"] == category


@pytest.mark.parametrize("lang, text", [
    ("en", "The staff were kind and helpful."),
    ("es", "Los funcionarios fueron muy amables."),
])
def test_painpoints_praise_alone_is_not_a_pain(lang, text):
    assert _one(text, lang)["is_pain"] is False


@pytest.mark.parametrize("lang, text, category", [
    ("en", "It took three weeks.", "waiting"),
    ("en", "I came back twice.", "repetition"),
    ("en", "They asked me again for the same documents I had already given.", "repetition"),
    ("es", "Tardaron 3 semanas.", "waiting"),
    ("es", "Me pidieron otra vez la cédula.", "repetition"),
    ("es", "Tuve que volver dos veces.", "repetition"),
])
def test_painpoints_implicit_pains_from_durations_and_counts(lang, text, category):
    row = _one(text, lang)
    assert row["is_pain"] is True
    assert row["category"] == category


@pytest.mark.parametrize("lang, text", [
    ("en", "I have to re-key everything because the two systems don't talk to each other."),
    ("en", "The workload is huge and we copy everything into a spreadsheet by hand."),
    ("es", "El sistema se cae y tengo que digitar todo de nuevo."),
    ("es", "Los dos sistemas no se comunican y lo pasamos a mano en Excel."),
])
def test_painpoints_public_servants_internal_pains(lang, text):
    row = _one(text, lang)
    assert row["is_pain"] is True
    assert row["category"] in ("internal_tools", "channel_failure")


@pytest.mark.parametrize("lang, text, question", [
    ("en", "More parking spaces.", "What could we do better?"),
    ("es", "Más ventanillas abiertas al mediodía.", "¿Qué podríamos mejorar?"),
])
def test_painpoints_suggestions_count_when_answering_an_improvement_question(lang, text, question):
    assert _one(text, lang, context=question)["is_pain"] is True
    assert _one(text, lang, context=None)["is_pain"] is False


@pytest.mark.parametrize("lang, text, question", [
    ("en", "Nothing.", "What could we do better?"),
    ("en", "Nothing, everything was great.", "How could we improve?"),
    ("es", "Nada.", "¿Qué podríamos mejorar?"),
    ("es", "Nada, todo bien.", "¿Qué se podría mejorar?"),
])
def test_painpoints_nothing_answers_are_not_pains(lang, text, question):
    assert not is_pain_text(text, lang, context=question)


@pytest.mark.parametrize("lang", ["en", "es"])
def test_painpoints_intensity_raises_severity(lang):
    mild, strong = {
        "en": ("The wait was long.", "The wait was extremely long, I waited six hours!"),
        "es": ("La espera fue larga.", "¡La espera fue larguísima, esperé seis horas!"),
    }[lang]
    a, b = _one(mild, lang), _one(strong, lang)
    assert a["is_pain"] and b["is_pain"]
    assert b["severity"] > a["severity"]


@pytest.mark.parametrize("lang, text", [
    ("en", "  Hello there.\nThe app kept crashing!  It was fine later"),
    ("es", "Buenos días.  La Dra. Ruiz no vino…\n¿Por qué nadie avisa? Esperé 3 horas"),
])
def test_painpoints_offsets_point_into_the_text(lang, text):
    rows = analyse_text(text, lang)
    assert len(rows) == 4 if lang == "es" else len(rows) == 3
    for r in rows:
        assert text[r["start"]:r["end"]] == r["sentence"]
        assert r["sentence"] == r["sentence"].strip()
        assert set(r) == {"start", "end", "sentence", "is_pain", "category", "severity", "cues"}
    assert any(r["is_pain"] for r in rows)


@pytest.mark.parametrize("lang", ["en", "es"])
def test_painpoints_empty_text_has_no_sentences(lang):
    assert analyse_text("", lang) == []
    assert analyse_text(" \n ", lang) == []


def test_painpoints_accents_are_optional():
    assert _one("Espere tres horas y me pidieron otra vez la cedula.", "es")["is_pain"] is True
    assert fold_accents("cédula") == "cedula"


def test_painpoints_analyse_texts_matches_analyse_text():
    texts = ["I waited four hours.", "All good, thanks.", "Nobody answered the phone."]
    assert analyse_texts(texts, "en") == [analyse_text(t, "en") for t in texts]
    ctx = analyse_texts(["More staff."], "en", contexts=["How could we improve?"])
    assert ctx[0][0]["is_pain"] is True


# texts that test the edges of batching (texts tokenised together into one Doc)
_EDGE_TEXTS = {
    "en": ["", " ", "\n\n", "  I waited four hours.  ", "\nNobody answered.\n", "Sr.", "Dr.",
           "It's down again!!!", "...", "etc.", "Well, the staff were kind, but I waited 3 hours",
           "(not good)", "\"It crashed.\"", "It wasn't bad at all.", "no", "one", "no one answered",
           "I paid $50 twice", "$", "50 dollars", "Why?? Because the form broke. Again.",
           "ALL CAPS ANGER HERE", "ok\r\n", "\t\ttabs before", "We photocopy every file.",
           "If the site had failed I would have called.", "Although it was clean, the food was cold."],
    "es": ["", "  ", "Esperé tres horas.", "¿Por qué? No sé.", "Sr.", "Dra. López me atendió",
           "etc.", "La Dra.", "Me pidieron otra vez la cédula\n\n", "  no  ", "ninguno",
           "No tuve ningún problema.", "pagué B/.5.00 dos veces", "B/.", "¡Qué horror!", "…",
           "Perdí dos días de sueldo", "sueldo", "Aunque fueron amables, esperé cuatro horas."],
}


@pytest.mark.parametrize("lang", ["en", "es"])
def test_painpoints_batches_give_what_each_text_gives_alone(lang):
    texts = _EDGE_TEXTS[lang]
    contexts = ["What could we do better?" if i % 3 == 0 else None for i in range(len(texts))]
    alone = [analyse_text(t, lang, context=c) for t, c in zip(texts, contexts, strict=True)]
    assert analyse_texts(texts, lang, contexts=contexts) == alone
    # each text next to every other one, in both orders, and batches of every size
    rev = texts[::-1]
    assert analyse_texts(rev, lang, contexts=contexts[::-1]) == alone[::-1]
    for size in (1, 2, 5):
        assert analyse_texts(texts, lang, contexts=contexts, batch_size=size) == alone


def test_painpoints_batches_split_by_characters(monkeypatch):
    import nlp.painpoints as pp

    monkeypatch.setattr(pp, "_BATCH_CHARS", 30)
    texts = ["I waited four hours for nothing at all.", "Fine.", "Nobody answered the phone.", ""]
    assert list(pp._batches(texts, 256, 10**6)) == [(0, 1), (1, 2), (2, 4)]
    assert analyse_texts(texts, "en") == [analyse_text(t, "en") for t in texts]


def test_painpoints_analyse_texts_contexts_must_align():
    with pytest.raises(ValueError):
        analyse_texts(["a", "b"], "en", contexts=["only one"])


def test_painpoints_unknown_language_is_an_input_error():
    with pytest.raises(InputError):
        analyse_text("hola", "pt")


def test_painpoints_improvement_question_detection():
    assert is_improvement_question("How could we improve?", "en")
    assert is_improvement_question("¿Qué le cambiaría al trámite?", "es")
    assert not is_improvement_question("What was good?", "en")
    assert not is_improvement_question(None, "es")


def test_painpoints_analyse_texts_in_two_processes_matches_one():
    texts = ["I waited four hours.", "All good, thanks.", "Nobody answered the phone.", "Lovely.", "It crashed!"]
    assert analyse_texts(texts, "en", n_process=2, batch_size=2) == analyse_texts(texts, "en")


def test_painpoints_none_is_empty_and_other_types_are_input_errors():
    assert analyse_text(None, "en") == []
    with pytest.raises(InputError, match="must be a string"):
        analyse_texts(["ok", 3.5], "es")


# ---------------------------------------------------------------- category choice (issue 3, h14)
@pytest.mark.parametrize("lang, text, category", [
    # a failure cue outranks the count that goes with it
    ("es", "Llamé a la oficina cuatro veces y nunca contestaron.", "channel_failure"),
    ("en", "I phoned three times and the line went dead every time.", "channel_failure"),
    # queue size is a wait
    ("en", "The queue went round the block before they even opened.", "waiting"),
    ("es", "La fila daba la vuelta a la manzana antes de abrir.", "waiting"),
    # contradictory information
    ("es", "Cada funcionario me decía una cosa distinta.", "information"),
    ("en", "Each person I asked said something different.", "information"),
    # bribes and fixers
    ("en", "A guy at the gate offered to get me in for ten dollars.", "trust"),
    ("es", "Un muchacho me dijo que me adelantaba si le daba diez dólares.", "trust"),
    ("es", "Sin palanca aquí no te atienden.", "trust"),
    # disability access
    ("en", "There is no ramp, so I couldn't get in with my wheelchair.", "access"),
    ("es", "No hay rampa y con la silla de ruedas no se puede entrar.", "access"),
    ("es", "No había intérprete y mi papá es sordo.", "access"),
    # public servants' workload
    ("es", "Somos dos funcionarios para toda la provincia.", "internal_tools"),
    ("en", "We are understaffed and everyone is exhausted.", "internal_tools"),
    # "went back" outranks a stamp; a rejection is about the papers
    ("en", "They stamped the form and sent me back to the first window.", "repetition"),
    ("es", "Me rechazaron el trámite porque la foto no era reciente.", "documents"),
])
def test_painpoints_category_of_general_phenomena(lang, text, category):
    row = _one(text, lang)
    assert row["is_pain"] is True, row
    assert row["category"] == category, row


@pytest.mark.parametrize("lang, text", [
    # a short, praised duration is no wait
    ("en", "It took me about five minutes online, really painless."),
    ("es", "Me tomó como diez minutos en línea y fue muy fácil."),
    # negated complaints and statements of need
    ("es", "No me puedo quejar de la atención."),
    ("en", "I have no complaints about the clinic."),
    ("es", "Sin el certificado no puedo inscribir a mi hija."),
    ("en", "Without the certificate we can't enrol our daughter."),
    # plain facts with a cue word; the subject of the service
    ("es", "Mi cédula estaba vencida desde hacía tres meses."),
    ("es", "Aquí la gente viene a pagar las multas de tránsito."),
    ("es", "Cuando llegué no había fila."),
])
def test_painpoints_not_pain_phenomena(lang, text):
    assert not is_pain_text(text, lang), analyse_text(text, lang)


@pytest.mark.parametrize("lang, text, question, category", [
    ("en", "About three hours.", "How long did you wait at the counter?", "waiting"),
    ("es", "Como tres horas.", "¿Cuánto tiempo tuvo que esperar?", "waiting"),
    ("es", "Cuatro veces.", "¿Cuántas veces tuvo que regresar?", "repetition"),
])
def test_painpoints_bare_answer_reads_the_question(lang, text, question, category):
    row = _one(text, lang, context=question)
    assert row["is_pain"] is True and row["category"] == category, row


@pytest.mark.parametrize("lang, text", [("en", "About three hours."), ("es", "Como tres horas.")])
def test_painpoints_bare_duration_without_question_is_no_pain(lang, text):
    assert not is_pain_text(text, lang)
    assert not is_pain_text(text, lang, context="¿Qué tal le pareció?" if lang == "es" else "How was it?")


@pytest.mark.parametrize("text, category", [
    ("I lost two mornings of pay sorting out the licence.", "cost"),
    ("There's an additional fee on top that nobody mentions.", "cost"),
    ("The man just said it's not my department and turned away.", "staff"),
    ("My aunt doesn't use computers and now it's all online.", "access"),
    ("I've got six hundred cases assigned to me on my own.", "internal_tools"),
    ("They wanted the same signed letter every visit.", "repetition"),
    ("I couldn't figure out which box was for my income.", "complexity"),
    ("The forms are not really meant for ordinary people.", "complexity"),
    ("It took, honestly, like seven months to hear anything.", "waiting"),
])
def test_painpoints_interview_speech_categories_en(text, category):
    row = _one(text, "en")
    assert row["is_pain"] is True
    assert row["category"] == category


def test_painpoints_discourse_well_is_not_praise_en():
    # "Well," opening a story is a hedge, not praise: the pain after it still counts
    assert _one("Well, I'm still waiting on the decision.", "en")["is_pain"] is True
    assert _one("It went well, thanks.", "en")["is_pain"] is False


@pytest.mark.parametrize("lang, text, category", [
    ("en", "Nobody tells you about the second appointment until you turn up.", "information"),
    ("en", "The booklet is sixty pages long and I'm supposed to read it all.", "complexity"),
    ("en", "In the end we paid an agent to handle it.", "cost"),
    ("es", "Perdimos una semana de salario con tanta vuelta.", "cost"),
    ("es", "El guardia dijo que no era su problema y se fue.", "staff"),
    ("es", "Tengo doscientos expedientes pendientes y nadie me ayuda.", "internal_tools"),
])
def test_painpoints_interview_speech_categories_round3(lang, text, category):
    row = _one(text, lang)
    assert row["is_pain"] is True
    assert row["category"] == category
