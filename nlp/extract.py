"""Pain points from an utterances table: the pain_points table of DESIGN.md §3.

Only participants' turns are mined (never an interviewer's; a turn whose role is unknown is mined
only when its interview has no turn marked as a participant's). Each pain sentence gets its
category, severity and cues (:mod:`nlp.painpoints`), the step it is about (:mod:`nlp.linking`,
with the conversation as context), its channel (:mod:`nlp.channels`), character offsets in the
ORIGINAL utterance text, and its sentence with personal data redacted (:mod:`nlp.redact`) unless
``redact=False``. The source reference of the utterance is kept as it is.
"""

from __future__ import annotations

import hashlib
import math

import pandas as pd

from nlp.channels import main_channel
from nlp.linking import StepIndex, build_step_index, link_step
from nlp.redact import find_pii, redact_spans
from research.schema import PAIN_POINT_COLUMNS, conform, empty_table

__all__ = ["extract_pain_points", "interview_languages", "minable_mask", "pain_point_id", "LANGS"]

LANGS = ("en", "es")
_SOURCE = ("source_file", "source_sheet", "source_row", "source_column")


def _blank(v) -> bool:
    return v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)) or \
        (isinstance(v, str) and not v.strip())


def _plain(v):
    """None for missing values; numpy scalars as Python values."""
    if _blank(v):
        return None
    return v.item() if hasattr(v, "item") else v


def _frame(rows: list[dict], columns, numeric=()) -> pd.DataFrame:
    """A DataFrame whose text columns keep None (not NaN) for missing values."""
    return pd.DataFrame({c: pd.Series([r.get(c) for r in rows], dtype=None if c in numeric else object)
                         for c in columns})


def pain_point_id(source: tuple, start: int, end: int) -> str:
    """A stable id for a pain point: a hash of its source reference and offsets.

    Examples
    --------
    >>> pain_point_id(("a.xlsx", "Hoja1", 5, None), 0, 12) == pain_point_id(("a.xlsx", "Hoja1", 5, None), 0, 12)
    True
    >>> len(pain_point_id(("a.txt", None, 2, None), 3, 9))
    16
    """
    key = "|".join("" if v is None else str(v) for v in (*source, start, end))
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def _detect(texts) -> str:
    try:
        from research.lang import detect_lang
    except ImportError:  # pragma: no cover - research.lang ships with the repository
        words = " ".join(t for t in texts if isinstance(t, str)).lower().split()
        es = sum(w in {"de", "que", "la", "el", "y", "en", "no", "me", "por", "una"} for w in words)
        en = sum(w in {"the", "and", "to", "of", "i", "it", "was", "in", "my", "that"} for w in words)
        return "en" if en > es else "es"
    return detect_lang([t for t in texts if isinstance(t, str)])


def interview_languages(utterances: pd.DataFrame, lang: str | None = None) -> dict:
    """Language of each interview: ``lang`` when given, else the ``lang`` column, else detected.

    Examples
    --------
    >>> u = pd.DataFrame({"interview_id": ["a", "a", "b"], "lang": [None, None, "en"],
    ...                   "text": ["¿Cómo le fue?", "Esperé tres horas en la fila.", "x"]})
    >>> interview_languages(u)
    {'a': 'es', 'b': 'en'}
    >>> interview_languages(u, "en")
    {'a': 'en', 'b': 'en'}
    """
    ids = list(dict.fromkeys(utterances["interview_id"].tolist()))
    if lang in LANGS:
        return dict.fromkeys(ids, lang)
    given = utterances.get("lang", pd.Series(None, index=utterances.index, dtype=object))
    valid = utterances[given.isin(LANGS)]
    out = {}
    if len(valid):
        counts = valid.groupby(["interview_id", "lang"], sort=False).size()
        for (iid, code), _n in counts.sort_values(ascending=False, kind="stable").items():
            out.setdefault(iid, code)
    missing = [i for i in ids if i not in out]
    if missing:
        texts = utterances[utterances["interview_id"].isin(missing)].groupby("interview_id", sort=False)["text"]
        for iid, group in texts:
            out[iid] = _detect(group.tolist())
    return {i: out.get(i, "es") for i in ids}


