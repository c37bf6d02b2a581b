"""Text-based inputs: encoding and delimiter detection, CSV/TSV grids.

Spanish exports are often cp1252 or Latin-1, Excel's "Unicode text" is UTF-16 with tabs, and
many Spanish-locale tools write semicolons. :func:`decode_bytes` and :func:`read_delimited`
hide all of that; everything after them sees a grid of strings, like a sheet.
"""

from __future__ import annotations

import csv
import io
import os

from research.errors import InputError

__all__ = ["decode_bytes", "decode_bytes_report", "sniff_delimiter", "read_delimited", "max_line_chars", "max_rows",
           "check_rows", "MAX_FIELD_CHARS"]

#: Longest field accepted in a delimited file (a runaway quote would otherwise swallow the file).
MAX_FIELD_CHARS = 1_000_000


def max_line_chars() -> int:
    """Longest text line kept whole (env ``RECORRIDO_MAX_LINE_CHARS``, default 1,000,000).

    Examples
    --------
    >>> max_line_chars() > 0
    True
    """
    return int(os.environ.get("RECORRIDO_MAX_LINE_CHARS", "1000000"))


def max_rows() -> int:
    """Most rows (or text lines, or cues) read from one file (env ``RECORRIDO_MAX_ROWS``, default 2 million).

    Examples
    --------
    >>> max_rows() > 0
    True
    """
    return int(float(os.environ.get("RECORRIDO_MAX_ROWS", "2000000")))


def check_rows(n: int, name: str, what: str = "rows") -> None:
    """Raise :class:`InputError` when ``n`` passes :func:`max_rows`.

    Examples
    --------
    >>> check_rows(10, "a.csv")
    """
    limit = max_rows()
    if n > limit:
        raise InputError(f"the file has more than {limit:,} {what}",
                         "split it into smaller files, or raise RECORRIDO_MAX_ROWS if it is genuine", file=name)


