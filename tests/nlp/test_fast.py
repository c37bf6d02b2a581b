"""The compiled helpers of nlp/_fast.pyx give exactly what the pure-Python code gives.

Each test analyses the same texts twice, with the compiled module and with it switched off (the
pure-Python reference and fallback), and requires identical sentence records, including the
detector's ``score`` and ``cue_spans`` that :func:`nlp.painpoints.analyse_texts` drops. Skipped
when the module is not built (``scripts/build_fast.py``), unless RECORRIDO_REQUIRE_FAST=1.
"""

from __future__ import annotations

import json
import os
import random
from types import SimpleNamespace

import pytest

import nlp.category_model as category_model
import nlp.components as components
import nlp.painpoints as painpoints
import nlp.pipeline as pipeline
from nlp.components import load_patterns
from nlp.lexicons import lexicon
from nlp.painpoints import analyse_text, analyse_texts

FAST = pipeline._fast

if FAST is None:
    if os.environ.get("RECORRIDO_REQUIRE_FAST"):
        pytest.fail("nlp/_fast.pyx is not compiled (run scripts/build_fast.py)", pytrace=False)
    pytestmark = pytest.mark.skip(reason="nlp/_fast.pyx is not compiled (scripts/build_fast.py)")

QUESTIONS = {"en": ["What could we do better?", "How long did you wait?", "How many times did you go?",
                    "What did you like?"],
             "es": ["¿Qué podríamos mejorar?", "¿Cuánto tiempo esperó?", "¿Cuántas veces fue?",
                    "¿Qué le gustó?"]}
FILLERS = {"en": ["the", "staff", "I", "we", "our", "it", "was", "very", "office", "three", "hours", "4",
                  "times", "twice", "LOUD", "Sr.", "etc.", "p.m.", "Dr", "not", "never", "but", "if", "then",
                  "without", "system", "waited", "paid", "$", "20", "nothing", "good"],
           "es": ["el", "la", "personal", "yo", "nosotros", "nuestro", "fue", "muy", "oficina", "tres", "horas",
                  "4", "veces", "Sr.", "etc.", "p.m.", "Dra", "no", "nunca", "pero", "si", "entonces", "sin",
                  "sistema", "esperé", "pagué", "B/.", "20", "nada", "bueno", "capturamos"]}
PUNCT = [",", ".", "!", "?", "...", "…", "\n", "\n\n", "¿", "¡", ";", ":", "(", ")", '"', "—", "!!"]


def _vocabulary(lang: str) -> list[str]:
    """Words and phrases of our pattern files and lexicons, and words around them."""
    lex = lexicon(lang)
    out = list(FILLERS[lang])
    for rec in load_patterns(lang):
        pattern = rec["pattern"]
        if isinstance(pattern, str):
            out.append(pattern)
        else:
            for tok in pattern:
                for attr in ("LOWER", "ORTH", "LEMMA"):
                    want = tok.get(attr)
                    out += [want] if isinstance(want, str) else (want or {}).get("IN", [])
    for name in ("NEGATORS", "INTENSIFIERS", "CONTRAST_MARKERS", "CONCESSIVE_MARKERS", "HYPOTHETICAL_MARKERS",
                 "HYPOTHETICAL_CONSEQUENTS", "NEED_OPENERS", "SERVANT_VOICE", "OWN_SYSTEM_POSSESSIVES",
                 "OWN_SYSTEM_WORDS", "NOTHING_ANSWERS"):
        out += list(getattr(lex, name, ()))
    return sorted(set(out))


def _random_texts(lang: str, n: int, seed: int) -> tuple[list[str], list[str | None]]:
    rng = random.Random(seed)
    vocab = _vocabulary(lang)
    texts, contexts = [], []
    for _ in range(n):
        words = []
        for _ in range(rng.randint(0, 40)):
            w = rng.choice(PUNCT) if rng.random() < 0.2 else rng.choice(vocab)
            r = rng.random()
            w = w.capitalize() if r < 0.15 else w.upper() if r < 0.2 else w
            words.append(w)
        sep = " " if rng.random() < 0.8 else ""
        texts.append(sep.join(words) if rng.random() < 0.7 else "".join(w + rng.choice([" ", "", "  "])
                                                                        for w in words))
        contexts.append(rng.choice(QUESTIONS[lang]) if rng.random() < 0.3 else None)
    return texts, contexts


