"""Transcripts in running text: ``.txt``, ``.md``, ``.docx``, ``.vtt``, ``.srt``.

Plain text and Word
    A turn is ``Name: text``, optionally with a ``[hh:mm:ss]`` / ``(mm:ss)`` timestamp before
    or after the name, one turn per line or turns separated by blank lines. Lines that do not
    start a turn continue the previous one. Also accepted: the name and time alone on a line
    with the text below (``Speaker 1  0:03``, as Otter/Zoom export it), and in Markdown
    ``**Name:** text``. A header block at the top (``Título:``, ``Fecha:``, ``Date:``,
    ``Entrevistadora: María``...) is read as metadata, not turns: it may give the interview id,
    the participant id, the language and the interviewer's name. Bracketed notes (``[risas]``,
    ``[inaudible]``) are removed from the text; a line that is only a note is not a turn.
    Word headings and fully italic paragraphs (notes) are not turns; a bold run at the start
    of a paragraph is read as the speaker. ``source_row`` is the line number (text) or the
    paragraph number counting every paragraph from 1 (Word). A Word document whose transcript
    is a table (speaker/text columns) is read like a sheet, ``source_row`` being the table row.
Subtitles
    ``.vtt`` (``<v Name>`` voice tags or ``Name:`` prefixes) and ``.srt``: one utterance per
    cue; ``source_row`` is the cue number (1-based, in file order); timestamps from the cue start.

A ``Name: text`` line whose name appears only once, is not a known role and does not look
like a name (e.g. ``Por ejemplo: ...``) is read as text, not as a new speaker.
"""

from __future__ import annotations

import re
from pathlib import Path

from research.columns import normalise_name
from research.errors import InputError
from research.lang import normalise_lang
from research.result import ImportResult
from research.roles import role_of_label
from research.textformats import check_rows, decode_bytes, max_line_chars
from research.transcripts import CONTROL_CHARS, MAX_TEXT_CHARS, finish_utterances, parse_timestamp

__all__ = ["HEADER_KEYS", "NOT_SPEAKERS", "parse_turns", "read_text_transcript"]

#: Header-block keys (normalised) -> what they tell (None: just metadata).
HEADER_KEYS: dict[str, str | None] = {
    "title": None, "titulo": None, "date": None, "fecha": None, "place": None, "location": None,
    "lugar": None, "sede": None, "duration": None, "duracion": None, "project": None,
    "proyecto": None, "time": None, "hora": None, "transcriber": None, "transcriptor": None,
    "transcriptora": None, "transcribed by": None, "transcrito por": None, "topic": None,
    "tema": None, "service": None, "servicio": None, "tramite": None, "channel": None, "canal": None,
    "segment": None, "segmento": None, "perfil": None, "profile": None, "modality": None,
    "modalidad": None, "version": None, "notes": None, "notas": None, "observaciones": None,
    "interview": "interview_id", "interview id": "interview_id", "entrevista": "interview_id",
    "id entrevista": "interview_id", "id": "interview_id", "session": "interview_id",
    "sesion": "interview_id", "codigo": "participant_id", "code": "participant_id",
    "participant id": "participant_id", "id participante": "participant_id",
    "language": "lang", "idioma": "lang", "lang": "lang",
    # these are also speaker labels: header lines only inside a header block
    "participant": "participant_id", "participante": "participant_id",
    "interviewer": "interviewer", "entrevistador": "interviewer", "entrevistadora": "interviewer",
    "moderator": "interviewer", "moderador": "interviewer", "moderadora": "interviewer",
    "facilitator": "interviewer", "facilitador": "interviewer", "facilitadora": "interviewer",
    "researcher": "interviewer", "investigador": "interviewer", "investigadora": "interviewer",
    "interviewee": "participant_id", "entrevistado": "participant_id", "entrevistada": "participant_id",
}
_SPEAKER_KEYS = {k for k, v in HEADER_KEYS.items() if v in ("interviewer", "participant_id")
                 and k not in ("codigo", "code", "participant id", "id participante")}

#: Labels before a colon that are never speakers (read as text or notes).
NOT_SPEAKERS = frozenset({
    "nota", "notas", "note", "notes", "por ejemplo", "ejemplo", "example", "e g", "eg", "ps",
    "observacion", "observaciones", "comentario", "aclaracion", "http", "https", "mailto", "ojo",
    "importante", "important", "resumen", "summary", "conclusion", "conclusiones",
})

