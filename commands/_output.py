"""Writing command results: json, jsonl, csv, xlsx to ``--out`` or stdout.

Text cells in csv and xlsx are neutralised against formula injection.
"""

from __future__ import annotations

import csv
import io
import json
import math
import sys
from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path

from research.errors import InputError
from research.guards import neutralise_formula

__all__ = ["add_output_arguments", "write_records", "write_json", "write_sheets", "to_jsonable"]


def add_output_arguments(parser, formats=("json", "jsonl", "csv", "xlsx"), default="json") -> None:
    """Add ``--format`` and ``--out`` with the conventions of DESIGN.md §6."""
    parser.add_argument("--format", choices=formats, default=default, help=f"output format (default {default})")
    parser.add_argument("--out", default=None, help="write here instead of standard output")


def to_jsonable(value):
    """Convert numpy/pandas scalars, NaN and timestamps to plain JSON values."""
    if value is None:
        return None
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    if hasattr(value, "tolist") and not isinstance(value, (str, bytes)):
        return to_jsonable(value.tolist())
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else value
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    try:
        import pandas as pd
        if value is pd.NA or value is pd.NaT:
            return None
    except ImportError:  # pragma: no cover
        pass
    return value


def _open_text(out: str | None):
    if out is None:
        return sys.stdout, False
    try:
        return open(out, "w", encoding="utf-8", newline=""), True
    except OSError as exc:
        raise InputError(f"cannot write the output ({exc.strerror})", "choose another --out path",
                         file=out) from None


def write_json(obj, out: str | None = None) -> None:
    """Write one JSON document."""
    fh, close = _open_text(out)
    try:
        json.dump(to_jsonable(obj), fh, ensure_ascii=False, indent=2)
        fh.write("\n")
    finally:
        if close:
            fh.close()


def write_records(records: Iterable[dict], fmt: str, out: str | None = None,
                  columns: list[str] | None = None, sheet: str = "data") -> int:
    """Write records as json (a list), jsonl, csv or xlsx; return how many were written."""
    records = [to_jsonable(r) for r in records]
    if columns is None:
        columns = list(dict.fromkeys(k for r in records for k in r))
    if fmt == "json":
        write_json(records, out)
    elif fmt == "jsonl":
        fh, close = _open_text(out)
        try:
            for r in records:
                fh.write(json.dumps(r, ensure_ascii=False) + "\n")
        finally:
            if close:
                fh.close()
    elif fmt == "csv":
        fh, close = _open_text(out)
        try:
            w = csv.DictWriter(fh, fieldnames=columns, extrasaction="ignore")
            w.writeheader()
            for r in records:
                w.writerow({k: _cell(r.get(k)) for k in columns})
        finally:
            if close:
                fh.close()
    elif fmt == "xlsx":
        write_sheets({sheet: records}, out, columns={sheet: columns})
    else:  # pragma: no cover - argparse restricts choices
        raise InputError(f"unknown format {fmt}", "use json, jsonl, csv or xlsx", file="command line")
    return len(records)


def _cell(v, limit: int | None = None):
    """A csv/xlsx cell: lists and dicts as JSON, text cut at ``limit`` characters, formulas neutralised."""
    if isinstance(v, (list, dict)):
        v = json.dumps(v, ensure_ascii=False)
    if limit is not None and isinstance(v, str) and len(v) > limit:
        v = v[:limit] + "…"
    return neutralise_formula(v)


_XLSX_CELL_LIMIT = 32000  # Excel's cell limit is 32,767 characters


def write_sheets(sheets: dict[str, list[dict]], out: str | None = None,
                 columns: dict[str, list[str]] | None = None) -> None:
    """Write an Excel workbook with one sheet per entry of ``sheets`` (name -> records).

    A sheet's columns are ``columns[name]`` when given, else every key of its records in order of
    appearance (``(none)`` when it has no record). Header and text cells are neutralised against
    formulas, lists and dicts written as JSON, cells cut at 32,000 characters; the header row is
    frozen and filtered. ``out=None`` writes the bytes to standard output.
    """
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    wb.remove(wb.active)
    for name, records in sheets.items():
        ws = wb.create_sheet(name[:31])
        cols = (columns or {}).get(name)
        if cols is None:
            cols = list(dict.fromkeys(k for r in records for k in r)) or ["(none)"]
        ws.append([neutralise_formula(c) for c in cols])
        for r in records:
            ws.append([_cell(r.get(c), _XLSX_CELL_LIMIT) for c in cols])
        ws.freeze_panes = "A2"
        if records:
            ws.auto_filter.ref = f"A1:{get_column_letter(len(cols))}{len(records) + 1}"
    if out is None:
        buf = io.BytesIO()
        wb.save(buf)
        sys.stdout.buffer.write(buf.getvalue())
        return
    try:
        wb.save(Path(out))
    except OSError as exc:
        raise InputError(f"cannot write the output ({exc.strerror})", "choose another --out path",
                         file=out) from None
