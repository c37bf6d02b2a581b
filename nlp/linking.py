"""Step linking: which step of the designed journey a sentence is about.

Each step of the steps table (``research.schema.STEP_COLUMNS``) is described by *features*
taken from its name and synonyms (strongest), documents, agency, stage and channel. A feature
is either a bilingual **concept** of the service vocabulary (``nlp/data/service_vocab.jsonl``:
"register" = register/registration/inscribir/inscripción/registrar…) or, for words the
vocabulary does not know, the word's lemma without accents. Because both sides are reduced to
concepts, a Spanish steps sheet links English sentences and the reverse; lemmas come from
spaCy's lookup tables (``spacy-lookups-data``) and leftover words are compared with rapidfuzz,
which also catches cognates ("operación" / "operation") and typos.

A feature shared by many steps weighs less (inverse document frequency). The best step wins
only when it is clear: enough evidence, and not nearly tied with another step; otherwise the
answer is ``None``. When the sentence itself names no step, the conversation context (earlier
sentences of the turn, the interviewer's question, the participant's previous turn) is tried in
order, with a lower confidence.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

import pandas as pd
from rapidfuzz import fuzz

from nlp.channels import find_channels, fold_text

__all__ = ["StepLink", "StepIndex", "build_step_index", "link_step", "sentence_features",
           "FIELD_WEIGHTS", "MIN_SCORE", "MIN_CONFIDENCE", "TIE_RATIO", "CONTEXT_DECAY", "STRONG_CONFIDENCE"]

VOCABULARY_FILE = Path(__file__).parent / "data" / "service_vocab.jsonl"

#: How much a feature found in each column of the steps table counts.
FIELD_WEIGHTS = {"step": 1.0, "synonyms": 1.0, "documents_required": 0.5, "agency": 0.6,
                 "stage": 0.4, "channel": 0.3}
#: Least total evidence (sum of matched feature weights) for a link.
MIN_SCORE = 0.5
#: A step name weighing less than this (one common word) cannot be fully covered.
MIN_NAME_WEIGHT = 2.0
#: Least confidence for a link.
MIN_CONFIDENCE = 0.4
#: A runner-up scoring at least this share of the best makes the link unclear.
TIE_RATIO = 0.85
#: Weight of the k-th context text is CONTEXT_DECAY ** k; also the confidence multiplier of a
#: link found through the context.
CONTEXT_DECAY = 0.8
#: A link from the sentence alone at least this confident is not reconsidered with the context.
STRONG_CONFIDENCE = 0.6

_WORD = re.compile(r"[^\W_]+(?:[-'][^\W_]+)*")
_FUZZY_MIN = 88


class StepLink(NamedTuple):
    """A step link: ``step_id`` (``None`` when unclear), ``confidence`` (0–1), ``via``
    (``"sentence"``, ``"context"`` or ``None``)."""

    step_id: str | None
    confidence: float
    via: str | None


@dataclass
class StepIndex:
    """Steps reduced to features for :func:`link_step` (build it once per steps table).

    ``phrases[i]`` holds one feature set per name of step ``i`` (its name and each synonym);
    ``aux[i]`` maps the features of its documents, agency, stage and channel to their field
    weight; ``idf`` weighs each feature by how few steps share it.
    """

    step_ids: list[str]
    phrases: list[list[frozenset]]
    aux: list[dict[str, float]]
    idf: dict[str, float]
    agency: list[frozenset] | None = None  # per step: features of its agency (never name it)


@lru_cache(maxsize=2)
def _lemmas(lang: str) -> dict:
    """Word -> lemma from spacy-lookups-data (read as plain JSON: 3-4x faster than a spaCy Table)."""
    try:
        import spacy_lookups_data
        import srsly
        path = Path(spacy_lookups_data.__file__).parent / "data" / f"{lang}_lemma_lookup.json.gz"
        return srsly.read_gzip_json(path)
    except Exception:  # lookups not installed: fall back to the words themselves
        return {}


@lru_cache(maxsize=2)
def _stop_words(lang: str) -> frozenset:
    if lang == "es":
        from spacy.lang.es.stop_words import STOP_WORDS
    else:
        from spacy.lang.en.stop_words import STOP_WORDS
    return frozenset(fold_text(w) for w in STOP_WORDS)


def _norm_word(word: str, lang: str) -> str:
    low = word.lower()
    table = _lemmas(lang)
    lemma = table.get(low) or table.get(word) or low
    return fold_text(lemma)


@lru_cache(maxsize=1)
def _concept_weights() -> dict[str, float]:
    """Concept -> weight (generic concepts such as "application" or "review" count less)."""
    out = {}
    for line in VOCABULARY_FILE.read_text("utf-8").splitlines():
        if line.strip():
            rec = json.loads(line)
            out[rec["concept"]] = float(rec.get("weight", 1.0))
    return out


def _stem(word: str) -> str:
    """A light plural-stripping stem of a folded word ("papeles" -> "papel", "fallas" -> "falla")."""
    if len(word) > 4 and word.endswith("es") and word[-3] not in "aeiou":
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


@lru_cache(maxsize=1)
def _vocabulary() -> dict[str, dict[tuple[str, ...], str]]:
    """Per language: tuple of normalised words -> concept."""
    out: dict[str, dict[tuple[str, ...], str]] = {"en": {}, "es": {}}
    for line in VOCABULARY_FILE.read_text("utf-8").splitlines():
        if not line.strip():
            continue
        rec = json.loads(line)
        for lang in ("en", "es"):
            for term in rec.get(lang, []):
                # Terms are matched as written (sentence words are tried both as written and
                # as lemmas); lemmatising the terms themselves would make "aviso" (notice)
                # match every form of "avisar" (to tell).
                out[lang].setdefault(tuple(fold_text(w) for w in _WORD.findall(term)), rec["concept"])
    return out


def sentence_features(text: str, lang: str = "es") -> set[str]:
    """The features of a text: ``c:<concept>``, ``w:<lemma>`` and ``ch:<channel>``.

    Concepts are looked up in the vocabularies of both languages (interviews mix them), longest
    phrase first; channel mentions come from :mod:`nlp.channels`.

    Examples
    --------
    >>> sorted(sentence_features("Pagué el impuesto en línea", "es"))
    ['c:payment', 'c:tax', 'ch:web']
    >>> sorted(sentence_features("I registered my company", "en"))
    ['c:company', 'c:register']
    """
    if not isinstance(text, str) or not text.strip():
        return set()
    matches = list(_WORD.finditer(text))
    raw = [fold_text(m.group()) for m in matches]
    lemmas = [_norm_word(m.group(), lang) for m in matches]
    vocab = _vocabulary()
    feats: set[str] = set()
    channels = find_channels(text)
    in_channel = [any(c["start"] < m.end() and m.start() < c["end"] for c in channels) for m in matches]
    used = list(in_channel)  # "picked up" on the phone is a channel, not collecting a document
    for n in (4, 3, 2, 1):
        for i in range(len(raw) - n + 1):
            if any(used[i:i + n]):
                continue
            for seq in (tuple(raw[i:i + n]), tuple(lemmas[i:i + n])):
                concept = vocab[lang].get(seq) or vocab["es" if lang == "en" else "en"].get(seq)
                if concept:
                    feats.add("c:" + concept)
                    used[i:i + n] = [True] * n
                    break
    stop = _stop_words("es") | _stop_words("en")
    for i, word in enumerate(raw):
        # Leftover words are kept as written (plural stripped): lookup lemmas of unknown words
        # are too often wrong ("meses" -> "mesar", like "mesa").
        if not used[i] and len(word) > 2 and word not in stop and lemmas[i] not in stop and not word.isdigit():
            feats.add("w:" + _stem(word))
    feats.update("ch:" + c["channel"] for c in channels)
    return feats


def _cell(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)


def _table_lang(steps: pd.DataFrame) -> str:
    try:
        from research.lang import detect_lang
        return detect_lang([_cell(v) for v in steps.get("step", [])])
    except ImportError:
        return "es"


def build_step_index(steps: pd.DataFrame, lang: str | None = None) -> StepIndex:
    """Reduce a steps table to features for :func:`link_step`.

    Parameters
    ----------
    steps : DataFrame
        The steps table (``step_id`` and ``step`` at least; ``synonyms`` (";"-separated),
        ``documents_required``, ``agency``, ``stage``, ``channel`` used when present).
    lang : {"es", "en"} or None
        Language of the sheet; detected from the step names when ``None``.

    Examples
    --------
    >>> steps = pd.DataFrame({"step_id": ["S1", "S2"], "step": ["Registrar la empresa", "Pagar la tasa"],
    ...                       "synonyms": ["inscripción", ""]})
    >>> index = build_step_index(steps)
    >>> index.step_ids, [sorted(p) for p in index.phrases[0]]
    (['S1', 'S2'], [['c:company', 'c:register'], ['c:register']])
    """
    steps = steps.reset_index(drop=True)
    lang = lang or _table_lang(steps)
    phrases: list[list[frozenset]] = []
    aux: list[dict[str, float]] = []
    agencies: list[frozenset] = []
    for _, row in steps.iterrows():
        agencies.append(frozenset(f for part in _cell(row.get("agency")).split(";")
                                  for f in sentence_features(part, lang) if not f.startswith("ch:")))
        names = [_cell(row.get("step"))] + [p for p in _cell(row.get("synonyms")).split(";")]
        phrases.append([fs for fs in (frozenset(sentence_features(n, lang)) for n in names if n.strip()) if fs])
        extra: dict[str, float] = {}
        for col in ("documents_required", "agency", "stage", "channel"):
            if col == "channel":
                found = {"ch:" + c.strip() for c in _cell(row.get(col)).split(";") if c.strip()}
            else:
                found = {f for part in _cell(row.get(col)).split(";") for f in sentence_features(part, lang)
                         if not f.startswith("ch:")}
            for f in found:
                extra[f] = max(extra.get(f, 0.0), FIELD_WEIGHTS[col])
        aux.append(extra)
    n = max(1, len(phrases))
    df: dict[str, int] = {}
    for i in range(len(phrases)):
        for f in set().union(*phrases[i], aux[i]):
            df[f] = df.get(f, 0) + 1
    weights = _concept_weights()
    idf = {f: (1.0 + math.log(n / k)) * (weights.get(f[2:], 1.0) if f.startswith("c:") else 1.0)
           for f, k in df.items()}
    return StepIndex([_cell(s) for s in steps["step_id"]], phrases, aux, idf, agencies)


def _similar(a: str, b: str) -> bool:
    """Same word family ("digitar"/"digitamos": long common prefix) or cognate/typo (rapidfuzz)."""
    shorter = min(len(a), len(b))
    if shorter < 5:
        return False
    prefix = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        prefix += 1
    return prefix >= max(5, shorter - 3) or fuzz.ratio(a, b) >= _FUZZY_MIN


def _hit(f: str, feats: set[str], words: list[str]) -> float:
    """1 when the sentence has feature ``f``, 0.9 for a similar word, else 0."""
    if f in feats:
        return 1.0
    if f.startswith("w:") and len(f) > 6 and any(_similar(f[2:], x) for x in words):
        return 0.9
    return 0.0


def _scores(text: str, index: StepIndex, lang: str) -> dict[int, tuple[float, float]]:
    """Step position -> (score, coverage of its best-matching name) for every candidate step."""
    feats = sentence_features(text, lang)
    if not feats:
        return {}
    words = [f[2:] for f in feats if f.startswith("w:") and len(f) > 6]
    out = {}
    for i, names in enumerate(index.phrases):
        matched: dict[str, float] = {}
        coverage = 0.0
        agency = index.agency[i] if index.agency else frozenset()
        for phrase in names:
            # Channel words in a step's name count half ("counter", "online form"), and a short
            # or generic name ("requisitos") cannot be fully covered by one common word; the
            # agency's own words ("ventanilla de Panamá Emprende") count half: they hardly tell
            # its steps apart.
            got = {f: _hit(f, feats, words) * (0.5 if f.startswith("ch:") else 1.0) for f in phrase}
            core = [f for f in phrase if not f.startswith("ch:") and f not in agency]
            own = [f for f in phrase if f in agency]
            total = sum(index.idf[f] for f in (core or own))
            found = sum(index.idf[f] * got[f] for f in core) + 0.5 * sum(index.idf[f] * got[f] for f in own)
            coverage = max(coverage, min(1.0, found / max(total, MIN_NAME_WEIGHT)) if total else 0.0)
            matched.update({f: max(h, matched.get(f, 0.0)) for f, h in got.items() if h})
        aux_hits = {f: w * _hit(f, feats, words) for f, w in index.aux[i].items() if f not in matched}
        aux_hits = {f: w for f, w in aux_hits.items() if w}
        # A channel alone (from the channel column) never makes a link: it only breaks ties.
        if not matched and not any(not f.startswith("ch:") for f in aux_hits):
            continue
        score = sum(index.idf[f] * h for f, h in matched.items()) + sum(index.idf[f] * w for f, w in aux_hits.items())
        out[i] = (score, coverage)
    return out


def _decide(scores: dict[int, tuple[float, float]], index: StepIndex) -> StepLink:
    if not scores:
        return StepLink(None, 0.0, None)
    # A step whose one name is fully matched beats a step with scattered partial matches.
    ranked = sorted(((s * (0.5 + 0.5 * c), c, i) for i, (s, c) in scores.items()), reverse=True)
    best, coverage, i = ranked[0]
    second = ranked[1][0] if len(ranked) > 1 else 0.0
    if scores[i][0] < MIN_SCORE or second >= TIE_RATIO * best:
        return StepLink(None, 0.0, None)
    confidence = round((0.6 * coverage + 0.4 * min(1.0, best / 4.0)) * (1.0 - 0.5 * second / best), 3)
    if confidence < MIN_CONFIDENCE:
        return StepLink(None, confidence, None)
    return StepLink(index.step_ids[i], confidence, "sentence")


def link_step(text: str, steps, lang: str | None = "es", context=()) -> StepLink:
    """The step a sentence is about, with a confidence; ``None`` when unclear.

    Parameters
    ----------
    text : str
        The sentence.
    steps : DataFrame or StepIndex
        The steps table, or an index built once with :func:`build_step_index`.
    lang : {"es", "en"}, default "es"
        Language of ``text`` (the steps may be in the other language).
    context : sequence of str, default ()
        Texts to try, in order, when the sentence names no step: earlier sentences of the
        turn, the interviewer's question, the participant's previous turn.

    Returns
    -------
    StepLink
        ``(step_id, confidence, via)``; ``via`` is ``"sentence"`` or ``"context"``.

    Examples
    --------
    >>> steps = pd.DataFrame({"step_id": ["S1", "S2", "S3"],
    ...                       "step": ["Inscribir la empresa", "Obtener el aviso de operación", "Pagar la tasa"]})
    >>> link_step("Registering the company took three weeks", steps, "en").step_id
    'S1'
    >>> link_step("The staff were rude", steps, "en").step_id is None
    True
    >>> link = link_step("Tardó muchísimo.", steps, "es", context=["¿Y cuando pagó la tasa?"])
    >>> link.step_id, link.via
    ('S3', 'context')
    """
    index = steps if isinstance(steps, StepIndex) else build_step_index(steps)
    lang = lang if lang in ("en", "es") else "es"
    own = _scores(text, index, lang)
    link = _decide(own, index)
    if link.step_id is not None and link.confidence >= STRONG_CONFIDENCE:
        return link
    context = [c for c in context if isinstance(c, str) and c.strip()]
    if not context:
        return link
    # The sentence names no step, or only weakly (a document, an agency, a tie): add what the
    # conversation says, nearer context weighing more.
    named = link.step_id is not None and own[index.step_ids.index(link.step_id)][1] > 0
    combined = dict(own)
    for k, ctx in enumerate(context):
        for i, (score, cov) in _scores(ctx, index, lang).items():
            if named and i not in own:
                continue  # the sentence names a step: the context may only choose among its candidates
            old_score, old_cov = combined.get(i, (0.0, 0.0))
            decay = CONTEXT_DECAY ** (k + 1)
            combined[i] = (old_score + decay * score, max(old_cov, decay * cov))
    found = _decide(combined, index)
    if found.step_id is None:
        return link
    via = "sentence" if found.step_id == link.step_id else "context"
    return StepLink(found.step_id, round(found.confidence * (1.0 if via == "sentence" else CONTEXT_DECAY), 3), via)