def _structured_texts(lang: str, n: int, seed: int) -> list[str]:
    """Short texts dense in markers (negators, intensifiers, contrasts, concessions, hypotheticals
    and their consequents, need words) next to cues at every small distance."""
    rng = random.Random(seed)
    lex = lexicon(lang)
    cues = sorted({r["pattern"] for r in load_patterns(lang) if isinstance(r["pattern"], str)})
    kinds = [list(getattr(lex, name)) for name in ("NEGATORS", "INTENSIFIERS", "CONTRAST_MARKERS",
                                                    "CONCESSIVE_MARKERS", "HYPOTHETICAL_MARKERS",
                                                    "HYPOTHETICAL_CONSEQUENTS", "NEED_OPENERS")]
    other = [",", ".", "!", "x", "3", "LOUD", "\n", "our", "system"]
    texts = []
    for _ in range(n):
        items = []
        for _ in range(rng.randint(1, 9)):
            r = rng.random()
            items.append(rng.choice(cues) if r < 0.4 else rng.choice(rng.choice(kinds)) if r < 0.85
                         else rng.choice(other))
        texts.append(" ".join(items))
    return texts


EDGE_TEXTS = ["", " ", "\n", "\n\n\n", ".", "!!!", "...", "¿", "no", "No.", "not bad", "no problem at all",
              "Nothing.", "Nada.", "  leading and trailing  ", "a\n\nb", "WAITED FOUR HOURS!!!", "3 hours",
              "tres veces", "if it fails, it fails", "si falla, falla", "although kind, slow",
              "aunque amables, lentos", "without a permit we can't open", "sin licencia no puedo trabajar",
              "our database crashes every afternoon", "we type every claim in twice by hand",
              "Sr. Pérez pagó B/.5.00, etc. No me atendieron\n¿Por qué?"]


def _records(texts, lang, contexts, *, raw: bool, fast: bool, monkeypatch, batch_size=256):
    """analyse_texts (raw: the detector's records, with score) with or without the C helpers."""
    with monkeypatch.context() as m:
        if not fast:
            for module in (pipeline, components, painpoints, category_model):
                m.setattr(module, "_fast", None)
        if raw:  # the detector's records as they are
            m.setattr(painpoints, "_rows", lambda results, text: results)
            if fast:
                helpers = {name: getattr(FAST, name) for name in dir(FAST) if not name.startswith("__")}
                m.setattr(painpoints, "_fast", SimpleNamespace(**{**helpers, "rows": lambda results, text: results}))
        out = analyse_texts(texts, lang, contexts=contexts, batch_size=batch_size)
        one = [analyse_text(t, lang, context=c) for t, c in zip(texts[:300], contexts[:300], strict=True)]
    return json.dumps([out, one], ensure_ascii=False)


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("seed", [1, 2])
def test_fast_random_texts_identical(lang, seed, monkeypatch):
    texts, contexts = _random_texts(lang, 1200, seed)
    fast = _records(texts, lang, contexts, raw=True, fast=True, monkeypatch=monkeypatch, batch_size=97)
    slow = _records(texts, lang, contexts, raw=True, fast=False, monkeypatch=monkeypatch, batch_size=97)
    assert fast == slow
    assert '"is_pain": true' in fast and '"is_pain": false' in fast


@pytest.mark.parametrize("lang", ["en", "es"])
def test_fast_marker_texts_identical(lang, monkeypatch):
    texts = _structured_texts(lang, 4000, 3)
    contexts = [QUESTIONS[lang][i % 4] if i % 4 == 1 else None for i in range(len(texts))]
    fast = _records(texts, lang, contexts, raw=True, fast=True, monkeypatch=monkeypatch)
    assert fast == _records(texts, lang, contexts, raw=True, fast=False, monkeypatch=monkeypatch)


