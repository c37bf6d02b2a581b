"""Reading workbooks (.xlsx, .xlsm) into plain grids, safely and fast.

python-calamine (Rust) reads the cells: formulas are never evaluated (only the value Excel
cached is seen, and a text that merely looks like a formula stays text). Before calamine
touches a file the zip container is checked (valid, not encrypted, not a bomb, really a
workbook, no XML DTD/entities) and the cell extent of every sheet is measured from its XML,
because calamine allocates the whole rectangle up to the farthest cell: one stray cell at
XFD1048576 would otherwise ask for billions of cells.
"""

from __future__ import annotations

import io
import os
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from research.errors import InputError
from research.guards import ZIP_DAMAGE_ERRORS, check_ooxml_xml, check_zip_archive, damaged_zip_error

__all__ = ["Sheet", "max_cells", "max_part_bytes", "check_part_sizes", "read_workbook", "sheet_extents"]

_CELL_REF = re.compile(rb'\sr="([A-Z]{1,3})([0-9]{1,8})"')


def max_cells() -> int:
    """Largest accepted rectangle of one sheet, in cells (env ``RECORRIDO_MAX_CELLS``, default 10 million).

    Examples
    --------
    >>> max_cells() > 0
    True
    """
    return int(float(os.environ.get("RECORRIDO_MAX_CELLS", "10000000")))


def max_part_bytes() -> int:
    """Largest expanded XML part of an Office file (env ``RECORRIDO_MAX_PART_MB``, default 256).

    XML parsers hold a part in memory several times over, so one huge part is refused even when
    the whole file is under the expanded-size limit.

    Examples
    --------
    >>> max_part_bytes() >= 1024 * 1024
    True
    """
    return int(float(os.environ.get("RECORRIDO_MAX_PART_MB", "256")) * 1024 * 1024)


def check_part_sizes(zf: zipfile.ZipFile, name: str) -> None:
    """Refuse an Office zip with an XML part larger than :func:`max_part_bytes`.

    Raises
    ------
    InputError
        A part is too large once expanded.

    Examples
    --------
    >>> buf = io.BytesIO()
    >>> with zipfile.ZipFile(buf, "w") as z:
    ...     z.writestr("word/document.xml", "<w:document/>")
    >>> check_part_sizes(zipfile.ZipFile(buf), "ok.docx") is None
    True
    """
    limit = max_part_bytes()
    for info in zf.infolist():
        if info.file_size > limit:
            raise InputError(f"a part of the file ({info.filename}) expands to {info.file_size / 1e6:.0f} MB, "
                             f"over the {limit / 1e6:.0f} MB limit",
                             "split the document, or raise RECORRIDO_MAX_PART_MB if it is genuine", file=name)


@dataclass
class Sheet:
    """One worksheet as a grid: ``rows[i][j]`` is Excel row ``i + 1``, column ``j + 1``.

    ``merged`` holds the positions (0-based row, col) that were filled from a merged range's
    top-left cell (so that callers can avoid duplicating a merged text).
    """

    name: str
    rows: list[list]
    merged: set[tuple[int, int]] = field(default_factory=set)
    hidden: bool = False


def _col_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n


