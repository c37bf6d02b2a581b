"""The pain-category classifier (nlp.category_model) and its say on the rules' close calls.

Hand-written sentences, none from the benchmark sets. The shipped models are small (a bag of
words per language) and load from ``nlp/data/category_model`` without any download.
"""

from __future__ import annotations

import pytest

from nlp.category_model import (
    CategoryModel,
    choose_category,
    is_unsure,
    load_category_model,
    train,
)
from nlp.painpoints import analyse_text, analyse_texts
from nlp.pipeline import get_nlp, make_nlp
from research.schema import CATEGORIES

# close calls the rules get wrong: the cue of the thing paid for weighs more than the payment
# ("certified copy", "copia autenticada": documents), a failure word more than the re-sending
CLOSE_CALLS = [
    ("en", "I had to pay fifty dollars for a certified copy of the birth certificate.", "documents", "cost"),
    ("en", "They lost my file and I had to send everything again.", "channel_failure", "repetition"),
    ("es", "Tuve que pagar veinte dólares por una copia autenticada del acta.", "documents", "cost"),
]

TEXTS = {
    "en": ["I had to pay fifty dollars for a certified copy of the birth certificate.",
           "The staff were lovely. They lost my file and I had to send everything again.",
           "Everything went fine, honestly.",
           "I had to take the train to the city because the only office is there, and the ticket was expensive.",
           "We type every application twice into two systems that don't talk to each other.",
           "Nobody answered the phone for three days! And the website kept crashing.",
           "I waited for hours and hours in a very long queue and paid a small fee."],
    "es": ["Tuve que pagar veinte dólares por una copia autenticada del acta.",
           "Todo salió bien, la verdad.",
           "Perdieron mi expediente y tuve que mandar todo otra vez.",
           "Mi papá no sabe usar la computadora y ahora todo es en línea.",
           "Esperé cuatro horas en la fila. La página no funcionaba.",
           "Esperé horas y horas en una fila larguísima y encima cobraron una tasa."],
}


def _categories(rows: list[dict]) -> list[tuple[bool, str | None]]:
    return [(r["is_pain"], r["category"]) for r in rows]


@pytest.fixture(scope="module")
def rules_only():
    """Pipelines with the classifier switched off (``None``), per language."""
    return {lang: make_nlp(lang, {"pain_points": {"category_model": None}}) for lang in ("en", "es")}


@pytest.fixture(scope="module")
def rules_only_false():
    """Pipelines with the classifier switched off (``False``), per language."""
    return {lang: make_nlp(lang, {"pain_points": {"category_model": False}}) for lang in ("en", "es")}


@pytest.mark.parametrize("lang", ["en", "es"])
def test_category_model_shipped_model_predicts_category_keys(lang):
    model = load_category_model(lang)
    assert isinstance(model, CategoryModel)
    assert set(model.labels) == set(CATEGORIES)
    for probs in model.probabilities(TEXTS[lang]):
        assert set(probs) <= set(CATEGORIES)
        assert sum(probs.values()) == pytest.approx(1.0, abs=1e-4)


@pytest.mark.parametrize("lang, text, rules_say, model_says", CLOSE_CALLS)
def test_category_model_decides_a_close_call(rules_only, lang, text, rules_say, model_says):
    rows = rules_only[lang](text)._.pain_sentences
    assert [r["category"] for r in rows] == [rules_say]  # what the rules alone choose
    assert is_unsure(rows[0]["category_scores"], rules_say, 1.5)
    assert [(r["is_pain"], r["category"]) for r in analyse_text(text, lang)] == [(True, model_says)]


def test_category_model_keeps_a_lone_category(rules_only):
    # the classifier prefers access here, but the rules found cost and nothing else
    text = TEXTS["en"][3]
    assert _categories(rules_only["en"](text)._.pain_sentences) == [(True, "cost")]
    assert load_category_model("en").probabilities([text])[0]["access"] > 0.5
    assert _categories(analyse_text(text, "en")) == [(True, "cost")]


class _AlwaysTrust:
    """A classifier that is certain every sentence is about trust."""

    def probabilities(self, texts):
        return [{k: float(k == "trust") for k in CATEGORIES} for _ in texts]


@pytest.mark.parametrize("lang", ["en", "es"])
def test_category_model_never_changes_a_clear_decision(rules_only, lang):
    nlp = get_nlp(lang)
    detector = nlp.get_pipe("recorrido_pain_points")
    shipped = detector.category_model
    detector.category_model = _AlwaysTrust()
    try:
        got_all = [nlp(text)._.pain_sentences for text in TEXTS[lang]]
    finally:
        detector.category_model = shipped
    clear_with_rivals = 0
    for text, got in zip(TEXTS[lang], got_all, strict=True):
        rules = rules_only[lang](text)._.pain_sentences
        assert [r["is_pain"] for r in got] == [r["is_pain"] for r in rules]
        for r, g in zip(rules, got, strict=True):
            if r["is_pain"] and not is_unsure(r["category_scores"], r["category"], 1.5):
                assert g["category"] == r["category"]
                clear_with_rivals += len(r["category_scores"]) > 1
            elif r["is_pain"] and r["category_scores"]:
                assert g["category"] in r["category_scores"]  # only a candidate of the rules can win
    assert clear_with_rivals  # "waited for hours and hours ... paid a small fee": waiting, not cost