@pytest.mark.parametrize("lang", ["en", "es"])
def test_fast_edge_texts_identical(lang, monkeypatch):
    texts = EDGE_TEXTS * 3
    contexts = [QUESTIONS[lang][i % 4] if i % 3 else None for i in range(len(texts))]
    for raw in (True, False):
        assert (_records(texts, lang, contexts, raw=raw, fast=True, monkeypatch=monkeypatch)
                == _records(texts, lang, contexts, raw=raw, fast=False, monkeypatch=monkeypatch))


@pytest.mark.parametrize("lang", ["en", "es"])
def test_fast_pattern_phrases_identical(lang, monkeypatch):
    """Every phrase pattern alone, after a negator, after an intensifier and after a contrast."""
    lex = lexicon(lang)
    phrases = [r["pattern"] for r in load_patterns(lang) if isinstance(r["pattern"], str)]
    texts = []
    for p in phrases:
        texts += [p, f"{lex.NEGATORS[0]} {p}", f"{lex.INTENSIFIERS[0]} {p}.",
                  f"{FILLERS[lang][0]} {lex.CONTRAST_MARKERS[0]} {p}!"]
    contexts = [None] * len(texts)
    assert (_records(texts, lang, contexts, raw=True, fast=True, monkeypatch=monkeypatch)
            == _records(texts, lang, contexts, raw=True, fast=False, monkeypatch=monkeypatch))


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "es"])
def test_fast_feedback_sets_identical(lang, shared_data, monkeypatch):
    texts = []
    for path in sorted((shared_data / "feedback").glob("*.jsonl")):
        with path.open(encoding="utf-8") as fh:
            texts += [r["text"] for r in map(json.loads, fh) if r.get("lang") == lang][:600]
    contexts = [QUESTIONS[lang][i % 4] if i % 5 == 2 else None for i in range(len(texts))]
    assert (_records(texts, lang, contexts, raw=True, fast=True, monkeypatch=monkeypatch)
            == _records(texts, lang, contexts, raw=True, fast=False, monkeypatch=monkeypatch))


@pytest.mark.parametrize("lang", ["en", "es"])
def test_fast_text_at_is_doc_text(lang):
    """_fast.text_at (category_model._text_at) gives doc.text[start:end] for token-aligned spans."""
    from nlp.pipeline import get_nlp

    texts, _ = _random_texts(lang, 60, 5)
    doc = get_nlp(lang).make_doc("\n\n".join(texts))
    starts = [t.idx for t in doc]
    ends = [t.idx + len(t) for t in doc]
    rng = random.Random(5)
    for _ in range(3000):
        i = rng.randrange(len(doc))
        j = min(len(doc) - 1, i + rng.randrange(12))
        assert FAST.text_at(doc, starts[i], ends[j]) == doc.text[starts[i]:ends[j]]
        s, e = starts[i] + rng.choice([0, 1]), ends[j] + rng.choice([0, 1, -1])
        got = FAST.text_at(doc, s, e)
        assert got is None or got == doc.text[s:e]
        assert (got is None) == (doc.char_span(s, e) is None or e <= s)


