"""Guardrails against hostile or broken files: size limits, zip bombs, XML entities, formulas.

Every reader calls these before parsing. Limits can be raised through environment variables
(``RECORRIDO_MAX_UPLOAD_MB``, ``RECORRIDO_MAX_EXPANDED_MB``) or arguments.
"""

from __future__ import annotations

import gzip
import io
import os
import zipfile
import zlib
from pathlib import Path

from research.errors import InputError

__all__ = [
    "max_upload_bytes", "max_expanded_bytes", "check_size", "check_zip_archive",
    "read_gzip_limited", "neutralise_formula", "FORMULA_PREFIXES", "check_ooxml_xml",
    "ZIP_DAMAGE_ERRORS", "damaged_zip_error", "read_member_limited",
]

#: What :mod:`zipfile` raises on a damaged or lying archive (bad CRC, truncated deflate stream...).
ZIP_DAMAGE_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError)


def damaged_zip_error(name: str) -> InputError:
    """The one-line error for an Office zip that is damaged or lies in its headers.

    Examples
    --------
    >>> str(damaged_zip_error("a.xlsx"))
    'a.xlsx: the file is damaged or not a real Office file — re-save it from Excel/Word'
    """
    return InputError("the file is damaged or not a real Office file", "re-save it from Excel/Word", file=name)


def read_member_limited(zf: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, limit: int | None = None,
                        keep: int = 64 * 1024) -> bytes:
    """Read a zip member to its end in 1 MB chunks, counting the bytes actually produced.

    The whole member is decompressed (so a CRC mismatch, i.e. headers that lie about the
    size, is detected) but only the first ``keep`` bytes are kept in memory. The count is
    of bytes really read, never the size the header declares.

    Raises
    ------
    InputError
        The member expands past ``limit`` bytes, or the archive is damaged / lies.

    Examples
    --------
    >>> buf = io.BytesIO()
    >>> with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
    ...     z.writestr("a.xml", "<a/>" * 10)
    >>> zf = zipfile.ZipFile(buf)
    >>> read_member_limited(zf, zf.getinfo("a.xml"), "t.docx", keep=8)
    b'<a/><a/>'
    """
    limit = max_expanded_bytes() if limit is None else limit
    head = bytearray()
    total = 0
    try:
        with zf.open(info) as fh:
            while chunk := fh.read(1 << 20):
                total += len(chunk)
                if total > limit:
                    raise InputError(f"a part of the file ({info.filename}) expands past {limit / 1e6:.0f} MB",
                                     "check where the file came from; re-save it from Excel or Word", file=name)
                if len(head) < keep:
                    head += chunk[: keep - len(head)]
    except ZIP_DAMAGE_ERRORS:
        raise damaged_zip_error(name) from None
    return bytes(head)

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_MAX_RATIO = 200  # compressed -> expanded; real xlsx/docx files stay far below this
_RATIO_FLOOR = 50 * 1024 * 1024  # the ratio is only judged once this much has been expanded


def max_upload_bytes() -> int:
    """Largest accepted input file, in bytes (env ``RECORRIDO_MAX_UPLOAD_MB``, default 200)."""
    return int(float(os.environ.get("RECORRIDO_MAX_UPLOAD_MB", "200")) * 1024 * 1024)


def max_expanded_bytes() -> int:
    """Largest accepted expanded size of a compressed input (env ``RECORRIDO_MAX_EXPANDED_MB``, default 1024)."""
    return int(float(os.environ.get("RECORRIDO_MAX_EXPANDED_MB", "1024")) * 1024 * 1024)


def check_size(path: str | Path, limit: int | None = None) -> int:
    """Raise :class:`InputError` if the file is empty or larger than ``limit``; return its size.

    Raises
    ------
    InputError
        The file is missing, empty or too large.
    """
    p = Path(path)
    limit = max_upload_bytes() if limit is None else limit
    if not p.exists():
        raise InputError("file not found", "check the path and the file name", file=p.name)
    if p.is_dir():
        raise InputError("this is a folder, not a file", "give the path of a file", file=p.name)
    size = p.stat().st_size
    if size == 0:
        raise InputError("the file is empty", "export the file again with its contents", file=p.name)
    if size > limit:
        raise InputError(f"the file is {size / 1e6:.1f} MB, over the {limit / 1e6:.0f} MB limit",
                         "split it, or raise RECORRIDO_MAX_UPLOAD_MB", file=p.name)
    return size


