"""spaCy pipelines per language: blank tokenizer, speech-proof sentences, lookup lemmas, pain points.

:func:`make_nlp` builds a pipeline from ``spacy.blank(lang)`` (``"en"`` or ``"es"``) and adds,
in order:

``recorrido_sentences``
    a rule-based sentence splitter for interview speech (abbreviations such as "Sr.", "Dra.",
    "p.m." and "B/." do not end a sentence; line breaks, ``? ! …`` and "¿" after an unpunctuated
    clause do).
``recorrido_lemmatizer``
    spaCy's lookup lemmatizer (tables from ``spacy-lookups-data``, installed with the package;
    nothing is downloaded) that also lemmatises capitalised words.
``recorrido_pain_points``
    the pain-point component of :mod:`nlp.components`, configured from its default config.

Abbreviations (:mod:`nlp.lexicons`) are recognised by the splitter whether the tokenizer keeps
"Sr." whole or splits "Sr" + "." (tokenizer special cases containing a period would put every text
through spaCy's slow special-case pass). A trained
spaCy pipeline (``en_core_web_sm`` / ``es_core_news_sm``) is used only when asked for with
``config={"trained": True}`` and when it is already installed.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from functools import cache

import numpy
import spacy
from spacy.attrs import LEMMA, ORTH, SENT_START, SPACY
from spacy.errors import Errors
from spacy.language import Language
from spacy.pipeline import Lemmatizer
from spacy.tokens import Doc, Token

from nlp import components  # noqa: F401  (registers recorrido_pain_points)
from nlp.lexicons import LANGS, lexicon
from research.errors import InputError

try:  # the C helpers of nlp/_fast.pyx (scripts/build_fast.py); the pure Python here when not built
    from nlp import _fast
except ImportError:
    _fast = None

__all__ = ["make_nlp", "get_nlp", "sentence_spans", "TRAINED_PIPELINES"]

TRAINED_PIPELINES = {"en": "en_core_web_sm", "es": "es_core_news_sm"}

_TERMINAL = re.compile(r"^[.!?…。]+$|^[!?]+[.!?]*$")
_ELLIPSIS = re.compile(r"^(\.\.+|…)$")
_CLOSERS = {'"', "'", "”", "’", ")", "]", "»"}
_OPENERS = {"¿", "¡"}
(_WORD, _SPACE, _NEWLINE, _TERMINAL_KIND, _ELLIPSIS_KIND, _CLOSER, _OPENER, _FINAL_ABBR, _ABBR,
 _ABBR_STEM, _FINAL_STEM) = range(11)


@Language.factory(
    "recorrido_sentences",
    default_config={"final_abbreviations": None},
)
def make_sentence_splitter(nlp: Language, name: str, final_abbreviations: list[str] | None):
    """Create the speech-proof sentence splitter (a spaCy factory)."""
    if final_abbreviations is None:
        final_abbreviations = list(lexicon(nlp.lang).SENTENCE_FINAL_ABBREVIATIONS)
    return SentenceSplitter(final_abbreviations, lexicon(nlp.lang).ABBREVIATIONS)


class SentenceSplitter:
    """Set ``Token.is_sent_start`` on every token with rules for transcribed speech.

    A sentence starts after ``. ! ? …`` (an ellipsis only when the next word is not lower case),
    after a line break, after an abbreviation that can close a sentence ("etc.", "p.m.") when a
    capital follows, and at "¿"/"¡" that follow an unpunctuated word.
    """

    def __init__(self, final_abbreviations, abbreviations=()):
        self.final_abbreviations = {a.lower() for a in final_abbreviations}
        # "Sr." may come as one token or as "Sr" + "."; both are abbreviations
        self.abbreviations = {a.lower() for a in abbreviations} | self.final_abbreviations
        self._memo: dict[int, tuple] = {}
        self._kinds: dict[int, int] = {}
        self._kinds_c = _fast.LexMemo(self._kinds) if _fast is not None else None

    def _kind(self, text: str) -> int:
        if text.isspace():
            return _NEWLINE if "\n" in text else _SPACE
        if _ELLIPSIS.match(text):
            return _ELLIPSIS_KIND
        if _TERMINAL.match(text):
            return _TERMINAL_KIND
        if text in _CLOSERS:
            return _CLOSER
        if text in _OPENERS:
            return _OPENER
        low = text.lower()
        if low in self.final_abbreviations:
            return _FINAL_ABBR
        if low in self.abbreviations:
            return _ABBR
        if low + "." in self.final_abbreviations:
            return _FINAL_STEM
        if low + "." in self.abbreviations:
            return _ABBR_STEM
        return _WORD

    def _facts(self, orth: int, vocab) -> tuple[int, bool, bool, bool]:
        """Kind, is lower, is title, is punctuation of a word form (all lexical: memoised)."""
        lex = vocab[orth]
        facts = (self._kind(lex.orth_), lex.is_lower, lex.is_title, lex.is_punct)
        self._memo[orth] = facts
        self._kinds[orth] = facts[0]
        return facts

    def __call__(self, doc: Doc) -> Doc:
        n = len(doc)
        if n == 0:
            return doc
        rows = doc.to_array(_ORTH_SPACY)
        out = numpy.empty((n, 1), dtype="uint64")
        self.starts(doc, rows[:, 0].tolist(), rows[:, 1].tolist(), out[:, 0])
        doc.from_array(_SENT_START, out)
        return doc

    def _kinds_of(self, orths: list[int] | None, vocab, doc: Doc | None = None) -> list[int]:
        """The kind of each word form in ``orths`` (``doc``'s ``ORTH`` column when given; None:
        read from ``doc``)."""
        if _fast is not None and doc is not None and self._kinds_c is not None:
            kinds = self._kinds_c.values(doc)
        elif _fast is not None:
            kinds = _fast.memo_values(self._kinds, orths)
        else:
            get = self._kinds.get
            kinds = [get(orth) for orth in orths]
        if None in kinds:
            if orths is None:
                orths = doc.to_array(ORTH).tolist()
            kinds = [k if k is not None else self._facts(o, vocab)[0] for k, o in zip(kinds, orths, strict=True)]
        return kinds

    def starts_of_texts(self, doc: Doc, orths: list[int], spacy: list[int], texts: list[tuple[int, int]],
                        out) -> list[int]:
        """:meth:`starts` for several texts tokenised into one Doc, at token ranges ``texts``
        (``(lo, hi)``, in order): each gets the sentences it would get alone. Returns the sentence
        start positions (the other tokens get -1 in ``out``; ``out`` None: nothing written).
        """
        kinds = self._kinds_of(orths, doc.vocab, doc)
        strings = doc.vocab.strings
        if _fast is not None:  # orths and spacy may be None there (read from the Doc)
            found = _fast.sentence_starts(kinds, orths, spacy, texts, _SPECIAL, _KIND_CODES, self._memo,
                                          strings["."], doc)
        else:
            if orths is None or spacy is None:
                rows = doc.to_array(_ORTH_SPACY)
                orths, spacy = rows[:, 0].tolist(), rows[:, 1].tolist()
            found = self._texts_starts(kinds, orths, spacy, texts, strings)
        if out is None:
            return found
        out[:] = _MINUS_ONE
        out[0] = 1
        out[found] = 1
        return found

    def _texts_starts(self, kinds: list[int], orths: list[int], spacy: list[int], texts: list[tuple[int, int]],
                      strings) -> list[int]:
        special = [i for i, k in enumerate(kinds) if k in _SPECIAL]
        found = []
        for lo, hi in texts:
            if lo < hi:
                found += self._starts_in(kinds, orths, spacy, lo, hi,
                                         special[bisect_left(special, lo):bisect_left(special, hi)], strings)
        return found

    def starts(self, doc: Doc, orths: list[int], spacy: list[int], out) -> None:
        """Write ``SENT_START`` of each token (1 or -1, as uint64) into the array ``out``.

        ``orths`` and ``spacy`` are the ``ORTH`` and ``SPACY`` columns of ``doc.to_array``.
        """
        kinds = self._kinds_of(orths, doc.vocab, doc)
        special = [i for i, k in enumerate(kinds) if k in _SPECIAL]
        out[:] = _MINUS_ONE
        out[self._starts_in(kinds, orths, spacy, 0, len(kinds), special, doc.vocab.strings)] = 1

    def _starts_in(self, kinds: list[int], orths: list[int], spacy: list[int], lo: int, hi: int,
                   special: list[int], strings) -> list[int]:
        """Sentence starts among tokens ``lo:hi`` (one text), ``lo`` first. ``special`` lists the
        positions in ``lo:hi`` whose kind is in ``_SPECIAL``; ``kinds`` may be changed there."""
        found = [lo]
        # no token that can end a sentence before the last one, and no "¿"/"¡": one sentence
        if all(j == hi - 1 and kinds[j] != _OPENER for j in special):
            return found
        memo = self._memo
        if any(kinds[j] in _STEMS for j in special):
            stem = _WORD
            for i in range(lo, hi):
                k = kinds[i]
                if stem and k == _TERMINAL_KIND and strings[orths[i]] == ".":
                    k = kinds[i] = _FINAL_ABBR if stem == _FINAL_STEM else _ABBR  # "Sr" + "."
                stem = k if k in (_ABBR_STEM, _FINAL_STEM) and not spacy[i] else _WORD
        # a sentence can only start at the first word after a line break, a terminal mark, a
        # closing quote or a final abbreviation, or at "¿"/"¡": look at those words only
        spaces = (_SPACE, _NEWLINE)
        candidates = set()
        for j in special:
            k = kinds[j]
            if k == _OPENER:
                candidates.add(j)
            elif k in _TRIGGERS:
                i = j + 1
                while i < hi and kinds[i] in spaces:
                    i += 1
                if i < hi:
                    candidates.add(i)
        for i in sorted(candidates):
            if i == lo:
                continue
            k = kinds[i]
            prev_i = i - 1
            newline = False
            while prev_i >= lo and kinds[prev_i] in spaces:
                newline = newline or kinds[prev_i] == _NEWLINE
                prev_i -= 1
            if prev_i < lo:
                continue  # only spaces before it
            prev = kinds[prev_i]
            if k in _ENDERS and kinds[i - 1] not in spaces:
                continue  # "!!", '."' stay with their sentence
            if newline:
                start = True
            elif prev == _ELLIPSIS_KIND:
                start = not memo[orths[i]][1]
            elif prev == _TERMINAL_KIND or (
                    prev == _CLOSER and prev_i >= lo + 1 and kinds[prev_i - 1] in _TERMINALS):
                start = True
            elif prev == _FINAL_ABBR:
                start = memo[orths[i]][2]
            else:
                start = k == _OPENER and not memo[orths[prev_i]][3]
            if start:
                found.append(i)
        return found


_KIND_CODES = (_WORD, _SPACE, _NEWLINE, _TERMINAL_KIND, _ELLIPSIS_KIND, _CLOSER, _OPENER, _FINAL_ABBR, _ABBR,
               _ABBR_STEM, _FINAL_STEM)
_MINUS_ONE = numpy.uint64(2**64 - 1)  # -1 as spaCy's uint64 arrays hold it
_SENT_START = [SENT_START]
_ORTH_SPACY = [ORTH, SPACY]
_STARTERS = {_NEWLINE, _ELLIPSIS_KIND, _TERMINAL_KIND, _FINAL_ABBR, _CLOSER, _ABBR_STEM, _FINAL_STEM}
_STEMS = {_ABBR_STEM, _FINAL_STEM}
_SPECIAL = _STARTERS | {_OPENER}
_TRIGGERS = {_NEWLINE, _ELLIPSIS_KIND, _TERMINAL_KIND, _FINAL_ABBR, _CLOSER, _OPENER}
_ENDERS = {_TERMINAL_KIND, _ELLIPSIS_KIND, _CLOSER}
_TERMINALS = {_TERMINAL_KIND, _ELLIPSIS_KIND}


@Language.factory(
    "recorrido_lemmatizer",
    assigns=["token.lemma"],
    default_config={"model": None, "mode": "lookup", "overwrite": False},
)
def make_lemmatizer(nlp: Language, model, name: str, mode: str, overwrite: bool):
    """Create the lookup lemmatizer that also finds lemmas of capitalised words."""
    return LowercaseLookupLemmatizer(nlp.vocab, model, name, mode=mode, overwrite=overwrite)


class LowercaseLookupLemmatizer(Lemmatizer):
    """spaCy's lookup lemmatizer, looking words up as written and then in lower case.

    Lemmas are memoised per word form and written with one ``Doc.from_array`` call: the
    per-token Python of spaCy's own lookup mode costs more than tokenising.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._memo: dict[int, int] = {}
        self._memo_c = _fast.LexMemo(self._memo) if _fast is not None else None

    def lookup_lemmatize(self, token: Token) -> list[str]:  # noqa: D102
        return [self._lemma_text(token.text, token.lower_)]

    def _lemma_text(self, text: str, lower: str) -> str:
        table = self.lookups.get_table("lemma_lookup", {})
        result = table.get(text)
        if result is None:
            result = table.get(lower, text)
        return result if isinstance(result, str) else result[0]

    def __call__(self, doc: Doc) -> Doc:  # noqa: D102
        if not self._validated:
            self._validate_tables(Errors.E1004)
        if not len(doc):
            return doc
        lemmas = self.lemma_ids(doc.to_array(ORTH).tolist(), doc.vocab, doc)
        doc.from_array([LEMMA], numpy.asarray(lemmas, dtype="uint64").reshape(-1, 1))
        return doc

    def lemma_ids(self, orths: list[int], vocab, doc: Doc | None = None) -> list[int]:
        """The lemma (a string id) of each word form id in ``orths`` (``doc``'s ``ORTH`` column
        when given), memoised per form."""
        memo = self._memo
        if _fast is not None and doc is not None and self._memo_c is not None:
            lemmas = self._memo_c.values(doc)
        elif _fast is not None:
            lemmas = _fast.memo_values(memo, orths)
        else:
            get = memo.get
            lemmas = [get(orth) for orth in orths]
        if None in lemmas:
            if orths is None:
                orths = doc.to_array(ORTH).tolist()
            strings = vocab.strings
            for i, orth in enumerate(orths):
                if lemmas[i] is None:
                    lex = vocab[orth]
                    lemmas[i] = memo[orth] = strings.add(self._lemma_text(lex.orth_, lex.lower_))
        return lemmas