def test_fast_lex_memo_is_the_memo_dict():
    """_fast.LexMemo.values(doc) gives [memo.get(t.orth) for t in doc], picks up entries added to
    the dict later, and keeps its values alive after the dict lets them go."""
    from nlp.pipeline import get_nlp

    doc = get_nlp("en").make_doc("The office was closed , the office was closed again \n\n tres horas")
    memo = {doc[0].orth: ("kind", 1), doc[2].orth: 7}
    lex = FAST.LexMemo(memo)
    assert lex.values(doc) == [memo.get(t.orth) for t in doc]
    memo[doc[1].orth] = 3  # a miss the caller fills afterwards
    memo[doc[2].orth] = 8  # never done by the memos (they only add): the table keeps what it saw
    got = lex.values(doc)
    assert got[1] == got[6] == 3 and got[2] == 7
    memo.clear()
    assert lex.values(doc)[0] == ("kind", 1)


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("seed", [0, 1])
def test_fast_tokenize_is_the_tokenizer(lang, seed):
    """_fast.tokenize gives tokenizer(text): every token attribute, on texts dense in the
    tokenizer's own special cases ("it's", "a.m.", ":)", "EE. UU.", lone spaces), next to words,
    punctuation and odd whitespace, alone and joined as analyse_texts joins them."""
    from spacy.attrs import IDX, LEMMA, NORM, ORTH, SENT_START, SPACY, TAG

    from nlp.pipeline import get_nlp

    tok = get_nlp(lang).tokenizer
    rng = random.Random(seed)
    specials = sorted(tok.rules)
    words = FILLERS[lang] + PUNCT + [" ", "  ", "\t", "\u00a0", "'", "’", "(", ")", "-", "it", "'s", "s"]
    texts = []
    for _ in range(300):
        parts = [rng.choice(specials if rng.random() < 0.4 else words) for _ in range(rng.randrange(1, 14))]
        seps = [rng.choice(["", " ", " ", " ", "  ", "\n"]) for _ in parts]
        texts.append("".join(p + s for p, s in zip(parts, seps, strict=True)))
    attrs = [ORTH, IDX, SPACY, NORM, LEMMA, TAG, SENT_START]
    for text in texts + ["\n\n".join(texts[i:i + 40]) for i in range(0, len(texts), 40)]:
        got, want = FAST.tokenize(tok, text), tok(text)
        assert got.to_array(attrs).tolist() == want.to_array(attrs).tolist(), text
    assert FAST.tokenize(tok, "").to_array(attrs).tolist() == tok("").to_array(attrs).tolist()


def _trie_docs(lang: str, nlp) -> list:
    """Docs of random and structured texts, their upper-case, capitalised and unaccented forms,
    every phrase pattern alone, and copies with ``token.norm`` set to pattern words."""
    texts, _ = _random_texts(lang, 400, 7)
    texts += _structured_texts(lang, 400, 8)
    texts += [t.upper() for t in texts[:200]] + [t.capitalize() for t in texts[200:400]]
    texts += [components.fold_accents(t) for t in texts[:400]]
    texts += [r["pattern"] for r in load_patterns(lang) if isinstance(r["pattern"], str)]
    docs = [nlp.make_doc("\n\n".join(texts[i:i + 50])) for i in range(0, len(texts), 50)]
    docs += [nlp.make_doc(t) for t in texts[:300]]
    rng = random.Random(9)
    vocab = _vocabulary(lang)
    for doc in docs[:12]:  # a norm of its own on some tokens (e.g. by a tokenizer exception)
        copy = nlp.make_doc(doc.text)
        for tok in copy:
            if rng.random() < 0.3:
                tok.norm_ = rng.choice(vocab).lower()
        docs.append(copy)
    return docs


@pytest.mark.parametrize("lang", ["en", "es"])
def test_fast_phrase_trie_matches_phrase_matcher(lang):
    """_fast.PhraseTrie finds what the detector's PhraseMatchers find, in the same order."""
    from nlp.pipeline import get_nlp

    nlp = get_nlp(lang)
    det = nlp.get_pipe("recorrido_pain_points")
    phrases = FAST.phrase_trie(det.phrase_matcher, det.meta, det.anchored, det.marker_ids)
    shapes = FAST.phrase_trie(det.shape_matcher, det.meta)
    n_norm = 0
    for doc in _trie_docs(lang, nlp):
        n_norm += sum(t.norm != t.lex.norm for t in doc)
        assert phrases.matches(doc) == list(det.phrase_matcher(doc))
        assert shapes.matches(doc) == list(det.shape_matcher(doc))
        # and what phrase_matches / phrase_cues make of them
        got, want = (([], [], {k: [] for k in det.marker_ids.values()}) for _ in range(2))
        phrases.split(doc, *got)
        shapes.split(doc, got[0])
        FAST.phrase_matches(det.phrase_matcher, doc, det.meta, det.anchored, det.marker_ids, *want)
        FAST.phrase_cues(det.shape_matcher, doc, det.meta, want[0])
        assert got == want
    assert n_norm > 100


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "es"])
def test_fast_phrase_trie_feedback_sets(lang, shared_data):
    from nlp.pipeline import get_nlp

    nlp = get_nlp(lang)
    det = nlp.get_pipe("recorrido_pain_points")
    phrases = FAST.phrase_trie(det.phrase_matcher, det.meta, det.anchored, det.marker_ids)
    shapes = FAST.phrase_trie(det.shape_matcher, det.meta)
    texts = []
    for path in sorted((shared_data / "feedback").glob("*.jsonl")):
        with path.open(encoding="utf-8") as fh:
            texts += [r["text"] for r in map(json.loads, fh) if r.get("lang") == lang]
    for i in range(0, len(texts), 256):
        doc = nlp.make_doc("\n\n".join(texts[i:i + 256]))
        assert phrases.matches(doc) == list(det.phrase_matcher(doc))
        assert shapes.matches(doc) == list(det.shape_matcher(doc))