def decode_bytes(data: bytes, name: str = "<input>") -> tuple[str, str]:
    """Decode a text file: UTF-8 (with or without BOM), UTF-16 (BOM or not), else cp1252/Latin-1.

    Parameters
    ----------
    data : bytes
        The file's content.
    name : str
        File name for error messages.

    Returns
    -------
    (str, str)
        The text (without BOM, newlines as in the file) and the encoding used.

    Raises
    ------
    InputError
        Binary content (an Excel/zip/PDF file under a text extension, or NUL bytes).

    Examples
    --------
    >>> decode_bytes("año".encode("cp1252"))
    ('año', 'cp1252')
    >>> decode_bytes("\\ufeffHablante;Texto".encode("utf-8"))
    ('Hablante;Texto', 'utf-8-sig')
    >>> decode_bytes("Speaker\\tText".encode("utf-16"))[1]
    'utf-16'
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return _decode(data[3:], "utf-8", name), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _decode(data, "utf-16", name), "utf-16"
    head = data[:4096]
    if len(head) >= 4 and head.count(b"\x00") >= len(head) // 4:
        # UTF-16 without BOM: every other byte is zero for Latin text
        even_zero = head[0::2].count(0) > head[1::2].count(0)
        enc = "utf-16-be" if even_zero else "utf-16-le"
        try:
            text = data.decode(enc)
            if "\x00" not in text[:4096]:
                return text, enc
        except UnicodeDecodeError:
            pass
    _refuse_binary(data, name)
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    mixed = _decode_mixed(data)
    if mixed is not None:
        return mixed[0], "utf-8+cp1252"
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def decode_bytes_report(data: bytes, name: str = "<input>") -> tuple[str, str, list[int]]:
    """:func:`decode_bytes`, plus the (1-based) lines of a mostly-UTF-8 file that were not UTF-8.

    A UTF-8 file with a few lines pasted from a Windows program stays UTF-8: only those
    lines are read as cp1252 (Windows-1252), and they are listed so the caller can warn.

    Examples
    --------
    >>> data = "Trámite\\nen línea\\n".encode() + "señal\\n".encode("cp1252")
    >>> decode_bytes_report(data)
    ('Trámite\\nen línea\\nseñal\\n', 'utf-8+cp1252', [3])
    >>> decode_bytes_report("año".encode("cp1252"))
    ('año', 'cp1252', [])
    """
    text, enc = decode_bytes(data, name)
    if enc != "utf-8+cp1252":
        return text, enc, []
    mixed = _decode_mixed(data)
    return text, enc, mixed[1] if mixed else []


def _decode_mixed(data: bytes) -> tuple[str, list[int]] | None:
    """Decode line by line when the bulk is UTF-8 (some non-ASCII lines decode as UTF-8).

    Returns (text, lines read as cp1252), or None when the file is not mostly UTF-8.
    """
    parts: list[str] = []
    bad_lines: list[int] = []
    good_non_ascii = 0
    pos, line_no = 0, 1
    n = len(data)
    while pos < n:
        try:
            seg = data[pos:].decode("utf-8")
            parts.append(seg)
            good_non_ascii += not seg.isascii()
            break
        except UnicodeDecodeError as exc:
            bad = pos + exc.start
        start = max(data.rfind(b"\n", pos, bad), data.rfind(b"\r", pos, bad)) + 1
        if start > pos:
            seg = data[pos:start].decode("utf-8")
            parts.append(seg)
            good_non_ascii += not seg.isascii()
            line_no += seg.count("\n") + seg.count("\r") - seg.count("\r\n")
        end = min((i for i in (data.find(b"\n", bad), data.find(b"\r", bad)) if i >= 0), default=n)
        parts.append(data[start:end].decode("cp1252", errors="replace"))
        bad_lines.append(line_no)
        pos = end
        if len(bad_lines) > 50 and good_non_ascii < len(bad_lines):
            return None  # mostly not UTF-8: a cp1252/Latin-1 file
    if good_non_ascii == 0 or good_non_ascii < len(bad_lines):
        return None
    return "".join(parts), bad_lines


def _decode(data: bytes, enc: str, name: str) -> str:
    try:
        return data.decode(enc)
    except UnicodeDecodeError:
        raise InputError(f"the file says it is {enc} but is not", "save it again as UTF-8 text",
                         file=name) from None


_MAGIC = {
    b"PK\x03\x04": "a zip archive (perhaps an Excel .xlsx or Word .docx file)",
    b"\xd0\xcf\x11\xe0": "an old binary Office file (.xls/.doc) or an encrypted workbook",
    b"%PDF": "a PDF document",
    b"\x1f\x8b": "a gzip archive",
    b"PAR1": "a Parquet file",
}


def _refuse_binary(data: bytes, name: str) -> None:
    for magic, what in _MAGIC.items():
        if data.startswith(magic):
            raise InputError(f"this is {what}, not a text file",
                             "give the file its real extension (.xlsx, .docx...) or export it as CSV/text",
                             file=name)
    if b"\x00" in data[:65536]:
        raise InputError("the file holds binary data, not text",
                         "export it again as CSV or plain text (UTF-8)", file=name)


def sniff_delimiter(text: str) -> str:
    """Pick the delimiter (comma, semicolon, tab or pipe) from the first lines.

    Each candidate splits the lines quote-aware (a ``;`` inside ``"S2;S3"`` does not count).
    The delimiter whose most common field count (2 or more) is shared by the most lines wins,
    with a bonus when the first line has that count too; title lines above the header do
    not confuse it.

    Examples
    --------
    >>> sniff_delimiter("Hablante;Texto\\nAna;Hola, buenas\\n")
    ';'
    >>> sniff_delimiter("a\\tb\\n1\\t2\\n"), sniff_delimiter("a,b\\n1,2\\n"), sniff_delimiter("solo")
    ('\\t', ',', ',')
    >>> sniff_delimiter('Step ID,Step,Next steps\\nS1,Apply,"S2;S3"\\nS2,Pay,"S3;S4"\\nS3,Wait,\\n')
    ','
    >>> sniff_delimiter("Export of 2024, March\\ncase;activity;time\\nc1;A;2024-01-01\\n")
    ';'
    """
    from collections import Counter

    lines = [ln for ln in text[:65536].splitlines() if ln.strip()][:20]
    if not lines:
        return ","
    best, best_score = ",", 0.0
    for d in (",", ";", "\t", "|"):
        try:
            counts = [len(r) for r in csv.reader(io.StringIO("\n".join(lines)), delimiter=d)]
        except csv.Error:
            continue
        multi = Counter(c for c in counts if c >= 2)
        if not multi:
            continue
        mode = max(multi, key=lambda c: (multi[c], c))
        same = multi[mode] / len(counts)
        score = same * 10 + (2 if counts[0] == mode else 0) + min(mode, 50) / 50
        if score > best_score:
            best, best_score = d, score
    return best


class _Unclosed(Exception):
    def __init__(self, line: int):
        super().__init__(f"unclosed quote from line {line}")
        self.line = line


def _parse(text: str, delimiter: str, *, strict: bool, max_rows: int | None,
           name: str = "<input>") -> list[list[str]]:
    rows: list[list[str]] = []
    row_limit = globals()["max_rows"]()
    cell_limit = _max_cells()
    cells = 0
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=strict)
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            if "unexpected end of data" in str(exc):
                raise _Unclosed(start) from None
            exc.line = start
            raise
        rows.append(row)
        cells += len(row)
        if max_rows is not None and len(rows) >= max_rows:
            break
        if len(rows) > row_limit:
            check_rows(len(rows), name)
        if cells > cell_limit:
            raise InputError(f"the file has more than {cell_limit:,} cells",
                             "split it into smaller files, or raise RECORRIDO_MAX_CELLS if it is genuine", file=name)
    return rows


def _max_cells() -> int:
    from research.excel import max_cells

    return max_cells()


def read_delimited(data: bytes, name: str, delimiter: str | None = None,
                   max_rows: int | None = None) -> tuple[list[list[str]], dict]:
    """Read CSV/TSV bytes into a grid of strings (row ``i`` is line-record ``i + 1``).

    Parameters
    ----------
    data : bytes
        File content.
    name : str
        File name (``.tsv`` means tab unless ``delimiter`` says otherwise).
    delimiter : str, optional
        Force a delimiter.
    max_rows : int, optional
        Stop after this many rows (to peek at the header).

    Returns
    -------
    (list of list of str, dict)
        The grid and ``{"encoding", "delimiter"}``, plus ``"recoded_lines"`` (1-based line
        numbers) when a UTF-8 file had a few lines in cp1252 (see :func:`decode_bytes_report`).

    Raises
    ------
    InputError
        Binary content, a field longer than :data:`MAX_FIELD_CHARS` (an unclosed quote), or
        malformed CSV, with the line number.

    Examples
    --------
    >>> read_delimited("Hablante;Texto\\r\\nAna;\\"Dijo: sí; luego no\\"\\r\\n".encode("cp1252"), "a.csv")
    ([['Hablante', 'Texto'], ['Ana', 'Dijo: sí; luego no']], {'encoding': 'cp1252', 'delimiter': ';'})
    """
    text, enc, recoded = decode_bytes_report(data, name)
    if delimiter is None:
        delimiter = "\t" if name.lower().endswith(".tsv") and "\t" in text[:65536] else sniff_delimiter(text)
    old = csv.field_size_limit()
    csv.field_size_limit(MAX_FIELD_CHARS)
    try:
        try:
            rows = _parse(text, delimiter, strict=True, max_rows=max_rows, name=name)
        except _Unclosed as exc:
            raise InputError("a quoted field is never closed (the quote opens here and runs to the end of the file)",
                             "close the quote or remove the stray \" character, then export again",
                             file=name, row=exc.line) from None
        except csv.Error:
            # lenient pass: Excel-style quirks such as "x"y are read as Excel would
            try:
                rows = _parse(text, delimiter, strict=False, max_rows=max_rows, name=name)
            except (csv.Error, _Unclosed) as exc:
                line = getattr(exc, "line", None)
                raise InputError(f"the file is not valid CSV ({exc})",
                                 "check for an unclosed quote around this line, or export the file again",
                                 file=name, row=line) from None
    finally:
        csv.field_size_limit(old)
    info = {"encoding": enc, "delimiter": delimiter}
    if recoded:
        info["recoded_lines"] = recoded  # lines of a UTF-8 file read as cp1252
    return rows, info