_TSX = r"(?:\d{1,3}:)?\d{1,2}:\d{2}(?:[.,]\d{1,3})?"
_TURN = re.compile(
    rf"^\s*(?:[-*>]\s+)?(?:\[(?P<ts1>{_TSX})\]|\((?P<ts2>{_TSX})\)|(?P<ts3>{_TSX}))?\s*"
    rf"(?:\*\*|__)?(?P<name>[^\W\d_][\w.'’ -]{{0,39}}?|[A-Za-z]{{1,3}}\d{{1,3}})\s*"
    rf"(?:\[(?P<ts4>{_TSX})\]|\((?P<ts5>{_TSX})\))?\s*(?:\*\*|__)?\s*:\s*(?:\*\*|__)?\s*"
    rf"(?:\[(?P<ts6>{_TSX})\]\s*)?(?P<text>.*)$")
_NAME_TIME_LINE = re.compile(rf"^\s*(?P<name>[^\W\d_][\w.'’ -]{{0,39}}?)\s+\[?\(?(?P<ts>{_TSX})\]?\)?\s*$")
_NOTE = re.compile(r"\[[^\]\n]{0,60}\]")
_ONLY_NOTE = re.compile(r"^\s*(?:\[[^\]]*\]|\([^)]*\)|\{[^}]*\})\s*$")
_TS_ONLY = re.compile(rf"^[\[(]?\s*({_TSX})\s*[\])]?(?:\s*-->\s*[\[(]?{_TSX}[\])]?)?$")
_BARE_LABEL = re.compile(r"^\s*[^\W\d_][\w.'’ -]{0,39}?:?\s*$")
_HEADING_MD = re.compile(r"^\s*(#{1,6}\s|---+\s*$|===+\s*$|\*\*\*+\s*$)")


def _clean(text: str) -> str:
    text = _NOTE.sub(lambda m: m.group(0) if re.fullmatch(rf"\[{_TSX}\]", m.group(0)) else " ", text)
    text = re.sub(rf"\[{_TSX}\]", " ", text)
    return " ".join(text.replace("**", "").translate(CONTROL_CHARS).split())


def _candidate(line: str):
    m = _TURN.match(line)
    if not m:
        return None
    name = m.group("name").strip().strip("*_").strip()
    if not name or len(name.split()) > 5:
        return None
    ts = next((m.group(g) for g in ("ts1", "ts2", "ts3", "ts4", "ts5", "ts6") if m.group(g)), None)
    return name, ts, m.group("text")


def _looks_like_name(name: str) -> bool:
    words = name.split()
    if len(words) > 3:
        return False
    return all(w[:1].isupper() or w[:1].isdigit() for w in words)


