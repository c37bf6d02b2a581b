"""Personal data in research text: find it, and replace it with typed placeholders.

Five kinds of personal data are found (``type``): ``PERSON``, ``PHONE``, ``EMAIL``,
``NATIONAL_ID`` and ``ADDRESS``. Formats (Panamanian phones and cédulas, e-mails, street
addresses, English phones and IDs) are regular-expression records in
``nlp/data/pii/patterns.jsonl``; people's names come from hand-curated lists of first names and
surnames (``first_names.txt``, ``surnames.txt``, ``ambiguous_names.txt``), from name cues
("me llamo", "la licenciada", "Sr.", "my name is", "Mr.") in ``cues.jsonl``, and from the
speaker labels of the interview. Words that must never be redacted as a name (agencies,
places, months, institutions) are in ``not_names.txt`` and ``place_names.txt``.

The module works on raw text with character offsets, so spans always index the original
string; it needs no spaCy pipeline and is safe to call on any text.
"""

from __future__ import annotations

import json
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

__all__ = ["PII_TYPES", "PLACEHOLDERS", "find_pii", "redact", "redact_spans", "speaker_names"]

DATA_DIR = Path(__file__).parent / "data" / "pii"
PII_TYPES = ("PERSON", "PHONE", "EMAIL", "NATIONAL_ID", "ADDRESS")
PLACEHOLDERS: dict[str, dict[str, str]] = json.loads((DATA_DIR / "placeholders.json").read_text("utf-8"))

# When two spans overlap, the more specific kind wins (an e-mail contains a name; a cédula
# contains a phone-like tail; a street may be named after a person).
_PRIORITY = {"EMAIL": 0, "NATIONAL_ID": 1, "PHONE": 2, "ADDRESS": 3, "PERSON": 4}

_UPPER = "A-ZÁÉÍÓÚÑÜ"
_WORD_RE = re.compile(r"[^\W\d_](?:[^\W\d_]|['’-](?=[^\W\d_]))*", re.UNICODE)
_TITLES = {"sr", "sra", "srta", "dr", "dra", "lic", "licda", "licdo", "ing", "prof", "profa", "don", "dona",
           "senor", "senora", "senorita", "mr", "mrs", "ms", "miss", "mx", "sir", "madam", "doctor",
           "doctora", "licenciado", "licenciada", "ingeniero", "ingeniera", "profesor", "profesora"}
_PLACE_PREFIXES = {"el", "la", "los", "las", "the", "san", "santa", "santo", "new", "north", "south",
                   "east", "west", "fort", "port", "mount", "lake", "cerro", "rio", "playa", "villa",
                   "puerto", "isla", "bahia", "boca", "bocas", "nuevo", "nueva"}
_CONNECTORS = {"de", "del", "la", "las", "los", "van", "von", "da", "di", "le", "mc"}
_SENTENCE_BREAK = set(".!?¿¡:;\n\"“”«»()[]—–-*")
_COUNT_WORDS = re.compile(
    r"\s*(?:veces|vez|horas?|d[ií]as|minutos?|semanas?|meses|mes|años?|personas?|times|hours?|days?|"
    r"minutes?|weeks?|months?|years?|people|%|dólares|balboas|dollars)\b", re.IGNORECASE)
_NOT_STREET_NAME = {"whatsapp", "internet", "web", "email", "e-mail", "correo", "telefono", "teléfono",
                    "online", "zoom", "the", "a", "an", "this", "that", "our", "my", "their", "principal",
                    "digital", "electronica", "electrónica", "telefonica", "telefónica", "portal", "app"}


def _fold(word: str) -> str:
    """Lower-case and strip accents, so "MARÍA", "Maria" and "maría" compare equal."""
    nfkd = unicodedata.normalize("NFKD", word.lower())
    return "".join(ch for ch in nfkd if not unicodedata.combining(ch)).replace("’", "'")


def _read_list(name: str) -> list[str]:
    lines = (DATA_DIR / name).read_text("utf-8").splitlines()
    return [ln.strip() for ln in lines if ln.strip() and not ln.lstrip().startswith("#")]