def minable_mask(utterances: pd.DataFrame) -> pd.Series:
    """Which turns are mined for pain points: participants' (or unknown roles when an interview
    has no participant turn at all); never an interviewer's.

    Examples
    --------
    >>> u = pd.DataFrame({"interview_id": ["a", "a", "b"],
    ...                   "speaker_role": ["interviewer", "participant", "unknown"]})
    >>> minable_mask(u).tolist()
    [False, True, True]
    """
    role = utterances.get("speaker_role", pd.Series(["unknown"] * len(utterances), index=utterances.index))
    role = role.fillna("unknown").astype(str)
    has_participant = (role == "participant").groupby(utterances["interview_id"], dropna=False).transform("any")
    return (role == "participant") | ((role != "interviewer") & ~has_participant)


def _ordered(utterances: pd.DataFrame) -> pd.DataFrame:
    """Turns grouped by interview (in order of first appearance), then by ``seq``."""
    df = utterances.reset_index(drop=True).copy()
    df["_pos"] = range(len(df))
    df["_first"] = df.groupby("interview_id", sort=False, dropna=False)["_pos"].transform("min")
    df["_seq"] = pd.to_numeric(df["seq"], errors="coerce").fillna(df["_pos"]).astype(float)
    return df.sort_values(["_first", "_seq", "_pos"], kind="stable")


def _analyse(texts: list[str], lang: str, contexts: list[str | None], n_process: int) -> list[list[dict]]:
    from nlp.painpoints import analyse_texts

    return analyse_texts(texts, lang, contexts=contexts, n_process=n_process)


def _step_channels(steps: pd.DataFrame | None) -> dict[str, list[str]]:
    if steps is None or not len(steps) or "channel" not in steps:
        return {}
    out = {}
    for sid, ch in zip(steps["step_id"], steps["channel"], strict=False):
        out[str(sid)] = [c.strip() for c in str(ch or "").split(";") if c.strip() and str(ch) != "nan"]
    return out


