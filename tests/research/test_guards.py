"""Guardrails against hostile and broken files, through the readers (research/guards.py,
research/excel.py, research/readers.py): every case is one clear InputError, never a hang."""

import io
import zipfile

import pytest

from research.errors import InputError
from research.guards import check_ooxml_xml, check_zip_archive
from research.readers import read_file, read_upload
from tests.research.transcript_builders import make_docx, make_xlsx

ENTITY_BOMB = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
               '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
               '<worksheet>&lol2;</worksheet>')


def _rewrite_member(src, dst, member, content: bytes):
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, content if info.filename == member else zin.read(info.filename))
    return dst


def _workbook(tmp_path, name="ok.xlsx"):
    return make_xlsx(tmp_path / name, {"E1": [["Speaker", "Text"], ["Interviewer", "Why?"], ["Sam", "Slow."]]})


def test_guards_zip_bomb_refused_before_parsing(tmp_path):
    src = _workbook(tmp_path)
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, zin.read(info.filename))
        zout.writestr("xl/media/padding.bin", b"\0" * (60 * 1024 * 1024))  # 60 MB -> ~60 KB
    assert bomb.stat().st_size < 1024 * 1024
    with pytest.raises(InputError, match="zip bomb") as e:
        read_file(bomb)
    assert e.value.file == "bomb.xlsx"


def test_guards_expanded_limit_is_configurable(tmp_path, monkeypatch):
    src = _workbook(tmp_path)
    monkeypatch.setenv("RECORRIDO_MAX_EXPANDED_MB", "0.001")
    with pytest.raises(InputError, match="expands to"):
        read_file(src)


@pytest.mark.parametrize("member", ["xl/worksheets/sheet1.xml", "xl/styles.xml", "[Content_Types].xml"])
def test_guards_xml_entity_bomb_in_xlsx_refused(tmp_path, member):
    src = make_xlsx(tmp_path / "s.xlsx", {"E1": [["Speaker", "Text"], ["A", "b"]]})
    bad = _rewrite_member(src, tmp_path / "lol.xlsx", member, ENTITY_BOMB.encode())
    with pytest.raises(InputError, match="DTD/entity"):
        read_file(bad)


def test_guards_xml_entity_bomb_in_docx_refused(tmp_path):
    src = make_docx(tmp_path / "s.docx", ["Interviewer: Why?", "Sam: Slow."])
    bad = _rewrite_member(src, tmp_path / "lol.docx", "word/document.xml", ENTITY_BOMB.encode())
    with pytest.raises(InputError, match="DTD/entity"):
        read_file(bad)


def test_guards_external_entity_utf16_refused():
    buf = io.BytesIO()
    xxe = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>'
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("xl/workbook.xml", xxe.encode("utf-16-le"))
    with pytest.raises(InputError, match="DTD/entity"):
        check_ooxml_xml(zipfile.ZipFile(buf), "x.xlsx")


def test_guards_encrypted_workbook_ole_header(tmp_path):
    p = tmp_path / "secret.xlsx"
    p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 2000)
    with pytest.raises(InputError, match="password-protected"):
        read_file(p)


def test_guards_encrypted_zip_members(tmp_path):
    src = _workbook(tmp_path)
    data = bytearray(src.read_bytes())
    # set the "encrypted" flag bit on every local and central header
    for sig, off in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        i = data.find(sig)
        while i != -1:
            data[i + off] |= 0x1
            i = data.find(sig, i + 4)
    with pytest.raises(InputError, match="encrypted"):
        check_zip_archive(bytes(data), "enc.xlsx")


@pytest.mark.parametrize("real, named, message", [
    ("xlsx", "data.csv", "zip archive"),
    ("xlsx", "t.docx", "Excel workbook, not a Word"),
    ("docx", "t.xlsx", "Word document, not a workbook"),
    ("xlsx", "t.txt", "zip archive"),
])
def test_guards_wrong_extension_for_content(tmp_path, real, named, message):
    src = _workbook(tmp_path) if real == "xlsx" else make_docx(tmp_path / "d.docx", ["Ana: hola"])
    p = tmp_path / named
    p.write_bytes(src.read_bytes())
    with pytest.raises(InputError, match=message) as e:
        read_file(p)
    assert e.value.file == named


