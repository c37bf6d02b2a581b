# distutils: language = c++
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


def text_bounds(Doc doc, list texts, int separator):
    """The token range ``(lo, hi)`` of each of ``texts`` in ``doc`` (the texts joined by
    ``separator`` characters): ``bisect_left`` of each text's first and end character offset in
    the tokens' ``IDX``, as ``painpoints._analyse_batch`` finds them."""
    cdef int i = 0, n = doc.length
    cdef Py_ssize_t off = 0, end
    out = []
    for t in texts:
        end = off + len(<str>t)
        while i < n and doc.c[i].idx < off:
            i += 1
        lo = i
        while i < n and doc.c[i].idx < end:
            i += 1
        out.append((lo, i))
        off = end + separator
    return out


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


from cpython.ref cimport Py_DECREF, Py_INCREF
from preshed.maps cimport PreshMap, map_iter


cdef class LexMemo:
    """A C hash table in front of a memo dict ``word form id -> value`` (lexical facts that never
    change: a word's kind, flags or lemma), so that a Doc's values are found without a Python
    int and a dict lookup per token.

    The dict stays the memo: ``values`` copies each entry it finds there into the table (holding
    a reference to the value), and the caller fills the dict for the misses as before. An entry
    must never change once in the dict (the memos only ever add).
    """
    cdef PreshMap table
    cdef dict memo

    def __cinit__(self, dict memo):
        self.table = PreshMap()
        self.memo = memo

    def values(self, Doc doc):
        """``[memo.get(t.orth) for t in doc]``."""
        cdef int i, n = doc.length
        cdef uint64_t orth
        cdef PyObject* got
        out = [None] * n
        for i in range(n):
            orth = doc.c[i].lex.orth
            got = <PyObject*>self.table.get(orth)
            if got is NULL:
                got = PyDict_GetItem(self.memo, orth)
                if got is NULL:
                    continue
                Py_INCREF(<object>got)
                self.table.set(orth, got)
            out[i] = <object>got
        return out

    def __dealloc__(self):
        cdef int i = 0
        cdef uint64_t key
        cdef void* value
        if self.table is not None:
            while map_iter(self.table.c_map, &i, &key, &value):
                if value is not NULL:
                    Py_DECREF(<object>value)


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


# ---------------------------------------------------------------- sentences and their scores
# PainPointDetector.analyse (the loop over sentences) and _score, on C arrays

from libc.math cimport exp

cdef enum:
    _SPACE = 1
    _BRK = 2
    _NUM = 4
    _EXCL = 8
    _SHOUT = 16
    # kinds of cue label
    _L_PAIN = 1        # a category of research.schema.CATEGORIES or "negative"
    _L_NEGATIVE = 2    # "negative" (also _L_PAIN)
    _L_TIMED = 4       # "waiting" or "repetition" (also _L_PAIN)
    _L_POSITIVE = 8
    _L_EXPECTED = 16
    _L_SUGGESTION = 32

_NO_ASKS = frozenset()  # PainPointDetector._asks of no context


cdef struct Marks:
    int n
    int* s
    int* e


cdef inline int _bisect_left(const int* a, int n, int x) noexcept nogil:
    cdef int lo = 0, hi = n, mid
    while lo < hi:
        mid = (lo + hi) >> 1
        if a[mid] < x:
            lo = mid + 1
        else:
            hi = mid
    return lo


cdef inline void _range(const Marks* m, int a, int b, int* i0, int* i1) noexcept nogil:
    """Indices ``i0:i1`` of the marks starting at tokens ``a`` to ``b - 1`` (_Facts.marks_in)."""
    i0[0] = _bisect_left(m.s, m.n, a)
    i1[0] = _bisect_left(m.s, m.n, b) if b > a else i0[0]
    if i1[0] < i0[0]:
        i1[0] = i0[0]


cdef class _Batch:
    """One Doc's token and cue facts in C arrays (what _Facts and the cue list hold)."""
    cdef int n, n_cues
    cdef int* flags
    cdef int* idx
    cdef int* length
    cdef int* cs
    cdef int* ce
    cdef int* ckind
    cdef double* cweight
    cdef Marks neg, ints, contrast, conc, hypo, then
    cdef int* neg_use   # scratch arrays of one sentence
    cdef int* all_use
    cdef int* self_neg
    cdef int* hypo_end
    cdef list _allocs

    def __cinit__(self):
        self._allocs = []

    cdef void* _alloc(self, size_t size) except NULL:
        cdef void* ptr = malloc(max(<size_t>1, size))
        if ptr is NULL:
            raise MemoryError()
        self._allocs.append(<size_t>ptr)
        return ptr

    cdef int* _ints(self, list values) except NULL:
        cdef int i, n = len(values)
        cdef int* out = <int*>self._alloc(n * sizeof(int))
        for i in range(n):
            out[i] = values[i]
        return out

    cdef int _marks(self, Marks* m, list spans) except -1:
        cdef int i
        m.n = len(spans)
        m.s = <int*>self._alloc(m.n * sizeof(int))
        m.e = <int*>self._alloc(m.n * sizeof(int))
        for i in range(m.n):
            m.s[i], m.e[i] = spans[i]
        return 0

    def __dealloc__(self):
        if self._allocs is not None:
            for ptr in self._allocs:
                free(<void*><size_t>ptr)


cdef enum:
    _W_SERVANT = 1     # a word of the first person plural ("we", "capturamos")
    _W_POSSESSIVE = 2  # "our", "nuestro"
    _W_SYSTEM = 4      # "database", "sistema"


