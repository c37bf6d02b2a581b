"""Narrated journeys: the steps (and channels) each participant describes going through.

For every interview, the participant's turns are read in order, sentence by sentence; each
sentence that clearly names a step (:func:`nlp.linking.link_step`, without context, so only
what the participant actually says counts) adds a mention. Consecutive mentions of the same
step are collapsed into one (a channel named later fills a mention that had none; a different
channel at the same step is a channel switch and is kept); going back to an earlier step is
kept as a new mention (rework). The table is the input of the journey graph's "narrated" edges
(``research.schema.NARRATED_COLUMNS``).
"""

from __future__ import annotations

import re

import pandas as pd

from nlp.channels import main_channel
from nlp.extract import _blank, _frame, _ordered, _plain, interview_languages, minable_mask
from nlp.linking import build_step_index, link_step
from research.schema import NARRATED_COLUMNS, conform, empty_table

__all__ = ["narrated_journeys", "sentence_spans_of", "MIN_MENTION_CONFIDENCE"]

_FALLBACK_SENTENCE = re.compile(r"[^.!?¿¡\n]+[.!?]*")


def sentence_spans_of(text: str, lang: str) -> list[tuple[int, int]]:
    """Sentence offsets from the shared pipeline's splitter (a simple splitter if it is absent).

    Examples
    --------
    >>> text = "Primero pagué la tasa. Luego fui al Municipio."
    >>> [text[s:e] for s, e in sentence_spans_of(text, "es")]
    ['Primero pagué la tasa.', 'Luego fui al Municipio.']
    """
    try:
        from nlp.pipeline import sentence_spans
    except ImportError:  # pragma: no cover - the pipeline ships with the repository
        return [(m.start(), m.end()) for m in _FALLBACK_SENTENCE.finditer(text) if m.group().strip()]
    return sentence_spans(text, lang)


#: Least link confidence for a narrated mention: a path is drawn from these, so only clear
#: mentions count (stricter than the links of single pain points).
MIN_MENTION_CONFIDENCE = 0.5


def narrated_journeys(utterances: pd.DataFrame, steps: pd.DataFrame, *, lang: str | None = None,
                      min_confidence: float = MIN_MENTION_CONFIDENCE) -> pd.DataFrame:
    """Per interview, the ordered steps (and channels) the participant narrates.

    Parameters
    ----------
    utterances : DataFrame
        The utterances table.
    steps : DataFrame
        The steps table (Spanish or English; the interviews may be in the other language).
    lang : {"en", "es"}, optional
        Force the interviews' language (else the ``lang`` column, else detection).
    min_confidence : float, default ``MIN_MENTION_CONFIDENCE``
        Least step-link confidence for a sentence to count as a mention.

    Returns
    -------
    DataFrame
        ``research.schema.NARRATED_COLUMNS``: ``interview_id``, ``participant_id``,
        ``position`` (1, 2, ... per interview), ``step_id``, ``channel`` (None when not
        said), ``source_file``, ``source_row`` of the turn that named the step.

    Examples
    --------
    >>> s = pd.DataFrame({"step_id": ["S1", "S2", "S3"], "channel": ["web", "office", "office"],
    ...                   "step": ["Registrar la empresa", "Obtener el permiso sanitario", "Pagar la tasa"]})
    >>> u = pd.DataFrame({"interview_id": ["e1"] * 4, "participant_id": ["P1"] * 4,
    ...     "speaker_role": ["participant"] * 4, "seq": [1, 2, 3, 4], "lang": ["en"] * 4,
    ...     "text": ["First I registered the company online.", "Registering took a week.",
    ...              "Then the health permit, at the office.", "I had to register the company again."],
    ...     "source_file": ["e1.txt"] * 4, "source_row": [1, 2, 3, 4]})
    >>> narrated_journeys(u, s)[["position", "step_id", "channel", "source_row"]].values.tolist()
    [[1, 'S1', 'web', 1], [2, 'S2', 'office', 3], [3, 'S1', None, 4]]
    """
    if utterances is None or not len(utterances) or steps is None or not len(steps):
        return empty_table("narrated")
    df = _ordered(conform(utterances, "utterances"))
    df["interview_id"] = df["interview_id"].map(lambda v: "" if _blank(v) else v)
    df["text"] = df["text"].map(lambda t: t if isinstance(t, str) else "")
    langs = interview_languages(df, lang)
    index = build_step_index(steps)
    rows: list[dict] = []
    for iid, group in df[minable_mask(df)].groupby("interview_id", sort=False, dropna=False):
        ilang = langs[iid]
        mentions: list[dict] = []
        for i in group.index:
            text = group.at[i, "text"]
            if not text.strip():
                continue
            for start, end in sentence_spans_of(text, ilang):
                sentence = text[start:end]
                link = link_step(sentence, index, ilang)
                if link.step_id is None or link.confidence < min_confidence:
                    continue
                step_id = link.step_id
                channel = main_channel(sentence, ilang)
                last = mentions[-1] if mentions else None
                if last is not None and last["step_id"] == step_id and \
                        (channel is None or last["channel"] in (None, channel)):
                    if last["channel"] is None:
                        last["channel"] = channel
                    continue
                mentions.append({"interview_id": _plain(iid), "participant_id": _plain(group.at[i, "participant_id"]),
                                 "position": len(mentions) + 1, "step_id": step_id, "channel": channel,
                                 "source_file": _plain(group.at[i, "source_file"]),
                                 "source_row": _plain(group.at[i, "source_row"])})
        rows.extend(mentions)
    if not rows:
        return empty_table("narrated")
    return _frame(rows, NARRATED_COLUMNS, numeric=("position",))
