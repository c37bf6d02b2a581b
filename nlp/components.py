"""The pain-point component: cue patterns (data files) + rules for negation, contrast, hypotheticals.

Registered as the spaCy factory ``"recorrido_pain_points"``; its patterns are loaded by the
registered function ``"recorrido.pain_patterns.v1"`` from ``data/patterns/<lang>/*.jsonl``.
Each pattern record is ``{"label", "pattern", "id", "weight"[, "category"]}``: a string pattern
goes to a :class:`~spacy.matcher.PhraseMatcher` on ``NORM`` (its unaccented spelling is added
too), a list of token dicts to a :class:`~spacy.matcher.Matcher`. Labels:

- a category of ``research.schema.CATEGORIES``: a pain cue of that category;
- ``negative``: a pain cue with no category of its own (category ``other`` unless others speak);
- ``POSITIVE``: praise; counts against pain, but a negated one ("not helpful") is a pain of its
  ``category``;
- ``EXPECTED``: what a service should do ("answered", "arrived"); neutral, a pain when negated;
- ``SUGGESTION``: a wish or proposal; a strong signal when the text answers an improvement
  question (the ``context``), a weak one otherwise.

Each sentence gets a score: pain cues minus praise, where cues after a contrast ("but", "pero",
"sin embargo") weigh more than those before it, negated cues flip (within a few tokens in the
same clause), and cues inside an "if"/"si" clause weigh little. Assumes sentence boundaries are
set (``recorrido_sentences`` runs first).

A pain sentence's category is the heaviest of its cue categories (``category_scores`` in the
results); when the rules are unsure (a close call, or ``other``), a small text classifier
(:mod:`nlp.category_model`, config ``category_model``) may pick another of those candidates.
"""

from __future__ import annotations

import json
import math
import unicodedata
from bisect import bisect_left, bisect_right
from functools import reduce
from operator import or_
from pathlib import Path

from spacy.attrs import IDX, LEMMA, LENGTH, LOWER, ORTH, SENT_START
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc
from spacy.util import registry

from nlp.lexicons import lexicon
from research.errors import InputError
from research.schema import CATEGORIES

try:  # the C helpers of nlp/_fast.pyx (scripts/build_fast.py); the pure Python here when not built
    from nlp import _fast
except ImportError:
    _fast = None

__all__ = ["DEFAULT_CONFIG", "PATTERNS_DIR", "load_patterns", "PainPointDetector",
           "is_improvement_question", "fold_accents"]

PATTERNS_DIR = Path(__file__).resolve().parent.parent / "data" / "patterns"

DEFAULT_CONFIG = {
    "patterns_dir": None,  # None = data/patterns/<lang>
    "threshold": 0.6,  # pain when (pain cues - praise) reaches this
    "negation_window": 4,  # tokens before a cue where a negator negates it
    "contrast_before": 0.5,  # weight of praise before the last "but" in a sentence
    "contrast_after": 1.5,  # weight of pain cues after it
    "hypothetical_factor": 0.3,  # weight of cues inside an "if" clause
    "positive_weight": 1.0,  # weight of praise against pain
    "negated_positive_weight": 1.0,  # "not helpful": a pain of this weight
    "negated_pain_praise": 0.3,  # "no problem": a little praise
    "suggestion_weight": 0.3,  # a suggestion without an improvement question
    "improvement_suggestion_weight": 1.0,  # a suggestion answering "what could we improve?"
    "improvement_bare_answer": 0.0,  # an answer to such a question with no cue at all
    "intensifier_boost": 0.3,  # extra weight of a cue right after "very", "muy"...
    "topic_below": 0.45,  # cues lighter than this ("website", "cédula") only suggest a category
    "praise_cap": 0.5,  # praise cancels at most this share of a sentence's pain
    "answer_boost": 2.0,  # a bare duration/count answering "how long?"/"how many times?" weighs this much more
    "implicit_category_factor": 0.5,  # share of a duration/count cue discounted when choosing a category
    # [winner, loser]: when a sentence has a real cue (not a topic word) of the winner, the loser's
    # weight goes to it: the loser names what the pain is about, the winner the pain itself
    # ("an extra fee to speed things up" is corruption, not a price)
    "category_precedence": [["trust", "cost"]],
    # a small text classifier (nlp.category_model) that weighs in when the rules' category is a
    # close call: True = the shipped model of the language (nlp/data/category_model/<lang>), a
    # folder = that model, None/False = the rules alone. It never changes pain or no pain.
    "category_model": True,
    "category_margin": 1.5,  # close call: the two heaviest categories this near, or "other"
    "category_model_weight": 0.5,  # the classifier's share against the rules' in a close call
}

_PAIN_LABELS = set(CATEGORIES) | {"negative"}
_INERT_LABELS = {"POSITIVE", "EXPECTED"}  # weigh nothing as pain unless negated
_BREAK_CHARS = set(",;:.!?()[]\"“”«»—–…")


def fold_accents(text: str) -> str:
    """``text`` without diacritics (ñ kept as n), for accent-insensitive matching.

    Examples
    --------
    >>> fold_accents("Esperé en la cédula pública")
    'Espere en la cedula publica'
    """
    return "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")


@registry.misc("recorrido.pain_patterns.v1")
def make_pattern_loader(path: str | None = None):
    """Return a loader of pattern records (registered as ``"recorrido.pain_patterns.v1"``)."""

    def load(lang: str) -> list[dict]:
        return load_patterns(lang, path)

    return load