cdef class Scorer:
    """The options of a ``PainPointDetector`` as C numbers, and its cue label kinds."""
    cdef object det
    cdef double threshold, contrast_before, contrast_after, hypothetical_factor, positive_weight
    cdef double negated_positive_weight, negated_pain_praise, suggestion_weight
    cdef double improvement_suggestion_weight, improvement_bare_answer, intensifier_boost
    cdef double topic_below, praise_cap, answer_boost
    cdef int negation_window
    cdef dict kinds
    cdef object _pain_labels
    cdef dict need_memo
    cdef double implicit_category_factor
    cdef list precedence
    cdef dict category_order
    cdef PreshMap word_bits  # word form -> 1 + _W_* bits (PainPointDetector._servant_voice, _own_system)

    def __init__(self, det, pain_labels):
        cfg = det.cfg
        self.det = det
        self.threshold = cfg["threshold"]
        self.negation_window = cfg["negation_window"]
        self.contrast_before = cfg["contrast_before"]
        self.contrast_after = cfg["contrast_after"]
        self.hypothetical_factor = cfg["hypothetical_factor"]
        self.positive_weight = cfg["positive_weight"]
        self.negated_positive_weight = cfg["negated_positive_weight"]
        self.negated_pain_praise = cfg["negated_pain_praise"]
        self.suggestion_weight = cfg["suggestion_weight"]
        self.improvement_suggestion_weight = cfg["improvement_suggestion_weight"]
        self.improvement_bare_answer = cfg["improvement_bare_answer"]
        self.intensifier_boost = cfg["intensifier_boost"]
        self.topic_below = cfg["topic_below"]
        self.praise_cap = cfg["praise_cap"]
        self.answer_boost = cfg["answer_boost"]
        self.kinds = {}
        self._pain_labels = frozenset(pain_labels)
        self.implicit_category_factor = cfg["implicit_category_factor"]
        self.precedence = [(w, l) for w, l in cfg["category_precedence"] or ()]
        from research.schema import CATEGORIES
        self.category_order = {k: i for i, k in enumerate(CATEGORIES)}
        self.word_bits = PreshMap()

    cdef int kind(self, label) except -1:
        got = self.kinds.get(label)
        if got is None:
            k = 0
            if label in self._pain_labels:
                k |= _L_PAIN
                if label == "negative":
                    k |= _L_NEGATIVE
                if label == "waiting" or label == "repetition":
                    k |= _L_TIMED
            elif label == "POSITIVE":
                k = _L_POSITIVE
            elif label == "EXPECTED":
                k = _L_EXPECTED
            elif label == "SUGGESTION":
                k = _L_SUGGESTION
            got = self.kinds[label] = k
        return got

    def analyse(self, Doc doc, list texts, list out, list cues, dict marks, idx, length,
                list flags, list sent_starts, is_improvement_question, str lang):
        """The loop over sentences of ``PainPointDetector.analyse`` (same arguments as there;
        ``out``: one empty list per text, filled; ``idx`` and ``length`` None: read from ``doc``)."""
        cdef _Batch b = _Batch()
        cdef int i, k, lo, hi, off, s0, s1, e1, ci = 0, c0, si, n_starts, c
        cdef bint improvement, trivial
        cdef int n = len(flags)
        cdef int* starts
        b.n = n
        b.flags = b._ints(flags)
        if idx is None or length is None:
            b.idx = <int*>b._alloc(n * sizeof(int))
            b.length = <int*>b._alloc(n * sizeof(int))
            for i in range(n):
                b.idx[i] = doc.c[i].idx
                b.length[i] = doc.c[i].lex.length
        else:
            b.idx = b._ints(idx)
            b.length = b._ints(length)
        b.n_cues = len(cues)
        b.cs = <int*>b._alloc(b.n_cues * sizeof(int))
        b.ce = <int*>b._alloc(b.n_cues * sizeof(int))
        b.ckind = <int*>b._alloc(b.n_cues * sizeof(int))
        b.cweight = <double*>b._alloc(b.n_cues * sizeof(double))
        for i in range(b.n_cues):
            cue = cues[i]
            b.cs[i] = cue[0]
            b.ce[i] = cue[1]
            b.ckind[i] = self.kind(cue[2])
            b.cweight[i] = cue[3]
        b._marks(&b.neg, marks["NEG"])
        b._marks(&b.ints, marks["INT"])
        b._marks(&b.contrast, marks["CONTRAST"])
        b._marks(&b.conc, marks["CONC"])
        b._marks(&b.hypo, marks["HYPO"])
        b._marks(&b.then, marks["THEN"])
        b.neg_use = <int*>b._alloc(b.neg.n * sizeof(int))
        b.all_use = <int*>b._alloc(b.neg.n * sizeof(int))
        b.self_neg = <int*>b._alloc(b.n_cues * sizeof(int))
        b.hypo_end = <int*>b._alloc(b.hypo.n * sizeof(int))
        n_starts = len(sent_starts)
        starts = b._ints(sent_starts)
        det = self.det
        self.need_memo = det._need_memo
        for k in range(len(texts)):
            lo, hi, off, context = texts[k]
            if lo >= hi:
                continue
            improvement = bool(context) and is_improvement_question(context, lang)
            asks = det._asks(context) if context else _NO_ASKS
            results = out[k]
            # sentences start at lo and at every sentence start after it before hi
            si = _bisect_left(starts, n_starts, lo + 1)
            s0 = lo
            while True:
                s1 = starts[si] if si < n_starts and starts[si] < hi else hi
                e1 = s1
                while s0 < s1 and b.flags[s0] & _SPACE:
                    s0 += 1
                while e1 > s0 and b.flags[e1 - 1] & _SPACE:
                    e1 -= 1
                if s0 < e1:
                    while ci < b.n_cues and b.cs[ci] < s0:
                        ci += 1
                    c0 = ci
                    while ci < b.n_cues and b.cs[ci] < s1:
                        ci += 1
                    trivial = False
                    if not improvement:
                        trivial = True
                        for c in range(c0, ci):
                            if not (b.ckind[c] & (_L_POSITIVE | _L_EXPECTED)
                                    or (b.cweight[c] < self.topic_below and b.ckind[c] & _L_PAIN)):
                                trivial = False
                                break
                        if trivial and c0 < ci:  # only inert cues: a negator in sight changes that
                            i = _bisect_left(b.neg.s, b.neg.n, s0)
                            trivial = not (i < b.neg.n and b.neg.s[i] < e1)
                    if trivial:
                        results.append({"start": b.idx[s0] - off,
                                         "end": b.idx[e1 - 1] + b.length[e1 - 1] - off,
                                         "is_pain": False, "category": None, "severity": 0.0,
                                         "cue_spans": [], "score": 0.0})
                    else:
                        results.append(self._score(b, doc, s0, e1, c0, ci, cues, improvement, asks, off))
                else:
                    while ci < b.n_cues and b.cs[ci] < s1:
                        ci += 1
                if s1 >= hi:
                    break
                s0 = s1
                si += 1
        return out

    cdef int _negated(self, _Batch b, int start, int s0, int* use, int m0, int m1,
                      int x0, int x1) noexcept:
        """PainPointDetector._negated over the negators ``m0:m1`` with ``use[m - m0]`` set and
        the contrasts ``x0:x1``: the governing negator's first token, or -1."""
        cdef int m, ns, ne, j, x
        cdef int lo = start - self.negation_window
        cdef bint skip
        if lo < s0:
            lo = s0
        for m in range(m0, m1):
            if not use[m - m0]:
                continue
            ns = b.neg.s[m]
            ne = b.neg.e[m]
            if lo < ne <= start:
                skip = False
                for j in range(ne, start):
                    if b.flags[j] & _BRK:
                        skip = True
                        break
                if skip:
                    continue
                for x in range(x0, x1):
                    if ne <= b.contrast.s[x] < start:
                        skip = True
                        break
                if skip:
                    continue
                return ns
        return -1

    cdef int _word_bits(self, Doc doc, int i) except -1:
        """The _W_* bits of token ``i``'s word form (lexical: memoised per form)."""
        cdef const TokenC* t = &doc.c[i]
        cdef size_t got = <size_t>self.word_bits.get(t.lex.orth)
        cdef int bits = 0
        if got:
            return <int>(got - 1)
        lex = self.det.lex
        low = doc.vocab.strings[t.lex.lower]
        ends = lex.SERVANT_VOICE_ENDINGS
        if low in lex.SERVANT_VOICE or (ends and t.lex.length > 5 and low.endswith(ends)):
            bits |= _W_SERVANT
        if low in lex.OWN_SYSTEM_POSSESSIVES:
            bits |= _W_POSSESSIVE
        if low in lex.OWN_SYSTEM_WORDS:
            bits |= _W_SYSTEM
        self.word_bits.set(t.lex.orth, <void*><size_t>(bits + 1))
        return bits

    cdef bint _servant_voice(self, Doc doc, int s0, int e1) except -1:
        """PainPointDetector._servant_voice."""
        cdef int i
        for i in range(s0, e1):
            if self._word_bits(doc, i) & _W_SERVANT:
                return True
        return False

    cdef bint _own_system(self, Doc doc, int s0, int e1) except -1:
        """PainPointDetector._own_system: a possessive with a system word among the next three."""
        cdef int i, j
        for i in range(s0, e1):
            if self._word_bits(doc, i) & _W_POSSESSIVE:
                for j in range(i + 1, min(i + 4, e1)):
                    if self._word_bits(doc, j) & _W_SYSTEM:
                        return True
        return False

    cdef tuple _category(self, dict by_cat, dict top_cue, dict implicit_by_cat, Doc doc, int s0, int e1):
        """PainPointDetector._category (same arguments and result, same dict order)."""
        cdef dict specific = {}
        cdef dict damped
        cdef double v, best_v = 0.0, best_top = 0.0, top, w
        cdef int best_order = 0, order
        cdef bint heavy
        for k, v in by_cat.items():
            if k != "other":
                specific[k] = v
        if "repetition" in specific and "internal_tools" in specific and self._servant_voice(doc, s0, e1):
            specific["internal_tools"] += specific.pop("repetition")
        if "channel_failure" in specific and self._own_system(doc, s0, e1):
            specific["internal_tools"] = specific.get("internal_tools", 0.0) + specific.pop("channel_failure")
        for winner, loser in self.precedence:
            if winner in specific and loser in specific and <double>top_cue.get(winner, 0.0) >= self.topic_below:
                specific[winner] += specific.pop(loser)
        if implicit_by_cat:  # a failure cue outranks the count or duration that goes with it
            damped = {}
            heavy = False
            for k, v in specific.items():
                w = v - self.implicit_category_factor * <double>implicit_by_cat.get(k, 0.0)
                damped[k] = w
                heavy = heavy or w >= 0.3
            if not damped:
                max(damped.values())  # raises as the Python code does (never happens)
            if heavy:
                specific = damped
        if len(specific) == 1:
            for k, v in specific.items():
                return (k if v >= 0.3 else "other"), specific
        category = "other"
        heavy = False
        for v in specific.values():
            if v >= 0.3:
                heavy = True
                break
        if heavy:
            # the largest (round(weight, 6), heaviest cue, -key order): a tie goes to the
            # category of the heaviest single cue, then to the earlier key
            category = None
            for k, v in specific.items():
                v = round(<object>v, 6)
                top = <double>top_cue.get(k, 0.0)
                order = self.category_order[k]  # a key not in CATEGORIES raises, as .index does
                if (category is None or v > best_v or (v == best_v and (top > best_top or (
                        top == best_top and order < best_order)))):
                    category, best_v, best_top, best_order = k, v, top, order
        return category, specific

    cdef dict _score(self, _Batch b, Doc doc, int s0, int e1, int c0, int c1, list cues, bint improvement,
                     asks, int off):
        """PainPointDetector._score of the sentence at tokens ``s0:e1`` with cues ``c0:c1``."""
        cdef int n0, n1, i0, i1, x0, x1, h0, h1, o0, o1, t0 = 0, t1 = 0, m, c, s, e, j, end, ts, kind, x, ce
        cdef int pivot = -1, first_break, negator, implicit = 0, n_int = 0, bits
        cdef PyObject* got
        cdef bint has_pivot, need, praise_label, intensified, is_implicit, bare, hypothetical
        cdef double praise_everywhere = 1.0, f, boost, w, weight
        cdef double pain = 0.0, praise = 0.0, suggestion = 0.0, implicit_pain = 0.0, explicit_pain = 0.0
        cdef double net, severity
        cdef int n_cues = c1 - c0
        cdef int* neg_use
        cdef int* all_use
        cdef int* self_neg
        cdef int* hypo_end
        _range(&b.neg, s0, e1, &n0, &n1)
        _range(&b.ints, s0, e1, &i0, &i1)
        _range(&b.contrast, s0, e1 - 1, &x0, &x1)
        _range(&b.hypo, s0, e1, &h0, &h1)
        _range(&b.conc, s0, s0 + 2, &o0, &o1)
        neg_use = b.neg_use
        all_use = b.all_use
        self_neg = b.self_neg
        hypo_end = b.hypo_end
        # a negator inside a longer cue belongs to it (see _score)
        for m in range(n0, n1):
            all_use[m - n0] = 1
            neg_use[m - n0] = 1
            for c in range(c0, c1):
                if (b.cs[c] <= b.neg.s[m] and b.neg.e[m] <= b.ce[c]
                        and b.ce[c] - b.cs[c] > b.neg.e[m] - b.neg.s[m]):
                    neg_use[m - n0] = 0
                    break
        for c in range(c0, c1):
            self_neg[c - c0] = 0
            for m in range(n0, n1):
                if b.cs[c] <= b.neg.s[m] and b.neg.e[m] <= b.ce[c]:
                    self_neg[c - c0] = 1
                    break
        has_pivot = x1 > x0
        if has_pivot:
            pivot = b.contrast.e[x1 - 1]
        if o1 > o0:
            ce = b.conc.e[o0]
            has_pivot = False
            for x in range(x1 - 1, x0 - 1, -1):
                if b.contrast.s[x] >= ce:
                    pivot = b.contrast.e[x]
                    has_pivot = True
                    break
            if not has_pivot:
                first_break = -1
                for j in range(ce, e1 - 1):
                    if b.flags[j] & _BRK:
                        first_break = j
                        break
                if first_break >= 0:
                    pivot = first_break + 1
                    has_pivot = True
                else:
                    praise_everywhere = self.contrast_before
        if h1 > h0:
            _range(&b.then, s0, e1, &t0, &t1)
        for m in range(h0, h1):
            end = b.hypo.e[m]
            while end < e1 and not b.flags[end] & _BRK:
                end += 1
            for j in range(t0, t1):
                ts = b.then.s[j]
                if b.hypo.e[m] + 2 <= ts < end:
                    end = ts  # min over the consequents inside the clause (see _score)
            hypo_end[m - h0] = end
        need = False
        if n1 > n0:
            for m in range(n0, n1):
                if b.neg.s[m] > s0 + 1:
                    need = True
                    break
            if need:  # PainPointDetector._is_need_opener, its memo read here first
                got = PyDict_GetItem(self.need_memo, doc.c[s0].lex.orth)
                need = <object>got if got is not NULL else self.det._is_need_opener(doc, s0)

        by_cat = {}
        top_cue = {}
        implicit_by_cat = {}
        pain_cues = []
        for c in range(c0, c1):
            s = b.cs[c]
            e = b.ce[c]
            kind = b.ckind[c]
            weight = b.cweight[c]
            praise_label = kind & _L_POSITIVE
            if not has_pivot:
                f = praise_everywhere if praise_label else 1.0
            elif s >= pivot:
                f = 1.0 if praise_label else self.contrast_after
            else:
                f = self.contrast_before if praise_label else 1.0
            hypothetical = False
            for m in range(h0, h1):
                if b.hypo.s[m] < s < hypo_end[m - h0]:
                    hypothetical = True
                    break
            if hypothetical or (need and s > s0):
                f *= self.hypothetical_factor
            if need and kind & (_L_NEGATIVE | _L_EXPECTED):
                continue
            intensified = False
            for m in range(i0, i1):
                if b.ints.e[m] <= s and s - b.ints.e[m] <= 1:
                    intensified = True
                    break
            boost = 1.0 + self.intensifier_boost if intensified else 1.0
            if self_neg[c - c0] or n1 == n0:
                negator = -1
            else:
                negator = self._negated(b, s, s0, neg_use if kind & _L_PAIN else all_use, n0, n1, x0, x1)
            if kind & _L_PAIN:
                if negator >= 0:
                    praise += self.negated_pain_praise * f
                    continue
                is_implicit = False
                if kind & _L_TIMED:
                    for j in range(s, e):
                        if b.flags[j] & _NUM:
                            is_implicit = True
                            break
                bare = is_implicit and b.flags[s] & _NUM
                w = weight * f * boost
                label = cues[c][2]
                if bare and label in asks:
                    w *= self.answer_boost
                cat = label if not kind & _L_NEGATIVE else "other"
                by_cat[cat] = <double>by_cat.get(cat, 0.0) + w
                if w > <double>top_cue.get(cat, 0.0):
                    top_cue[cat] = w
                if weight < self.topic_below:
                    continue
                pain += w
                pain_cues.append((b.idx[s] - off, b.idx[e - 1] + b.length[e - 1] - off))
                if is_implicit:
                    implicit += 1
                    implicit_pain += w
                    if bare:
                        implicit_by_cat[cat] = <double>implicit_by_cat.get(cat, 0.0) + w
                else:
                    explicit_pain += w
                n_int += intensified
            elif kind & (_L_POSITIVE | _L_EXPECTED):
                if negator >= 0:
                    w = self.negated_positive_weight * f * boost
                    pain += w
                    explicit_pain += w
                    cat = cues[c][4] or "other"
                    by_cat[cat] = <double>by_cat.get(cat, 0.0) + w
                    if w > <double>top_cue.get(cat, 0.0):
                        top_cue[cat] = w
                    pain_cues.append((b.idx[negator] - off, b.idx[e - 1] + b.length[e - 1] - off))
                    n_int += intensified
                elif praise_label:
                    praise += weight * f * boost * self.positive_weight
            elif kind & _L_SUGGESTION and negator < 0:
                suggestion += weight * f
                if improvement:
                    pain_cues.append((b.idx[s] - off, b.idx[e - 1] + b.length[e - 1] - off))

        if implicit_pain != 0.0 and explicit_pain == 0.0 and praise > 0 and x1 == x0:
            pain -= implicit_pain
        if improvement:
            pain += suggestion * self.improvement_suggestion_weight
            if self.det._is_nothing(doc, s0, e1):
                pain = 0.0
            elif n_cues == 0:
                pain += self.improvement_bare_answer
        else:
            pain += suggestion * self.suggestion_weight
        w = self.praise_cap * pain
        net = pain - (w if w < praise else praise)
        is_pain = net >= self.threshold and pain > 0
        category = None
        severity = 0.0
        specific = {}
        if is_pain:
            category, specific = self._category(by_cat, top_cue, implicit_by_cat, doc, s0, e1)
            severity = 1.0 - exp(-net / 2.5)
            severity += 0.1 * (n_int if n_int < 2 else 2) + 0.1 * (implicit if implicit < 1 else 1)
            bits = 0
            for j in range(s0, e1):
                bits |= b.flags[j]
            severity += 0.1 if bits & _EXCL else 0.0
            if bits & _SHOUT:
                severity += 0.05
            if not severity > 0.05:
                severity = 0.05
            if not 1.0 > severity:
                severity = 1.0
            severity = round(<object>severity, 2)
        return {
            "start": b.idx[s0] - off,
            "end": b.idx[e1 - 1] + b.length[e1 - 1] - off,
            "is_pain": bool(is_pain),
            "category": category,
            "severity": severity,
            "cue_spans": list(dict.fromkeys(pain_cues)) if is_pain else [],
            "score": round(<object>net, 3),
            "category_scores": specific,
        }