def parse_turns(lines, *, headings=frozenset(), notes=frozenset(), bold_only=frozenset()) -> dict:
    """Split numbered lines of a transcript into turns.

    Parameters
    ----------
    lines : list of (int, str)
        (line or paragraph number, text).
    headings, notes : set of int
        Line numbers that are headings or notes (never turns; headings may hold a title).
    bold_only : set of int
        Lines written entirely in bold (Word): a short one may be a speaker label on its own.

    Returns
    -------
    dict
        ``turns``: list of ``{"row", "speaker", "timestamp", "text"}``; ``meta``: header-block
        values (``interview_id``, ``participant_id``, ``lang``, ``interviewer``); ``skipped``:
        ``{"row", "reason"}`` for lines before the first turn that are not metadata.

    Examples
    --------
    >>> p = parse_turns(list(enumerate([
    ...     "Título: Entrevista 3", "Fecha: 2024-03-01", "",
    ...     "[00:00:05] Entrevistadora: ¿Cómo le fue?", "Rosa: Mal. [risas]", "Tuve que volver.",
    ...     "[inaudible]", "Entrevistadora (00:01:10): ¿Y luego?"], start=1)))
    >>> [(t["row"], t["speaker"], t["timestamp"], t["text"]) for t in p["turns"]]
    [(4, 'Entrevistadora', 5.0, '¿Cómo le fue?'), (5, 'Rosa', None, 'Mal. Tuve que volver.'), (8, 'Entrevistadora', 70.0, '¿Y luego?')]
    """
    cands = {}
    counts: dict[str, int] = {}
    bare: set[int] = set()
    for no, text in lines:
        if no in headings or no in notes:
            continue
        m = _NAME_TIME_LINE.match(text)
        if m and _looks_like_name(m.group("name")):
            c = (m.group("name").strip(), m.group("ts"), "")  # "Speaker 1  0:03", text below
        else:
            c = _candidate(text)
            if c is None and _BARE_LABEL.match(text) and (text.strip().isupper() or no in bold_only):
                c = (text.strip().rstrip(":").strip(), None, "")  # "ENTREVISTADORA" alone, text below
                if no not in bold_only:
                    bare.add(no)  # a capitalised line may be a section title: needs more evidence
        if c:
            cands[no] = c
            key = normalise_name(c[0])
            counts[key] = counts.get(key, 0) + 1

    def is_speaker(name: str, no: int) -> bool:
        key = normalise_name(name)
        if key in NOT_SPEAKERS or not key:
            return False
        if role_of_label(name) != "unknown" or counts.get(key, 0) >= 2:
            return True
        return no not in bare and _looks_like_name(name)

    meta: dict = {}
    turns: list[dict] = []
    skipped: list[dict] = []
    in_header = True
    header_seen = False
    pending_ts = None
    for no, text in lines:
        if no in headings:
            if not turns and "title" not in meta:
                meta["title"] = text.strip()
            continue
        stripped = text.strip()
        if not stripped:
            if header_seen and not turns:
                in_header = False
            continue
        m_ts = _TS_ONLY.match(stripped)
        if m_ts:
            pending_ts = parse_timestamp(m_ts.group(1))  # a time on its own line: for the next turn
            continue
        if no in notes or _ONLY_NOTE.match(stripped) or _HEADING_MD.match(stripped):
            continue
        c = cands.get(no)
        if in_header and not turns and c and _header_line(c, meta, header_seen):
            header_seen = True
            continue
        if c and is_speaker(c[0], no):
            in_header = False
            body = _clean(c[2])
            turns.append({"row": no, "speaker": c[0], "timestamp": parse_timestamp(c[1]) if c[1] else pending_ts,
                          "text": body})
            pending_ts = None
            continue
        if not turns:
            if in_header and ":" in stripped[:40]:
                header_seen = True
                continue
            skipped.append({"row": no, "reason": "text before the first speaker turn"})
            continue
        body = _clean(stripped)
        if body:
            prev = turns[-1]
            prev["text"] = (prev["text"] + " " + body).strip() if prev["text"] else body
    turns = [t for t in turns if t["text"]]
    for t in turns:
        if len(t["text"]) > MAX_TEXT_CHARS:
            t["text"] = t["text"][:MAX_TEXT_CHARS]
    return {"turns": turns, "meta": meta, "skipped": skipped}


_PARTICLES = {"de", "del", "la", "las", "los", "y", "da", "van", "von"}


def _names_someone(value: str, target: str) -> bool:
    """"María López" or "P07 (servidora pública)", not "Buenos días" (a first turn)."""
    first = value.split()[0].strip(",;()")
    if target == "participant_id" and any(ch.isdigit() for ch in first):
        return True
    words = [w for w in re.split(r"[\s,;()]+", value) if w and w.lower() not in _PARTICLES]
    return 0 < len(words) <= 4 and all(w[:1].isupper() for w in words)


def _header_line(cand, meta: dict, header_seen: bool) -> bool:
    name, ts, value = cand
    key = normalise_name(name)
    if key not in HEADER_KEYS or ts:
        return False
    value = value.strip()
    target = HEADER_KEYS[key]
    # "Entrevistadora: María López" in a header block, not "Entrevistadora: ¿Cómo le fue?"
    if key in _SPEAKER_KEYS and (not header_seen or not value or len(value.split()) > 8 or "?" in value
            or value.endswith((".", "!", "…", ":")) or not _names_someone(value, target)):
        return False
    if target and value and target not in meta:
        if target == "participant_id":
            code = value.split()[0].strip(",;()")
            if any(ch.isdigit() for ch in code):  # a code like P07, not a person's name
                meta[target] = code
        elif target == "interview_id":
            meta[target] = value.split()[0].strip(",;()") if len(value.split()) > 3 else value
        elif target == "lang":
            meta["lang"] = normalise_lang(value)
        else:
            meta[target] = value
    return True


def _lines_of_text(path: Path, name: str) -> list[tuple[int, str]]:
    text, _enc = decode_bytes(path.read_bytes(), name)
    limit = max_line_chars()
    check_rows(text.count("\n"), name, "lines")
    lines = text.splitlines()
    return [(i, ln[:limit]) for i, ln in enumerate(lines, start=1)]


