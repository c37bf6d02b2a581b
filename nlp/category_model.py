"""A small text classifier of pain categories, asked only when the rules are unsure.

The rules of :mod:`nlp.components` choose a pain sentence's category from the weights of its cue
words (``category_scores`` of each pain sentence). When the two heaviest categories are close,
or the rules found none (``other``), a bag-of-words classifier trained with spaCy
(``spacy.TextCatBOW.v3``, exclusive classes) on our own invented labelled sentences
(``bench/data/category_*.jsonl``) weighs in: the category with the best mix of the rules'
share and the classifier's probability wins (:func:`choose_category`). Pain or no pain is never
changed, nor is a category the rules are sure of.

One model per language lives in ``nlp/data/category_model/<lang>/`` (``nlp.to_disk``; the
classifier reads lower-cased, accent-free words, and, in ``meta.json``, how its words are made);
``bench/train_category_model.py`` rebuilds it from the training sets, deterministically (fixed
seed, sorted inputs: the same files give the same predictions).

Assumes sentence texts are short (a sentence of an interview answer): the classifier sees the
words of the sentence only, never the question it answers.
"""

from __future__ import annotations

import json
import random
from functools import cache
from pathlib import Path

import numpy
import spacy
from spacy.attrs import LOWER, ORTH
from spacy.language import Language
from spacy.tokens import Doc
from spacy.training import Example
from spacy.util import fix_random_seed, minibatch

from nlp.components import fold_accents
from research.errors import InputError
from research.schema import CATEGORIES

try:  # the C helpers of nlp/_fast.pyx (scripts/build_fast.py); the pure Python here when not built
    from nlp import _fast
except ImportError:
    _fast = None

__all__ = ["MODEL_DIR", "TRAINING_SETS", "DEFAULT_TRAIN", "CategoryModel", "training_examples", "train",
           "load_category_model", "is_unsure", "choose_category", "refine_categories"]

MODEL_DIR = Path(__file__).resolve().parent / "data" / "category_model"
_BENCH_DATA = Path(__file__).resolve().parent.parent / "bench" / "data"
#: our own labelled sets the shipped models are trained on (never data/eval, never feedback data)
TRAINING_SETS = tuple(_BENCH_DATA / f"category_{name}.jsonl" for name in (
    "dev", "check", "blind2", "blind3", "blind4", "blind5", "blind6", "tune3", "tune4"))

#: training options of the shipped models (see :func:`train`)
DEFAULT_TRAIN = {
    "seed": 0,
    "epochs": 20,
    "batch_size": 8,
    "dropout": 0.2,
    "learn_rate": 0.001,
    "ngram_size": 2,
    "length": 2 ** 14,  # hash buckets of the bag of words (x 12 categories x 4 bytes)
    "stem": 0,  # > 0: each word also gives its first ``stem`` letters (a crude stem)
}


def _words(text: str, tokenizer, stem: int, memo: dict | None = None) -> list[str]:
    """The classifier's words of ``text``: lower case, no accents, no punctuation, digits as 0.

    Tokenised one whitespace-separated chunk at a time (memoised in ``memo`` when given): spaCy's
    tokenizer splits at whitespace first, and none of its special cases that span a space
    ("EE. UU.") survives lower-casing, so the words are those of the whole text at once.
    """
    out = []
    low = text.lower()
    for chunk in (low if low.isascii() else fold_accents(low)).split():
        words = memo.get(chunk) if memo is not None else None
        if words is None:
            words = []
            for tok in tokenizer(chunk):
                if tok.is_punct or tok.is_space:
                    continue
                w = "".join("0" if c.isdigit() else c for c in tok.text)
                words.append(w)
                if stem and tok.is_alpha and len(w) > stem:
                    words.append(w[:stem] + "~")
            if memo is not None:
                if len(memo) > 100_000:
                    memo.clear()
                memo[chunk] = words
        out += words
    return out