@lru_cache(maxsize=1)
def _lexicon() -> dict:
    first = {_fold(w) for w in _read_list("first_names.txt")}
    last = {_fold(w) for w in _read_list("surnames.txt")}
    ambiguous_list = _read_list("ambiguous_names.txt")
    ambiguous = {_fold(w.lstrip("@")) for w in ambiguous_list}
    place_like = {_fold(w.lstrip("@")) for w in ambiguous_list if w.startswith("@")}
    blocked, institutions = set(), set()
    for w in _read_list("not_names.txt"):
        (institutions if w.startswith("!") else blocked).add(_fold(w.lstrip("!")))
    places = [tuple(_fold(t) for t in p.split()) for p in _read_list("place_names.txt")]
    roles = {_fold(w) for w in _read_list("roles.txt")}
    from spacy.lang.en.stop_words import STOP_WORDS as EN_STOP
    from spacy.lang.es.stop_words import STOP_WORDS as ES_STOP

    stop = {_fold(w) for w in EN_STOP | ES_STOP} - first - last
    return {"first": first - ambiguous, "last": last - ambiguous, "ambiguous": ambiguous,
            "blocked": blocked - first - last, "institutions": institutions, "places": places,
            "roles": roles, "stop": stop, "place_like": place_like}


@lru_cache(maxsize=1)
def _patterns() -> list[tuple[str, str, re.Pattern, str | None]]:
    out = []
    for line in (DATA_DIR / "patterns.jsonl").read_text("utf-8").splitlines():
        if not line.strip():
            continue
        rec = json.loads(line)
        flags = re.IGNORECASE if "i" in rec.get("flags", "") else 0
        out.append((rec["id"], rec["label"], re.compile(rec["regex"], flags), rec.get("check")))
    return out


@lru_cache(maxsize=1)
def _cues() -> list[tuple[str, str, re.Pattern]]:
    out = []
    for line in (DATA_DIR / "cues.jsonl").read_text("utf-8").splitlines():
        if line.strip():
            rec = json.loads(line)
            out.append((rec["lang"], rec["strength"], re.compile(rec["regex"])))
    return out


def _looks_like_date(s: str) -> bool:
    parts = re.split(r"[-/.]", s)
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        return False
    a, b, c = (int(p) for p in parts)
    return 1 <= a <= 31 and 1 <= b <= 12 and len(parts[2]) in (2, 4) and (len(parts[2]) == 2 or 1900 <= c <= 2100)


def _check(kind: str | None, text: str, start: int, end: int) -> bool:
    span = text[start:end]
    if kind == "not_date":
        return not _looks_like_date(span)
    if kind == "not_count":
        return not _COUNT_WORDS.match(text, end)
    if kind == "street_name":
        words = span.split()
        if len(words) < 2:
            return False
        name = words[1].strip(".,")
        if _COUNT_WORDS.match(text, end):  # "la calle 50 veces" is a count, not an address
            return False
        # "vía WhatsApp", "Vía VuelosA1Euro" (a hashtag) are not streets
        return _fold(name) not in _NOT_STREET_NAME and (name[:1].isdigit() or _is_capitalised(name)
                                                        and not any(ch.isdigit() for ch in name))
    if kind == "phone_digits":
        # Phone numbers have 7 to 12 digits (+ country code); longer runs are references or orders.
        digits = sum(ch.isdigit() for ch in span)
        return 7 <= digits <= (13 if span.lstrip().startswith(("+", "(")) else 11)
    return True


# A named street right after an office or agency is where that office is, not where a person
# lives ("la oficina de la DGI en la Vía España"): not personal data. Numbered addresses and
# buildings/houses are always redacted.
_PUBLIC_PLACE_BEFORE = re.compile(
    r"\b(?:oficina|oficinas|sede|sucursal|ventanilla|agencia|dgi|municipio|alcald[ií]a|ministerio|mici|css|"
    r"aig|minsa|bomberos|registro p[uú]blico|panam[aá] emprende|office|offices|branch|agency|headquarters|"
    r"council|city hall|town hall|mall|centro comercial|supermercado|hospital|banco|bank)\b[^.;:!?]{0,25}$",
    re.IGNORECASE)


def _is_public_place(text: str, start: int, end: int, pid: str) -> bool:
    if pid != "es_street" or any(ch.isdigit() for ch in text[start:end]):
        return False
    return bool(_PUBLIC_PLACE_BEFORE.search(text[max(0, start - 60):start]))


def _pattern_spans(text: str) -> list[dict]:
    spans = []
    for pid, label, rx, check in _patterns():
        for m in rx.finditer(text):
            start, end = m.span("span") if "span" in rx.groupindex else m.span()
            while end > start and (text[end - 1].isspace() or text[end - 1] in ",;:"):
                end -= 1
            last_word = text[start:end].split()[-1] if text[start:end].split() else ""
            if last_word.endswith(".") and len(last_word) > 4:  # a full stop, not "Av." or "St."
                end -= 1
            if end > start and _check(check, text, start, end) and not _is_public_place(text, start, end, pid):
                spans.append({"start": start, "end": end, "type": label})
    return spans