# ---------------------------------------------------------------- matches to cues and markers
# PainPointDetector._match


def split_matches(list matches, dict meta, dict anchored, dict marker_ids, list found, list anchors,
                  dict marks):
    """Sort the PhraseMatcher's ``(key, start, end)`` matches as ``_match`` does: a cue
    ``(start, end, *meta[key])`` to ``found``, an anchor to ``anchors``, a marker span to
    ``marks[kind]``."""
    cdef PyObject* got
    for match in matches:
        m, s, e = match
        got = PyDict_GetItem(meta, m)
        if got is not NULL:
            found.append((s, e) + <tuple>got)
        elif m in anchored:
            anchors.append(match)
        else:
            marks[marker_ids[m]].append((s, e))


def keep_cues(list found):
    """The cues ``_match`` keeps of ``found`` (``(start, end, label, weight, category)``): one
    per span and label (the first of the largest weight), none inside a longer kept cue, sorted
    by start then longest first."""
    cdef dict best = {}
    cdef int i, j, n, n_kept = 0, s, e, reach = -1, lo
    cdef bint inside
    cdef int* ks
    cdef int* ke
    for c in found:
        key = (c[0], c[1], c[2])
        old = best.get(key)
        if old is None or c[3] > old[3]:
            best[key] = c
    # sorted by (start, -length), stable: one int key per cue
    ordered = sorted(best.values(), key=_order_key)
    n = len(ordered)
    kept = []
    ks = <int*>malloc(max(1, n) * sizeof(int))
    ke = <int*>malloc(max(1, n) * sizeof(int))
    if ks is NULL or ke is NULL:
        free(ks)
        free(ke)
        raise MemoryError()
    try:
        for c in ordered:
            s = c[0]
            e = c[1]
            if e <= reach:
                inside = False
                lo = n_kept - 12 if n_kept > 12 else 0
                for j in range(lo, n_kept):
                    if ks[j] <= s and e <= ke[j] and (ke[j] - ks[j]) > (e - s):
                        inside = True
                        break
                if inside:
                    continue
            kept.append(c)
            ks[n_kept] = s
            ke[n_kept] = e
            n_kept += 1
            if e > reach:
                reach = e
    finally:
        free(ks)
        free(ke)
    return kept