def sheet_extents(zf: zipfile.ZipFile) -> dict[str, tuple[int, int]]:
    """Rows × columns spanned by the cells of every worksheet part (``xl/worksheets/*.xml``).

    Parameters
    ----------
    zf : zipfile.ZipFile
        An open workbook.

    Returns
    -------
    dict
        Part name -> (rows, columns), measured from the cell references in the XML.

    Examples
    --------
    >>> import io, zipfile
    >>> buf = io.BytesIO()
    >>> with zipfile.ZipFile(buf, "w") as z:
    ...     z.writestr("xl/worksheets/sheet1.xml", '<row r="2"><c r="B2"/><c r="D7"/></row>')
    >>> sheet_extents(zipfile.ZipFile(buf))  # from A1, as calamine reads it
    {'xl/worksheets/sheet1.xml': (7, 4)}
    """
    out: dict[str, tuple[int, int]] = {}
    for info in zf.infolist():
        if not (info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")):
            continue
        max_r = max_c = 0
        tail = b""
        with zf.open(info) as fh:
            while chunk := fh.read(4 << 20):
                data = tail + chunk
                refs = _CELL_REF.findall(data)
                tail = data[-40:]  # a reference may be cut in two by the chunk boundary
                if refs:
                    cols, rws = zip(*refs, strict=True)
                    max_r = max(max_r, max(map(int, rws)))
                    max_c = max(max_c, max(map(_col_number, set(cols))))
        # calamine pads from A1 when asked for the full area
        out[info.filename] = (max_r, max_c)
    return out


_SHEET_TAG = re.compile(rb"<(?:\w+:)?sheet\b[^>]*>")
_REL_TAG = re.compile(rb"<(?:\w+:)?Relationship\b[^>]*>")


def _attr(tag: bytes, name: bytes) -> str | None:
    m = re.search(rb"(?:^|\s)(?:\w+:)?" + name + rb'="([^"]*)"', tag)
    return m.group(1).decode("utf-8", "replace") if m else None


def _sheet_names(zf: zipfile.ZipFile) -> dict[str, str]:
    """Worksheet part -> sheet name (for error messages only)."""
    try:
        wb = zf.read("xl/workbook.xml")[:5_000_000]
        rels = zf.read("xl/_rels/workbook.xml.rels")[:5_000_000]
    except KeyError:
        return {}
    targets = {}
    for tag in _REL_TAG.findall(rels):
        rid, target = _attr(tag, b"Id"), _attr(tag, b"Target")
        if rid and target:
            target = target.lstrip("/")
            targets[rid] = target if target.startswith("xl/") else "xl/" + target
    out = {}
    for tag in _SHEET_TAG.findall(wb):
        sheet, rid = _attr(tag, b"name"), _attr(tag, b"id")
        if sheet and rid in targets:
            out[targets[rid]] = sheet
    return out


def _guard(source, name: str) -> None:
    check_zip_archive(source, name)
    try:
        _guard_parts(source, name)
    except ZIP_DAMAGE_ERRORS:  # a damaged member, or headers that lie about sizes
        raise damaged_zip_error(name) from None


def _guard_parts(source, name: str) -> None:
    data = io.BytesIO(source) if isinstance(source, bytes) else source
    with zipfile.ZipFile(data) as zf:
        names = set(zf.namelist())
        if "xl/workbook.xml" not in names and "xl/workbook.bin" not in names:
            if "word/document.xml" in names:
                raise InputError("this is a Word document, not a workbook",
                                 "rename it to .docx (or export the transcript table to .xlsx)", file=name)
            raise InputError("this zip file is not an Excel workbook",
                             "check the extension matches the content; save it from Excel as .xlsx", file=name)
        if "xl/workbook.bin" in names:
            raise InputError("this is a binary workbook (.xlsb)", "save it from Excel as .xlsx", file=name)
        check_ooxml_xml(zf, name)
        check_part_sizes(zf, name)
        limit = max_cells()
        from research.textformats import max_rows

        row_limit = max_rows()
        for part, (r, c) in sheet_extents(zf).items():
            if r > row_limit:
                raise InputError(f"the sheet has {r:,} rows, over the {row_limit:,}-row limit",
                                 "split it into smaller files, or raise RECORRIDO_MAX_ROWS if it is genuine",
                                 file=name, sheet=_sheet_names(zf).get(part, part.rsplit("/", 1)[-1]))
            if r * c > limit:
                raise InputError(
                    f"the sheet spans {r:,} rows × {c:,} columns, over the "
                    f"{limit:,}-cell limit (often a stray cell far away)",
                    "delete the empty rows and columns after the data, or copy the data to a new "
                    "sheet; raise RECORRIDO_MAX_CELLS if it is genuine", file=name,
                    sheet=_sheet_names(zf).get(part, part.rsplit("/", 1)[-1]))


def read_workbook(source: str | Path | bytes, name: str | None = None,
                  sheets: list[str] | None = None) -> list[Sheet]:
    """Read every visible worksheet of an ``.xlsx``/``.xlsm`` into :class:`Sheet` grids.

    Parameters
    ----------
    source : path or bytes
        The workbook.
    name : str, optional
        File name used in error messages (default: the path's name).
    sheets : list of str, optional
        Only these sheets.

    Returns
    -------
    list of Sheet
        In workbook order; chart sheets are left out; hidden sheets come with ``hidden=True``
        and no rows (callers report them as skipped). Cells hold str, int,
        float, bool, datetime/date/time/timedelta, or ``""`` when empty. Merged ranges are
        filled with their top-left value.

    Raises
    ------
    InputError
        Not a workbook, encrypted, a zip bomb, XML with a DTD, a sheet too large, or unreadable.

    Examples
    --------
    >>> import io, openpyxl
    >>> wb = openpyxl.Workbook(); ws = wb.active; ws.title = "E01"
    >>> ws["A1"] = "Entrevistas"; ws.merge_cells("A1:B1"); ws.append(["Hablante", "Texto"])
    >>> ws.append(["Ana", "=1+1 no es fórmula"]); ws["B3"].data_type = "s"
    >>> buf = io.BytesIO(); wb.save(buf)
    >>> [ (s.name, s.rows) for s in read_workbook(buf.getvalue(), "x.xlsx")]
    [('E01', [['Entrevistas', 'Entrevistas'], ['Hablante', 'Texto'], ['Ana', '=1+1 no es fórmula']])]
    """
    import python_calamine as pc

    name = name or Path(str(source)).name
    _guard(source, name)
    try:
        wb = (pc.CalamineWorkbook.from_filelike(io.BytesIO(source)) if isinstance(source, bytes)
              else pc.CalamineWorkbook.from_path(str(source)))
    except pc.PasswordError:
        raise InputError("the workbook is password-protected", "save an unprotected copy and import that",
                         file=name) from None
    except Exception as exc:  # calamine raises several exception types for broken files
        raise InputError(f"the workbook cannot be read ({_short(exc)})", "open it in Excel and save it again as .xlsx",
                         file=name) from None
    out: list[Sheet] = []
    try:
        for meta in wb.sheets_metadata:
            if sheets is not None and meta.name not in sheets:
                continue
            if "Chart" in str(meta.typ):
                continue
            if "hidden" in str(meta.visible).lower():  # Hidden and VeryHidden: reported, not read
                out.append(Sheet(meta.name, [], set(), hidden=True))
                continue
            try:
                sh = wb.get_sheet_by_name(meta.name)
                rows = sh.to_python(skip_empty_area=False)
                merged_ranges = sh.merged_cell_ranges or []
            except Exception as exc:
                raise InputError(f"the sheet cannot be read ({_short(exc)})",
                                 "open the workbook in Excel and save it again as .xlsx",
                                 file=name, sheet=meta.name) from None
            out.append(Sheet(meta.name, rows, _fill_merged(rows, merged_ranges)))
    finally:
        wb.close()
    return out


def _fill_merged(rows: list[list], ranges) -> set[tuple[int, int]]:
    filled: set[tuple[int, int]] = set()
    for (r0, c0), (r1, c1) in ranges:
        if r0 >= len(rows) or (r1 - r0 + 1) * (c1 - c0 + 1) > 100_000:
            continue
        value = rows[r0][c0] if c0 < len(rows[r0]) else ""
        for r in range(r0, min(r1, len(rows) - 1) + 1):
            row = rows[r]
            for c in range(c0, min(c1, len(row) - 1) + 1):
                if (r, c) != (r0, c0):
                    row[c] = value
                    filled.add((r, c))
    return filled


def _short(exc: Exception) -> str:
    text = " ".join(str(exc).split())
    return (text[:120] + "…") if len(text) > 120 else (text or type(exc).__name__)
