"""Builders of small transcript/participant files for the importer tests (built in tmp_path)."""

from __future__ import annotations

from pathlib import Path

__all__ = ["make_xlsx", "make_docx"]


def make_xlsx(path: Path, sheets: dict, merges: dict | None = None, text_cells=()) -> Path:
    """Write a workbook: ``sheets`` maps sheet name -> list of rows (lists of values).

    ``merges`` maps sheet name -> list of ranges ("A1:C1"); ``text_cells`` lists
    (sheet, "B3") cells forced to string type (so "=..." stays text, not a formula).
    """
    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r in rows:
            ws.append(list(r))
        for rng in (merges or {}).get(name, []):
            ws.merge_cells(rng)
    for name, ref in text_cells:
        wb[name][ref].data_type = "s"
    wb.save(path)
    return path


def make_docx(path: Path, paragraphs) -> Path:
    """Write a Word document; each item is a str, ("heading", text), ("italic", text) or
    ("bold", label, rest)."""
    import docx

    d = docx.Document()
    for p in paragraphs:
        if isinstance(p, str):
            d.add_paragraph(p)
        elif p[0] == "heading":
            d.add_heading(p[1], level=1)
        elif p[0] == "italic":
            d.add_paragraph().add_run(p[1]).italic = True
        elif p[0] == "bold":
            para = d.add_paragraph()
            para.add_run(p[1]).bold = True
            para.add_run(p[2])
    d.save(path)
    return path