def test_fast_phrase_trie_keys_nested_and_duplicates():
    """Several keys on one phrase (spaCy's order of its terminal map), one phrase twice under a
    key, nested and overlapping phrases, a phrase at the end of the Doc; on NORM, ORTH, LOWER."""
    import spacy
    from spacy.matcher import PhraseMatcher

    nlp = spacy.blank("en")
    for attr in ("NORM", "ORTH", "LOWER"):
        matcher = PhraseMatcher(nlp.vocab, attr=attr)
        phrases = ["a", "a b", "a b c", "b c", "b", "c a", "a b c d e", "x y"]
        meta = {}
        for k in range(40):  # up to 40 keys on one span: the terminal map grows and reorders
            key = f"K{k}"
            chosen = [p for j, p in enumerate(phrases) if (k * 7 + j) % 3 == 0] or ["a"]
            matcher.add(key, [nlp.make_doc(p) for p in chosen + chosen[:1]])  # one twice
            meta[nlp.vocab.strings[key]] = (key, 1.0, None)
        trie = FAST.phrase_trie(matcher, meta)
        rng = random.Random(4)
        for _ in range(200):
            text = " ".join(rng.choice("abcdexyAB") for _ in range(rng.randint(0, 30)))
            doc = nlp.make_doc(text)
            assert trie.matches(doc) == list(matcher(doc))
            found = []
            trie.split(doc, found)
            assert found == [(s, e, *meta[m]) for m, s, e in matcher(doc)]
        doc = nlp.make_doc("a b c a b c d e")
        assert [s for _m, s, _e in trie.matches(doc)] == sorted(s for _m, s, _e in trie.matches(doc))
        assert len({(s, e) for _m, s, e in trie.matches(doc)}) < len(trie.matches(doc))  # keys share spans


def test_fast_phrase_trie_not_for_callbacks():
    """A matcher with an on_match callback, or a key of no kind, keeps spaCy's matcher."""
    import spacy
    from spacy.matcher import PhraseMatcher

    nlp = spacy.blank("en")
    matcher = PhraseMatcher(nlp.vocab)
    matcher.add("A", [nlp.make_doc("a")])
    assert FAST.phrase_trie(matcher, {}) is None  # "A" is no cue, anchor or marker
    assert FAST.phrase_trie(matcher, {nlp.vocab.strings["A"]: ("A", 1.0, None)}) is not None
    matcher.add("B", [nlp.make_doc("b")], on_match=lambda *args: None)
    assert FAST.phrase_trie(matcher, {nlp.vocab.strings[k]: (k, 1.0, None) for k in "AB"}) is None


@pytest.mark.parametrize("lang", ["en", "es"])
def test_fast_text_bounds_are_the_bisects(lang):
    """_fast.text_bounds gives the token ranges analyse_texts finds with bisect_left on IDX,
    with empty texts, blank texts and texts that start or end with whitespace among them."""
    from bisect import bisect_left

    from nlp.pipeline import get_nlp

    texts, _ = _random_texts(lang, 200, 11)
    rng = random.Random(11)
    texts = [rng.choice(["", " ", "\n", "  x ", " y", "z  "]) if i % 7 == 0 else t for i, t in enumerate(texts)]
    doc = get_nlp(lang).make_doc("\n\n".join(texts))
    idx = [t.idx for t in doc]
    want, off = [], 0
    for t in texts:
        want.append((bisect_left(idx, off), bisect_left(idx, off + len(t))))
        off += len(t) + 2
    assert FAST.text_bounds(doc, texts, 2) == want