def _docx_lines(path: Path, name: str):
    """(lines, headings, notes, bold-only lines, tables) of a Word document."""
    import zipfile

    from research.excel import check_part_sizes
    from research.guards import ZIP_DAMAGE_ERRORS, check_ooxml_xml, check_zip_archive, damaged_zip_error

    with open(path, "rb") as fh:
        if fh.read(8) == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
            raise InputError("the document is password-protected or in the old .doc format",
                             "remove the password (or save it as .docx) and import again", file=name)
    check_zip_archive(path, name)
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            if "word/document.xml" not in names:
                if "xl/workbook.xml" in names:
                    raise InputError("this is an Excel workbook, not a Word document", "rename it to .xlsx",
                                     file=name)
                raise InputError("this zip file is not a Word document",
                                 "check the extension matches the content; save it from Word as .docx", file=name)
            check_ooxml_xml(zf, name)
            check_part_sizes(zf, name)
    except ZIP_DAMAGE_ERRORS:  # a damaged member, or headers that lie about sizes
        raise damaged_zip_error(name) from None
    import docx

    try:
        doc = docx.Document(str(path))
    except Exception as exc:
        raise InputError(f"the Word document cannot be read ({type(exc).__name__})",
                         "open it in Word and save it again as .docx", file=name) from None
    lines, headings, notes, bold_only = [], set(), set(), set()
    for no, para in enumerate(doc.paragraphs, start=1):
        text = para.text
        style = (para.style.name if para.style is not None else "") or ""
        st = normalise_name(style)
        if st.startswith(("heading", "title", "titulo", "encabezado", "subtitle", "subtitulo")):
            headings.add(no)
        runs = [r for r in para.runs if r.text.strip()]
        if runs and all(r.italic for r in runs):
            notes.add(no)
        elif runs and all(r.bold for r in runs) and len(text.strip()) <= 40:
            bold_only.add(no)
        elif runs and runs[0].bold and len(runs) > 1 and ":" not in text.split("\n")[0][:60]:
            # **Name** text  ->  Name: text
            label = runs[0].text.strip().rstrip(":").strip()
            rest = text[text.find(runs[0].text) + len(runs[0].text):].strip()
            if label and len(label) <= 40:
                text = f"{label}: {rest}"
        lines.append((no, text))
    tables = []
    for t in doc.tables[:20]:
        rows = []
        for r in t.rows[:100_000]:
            rows.append([c.text.strip() for c in r.cells])
        tables.append(rows)
    return lines, headings, notes, bold_only, tables


def _subtitle_records(path: Path, name: str, ext: str) -> list[dict]:
    import webvtt

    text, _enc = decode_bytes(path.read_bytes(), name)
    check_rows(text.count("-->"), name, "subtitle cues")
    try:
        if ext == ".srt":
            import io

            cues = webvtt.from_buffer(io.StringIO(text), format="srt")
        else:
            cues = webvtt.from_string(text)
    except Exception as exc:
        raise InputError(f"not a valid {ext[1:].upper()} subtitle file ({' '.join(str(exc).split())[:80]})",
                         f"check the file starts with {'WEBVTT' if ext == '.vtt' else 'a cue number and a time line'} "
                         "and each cue has a 00:00:00.000 --> 00:00:00.000 line", file=name) from None
    out = []
    for n, cue in enumerate(cues, start=1):
        body = " ".join(cue.text.split())
        speaker = getattr(cue, "voice", None)
        speaker = " ".join(speaker.translate(CONTROL_CHARS).split())[:80] or None if speaker else None
        if not speaker:
            c = _candidate(body.lstrip("- "))
            if c and _looks_like_name(c[0]) and normalise_name(c[0]) not in NOT_SPEAKERS:
                speaker, body = c[0], c[2]
        body = _clean(body.lstrip("- "))
        if not body:
            continue
        out.append({"speaker": speaker, "text": body[:MAX_TEXT_CHARS],
                    "timestamp": parse_timestamp(cue.start), "source_row": n})
    return out