def _order_key(c):
    cdef long long s = c[0], e = c[1]
    return s * 4294967296 - (e - s)


# ---------------------------------------------------------------- sentence starts, words, records


from libcpp.algorithm cimport sort as cpp_sort


cdef struct Kinds:
    int word, space, newline, terminal, ellipsis, closer, opener, final_abbr, abbr, abbr_stem, final_stem


cdef inline bint _is_trigger(const Kinds* K, int k) noexcept nogil:
    return (k == K.newline or k == K.ellipsis or k == K.terminal or k == K.final_abbr or k == K.closer
            or k == K.opener)


def sentence_starts(list kinds, orths, spacy, list texts, special_kinds, tuple codes, dict memo,
                    dot, Doc doc=None):
    """``SentenceSplitter.starts_of_texts`` after its ``kinds``: the sentence starts of each text
    ``(lo, hi)``, in order, by the rules of ``SentenceSplitter._starts_in``. ``codes`` are the
    kind codes of nlp.pipeline (``_WORD, _SPACE, ... _FINAL_STEM``), ``memo`` the splitter's
    facts per word form, ``dot`` the id of ".". ``kinds`` is changed as ``_starts_in`` changes it. ``orths`` and ``spacy`` None:
    read from ``doc``."""
    cdef Py_ssize_t i, n = len(kinds), n_special = 0, a = 0, b, q
    cdef int lo, hi, j, k, x, stem, prev_i, prev, n_cand
    cdef bint quick, has_stem, newline, start
    cdef char is_special[64]
    cdef Kinds K
    cdef vector[int] special
    cdef vector[int] cand
    cdef vector[int] ck
    cdef uint64_t dot_id = dot
    (K.word, K.space, K.newline, K.terminal, K.ellipsis, K.closer, K.opener, K.final_abbr, K.abbr,
     K.abbr_stem, K.final_stem) = codes
    memset(is_special, 0, sizeof(is_special))
    for k in special_kinds:
        is_special[k] = 1
    ck.resize(n)
    for i in range(n):
        k = kinds[i]
        ck[i] = k
        if 0 <= k < 64 and is_special[k]:
            special.push_back(i)
    n_special = special.size()
    found = []
    for lo, hi in texts:
        if lo >= hi:
            continue
        while a < n_special and special[a] < lo:
            a += 1
        b = a
        quick = True
        has_stem = False
        while b < n_special and special[b] < hi:
            j = special[b]
            if not (j == hi - 1 and ck[j] != K.opener):
                quick = False
            if ck[j] == K.abbr_stem or ck[j] == K.final_stem:
                has_stem = True
            b += 1
        found.append(lo)
        if quick:
            a = b
            continue
        if has_stem:  # "Sr" + ".": the period belongs to the abbreviation
            stem = K.word
            for x in range(lo, hi):
                k = ck[x]
                if stem != K.word and k == K.terminal and (doc.c[x].lex.orth if orths is None else <uint64_t>orths[x]) == dot_id:
                    k = K.final_abbr if stem == K.final_stem else K.abbr
                    ck[x] = k
                    kinds[x] = k
                stem = k if (k == K.abbr_stem or k == K.final_stem) and not (doc.c[x].spacy if spacy is None else spacy[x]) else K.word
        # a sentence can only start at the first word after a trigger, or at an opener
        cand.clear()
        for q in range(a, b):
            j = special[q]
            k = ck[j]
            if k == K.opener:
                cand.push_back(j)
            elif _is_trigger(&K, k):
                x = j + 1
                while x < hi and (ck[x] == K.space or ck[x] == K.newline):
                    x += 1
                if x < hi:
                    cand.push_back(x)
        cpp_sort(cand.begin(), cand.end())
        n_cand = cand.size()
        for q in range(n_cand):
            x = cand[q]
            if (q > 0 and cand[q - 1] == x) or x == lo:
                continue
            k = ck[x]
            prev_i = x - 1
            newline = False
            while prev_i >= lo and (ck[prev_i] == K.space or ck[prev_i] == K.newline):
                newline = newline or ck[prev_i] == K.newline
                prev_i -= 1
            if prev_i < lo:
                continue
            prev = ck[prev_i]
            if ((k == K.terminal or k == K.ellipsis or k == K.closer)
                    and not (ck[x - 1] == K.space or ck[x - 1] == K.newline)):
                continue
            if newline:
                start = True
            elif prev == K.ellipsis:
                start = not memo[doc.c[x].lex.orth if orths is None else orths[x]][1]
            elif prev == K.terminal or (prev == K.closer and prev_i >= lo + 1
                                        and (ck[prev_i - 1] == K.terminal or ck[prev_i - 1] == K.ellipsis)):
                start = True
            elif prev == K.final_abbr:
                start = memo[doc.c[x].lex.orth if orths is None else orths[x]][2]
            else:
                start = k == K.opener and not memo[doc.c[prev_i].lex.orth if orths is None else orths[prev_i]][3]
            if start:
                found.append(x)
        a = b
    return found


def lowers(Doc doc, int start, int end):
    """``[t.lower_ for t in doc[start:end]]``."""
    strings = doc.vocab.strings
    return [strings[doc.c[i].lex.lower] for i in range(max(0, start), min(end, doc.length))]


def lengths(Doc doc, int start, int end):
    """``[len(t) for t in doc[start:end]]``."""
    return [doc.c[i].lex.length for i in range(max(0, start), min(end, doc.length))]


def rows(list results, str text):
    """``painpoints._rows``: the public record of each sentence result of ``text``."""
    cdef Py_ssize_t a, b
    cdef list spans
    out = []
    for r in results:
        start = r["start"]
        end = r["end"]
        a = start
        b = end
        spans = r["cue_spans"]
        if not spans:
            cues = []
        elif len(spans) == 1:
            x, y = spans[0]
            cues = [text[x:y]]
        else:
            cues = list(dict.fromkeys([text[x:y] for x, y in spans]))
        out.append({
            "start": start,
            "end": end,
            "sentence": text[a:b],
            "is_pain": r["is_pain"],
            "category": r["category"],
            "severity": r["severity"],
            "cues": cues,
        })
    return out


# ---------------------------------------------------------------- phrase matches, tokenizer cache

from libcpp.vector cimport vector
from spacy.matcher.phrasematcher cimport PhraseMatcher
from spacy.strings cimport hash_string, hash_utf8
from spacy.structs cimport SpanC
from spacy.tokenizer cimport Tokenizer


cdef bint _plain(PhraseMatcher matcher):
    """Whether ``matcher(doc)`` would only list its matches (no ``on_match`` callback)."""
    return all(cb is None for cb in matcher._callbacks.values())


def phrase_matches(PhraseMatcher matcher, Doc doc, dict meta, dict anchored, dict marker_ids,
                   list found, list anchors, dict marks):
    """``split_matches(matcher(doc), ...)`` without the list of match tuples (a matcher with an
    ``on_match`` callback is called as usual)."""
    cdef vector[SpanC] c_matches
    cdef size_t i
    cdef PyObject* got
    if not _plain(matcher):
        split_matches(matcher(doc), meta, anchored, marker_ids, found, anchors, marks)
        return
    if doc.length == 0:
        return
    matcher.find_matches(doc, 0, doc.length, &c_matches)
    for i in range(c_matches.size()):
        m = c_matches[i].label
        got = PyDict_GetItem(meta, m)
        if got is not NULL:
            found.append((c_matches[i].start, c_matches[i].end) + <tuple>got)
        elif m in anchored:
            anchors.append((m, c_matches[i].start, c_matches[i].end))
        else:
            marks[marker_ids[m]].append((c_matches[i].start, c_matches[i].end))


def phrase_cues(PhraseMatcher matcher, Doc doc, dict meta, list found):
    """``found += [(s, e, *meta[m]) for m, s, e in matcher(doc)]``."""
    cdef vector[SpanC] c_matches
    cdef size_t i
    if not _plain(matcher):
        found += [(s, e) + meta[m] for m, s, e in matcher(doc)]
        return
    if doc.length == 0:
        return
    matcher.find_matches(doc, 0, doc.length, &c_matches)
    for i in range(c_matches.size()):
        found.append((c_matches[i].start, c_matches[i].end) + <tuple>meta[c_matches[i].label])


def empty_cache(Tokenizer tokenizer):
    """Give ``tokenizer`` an empty cache of chunks (``_flush_cache`` deletes the entries but
    their count stays, and a tokenizer stops caching at ``max_cache_size`` entries). The old
    entries stay allocated, in the tokenizer's memory pool, until the tokenizer goes."""
    if type(tokenizer) is Tokenizer:
        tokenizer._cache = PreshMap()