def load_patterns(lang: str, path: str | Path | None = None) -> list[dict]:
    """Read every ``*.jsonl`` pattern file of ``lang`` (or of the folder ``path``).

    Parameters
    ----------
    lang : str
        ``"en"`` or ``"es"``.
    path : str or Path, optional
        A folder of ``*.jsonl`` files; default ``data/patterns/<lang>``.

    Returns
    -------
    list of dict
        The records, in file-name then line order.

    Raises
    ------
    InputError
        When a file is missing, a line is not JSON, or a record lacks ``label``/``pattern``.

    Examples
    --------
    >>> recs = load_patterns("es")
    >>> sorted({r["label"] for r in recs})[:3]
    ['EXPECTED', 'POSITIVE', 'SUGGESTION']
    """
    folder = Path(path) if path is not None else PATTERNS_DIR / lang
    files = sorted(folder.glob("*.jsonl"))
    if not files:
        raise InputError("no pattern files found", "check that data/patterns/<lang>/*.jsonl exist",
                         file=str(folder))
    out = []
    for f in files:
        for lineno, line in enumerate(f.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError:
                raise InputError("not a JSON line", "fix the pattern record", file=f.name,
                                 row=lineno) from None
            if not isinstance(rec, dict) or "label" not in rec or "pattern" not in rec:
                raise InputError("a pattern record needs label and pattern",
                                 'write {"label": ..., "pattern": ..., "id": ...}', file=f.name, row=lineno)
            out.append(rec)
    return out


def is_improvement_question(context: str | None, lang: str) -> bool:
    """True when ``context`` asks for problems or improvements ("What could we do better?").

    Examples
    --------
    >>> is_improvement_question("What could we do better?", "en")
    True
    >>> is_improvement_question("¿Qué le gustó?", "es")
    False
    """
    if not context:
        return False
    low = fold_accents(context.lower())
    return any(fold_accents(cue) in low for cue in lexicon(lang).IMPROVEMENT_QUESTION_CUES)


# Doc._.pain_context / Doc._.pain_sentences, read and written through user_data in the hot path
# (the same storage spaCy's ``doc._`` uses, without building an Underscore object per access)
CONTEXT_KEY = ("._.", "pain_context", None, None)
SENTENCES_KEY = ("._.", "pain_sentences", None, None)
if not Doc.has_extension("pain_context"):
    Doc.set_extension("pain_context", default=None)
if not Doc.has_extension("pain_sentences"):
    Doc.set_extension("pain_sentences", default=None)


@Language.factory("recorrido_pain_points", default_config=DEFAULT_CONFIG)
def make_pain_points(nlp: Language, name: str, patterns_dir: str | None, threshold: float,
                     negation_window: int, contrast_before: float, contrast_after: float,
                     hypothetical_factor: float, positive_weight: float,
                     negated_positive_weight: float, negated_pain_praise: float,
                     suggestion_weight: float, improvement_suggestion_weight: float,
                     improvement_bare_answer: float, intensifier_boost: float, topic_below: float,
                     praise_cap: float, answer_boost: float = 2.0, implicit_category_factor: float = 0.5,
                     category_precedence: list[list[str]] | None = None,
                     category_model: bool | str | None = True, category_margin: float = 1.5,
                     category_model_weight: float = 0.5):
    """Create the pain-point component (a spaCy factory; options in :data:`DEFAULT_CONFIG`)."""
    config = {k: v for k, v in locals().items() if k in DEFAULT_CONFIG}
    return PainPointDetector(nlp, name, **config)


class PainPointDetector:
    """Mark each sentence of a Doc as pain or not, with category, severity and cues.

    Writes ``doc._.pain_sentences``: one dict per non-blank sentence with ``start``, ``end``
    (character offsets), ``is_pain``, ``category``, ``severity``, ``cue_spans`` (character
    ``(start, end)`` of each cue; :mod:`nlp.painpoints` turns them into text) and ``score``. Reads
    ``doc._.pain_context`` (the question the text answers, optional).
    """

    def __init__(self, nlp: Language, name: str = "recorrido_pain_points", **config):
        unknown = set(config) - set(DEFAULT_CONFIG)
        if unknown:
            raise InputError(f"unknown pain_points option(s) {sorted(unknown)}",
                             f"use only {sorted(DEFAULT_CONFIG)}", file="config")
        self.name = name
        self.lang = nlp.lang
        self.cfg = {**DEFAULT_CONFIG, **config}
        self.lex = lexicon(self.lang)
        self.phrase_matcher = PhraseMatcher(nlp.vocab, attr="NORM")
        self.shape_matcher = PhraseMatcher(nlp.vocab, attr="SHAPE")
        # token patterns run only near one of their anchor words (a required token of the
        # pattern): spaCy's Matcher tests every pattern at every token, which is slow
        self.full_matcher = Matcher(nlp.vocab)
        anchor_groups: dict[tuple, Matcher] = {}
        anchor_needs: dict[tuple, list] = {}
        anchor_patterns: dict[tuple, list] = {}
        self.meta: dict[int, tuple[str, float, str | None]] = {}
        records = load_patterns(self.lang, self.cfg["patterns_dir"])
        for i, rec in enumerate(records):
            key = f"{rec.get('id') or rec['label']}#{i}"
            key_id = nlp.vocab.strings.add(key)
            self.meta[key_id] = (rec["label"], float(rec.get("weight", 1.0)), rec.get("category"))
            pattern = rec["pattern"]
            if isinstance(pattern, str) and rec.get("attr", "NORM").upper() == "SHAPE":
                self.shape_matcher.add(key, [nlp.make_doc(pattern)])
            elif isinstance(pattern, str):
                texts = {pattern.lower(), fold_accents(pattern.lower())}
                self.phrase_matcher.add(key, [nlp.make_doc(t) for t in texts])
            elif rec.get("anchor"):
                group = tuple(sorted(w.lower() for w in rec["anchor"]))
                if group not in anchor_groups:
                    anchor_groups[group] = Matcher(nlp.vocab)
                    anchor_needs[group] = []
                    anchor_patterns[group] = []
                anchor_groups[group].add(key, [pattern])
                anchor_patterns[group].append((key_id, pattern))
                anchor_needs[group].append(_required_words(pattern, nlp.vocab.strings))
            else:
                self.full_matcher.add(key, [pattern])
        # marker words and anchors go into the same PhraseMatcher: one pass over the Doc
        self.anchored: dict[int, Matcher] = {}  # anchor key -> Matcher of the patterns it anchors
        # anchor key -> per pattern, the words it cannot match without (skip windows that lack them)
        self.anchor_needs: dict[int, list] = {}
        # anchor key -> the same patterns for TokenPatternMatcher (None: spaCy's Matcher runs them)
        self.anchor_fast: dict[int, TokenPatternMatcher | None] = {}
        for k, (words, matcher) in enumerate(anchor_groups.items()):
            key = f"ANCHOR#{k}"
            self.phrase_matcher.add(key, [nlp.make_doc(w) for w in words])
            key_id = nlp.vocab.strings.add(key)
            self.anchored[key_id] = matcher
            self.anchor_needs[key_id] = anchor_needs[words]
            self.anchor_fast[key_id] = TokenPatternMatcher.build(anchor_patterns[words], nlp.vocab.strings)
        self.anchor_window = 8
        # the same patterns in C structs for nlp/_fast.pyx (None: not built, or a group needs spaCy's Matcher)
        self._c_anchored = None
        self._c_scorer = _fast.Scorer(self, _PAIN_LABELS) if _fast is not None else None
        if _fast is not None and all(f is not None for f in self.anchor_fast.values()):
            self._c_anchored = {k: _fast.TokenPatterns(f.patterns) for k, f in self.anchor_fast.items()}
        for label, words in (("NEG", self.lex.NEGATORS), ("INT", self.lex.INTENSIFIERS),
                             ("CONTRAST", self.lex.CONTRAST_MARKERS),
                             ("CONC", self.lex.CONCESSIVE_MARKERS),
                             ("HYPO", self.lex.HYPOTHETICAL_MARKERS),
                             ("THEN", self.lex.HYPOTHETICAL_CONSEQUENTS)):
            forms = {f for w in words for f in (w.lower(), fold_accents(w.lower()))}
            self.phrase_matcher.add(label, [nlp.make_doc(f) for f in forms])
        self.marker_ids = {nlp.vocab.strings[k]: k for k in ("NEG", "INT", "CONTRAST", "CONC", "HYPO", "THEN")}
        # both PhraseMatchers as C tries read from their own (nlp/_fast.pyx), now that they are
        # complete; None: not built, or a matcher the trie cannot stand in for
        self._c_phrases = self._c_shapes = None
        if _fast is not None:
            self._c_phrases = _fast.phrase_trie(self.phrase_matcher, self.meta, self.anchored,
                                                self.marker_ids)
            self._c_shapes = _fast.phrase_trie(self.shape_matcher, self.meta)
        self._flag_memo: dict[int, int] = {}
        self._flag_memo_c = _fast.LexMemo(self._flag_memo) if _fast is not None else None
        self._need_memo: dict[int, bool] = {}
        self.nothing_answers = {fold_accents(a) for a in self.lex.NOTHING_ANSWERS}
        self.need_openers = {fold_accents(w.lower()) for w in self.lex.NEED_OPENERS}
        self._asks_memo: dict[str, frozenset] = {}
        self.category_model = None
        if self.cfg["category_model"]:
            from nlp.category_model import load_category_model, refine_categories  # noqa: PLC0415 (imports us)

            model = self.cfg["category_model"]
            self.category_model = load_category_model(self.lang if model is True else model)
            self._refine_categories = refine_categories

    def _asks(self, context: str | None) -> frozenset:
        """Labels (``waiting``, ``repetition``) whose duration/count the question asks for."""
        if not context:
            return frozenset()
        got = self._asks_memo.get(context)
        if got is None:
            low = fold_accents(context.lower())
            got = frozenset(label for label, cues in (("waiting", self.lex.WAIT_QUESTION_CUES),
                                                      ("repetition", self.lex.REPEAT_QUESTION_CUES))
                            if any(fold_accents(c) in low for c in cues))
            if len(self._asks_memo) < 10000:
                self._asks_memo[context] = got
        return got

    # ------------------------------------------------------------------ matching
    def _match(self, doc: Doc, bounds: list[tuple[int, int]], words):
        """Cues ``(start, end, label, weight, category)`` sorted by position, and marker spans
        by kind (sorted by start), for the texts at token ranges ``bounds`` of ``doc``.

        Token patterns never run across two texts. ``words`` gives the ``ORTH``, ``LOWER`` and
        ``LEMMA`` columns of ``doc`` (a callable: computed only when an anchor is found).
        """
        found = []
        marks = {"NEG": [], "INT": [], "CONTRAST": [], "CONC": [], "HYPO": [], "THEN": []}
        anchors = []
        meta = self.meta
        if _fast is not None and self._c_phrases is not None:
            self._c_phrases.split(doc, found, anchors, marks)
        elif _fast is not None:
            _fast.phrase_matches(self.phrase_matcher, doc, meta, self.anchored, self.marker_ids, found, anchors,
                                 marks)
        else:
            for m, s, e in self.phrase_matcher(doc):
                info = meta.get(m)
                if info is not None:
                    found.append((s, e, *info))
                elif m in self.anchored:
                    anchors.append((m, s, e))
                else:
                    marks[self.marker_ids[m]].append((s, e))
        if len(self.shape_matcher) and _fast is not None and self._c_shapes is not None:
            self._c_shapes.split(doc, found)
        elif len(self.shape_matcher) and _fast is not None:
            _fast.phrase_cues(self.shape_matcher, doc, meta, found)
        elif len(self.shape_matcher):
            found += [(s, e, *meta[m]) for m, s, e in self.shape_matcher(doc)]
        if len(self.full_matcher):
            for lo, hi in bounds:
                if lo < hi:
                    found += [(s + lo, e + lo, *meta[m]) for m, s, e in self.full_matcher(doc[lo:hi])]
        if anchors:
            if self._c_anchored is not None and _fast is not None:
                found += _fast.anchored(doc, anchors, bounds, self._c_anchored, meta, self.anchor_window,
                                        words()["FLAGS"])
            else:
                found += self._anchored(doc, anchors, bounds, words())
        return (_fast.keep_cues if _fast is not None else _keep_cues)(found), marks

    def _anchored(self, doc: Doc, anchors, bounds, words) -> list[tuple]:
        """Matches of the token patterns near their anchors (``anchors`` sorted by start), one
        text at a time; a window that lacks a word every pattern of its group needs is skipped."""
        meta = self.meta
        out = []
        reach = self.anchor_window
        i = 0
        bi = 0
        while i < len(anchors):
            while bounds[bi][1] <= anchors[i][1]:
                bi += 1
            lo_text, hi_text = bounds[bi]
            windows: dict[int, list[list[int]]] = {}
            while i < len(anchors) and anchors[i][1] < hi_text:
                key, a, b = anchors[i]
                i += 1
                lo, hi = max(lo_text, a - reach), min(hi_text, b + 3)
                w = windows.setdefault(key, [])
                if w and lo <= w[-1][1]:
                    w[-1][1] = max(w[-1][1], hi)
                else:
                    w.append([lo, hi])
            for key, spans in windows.items():
                needs = self.anchor_needs[key]
                fast = self.anchor_fast[key]
                for lo, hi in spans:
                    if fast is not None:
                        out += [(s, e, *meta[m]) for m, s, e in fast.matches(words, lo, hi)]
                    elif _may_match(needs, words, lo, hi):
                        out += [(s + lo, e + lo, *meta[m]) for m, s, e in self.anchored[key](doc[lo:hi])]
        return out

    # ------------------------------------------------------------------ sentences
    def __call__(self, doc: Doc) -> Doc:
        context = doc.user_data.get(CONTEXT_KEY)
        doc.user_data[SENTENCES_KEY] = self.analyse(doc, [(0, len(doc), 0, context)])[0]
        return doc

    def analyse(self, doc: Doc, texts: list[tuple[int, int, int, str | None]],
                columns: dict | None = None) -> list[list[dict]]:
        """Sentence results of several texts tokenised into one Doc (what ``__call__`` writes to
        ``doc._.pain_sentences``, one list per text).

        Each text is ``(lo, hi, offset, context)``: its tokens ``doc[lo:hi]``, the character
        offset of its first character in ``doc.text`` (result offsets are relative to it) and the
        question it answers. Sentence starts must be set, and each text's first token must start
        one; texts must be in order and separated by whitespace tokens. The results are those of
        each text analysed alone. ``columns`` may bring token columns already read from ``doc``
        (lists by attribute name: ``ORTH``, ``IDX``, ``LENGTH``, ``LEMMA``, and ``SENT_STARTS``,
        the positions of sentence starts).
        """
        out: list[list[dict]] = [[] for _ in texts]
        n = len(doc)
        if n == 0:
            return out
        columns = dict(columns or {})
        c_scorer = self._c_scorer is not None and _fast is not None  # it reads IDX and LENGTH from the Doc
        if "SENT_STARTS" not in columns or (not c_scorer and ("IDX" not in columns or "LENGTH" not in columns)):
            arr = doc.to_array(_POSITION_ATTRS).astype("int64")
            columns["SENT_STARTS"] = (arr[:, 0] == 1).nonzero()[0].tolist()
            columns["IDX"] = arr[:, 1].tolist()
            columns["LENGTH"] = arr[:, 2].tolist()
        sent_starts, idx, length = columns["SENT_STARTS"], columns.get("IDX"), columns.get("LENGTH")
        if _fast is not None and self._flag_memo_c is not None:
            flags = self._flag_memo_c.values(doc)  # the memo, looked up in C
        else:
            if "ORTH" not in columns:
                columns["ORTH"] = doc.to_array(ORTH).tolist()
            if _fast is not None:
                flags = _fast.memo_values(self._flag_memo, columns["ORTH"])
            else:
                get = self._flag_memo.get
                flags = [get(o) for o in columns["ORTH"]]
        if None in flags:
            if "ORTH" not in columns:
                columns["ORTH"] = doc.to_array(ORTH).tolist()
            flags = [f if f is not None else self._flags(o, doc.vocab)
                     for f, o in zip(flags, columns["ORTH"], strict=True)]
        bounds = [(lo, hi) for lo, hi, _off, _ctx in texts]

        def word_columns():
            if self._c_anchored is not None and _fast is not None:  # _fast.anchored reads the Doc
                columns["FLAGS"] = flags
                return columns
            for attr, name in ((LOWER, "LOWER"), (LEMMA, "LEMMA"), (ORTH, "ORTH")):
                if name not in columns:
                    if _fast is not None and attr != ORTH:
                        columns[name] = (_fast.lower_column if attr == LOWER else _fast.lemma_column)(doc)
                    else:
                        columns[name] = doc.to_array(attr).tolist()
            columns["FLAGS"] = flags
            if "SENT_SET" not in columns:
                columns["SENT_SET"] = set(sent_starts)
            return columns

        cues, marks = self._match(doc, bounds, word_columns)
        if self._c_scorer is not None and _fast is not None:  # the loop below and _score, in C
            self._c_scorer.analyse(doc, texts, out, cues, marks, idx, length, flags, sent_starts,
                                   is_improvement_question, self.lang)
            return self._refined(doc, texts, out)
        facts = _Facts(doc, idx, length, flags, marks)
        ci = 0
        lang = self.lang
        topic_below = self.cfg["topic_below"]
        for k, (lo, hi, off, context) in enumerate(texts):
            if lo >= hi:
                continue
            improvement = bool(context) and is_improvement_question(context, lang)
            asks = self._asks(context)
            results = out[k]
            starts = [lo] + sent_starts[bisect_right(sent_starts, lo):bisect_left(sent_starts, hi)]
            for s0, s1 in zip(starts, starts[1:] + [hi], strict=True):
                while s0 < s1 and flags[s0] & _SPACE:
                    s0 += 1
                e1 = s1
                while e1 > s0 and flags[e1 - 1] & _SPACE:
                    e1 -= 1
                if s0 >= e1:
                    continue
                mine = []
                while ci < len(cues) and cues[ci][0] < s1:
                    if cues[ci][0] >= s0:
                        mine.append(cues[ci])
                    ci += 1
                # no cue, or only praise, expectations and topic words with no negator in
                # sight: nothing can make the sentence a pain (what _score would find, cheaper)
                if not improvement and (not mine or (
                        all(c[2] in _INERT_LABELS or (c[3] < topic_below and c[2] in _PAIN_LABELS) for c in mine)
                        and not facts.has_mark("NEG", s0, e1))):
                    results.append({"start": idx[s0] - off, "end": idx[e1 - 1] + length[e1 - 1] - off,
                                    "is_pain": False, "category": None, "severity": 0.0, "cue_spans": [],
                                    "score": 0.0})
                    continue
                results.append(self._score(facts, s0, e1, mine, improvement, asks, off))
        return self._refined(doc, texts, out)

    def _refined(self, doc: Doc, texts: list[tuple], out: list[list[dict]]) -> list[list[dict]]:
        """``out`` after the category classifier's say on the rules' close calls (when it is on)."""
        if self.category_model is not None:
            self._refine_categories(self.category_model, doc, [(out[k], t[2]) for k, t in enumerate(texts)],
                                    self.cfg["category_margin"], self.cfg["category_model_weight"])
        return out

    def _flags(self, orth: int, vocab) -> int:
        """Bits of a word form (memoised): space, clause break, number, "!", shouting."""
        lex = vocab[orth]
        t = lex.orth_
        f = ((_SPACE if lex.is_space else 0) | (_BRK if t in _BREAK_CHARS or "\n" in t else 0)
             | (_NUM if lex.like_num else 0) | (_EXCL if "!" in t else 0)
             | (_SHOUT if t.isupper() and len(t) > 3 else 0) | (_PUNCT if lex.is_punct else 0)
             | (_ALPHA if lex.is_alpha else 0))
        self._flag_memo[orth] = f
        return f

    # ------------------------------------------------------------------ scoring
    def _negated(self, flags, start, s0, neg_marks, contrast_starts) -> int | None:
        """Token index of the negator governing a cue at ``start``, or None."""
        lo = max(s0, start - self.cfg["negation_window"])
        for ns, ne in neg_marks:
            if lo < ne <= start:
                # no clause break between the negator and the cue
                if any(flags[j] & _BRK for j in range(ne, start)):
                    continue
                if any(ne <= c < start for c in contrast_starts):
                    continue
                return ns
        return None

    def _score(self, fx, s0, e1, cues, improvement, asks, off) -> dict:
        cfg = self.cfg
        flags = fx.flags
        neg_all, ints, contrasts, hypos, opening = fx.sentence_marks(s0, e1)
        # a negator inside a longer cue ("nobody answered", "ningún problema") belongs to it:
        # it negates no other pain cue, and such a cue is not negated again ("no ... ningún")
        if neg_all:
            neg = [m for m in neg_all if not any(c[0] <= m[0] and m[1] <= c[1] and c[1] - c[0] > m[1] - m[0]
                                                 for c in cues)]
            self_negated = {(c[0], c[1]) for c in cues if any(c[0] <= m[0] and m[1] <= c[1] for m in neg_all)}
        else:
            neg = neg_all
            self_negated = set()
        pivot = contrasts[-1][1] if contrasts else None
        praise_everywhere = 1.0
        if opening:  # "Although it was clean, the food was cold": the point follows the comma
            ce = opening[0][1]
            later = [c for c in contrasts if c[0] >= ce]
            first_break = next((j for j in range(ce, e1 - 1) if flags[j] & _BRK), None)
            if later:
                pivot = later[-1][1]
            elif first_break is not None:
                pivot = first_break + 1
            else:
                pivot = None
                praise_everywhere = cfg["contrast_before"]
        contrast_starts = [c[0] for c in contrasts]
        hypo_ranges = []
        thens = fx.marks_in("THEN", s0, e1) if hypos else ()
        for hs, he in hypos:
            end = he
            while end < e1 and not flags[end] & _BRK:
                end += 1
            # "if you want it quickly you have to know someone": the obligation is no hypothesis
            end = min([end] + [ts for ts, _te in thens if he + 2 <= ts < end])
            hypo_ranges.append((hs, end))

        # "Sin licencia no puedo trabajar" / "Without the permit we can't open": a need, not a pain
        need = bool(neg_all) and any(m[0] > s0 + 1 for m in neg_all) and self._is_need_opener(fx.doc, s0)
        pain = praise = suggestion = 0.0
        implicit_pain = explicit_pain = 0.0
        by_cat: dict[str, float] = {}
        top_cue: dict[str, float] = {}  # the heaviest single cue of each category (breaks ties)
        implicit_by_cat: dict[str, float] = {}
        pain_cues: list[tuple[int, int]] = []
        implicit = n_int = 0
        idx, length = fx.idx, fx.length
        for s, e, label, weight, category in cues:
            praise_label = label == "POSITIVE"
            # the clause after "but" carries the point: its pains weigh more, and praise
            # before it weighs less ("kind, but I waited four hours")
            if pivot is None:
                f = praise_everywhere if praise_label else 1.0
            elif s >= pivot:
                f = 1.0 if praise_label else cfg["contrast_after"]
            else:
                f = cfg["contrast_before"] if praise_label else 1.0
            # a cue that opens with the marker itself ("if I paid", "si le daba") is no hypothetical
            # (nor is one that opens with the need word: "Sin palanca no te atienden")
            if (hypo_ranges and any(hs < s < he for hs, he in hypo_ranges)) or (need and s > s0):
                f *= cfg["hypothetical_factor"]
            if need and label in ("negative", "EXPECTED"):
                continue  # "we can't get it registered" is what the missing thing would cause
            intensified = bool(ints) and any(ie <= s and s - ie <= 1 for _is, ie in ints)
            boost = 1.0 + cfg["intensifier_boost"] if intensified else 1.0
            if (s, e) in self_negated or not neg_all:
                negator = None
            else:  # negators inside pain cues still negate praise ("no funciona bien")
                negator = self._negated(flags, s, s0, neg if label in _PAIN_LABELS else neg_all,
                                        contrast_starts)
            if label in _PAIN_LABELS:
                if negator is not None:
                    praise += cfg["negated_pain_praise"] * f
                    continue
                # a duration or count ("tres horas", "three times") is an implicit pain
                is_implicit = label in ("waiting", "repetition") and any(
                    flags[j] & _NUM for j in range(s, e))
                # a bare one ("four hours", "tres veces", not "Esperé tres horas") says no more
                bare = is_implicit and bool(flags[s] & _NUM)
                w = weight * f * boost
                if bare and label in asks:
                    w *= cfg["answer_boost"]  # "About four hours." answering "How long did you wait?"
                cat = label if label != "negative" else "other"
                by_cat[cat] = by_cat.get(cat, 0.0) + w
                if w > top_cue.get(cat, 0.0):
                    top_cue[cat] = w
                if weight < cfg["topic_below"]:
                    continue  # a topic word: it names the category, not a pain
                pain += w
                pain_cues.append((idx[s] - off, idx[e - 1] + length[e - 1] - off))
                if is_implicit:
                    implicit += 1
                    implicit_pain += w
                    if bare:
                        implicit_by_cat[cat] = implicit_by_cat.get(cat, 0.0) + w
                else:
                    explicit_pain += w
                n_int += intensified
            elif label in ("POSITIVE", "EXPECTED"):
                if negator is not None:
                    w = cfg["negated_positive_weight"] * f * boost
                    pain += w
                    explicit_pain += w
                    cat = category or "other"
                    by_cat[cat] = by_cat.get(cat, 0.0) + w
                    if w > top_cue.get(cat, 0.0):
                        top_cue[cat] = w
                    pain_cues.append((idx[negator] - off, idx[e - 1] + length[e - 1] - off))
                    n_int += intensified
                elif praise_label:
                    praise += weight * f * boost * cfg["positive_weight"]
            elif label == "SUGGESTION" and negator is None:
                suggestion += weight * f
                if improvement:
                    pain_cues.append((idx[s] - off, idx[e - 1] + length[e - 1] - off))

        if implicit_pain and not explicit_pain and praise > 0 and not contrasts:
            # "took me about ten minutes, it was painless": a praised duration is no wait
            pain -= implicit_pain
        if improvement:
            pain += suggestion * cfg["improvement_suggestion_weight"]
            nothing = self._is_nothing(fx.doc, s0, e1)
            if nothing:
                pain = 0.0
            elif not cues:
                pain += cfg["improvement_bare_answer"]
        else:
            pain += suggestion * cfg["suggestion_weight"]
        net = pain - min(praise, cfg["praise_cap"] * pain)
        is_pain = net >= cfg["threshold"] and pain > 0
        category = None
        severity = 0.0
        specific: dict[str, float] = {}
        if is_pain:
            category, specific = self._category(by_cat, top_cue, implicit_by_cat, fx.doc, s0, e1)
            severity = 1.0 - math.exp(-net / 2.5)
            severity += 0.1 * min(n_int, 2) + 0.1 * min(implicit, 1)
            bits = reduce(or_, flags[s0:e1], 0)
            severity += 0.1 if bits & _EXCL else 0.0
            if bits & _SHOUT:
                severity += 0.05
            severity = round(min(1.0, max(0.05, severity)), 2)
        return {
            "start": idx[s0] - off,
            "end": idx[e1 - 1] + length[e1 - 1] - off,
            "is_pain": bool(is_pain),
            "category": category,
            "severity": severity,
            "cue_spans": list(dict.fromkeys(pain_cues)) if is_pain else [],
            "score": round(net, 3),
            # the weight of each category that had a say (after the rules above), for a later step
            # that may weigh a close call again (nlp.category_model); empty when not a pain
            "category_scores": specific,
        }

    def _category(self, by_cat: dict, top_cue: dict, implicit_by_cat: dict, doc: Doc, s0: int,
                  e1: int) -> tuple[str, dict[str, float]]:
        """The category of a pain sentence from its cue weight per category (``by_cat``), its
        heaviest cue per category and the weight of its bare durations/counts per category, and
        the final weight of each candidate category (``category_scores``)."""
        cfg = self.cfg
        specific = {k: v for k, v in by_cat.items() if k != "other"}
        if "repetition" in specific and "internal_tools" in specific and self._servant_voice(doc, s0, e1):
            # staff doing their own work twice ("we type every claim in twice by hand"): tools
            specific["internal_tools"] += specific.pop("repetition")
        if "channel_failure" in specific and self._own_system(doc, s0, e1):
            # "our database crashes every afternoon": the staff's own tools fail them
            specific["internal_tools"] = specific.get("internal_tools", 0.0) + specific.pop("channel_failure")
        for winner, loser in cfg["category_precedence"] or ():
            if winner in specific and loser in specific and top_cue.get(winner, 0.0) >= cfg["topic_below"]:
                specific[winner] += specific.pop(loser)
        if implicit_by_cat:  # a failure cue outranks the count or duration that goes with it
            damped = {k: v - cfg["implicit_category_factor"] * implicit_by_cat.get(k, 0.0)
                      for k, v in specific.items()}
            if max(damped.values()) >= 0.3:
                specific = damped
        if len(specific) == 1:  # the usual case, without the tie-break keys below
            ((category, weight),) = specific.items()
            return (category if weight >= 0.3 else "other"), specific
        if specific and max(specific.values()) >= 0.3:
            # a tie goes to the category of the heaviest single cue, then to the earlier key
            category = max(specific, key=lambda k: (round(specific[k], 6), top_cue.get(k, 0.0),
                                                    -CATEGORIES.index(k)))
        else:
            category = "other"
        return category, specific

    def _is_need_opener(self, doc: Doc, i: int) -> bool:
        """Whether token ``i`` is a need word ("sin", "without"); memoised per word form."""
        tok = doc[i]
        got = self._need_memo.get(tok.orth)
        if got is None:
            got = self._need_memo[tok.orth] = fold_accents(tok.lower_) in self.need_openers
        return got

    def _servant_voice(self, doc: Doc, s0: int, e1: int) -> bool:
        """Whether the sentence speaks in the first person plural ("we", "our"; "capturamos")."""
        words, ends = self.lex.SERVANT_VOICE, self.lex.SERVANT_VOICE_ENDINGS
        if _fast is not None:  # the same without a Token object per word
            return any(w in words or (ends and n > 5 and w.endswith(ends))
                       for w, n in zip(_fast.lowers(doc, s0, e1), _fast.lengths(doc, s0, e1), strict=True))
        return any(t.lower_ in words or (ends and len(t) > 5 and t.lower_.endswith(ends)) for t in doc[s0:e1])

    def _own_system(self, doc: Doc, s0: int, e1: int) -> bool:
        """Whether the sentence names the speaker's own system ("our database", "nuestro sistema")."""
        lowers = _fast.lowers(doc, s0, e1) if _fast is not None else [t.lower_ for t in doc[s0:e1]]
        systems = self.lex.OWN_SYSTEM_WORDS
        return any(w in self.lex.OWN_SYSTEM_POSSESSIVES and any(x in systems for x in lowers[i + 1:i + 4])
                   for i, w in enumerate(lowers))

    def _is_nothing(self, doc, s0, e1) -> bool:
        words = " ".join(t.lower_ for t in doc[s0:e1] if not t.is_punct and not t.is_space)
        return fold_accents(words) in self.nothing_answers


# token columns read once per Doc (Token objects cost more than tokenising)
_POSITION_ATTRS = [SENT_START, IDX, LENGTH]
# bits of a word form (PainPointDetector._flags)
_SPACE, _BRK, _NUM, _EXCL, _SHOUT, _PUNCT, _ALPHA = 1, 2, 4, 8, 16, 32, 64
_WORD_COLUMNS = ("ORTH", "LOWER", "LEMMA")


def _keep_cues(found: list[tuple]) -> list[tuple]:
    """The cues ``_match`` keeps of ``found`` (``(start, end, label, weight, category)``).

    A cue inside a longer cue ("working" in "not working") is dropped; the same span found by
    two patterns of one label counts once, with the larger weight (the first of equals); sorted
    by start, then longest first.
    """
    best: dict[tuple, tuple] = {}
    for c in found:
        key = (c[0], c[1], c[2])
        if key not in best or c[3] > best[key][3]:
            best[key] = c
    found = sorted(best.values(), key=lambda c: (c[0], -(c[1] - c[0])))
    kept = []
    reach = -1  # the furthest end of a kept cue: a cue ending beyond it is inside none
    for c in found:
        if c[1] <= reach and any(k[0] <= c[0] and c[1] <= k[1] and (k[1] - k[0]) > (c[1] - c[0])
                                 for k in kept[-12:]):
            continue
        kept.append(c)
        if c[1] > reach:
            reach = c[1]
    return kept


def _required_words(pattern: list[dict], strings) -> list[tuple[str, frozenset]]:
    """What a token pattern cannot match without: for each of its tokens that must occur once
    or more, ``(column, ids)`` when it asks for one of some ``ORTH``/``LOWER``/``LEMMA`` values."""
    out = []
    for tok in pattern:
        if tok.get("OP", "1") not in ("1", "+"):
            continue
        for attr in _WORD_COLUMNS:
            want = tok.get(attr)
            if isinstance(want, str):
                values = [want]
            elif isinstance(want, dict) and set(want) == {"IN"}:
                values = want["IN"]
            else:
                continue
            out.append((attr, frozenset(strings.add(v) for v in values)))
    return out


def _may_match(needs: list[list[tuple[str, frozenset]]], columns: dict, lo: int, hi: int) -> bool:
    """False when no pattern of a group can match tokens ``lo:hi`` (a required word is missing)."""
    seen = {}
    for reqs in needs:
        for attr, ids in reqs:
            have = seen.get(attr)
            if have is None:
                have = seen[attr] = set(columns[attr][lo:hi])
            if ids.isdisjoint(have):
                break
        else:
            return True
    return False


class _Facts:
    """Per-Doc token facts as plain lists, and marker spans of one kind between two tokens."""

    __slots__ = ("doc", "idx", "length", "flags", "_marks", "_starts")

    def __init__(self, doc: Doc, idx: list[int], length: list[int], flags: list[int], marks: dict):
        self.doc = doc
        self.idx = idx
        self.length = length
        self.flags = flags
        self._marks = marks
        self._starts = {kind: [m[0] for m in spans] for kind, spans in marks.items()}

    def has_mark(self, kind: str, a: int, b: int) -> bool:
        """Whether a marker span of ``kind`` starts at one of tokens ``a`` to ``b - 1``."""
        starts = self._starts[kind]
        i = bisect_left(starts, a)
        return i < len(starts) and starts[i] < b

    def sentence_marks(self, s0: int, e1: int) -> tuple[list, list, list, list, list]:
        """Marker spans of the sentence at tokens ``s0:e1``: negators, intensifiers, contrasts
        (not on its last token), hypotheticals, and concessions opening it (first two tokens)."""
        marks, starts = self._marks, self._starts
        out = []
        for kind, a, b in (("NEG", s0, e1), ("INT", s0, e1), ("CONTRAST", s0, e1 - 1), ("HYPO", s0, e1),
                           ("CONC", s0, s0 + 2)):
            st = starts[kind]
            i = bisect_left(st, a)
            out.append(marks[kind][i:bisect_left(st, b, i)] if i < len(st) and st[i] < b else [])
        return tuple(out)

    def marks_in(self, kind: str, a: int, b: int) -> list[tuple[int, int]]:
        """Marker spans of ``kind`` starting at tokens ``a`` to ``b - 1``."""
        starts = self._starts[kind]
        return self._marks[kind][bisect_left(starts, a):bisect_left(starts, b)]


_FLAG_TESTS = {"LIKE_NUM": _NUM, "IS_PUNCT": _PUNCT, "IS_ALPHA": _ALPHA, "IS_SPACE": _SPACE}
_WORD, _FLAG, _SENT = range(3)


class TokenPatternMatcher:
    """spaCy's ``Matcher`` for the token patterns our pattern files use, on token columns.

    spaCy's Matcher calls Python for every ``IN`` test at every token, and each call has a
    fixed cost that dwarfs a window of a dozen tokens. This one supports ``ORTH``, ``LOWER``
    and ``LEMMA`` (a string or ``{"IN": [...]}``), ``LIKE_NUM``, ``IS_PUNCT``, ``IS_ALPHA``,
    ``IS_SPACE``, ``IS_SENT_START`` (true/false), the empty wildcard ``{}`` and the operators
    ``?``, ``+``, ``*``; it finds what spaCy finds: every ``(start, end)`` at which the whole
    pattern matches, once per pattern. :meth:`build` returns None for a pattern it does not
    support (spaCy's Matcher then runs it).
    """

    __slots__ = ("patterns",)

    def __init__(self, patterns: list[tuple[int, tuple]]):
        self.patterns = patterns  # (key id, compiled tokens, tests a first token passes or None)

    @classmethod
    def build(cls, patterns: list[tuple[int, list[dict]]], strings) -> TokenPatternMatcher | None:
        compiled = []
        for key, pattern in patterns:
            tokens = []
            for spec in pattern:
                op = spec.get("OP", "1")
                if op not in ("1", "?", "+", "*"):
                    return None
                tests = []
                for attr, want in spec.items():
                    if attr == "OP":
                        continue
                    if attr in _WORD_COLUMNS:
                        if isinstance(want, str):
                            values = [want]
                        elif isinstance(want, dict) and set(want) == {"IN"} and isinstance(want["IN"], list):
                            values = want["IN"]
                        else:
                            return None
                        tests.append((_WORD, attr, frozenset(strings.add(v) for v in values)))
                    elif attr in _FLAG_TESTS and isinstance(want, bool):
                        tests.append((_FLAG, _FLAG_TESTS[attr], want))
                    elif attr == "IS_SENT_START" and isinstance(want, bool):
                        tests.append((_SENT, None, want))
                    else:
                        return None
                tokens.append((op, tuple(tests)))
            compiled.append((key, tuple(tokens), _first_tests(tokens)))
        return cls(compiled)

    def matches(self, columns: dict, lo: int, hi: int) -> list[tuple[int, int, int]]:
        """``(key, start, end)`` of every match inside tokens ``lo:hi`` (absolute positions).

        ``columns`` holds the token columns ``ORTH``, ``LOWER``, ``LEMMA`` (string ids),
        ``FLAGS`` (the bits of ``PainPointDetector._flags``) and ``SENT_SET`` (positions that
        start a sentence).
        """
        out = []
        for key, tokens, first in self.patterns:
            if first is None:
                starts = range(lo, hi)
            elif len(first) == 1 and len(first[0]) == 1 and first[0][0][0] == _WORD:  # one of some words
                _kind, what, wanted = first[0][0]
                column = columns[what]
                starts = [s for s in range(lo, hi) if column[s] in wanted]
            else:  # a match starts with a token that passes the tests of one of its first tokens
                starts = [s for s in range(lo, hi) if any(_token_ok(tests, s, columns) for tests in first)]
            for s in starts:
                ends = set()
                _ends(tokens, 0, s, hi, columns, ends)
                out += [(key, s, e) for e in sorted(ends) if e > s]
        return out


def _first_tests(tokens: tuple) -> tuple | None:
    """The tests of the tokens a match can start with (optional tokens, then the first required
    one): its first token passes one of them. None when one of them is a wildcard."""
    out = []
    for op, tests in tokens:
        if not tests:
            return None
        out.append(tests)
        if op in ("1", "+"):
            return tuple(out)
    return None  # every token optional


def _token_ok(tests, i: int, columns: dict) -> bool:
    for kind, what, want in tests:
        if kind == _WORD:
            if columns[what][i] not in want:
                return False
        elif kind == _FLAG:
            if bool(columns["FLAGS"][i] & what) != want:
                return False
        elif (i in columns["SENT_SET"]) != want:
            return False
    return True


def _ends(tokens, k: int, i: int, hi: int, columns: dict, out: set) -> None:
    """Add to ``out`` every end position at which ``tokens[k:]`` matches from token ``i``."""
    if k == len(tokens):
        out.add(i)
        return
    op, tests = tokens[k]
    if op in ("?", "*"):
        _ends(tokens, k + 1, i, hi, columns, out)
    if op in ("1", "?"):
        if i < hi and _token_ok(tests, i, columns):
            _ends(tokens, k + 1, i + 1, hi, columns, out)
    else:  # "+" or "*": one token or more
        j = i
        while j < hi and _token_ok(tests, j, columns):
            j += 1
            _ends(tokens, k + 1, j, hi, columns, out)