@pytest.mark.parametrize("lang", ["en", "es"])
def test_category_model_off_gives_the_rules_categories(rules_only, rules_only_false, lang):
    assert rules_only[lang].get_pipe("recorrido_pain_points").category_model is None
    assert rules_only_false[lang].get_pipe("recorrido_pain_points").category_model is None
    changed = 0
    for text in TEXTS[lang]:
        rules = rules_only[lang](text)._.pain_sentences
        assert rules_only_false[lang](text)._.pain_sentences == rules
        on = get_nlp(lang)(text)._.pain_sentences
        assert [r["is_pain"] for r in on] == [r["is_pain"] for r in rules]
        assert [(r["start"], r["end"], r["severity"], r["cue_spans"]) for r in on] == \
               [(r["start"], r["end"], r["severity"], r["cue_spans"]) for r in rules]
        changed += sum(a["category"] != b["category"] for a, b in zip(on, rules, strict=True))
    assert changed >= 1  # the texts hold close calls the model decides


@pytest.mark.parametrize("lang", ["en", "es"])
def test_category_model_batch_equals_single_texts(lang):
    texts = TEXTS[lang] * 3
    assert analyse_texts(texts, lang) == [analyse_text(t, lang) for t in texts]
    assert analyse_texts(texts[::-1], lang, batch_size=2) == [analyse_text(t, lang) for t in texts[::-1]]


def test_category_model_training_is_deterministic():
    examples = [
        ("I waited four hours in the queue", "waiting"), ("the line never moved", "waiting"),
        ("they kept me waiting all morning", "waiting"), ("three months and still no answer", "waiting"),
        ("the website crashed again", "channel_failure"), ("nobody picks up the phone", "channel_failure"),
        ("the app froze on the last page", "channel_failure"), ("the portal was down all week", "channel_failure"),
        ("they charged me a fee twice", "cost"), ("the stamp cost twenty dollars", "cost"),
        ("I lost a day of pay", "cost"), ("the taxi cost a fortune", "cost"),
        ("the form makes no sense", "complexity"), ("too many steps for one permit", "complexity"),
        ("I could not understand the letter", "complexity"), ("nobody explained the rules", "information"),
        ("I never knew the status of my claim", "information"), ("the clerk was rude", "staff"),
        ("the officer ignored me", "staff"), ("I do not know who sees my data", "trust"),
    ]
    probe = ["the queue was endless", "the page would not load", "a fee for a stamp"]
    first = train(examples, "en", epochs=5).probabilities(probe)
    again = train(list(examples), "en", epochs=5).probabilities(probe)
    assert first == again
    assert max(first[0], key=first[0].get) == "waiting"


def test_category_model_choose_category_only_among_candidates():
    probs = {k: 0.0 for k in CATEGORIES} | {"trust": 0.7, "cost": 0.3}
    assert choose_category({"waiting": 1.0, "cost": 0.9}, "waiting", probs, 1.5, 0.5) == "cost"
    assert choose_category({}, "other", probs, 0.0, 0.5) == "trust"  # no cue of any category
    assert choose_category({"waiting": 1.0, "cost": 0.9}, "waiting", None, 1.5, 0.5) == "waiting"


@pytest.mark.parametrize("lang", ["en", "es"])
def test_category_model_scores_word_lists_as_textcat_scores_docs(lang):
    """The Doc-free scoring path gives exactly what spaCy's textcat model gives for the Docs."""
    import numpy
    from spacy.tokens import Doc

    from nlp.category_model import _words

    model = load_category_model(lang)
    texts = TEXTS[lang] + ["día día día otra vez", "12 34 56", "a", "No.", "¡¡Nunca!! ¿por qué?"]
    words = [_words(t, model.nlp.tokenizer, model.stem) for t in texts]
    assert all(words)
    expected = model.textcat.model.predict([Doc(model.nlp.vocab, words=w) for w in words])
    assert numpy.array_equal(model._predict(words), expected)
    for w, row in zip(words, expected, strict=True):  # alone too (one word: no bigram at all)
        assert numpy.array_equal(model._predict([w])[0], row)


def test_category_model_probabilities_of_texts_without_words():
    model = load_category_model("en")
    probs = model.probabilities(["", "!!!", "I waited four hours."])
    assert probs[0] == probs[1]
    assert sum(probs[0].values()) == pytest.approx(1.0, abs=1e-5)
    assert max(probs[2], key=probs[2].get) == "waiting"


@pytest.mark.parametrize("lang", ["en", "es"])
def test_category_model_keys_are_the_ids_of_its_words(lang):
    """Word ids memoised per whitespace chunk are those of the words of the whole text."""
    from nlp.category_model import _words

    model = load_category_model(lang)
    strings = model.nlp.vocab.strings
    texts = TEXTS[lang] + ["  Día   DÍA día\tdía\n", "EE. UU. y la O.N.U.", "Ñandú: 3,5 km (¡lejos!)", "",
                           "don't DON'T Don't", "e-mail@x.pa 6123-4567"]
    for _ in range(2):  # the second time from the memo
        for text in texts:
            assert model._keys(text) == ([strings[w] for w in _words(text, model.nlp.tokenizer, model.stem)]
                                         or [strings[""]])
