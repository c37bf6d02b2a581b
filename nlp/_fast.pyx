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


# ---------------------------------------------------------------- token patterns near anchors
# components.TokenPatternMatcher and PainPointDetector._anchored, on the Doc's token structs

from libc.stdint cimport uint64_t
from libc.stdlib cimport free, malloc
from libc.string cimport memset

cdef enum:
    _T_WORD = 0
    _T_FLAG = 1
    _T_SENT = 2
    _COL_ORTH = 0
    _COL_LOWER = 1
    _COL_LEMMA = 2
    _OP_ONE = 0
    _OP_OPT = 1
    _OP_PLUS = 2
    _OP_STAR = 3

cdef struct Test:
    int kind
    int column      # _COL_* for a word test
    uint64_t bits   # flag bits for a flag test
    bint want       # for flag and sentence-start tests
    int n_words
    uint64_t* words  # word ids (unsorted, few)

cdef struct PToken:
    int op
    int n_tests
    Test* tests

cdef struct Pattern:
    int n_tokens
    PToken* tokens
    int n_first    # -1: a match may start anywhere (components._first_tests gives None)
    int* first     # indices of the tokens whose tests a first token passes


_OPS = {"1": _OP_ONE, "?": _OP_OPT, "+": _OP_PLUS, "*": _OP_STAR}
_COLUMNS = {"ORTH": _COL_ORTH, "LOWER": _COL_LOWER, "LEMMA": _COL_LEMMA}


cdef class TokenPatterns:
    """The compiled patterns of a ``components.TokenPatternMatcher`` (``patterns``: its
    ``(key, tokens, first)`` triples) in C structs."""

    cdef int n
    cdef Pattern* c
    cdef list keys
    cdef list _allocs

    def __cinit__(self, list patterns):
        cdef int p, k, j, w
        cdef Test* t
        self._allocs = []
        self.n = len(patterns)
        self.c = <Pattern*>self._alloc(max(1, self.n) * sizeof(Pattern))
        self.keys = []
        for p, (key, tokens, first) in enumerate(patterns):
            self.keys.append(key)
            self.c[p].n_tokens = len(tokens)
            self.c[p].tokens = <PToken*>self._alloc(max(1, len(tokens)) * sizeof(PToken))
            for k, (op, tests) in enumerate(tokens):
                self.c[p].tokens[k].op = _OPS[op]
                self.c[p].tokens[k].n_tests = len(tests)
                self.c[p].tokens[k].tests = <Test*>self._alloc(max(1, len(tests)) * sizeof(Test))
                for j, (kind, what, want) in enumerate(tests):
                    t = &self.c[p].tokens[k].tests[j]
                    t.kind = kind
                    t.n_words = 0
                    t.words = NULL
                    t.bits = 0
                    t.want = False
                    t.column = 0
                    if kind == _T_WORD:
                        t.column = _COLUMNS[what]
                        t.n_words = len(want)
                        t.words = <uint64_t*>self._alloc(max(1, len(want)) * sizeof(uint64_t))
                        for w, value in enumerate(want):
                            t.words[w] = value
                    elif kind == _T_FLAG:
                        t.bits = what
                        t.want = want
                    else:
                        t.want = want
            # the tokens whose tests components._first_tests returns (None: any start)
            self.c[p].n_first = -1
            self.c[p].first = <int*>self._alloc(max(1, len(tokens)) * sizeof(int))
            if first is not None:
                self.c[p].n_first = len(first)
                for j in range(len(first)):
                    self.c[p].first[j] = j  # first = the tests of tokens 0 .. len(first) - 1

    cdef void* _alloc(self, size_t size) except NULL:
        cdef void* ptr = malloc(size)
        if ptr is NULL:
            raise MemoryError()
        memset(ptr, 0, size)
        self._allocs.append(<size_t>ptr)
        return ptr

    def __dealloc__(self):
        if self._allocs is not None:
            for ptr in self._allocs:
                free(<void*><size_t>ptr)


cdef struct Cols:
    const TokenC* tokens
    int* flags