@pytest.mark.parametrize("name, fix", [("a.xls", "save it from Excel as .xlsx"), ("a.pdf", "copy the transcript"),
                                       ("noext", "supported")])
def test_guards_unsupported_extension(tmp_path, name, fix):
    p = tmp_path / name
    p.write_bytes(b"x")
    with pytest.raises(InputError, match=fix):
        read_file(p)


def test_guards_not_a_zip_named_xlsx(tmp_path):
    p = tmp_path / "plain.xlsx"
    p.write_text("Speaker,Text\nA,b\n", encoding="utf-8")
    with pytest.raises(InputError, match="not a valid Office document"):
        read_file(p)


@pytest.mark.parametrize("name", ["e.csv", "e.txt", "e.xlsx", "e.docx", "e.vtt"])
def test_guards_empty_file(tmp_path, name):
    p = tmp_path / name
    p.write_bytes(b"")
    with pytest.raises(InputError, match="empty"):
        read_file(p)


def test_guards_header_only_csv_names_the_row(tmp_path):
    p = tmp_path / "h.csv"
    p.write_text("Hablante;Texto\n", encoding="utf-8")
    with pytest.raises(InputError, match="no utterance rows") as e:
        read_file(p)
    assert e.value.row == 1


def test_guards_blank_csv_holds_no_data(tmp_path):
    p = tmp_path / "b.csv"
    p.write_text("\n\n;;\n", encoding="utf-8")
    with pytest.raises(InputError, match="no data"):
        read_file(p)


def test_guards_stray_far_cell_refused_before_calamine_allocates(tmp_path, monkeypatch):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Speaker", "Text"])
    ws.append(["A", "b"])
    ws.cell(row=5000, column=300, value="x")
    wb.save(tmp_path / "stray.xlsx")
    monkeypatch.setenv("RECORRIDO_MAX_CELLS", "100000")
    with pytest.raises(InputError, match="over the 100,000-cell limit"):
        read_file(tmp_path / "stray.xlsx")


def test_guards_size_limit(tmp_path, monkeypatch):
    p = tmp_path / "big.csv"
    p.write_text("Speaker,Text\n" + "A,hello there\n" * 2000, encoding="utf-8")
    monkeypatch.setenv("RECORRIDO_MAX_UPLOAD_MB", "0.01")
    with pytest.raises(InputError, match="over the"):
        read_file(p)
    with pytest.raises(InputError, match="over the"):
        read_upload("big.csv", p.read_bytes())


@pytest.mark.parametrize("name, data", [
    ("bin.txt", b"\x00\x01\x02\x03garbage\x00\xff" * 50),
    ("bin.csv", b"%PDF-1.4 not really"),
    ("bin.vtt", b"\x1f\x8b\x08\x00gz"),
])
def test_guards_binary_content_in_text_formats(tmp_path, name, data):
    p = tmp_path / name
    p.write_bytes(data)
    with pytest.raises(InputError):
        read_file(p)


def test_guards_corrupt_workbook_xml_is_an_input_error(tmp_path):
    src = _workbook(tmp_path)
    bad = _rewrite_member(src, tmp_path / "corrupt.xlsx", "xl/worksheets/sheet1.xml", b"<worksheet><sheetData><row")
    with pytest.raises(InputError) as e:
        read_file(bad)
    assert e.value.file == "corrupt.xlsx"


def test_guards_long_line_and_unclosed_quote_do_not_hang(tmp_path):
    p = tmp_path / "long.txt"
    p.write_text("Ana: " + "bla " * 300_000 + "\nLuis: ok\n", encoding="utf-8")
    df = read_file(p).tables["utterances"]
    assert len(df) == 2 and len(df["text"][0]) <= 100_000
    q = tmp_path / "quote.csv"
    q.write_text('Speaker,Text\nAna,"never closed\nLuis,hola\n', encoding="utf-8")
    with pytest.raises(InputError):
        read_file(q)