def speaker_names(speakers) -> list[str]:
    """The parts of speaker labels that are people's names (role words and codes left out).

    Parameters
    ----------
    speakers : iterable of str
        Speaker labels as written in the transcript ("Entrevistadora", "María Pérez", "P1").

    Returns
    -------
    list of str
        Full labels and their name parts, longest first, without duplicates.

    Examples
    --------
    >>> speaker_names(["Entrevistadora", "María Pérez", "P1", "Interviewer (Ana)", "Sra. Gómez", "Funcionaria DGI"])
    ['María Pérez', 'María', 'Pérez', 'Ana', 'Gómez']
    """
    lex = _lexicon()
    names: list[str] = []
    for label in speakers or ():
        if not isinstance(label, str):
            continue
        words = [w for w in _WORD_RE.findall(label) if len(w) >= 2 and _fold(w) not in lex["roles"]
                 and _fold(w) not in lex["blocked"] and _fold(w) not in lex["institutions"]
                 and _fold(w) not in _TITLES and _fold(w) not in lex["stop"]]
        if not words:
            continue
        if len(words) > 1:
            names.append(" ".join(words))
        names.extend(words)
    unique = list(dict.fromkeys(names))
    return sorted(unique, key=lambda n: (-len(n.split()), unique.index(n)))


def _speaker_spans(text: str, names: list[str]) -> list[dict]:
    spans = []
    for name in names:
        rx = re.compile(r"(?<![^\W_])" + r"\s+".join(re.escape(p) for p in name.split()) + r"(?![^\W_])",
                        re.IGNORECASE)
        spans.extend({"start": m.start(), "end": m.end(), "type": "PERSON"} for m in rx.finditer(text))
    return spans


def _is_sentence_start(text: str, start: int) -> bool:
    i = start - 1
    while i >= 0 and text[i] in " \t":
        i -= 1
    return i < 0 or text[i] in _SENTENCE_BREAK


def _cue_before(text: str, start: int, lang: str | None) -> str | None:
    window = text[max(0, start - 40):start]
    found = set()
    for cue_lang, strength, rx in _cues():
        if lang and cue_lang != lang and strength != "strong":
            continue  # strong cues (titles, "me llamo") work whatever the interview language
        if rx.search(window):
            found.add(strength)
    return next((s for s in ("strong", "medium", "weak") if s in found), None)


def _is_capitalised(word: str) -> bool:
    """"María", "O'Brien" yes; "DGI" (acronym), "JetBlue", "AnTonio" (handles, brands) no."""
    if not word[0].isupper() or (len(word) > 1 and word.isupper()):
        return False
    return all(p[1:] == p[1:].lower() for p in re.split(r"[-'’]", word) if p)


def _name_runs(text: str) -> list[list[tuple[int, int, str]]]:
    """Runs of capitalised words joined by single spaces or name connectors ("de la")."""
    words = [(m.start(), m.end(), m.group()) for m in _WORD_RE.finditer(text)]
    runs: list[list[tuple[int, int, str]]] = []
    current: list[tuple[int, int, str]] = []
    pending: list[tuple[int, int, str]] = []
    for w in words:
        gap = text[(pending or current)[-1][1]:w[0]] if (pending or current) else ""
        joined = bool(current) and (gap == " " or (gap == ". " and len((pending or current)[-1][2]) == 1))
        cap = _is_capitalised(w[2]) and not (w[0] > 0 and text[w[0] - 1] in "@#_")
        if cap and (joined or not current):
            current.extend(pending)
            pending = []
            current.append(w)
        elif current and joined and w[2].lower() in _CONNECTORS:
            pending.append(w)
        else:
            if current:
                runs.append(current)
            current, pending = ([w], []) if cap else ([], [])
    if current:
        runs.append(current)
    return runs


