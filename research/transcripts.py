"""Transcript grids (Excel sheets, CSV files) -> the ``utterances`` table (DESIGN.md §3).

Three layouts are recognised in a grid, sheet by sheet:

``rows``
    One row per utterance, with a text column and optionally interview, participant, speaker,
    role, time, language and turn columns. Without an interview column the interview id is
    the sheet name (the *sheet-per-interview* layout: one sheet per interview) or, for a
    generically named sheet (*Sheet1*, *Hoja1*) or a CSV file, the file name without extension.
``notes-grid``
    One row per participant, one column per question: every non-empty answer cell is one
    participant utterance. The question is kept in ``source_column`` (the header as written),
    which is how a reader of the evidence sees what was asked; no synthetic interviewer turns
    are added, so utterance counts are exactly the answers given.
skipped
    Sheets with no text (an index, a participant roster, notes) are left out and reported in
    ``ImportResult.skipped`` with the reason; they are not errors unless no sheet holds any.

The finishing step is shared by every reader (:func:`finish_utterances`): ``seq`` per
interview, ``speaker_role`` inferred per interview (:mod:`research.roles`), ``lang`` per
interview (:mod:`research.lang`), ``participant_id`` defaulting to the interview id (one
participant per interview, the common case), and ``timestamp`` in seconds from the start.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pandas as pd

from research.columns import (
    PARTICIPANT_ALIASES,
    TRANSCRIPT_ALIASES,
    accepted_names,
    find_header_row,
    match_columns,
    normalise_name,
)
from research.errors import InputError
from research.lang import detect_lang, normalise_lang
from research.roles import assign_roles
from research.schema import UTTERANCE_COLUMNS

__all__ = [
    "GENERIC_SHEET_NAMES", "NON_QUESTION_HEADERS", "CONTROL_CHARS", "is_roster", "parse_timestamp", "cell_text",
    "grid_utterances", "finish_utterances", "utterances_from_sheets", "MAX_TEXT_CHARS",
]

#: Sheet names that say nothing about the interview (the file name is used instead).
GENERIC_SHEET_NAMES = frozenset({
    "sheet", "sheet1", "sheet 1", "hoja", "hoja1", "hoja 1", "feuil1", "tabelle1", "planilha1",
    "data", "datos", "transcript", "transcripts", "transcripcion", "transcripciones",
    "utterances", "entrevistas", "interviews", "export", "resultados", "results",
})
#: Headers (normalised) never read as questions in a notes grid.
NON_QUESTION_HEADERS = frozenset({
    "name", "nombre", "nombres", "apellido", "apellidos", "full name", "nombre completo", "email",
    "e mail", "correo", "correo electronico", "phone", "telefono", "celular", "date", "fecha",
    "fecha de entrevista", "interview date", "interviewer", "entrevistador", "entrevistadora",
    "notes by", "no", "n", "nro", "numero", "number", "id", "sex", "sexo", "gender", "genero",
})
#: Characters removed from every text cell (C0 controls except tab, line feed, carriage return).
CONTROL_CHARS = dict.fromkeys([c for c in range(32) if c not in (9, 10, 13)] + [0x7F])
#: Longest text kept for one utterance; longer cells are cut (and reported).
MAX_TEXT_CHARS = 100_000

_TS = re.compile(r"^\[?\(?\s*(?:(\d{1,3}):)?(\d{1,2}):(\d{1,2})(?:[.,](\d{1,3}))?\s*\]?\)?$")
_NUM_UNIT = re.compile(r"^(\d+(?:[.,]\d+)?)\s*(s|sec|secs|seg|segundos?|seconds?|m|min|mins|minutos?|minutes?|h)?\.?$")


def parse_timestamp(value, unit: str | None = None):
    """Turn a time cell into seconds from the start of the interview.

    Parameters
    ----------
    value : str, number, time, timedelta or datetime
        ``"01:02:03"``, ``"[00:12]"`` (mm:ss), ``"00:01:02,500"``, ``"5 min"``, ``90``...
    unit : {"seconds", "minutes"}, optional
        What a bare number means (from the column header: *Minuto* -> minutes). Default seconds.

    Returns
    -------
    float, datetime or None
        Seconds; a ``datetime`` (a clock time) is returned as is for the caller to make
        relative to the interview's first turn; None when empty or unreadable.

    Examples
    --------
    >>> parse_timestamp("[01:02:03]"), parse_timestamp("12:30"), parse_timestamp("00:00:01,500")
    (3723.0, 750.0, 1.5)
    >>> parse_timestamp(3, unit="minutes"), parse_timestamp("5 min"), parse_timestamp(""), parse_timestamp("n/a")
    (180.0, 300.0, None, None)
    """
    if value is None or value == "" or isinstance(value, bool):
        return None
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, time):
        return value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 1e6
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return None
    if isinstance(value, (int, float)):
        if value != value or value < 0:
            return None
        if unit == "minutes":
            return float(value) * 60
        if unit == "fraction" and 0 <= value < 1:
            return float(value) * 86400
        return float(value)
    text = str(value).strip().lower()
    if not text or len(text) > 40:
        return None
    m = _TS.match(text)
    if m:
        h, mi, s, frac = m.groups()
        secs = int(h or 0) * 3600 + int(mi) * 60 + int(s)
        if frac:
            secs += int(frac) / (10 ** len(frac))
        return float(secs)
    m = _NUM_UNIT.match(text)
    if m:
        num = float(m.group(1).replace(",", "."))
        u = m.group(2) or ""
        if u.startswith("h"):
            return num * 3600
        if u.startswith("m") or (not u and unit == "minutes"):
            return num * 60
        return num
    return None


def cell_text(value) -> str:
    """A cell as text: strings stripped, whole floats without ``.0``, empty for None.

    Control characters (NUL and the like, which databases refuse) are removed; tabs and line
    breaks stay.

    Examples
    --------
    >>> cell_text(" hola "), cell_text(3.0), cell_text(None), cell_text(2.5), cell_text("a\\x00b")
    ('hola', '3', '', '2.5', 'ab')
    """
    if value is None:
        return ""
    if isinstance(value, str):
        return value.translate(CONTROL_CHARS).strip()
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        if value != value:
            return ""
        return str(int(value)) if value.is_integer() else str(value)
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    return str(value).strip()


def _unit_of(header) -> str | None:
    h = normalise_name(header)
    if "minut" in h or h in {"min", "mins"}:
        return "minutes"
    if "segund" in h or "second" in h or h in {"sec", "secs", "seg"}:
        return "seconds"
    if h in {"hora", "time", "hour"}:
        return "fraction"
    return None


def _is_generic(sheet: str | None) -> bool:
    return sheet is None or normalise_name(sheet) in GENERIC_SHEET_NAMES


def grid_utterances(rows, *, file: str, sheet: str | None = None, mapping=None, merged=frozenset(),
                    default_interview: str | None = None, first_row: int = 1) -> dict:
    """Find the layout of one grid and read its utterance records.

    Parameters
    ----------
    rows : list of lists
        The grid; ``rows[i]`` is row ``first_row + i`` as the user numbers it.
    file, sheet : str
        Where the grid comes from (for source references and errors).
    mapping : dict, optional
        Explicit ``{source column: field}``.
    merged : set of (int, int)
        Cells filled from a merged range (their text is not repeated).
    default_interview : str, optional
        Interview id when there is no interview column (default: the sheet name, or the
        file's stem for generic sheet names).
    first_row : int
        The row number of ``rows[0]``.

    Returns
    -------
    dict
        ``layout`` ("rows" | "notes-grid" | None), ``records`` (list of dicts), ``mapping``
        (header -> field), ``header_row`` (user row number or None), ``reason`` (why nothing
        was read), ``headers`` (the header cells found), ``skipped`` (row-level notes).

    Examples
    --------
    >>> g = grid_utterances([["Hablante", "Texto"], ["Entrevistadora", "¿Cómo le fue?"],
    ...                      ["Rosa", "Tuve que volver tres veces."]], file="e.csv")
    >>> g["layout"], [(r["speaker"], r["source_row"]) for r in g["records"]]
    ('rows', [('Entrevistadora', 2), ('Rosa', 3)])
    >>> grid_utterances([["Participante", "¿Qué trámite hizo?"], ["P01", "El registro de mi tienda"]],
    ...                 file="n.xlsx", sheet="Notas")["records"][0]["source_column"]
    '¿Qué trámite hizo?'
    """
    stem = Path(file).stem
    if default_interview is None:
        default_interview = stem if _is_generic(sheet) else str(sheet)
    found = find_header_row(rows, mapping=mapping, required=("text",))
    if found is not None and not (set(found[1].values()) & {"speaker", "speaker_role", "interview_id", "timestamp", "seq"}
                                  ) and is_roster(rows, mapping):
        return {"layout": None, "records": [], "mapping": {}, "header_row": None,
                "reason": "participant roster (no speaker or interview column); import it with --kind participants",
                "headers": _first_nonblank(rows), "skipped": []}
    if found is not None and _many_answer_columns(rows[found[0]], found[1]):
        grid = _notes_grid(rows, file=file, sheet=sheet, mapping=mapping, first_row=first_row)
        if grid is not None:
            return grid
    if found is not None:
        return _rows_layout(rows, found, file=file, sheet=sheet, merged=merged,
                            default_interview=default_interview, first_row=first_row)
    grid = _notes_grid(rows, file=file, sheet=sheet, mapping=mapping, first_row=first_row)
    if grid is not None:
        return grid
    headers = _first_nonblank(rows)
    reason = _why_not(rows, headers)
    return {"layout": None, "records": [], "mapping": {}, "header_row": None, "reason": reason,
            "headers": headers, "skipped": []}


def is_roster(rows, mapping=None) -> bool:
    """Whether a grid looks like a participant roster (an id plus a segment or two attributes).

    Examples
    --------
    >>> is_roster([["Participante", "Segmento"], ["P1", "Ciudadana"]]), is_roster([["ID", "Texto"]])
    (True, False)
    """
    found = find_header_row(rows, aliases=PARTICIPANT_ALIASES, mapping=mapping, required=("participant_id",))
    if found is None:
        return False
    attrs = set(found[1].values()) - {"participant_id"}
    return "segment" in attrs or len(attrs) >= 2


def _first_nonblank(rows, scan=30) -> list[str]:
    for row in rows[:scan]:
        cells = [cell_text(c) for c in row[:50]]
        if sum(1 for c in cells if c) >= 1:
            return [c if len(c) <= 40 else c[:39] + "…" for c in cells if c]
    return []


def _why_not(rows, headers) -> str:
    if not any(cell_text(c) for row in rows for c in row):
        return "empty sheet"
    if is_roster(rows):
        return "participant roster (no text column); import it with --kind participants"
    shown = ", ".join(headers[:8]) + ("…" if len(headers) > 8 else "")
    return f"no text column (first row: {shown})" if headers else "no text column"


def _rows_layout(rows, found, *, file, sheet, merged, default_interview, first_row) -> dict:
    hidx, cols = found
    header = [cell_text(c) for c in rows[hidx]]
    fields = {f: i for i, f in cols.items()}
    if "speaker" not in fields and "speaker_role" in fields:
        # a lone Rol column holds who speaks (Entrevistador / Participante)
        fields["speaker"] = fields["speaker_role"]
    if "speaker" not in fields and "participant_id" in fields and _holds_interviewers(rows, hidx, fields["participant_id"]):
        # a "Participante" column that names the interviewer too is really who speaks
        fields["speaker"] = fields.pop("participant_id")
        cols[fields["speaker"]] = "speaker"
    ti = fields["text"]
    above = _key_values_above(rows[:hidx])
    unit = _unit_of(header[fields["timestamp"]]) if "timestamp" in fields else None
    get = {f: fields.get(f) for f in ("interview_id", "participant_id", "speaker", "speaker_role",
                                      "timestamp", "lang", "seq")}
    records, skipped = [], []
    last_interview = None
    ii, pi, si, ri, tsi, li, qi = (get[f] for f in ("interview_id", "participant_id", "speaker", "speaker_role",
                                                   "timestamp", "lang", "seq"))

    def at(row, j):
        return row[j] if j is not None and j < len(row) else ""

    qn = fields.get("question")
    split_labels = si is None and _texts_carry_labels([at(r, ti) for r in rows[hidx + 1:hidx + 101]])

    for i in range(hidx + 1, len(rows)):
        row = rows[i]
        raw = row[ti] if ti < len(row) else ""
        if raw == "" or raw is None:
            if ii is not None and (iv := cell_text(at(row, ii))):
                last_interview = iv
            continue
        text = "" if merged and (i, ti) in merged else cell_text(raw)
        iv = cell_text(at(row, ii)) if ii is not None else ""
        if iv:
            last_interview = iv
        if not text:
            continue
        rownum = first_row + i
        if len(text) > MAX_TEXT_CHARS:
            text = text[:MAX_TEXT_CHARS]
            skipped.append({"sheet": sheet, "row": rownum, "reason": f"text cut at {MAX_TEXT_CHARS:,} characters"})
        speaker = (cell_text(at(row, si)) or None) if si is not None else None
        if si is None and split_labels:
            speaker, text = _split_label(text)
        records.append({
            "interview_id": iv or (last_interview if ii is not None else None) or above.get("interview_id")
            or default_interview,
            "participant_id": ((cell_text(at(row, pi)) or None) if pi is not None else None)
            or above.get("participant_id"),
            "speaker": speaker,
            "role_written": (cell_text(at(row, ri)) or None) if ri is not None else None,
            "text": text,
            "timestamp": parse_timestamp(at(row, tsi), unit) if tsi is not None else None,
            "lang": normalise_lang(at(row, li)) if li is not None else None,
            "seq_written": at(row, qi) if qi is not None else None,
            "source_file": file, "source_sheet": sheet, "source_row": rownum,
            "source_column": (cell_text(at(row, qn)) or None) if qn is not None else None,
        })
    if tsi is not None and unit is None:
        nums = [r["timestamp"] for r in records if isinstance(r["timestamp"], float)]
        raw_nums = [at(rows[r["source_row"] - first_row], tsi) for r in records]
        if (nums and all(0 <= x < 1 for x in nums) and any(x > 0 for x in nums)
                and all(isinstance(v, float) or v in ("", None) for v in raw_nums)):
            # Excel times typed as day fractions (0.0104 = 15 minutes) in a column formatted as number
            for r in records:
                if isinstance(r["timestamp"], float):
                    r["timestamp"] = round(r["timestamp"] * 86400, 3)
    mapping = {header[i]: f for i, f in cols.items() if header[i]}
    if above.get("interviewer"):
        for r in records:
            r["interviewer_hint"] = above["interviewer"]
    layout = "rows" if get["interview_id"] is not None or _is_generic(sheet) else "sheet-per-interview"
    return {"layout": layout, "records": records, "mapping": mapping, "header_row": first_row + hidx,
            "reason": None if records else "header only, no utterance rows", "headers": header,
            "skipped": skipped}


def _many_answer_columns(header_row, cols) -> bool:
    """Several columns named like answers (Respuesta 1, Respuesta 2...) and no speaker: a notes grid."""
    fields = set(cols.values())
    if "speaker" in fields or "speaker_role" in fields or not fields & {"participant_id", "interview_id"}:
        return False
    texty = [h for h in header_row[:512] if isinstance(h, str) and match_columns([h]) == {0: "text"}]
    return len(texty) >= 2


def _is_question(h: str) -> bool:
    h = h.strip()
    return h.endswith("?") or h.startswith("¿") or bool(re.match(r"(?i)^(q|p|pregunta|question)\s*\d+\b", h))


def _holds_interviewers(rows, hidx: int, j: int) -> bool:
    from research.roles import role_of_label

    values = {cell_text(r[j]) for r in rows[hidx + 1:hidx + 201] if j < len(r)}
    return any(v and role_of_label(v) == "interviewer" for v in values)


_ABOVE_KEYS = {"participant_id": "participant_id", "interview_id": "interview_id"}


def _key_values_above(rows) -> dict:
    """``Participante: P03`` / ``Entrevistadora | María`` lines above a header (per-sheet metadata)."""
    from research.transcripts_text import HEADER_KEYS

    out: dict = {}
    for row in rows:
        cells = [cell_text(c) for c in row[:10]]
        cells = [c for c in cells if c]
        pairs = []
        if len(cells) >= 2:
            pairs.append((cells[0].rstrip(":"), cells[1]))
        elif len(cells) == 1 and ":" in cells[0]:
            k, _, v = cells[0].partition(":")
            pairs.append((k, v.strip()))
        for k, v in pairs:
            target = HEADER_KEYS.get(normalise_name(k))
            if target and v and target not in out and len(v) <= 60:
                if target == "participant_id" and not any(ch.isdigit() for ch in v.split()[0]):
                    continue
                out[target] = v.split()[0].strip(",;()") if target == "participant_id" else v
    return out


def _texts_carry_labels(texts) -> bool:
    """Whether most text cells start with ``Name:`` (speaker and text typed in one cell)."""
    from research.transcripts_text import _candidate, _looks_like_name

    texts = [t for t in texts if isinstance(t, str) and t.strip()]
    if len(texts) < 2:
        return False
    hits = 0
    for t in texts:
        c = _candidate(t)
        if c and (_looks_like_name(c[0])):
            hits += 1
    return hits / len(texts) >= 0.6


def _split_label(text: str):
    from research.transcripts_text import _candidate, _looks_like_name

    c = _candidate(text)
    if c and _looks_like_name(c[0]) and c[2].strip():
        return c[0], c[2].strip()
    return None, text


def _notes_grid(rows, *, file, sheet, mapping, first_row) -> dict | None:
    found = None
    for idx, row in enumerate(rows[:30]):
        cells = [c if isinstance(c, str) else "" for c in row]
        cols = {j: f for j, f in match_columns(cells, TRANSCRIPT_ALIASES, mapping).items()
                if f not in ("question", "text") or (mapping and normalise_name(cells[j]) in
                                                     {normalise_name(k) for k in mapping})}
        if "participant_id" in cols.values() or "interview_id" in cols.values():
            found = (idx, cols)
            break
        questions = [j for j, c in enumerate(cells[:512]) if c and _is_question(c)]
        if len(questions) >= 2:
            # no id column named as such: the first other filled column holds who answered
            first = next((j for j, c in enumerate(cells) if c.strip() and j not in questions), None)
            if first is not None and first < min(questions):
                found = (idx, {first: "participant_id"})
                break
    if found is None:
        return None
    hidx, cols = found
    header = [cell_text(c) for c in rows[hidx]]
    fields = {f: i for i, f in cols.items()}
    attr_cols = set(match_columns(header, {k: v for k, v in PARTICIPANT_ALIASES.items()
                                           if k != "participant_id"}))
    body = rows[hidx + 1:]
    questions = []
    for j, h in enumerate(header[:512]):
        if not h or j in cols or j in attr_cols or normalise_name(h) in NON_QUESTION_HEADERS:
            continue
        values = [cell_text(r[j]) for r in body[:200] if j < len(r)]
        texts = [v for v in values if v and not _is_number(v)]
        if not texts:
            continue
        mean_len = sum(len(v) for v in texts) / len(texts)
        if (_is_question(h) or len(h.split()) >= 3 or mean_len >= 15
                or match_columns([h]) in ({0: "text"}, {0: "question"})):
            questions.append(j)
    if not questions:
        return None
    pid_col = fields.get("participant_id")
    iid_col = fields.get("interview_id")
    lang_col = fields.get("lang")
    records = []
    for i in range(hidx + 1, len(rows)):
        row = rows[i]
        n = len(row)
        pid = cell_text(row[pid_col]) if pid_col is not None and pid_col < n else ""
        iid = cell_text(row[iid_col]) if iid_col is not None and iid_col < n else ""
        if not (pid or iid):
            continue
        lang = normalise_lang(row[lang_col]) if lang_col is not None and lang_col < n else None
        for j in questions:
            text = cell_text(row[j]) if j < n else ""
            if not text:
                continue
            records.append({
                "interview_id": iid or pid, "participant_id": pid or iid, "speaker": pid or iid,
                "role_written": "participant", "text": text[:MAX_TEXT_CHARS], "timestamp": None,
                "lang": lang, "seq_written": None, "source_file": file, "source_sheet": sheet,
                "source_row": first_row + i, "source_column": header[j],
            })
    mapping = {header[i]: f for i, f in cols.items() if header[i]}
    mapping.update({header[j]: "text" for j in questions})
    return {"layout": "notes-grid", "records": records, "mapping": mapping,
            "header_row": first_row + hidx, "reason": None if records else "header only, no answers",
            "headers": header, "skipped": []}


def _is_number(text: str) -> bool:
    try:
        float(text.replace(",", "."))
        return True
    except ValueError:
        return False


def finish_utterances(records: list[dict], *, lang: str | None = None, interviewers=(),
                      project=None) -> pd.DataFrame:
    """Turn reader records into the canonical ``utterances`` table.

    Parameters
    ----------
    records : list of dict
        Keys ``interview_id``, ``participant_id``, ``speaker``, ``role_written``, ``text``,
        ``timestamp`` (seconds or datetime), ``lang``, ``seq_written``, ``source_file``,
        ``source_sheet``, ``source_row``, ``source_column`` (missing keys are None).
    lang : {"en", "es"}, optional
        Force the language of every utterance (else written per row, else detected per interview).
    interviewers : iterable of str
        Speaker names to treat as interviewers.
    project : str, optional
        Value of the ``project`` column.

    Returns
    -------
    DataFrame
        ``UTTERANCE_COLUMNS`` in order; ``seq`` is 1, 2, ... within each interview, in file order.

    Examples
    --------
    >>> df = finish_utterances([
    ...     {"interview_id": "E1", "speaker": "Entrevistador", "text": "¿Qué pasó?", "source_row": 2},
    ...     {"interview_id": "E1", "speaker": "Rosa", "text": "Esperé dos horas en la fila.", "source_row": 3}])
    >>> df[["participant_id", "speaker_role", "seq", "lang"]].values.tolist()
    [['E1', 'interviewer', 1, 'es'], ['E1', 'participant', 2, 'es']]
    """
    if lang is not None and lang not in ("en", "es"):
        lang = normalise_lang(lang)
        if lang is None:
            raise InputError("unknown language", "use --lang en or --lang es", file="command line")
    cols: dict[str, list] = {}
    groups: dict[str, list[int]] = {}
    for k, r in enumerate(records):
        groups.setdefault(str(r.get("interview_id")), []).append(k)
    order: list[int] = []
    for _iv, idx in groups.items():
        seqs = [_as_number(records[k].get("seq_written")) for k in idx]
        if all(s is not None for s in seqs) and len(set(seqs)) == len(seqs):
            idx = [k for _s, k in sorted(zip(seqs, idx, strict=True))]
        order.extend(idx)
        groups[_iv] = idx
    n_all = len(records)
    role_of: list = [None] * n_all
    lang_of: list = [None] * n_all
    pid_of: list = [None] * n_all
    ts_of: list = [None] * n_all
    seq_of: list = [0] * n_all
    for iv, idx in groups.items():
        recs = [records[k] for k in idx]
        speakers = [r.get("speaker") for r in recs]
        texts = [r.get("text") for r in recs]
        hints = {h for r in recs if (h := r.get("interviewer_hint"))}
        named = tuple(interviewers) + tuple(x for h in hints for x in (h, h.split()[0]))
        roles = assign_roles(speakers, texts, roles=[r.get("role_written") for r in recs], interviewers=named)
        detected = lang or detect_lang(texts)
        pids = [p for r in recs if (p := r.get("participant_id"))]
        default_pid = pids[0] if pids and len(set(pids)) == 1 else iv
        if not pids:
            # the one participant speaking under a code (P01) names the participant
            codes = {sp for sp, role in zip(speakers, roles, strict=True) if role == "participant" and sp}
            if len(codes) == 1 and any(ch.isdigit() for ch in next(iter(codes))) and len(next(iter(codes))) <= 12:
                default_pid = next(iter(codes))
        stamps = [r.get("timestamp") for r in recs]
        clocks = [x for x in stamps if isinstance(x, datetime)]
        t0 = _naive(min(clocks, key=_naive)) if clocks else None
        for n, (k, r, role, st) in enumerate(zip(idx, recs, roles, stamps, strict=True), start=1):
            role_of[k] = role
            lang_of[k] = lang or r.get("lang") or detected
            pid_of[k] = r.get("participant_id") or default_pid
            ts_of[k] = (_naive(st) - t0).total_seconds() if isinstance(st, datetime) else st
            seq_of[k] = n
    ordered = [records[k] for k in order]
    cols["project"] = [project] * n_all
    cols["interview_id"] = [str(r.get("interview_id")) for r in ordered]
    cols["participant_id"] = [pid_of[k] for k in order]
    cols["speaker"] = [r.get("speaker") for r in ordered]
    cols["speaker_role"] = [role_of[k] for k in order]
    cols["seq"] = [seq_of[k] for k in order]
    cols["text"] = [r.get("text") for r in ordered]
    cols["timestamp"] = [ts_of[k] for k in order]
    cols["lang"] = [lang_of[k] for k in order]
    for c in ("source_file", "source_sheet", "source_row", "source_column"):
        cols[c] = [r.get(c) for r in ordered]
    df = pd.DataFrame(cols, columns=list(UTTERANCE_COLUMNS))
    df["seq"] = df["seq"].astype("int64")
    df["timestamp"] = pd.to_numeric(df["timestamp"], errors="coerce").astype("float64")
    df["source_row"] = df["source_row"].astype("Int64")
    for c in ("project", "participant_id", "speaker", "source_sheet", "source_column"):
        df[c] = df[c].astype("object").where(df[c].notna(), None)
    return df


def _naive(d: datetime) -> datetime:
    return d.replace(tzinfo=None)


def _as_number(v):
    if v is None or v == "" or isinstance(v, bool):
        return None
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


def utterances_from_sheets(sheets, *, file: str, mapping=None) -> tuple[list[dict], str, dict, list[dict]]:
    """Read every sheet of a workbook (or the one grid of a CSV) as transcripts.

    Parameters
    ----------
    sheets : list of (name, rows, merged)
        ``name`` None for a CSV.
    file : str
        The file's name.
    mapping : dict, optional
        Explicit column mapping.

    Returns
    -------
    (records, layout, mapping, skipped)

    Raises
    ------
    InputError
        No sheet holds any utterance: says which columns were found and which names are
        accepted, or that the file has a header but no rows.

    Examples
    --------
    >>> recs, layout, m, skipped = utterances_from_sheets(
    ...     [("Índice", [["Entrevistas de marzo"]], set()),
    ...      ("E01", [["Speaker", "Text"], ["Interviewer", "Why?"], ["Sam", "It was slow."]], set()),
    ...      ("E02", [["Speaker", "Text"], ["Q", "And then?"], ["Lee", "I gave up."]], set())], file="w.xlsx")
    >>> layout, [r["interview_id"] for r in recs], skipped[0]["sheet"]
    ('sheet-per-interview', ['E01', 'E01', 'E02', 'E02'], 'Índice')
    """
    records: list[dict] = []
    layouts: list[str] = []
    used: dict = {}
    skipped: list[dict] = []
    results = []
    for name, rows, merged in sheets:
        g = grid_utterances(rows, file=file, sheet=name, mapping=mapping, merged=merged)
        results.append((name, g))
        if g["records"]:
            records.extend(g["records"])
            layouts.append(g["layout"])
            used.update(g["mapping"])
            skipped.extend(g["skipped"])
        else:
            skipped.append({"sheet": name, "row": g["header_row"], "reason": g["reason"]})
    if not records:
        _raise_nothing(results, file, mapping)
    distinct = list(dict.fromkeys(layouts))
    layout = distinct[0] if len(distinct) == 1 else "+".join(distinct)
    return records, layout, used, skipped


def _raise_nothing(results, file, mapping) -> None:
    for name, g in results:
        if g["layout"] is not None:
            raise InputError("the file has column names but no utterance rows",
                             "add the transcript rows below the header, or check you exported the right file",
                             file=file, sheet=name, row=g["header_row"])
    rosters = [n for n, g in results if g["reason"] and g["reason"].startswith("participant roster")]
    if rosters:
        raise InputError("this file holds a participant roster, not transcripts",
                         "import it with --kind participants (transcripts need a speaker or interview column "
                         "beside the text)", file=file, sheet=rosters[0])
    headers = next((g["headers"] for _n, g in results if g["headers"]), [])
    if not headers:
        raise InputError("the file holds no data", "export the transcript again with its contents", file=file)
    shown = ", ".join(headers[:10]) + ("…" if len(headers) > 10 else "")
    sheet = next((n for n, g in results if g["headers"]), None)
    hint = " or give --map COLUMN=text" if not mapping else ""
    raise InputError(
        f"no text column found (columns found: {shown})",
        f"name the column holding what was said one of: {accepted_names('text')}, texto, "
        f"transcripción, respuesta{hint}", file=file, sheet=sheet)