def warm(Tokenizer tokenizer, str text, set seen):
    """``painpoints._warm_tokenizer_cache``: tokenise alone each whitespace-free chunk of
    ``text`` that is neither cached nor a special case nor in ``seen`` (then added to it), and
    nothing while the tokenizer's cache is full (nothing more would be cached)."""
    cdef Py_ssize_t i, start = -1, n = len(text), nb
    cdef Py_UCS4 ch
    cdef const char* data
    cdef unsigned char byte
    if len(tokenizer._cache) >= tokenizer.max_cache_size:
        return
    for ch in text:
        if ch > 127 and ch.isspace():
            break
    else:  # only ASCII whitespace: chunks found and hashed in the UTF-8 bytes, as hash_string does
        encoded = text.encode("utf8")
        data = encoded
        nb = len(encoded)
        for i in range(nb + 1):
            if i < nb:
                byte = data[i]
                if not (byte == 32 or 9 <= byte <= 13 or 28 <= byte <= 31):
                    if start < 0:
                        start = i
                    continue
            if start < 0:
                continue
            key = hash_utf8(<char*>data + start, i - start)
            if tokenizer._cache.get(key) is NULL and tokenizer._specials.get(key) is NULL:
                chunk = encoded[start:i].decode("utf8")
                if chunk not in seen:
                    seen.add(chunk)
                    tokenizer(chunk)
                    if len(tokenizer._cache) >= tokenizer.max_cache_size:
                        return
            start = -1
        return
    for i in range(n + 1):
        if i < n and not text[i].isspace():
            if start < 0:
                start = i
            continue
        if start < 0:
            continue
        chunk = text[start:i]
        start = -1
        key = hash_string(chunk)
        if tokenizer._cache.get(key) is not NULL or tokenizer._specials.get(key) is not NULL:
            continue
        if chunk in seen:
            continue
        seen.add(chunk)
        tokenizer(chunk)
        if len(tokenizer._cache) >= tokenizer.max_cache_size:
            return


cdef inline int _first_token_from(Doc doc, int start) noexcept:
    """The first token of ``doc`` starting at or after character ``start`` (``doc.length`` if none)."""
    cdef int lo = 0, hi = doc.length, mid
    while lo < hi:
        mid = (lo + hi) >> 1
        if doc.c[mid].idx < start:
            lo = mid + 1
        else:
            hi = mid
    return lo


def text_at(Doc doc, int start, int end):
    """``doc.text[start:end]`` when ``start`` is where a token starts and ``end`` where one ends
    (built from those tokens, without ``doc.text``); None otherwise."""
    cdef int lo = _first_token_from(doc, start), i, tend
    cdef const TokenC* t
    if lo >= doc.length or doc.c[lo].idx != start or end <= start:
        return None
    strings = doc.vocab.strings
    parts = []
    for i in range(lo, doc.length):
        t = &doc.c[i]
        tend = t.idx + <int>t.lex.length
        if tend > end:
            return None
        parts.append(strings[t.lex.orth])
        if tend == end:
            return "".join(parts)
        if t.spacy:
            parts.append(" ")
    return None


# ---------------------------------------------------------------- tokenising a batch
# Tokenizer.__call__ without its special-case pass where that pass would find nothing

cdef class SpecialCases:
    """What the special-case pass of a spaCy tokenizer looks for (its ``_special_matcher``'s
    patterns: ORTH sequences), to tell whether that pass would change a Doc.

    ``Tokenizer.__call__`` tokenises a text (``_tokenize_affixes``, which already applies the
    special cases it meets chunk by chunk) and then runs the pass (``_apply_special_cases``) over
    every token: on a Doc of hundreds of texts, the pass walks its matcher at every token and, as
    soon as one pattern occurs anywhere, copies every token behind a Python dict lookup. Most
    occurrences change nothing ("it's" already split by its special case, a lone " " token):
    :func:`tokenize` runs the pass only when an occurrence would change a token.
    """
    cdef PreshMap prefixes  # _seq_hash of every pattern's prefixes -> 1 (a prefix) | 2 (a whole pattern)
    cdef int max_len
    cdef int n_keys
    cdef bint usable     # False: always run spaCy's pass (a pattern holds the matcher's terminal key)
    cdef object matcher

    def __cinit__(self, Tokenizer tokenizer):
        cdef PhraseMatcher matcher = tokenizer._special_matcher
        cdef uint64_t h
        cdef size_t flag
        self.prefixes = PreshMap()
        self.max_len = 0
        self.usable = matcher.attr == ORTH and _plain(matcher)
        self.n_keys = len(matcher)
        self.matcher = matcher
        for keywords in matcher._docs.values():
            for keyword in keywords:
                if not keyword:
                    continue  # an empty pattern never matches
                if matcher._terminal_hash in keyword:
                    self.usable = False
                h = _SEQ_SEED
                for j, orth in enumerate(keyword):
                    h = _seq_hash(h, orth)
                    flag = <size_t>self.prefixes.get(h) | (2 if j == len(keyword) - 1 else 1)
                    self.prefixes.set(h, <void*>flag)
                if len(keyword) > self.max_len:
                    self.max_len = len(keyword)

    cdef bint changes(self, Tokenizer tokenizer, Doc doc) except -1:
        """Whether the special-case pass would change ``doc``: whether the matcher finds a span
        (a pattern occurs) whose retokenisation writes tokens other than those already there."""
        cdef int i, j, n = doc.length
        cdef uint64_t h
        cdef size_t flag
        for i in range(n):
            h = _SEQ_SEED
            j = i
            while j < n:
                h = _seq_hash(h, doc.c[j].lex.orth)
                flag = <size_t>self.prefixes.get(h)
                if not flag:
                    break
                j += 1
                # a hash collision only costs a look (or the pass): every real occurrence is seen
                if flag & 2 and not _same_after_special(tokenizer, doc, i, j):
                    return True
        return False


cdef uint64_t _SEQ_SEED = 0x2545F4914F6CDD1D


cdef inline uint64_t _seq_hash(uint64_t h, uint64_t orth) noexcept nogil:
    """The hash of a sequence of ORTHs extended by one (murmur3's 64-bit finaliser of a mix)."""
    h = (h ^ orth) * 0x9E3779B97F4A7C15ULL
    h ^= h >> 33
    h *= 0xff51afd7ed558ccdULL
    h ^= h >> 33
    h *= 0xc4ceb9fe1a85ec53ULL
    h ^= h >> 33
    return h


cdef bint _same_after_special(Tokenizer tokenizer, Doc doc, int s, int e) except -1:
    """Whether ``Tokenizer._retokenize_special_spans`` would write back exactly the tokens
    ``s:e`` of ``doc`` for the matched span ``s:e`` (its special case's tokens, re-indexed from
    the span's first character, the last one keeping the span's trailing space), and
    ``_prepare_special_spans`` would see no change of length."""
    cdef int j, idx_offset = 0
    cdef _Cached* cached
    cdef TokenC t
    cdef const TokenC* d
    text = doc[s:e].text
    cached = <_Cached*>tokenizer._specials.get(hash_string(text))
    rule = tokenizer._rules.get(text, None)
    if rule and len(rule) != e - s:
        return False
    if cached is NULL:
        return True  # the original tokens are copied
    if cached.is_lex or cached.length != e - s:
        return False
    for j in range(cached.length):
        t = cached.data.tokens[j]
        t.idx = doc.c[s].idx + idx_offset
        idx_offset += t.lex.length + (1 if t.spacy else 0)
        if j == cached.length - 1:
            t.spacy = doc.c[e - 1].spacy
        d = &doc.c[s + j]
        if not (t.lex == d.lex and t.morph == d.morph and t.pos == d.pos and t.spacy == d.spacy
                and t.tag == d.tag and t.idx == d.idx and t.lemma == d.lemma and t.norm == d.norm
                and t.head == d.head and t.dep == d.dep and t.l_kids == d.l_kids and t.r_kids == d.r_kids
                and t.l_edge == d.l_edge and t.r_edge == d.r_edge and t.sent_start == d.sent_start
                and t.ent_iob == d.ent_iob and t.ent_type == d.ent_type and t.ent_kb_id == d.ent_kb_id
                and t.ent_id == d.ent_id):
            return False
    return True


from spacy.attrs cimport ORTH
from spacy.vocab cimport _Cached

_SPECIAL_CASES: dict = {}  # id(tokenizer) -> (tokenizer, SpecialCases)


def tokenize(Tokenizer tokenizer, str text):
    """``tokenizer(text)``: the same Doc, without the special-case pass when that pass would
    change nothing (see :class:`SpecialCases`). The patterns are read once per tokenizer, and
    again when its special cases change."""
    cdef SpecialCases special = None
    entry = _SPECIAL_CASES.get(id(tokenizer))
    if entry is not None and entry[0] is tokenizer:
        special = entry[1]
    if special is None or special.matcher is not tokenizer._special_matcher or special.n_keys != len(
            tokenizer._special_matcher):
        if len(_SPECIAL_CASES) > 16:
            _SPECIAL_CASES.clear()
        special = SpecialCases(tokenizer)
        _SPECIAL_CASES[id(tokenizer)] = (tokenizer, special)
    if not special.usable:
        return tokenizer(text)
    cdef Doc doc = tokenizer._tokenize_affixes(text, True)
    if special.changes(tokenizer, doc):
        tokenizer._apply_special_cases(doc)
    return doc


# ---------------------------------------------------------------- our phrase matcher
# PainPointDetector's two PhraseMatchers (NORM and SHAPE) as C tries read from spaCy's own trie,
# fused with what phrase_matches / phrase_cues do with their matches

