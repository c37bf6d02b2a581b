"""Pain points per sentence of a participant's text, in English or Spanish.

The work is done by the spaCy component of :mod:`nlp.components` inside the pipeline of
:func:`nlp.pipeline.get_nlp`; these functions turn its output into plain dicts.
"""

from __future__ import annotations

import gc
from bisect import bisect_left
from collections.abc import Iterable

from spacy.attrs import IDX, LENGTH, ORTH, SPACY
from spacy.tokenizer import Tokenizer

from nlp.components import CONTEXT_KEY, SENTENCES_KEY
from nlp.pipeline import _preprocessor, get_nlp
from research.errors import InputError

try:  # the C helpers of nlp/_fast.pyx (scripts/build_fast.py); the pure Python here when not built
    from nlp import _fast
except ImportError:
    _fast = None

__all__ = ["analyse_text", "analyse_texts", "is_pain_text"]


def _checked(text) -> str:
    if text is None:
        return ""
    if not isinstance(text, str):
        raise InputError(f"text must be a string, not {type(text).__name__}",
                         "pass the utterance text (empty cells as empty strings)", file="text")
    return text


def _records(doc, text: str) -> list[dict]:
    return _rows(doc.user_data.get(SENTENCES_KEY) or [], text)


def _rows(results: list[dict], text: str) -> list[dict]:
    """The public record of each sentence result of ``text`` (``_fast.rows`` does the same)."""
    out = []
    for r in results:
        out.append({
            "start": r["start"],
            "end": r["end"],
            "sentence": text[r["start"]:r["end"]],
            "is_pain": r["is_pain"],
            "category": r["category"],
            "severity": r["severity"],
            "cues": list(dict.fromkeys(text[a:b] for a, b in r["cue_spans"])),
        })
    return out


def analyse_text(text: str, lang: str, *, context: str | None = None) -> list[dict]:
    """Split ``text`` into sentences and say, for each, whether it describes a pain.

    Parameters
    ----------
    text : str
        What a participant said (never an interviewer's turn).
    lang : str
        ``"en"`` or ``"es"``.
    context : str, optional
        The question this text answers (e.g. the interviewer's previous turn). When it asks
        for problems or improvements, suggestions count as pains and "Nothing." does not.

    Returns
    -------
    list of dict
        One per sentence: ``start``, ``end`` (offsets into ``text``), ``sentence``,
        ``is_pain``, ``category`` (a key of ``research.schema.CATEGORIES``, None when not a
        pain), ``severity`` (0–1, 0 when not a pain), ``cues`` (the words that triggered it).

    Raises
    ------
    InputError
        When ``lang`` is not supported.

    Examples
    --------
    >>> rows = analyse_text("The staff were kind, but I waited four hours.", "en")
    >>> rows[0]["is_pain"], rows[0]["category"]
    (True, 'waiting')
    >>> [r["is_pain"] for r in analyse_text("No tuve ningún problema. Me pidieron otra vez la cédula.", "es")]
    [False, True]
    """
    nlp = get_nlp(lang)
    text = _checked(text)
    doc = nlp.make_doc(text)
    doc.user_data[CONTEXT_KEY] = context
    for _name, proc in nlp.pipeline:
        doc = proc(doc)
    return _records(doc, text)


def analyse_texts(texts: Iterable[str], lang: str, *, contexts: Iterable[str | None] | None = None,
                  n_process: int = 1, batch_size: int = 256) -> list[list[dict]]:
    """:func:`analyse_text` over many texts with ``nlp.pipe`` (optionally in several processes).

    Parameters
    ----------
    texts : iterable of str
    lang : str
        ``"en"`` or ``"es"``.
    contexts : iterable of str or None, optional
        The question each text answers, aligned with ``texts``.
    n_process : int, default 1
        Worker processes (each analyses whole batches).
    batch_size : int, default 256
        Texts analysed together: with the standard pipeline, a batch is tokenised as one Doc
        (at most about 200,000 characters), which gives the same results as one text at a time
        at a fraction of spaCy's per-Doc costs.

    Returns
    -------
    list of list of dict
        One list of sentence records per text, in order.

    Examples
    --------
    >>> out = analyse_texts(["It wasn't bad at all.", "Nunca falló.", "Nobody answered the phone."], "en")
    >>> [[r["is_pain"] for r in rows] for rows in out]
    [[False], [False], [True]]
    """
    nlp = get_nlp(lang)
    texts = [_checked(t) for t in texts]
    ctx = list(contexts) if contexts is not None else [None] * len(texts)
    if len(ctx) != len(texts):
        raise ValueError("contexts must have one entry per text")
    if n_process > 1 and len(texts) > batch_size:
        return _analyse_in_processes(texts, ctx, lang, n_process, batch_size)
    prepare = _preprocessor(nlp) if nlp.pipe_names == _OWN_PIPELINE else None
    if prepare is None or n_process > 1:
        docs = []
        for text, c in zip(texts, ctx, strict=True):
            doc = nlp.make_doc(text)
            if c:
                doc.user_data[CONTEXT_KEY] = c
            docs.append(doc)
        return [_records(doc, text) for doc, text in
                zip(nlp.pipe(docs, n_process=n_process, batch_size=batch_size), texts, strict=True)]
    # the pipeline by hand on batches of texts tokenised as one Doc: spaCy's per-Doc costs
    # (the Doc object, array round trips, matcher calls) are paid once per batch. Texts are
    # joined by a line break run, where the tokenizer always splits, so every text gets the
    # tokens it gets alone; sentences, cues and token windows never cross from one to the next.
    # The garbage collector is paused (a Doc makes many objects and no reference cycles that
    # need collecting mid-batch, while full collections rescan the whole pipeline).
    detector = nlp.get_pipe("recorrido_pain_points")
    out = []
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        for lo, hi in _batches(texts, batch_size, nlp.max_length):
            out += _analyse_batch(nlp, prepare, detector, texts[lo:hi], ctx[lo:hi])
    finally:
        if gc_was_enabled:
            gc.enable()
    return out


