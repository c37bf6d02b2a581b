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
           "FIELD_WEIGHTS", "MIN_SCORE", "MIN_CONFIDENCE", "TIE_RATIO", "CONTEXT_DECAY"]

VOCABULARY_FILE = Path(__file__).parent / "data" / "service_vocab.jsonl"

#: How much a feature found in each column of the steps table counts.
FIELD_WEIGHTS = {"step": 1.0, "synonyms": 1.0, "documents_required": 0.5, "agency": 0.6,
                 "stage": 0.4, "channel": 0.3}
#: Least total evidence (sum of matched weights) for a link.
MIN_SCORE = 0.9
#: Least confidence for a link.
MIN_CONFIDENCE = 0.3
#: A runner-up scoring at least this share of the best makes the link unclear.
TIE_RATIO = 0.85
#: Confidence multiplier for a link found through the conversation context.
CONTEXT_DECAY = 0.8

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
    """Steps reduced to weighted features, ready for :func:`link_step` (built once per table)."""

    step_ids: list[str]
    weights: list[dict[str, float]]       # per step: feature -> weight (field weight x idf)
    name_weight: list[float]              # per step: total weight of its name/synonym features


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
    used = [False] * len(raw)
    channels = find_channels(text)
    in_channel = [any(c["start"] < m.end() and m.start() < c["end"] for c in channels) for m in matches]
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
    stop = _stop_words(lang)
    for i, lemma in enumerate(lemmas):
        if not used[i] and not in_channel[i] and len(lemma) > 2 and lemma not in stop \
                and raw[i] not in stop and not lemma.isdigit():
            feats.add("w:" + lemma)
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
    """Reduce a steps table to weighted features for :func:`link_step`.

    Parameters
    ----------
    steps : DataFrame
        The steps table (``step_id`` and ``step`` at least; ``synonyms``,
        ``documents_required``, ``agency``, ``stage``, ``channel`` used when present).
    lang : {"es", "en"} or None
        Language of the sheet; detected from the step names when ``None``.

    Examples
    --------
    >>> steps = pd.DataFrame({"step_id": ["S1", "S2"], "step": ["Registrar la empresa", "Pagar la tasa"]})
    >>> index = build_step_index(steps)
    >>> index.step_ids, sorted(index.weights[0])
    (['S1', 'S2'], ['c:company', 'c:register'])
    """
    steps = steps.reset_index(drop=True)
    lang = lang or _table_lang(steps)
    per_step: list[dict[str, float]] = []
    for _, row in steps.iterrows():
        feats: dict[str, float] = {}
        for col, weight in FIELD_WEIGHTS.items():
            text = _cell(row.get(col)).replace(";", ". ")
            if col == "channel":
                found = {"ch:" + c.strip() for c in _cell(row.get(col)).split(";") if c.strip()}
            else:
                found = sentence_features(text, lang)
                if col != "step" and col != "synonyms":
                    found = {f for f in found if not f.startswith("ch:")}
            for f in found:
                feats[f] = max(feats.get(f, 0.0), weight * (0.5 if f.startswith("ch:") and col != "channel"
                                                            else 1.0))
        per_step.append(feats)
    n = len(per_step)
    df: dict[str, int] = {}
    for feats in per_step:
        for f in feats:
            df[f] = df.get(f, 0) + 1
    weights = [{f: w * (1.0 + math.log(n / df[f])) for f, w in feats.items()} for feats in per_step]
    name_weight = [sum(w for f, w in ws.items() if per_step[i][f] >= FIELD_WEIGHTS["step"] - 1e-9)
                   or sum(ws.values()) or 1.0 for i, ws in enumerate(weights)]
    return StepIndex([_cell(s) for s in steps["step_id"]], weights, name_weight)


def _matched(step_feats: dict[str, float], feats: set[str]) -> dict[str, float]:
    hits = {f: w for f, w in step_feats.items() if f in feats}
    words = [f[2:] for f in feats if f.startswith("w:") and len(f) > 6]
    for f, w in step_feats.items():
        if f in hits or not f.startswith("w:") or len(f) <= 6:
            continue
        if any(fuzz.ratio(f[2:], x) >= _FUZZY_MIN for x in words):
            hits[f] = w * 0.9
    return hits


def _link_one(text: str, index: StepIndex, lang: str) -> StepLink:
    feats = sentence_features(text, lang)
    if not feats or not index.step_ids:
        return StepLink(None, 0.0, None)
    scored = []
    for i, step_feats in enumerate(index.weights):
        hits = _matched(step_feats, feats)
        # Channel words alone never make a link: they only break ties between steps.
        content = {f: w for f, w in hits.items() if not f.startswith("ch:")}
        if not content:
            continue
        score = sum(hits.values())
        scored.append((score, i, hits))
    if not scored:
        return StepLink(None, 0.0, None)
    scored.sort(key=lambda t: -t[0])
    best, i, hits = scored[0]
    second = scored[1][0] if len(scored) > 1 else 0.0
    if best < MIN_SCORE or second >= TIE_RATIO * best:
        return StepLink(None, 0.0, None)
    coverage = min(1.0, best / index.name_weight[i])
    confidence = round(coverage * (1.0 - 0.5 * second / best), 3)
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
    >>> link_step("Tardó muchísimo.", steps, "es", context=["¿Y cuando pagó la tasa?"])
    StepLink(step_id='S3', confidence=0.8, via='context')
    """
    index = steps if isinstance(steps, StepIndex) else build_step_index(steps)
    lang = lang if lang in ("en", "es") else "es"
    link = _link_one(text, index, lang)
    if link.step_id is not None:
        return link
    for ctx in context:
        if not isinstance(ctx, str) or not ctx.strip():
            continue
        found = _link_one(ctx, index, lang)
        if found.step_id is not None:
            return StepLink(found.step_id, round(found.confidence * CONTEXT_DECAY, 3), "context")
    return StepLink(None, 0.0, None)