cdef inline bint _token_ok(const Test* tests, int n_tests, int i, Cols* cols) noexcept nogil:
    cdef int j, w
    cdef uint64_t value
    cdef bint found
    for j in range(n_tests):
        if tests[j].kind == _T_WORD:
            if tests[j].column == _COL_ORTH:
                value = cols.tokens[i].lex.orth
            elif tests[j].column == _COL_LOWER:
                value = cols.tokens[i].lex.lower
            else:
                value = cols.tokens[i].lemma
            found = False
            for w in range(tests[j].n_words):
                if tests[j].words[w] == value:
                    found = True
                    break
            if not found:
                return False
        elif tests[j].kind == _T_FLAG:
            if ((cols.flags[i] & tests[j].bits) != 0) != tests[j].want:
                return False
        elif (cols.tokens[i].sent_start == 1) != tests[j].want:
            return False
    return True


cdef void _ends(const Pattern* p, int k, int i, int hi, Cols* cols, char* ends, int base) noexcept nogil:
    """components._ends: mark ``ends[e - base]`` for every end ``e`` of tokens ``k:`` from ``i``."""
    cdef int j, op
    if k == p.n_tokens:
        ends[i - base] = 1
        return
    op = p.tokens[k].op
    if op == _OP_OPT or op == _OP_STAR:
        _ends(p, k + 1, i, hi, cols, ends, base)
    if op == _OP_ONE or op == _OP_OPT:
        if i < hi and _token_ok(p.tokens[k].tests, p.tokens[k].n_tests, i, cols):
            _ends(p, k + 1, i + 1, hi, cols, ends, base)
    else:
        j = i
        while j < hi and _token_ok(p.tokens[k].tests, p.tokens[k].n_tests, j, cols):
            j += 1
            _ends(p, k + 1, j, hi, cols, ends, base)


cdef int _matches(TokenPatterns pats, Cols* cols, int lo, int hi, list out, tuple info_of_key,
                  char* ends) except -1:
    """components.TokenPatternMatcher.matches, each match appended to ``out`` as
    ``(start, end, *meta[key])`` (``info_of_key``: the meta tuple of each pattern)."""
    cdef int p, s, e, j
    cdef bint ok
    cdef const Pattern* pat
    for p in range(pats.n):
        pat = &pats.c[p]
        info = info_of_key[p]
        for s in range(lo, hi):
            if pat.n_first >= 0:
                ok = False
                for j in range(pat.n_first):
                    if _token_ok(pat.tokens[j].tests, pat.tokens[j].n_tests, s, cols):
                        ok = True
                        break
                if not ok:
                    continue
            memset(ends, 0, hi - s + 1)
            _ends(pat, 0, s, hi, cols, ends, s)
            for e in range(s + 1, hi + 1):
                if ends[e - s]:
                    out.append((s, e) + info)
    return 0


def anchored(Doc doc, list anchors, list bounds, dict patterns, dict meta, int reach, list flags):
    """``PainPointDetector._anchored`` when every anchor group has a ``TokenPatternMatcher``:
    ``patterns`` maps each anchor key to the :class:`TokenPatterns` of its group."""
    cdef Cols cols
    cdef int n = doc.length
    cdef int i = 0, bi = 0, a, b, lo, hi, lo_text, hi_text, key_pos
    cdef int n_anchors = len(anchors)
    cdef char* ends
    cdef TokenPatterns pats
    out = []
    if n_anchors == 0:
        return out
    cols.tokens = doc.c
    cols.flags = <int*>malloc(max(1, n) * sizeof(int))
    ends = <char*>malloc(n + 2)
    if cols.flags is NULL or ends is NULL:
        free(cols.flags)
        free(ends)
        raise MemoryError()
    try:
        for i in range(n):
            cols.flags[i] = flags[i]
        i = 0
        infos = {}
        while i < n_anchors:
            while bounds[bi][1] <= anchors[i][1]:
                bi += 1
            lo_text, hi_text = bounds[bi]
            windows = {}
            while i < n_anchors and anchors[i][1] < hi_text:
                key, a, b = anchors[i]
                i += 1
                lo = max(lo_text, a - reach)
                hi = min(hi_text, b + 3)
                w = windows.get(key)
                if w is None:
                    w = windows[key] = []
                last = w[len(w) - 1] if w else None
                if last is not None and lo <= last[1]:
                    last[1] = max(last[1], hi)
                else:
                    w.append([lo, hi])
            for key, spans in windows.items():
                pats = patterns[key]
                info = infos.get(key)
                if info is None:
                    info = infos[key] = tuple(meta[m] for m in pats.keys)
                for lo, hi in spans:
                    _matches(pats, &cols, lo, hi, out, info, ends)
    finally:
        free(cols.flags)
        free(ends)
    return out