def _preprocessor(nlp: Language):
    """``doc -> doc`` doing the work of ``recorrido_sentences`` and ``recorrido_lemmatizer``
    (same sentence starts, same lemmas) with one ``to_array`` and one ``from_array`` call.

    Its optional second argument, ``texts``, lists the token ranges ``(lo, hi)`` of several
    texts tokenised into one Doc: each gets the sentences it would get alone.

    Used by :func:`nlp.painpoints.analyse_texts`; None when the pipeline's components are not
    the ones of :func:`make_nlp` (then run the pipeline as it is).
    """
    names = nlp.pipe_names
    if names[:2] != ["recorrido_sentences", "recorrido_lemmatizer"]:
        return None
    splitter = nlp.get_pipe("recorrido_sentences")
    lemmatizer = nlp.get_pipe("recorrido_lemmatizer")
    if not isinstance(splitter, SentenceSplitter) or not isinstance(lemmatizer, LowercaseLookupLemmatizer):
        return None
    if not lemmatizer._validated:
        lemmatizer._validate_tables(Errors.E1004)
    starts = splitter.starts
    lemma_ids = lemmatizer.lemma_ids
    attrs = [SENT_START, LEMMA]

    def prepare(doc: Doc, texts: list[tuple[int, int]] | None = None, columns: dict | None = None) -> Doc:
        n = len(doc)
        if not n:
            return doc
        orths, spaces = (columns or {}).get("ORTH"), (columns or {}).get("SPACY")
        if (orths is None or spaces is None) and (_fast is None or texts is None):
            rows = doc.to_array(_ORTH_SPACY)
            orths, spaces = rows[:, 0].tolist(), rows[:, 1].tolist()
        lemmas = lemma_ids(orths, doc.vocab, doc)  # orths may be None with _fast (read from the Doc)
        if _fast is not None and texts is not None:  # the same, without the numpy round trip
            found = splitter.starts_of_texts(doc, orths, spaces, texts, None)
            _fast.set_starts_and_lemmas(doc, found, lemmas)
            if columns is not None:
                columns["LEMMA"] = lemmas
                columns["SENT_STARTS"] = found
            return doc
        out = numpy.empty((n, 2), dtype="uint64")
        out[:, 1] = lemmas
        if texts is None:
            starts(doc, orths, spaces, out[:, 0])
        else:  # several texts in one Doc: sentences of each as if it were alone
            found = splitter.starts_of_texts(doc, orths, spaces, texts, out[:, 0])
            if columns is not None:
                columns["LEMMA"] = lemmas
                columns["SENT_STARTS"] = found
        doc.from_array(attrs, out)
        return doc

    return prepare