def check_zip_archive(source: str | Path | bytes, name: str, limit: int | None = None) -> None:
    """Check a zip container (xlsx, docx) before parsing: valid, not encrypted, not a bomb.

    Raises
    ------
    InputError
        Not a zip (wrong extension or encrypted Office file), encrypted members, or an
        expanded size over ``limit`` or a suspicious compression ratio.
    """
    limit = max_expanded_bytes() if limit is None else limit
    data = io.BytesIO(source) if isinstance(source, bytes) else source
    try:
        with zipfile.ZipFile(data) as zf:
            infos = zf.infolist()
            total = sum(i.file_size for i in infos)
            packed = sum(i.compress_size for i in infos) or 1
            if any(i.flag_bits & 0x1 for i in infos):
                raise InputError("the file is encrypted", "save an unprotected copy and import that", file=name)
            if total > limit or (total > 50 * 1024 * 1024 and total / packed > _MAX_RATIO):
                raise InputError(f"the file expands to {total / 1e6:.0f} MB, which looks like a zip bomb",
                                 "check where the file came from; re-save it from Excel or Word", file=name)
    except (zlib.error, EOFError, NotImplementedError):
        raise damaged_zip_error(name) from None
    except zipfile.BadZipFile:
        if _is_ole(source):
            raise InputError("the workbook is password-protected or in the old binary format",
                             "remove the password (or save as .xlsx) and import again", file=name) from None
        raise InputError("the file is not a valid Office document (not a zip archive)",
                         "check the extension matches the content, or re-save it", file=name) from None


def check_ooxml_xml(zf: zipfile.ZipFile, name: str) -> None:
    """Refuse an Office zip whose XML parts declare a DTD or entities (billion laughs, XXE).

    Real .xlsx/.docx parts never carry a DOCTYPE, so its presence is refused outright,
    whatever parser reads the part later. Each part is decompressed to its end in chunks
    (bounded by the bytes really produced, see :func:`read_member_limited`) so that a zip
    whose headers lie about a part's size is refused here; only the start is kept.

    Raises
    ------
    InputError
        An XML part declares a DOCTYPE or an ENTITY, or the zip is damaged / lies about sizes.

    Examples
    --------
    >>> buf = io.BytesIO()
    >>> with zipfile.ZipFile(buf, "w") as z:
    ...     z.writestr("word/document.xml", '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x/>')
    >>> check_ooxml_xml(zipfile.ZipFile(buf), "t.docx")
    Traceback (most recent call last):
    ...
    research.errors.InputError: t.docx: the document contains an XML DTD/entity declaration (word/document.xml), which Office never writes — re-save the file from Excel or Word; if it came from outside, do not trust it
    """
    markers = (b"<!DOCTYPE", b"<!ENTITY", "<!DOCTYPE".encode("utf-16-le"), "<!ENTITY".encode("utf-16-le"),
               "<!DOCTYPE".encode("utf-16-be"), "<!ENTITY".encode("utf-16-be"))
    limit = max_expanded_bytes()
    for info in zf.infolist():
        if not info.filename.lower().endswith((".xml", ".rels", ".vml")):
            continue
        head = read_member_limited(zf, info, name, limit)
        if any(m in head for m in markers):
            raise InputError(f"the document contains an XML DTD/entity declaration ({info.filename}), "
                             "which Office never writes",
                             "re-save the file from Excel or Word; if it came from outside, do not trust it",
                             file=name)


def _is_ole(source: str | Path | bytes) -> bool:
    if isinstance(source, bytes):
        head = source[:8]
    else:
        with Path(source).open("rb") as fh:
            head = fh.read(8)
    return head == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def read_gzip_limited(path: str | Path, limit: int | None = None) -> bytes:
    """Decompress a ``.gz`` file, refusing to expand past ``limit`` bytes.

    Raises
    ------
    InputError
        The file is not gzip, expands past the limit, or expands more than 200:1 once
        50 MB have been produced (a gzip bomb, refused before it fills memory).
    """
    limit = max_expanded_bytes() if limit is None else limit
    name = Path(path).name
    packed = max(Path(path).stat().st_size, 1)
    out = io.BytesIO()
    try:
        with gzip.open(path, "rb") as fh:
            while chunk := fh.read(1 << 20):
                out.write(chunk)
                size = out.tell()
                if size > limit:
                    raise InputError(f"the file expands past {limit / 1e6:.0f} MB",
                                     "check where it came from; raise RECORRIDO_MAX_EXPANDED_MB if it is genuine",
                                     file=name)
                if size > _RATIO_FLOOR and size / _consumed(fh, packed) > _MAX_RATIO:  # early: memory stays low
                    raise InputError(f"the file expands more than {_MAX_RATIO}:1 ({_consumed(fh, packed) / 1e6:.1f} MB "
                                     f"into over "
                                     f"{size / 1e6:.0f} MB), which looks like a gzip bomb",
                                     "check where it came from; decompress it yourself if it is genuine",
                                     file=name)
    except (OSError, EOFError) as exc:
        raise InputError(f"not a readable gzip file ({exc})", "decompress it and check its contents", file=name) from None
    return out.getvalue()


def _consumed(fh, packed: int) -> int:
    """Compressed bytes read so far from a GzipFile (the whole file size if unknown)."""
    try:
        return max(int(fh.fileobj.tell()), 1)
    except (AttributeError, OSError, ValueError):
        return packed


def neutralise_formula(value):
    """Make text safe to put in a spreadsheet cell: prefix formula-like text with an apostrophe.

    Non-strings pass through unchanged.

    Examples
    --------
    >>> neutralise_formula("=HYPERLINK(\\"http://x\\")")
    '\\'=HYPERLINK("http://x")'
    >>> neutralise_formula("-5 días"), neutralise_formula(5), neutralise_formula("ok")
    ("'-5 días", 5, 'ok')
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value
