"""Tests for nlp.pipeline: pipelines per language, sentence splitting, lemmas, config."""

from __future__ import annotations

import json

import pytest

from nlp.components import PATTERNS_DIR, load_patterns
from nlp.pipeline import get_nlp, make_nlp, sentence_spans
from research.errors import InputError
from research.schema import CATEGORIES


def _sentences(text, lang):
    return [text[s:e] for s, e in sentence_spans(text, lang)]


@pytest.mark.parametrize("lang", ["en", "es"])
def test_pipeline_builds_blank_with_our_components(lang):
    nlp = make_nlp(lang)
    assert nlp.lang == lang
    assert nlp.pipe_names == ["recorrido_sentences", "recorrido_lemmatizer", "recorrido_pain_points"]


def test_pipeline_unknown_language_is_an_input_error():
    with pytest.raises(InputError, match="not supported"):
        make_nlp("fr")


def test_pipeline_get_nlp_is_cached_per_language():
    assert get_nlp("es") is get_nlp("es")
    assert get_nlp("es") is not get_nlp("en")


@pytest.mark.parametrize("text, lang, expected", [
    ("La Dra. López llegó a las 6 p.m. y se fue.", "es", ["La Dra. López llegó a las 6 p.m. y se fue."]),
    ("Pagué B/.5.00 en la caja. Después esperé.", "es", ["Pagué B/.5.00 en la caja.", "Después esperé."]),
    ("El Sr. Pérez pidió copias, sellos, etc. Luego volví.", "es",
     ["El Sr. Pérez pidió copias, sellos, etc.", "Luego volví."]),
    ("Fui a las 8 a.m. Nadie atendía.", "es", ["Fui a las 8 a.m.", "Nadie atendía."]),
    ("No sé... la verdad esperé mucho", "es", ["No sé... la verdad esperé mucho"]),
    ("No sé... Después me llamaron", "es", ["No sé...", "Después me llamaron"]),
    ("primero fui a la oficina\nluego me mandaron a otra", "es",
     ["primero fui a la oficina", "luego me mandaron a otra"]),
    ("no funcionaba ¿qué podía hacer?", "es", ["no funcionaba", "¿qué podía hacer?"]),
    ("Mr. Smith said it opens at 9 a.m. on weekdays.", "en", ["Mr. Smith said it opens at 9 a.m. on weekdays."]),
    ("I brought forms, copies, etc. They wanted more.", "en",
     ["I brought forms, copies, etc.", "They wanted more."]),
    ("I called at 6 p.m. Nobody answered", "en", ["I called at 6 p.m.", "Nobody answered"]),
    ("It was slow… really slow!! Then it crashed.", "en",
     ["It was slow… really slow!!", "Then it crashed."]),
    ('He said "come back tomorrow." So I did', "en", ['He said "come back tomorrow."', "So I did"]),
    ("  \n ", "en", []),
])
def test_pipeline_sentence_splitting_survives_speech(text, lang, expected):
    assert _sentences(text, lang) == expected


@pytest.mark.parametrize("lang, word, lemma", [
    ("es", "Esperé", "esperar"), ("es", "pidieron", "pedir"), ("en", "waited", "wait"), ("en", "Systems", "system"),
])
def test_pipeline_lookup_lemmas_work_offline_and_ignore_case(lang, word, lemma):
    doc = get_nlp(lang)(f"{word} .")
    assert doc[0].lemma_ == lemma


def test_pipeline_config_overrides_pain_component():
    strict = make_nlp("en", {"pain_points": {"threshold": 50.0}})
    doc = strict("The website crashed and nobody answered the phone.")
    assert doc._.pain_sentences[0]["is_pain"] is False
    doc = get_nlp("en")("The website crashed and nobody answered the phone.")
    assert doc._.pain_sentences[0]["is_pain"] is True


def test_pipeline_unknown_component_option_is_rejected():
    with pytest.raises(Exception, match="nonsense"):
        make_nlp("en", {"pain_points": {"nonsense": 1}})


@pytest.mark.parametrize("lang", ["en", "es"])
def test_pipeline_pattern_files_are_valid_spacy_patterns(lang):
    records = load_patterns(lang)
    ids = [r["id"] for r in records]
    assert len(ids) == len(set(ids))
    allowed = set(CATEGORIES) | {"negative", "POSITIVE", "EXPECTED", "SUGGESTION"}
    for r in records:
        assert r["label"] in allowed
        assert isinstance(r["pattern"], (str, list)) and r["pattern"]
        assert 0 < r["weight"] <= 3
        if r["label"] in ("POSITIVE", "EXPECTED"):
            assert r["category"] in CATEGORIES
    assert {r["label"] for r in records} >= set(CATEGORIES) - {"other"}


def test_pipeline_bad_pattern_file_names_file_and_row(tmp_path):
    (tmp_path / "x.jsonl").write_text(json.dumps({"label": "waiting", "pattern": "queue"}) + "\n{oops\n",
                                      encoding="utf-8")
    with pytest.raises(InputError, match=r"x.jsonl, row 2"):
        load_patterns("en", tmp_path)
    assert (PATTERNS_DIR / "en").is_dir()


def test_pipeline_patterns_dir_from_config(tmp_path):
    (tmp_path / "mine.jsonl").write_text(
        json.dumps({"label": "cost", "pattern": "zorblax", "id": "t.cost.zorblax", "weight": 1.0}) + "\n",
        encoding="utf-8")
    nlp = make_nlp("en", {"pain_points": {"patterns_dir": str(tmp_path)}})
    rows = nlp("The zorblax again.")._.pain_sentences
    assert rows[0]["is_pain"] and rows[0]["category"] == "cost"