def test_guards_cli_hostile_files_exit_2_one_line(tmp_path, run_cli):
    p = tmp_path / "secret.xlsx"
    p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    e = tmp_path / "empty.docx"
    e.write_bytes(b"")
    for f in (p, e):
        res = run_cli("utterances", f)
        assert res.returncode == 2 and res.stderr.count("\n") == 1 and "Traceback" not in res.stderr


def test_guards_stray_cell_error_names_the_sheet(tmp_path, monkeypatch):
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.title = "Resumen"
    ws = wb.create_sheet("Entrevistas")
    ws.append(["Speaker", "Text"])
    ws.cell(row=3000, column=100, value="x")
    wb.save(tmp_path / "s.xlsx")
    monkeypatch.setenv("RECORRIDO_MAX_CELLS", "10000")
    with pytest.raises(InputError) as e:
        read_file(tmp_path / "s.xlsx")
    assert e.value.sheet == "Entrevistas"


def test_guards_hidden_sheet_reported_not_read(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "E1"
    ws.append(["Speaker", "Text"])
    ws.append(["Interviewer", "Why?"])
    ws.append(["Sam", "Slow."])
    h = wb.create_sheet("Copia")
    h.append(["Speaker", "Text"])
    h.append(["Sam", "Slow."])
    h.sheet_state = "hidden"
    wb.save(tmp_path / "h.xlsx")
    r = read_file(tmp_path / "h.xlsx")
    assert len(r.tables["utterances"]) == 2
    assert any(s["sheet"] == "Copia" and "hidden" in s["reason"] for s in r.skipped)


@pytest.mark.parametrize("name, content", [
    ("many.csv", "Speaker,Text\n" + "A,b\n" * 60),
    ("many.txt", "Ana: hola\n" * 60),
    ("many.srt", "".join(f"{i}\n00:00:01,000 --> 00:00:02,000\nAna: hola\n\n" for i in range(1, 61))),
])
def test_guards_row_limit_is_an_error_not_memory_exhaustion(tmp_path, monkeypatch, name, content):
    p = tmp_path / name
    p.write_text(content, encoding="utf-8")
    monkeypatch.setenv("RECORRIDO_MAX_ROWS", "50")
    with pytest.raises(InputError, match="more than 50"):
        read_file(p)


def test_guards_huge_xml_part_refused(tmp_path, monkeypatch):
    src = make_docx(tmp_path / "d.docx", ["Interviewer: Why?", "Sam: " + "slow " * 50_000])
    monkeypatch.setenv("RECORRIDO_MAX_PART_MB", "0.1")
    with pytest.raises(InputError, match="word/document.xml"):
        read_file(src)


HOSTILE = {
    "bom_only.csv": b"\xef\xbb\xbf",
    "blank.csv": b"   \n\n  ",
    "nul.txt": b"\x00" * 100,
    "utf16_bom_only.txt": b"\xff\xfe",
    "gz.csv": b"\x1f\x8b\x08\x00\x00\x00\x00\x00",
    "wide_header.csv": (",".join(f"c{i}" for i in range(100_000)) + "\n").encode(),
    "quote_storm.csv": b'"' * 100_000,
    "just_colons.txt": b":::\n: :\n::x\n",
    "vtt_no_cues.vtt": b"WEBVTT\n\n",
    "srt_garbage.srt": b"1\nnot a time\nhello\n",
    "zip_empty.xlsx": b"PK\x05\x06" + b"\0" * 18,
    "random.docx": b"PK\x03\x04" + bytes(range(256)) * 20,
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_guards_hostile_inputs_fail_with_one_short_line(tmp_path, capsys, name):
    import cli

    p = tmp_path / name
    p.write_bytes(HOSTILE[name])
    assert cli.main(["utterances", str(p)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {name}") and err.count("\n") == 1 and len(err) < 600


def test_guards_encrypted_docx_says_document(tmp_path):
    p = tmp_path / "secret.docx"
    p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    with pytest.raises(InputError, match="document is password-protected or in the old .doc format"):
        read_file(p)


def test_guards_row_limit_applies_to_workbooks(tmp_path, monkeypatch):
    p = make_xlsx(tmp_path / "rows.xlsx", {"E1": [["Speaker", "Text"]] + [["A", "b"]] * 60})
    monkeypatch.setenv("RECORRIDO_MAX_ROWS", "50")
    with pytest.raises(InputError, match="over the 50-row limit") as e:
        read_file(p)
    assert e.value.sheet == "E1"


def test_guards_control_characters_removed_from_text(tmp_path):
    p = tmp_path / "nul.txt"
    p.write_text("Ana: hola\n" * 8000 + "Luis: ho\x00la\x07\n", encoding="utf-8")
    df = read_file(p).tables["utterances"]
    assert df["text"].tolist()[-1] == "hola"
    q = tmp_path / "nul.csv"
    q.write_text("Speaker,Text\n" + "Ana,hola\n" * 8000 + "Luis,\"ch\x00au\"\n", encoding="utf-8")
    assert read_file(q).tables["utterances"]["text"].tolist()[-1] == "chau"


def _lying_zip(members: dict[str, bytes], declared: int = 4096) -> bytes:
    """A zip whose headers declare every member as ``declared`` bytes (the data is larger)."""
    import struct

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    raw = bytearray(buf.getvalue())
    for sig, off in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = 0
        while (pos := raw.find(sig, start)) >= 0:
            struct.pack_into("<I", raw, pos + off, declared)
            start = pos + 4
    return bytes(raw)


@pytest.mark.parametrize("suffix", ["xlsx", "docx"])
def test_guards_lying_zip_headers_refused(tmp_path, suffix):
    part = "xl/worksheets/sheet1.xml" if suffix == "xlsx" else "word/document.xml"
    members = {"[Content_Types].xml": b"<Types/>", part: b"<x>" + b"a" * 500_000 + b"</x>"}
    if suffix == "xlsx":
        members["xl/workbook.xml"] = b"<workbook/>"
    path = tmp_path / f"liar.{suffix}"
    path.write_bytes(_lying_zip(members))
    with pytest.raises(InputError, match="damaged or not a real Office file"):
        read_file(path)


def test_guards_read_member_limited_counts_real_bytes():
    from research.guards import read_member_limited

    zf = zipfile.ZipFile(io.BytesIO(_lying_zip({"a.xml": b"b" * 100_000}, declared=60_000)))
    with pytest.raises(InputError, match="damaged"):
        read_member_limited(zf, zf.getinfo("a.xml"), "a.docx")
    ok = zipfile.ZipFile(io.BytesIO(_lying_zip({"a.xml": b"b" * 100_000}, declared=100_000)))
    with pytest.raises(InputError, match="expands past"):
        read_member_limited(ok, ok.getinfo("a.xml"), "a.docx", limit=50_000)


def test_guards_gzip_bomb_refused_by_ratio_before_the_limit(tmp_path, monkeypatch):
    import gzip

    from research import guards

    monkeypatch.setattr(guards, "_RATIO_FLOOR", 2 * 1024 * 1024)  # judge the ratio after 2 MB
    bomb = tmp_path / "log.csv.gz"
    bomb.write_bytes(gzip.compress(b"\0" * (8 * 1024 * 1024)))
    with pytest.raises(InputError, match="more than 200:1"):
        guards.read_gzip_limited(bomb)
    fine = tmp_path / "ok.csv.gz"
    fine.write_bytes(gzip.compress(b"case,activity\n" + b"".join(b"c%d,A%d\n" % (i, i % 7) for i in range(300_000))))
    assert guards.read_gzip_limited(fine).startswith(b"case,activity\n")