ODD_TEXTS = ["", " ", "\t", "\u00a0", ".", "!!! ...", "¿¡", "1234", "3 hours", "42.5%", "Σ ΟΔΟΣ ΣΑΣ",
             "ÉSPÉRÉ  en\tla  cédula\u00a0pública", "naïve café\u2003résumé", "a\nb\n\nc",
             "line\r\nbreak", "İstanbul DİKKAT", "e\u0301le\u0300ve", "\u0301 alone", "x\u200by", "x\u3000y",
             "TABS\t\tand  spaces ", "emoji 😀😀 ok", "e-mail@example.com www.example.com", "can't won't y'all",
             "U.S.A. EE. UU. Sr. p.m.", "B/.5.00 $20 20%", "«citas» “quotes” (paréntesis) [corchetes]",
             "ñandú ÑANDÚ", "—", "...ok..."]


def _odd_docs(lang: str, seed: int) -> list:
    """Batch Docs (texts joined by blank lines, as painpoints._analyse_batch joins them) of odd
    texts: accents, digits, punctuation only, no words, tabs, non-breaking and other spaces, line
    breaks inside a text, combining marks, final sigma, dotted capital I."""
    from nlp.pipeline import get_nlp

    rng = random.Random(seed)
    texts, _ = _random_texts(lang, 150, seed)
    pieces = ODD_TEXTS + texts
    docs = []
    for _ in range(4):
        chosen = [rng.choice(pieces) + rng.choice(["", " ", "\u00a0", "\t", "  "]) + rng.choice(pieces)
                  for _ in range(60)]
        docs.append(get_nlp(lang).make_doc("\n\n".join(chosen)))
    return docs


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("seed", [1, 2])
def test_fast_category_keys_identical(lang, seed):
    """The C word ids of a span (memoised per whitespace chunk of tokens) are those of
    ``CategoryModel._keys`` of its text, for every token-aligned span of odd texts."""
    from nlp.category_model import CategoryModel, load_category_model, train

    model = load_category_model(lang)
    stemmed = train([("I waited for hours", "waiting"), ("they charged a fee", "cost")] * 2, lang, epochs=1,
                    stem=3)
    rng = random.Random(seed)
    for m in (model, CategoryModel(model.nlp), stemmed):
        refiner = FAST.CategoryRefiner(m, category_model.CATEGORIES)
        for doc in _odd_docs(lang, seed):
            text = doc.text
            starts = [t.idx for t in doc]
            ends = [t.idx + len(t) for t in doc]
            for _ in range(150):
                i = rng.randrange(len(doc))
                j = min(len(doc) - 1, i + rng.randrange(25))
                assert refiner.keys_at(doc, starts[i], ends[j]) == m._keys(text[starts[i]:ends[j]])
                got = refiner.keys_at(doc, starts[i] + 1, ends[j])  # not on a token start: None
                assert got in (None, m._keys(text[starts[i] + 1:ends[j]]))
            assert refiner.keys_at(doc, starts[0], ends[-1]) == m._keys(text[starts[0]:ends[-1]])


