"""TokenPatternMatcher finds exactly what spaCy's Matcher finds, on our pattern files and on
random token sequences built from the patterns' own words."""

from __future__ import annotations

import random

import pytest
from spacy.matcher import Matcher

from nlp.components import TokenPatternMatcher, load_patterns
from nlp.pipeline import get_nlp

SYNTHETIC = [
    [{"LOWER": "a"}, {"LOWER": "b", "OP": "?"}],
    [{"LOWER": "x"}, {"OP": "?"}, {"OP": "?"}, {"LOWER": "y"}],
    [{"LIKE_NUM": True, "OP": "+"}, {"LOWER": {"IN": ["d", "dollars"]}}],
    [{"LOWER": "s"}, {"OP": "*"}, {"LOWER": "t", "OP": "*"}],
    [{"IS_SENT_START": True, "LOWER": "well"}, {"IS_PUNCT": True}],
    [{"IS_PUNCT": True}, {"LOWER": "well"}, {"IS_PUNCT": False, "IS_ALPHA": True}],
    [{"LEMMA": {"IN": ["wait", "take"]}}, {"LOWER": "for", "OP": "?"}, {"LIKE_NUM": True}],
    [{"ORTH": {"IN": ["$", "B/."]}}, {"LIKE_NUM": True}],
    [{"LOWER": "q", "OP": "*"}, {"LOWER": "r"}],
    [{"OP": "?"}, {"LIKE_NUM": True, "OP": "?"}, {"LOWER": "y"}],
    [{}, {"LOWER": "x"}],
    [{"LIKE_NUM": True, "OP": "?"}, {"IS_PUNCT": True}, {"LOWER": "b"}],
]


def _columns(doc, detector):
    orths = doc.to_array("ORTH").tolist()
    return {"ORTH": orths, "LOWER": doc.to_array("LOWER").tolist(), "LEMMA": doc.to_array("LEMMA").tolist(),
            "FLAGS": [detector._flags(o, doc.vocab) for o in orths],
            "SENT_SET": {t.i for t in doc if t.is_sent_start}}


def _words(patterns):
    words = {"1", "2", "20", "three", ",", ".", "!", "the", "I", "Well", "well", "$", "B/.", "waited"}
    for p in patterns:
        for tok in p:
            for attr in ("LOWER", "ORTH", "LEMMA"):
                want = tok.get(attr)
                words.update([want] if isinstance(want, str) else (want or {}).get("IN", []))
    return sorted(words)


@pytest.mark.parametrize("lang", ["en", "es"])
def test_token_pattern_matcher_equals_spacy_matcher(lang):
    nlp = get_nlp(lang)
    detector = nlp.get_pipe("recorrido_pain_points")
    patterns = [r["pattern"] for r in load_patterns(lang) if isinstance(r["pattern"], list)] + SYNTHETIC
    keyed = [(nlp.vocab.strings.add(f"tp{i}"), p) for i, p in enumerate(patterns)]
    ours = TokenPatternMatcher.build(keyed, nlp.vocab.strings)
    assert ours is not None
    theirs = Matcher(nlp.vocab)
    for key, p in keyed:
        theirs.add(key, [p])
    rng = random.Random(7)
    words = _words(patterns)
    checked = found = 0
    for _ in range(300):
        text = " ".join(rng.choice(words) for _ in range(rng.randint(3, 30)))
        doc = nlp(text)
        cols = _columns(doc, detector)
        for lo in range(0, len(doc), 5):
            hi = min(len(doc), lo + rng.randint(1, 14))
            want = {(k, s + lo, e + lo) for k, s, e in theirs(doc[lo:hi])}
            got = ours.matches(cols, lo, hi)
            assert len(got) == len(set(got))
            assert set(got) == want, (text, lo, hi)
            checked += 1
            found += len(want)
    assert checked > 1000 and found > 150  # the comparison saw many matches


def test_token_pattern_matcher_declines_what_it_does_not_support():
    nlp = get_nlp("en")
    strings = nlp.vocab.strings
    assert TokenPatternMatcher.build([(1, [{"LOWER": {"NOT_IN": ["a"]}}])], strings) is None
    assert TokenPatternMatcher.build([(1, [{"LOWER": "a", "OP": "!"}])], strings) is None
    assert TokenPatternMatcher.build([(1, [{"POS": "NOUN"}])], strings) is None
    assert TokenPatternMatcher.build([(1, [{"LOWER": {"REGEX": "^a"}}])], strings) is None
