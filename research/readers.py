"""The one entry point for reading a user's file: kind detection, guards, dispatch.

:func:`read_file` takes any supported file and returns an :class:`~research.result.ImportResult`
holding canonical tables. When ``kind`` is None it is detected: from the extension for formats
that can only hold one kind (``.txt``, ``.docx``, ``.vtt``... are transcripts; ``.xes``,
``.parquet`` are event logs), else from the column names of the sheets. Steps and event logs
are read by :mod:`journeys.steps` and :mod:`journeys.eventlog` (imported lazily).

Every problem is an :class:`~research.errors.InputError` naming the file (sheet, row) and the fix;
the size of every file and the expanded size of every zip/gzip container are checked first.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from research.columns import (
    EVENTLOG_HINTS,
    STEPS_HINTS,
    normalise_name,
)
from research.errors import InputError
from research.guards import check_size
from research.result import KINDS, ImportResult

__all__ = [
    "TRANSCRIPT_EXTENSIONS", "GRID_EXTENSIONS", "EVENTLOG_EXTENSIONS", "SUPPORTED_EXTENSIONS",
    "extension_of", "detect_kind", "read_file", "read_upload", "preview",
]

#: Extensions that can only hold transcripts.
TRANSCRIPT_EXTENSIONS = (".txt", ".md", ".docx", ".vtt", ".srt")
#: Grid formats: transcripts, participants, steps or event logs, told apart by their columns.
GRID_EXTENSIONS = (".xlsx", ".xlsm", ".csv", ".tsv")
#: Extensions that can only hold event logs.
EVENTLOG_EXTENSIONS = (".xes", ".xes.gz", ".parquet")
SUPPORTED_EXTENSIONS = TRANSCRIPT_EXTENSIONS + GRID_EXTENSIONS + EVENTLOG_EXTENSIONS

_UNSUPPORTED_HINTS = {
    ".xls": "save it from Excel as .xlsx",
    ".xlsb": "save it from Excel as .xlsx",
    ".ods": "save it as .xlsx",
    ".doc": "save it from Word as .docx",
    ".odt": "save it as .docx",
    ".rtf": "save it as .docx or .txt",
    ".pdf": "copy the transcript into a .docx or .txt file",
    ".json": "convert it to CSV",
}


def extension_of(name: str) -> str:
    """The lower-case extension, counting ``.xes.gz`` as one.

    Examples
    --------
    >>> extension_of("Log.XES.gz"), extension_of("notas.XLSX"), extension_of("README")
    ('.xes.gz', '.xlsx', '')
    """
    low = name.lower()
    if low.endswith(".xes.gz"):
        return ".xes.gz"
    return Path(low).suffix


def _check_extension(name: str) -> str:
    ext = extension_of(name)
    if ext in SUPPORTED_EXTENSIONS:
        return ext
    fix = _UNSUPPORTED_HINTS.get(ext, "")
    supported = ", ".join(SUPPORTED_EXTENSIONS)
    what = f"unsupported file type {ext!r}" if ext else "the file has no extension"
    raise InputError(what, (fix + "; " if fix else "") + f"supported: {supported}", file=name)


def _grid_kind(rows, mapping=None) -> str | None:
    """The kind one grid (sheet) looks like, or None."""
    from research.transcripts import grid_utterances

    ev_hints = {normalise_name(h) for h in EVENTLOG_HINTS}
    st_hints = {normalise_name(h) for h in STEPS_HINTS}
    for row in rows[:30]:
        names = {normalise_name(c) for c in row[:512] if isinstance(c, str) and c.strip()}
        if not names:
            continue
        ev = names & ev_hints
        if ({"case concept name", "concept name"} <= names or
                (ev & {"case id", "case", "caso", "id caso", "expediente", "tramite id", "case concept name"}
                 and ev & {"activity", "actividad", "evento", "event", "concept name"})):
            return "eventlog"
        st = names & st_hints
        if (st & {"step id", "id paso", "paso id", "step", "paso"}) and len(st) >= 3:
            return "steps"
    g = grid_utterances(rows[:200], file="x", sheet="x", mapping=mapping)  # the header is near the top
    if g["layout"] is not None:
        return "transcripts"
    from research.transcripts import is_roster

    return "participants" if is_roster(rows) else None


def _load_grids(path: Path, name: str, ext: str, peek: bool = False, notes: list | None = None) -> list[tuple]:
    """(sheet name or None, rows, merged cells) for a workbook or a CSV/TSV file.

    ``peek`` reads only the first rows of a CSV (enough to tell its kind). ``notes`` receives
    ``skipped``-style entries about the reading (lines of a UTF-8 file that were not UTF-8).
    """
    if ext in (".xlsx", ".xlsm"):
        from research.excel import read_workbook

        return [(s.name, s.rows, s.merged) if not s.hidden else (s.name, None, None)
                for s in read_workbook(path, name)]
    from research.textformats import read_delimited

    rows, info = read_delimited(path.read_bytes(), name, max_rows=200 if peek else None)
    if notes is not None:
        for line in info.get("recoded_lines", []):
            notes.append({"sheet": None, "row": line,
                          "reason": f"line {line} is not UTF-8 like the rest of the file: read as Windows-1252 "
                                    "(kept; check its accents, or save the file again as UTF-8)"})
    return [(None, rows, set())]


def detect_kind(path: str | Path, name: str | None = None) -> str:
    """Guess what a file holds: ``transcripts``, ``participants``, ``steps`` or ``eventlog``.

    Parameters
    ----------
    path : str or Path
        The file.
    name : str, optional
        Name for messages (default the path's name).

    Returns
    -------
    str
        One of :data:`research.result.KINDS`.

    Raises
    ------
    InputError
        Unsupported extension, or no sheet whose columns say what it is.

    Examples
    --------
    >>> detect_kind("entrevista.vtt"), detect_kind("log.xes.gz")
    ('transcripts', 'eventlog')
    """
    path = Path(path)
    name = name or path.name
    ext = _check_extension(name)
    if ext in TRANSCRIPT_EXTENSIONS:
        return "transcripts"
    if ext in EVENTLOG_EXTENSIONS:
        return "eventlog"
    grids = _load_grids(path, name, ext, peek=True)
    return _kind_of_grids(grids, name)


def _hidden(grids) -> tuple[list, list[dict]]:
    """Split hidden sheets (rows None) off, as skipped notes."""
    visible = [g for g in grids if g[1] is not None]
    notes = [{"sheet": g[0], "row": None, "reason": "hidden sheet (not read); unhide it to import it"}
             for g in grids if g[1] is None]
    return visible, notes


def _kind_of_grids(grids, name, mapping=None) -> str:
    """The kind of a workbook/CSV; transcripts when undecided (its error lists the columns found)."""
    grids = _hidden(grids)[0]
    kinds = [k for k in (_grid_kind(rows, mapping) for _n, rows, _m in grids) if k]
    for k in ("transcripts", "steps", "eventlog", "participants"):
        if k in kinds:
            return k
    if not any(str(c).strip() for _n, rows, _m in grids for row in rows[:50] for c in row):
        raise InputError("the file holds no data", "export it again with its contents", file=name)
    return "transcripts"


def read_file(path: str | Path, kind: str | None = None, mapping: dict | None = None,
              lang: str | None = None, *, interviewer=None, project: str | None = None,
              name: str | None = None) -> ImportResult:
    """Read one file into canonical tables.

    Parameters
    ----------
    path : str or Path
        The file.
    kind : {"transcripts", "participants", "steps", "eventlog"}, optional
        What it holds; detected when None.
    mapping : dict, optional
        ``{source column: canonical field}`` overriding column detection.
    lang : {"en", "es"}, optional
        Language of every utterance (else detected per interview).
    interviewer : str or list of str, optional
        Speaker name(s) that are interviewers (overrides role inference). A mapping entry
        ``{"interviewer": NAME}`` (NAME not a field) means the same.
    project : str, optional
        Value for the utterances' ``project`` column.
    name : str, optional
        File name to report (default the path's name; uploads pass the original name).

    Returns
    -------
    ImportResult
        ``tables["utterances"]`` for transcripts, ``["participants"]``, ``["steps"]`` or ``["events"]``.

    Raises
    ------
    InputError
        Anything wrong with the file, with file/sheet/row and how to fix it.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "e01.txt").write_text("Entrevistadora: ¿Cómo le fue?\\nRosa: Esperé tres horas.\\n", encoding="utf-8")
    >>> r = read_file(d / "e01.txt")
    >>> r.layout, r.tables["utterances"][["speaker_role", "source_row", "lang"]].values.tolist()
    ('txt', [['interviewer', 1, 'es'], ['participant', 2, 'es']])
    """
    path = Path(path)
    name = name or path.name
    try:
        return _read_file(path, name, kind, mapping, lang, interviewer, project)
    except OSError as exc:
        raise InputError(f"cannot read the file ({exc.strerror or type(exc).__name__})",
                         "check the path and its permissions", file=name) from None
    except RecursionError:
        raise InputError("the file is nested too deeply to read", "re-save it from the application that made it",
                         file=name) from None


def _read_file(path: Path, name: str, kind, mapping, lang, interviewer, project) -> ImportResult:
    ext = _check_extension(name)
    check_size(path)
    if kind is not None and kind not in KINDS:
        raise InputError(f"unknown kind {kind!r}", f"use one of: {', '.join(KINDS)}", file="command line")
    mapping = dict(mapping or {})
    interviewers = _interviewers(interviewer, mapping)
    if kind is None:
        if ext in TRANSCRIPT_EXTENSIONS:
            kind = "transcripts"
        elif ext in EVENTLOG_EXTENSIONS:
            kind = "eventlog"
    if kind in ("steps", "eventlog"):
        return _read_journey_kind(path, name, kind, mapping)
    if ext in TRANSCRIPT_EXTENSIONS:
        if kind == "participants":
            raise InputError(f"a {ext} file cannot hold a participants table",
                             "give participants as .xlsx or .csv", file=name)
        from research.transcripts_text import read_text_transcript

        result = read_text_transcript(path, name=name, lang=lang, interviewers=interviewers,
                                      project=project, mapping=mapping)
        return result
    if ext in EVENTLOG_EXTENSIONS:
        raise InputError(f"a {ext} file holds an event log, not {kind}", "use --kind eventlog", file=name)
    is_csv = ext in (".csv", ".tsv")
    notes: list[dict] = []
    peek = is_csv and kind is None
    grids = _load_grids(path, name, ext, peek=peek, notes=None if peek else notes)
    if kind is None:
        kind = _kind_of_grids(grids, name, mapping)
        if kind in ("steps", "eventlog"):
            return _read_journey_kind(path, name, kind, mapping)
        if is_csv:
            grids = _load_grids(path, name, ext, notes=notes)
    grids, hidden = _hidden(grids)
    _check_mapping_columns(grids, mapping, name)
    if kind == "participants":
        from research.participants import participants_from_grids

        result = participants_from_grids(grids, file=name, mapping=mapping)
    else:
        result = _transcripts_from_grids(grids, name, ext, mapping, lang, interviewers, project)
    result.skipped = hidden + notes + result.skipped
    return result


def _interviewers(interviewer, mapping: dict) -> tuple[str, ...]:
    from research.columns import TRANSCRIPT_ALIASES

    names = [interviewer] if isinstance(interviewer, str) else list(interviewer or [])
    for key in [k for k in mapping if normalise_name(k) in {"interviewer", "entrevistador", "entrevistadora"}]:
        value = mapping[key]
        if value not in TRANSCRIPT_ALIASES and value not in ("segment",):
            names.append(value)
            del mapping[key]
    return tuple(names)


def _transcripts_from_grids(grids, name, ext, mapping, lang, interviewers, project) -> ImportResult:
    from research.transcripts import finish_utterances, utterances_from_sheets

    _check_mapping_fields(mapping, name)
    records, layout, used, skipped = utterances_from_sheets(grids, file=name, mapping=mapping)
    if ext in (".csv", ".tsv"):
        layout = {"rows": "csv", "sheet-per-interview": "csv"}.get(layout, f"csv-{layout}")
    df = finish_utterances(records, lang=lang, interviewers=interviewers, project=project)
    return ImportResult(name, "transcripts", layout, {"utterances": df}, used, skipped)


def _check_mapping_columns(grids, mapping: dict, name: str) -> None:
    """An explicit mapping must name columns that exist (in the header area of some sheet)."""
    if not mapping:
        return
    from research.columns import HEADER_SCAN_ROWS, normalise_name

    seen: dict[str, str] = {}
    headers: list[str] = []
    for _sheet, rows, _merged in grids:
        for row in (rows or [])[:HEADER_SCAN_ROWS]:
            cells = [c.strip() for c in row if isinstance(c, str) and c.strip() and len(c) <= 200]
            for c in cells:
                seen.setdefault(normalise_name(c), c)
            if not headers and len(cells) >= 2:
                headers = cells
    missing = [k for k in mapping if normalise_name(k) not in seen]
    if missing:
        shown = ", ".join(headers[:15]) + (" ..." if len(headers) > 15 else "")
        raise InputError(f"--map names column(s) not in the file: {', '.join(missing)}"
                         f" (columns found: {shown or 'none'})",
                         "use a column name as written in the header row (check its spelling)", file=name)


def _check_mapping_fields(mapping: dict, name: str) -> None:
    from research.columns import TRANSCRIPT_ALIASES

    bad = [f"{k}={v}" for k, v in mapping.items() if v not in TRANSCRIPT_ALIASES]
    if bad:
        raise InputError(f"--map {', '.join(bad)} names an unknown field",
                         f"map columns to one of: {', '.join(TRANSCRIPT_ALIASES)}", file="command line")


def _read_journey_kind(path: Path, name: str, kind: str, mapping: dict) -> ImportResult:
    try:
        if kind == "steps":
            from journeys.steps import read_steps as reader
        else:
            from journeys.eventlog import read_eventlog as reader
    except ImportError:
        raise InputError(f"the {kind} reader is not available in this installation",
                         "update Recorrido, or import transcripts/participants only", file=name) from None
    result = reader(path, mapping=mapping or None)
    if result.file != name:
        result.file = name
    return result


def read_upload(name: str, data: bytes, kind: str | None = None, mapping: dict | None = None,
                lang: str | None = None, **kwargs) -> ImportResult:
    """Read an uploaded file (its name and bytes); nothing permanent is written.

    The bytes go to a private temporary folder (deleted on return) so that every reader can
    work from a path; the result and every error carry the upload's own name.

    Examples
    --------
    >>> r = read_upload("notas.csv", "Speaker,Text\\nInterviewer,Why?\\nSam,Too slow.\\n".encode())
    >>> r.file, r.summary()["participant_utterances"]
    ('notas.csv', 1)
    """
    safe = Path(str(name).replace("\\", "/")).name or "upload"
    _check_extension(safe)
    from research.guards import max_upload_bytes

    if len(data) > max_upload_bytes():
        raise InputError(f"the file is {len(data) / 1e6:.1f} MB, over the {max_upload_bytes() / 1e6:.0f} MB limit",
                         "split it, or raise RECORRIDO_MAX_UPLOAD_MB", file=safe)
    with tempfile.TemporaryDirectory(prefix="recorrido-") as tmp:
        p = Path(tmp) / safe
        p.write_bytes(data)
        result = read_file(p, kind=kind, mapping=mapping, lang=lang, name=safe, **kwargs)
    for df in result.tables.values():
        if "source_file" in df.columns:
            df["source_file"] = safe
    return result


def preview(path: str | Path, kind: str | None = None, mapping: dict | None = None,
            lang: str | None = None, rows: int = 10, **kwargs) -> dict:
    """What :func:`read_file` would do, for a correctable preview in the app.

    Returns
    -------
    dict
        ``file``, ``kind``, ``layout``, ``mapping`` (detected or given), ``columns`` (of the
        main table), ``rows`` (the first ``rows`` records), ``summary`` and ``skipped``.

    Raises
    ------
    InputError
        As :func:`read_file`.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "e.csv"
    >>> _ = p.write_text("Hablante;Texto\\nEntrevistador;¿Qué pasó?\\nAna;Perdí el día.\\n", encoding="utf-8")
    >>> pv = preview(p, rows=1)
    >>> pv["kind"], pv["layout"], pv["mapping"], len(pv["rows"])
    ('transcripts', 'csv', {'Hablante': 'speaker', 'Texto': 'text'}, 1)
    """
    result = read_file(path, kind=kind, mapping=mapping, lang=lang, **kwargs)
    main = {"transcripts": "utterances", "participants": "participants", "steps": "steps",
            "eventlog": "events"}[result.kind]
    df = result.tables.get(main)
    head = [] if df is None else df.head(rows).astype(object).where(df.head(rows).notna(), None).to_dict("records")
    return {"file": result.file, "kind": result.kind, "layout": result.layout, "mapping": dict(result.mapping),
            "columns": [] if df is None else [str(c) for c in df.columns], "rows": head,
            "summary": result.summary(), "skipped": list(result.skipped)}
