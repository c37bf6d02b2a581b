"""Project exceptions.

Every problem with a user's file is an :class:`InputError`. Its string form is the one-line
message the command line prints and the app shows (DESIGN.md §6)::

    <file>[, sheet <name>][, row <n>]: <what is wrong> — <how to fix it>
"""

from __future__ import annotations

__all__ = ["RecorridoError", "InputError", "ConflictError"]


class RecorridoError(Exception):
    """Base class of every error Recorrido raises on purpose."""


class InputError(RecorridoError, ValueError):
    """A file, a column or a value the user gave cannot be used.

    Parameters
    ----------
    what : str
        What is wrong, in plain words.
    fix : str
        How to fix it.
    file, sheet, row, column : optional
        Where it is. ``row`` is 1-based as the user sees it (Excel row, text line, cue number).

    Examples
    --------
    >>> str(InputError("no text column", "add a column named Text or Texto",
    ...                file="notes.xlsx", sheet="Hoja1", row=3))
    'notes.xlsx, sheet Hoja1, row 3: no text column — add a column named Text or Texto'
    >>> str(InputError("empty file", "export it again", file="a.csv"))
    'a.csv: empty file — export it again'
    """

    def __init__(self, what: str, fix: str, *, file: str | None = None,
                 sheet: str | None = None, row: int | None = None,
                 column: str | None = None) -> None:
        self.what = what
        self.fix = fix
        self.file = file
        self.sheet = sheet
        self.row = row
        self.column = column
        super().__init__(str(self))

    def __str__(self) -> str:
        where = [self.file or "<input>"]
        if self.sheet is not None:
            where.append(f"sheet {self.sheet}")
        if self.row is not None:
            where.append(f"row {self.row}")
        text = f"{', '.join(where)}: {self.what} — {self.fix}"
        return " ".join(text.split())  # always one line

    def located(self, *, file: str | None = None, sheet: str | None = None,
                row: int | None = None) -> InputError:
        """Return a copy with missing location parts filled in (existing ones win).

        Examples
        --------
        >>> e = InputError("bad", "fix it").located(file="x.csv", row=2)
        >>> (e.file, e.row)
        ('x.csv', 2)
        """
        return InputError(self.what, self.fix, file=self.file or file,
                          sheet=self.sheet if self.sheet is not None else sheet,
                          row=self.row if self.row is not None else row, column=self.column)

    def as_dict(self) -> dict:
        """The error as plain data (for JSON summaries and the app)."""
        return {k: getattr(self, k) for k in ("file", "sheet", "row", "column", "what", "fix")}


class ConflictError(RecorridoError):
    """Someone else changed the record since it was read (optimistic concurrency)."""

    def __init__(self, what: str, *, expected_version: int | None = None,
                 actual_version: int | None = None) -> None:
        self.what = what
        self.expected_version = expected_version
        self.actual_version = actual_version
        super().__init__(what)