class CategoryModel:
    """A trained classifier of pain categories for one language.

    Parameters
    ----------
    nlp : spacy.language.Language
        A blank pipeline with a ``textcat`` component whose labels are category keys.

    Examples
    --------
    >>> model = load_category_model("en")
    >>> probs = model.probabilities(["I waited five hours in the queue."])[0]
    >>> max(probs, key=probs.get)
    'waiting'
    """

    def __init__(self, nlp: Language):
        self.nlp = nlp
        self.textcat = nlp.get_pipe("textcat")
        self.labels = tuple(self.textcat.labels)
        self.stem = int(nlp.meta.get("recorrido", {}).get("stem", 0))
        self._chunk_keys: dict[str, list[int]] = {}  # the word ids of each whitespace chunk
        self._refiner = None  # refine_categories in C (nlp/_fast.pyx), made on first use
        # the model's layers, to score word lists without building a Doc per sentence (a Doc
        # costs more than the prediction); None when the architecture is not the expected one
        layers = {m.name: m for m in self.textcat.model.walk()}
        ngrams, linear, softmax = (layers.get(k) for k in ("extract_ngrams", "sparse_linear", "softmax_activation"))
        self._fast_layers = None
        if ngrams is not None and linear is not None and softmax is not None and ngrams.attrs["attr"] in (ORTH, LOWER):
            self._fast_layers = (int(ngrams.attrs["ngram_size"]), linear, softmax)

    def probabilities(self, texts: list[str]) -> list[dict[str, float]]:
        """Each text's probability of each category (they sum to 1), in order.

        A text's probabilities never depend on the other texts of the call (the bag of words
        scores each text on its own). Nothing is memoised across calls but the words of each
        whitespace-separated chunk, as spaCy's tokenizer caches them (a benchmark that repeats
        its texts measures the classifier as on new text).
        """
        if not texts:
            return []
        todo = sorted(set(texts))
        if self._fast_layers is None:
            tokenizer = self.nlp.tokenizer
            scores = self._predict([_words(t, tokenizer, self.stem) or [""] for t in todo])
        else:
            scores = self._predict_keys([self._keys(t) for t in todo])
        got = {t: dict(zip(self.labels, row, strict=True)) for t, row in zip(todo, scores.tolist(), strict=True)}
        return [got[t] for t in texts]

    def _keys(self, text: str) -> list[int]:
        """The ids (string hashes) of the classifier's words of ``text`` (:func:`_words`),
        memoised per whitespace-separated chunk, as :func:`_words` tokenises chunk by chunk; the
        id of ``""`` when there is no word."""
        return self._ids(text) or [self.nlp.vocab.strings[""]]

    def _ids(self, text: str) -> list[int]:
        """:meth:`_keys` without the ``""`` of a text with no word (maybe an empty list)."""
        memo = self._chunk_keys
        out: list[int] = []
        low = text.lower()
        for chunk in (low if low.isascii() else fold_accents(low)).split():
            keys = memo.get(chunk)
            if keys is None:
                if len(memo) > 100_000:
                    memo.clear()
                strings = self.nlp.vocab.strings
                keys = memo[chunk] = [strings[w] for w in _words(chunk, self.nlp.tokenizer, self.stem)]
            out += keys
        return out

    def _predict(self, words: list[list[str]]):
        """The textcat model's scores of word lists (one row per list).

        What ``textcat.model.predict`` gives for ``Doc(vocab, words=...)`` of each list, computed
        from the words' hashes: the bag-of-words features (``extract_ngrams``: the words' ids,
        their n-grams, unique with counts) go straight to the model's sparse linear layer and
        softmax. The words are lower case already, so their ``ORTH`` and ``LOWER`` ids agree.
        """
        if self._fast_layers is None:
            return self.textcat.model.predict([Doc(self.nlp.vocab, words=w) for w in words])
        strings = self.nlp.vocab.strings
        return self._predict_keys([[strings[w] for w in ws] for ws in words])

    def _predict_keys(self, keys_of: list[list[int]]):
        """:meth:`_predict` of the word ids of each list (the architecture must be the expected one)."""
        ngram_size, linear, softmax = self._fast_layers
        ops = linear.ops
        flat = [k for ks in keys_of for k in ks]
        # every list's unigrams and n-grams at once: n-grams are hashed over the whole batch
        # and those that cross from one list into the next dropped; then one sort by (list,
        # key) gives what numpy.unique(..., return_counts=True) gives list by list
        sizes = numpy.fromiter((len(ks) for ks in keys_of), dtype="int64", count=len(keys_of))
        ends = numpy.cumsum(sizes)
        owner = numpy.repeat(numpy.arange(len(keys_of)), sizes)
        left = ends[owner] - numpy.arange(len(flat))  # words from each position to its list's end
        unigrams = ops.asarray(numpy.array(flat, dtype="uint64"))
        keys, owners = [unigrams], [owner]
        for n in range(2, ngram_size + 1):
            if len(flat) < n:
                break
            inside = left[:len(flat) - n + 1] >= n
            keys.append(ops.ngrams(n, unigrams)[inside])
            owners.append(owner[:len(flat) - n + 1][inside])
        keys, owners = numpy.concatenate(keys), numpy.concatenate(owners)
        order = numpy.lexsort((keys, owners))
        keys, owners = keys[order], owners[order]
        first = numpy.flatnonzero(numpy.concatenate(([True], (keys[1:] != keys[:-1]) | (owners[1:] != owners[:-1]))))
        counts = numpy.diff(numpy.append(first, len(keys)))
        lengths = ops.asarray(numpy.bincount(owners[first], minlength=len(keys_of)), dtype="int32")
        features = (keys[first], ops.asarray(counts, dtype="f"), lengths)
        return softmax.predict(linear.predict(features))

    def to_disk(self, path: str | Path) -> None:
        """Write the model to the folder ``path`` (spaCy's ``nlp.to_disk``)."""
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        self.nlp.to_disk(path)


