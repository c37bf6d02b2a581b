# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
"""C helpers of the pain-point pipeline: the per-token work of :mod:`nlp.pipeline`,
:mod:`nlp.components` and :mod:`nlp.painpoints`, reading spaCy's token structs directly.

Optional: compiled by ``scripts/build_fast.py`` (run by ``scripts/venv.sh``). Each function does
exactly what the pure-Python code next to its caller does (that code stays as the reference and
the fallback when this module is not built; ``tests/nlp/test_fast.py`` runs both on the same
texts and requires identical output).
"""

from cpython.dict cimport PyDict_GetItem
from cpython.list cimport PyList_GET_ITEM, PyList_GET_SIZE
from cpython.ref cimport PyObject
from spacy.structs cimport TokenC
from spacy.tokens.doc cimport Doc


def token_columns(Doc doc):
    """``ORTH``, ``SPACY``, ``IDX`` and ``LENGTH`` of every token of ``doc`` as lists of ints
    (``doc.to_array([ORTH, SPACY, IDX, LENGTH])`` column by column, ``tolist()``)."""
    cdef int i, n = doc.length
    cdef const TokenC* t
    orth = [None] * n
    spacy = [None] * n
    idx = [None] * n
    length = [None] * n
    for i in range(n):
        t = &doc.c[i]
        orth[i] = t.lex.orth
        spacy[i] = 1 if t.spacy else 0
        idx[i] = t.idx
        length[i] = t.lex.length
    return orth, spacy, idx, length


def lower_column(Doc doc):
    """``doc.to_array(LOWER).tolist()``."""
    cdef int i, n = doc.length
    out = [None] * n
    for i in range(n):
        out[i] = doc.c[i].lex.lower
    return out


def lemma_column(Doc doc):
    """``doc.to_array(LEMMA).tolist()``."""
    cdef int i, n = doc.length
    out = [None] * n
    for i in range(n):
        out[i] = doc.c[i].lemma
    return out


def memo_values(dict memo, list keys):
    """``[memo.get(k) for k in keys]``."""
    cdef Py_ssize_t i, n = PyList_GET_SIZE(keys)
    cdef PyObject* got
    out = [None] * n
    for i in range(n):
        got = PyDict_GetItem(memo, <object>PyList_GET_ITEM(keys, i))
        if got is not NULL:
            out[i] = <object>got
    return out


def set_starts_and_lemmas(Doc doc, list starts, list lemmas):
    """``doc.from_array([SENT_START, LEMMA], ...)`` with sentence starts at token 0 and at
    ``starts`` (every other token -1) and the lemma ids ``lemmas``."""
    cdef int i, n = doc.length
    if PyList_GET_SIZE(lemmas) != n:
        raise ValueError("one lemma per token")
    for i in range(n):
        doc.c[i].sent_start = -1
        doc.c[i].lemma = lemmas[i]
    if n:
        doc.c[0].sent_start = 1
    for i in starts:
        doc.c[i].sent_start = 1