_OWN_PIPELINE = ["recorrido_sentences", "recorrido_lemmatizer", "recorrido_pain_points"]
_SEPARATOR = "\n\n"
_BATCH_CHARS = 200_000


def _batches(texts: list[str], batch_size: int, max_length: int):
    """``(lo, hi)`` ranges of at most ``batch_size`` texts and about ``_BATCH_CHARS`` characters
    (a text too long for one Doc goes alone, to fail as it would alone)."""
    lo = 0
    limit = min(_BATCH_CHARS, max_length)
    while lo < len(texts):
        hi = lo
        size = 0
        while hi < len(texts) and hi - lo < max(1, batch_size):
            size += len(texts[hi]) + len(_SEPARATOR)
            if hi > lo and size > limit:
                break
            hi += 1
        yield lo, hi
        lo = hi


_SEEN_WORDS: dict[int, set[str]] = {}


def _warm_tokenizer_cache(tokenizer, text: str) -> None:
    """Tokenise each whitespace-free chunk of ``text`` not seen before on its own first.

    spaCy's tokenizer caches the tokens of each chunk, except within a Doc after its first
    special case ("don't", "I'm"): a Doc of hundreds of texts would otherwise reach the cache
    only for its first few words and tokenise everything else from scratch every time. A chunk
    tokenised alone is cached as it would be in a short text (chunks that are special cases
    themselves never are, as anywhere)."""
    seen = _SEEN_WORDS.setdefault(id(tokenizer), set())
    if len(seen) > 500_000:  # about 40 MB; the words are warmed again as they come
        seen.clear()
    if _fast is not None:  # the same, looking in the tokenizer's cache (and stopping when it is full)
        _fast.warm(tokenizer, text, seen)
        return
    new = set(text.split())
    new.difference_update(seen)
    for chunk in new:
        tokenizer(chunk)
    seen.update(new)


def _analyse_batch(nlp, prepare, detector, texts: list[str], contexts: list[str | None]) -> list[list[dict]]:
    """Sentence records of ``texts`` analysed as one Doc (see :func:`analyse_texts`)."""
    joined = _SEPARATOR.join(texts)
    _warm_tokenizer_cache(nlp.tokenizer, joined)
    if _fast is not None and type(nlp.tokenizer) is Tokenizer and len(joined) <= nlp.max_length:
        doc = _fast.tokenize(nlp.tokenizer, joined)  # the same Doc, without a special-case pass that changes nothing
    else:
        doc = nlp.make_doc(joined)
    if _fast is not None:  # no token columns: the C code reads the Doc
        columns = {}
        bounds = _fast.text_bounds(doc, texts, len(_SEPARATOR))
    else:
        rows = doc.to_array(_BATCH_ATTRS)
        idx = rows[:, 2].tolist()
        columns = {"ORTH": rows[:, 0].tolist(), "SPACY": rows[:, 1].tolist(), "IDX": idx,
                   "LENGTH": rows[:, 3].tolist()}
        bounds = []
        off = 0
        for t in texts:
            bounds.append((bisect_left(idx, off), bisect_left(idx, off + len(t))))
            off += len(t) + len(_SEPARATOR)
    spans = []
    off = 0
    for (lo, hi), t, c in zip(bounds, texts, contexts, strict=True):
        spans.append((lo, hi, off, c))
        off += len(t) + len(_SEPARATOR)
    prepare(doc, [(lo, hi) for lo, hi, _off, _c in spans], columns)
    results = detector.analyse(doc, spans, columns)
    rows_of = _fast.rows if _fast is not None else _rows
    return [rows_of(rows, t) for rows, t in zip(results, texts, strict=True)]


_BATCH_ATTRS = [ORTH, SPACY, IDX, LENGTH]


def _analyse_chunk(args) -> list[list[dict]]:
    texts, contexts, lang = args
    return analyse_texts(texts, lang, contexts=contexts)


_POOLS: dict[int, object] = {}


def _pool(n_process: int):
    """The worker pool of ``n_process`` processes, started on first use and kept (a new pool per
    call costs a fork of the whole process each time). With ``fork`` the workers share the
    parent's pipelines built so far; a pipeline built later is built once in each worker."""
    import atexit
    import multiprocessing as mp

    pool = _POOLS.get(n_process)
    if pool is None:
        method = "fork" if "fork" in mp.get_all_start_methods() else "spawn"
        pool = _POOLS[n_process] = mp.get_context(method).Pool(n_process)
        atexit.register(pool.terminate)
    return pool


def _analyse_in_processes(texts, contexts, lang, n_process, batch_size) -> list[list[dict]]:
    """Worker processes that send back plain dicts (spaCy's own ``n_process`` ships every Doc
    as bytes both ways, which costs more than the analysis)."""
    chunks = [(texts[i:i + batch_size], contexts[i:i + batch_size], lang)
              for i in range(0, len(texts), batch_size)]
    parts = _pool(n_process).map(_analyse_chunk, chunks, chunksize=1)
    return [rows for part in parts for rows in part]


def is_pain_text(text: str, lang: str, *, context: str | None = None) -> bool:
    """True when any sentence of ``text`` is a pain (the text-level decision of evaluation).

    Examples
    --------
    >>> is_pain_text("Everything was perfect.", "en")
    False
    >>> is_pain_text("Sin embargo, la página se caía todo el tiempo.", "es")
    True
    """
    return any(r["is_pain"] for r in analyse_text(text, lang, context=context))