from cpython.ref cimport Py_INCREF
from cpython.tuple cimport PyTuple_GET_ITEM, PyTuple_GET_SIZE, PyTuple_New, PyTuple_SET_ITEM
from preshed.maps cimport MapStruct, key_t, map_iter
from spacy.attrs cimport attr_id_t
from spacy.tokens.token cimport Token

cdef enum:
    _ACT_CUE = 0      # found.append((start, end) + meta[key])
    _ACT_ANCHOR = 1   # anchors.append((key, start, end))
    _ACT_MARK = 2     # marks[marker_ids[key]].append((start, end))


cdef enum:
    _FIRST_BITS = 16  # PhraseTrie.firsts: 65,536 bits (8 KB)


cdef struct TrieSlot:
    uint64_t token   # the token's attribute value
    int parent       # the node it follows (0: the root)
    int child        # the node it leads to; -1: an empty slot


cdef struct TrieNode:
    int term_lo      # the actions of the patterns that end here: terms[term_lo:term_hi]
    int term_hi
    int n_children


cdef inline size_t _slot_of(uint64_t token, int parent, int bits) noexcept nogil:
    """Where ``(parent, token)`` hashes to in a table of ``2 ** bits`` slots (Fibonacci hashing)."""
    cdef uint64_t mixed = (token + <uint64_t>parent * 0x9E3779B97F4A7C15ULL) * 0x9E3779B97F4A7C15ULL
    return <size_t>(mixed >> (64 - bits))


cdef inline int _child(const TrieSlot* slots, int bits, int parent, uint64_t token) noexcept nogil:
    """The node that ``token`` leads to from ``parent``; -1 when there is none."""
    cdef size_t mask = (<size_t>1 << bits) - 1
    cdef size_t i = _slot_of(token, parent, bits)
    while slots[i].child >= 0:
        if slots[i].token == token and slots[i].parent == parent:
            return slots[i].child
        i = (i + 1) & mask
    return -1


cdef inline tuple _joined(object start, object end, tuple info):
    """``(start, end) + info`` in one tuple."""
    cdef Py_ssize_t i, n = PyTuple_GET_SIZE(info)
    cdef tuple out = PyTuple_New(n + 2)
    Py_INCREF(start)
    PyTuple_SET_ITEM(out, 0, start)
    Py_INCREF(end)
    PyTuple_SET_ITEM(out, 1, end)
    for i in range(n):
        item = <object>PyTuple_GET_ITEM(info, i)
        Py_INCREF(item)
        PyTuple_SET_ITEM(out, i + 2, item)
    return out