def _unsure_groups(doc, seed):
    """Sentence results over ``doc`` (one group per text), many of them close calls, with
    category_scores of every kind: ties, "other", one candidate, zero and negative weights, int
    weights, none at all."""
    rng = random.Random(seed)
    cats = [c for c in category_model.CATEGORIES if c != "other"]
    bounds = [(t.idx, t.idx + len(t)) for t in doc if not t.is_space]
    groups, i = [], 0
    while i < len(bounds):
        off = bounds[i][0]
        rows = []
        for _ in range(rng.randint(1, 4)):
            if i >= len(bounds):
                break
            j = min(len(bounds) - 1, i + rng.randrange(15))
            scores = {c: rng.choice([0.0, -0.5, 0.3, 0.5, 1.0, 1.5, 2, 2.25, 3.0])
                      for c in rng.sample(cats, rng.randint(0, 4))}
            if scores and rng.random() < 0.3:  # an exact tie
                a, b = rng.sample(list(scores), 2) if len(scores) > 1 else (next(iter(scores)),) * 2
                scores[b] = scores[a]
            category = rng.choice(["other", *(k for k, v in scores.items() if v > 0)])
            rows.append({"start": bounds[i][0] - off, "end": bounds[j][1] - off,
                         "is_pain": rng.random() < 0.85,
                         "category": category, "category_scores": scores})
            if rng.random() < 0.05:
                del rows[-1]["category_scores"]
            i = j + 1
        groups.append((rows, off))
    return groups


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("margin, weight", [(1.5, 0.5), (0.0, 1.0), (3.0, 0.0), (1.0, 0.25)])
def test_fast_refine_categories_identical(lang, margin, weight, monkeypatch):
    """refine_categories in C (_fast.CategoryRefiner) chooses what the Python path chooses,
    with the same probabilities (the C scores of the sparse linear layer are checked against
    ``_predict_keys``)."""
    import copy

    model = category_model.load_category_model(lang)
    for k, doc in enumerate(_odd_docs(lang, 7)):
        groups = _unsure_groups(doc, k)
        fast, slow = copy.deepcopy(groups), copy.deepcopy(groups)
        category_model.refine_categories(model, doc, fast, margin, weight)
        with monkeypatch.context() as m:
            m.setattr(category_model, "_fast", None)
            category_model.refine_categories(model, doc, slow, margin, weight)
        assert fast == slow
        changed = sum(a["category"] != b["category"] for (ra, _), (rb, _) in zip(fast, groups, strict=True)
                      for a, b in zip(ra, rb, strict=True))
        assert changed  # the classifier had its say


@pytest.mark.parametrize("lang", ["en", "es"])
def test_fast_category_scores_identical(lang, monkeypatch):
    """The C sparse linear layer's scores (before the softmax) equal thinc's in
    ``_predict_keys``, bit for bit."""
    import numpy
    from thinc.api import Model

    model = category_model.load_category_model(lang)
    refiner = FAST.CategoryRefiner(model, category_model.CATEGORIES)
    _n, linear, _softmax = model._fast_layers
    captured = []
    real = Model.predict

    def spy(self, X):
        Y = real(self, X)
        if self is linear:
            captured.append(Y)
        return Y

    monkeypatch.setattr(Model, "predict", spy)
    for doc in _odd_docs(lang, 11):
        ends = {t.i: t.idx + len(t) for t in doc}
        spans = [(t.idx, ends[min(len(doc) - 1, t.i + k % 9)])
                 for k, t in enumerate(doc) if not t.is_space][::5]
        got = refiner.linear_scores(doc, spans)
        captured.clear()
        model._predict_keys([model._keys(doc.text[s:e]) for s, e in spans])
        want = captured[0]
        assert got.dtype == want.dtype == numpy.float32 and got.shape == want.shape
        assert numpy.array_equal(got.view("uint32"), want.view("uint32"))


@pytest.mark.parametrize("seed", range(4))
def test_fast_keep_cues_is_the_python_filter(seed):
    """_fast.keep_cues keeps what components._keep_cues keeps (the same tuple objects, in the
    same order) on cue lists dense in duplicates, equal weights, nesting and ties of position."""
    rng = random.Random(seed)
    for _ in range(300):
        found = []
        for _ in range(rng.randrange(0, 40)):
            s = rng.randrange(0, 30)
            found.append((s, s + rng.randrange(1, 6), rng.choice(["waiting", "cost", "NEG", "waiting"]),
                          rng.choice([0.3, 1.0, 1.0, 2.0]), rng.choice([None, "cost", "trust"])))
        found.sort(key=lambda c: c[0]) if rng.random() < 0.5 else None
        got, want = FAST.keep_cues(list(found)), components._keep_cues(list(found))
        assert got == want and all(a is b for a, b in zip(got, want, strict=True))