def _person_spans(text: str, lang: str | None, known: set[str]) -> list[dict]:
    lex = _lexicon()
    spans = []
    segments = []
    for run in _name_runs(text):
        # A word that can never be part of a name splits the run: "I'm Ana" -> "Ana"; after an
        # article or "San" it is a place ("El Dorado", "Los Santos", "San Francisco").
        current: list = []
        for w in run:
            f = _fold(w[2])
            if f in lex["blocked"] or f in _PLACE_PREFIXES:
                segments.append(current)
                current = [] if f not in _PLACE_PREFIXES else None
            elif current is not None:
                current.append(w)
        segments.append(current)
    for run in (seg for seg in segments if seg):
        folded = [_fold(w) for _, _, w in run]
        inst = next((i for i, f in enumerate(folded) if f in lex["institutions"]), None)
        if inst is not None:
            # "Rosa Vega del Ministerio": the person ends before the connector that leads to the
            # institution; "Hospital Santo Tomás" has no person at all.
            conn = [i for i in range(1, inst) if folded[i] in _CONNECTORS]
            if not conn:
                continue
            run, folded = run[:conn[0]], folded[:conn[0]]
        if any(tuple(folded[i:i + len(p)]) == p for p in lex["places"] for i in range(len(folded))):
            continue
        while run and (folded[0] in _TITLES or run[0][2] in _CONNECTORS):  # "Mr Smith", "de Ventas"
            run, folded = run[1:], folded[1:]
        while run and folded[-1] in _CONNECTORS:
            run, folded = run[:-1], folded[:-1]
        if not run:
            continue
        cue = _cue_before(text, run[0][0], lang)

        def is_name(f: str) -> bool:
            return f in lex["first"] or f in lex["last"] or f in known

        if not cue:
            # Without a cue the name starts at a known name ("Hi Alice", "Celayense Jorge"), and
            # at most two unknown capitalised words (surnames) follow the last known one.
            first = next((k for k, f in enumerate(folded) if is_name(f) or f in lex["ambiguous"]), None)
            if first is None:
                continue
            run, folded = run[first:], folded[first:]
            last = max(k for k, f in enumerate(folded) if is_name(f) or f in lex["ambiguous"])
            end = last + 1
            while end < len(folded) and end - last <= 2 and folded[end] not in lex["stop"] \
                    and (folded[end] not in _CONNECTORS or end + 1 < len(folded)):
                end += 1
            run, folded = run[:end], folded[:end]
            while run and folded[-1] in _CONNECTORS:
                run, folded = run[:-1], folded[:-1]
            # A word-like name ("Grace", "Rosa") capitalised in mid-sentence is a name; a
            # place-like one ("David", "Santiago", "May") needs another name or a cue.
            strong = [f for k, f in enumerate(folded) if is_name(f) or (
                f in lex["ambiguous"] and f not in lex["place_like"] and not _is_sentence_start(text, run[k][0]))]
            weak = [f for f in folded if f in lex["ambiguous"]]
            real = [f for f in folded if f not in _CONNECTORS]
            if not strong and not (len(weak) >= 2 and len(real) == len(weak)):
                continue
            if len(real) == 1 and strong and folded[0] in lex["last"] and _is_sentence_start(text, run[0][0]) \
                    and lang == "en":
                continue  # an English sentence starting with a lone surname-like word ("Young", "Young people")
        elif cue == "weak" and not any(is_name(f) or f in lex["ambiguous"] for f in folded):
            continue
        elif cue == "medium" and not any(is_name(f) or (f in lex["ambiguous"] and f not in lex["place_like"])
                                         for f in folded) and (
                any(f in lex["stop"] or f in lex["place_like"] for f in folded) or len(folded) > 4):
            continue  # "soy Dayra Ábrego" yes; "soy De Verdad", "I'm Not Sure" no
        end = run[-1][1]
        if text[end - 2:end] in ("'s", "’s"):  # "Adam Scott's" -> "Adam Scott"
            end -= 2
        spans.append({"start": run[0][0], "end": end, "type": "PERSON"})
    # After a strong cue, a known name may be written in lower case ("me llamo maría").
    for m in _WORD_RE.finditer(text):
        f = _fold(m.group())
        if m.group()[0].islower() and (f in lex["first"] or f in lex["ambiguous"] or f in known) \
                and _cue_before(text, m.start(), lang) == "strong":
            spans.append({"start": m.start(), "end": m.end(), "type": "PERSON"})
    return spans