def extract_pain_points(utterances: pd.DataFrame, steps: pd.DataFrame | None = None, *, redact: bool = True,
                        lang: str | None = None, n_process: int = 1) -> pd.DataFrame:
    """The pain points of an utterances table, one row per pain sentence (status ``suggested``).

    Parameters
    ----------
    utterances : DataFrame
        The utterances table (``research.schema.UTTERANCE_COLUMNS``; ``interview_id`` and
        ``text`` at least).
    steps : DataFrame, optional
        The steps table; when given, each pain point gets the ``step_id`` it is about (or None
        when unclear).
    redact : bool, default True
        Replace personal data in ``sentence`` with typed placeholders (names of the
        interview's speakers included). Offsets always refer to the original text.
    lang : {"en", "es"}, optional
        Force the language of every interview; else the ``lang`` column, else detection.
    n_process : int, default 1
        Processes for ``nlp.pipe``.

    Returns
    -------
    DataFrame
        ``research.schema.PAIN_POINT_COLUMNS``; ``cues`` is a list of strings; ``id`` a stable
        hash of the source reference and the offsets.

    Examples
    --------
    >>> u = pd.DataFrame({"interview_id": ["e1", "e1"], "participant_id": ["P1", "P1"],
    ...     "speaker": ["Entrevistadora", "Ana Pérez"], "speaker_role": ["interviewer", "participant"],
    ...     "seq": [1, 2], "text": ["¿Cómo le fue con el pago de la tasa municipal?",
    ...                             "Ana Pérez, para servirle. Esperé tres horas en la fila."],
    ...     "lang": ["es", "es"], "source_file": ["e1.txt", "e1.txt"], "source_row": [1, 2]})
    >>> s = pd.DataFrame({"step_id": ["S1", "S2"], "step": ["Registrar la empresa", "Pagar la tasa municipal"]})
    >>> pp = extract_pain_points(u, s)
    >>> pp[["sentence", "start", "end", "category", "step_id", "channel", "status"]].values.tolist()
    [['Esperé tres horas en la fila.', 26, 55, 'waiting', 'S2', 'office', 'suggested']]
    """
    if utterances is None or not len(utterances):
        return empty_table("pain_points")
    df = _ordered(conform(utterances, "utterances"))
    df["interview_id"] = df["interview_id"].map(lambda v: "" if _blank(v) else v)
    df["text"] = df["text"].map(lambda t: t if isinstance(t, str) else "")
    langs = interview_languages(df, lang)
    mine = minable_mask(df).tolist()
    turns = df.to_dict("records")
    index: StepIndex | None = build_step_index(steps) if steps is not None and len(steps) else None
    step_channels = _step_channels(steps)

    # Context per turn: the interviewer's last question and the participant's previous turn.
    question, previous, speakers_of = [None] * len(turns), [None] * len(turns), {}
    last: dict = {}
    for k, turn in enumerate(turns):
        iid = turn["interview_id"]
        last_q, last_p = last.get(iid, (None, None))
        # In a notes grid the column header is the question the cell answers.
        column = turn.get("source_column")
        question[k] = column if isinstance(column, str) and column.strip() else last_q
        previous[k] = last_p
        if isinstance(turn.get("speaker"), str):
            speakers_of.setdefault(iid, {})[turn["speaker"]] = None
        if turn.get("speaker_role") == "interviewer":
            last[iid] = (turn["text"], last_p)
        elif mine[k]:
            last[iid] = (last_q, turn["text"])

    # One nlp.pipe batch per language over every interview (batching is where the speed is).
    analysed: dict[int, list[dict]] = {}
    for ilang in sorted({langs[t["interview_id"]] for t in turns}):
        ks = [k for k, t in enumerate(turns) if mine[k] and t["text"].strip() and langs[t["interview_id"]] == ilang]
        if ks:
            results = _analyse([turns[k]["text"] for k in ks], ilang, [question[k] for k in ks], n_process)
            analysed.update(zip(ks, results, strict=True))

    rows = []
    for k in sorted(analysed):
        sentences = analysed[k]
        if not any(r["is_pain"] for r in sentences):
            continue
        turn = turns[k]
        text, iid = turn["text"], turn["interview_id"]
        ilang = langs[iid]
        pii = find_pii(text, ilang, list(speakers_of.get(iid, {}))) if redact else []
        source = tuple(_plain(turn.get(c)) for c in _SOURCE)
        for j, rec in enumerate(sentences):
            if not rec["is_pain"]:
                continue
            start, end = int(rec["start"]), int(rec["end"])
            sentence = text[start:end]
            if redact:
                inside = [{**sp, "start": max(sp["start"], start) - start, "end": min(sp["end"], end) - start}
                          for sp in pii if sp["start"] < end and sp["end"] > start]
                sentence = redact_spans(sentence, inside, ilang)
            earlier = [r["sentence"] for r in reversed(sentences[:j])]
            context = [question[k] or "", *earlier[:2], previous[k] or ""]
            step_id = None
            if index is not None:
                step_id = link_step(text[start:end], index, ilang, context=context).step_id
            channel = main_channel(text[start:end], ilang)
            if channel is None and earlier:
                channel = main_channel(earlier[0], ilang)
            if channel is None and step_id is not None and len(step_channels.get(step_id, [])) == 1:
                channel = step_channels[step_id][0]
            rows.append({
                "id": pain_point_id(source, start, end),
                "interview_id": _plain(iid), "participant_id": _plain(turn.get("participant_id")),
                "source_file": source[0], "source_sheet": source[1], "source_row": source[2],
                "source_column": source[3],
                "sentence": sentence, "start": start, "end": end,
                "category": rec["category"], "severity": float(rec["severity"]),
                "cues": list(rec.get("cues") or []), "step_id": step_id, "channel": channel,
                "lang": ilang, "status": "suggested",
            })
    if not rows:
        return empty_table("pain_points")
    return _frame(rows, PAIN_POINT_COLUMNS, numeric=("start", "end", "severity"))