def training_examples(lang: str, files=TRAINING_SETS) -> list[tuple[str, str]]:
    """``(text, category)`` of every pain record of ``lang`` in ``files``, sorted (files, ids).

    Examples
    --------
    >>> ex = training_examples("es")
    >>> all(cat in CATEGORIES for _text, cat in ex)
    True
    """
    out = []
    for f in sorted(Path(p) for p in files):
        recs = [json.loads(ln) for ln in f.read_text("utf-8").splitlines() if ln.strip()]
        recs.sort(key=lambda r: (r.get("id", ""), r.get("file", ""), r.get("row") or 0, r.get("start") or 0))
        # bench sets hold "text"; data/demo/annotations.jsonl holds one "sentence" per record
        out += [(r.get("text") or r["sentence"], r["category"]) for r in recs
                if r["lang"] == lang and r["is_pain"] and r.get("category")]
    return out


def train(examples: list[tuple[str, str]], lang: str, **options) -> CategoryModel:
    """Train a category classifier on ``(text, category)`` pairs.

    Parameters
    ----------
    examples : list of (str, str)
        Sentences and their category keys (``research.schema.CATEGORIES``).
    lang : str
        ``"en"`` or ``"es"`` (the tokenizer of ``spacy.blank(lang)``).
    **options
        Overrides of :data:`DEFAULT_TRAIN`: ``seed``, ``epochs``, ``batch_size``, ``dropout``,
        ``learn_rate``, ``ngram_size``, ``length``, ``stem``.

    Returns
    -------
    CategoryModel

    Raises
    ------
    InputError
        When there are no examples or a category is not a known key.

    Notes
    -----
    Deterministic: the random seed is fixed and the examples are shuffled by a seeded generator
    of their own, so the same examples give the same weights. Every category key is a label, so
    a model can answer any of them (a category with no example only gets a low probability).

    Examples
    --------
    >>> model = train([("I waited for hours", "waiting"), ("they charged a fee", "cost")] * 3,
    ...               "en", epochs=5)
    >>> sorted(model.labels) == sorted(CATEGORIES)
    True
    """
    unknown = set(options) - set(DEFAULT_TRAIN)
    if unknown:
        raise InputError(f"unknown training option(s) {sorted(unknown)}", f"use only {sorted(DEFAULT_TRAIN)}",
                         file="train")
    opts = {**DEFAULT_TRAIN, **options}
    if not examples:
        raise InputError("no training examples", "give (text, category) pairs", file="train")
    bad = sorted({c for _t, c in examples if c not in CATEGORIES})
    if bad:
        raise InputError(f"unknown categories {bad}", f"use keys of {list(CATEGORIES)}", file="train")
    fix_random_seed(opts["seed"])
    nlp = spacy.blank(lang)
    nlp.meta["recorrido"] = {"stem": opts["stem"], "train": opts, "n_examples": len(examples)}
    textcat = nlp.add_pipe("textcat", config={"model": {
        "@architectures": "spacy.TextCatBOW.v3", "exclusive_classes": True, "ngram_size": opts["ngram_size"],
        "no_output_layer": False, "length": opts["length"], "nO": None}})
    for cat in CATEGORIES:
        textcat.add_label(cat)
    data = []
    for text, cat in examples:
        doc = Doc(nlp.vocab, words=_words(text, nlp.tokenizer, opts["stem"]) or [""])
        data.append(Example.from_dict(doc, {"cats": {c: float(c == cat) for c in CATEGORIES}}))
    optimizer = nlp.initialize(lambda: data)
    optimizer.learn_rate = opts["learn_rate"]
    rng = random.Random(opts["seed"])
    order = list(range(len(data)))
    for _epoch in range(opts["epochs"]):
        rng.shuffle(order)
        for batch in minibatch([data[i] for i in order], size=opts["batch_size"]):
            nlp.update(batch, drop=opts["dropout"], sgd=optimizer)
    return CategoryModel(nlp)


@cache
def _load(path: str) -> CategoryModel:
    folder = Path(path)
    if not (folder / "config.cfg").is_file():
        raise InputError("no category model found", "run bench/train_category_model.py or set category_model "
                         "to None", file=str(folder))
    return CategoryModel(spacy.load(folder))


def load_category_model(lang_or_path: str | Path) -> CategoryModel:
    """The shipped model of a language (``"en"``, ``"es"``) or the model in a folder (cached).

    Raises
    ------
    InputError
        When the folder holds no model.

    Examples
    --------
    >>> load_category_model("es").labels[:3]
    ('waiting', 'complexity', 'repetition')
    """
    path = MODEL_DIR / lang_or_path if lang_or_path in ("en", "es") else Path(lang_or_path)
    return _load(str(path.resolve()))