def _resolve(spans: list[dict], text: str) -> list[dict]:
    chosen: list[dict] = []
    for s in sorted(spans, key=lambda s: (_PRIORITY[s["type"]], -(s["end"] - s["start"]), s["start"])):
        if all(s["end"] <= c["start"] or s["start"] >= c["end"] for c in chosen):
            chosen.append(s)
    chosen.sort(key=lambda s: s["start"])
    merged: list[dict] = []
    for s in chosen:  # "Calle 50, Edificio Global, apartamento 4B" is one address
        gap = text[merged[-1]["end"]:s["start"]] if merged else None
        if merged and s["type"] == merged[-1]["type"] and (
                (s["type"] == "ADDRESS" and re.fullmatch(r"[\s,;]*(?:y\s+|and\s+)?", gap))
                or (s["type"] == "PERSON" and gap == " ")):
            merged[-1] = {**merged[-1], "end": s["end"]}
        else:
            merged.append(dict(s))
    for s in merged:
        s["text"] = text[s["start"]:s["end"]]
    return [{"start": s["start"], "end": s["end"], "text": s["text"], "type": s["type"]} for s in merged]


def find_pii(text: str, lang: str | None = "es", speakers=()) -> list[dict]:
    """Find personal data in a text.

    Parameters
    ----------
    text : str
        Any text (an utterance, a note, a sentence).
    lang : {"es", "en"} or None, default "es"
        Language of the text; weak name cues ("soy", "I'm") are only used in their language.
    speakers : iterable of str, default ()
        Speaker labels of the interview; the names in them are redacted wherever they appear,
        in any letter case.

    Returns
    -------
    list of dict
        ``{"start", "end", "text", "type"}`` per span, in text order, non-overlapping;
        ``text[start:end] == span["text"]``. ``type`` is one of ``PII_TYPES``.

    Examples
    --------
    >>> [(s["text"], s["type"]) for s in find_pii("Soy María González, cédula 8-123-4567, al 6123-4567.")]
    [('María González', 'PERSON'), ('8-123-4567', 'NATIONAL_ID'), ('6123-4567', 'PHONE')]
    >>> find_pii("Pagué B/.5.00 en Panamá Emprende el 12-05-2024.")
    []
    >>> [s["text"] for s in find_pii("I spoke to Mr. Smith at 12 Baker Street.", "en")]
    ['Smith', '12 Baker Street']
    """
    if not isinstance(text, str) or not text:
        return []
    names = speaker_names(speakers)
    known = {_fold(w) for n in names for w in n.split()}
    spans = _pattern_spans(text) + _speaker_spans(text, names) + _person_spans(text, lang, known)
    return _resolve(spans, text)


def redact_spans(text: str, spans: list[dict], lang: str | None = "es") -> str:
    """Replace the given spans of ``text`` with their typed placeholders.

    Examples
    --------
    >>> redact_spans("Call Ann now", [{"start": 5, "end": 8, "type": "PERSON"}], "en")
    'Call [PERSON] now'
    """
    labels = PLACEHOLDERS.get(lang or "es", PLACEHOLDERS["es"])
    out, pos = [], 0
    for s in sorted(spans, key=lambda s: s["start"]):
        if s["start"] < pos:
            continue
        out.append(text[pos:s["start"]])
        out.append(labels[s["type"]])
        pos = s["end"]
    out.append(text[pos:])
    return "".join(out)


def redact(text: str, lang: str | None = "es", speakers=()) -> str:
    """Return ``text`` with personal data replaced by typed placeholders.

    Spanish placeholders: ``[PERSONA]``, ``[TELÉFONO]``, ``[CORREO]``, ``[CÉDULA]``,
    ``[DIRECCIÓN]``; English: ``[PERSON]``, ``[PHONE]``, ``[EMAIL]``, ``[NATIONAL_ID]``,
    ``[ADDRESS]``.

    Parameters
    ----------
    text : str
    lang : {"es", "en"}, default "es"
        Language of the placeholders (and of the weak name cues).
    speakers : iterable of str, default ()
        Speaker labels of the interview (their names are redacted too).

    Examples
    --------
    >>> redact("Me atendió la licenciada Quintero; escríbame a ana.p@correo.pa o vivo en Calle 50.")
    'Me atendió la licenciada [PERSONA]; escríbame a [CORREO] o vivo en [DIRECCIÓN].'
    >>> redact("My name is John Carter, call me on +507 6123-4567.", "en")
    'My name is [PERSON], call me on [PHONE].'
    >>> redact("Roberto dijo que sí.", "es", speakers=["Roberto"])
    '[PERSONA] dijo que sí.'
    """
    if not isinstance(text, str) or not text:
        return text
    return redact_spans(text, find_pii(text, lang, speakers), lang)