cdef class PhraseTrie:
    """A spaCy ``PhraseMatcher`` as a trie of C arrays, built from the matcher's own trie once
    its patterns are all added (:func:`phrase_trie`).

    :meth:`matches` gives exactly ``list(matcher(doc))`` of a matcher without ``on_match``
    callbacks: spaCy's ``PhraseMatcher.find_matches`` walks its trie from every token, reading
    ``Token.get_struct_attr(token, matcher.attr)`` (for ``NORM``: ``token.norm``, or the
    lexeme's norm when that is 0; for ``SHAPE``: the lexeme's shape), and at each node it reaches
    lists every key of the patterns ending there (ordered by start, then end, then the order in
    which preshed's ``map_iter`` visits the node's terminal map). The walk here is the same on
    the same trie (the terminal maps are read with ``map_iter`` at build time, so the keys of one
    span come in the same order): a pattern added under several keys, or under one key twice,
    nested and overlapping matches, all come out as spaCy gives them. The root's terminal map
    (only a pattern whose first token has the value of spaCy's terminal hash makes one) is never
    read by spaCy and is left out here too.

    :meth:`split` does at once what ``phrase_matches`` (or ``phrase_cues``) does with those
    matches, without the list of match tuples.
    """

    cdef int attr
    cdef int root_bits, edge_bits
    cdef vector[TrieSlot] root     # (0, token) -> node: the first tokens of the patterns
    cdef vector[uint64_t] firsts   # a bit per hash of those first tokens (most tokens start none)
    cdef vector[TrieSlot] edges    # (node, token) -> node: the other tokens
    cdef vector[TrieNode] nodes    # node 0 is the root
    cdef vector[int] terms         # action of each key ending at a node, in spaCy's order
    cdef vector[int] act_kind      # per action: _ACT_*
    cdef vector[int] act_mark      # per action: the marker kind (index in mark_kinds)
    cdef list act_key              # per action: the match key (an int, as spaCy gives it)
    cdef list act_info             # per action: meta[key] (a cue), else None
    cdef readonly list mark_kinds  # marker kinds in the order of act_mark

    def __cinit__(self):
        self.act_key = []
        self.act_info = []
        self.mark_kinds = []

    def __len__(self):
        """The number of trie nodes (the root included)."""
        return self.nodes.size()

    cdef int _add_node(self) except -1:
        cdef TrieNode node
        node.term_lo = node.term_hi = self.terms.size()
        node.n_children = 0
        self.nodes.push_back(node)
        return self.nodes.size() - 1

    cdef int _read(self, PhraseMatcher matcher, dict actions) except -1:
        """Copy ``matcher``'s trie: nodes in breadth-first order, each with its terminal keys."""
        cdef vector[const MapStruct*] queue
        cdef vector[int] queue_id
        cdef vector[uint64_t] edge_token
        cdef vector[int] edge_parent, edge_child
        cdef const MapStruct* node
        cdef const MapStruct* term
        cdef size_t q = 0
        cdef int i, j, child
        cdef key_t key, term_key
        cdef void* value
        cdef void* unused
        cdef key_t terminal = matcher._terminal_hash
        self._add_node()
        queue.push_back(matcher.c_map)
        queue_id.push_back(0)
        while q < queue.size():
            node = queue[q]
            # the keys of the patterns ending here (spaCy lists them only below the root)
            self.nodes[queue_id[q]].term_lo = self.terms.size()
            i = 0
            while map_iter(node, &i, &key, &value):
                if key == terminal and q > 0:
                    term = <const MapStruct*>value
                    j = 0
                    while map_iter(term, &j, &term_key, &unused):
                        self.terms.push_back(actions[term_key])
            self.nodes[queue_id[q]].term_hi = self.terms.size()
            i = 0
            while map_iter(node, &i, &key, &value):
                if key == terminal or value == NULL:  # map_get finds no node there
                    continue
                child = self._add_node()
                self.nodes[queue_id[q]].n_children += 1
                edge_token.push_back(key)
                edge_parent.push_back(queue_id[q])
                edge_child.push_back(child)
                queue.push_back(<const MapStruct*>value)
                queue_id.push_back(child)
            q += 1
        # the hash tables, at most half full: the root's edges apart (every token looks there)
        self.root_bits = self._table(&self.root, edge_token, edge_parent, edge_child, True)
        self.firsts.assign((<size_t>1 << _FIRST_BITS) // 64, 0)
        for j in range(<int>edge_parent.size()):
            if edge_parent[j] == 0:
                i = _slot_of(edge_token[j], 0, _FIRST_BITS)
                self.firsts[i >> 6] |= (<uint64_t>1) << (i & 63)
        self.edge_bits = self._table(&self.edges, edge_token, edge_parent, edge_child, False)
        return 0

    cdef int _table(self, vector[TrieSlot]* slots, vector[uint64_t]& tokens, vector[int]& parents,
                    vector[int]& children, bint at_root) except -1:
        """Fill ``slots`` with the edges from the root (``at_root``) or with the others; return
        the table's size as a power of two."""
        cdef int j, n = 0, bits = 3
        cdef size_t i, mask
        for j in range(<int>parents.size()):
            if (parents[j] == 0) == at_root:
                n += 1
        while (1 << bits) < 2 * n:
            bits += 1
        mask = (<size_t>1 << bits) - 1
        slots.resize(<size_t>1 << bits)
        for i in range(<size_t>1 << bits):
            slots[0][i].child = -1
            slots[0][i].parent = 0
            slots[0][i].token = 0
        for j in range(<int>parents.size()):
            if (parents[j] == 0) == at_root:
                i = _slot_of(tokens[j], parents[j], bits)
                while slots[0][i].child >= 0:
                    i = (i + 1) & mask
                slots[0][i].token = tokens[j]
                slots[0][i].parent = parents[j]
                slots[0][i].child = children[j]
        return bits

    cdef int _walk(self, Doc doc, list out, list found, list anchors, list targets) except -1:
        """Every match, by start, then end, then spaCy's key order: to ``out`` as
        ``(key, start, end)`` when ``out`` is a list, else by its action."""
        cdef int n = doc.length, idx, idy, node, a, t, s_at = -1, e_at = -1
        cdef const TrieNode* nd
        cdef const TrieSlot* root = self.root.data()
        cdef const TrieSlot* edges = self.edges.data()
        cdef int root_bits = self.root_bits, edge_bits = self.edge_bits, attr = self.attr
        cdef const int* terms = self.terms.data()
        cdef const int* kind = self.act_kind.data()
        cdef const TrieNode* nodes = self.nodes.data()
        cdef const uint64_t* firsts = self.firsts.data()
        cdef uint64_t token
        cdef size_t h
        cdef object start = None, end = None  # the ints of the current span, made once
        for idx in range(n):
            token = Token.get_struct_attr(&doc.c[idx], <attr_id_t>attr)
            h = _slot_of(token, 0, _FIRST_BITS)
            if not (firsts[h >> 6] >> (h & 63)) & 1:
                continue
            node = _child(root, root_bits, 0, token)
            if node < 0:
                continue
            idy = idx + 1
            while True:
                nd = &nodes[node]
                if nd.term_hi > nd.term_lo:
                    if s_at != idx:
                        start = idx
                        s_at = idx
                    if e_at != idy:
                        end = idy
                        e_at = idy
                    for t in range(nd.term_lo, nd.term_hi):
                        a = terms[t]
                        if out is not None:
                            out.append((self.act_key[a], start, end))
                        elif kind[a] == _ACT_CUE:
                            found.append(_joined(start, end, <tuple>PyList_GET_ITEM(self.act_info, a)))
                        elif kind[a] == _ACT_ANCHOR:
                            anchors.append((self.act_key[a], start, end))
                        else:
                            (<list>PyList_GET_ITEM(targets, self.act_mark[a])).append((start, end))
                if idy >= n or nd.n_children == 0:
                    break
                node = _child(edges, edge_bits, node, Token.get_struct_attr(&doc.c[idy], <attr_id_t>attr))
                if node < 0:
                    break
                idy += 1
        return 0

    def matches(self, Doc doc):
        """``list(matcher(doc))``: ``(key, start, end)`` of every match."""
        out = []
        self._walk(doc, out, None, None, None)
        return out

    def split(self, Doc doc, list found, list anchors=None, dict marks=None):
        """``phrase_matches(matcher, doc, meta, anchored, marker_ids, found, anchors, marks)``
        (``phrase_cues(matcher, doc, meta, found)`` for a matcher whose keys are all cues)."""
        targets = [marks[k] for k in self.mark_kinds] if self.mark_kinds else None
        self._walk(doc, None, found, anchors, targets)


def phrase_trie(PhraseMatcher matcher, dict meta, dict anchored=None, dict marker_ids=None):
    """The :class:`PhraseTrie` of ``matcher`` as it is now (patterns added later are not in it),
    with the action of each key as ``phrase_matches`` sorts a match: a cue when ``meta`` has
    the key, else an anchor when ``anchored`` has it, else a marker of kind ``marker_ids[key]``.
    None when the trie cannot stand in for the matcher: an ``on_match`` callback, or a key that
    is none of the three."""
    cdef PhraseTrie trie
    cdef int a
    if not _plain(matcher):
        return None
    anchored = anchored or {}
    marker_ids = marker_ids or {}
    trie = PhraseTrie()
    trie.attr = matcher.attr
    actions = {}
    strings = matcher.vocab.strings
    for name in matcher._docs:
        key = strings[name] if isinstance(name, str) else name
        a = len(trie.act_key)
        trie.act_key.append(key)
        trie.act_info.append(None)
        if key in meta:
            trie.act_kind.push_back(_ACT_CUE)
            trie.act_info[a] = tuple(meta[key])
            trie.act_mark.push_back(-1)
        elif key in anchored:
            trie.act_kind.push_back(_ACT_ANCHOR)
            trie.act_mark.push_back(-1)
        elif key in marker_ids:
            trie.act_kind.push_back(_ACT_MARK)
            kind = marker_ids[key]
            if kind not in trie.mark_kinds:
                trie.mark_kinds.append(kind)
            trie.act_mark.push_back(trie.mark_kinds.index(kind))
        else:
            return None
        actions[key] = a
    trie._read(matcher, actions)
    return trie


# ---------------------------------------------------------------- category classifier
# category_model.refine_categories: the unsure pain sentences, their classifier word ids, the
# bag-of-words features, the sparse linear layer's scores and the choice of category

from cython.operator cimport dereference as deref
from libc.stdint cimport uint32_t
from libcpp.unordered_map cimport unordered_map
from murmurhash.mrmr cimport hash64 as _murmur64
from spacy.attrs cimport IS_SPACE
from spacy.lexeme cimport Lexeme

import numpy as _numpy


cdef inline uint32_t _murmur3_x86_32_uint64(uint64_t key, uint32_t seed) noexcept nogil:
    """thinc's ``MurmurHash3_x86_32_uint64`` (thinc/layers/sparselinear.pyx), bit for bit."""
    cdef uint32_t h1 = seed
    cdef uint32_t c1 = 0xcc9e2d51u
    cdef uint32_t c2 = 0x1b873593u
    cdef uint32_t k1
    k1 = key & 0xffffffffu
    k1 *= c1
    k1 = (k1 << 15) | (k1 >> 17)
    k1 *= c2
    h1 ^= k1
    h1 = (h1 << 13) | (h1 >> 19)
    h1 = h1 * 5 + 0xe6546b64u
    k1 = key >> 32
    k1 *= c1
    k1 = (k1 << 15) | (k1 >> 17)
    k1 *= c2
    h1 ^= k1
    h1 = (h1 << 13) | (h1 >> 19)
    h1 = h1 * 5 + 0xe6546b64u
    h1 ^= 8
    h1 ^= h1 >> 16
    h1 *= 0x85ebca6bu
    h1 ^= h1 >> 13
    h1 *= 0xc2b2ae35u
    h1 ^= h1 >> 16
    return h1


cdef class CategoryRefiner:
    """``category_model.refine_categories`` for one ``CategoryModel`` whose textcat has the
    expected layers (``model._fast_layers``), with the word ids of each whitespace chunk memoised.

    A chunk is a run of tokens with no space after them (``spacy``) and none of them whitespace:
    its text is the join of the tokens' ``ORTH``, its word ids those ``model._ids`` gives for that
    text (called on a miss; memoised by the chunk's ``ORTH`` sequence, which fixes its text). Each
    cut between chunks is next to whitespace of the sentence text, so the ids of a sentence are
    those of ``model._keys(text)``: ``str.split`` splits there too, and neither ``lower`` (its
    final-sigma context stops at whitespace) nor ``fold_accents`` (NFD never reorders across a
    whitespace character) looks across it. A token whose text holds whitespace without being
    whitespace only stays inside its chunk, whose text ``model._ids`` splits as usual.
    """
    cdef object model
    cdef object strings      # the model's string store
    cdef uint64_t empty_id
    cdef int ngram_size
    # chunk memo: hash of the ORTH sequence -> entry; entry e has orths[o_at[e]:o_at[e + 1]] and
    # word ids ids[i_at[e]:i_at[e + 1]]
    cdef unordered_map[uint64_t, int] index
    cdef vector[uint64_t] orths
    cdef vector[uint64_t] ids
    cdef vector[int] o_at
    cdef vector[int] i_at
    cdef unordered_map[uint64_t, char] spaces  # ORTH flagged IS_SPACE -> its text is whitespace
    cdef dict order          # category key -> its index in research.schema.CATEGORIES
    cdef list categories     # research.schema.CATEGORIES
    cdef vector[int] column  # CATEGORIES index -> column of the model's label, -1 if none
    # the sparse linear layer's W (class-major: class c's weights at c * length) copied
    # index-major, so that a feature's weights of every class share a cache line or two instead
    # of nO cache misses; made again when the layer holds another W array (a loaded or trained
    # model's weights are never changed in place)
    cdef object w_source
    cdef object w_rows

    def __init__(self, model, categories):
        self.model = model
        self.strings = model.nlp.vocab.strings
        self.empty_id = self.strings[""]
        self.ngram_size = model._fast_layers[0]
        self.categories = list(categories)
        self.order = {k: i for i, k in enumerate(self.categories)}
        labels = list(model.labels)
        for k in self.categories:
            self.column.push_back(labels.index(k) if k in labels else -1)
        self._clear()

    cdef void _clear(self):
        self.index.clear()
        self.orths.clear()
        self.ids.clear()
        self.o_at.clear()
        self.i_at.clear()
        self.o_at.push_back(0)
        self.i_at.push_back(0)

    cdef bint _is_space(self, const TokenC* t, strings) except -1:
        """Whether the token's text is whitespace only (only tokens flagged ``IS_SPACE`` are
        asked; their text is checked once per ``ORTH``)."""
        cdef uint64_t orth = t.lex.orth
        cdef unordered_map[uint64_t, char].iterator it
        if not Lexeme.c_check_flag(t.lex, IS_SPACE):
            return False
        it = self.spaces.find(orth)
        if it != self.spaces.end():
            return deref(it).second != 0
        ok = strings[orth].isspace()
        self.spaces[orth] = 1 if ok else 0
        return ok

    cdef int _chunk(self, const TokenC* tokens, int a, int b, strings, vector[uint64_t]* out) except -1:
        """Append the word ids of the chunk ``tokens[a:b]`` to ``out`` (``strings``: the Doc's
        string store; ORTH hashes are the same in every store)."""
        cdef int i, e, n = b - a
        cdef uint64_t h
        cdef vector[uint64_t] key
        cdef bint same
        cdef unordered_map[uint64_t, int].iterator it
        key.resize(n)
        for i in range(n):
            key[i] = tokens[a + i].lex.orth
        h = _murmur64(key.data(), n * sizeof(uint64_t), 0)
        it = self.index.find(h)
        if it != self.index.end():
            e = deref(it).second
            same = self.o_at[e + 1] - self.o_at[e] == n
            if same:
                for i in range(n):
                    if self.orths[self.o_at[e] + i] != key[i]:
                        same = False
                        break
            if same:
                for i in range(self.i_at[e], self.i_at[e + 1]):
                    out.push_back(self.ids[i])
                return 0
        words = self.model._ids("".join([strings[key[i]] for i in range(n)]))
        for w in words:
            out.push_back(w)
        # looked up again: Python code ran meanwhile (another thread may have added entries)
        if self.index.find(h) != self.index.end():  # another chunk with this hash, or this one
            return 0
        if self.index.size() > 100_000:
            self._clear()
        self.index[h] = self.o_at.size() - 1
        for i in range(n):
            self.orths.push_back(key[i])
        for w in words:
            self.ids.push_back(w)
        self.o_at.push_back(self.orths.size())
        self.i_at.push_back(self.ids.size())
        return 0

    cdef bint _sentence_ids(self, Doc doc, int start, int end, vector[uint64_t]* out) except -1:
        """Append the word ids of ``doc.text[start:end]`` (before the ``""`` fallback of
        ``_keys``) to ``out``; False when the span is not on token boundaries."""
        cdef int lo = _first_token_from(doc, start), i, a, tend
        cdef const TokenC* t
        if lo >= doc.length or doc.c[lo].idx != start or end <= start:
            return False
        i = lo
        while True:  # the span's last token ends at ``end``
            if i >= doc.length:
                return False
            tend = doc.c[i].idx + <int>doc.c[i].lex.length
            if tend > end:
                return False
            if tend == end:
                break
            i += 1
        hi = i + 1
        a = lo
        strings = doc.vocab.strings
        for i in range(lo, hi):
            t = &doc.c[i]
            if self._is_space(t, strings):
                if a < i:
                    self._chunk(doc.c, a, i, strings, out)
                a = i + 1
            elif t.spacy or i == hi - 1:
                self._chunk(doc.c, a, i + 1, strings, out)
                a = i + 1
        return True

    def keys_at(self, Doc doc, int start, int end):
        """``model._keys(doc.text[start:end])`` for a span on token boundaries; None otherwise."""
        cdef vector[uint64_t] out
        if not self._sentence_ids(doc, start, end, &out):
            return None
        return [out[i] for i in range(out.size())] or [self.empty_id]

    def refine(self, Doc doc, list groups, double margin, double weight):
        """``refine_categories(model, doc, groups, margin, weight)``: the unsure pain sentences
        (``is_unsure``), the model's probabilities of their texts (the sparse linear layer's
        scores of :meth:`linear_scores`, then the model's own softmax layer, once for the
        batch) and the choice of each (``choose_category``)."""
        cdef int s, n
        cdef float[:, ::1] probs
        unsure = []
        spans = []
        for rows, off in groups:
            for r in rows:
                if r["is_pain"] and _is_unsure(r.get("category_scores") or {}, r["category"], margin):
                    unsure.append(r)
                    spans.append((off + r["start"], off + r["end"]))
        n = len(unsure)
        if n == 0:
            return
        _ngrams, _linear, softmax = self.model._fast_layers
        probs = _numpy.ascontiguousarray(softmax.predict(self.linear_scores(doc, spans)), dtype="float32")
        for s in range(n):
            r = unsure[s]
            r["category"] = self._choose(r.get("category_scores") or {}, r["category"], probs, s, margin,
                                         weight)

    def linear_scores(self, Doc doc, list spans):
        """What the model's sparse linear layer gives in ``model._predict_keys([model._keys(
        doc.text[start:end]) for start, end in spans])``: a ``(len(spans), nO)`` float32 array."""
        cdef vector[uint64_t] words, feats
        cdef vector[int] w_at
        cdef int n = len(spans), s, i, j, m, c, nO, nr_weight, size, n_feat
        cdef uint32_t idx1, idx2, nw
        cdef float value
        cdef float* row
        cdef bint v1
        cdef float[::1] W
        cdef float[::1] bias
        cdef float[:, ::1] scores
        w_at.push_back(0)
        for start, end in spans:
            size = words.size()
            if not self._sentence_ids(doc, start, end, &words):
                from nlp.category_model import _text_at  # noqa: PLC0415 (imports us)
                for w in self.model._keys(_text_at(doc, start, end)):
                    words.push_back(w)
            if <int>words.size() == size:
                words.push_back(self.empty_id)
            w_at.push_back(words.size())
        # model._predict_keys: each list's unigrams and n-grams, unique, sorted by key, with
        # counts, into the sparse linear layer (thinc's set_scoresC: b first, then each feature's
        # two weights per class, in float32)
        _ngrams, linear, softmax = self.model._fast_layers
        nO = linear.get_dim("nO")
        nr_weight = linear.get_dim("length")
        nw = <uint32_t>nr_weight
        v1 = bool(linear.attrs["v1_indexing"])
        W_param = linear.get_param("W")
        if v1:
            W = W_param
        else:
            if self.w_source is not W_param:
                self.w_rows = _numpy.ascontiguousarray(W_param.reshape(nO, nr_weight).T).reshape(-1)
                self.w_source = W_param
            W = self.w_rows
        bias = linear.get_param("b")
        out = linear.ops.alloc2f(n, nO)
        scores = out
        for s in range(n):
            feats.clear()
            size = w_at[s + 1] - w_at[s]
            for i in range(w_at[s], w_at[s + 1]):
                feats.push_back(words[i])
            for m in range(2, self.ngram_size + 1):
                for i in range(w_at[s], w_at[s + 1] - m + 1):
                    feats.push_back(_murmur64(&words[i], m * sizeof(uint64_t), 0))
            cpp_sort(feats.begin(), feats.end())
            row = &scores[s, 0]
            for c in range(nO):
                row[c] = row[c] + bias[c]
            n_feat = feats.size()
            i = 0
            while i < n_feat:
                j = i + 1
                while j < n_feat and feats[j] == feats[i]:
                    j += 1
                value = <float>(j - i)
                idx1 = _murmur3_x86_32_uint64(feats[i], 0)
                idx2 = _murmur3_x86_32_uint64(feats[i], 1)
                if v1:
                    idx1 = idx1 & (nw - 1)
                    idx2 = idx2 & (nw - 1)
                    for c in range(nO):
                        row[c] += W[idx1 + c] * value
                        row[c] += W[idx2 + c] * value
                else:
                    idx1 = idx1 % nw
                    idx2 = idx2 % nw
                    for c in range(nO):
                        row[c] += W[idx1 * nO + c] * value  # W[c * length + idx1]
                        row[c] += W[idx2 * nO + c] * value
                i = j
        return out

    cdef object _choose(self, dict scores, category, float[:, ::1] probs, int s, double margin,
                        double weight):
        """``choose_category(scores, category, probs of row s, margin, weight)`` of an unsure
        sentence: the same float arithmetic in C doubles (each probability is a float32 widened,
        as ``tolist`` does); keys that are not categories go to the Python function."""
        cdef int i, k, best = -1, col
        cdef double p, best_p = 0.0, top = 0.0, mix, best_mix = 0.0, v
        cdef vector[int] cand_k
        cdef vector[double] cand_v
        if category == "other":
            for k in range(<int>self.column.size()):
                if self.categories[k] == "other":
                    continue
                col = self.column[k]
                p = <double>probs[s, col] if col >= 0 else 0.0
                if best < 0 or p > best_p:
                    best, best_p = k, p
            return self.categories[best]
        for key, value in scores.items():
            if value > 0:
                got = self.order.get(key)
                if got is None:
                    return _choose_category_py(self, scores, category, probs, s, margin, weight)
                v = value
                if cand_k.empty() or v > top:
                    top = v
                cand_k.push_back(got)
                cand_v.push_back(v)
        for i in range(<int>cand_k.size()):
            col = self.column[cand_k[i]]
            p = <double>probs[s, col] if col >= 0 else 0.0
            mix = (1 - weight) * cand_v[i] / top + weight * p
            if best < 0 or mix > best_mix or (mix == best_mix and cand_k[i] < best):
                best, best_mix = cand_k[i], mix
        return self.categories[best]


def _choose_category_py(CategoryRefiner self, dict scores, category, float[:, ::1] probs, int s,
                        double margin, double weight):
    """``choose_category`` itself, for scores with a key that is not a category."""
    from nlp.category_model import choose_category  # noqa: PLC0415 (imports us)
    labels = self.model.labels
    row = dict(zip(labels, [probs[s, c] for c in range(len(labels))], strict=True))
    return choose_category(scores, category, row, margin, weight)


cdef bint _is_unsure(dict scores, category, double margin) except -1:
    """``category_model.is_unsure``: ``other``, or the two heaviest candidates (scores > 0)
    within ``margin``."""
    cdef int n = 0
    cdef double v, first = 0.0, second = 0.0
    if category == "other":
        return True
    for value in scores.values():
        if value > 0:
            v = value
            if n == 0:
                first = v
            elif v > first:
                second = first
                first = v
            elif n == 1 or v > second:
                second = v
            n += 1
    return n >= 2 and first - second <= margin