_ORDER = {k: i for i, k in enumerate(CATEGORIES)}


def _candidates(scores: dict[str, float]) -> dict[str, float]:
    return {k: v for k, v in scores.items() if v > 0}


def is_unsure(scores: dict[str, float], category: str, margin: float) -> bool:
    """Whether the rules' category is a close call the classifier may change: ``other`` (the
    rules found no category), or two or more candidate categories with the two heaviest within
    ``margin`` of each other.

    Examples
    --------
    >>> is_unsure({"waiting": 1.0, "cost": 0.7}, "waiting", 0.5)
    True
    >>> is_unsure({"waiting": 2.5, "cost": 0.7}, "waiting", 0.5), is_unsure({"waiting": 0.4}, "waiting", 0.5)
    (False, False)
    """
    if category == "other":
        return True
    cands = _candidates(scores)
    if len(cands) < 2:
        return False
    top = sorted(cands.values(), reverse=True)
    return top[0] - top[1] <= margin


def choose_category(scores: dict[str, float], category: str, probs: dict[str, float] | None,
                    margin: float, weight: float) -> str:
    """The category of a pain sentence once the classifier has had its say.

    Parameters
    ----------
    scores : dict
        The rules' weight of each candidate category (``category_scores``).
    category : str
        The rules' choice.
    probs : dict or None
        The classifier's probability of each category (None: not asked).
    margin : float
        See :func:`is_unsure`.
    weight : float
        Share of the classifier (0–1) in the mix ``(1 - weight) * score / top score +
        weight * probability``; 1 lets the classifier choose alone among the candidates.

    Returns
    -------
    str
        The rules' choice when they are sure or ``probs`` is None; otherwise the best mix among
        the rules' candidates (every category but ``other`` when the rules chose ``other``).
        Ties go to the earlier key of ``research.schema.CATEGORIES``.

    Examples
    --------
    A close call goes to the classifier, a clear one stays:

    >>> choose_category({"waiting": 1.0, "cost": 0.9}, "waiting", {"waiting": 0.2, "cost": 0.7}, 1.5, 0.5)
    'cost'
    >>> choose_category({"waiting": 3.0, "cost": 0.5}, "waiting", {"waiting": 0.1, "cost": 0.9}, 1.5, 0.5)
    'waiting'
    """
    if probs is None or not is_unsure(scores, category, margin):
        return category
    if category == "other":
        best, best_p = None, None
        for k in CATEGORIES:  # in key order: a tie keeps the earlier key
            if k != "other" and (best is None or probs.get(k, 0.0) > best_p):
                best, best_p = k, probs.get(k, 0.0)
        return best
    cands = _candidates(scores)
    top = max(cands.values())
    return max(cands, key=lambda k: ((1 - weight) * cands[k] / top + weight * probs.get(k, 0.0), -_ORDER[k]))


def refine_categories(model: CategoryModel, doc: Doc, groups: list[tuple[list[dict], int]], margin: float,
                      weight: float) -> None:
    """Let ``model`` weigh in on the unsure pain sentences of ``doc`` (results changed in place).

    ``groups`` pairs each text's sentence results (``start``/``end`` relative to the text) with
    the character offset of the text in ``doc`` (several texts may share one Doc). Only the
    category of a pain sentence the rules are unsure of can change (:func:`choose_category`);
    the classifier is asked once for all of them, one sentence text at a time.
    """
    if _fast is not None and isinstance(model, CategoryModel) and model._fast_layers is not None:
        # the same in C, from the Doc's tokens
        if model._refiner is None:
            model._refiner = _fast.CategoryRefiner(model, CATEGORIES)
        model._refiner.refine(doc, groups, margin, weight)
        return
    unsure = [(r, off) for rows, off in groups for r in rows
              if r["is_pain"] and is_unsure(r.get("category_scores") or {}, r["category"], margin)]
    if not unsure:
        return
    probs = model.probabilities([_text_at(doc, off + r["start"], off + r["end"]) for r, off in unsure])
    for (r, _off), p in zip(unsure, probs, strict=True):
        r["category"] = choose_category(r.get("category_scores") or {}, r["category"], p, margin, weight)


def _text_at(doc: Doc, start: int, end: int) -> str:
    """``doc.text[start:end]`` for a span on token boundaries, without building all of
    ``doc.text`` (a batch Doc holds hundreds of texts)."""
    if _fast is not None:  # the same from the token structs, without a Span
        text = _fast.text_at(doc, start, end)
        if text is not None:
            return text
    span = doc.char_span(start, end)
    return span.text if span is not None else doc.text[start:end]