def make_nlp(lang: str, config: dict | None = None) -> Language:
    """Build a new pipeline for ``lang`` (``"en"`` or ``"es"``).

    Parameters
    ----------
    lang : str
        ``"en"`` or ``"es"``.
    config : dict, optional
        ``{"pain_points": {...}}`` overrides the pain-point component's config (see
        :data:`nlp.components.DEFAULT_CONFIG`); ``{"sentences": {...}}`` the splitter's;
        ``{"trained": True}`` starts from an installed trained pipeline when there is one.

    Returns
    -------
    spacy.language.Language

    Raises
    ------
    InputError
        When ``lang`` is not supported.

    Examples
    --------
    >>> nlp = make_nlp("es")
    >>> nlp.pipe_names
    ['recorrido_sentences', 'recorrido_lemmatizer', 'recorrido_pain_points']
    >>> [s.text for s in nlp("La Dra. López llegó a las 6 p.m. Esperé tres horas").sents]
    ['La Dra. López llegó a las 6 p.m.', 'Esperé tres horas']
    """
    if lang not in LANGS:
        raise InputError(f"language {lang!r} is not supported", "use en or es", file="lang")
    config = dict(config or {})
    nlp = None
    if config.get("trained"):
        name = TRAINED_PIPELINES[lang]
        if spacy.util.is_package(name):
            nlp = spacy.load(name, exclude=["ner", "senter", "lemmatizer", "attribute_ruler"])
    if nlp is None:
        nlp = spacy.blank(lang)
    first = nlp.pipe_names[0] if nlp.pipe_names else None
    nlp.add_pipe("recorrido_sentences", config=config.get("sentences", {}),
                 **({"before": first} if first else {}))
    lemmatizer = nlp.add_pipe("recorrido_lemmatizer")
    lemmatizer.initialize()  # lookup tables from spacy-lookups-data, on disk
    nlp.add_pipe("recorrido_pain_points", config=config.get("pain_points", {}))
    if _fast is not None:
        # the component tokenised its thousands of pattern phrases: out of the tokenizer's cache
        # with them (it holds at most max_cache_size chunks and never evicts, so they would take
        # the room of the words of the texts to come)
        _fast.empty_cache(nlp.tokenizer)
    return nlp


@cache
def get_nlp(lang: str) -> Language:
    """The shared pipeline of ``lang``, built once per process with :func:`make_nlp`.

    Do not modify the returned object: every caller shares it.

    Examples
    --------
    >>> get_nlp("en") is get_nlp("en")
    True
    """
    return make_nlp(lang)


def sentence_spans(text: str, lang: str) -> list[tuple[int, int]]:
    """Character ``(start, end)`` of each sentence of ``text``, without surrounding spaces.

    Examples
    --------
    >>> text = "Sr. Pérez pagó B/.5.00, etc. No me atendieron\\n¿Por qué?"
    >>> [text[s:e] for s, e in sentence_spans(text, "es")]
    ['Sr. Pérez pagó B/.5.00, etc.', 'No me atendieron', '¿Por qué?']
    """
    nlp = get_nlp(lang)
    doc = nlp.get_pipe("recorrido_sentences")(nlp.make_doc(text))
    out = []
    for sent in doc.sents:
        span = _strip(sent)
        if span is not None:
            out.append(span)
    return out


def _strip(sent) -> tuple[int, int] | None:
    toks = [t for t in sent if not t.is_space]
    if not toks:
        return None
    return toks[0].idx, toks[-1].idx + len(toks[-1].text)