def read_text_transcript(path: str | Path, *, name: str | None = None, lang: str | None = None,
                         interviewers=(), project=None, mapping=None) -> ImportResult:
    """Read a ``.txt``, ``.md``, ``.docx``, ``.vtt`` or ``.srt`` transcript.

    The interview id is the file name without extension unless the header block names it.

    Parameters
    ----------
    path : str or Path
        The file.
    name : str, optional
        Name for source references and errors (default the path's name).
    lang : {"en", "es"}, optional
        Force the language.
    interviewers : iterable of str
        Speaker names that are interviewers.
    project : str, optional
        The ``project`` column.
    mapping : dict, optional
        Used only for Word tables.

    Returns
    -------
    ImportResult
        ``layout`` is ``txt``, ``md``, ``md-table`` (a Markdown pipe table read like a sheet,
        ``source_row`` being the line), ``docx``, ``docx-table``, ``vtt`` or ``srt``.

    Raises
    ------
    InputError
        Binary content, a malformed subtitle file, or no speaker turns at all.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "e07.srt"
    >>> _ = p.write_text("1\\n00:00:01,000 --> 00:00:03,000\\nInterviewer: How was it?\\n\\n"
    ...                  "2\\n00:00:04,500 --> 00:00:08,000\\nSam: Slow. I queued for hours.\\n", encoding="utf-8")
    >>> read_text_transcript(p).tables["utterances"][["speaker_role", "timestamp", "source_row"]].values.tolist()
    [['interviewer', 1.0, 1], ['participant', 4.5, 2]]
    """
    path = Path(path)
    name = name or path.name
    ext = Path(name.lower()).suffix
    stem = Path(name).stem
    interviewers = list(interviewers)
    skipped: list[dict] = []
    layout = ext[1:]
    if ext in (".vtt", ".srt"):
        recs = _subtitle_records(path, name, ext)
        meta: dict = {}
    else:
        if ext == ".docx":
            lines, headings, notes, bold_only, tables = _docx_lines(path, name)
        else:
            lines, headings, notes, bold_only, tables = _lines_of_text(path, name), set(), set(), set(), []
        parsed = parse_turns(lines, headings=headings, notes=notes, bold_only=bold_only)
        meta = parsed["meta"]
        skipped = [{"sheet": None, **s} for s in parsed["skipped"][:50]]
        recs = [{"speaker": t["speaker"], "text": t["text"], "timestamp": t["timestamp"],
                 "source_row": t["row"]} for t in parsed["turns"]]
        if not recs and tables:
            return _docx_table(tables, name, mapping, lang, interviewers, project)
        if not recs and ext in (".md", ".txt"):
            grid = _pipe_table(lines)
            if grid is not None:
                return _grid_transcript(grid, name, mapping, lang, interviewers, project, "md-table")
    if not recs:
        raise InputError("no speaker turns found",
                         "write each turn as 'Name: what was said' (e.g. 'Entrevistadora: ¿Cómo le fue?'), "
                         "one per line or separated by blank lines", file=name)
    if meta.get("interviewer"):
        full = meta["interviewer"]
        interviewers += [full, full.split()[0]]
    interview = meta.get("interview_id") or stem
    records = [{**r, "interview_id": interview, "participant_id": meta.get("participant_id"),
                "role_written": None, "lang": meta.get("lang"), "seq_written": None,
                "source_file": name, "source_sheet": None, "source_column": None} for r in recs]
    df = finish_utterances(records, lang=lang, interviewers=interviewers, project=project)
    return ImportResult(name, "transcripts", layout, {"utterances": df}, {}, skipped)


def _pipe_table(lines) -> list[list[str]] | None:
    """A Markdown pipe table as a grid whose row ``i`` is line ``i + 1`` (other lines empty)."""
    grid: list[list[str]] = []
    found = 0
    for _no, text in lines:
        t = text.strip()
        if t.startswith("|") and t.count("|") >= 2:
            cells = [c.strip() for c in t.strip("|").split("|")]
            if all(re.fullmatch(r":?-{2,}:?", c) for c in cells if c):
                grid.append([])  # the |---|---| separator
                continue
            grid.append(cells)
            found += 1
        else:
            grid.append([])
    return grid if found >= 2 else None


def _grid_transcript(grid, name, mapping, lang, interviewers, project, layout) -> ImportResult:
    from research.transcripts import utterances_from_sheets

    records, _layout, used, skipped = utterances_from_sheets([(None, grid, set())], file=name, mapping=mapping)
    df = finish_utterances(records, lang=lang, interviewers=interviewers, project=project)
    return ImportResult(name, "transcripts", layout, {"utterances": df}, used, skipped)


def _docx_table(tables, name, mapping, lang, interviewers, project) -> ImportResult:
    from research.transcripts import utterances_from_sheets

    grids = [(f"table {i}", rows, set()) for i, rows in enumerate(tables, start=1)]
    records, _layout, used, skipped = utterances_from_sheets(grids, file=name, mapping=mapping)
    stem = Path(name).stem
    for r in records:
        if r["interview_id"] and str(r["interview_id"]).startswith("table "):
            r["interview_id"] = stem if len(tables) == 1 else f"{stem} {r['interview_id']}"
    df = finish_utterances(records, lang=lang, interviewers=interviewers, project=project)
    return ImportResult(name, "transcripts", "docx-table", {"utterances": df}, used, skipped)
