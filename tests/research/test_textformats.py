"""research/textformats.py: encoding and delimiter detection on hand-built bytes."""

from research.readers import read_file
from research.textformats import decode_bytes, decode_bytes_report


def test_textformats_mixed_utf8_keeps_utf8_and_reports_cp1252_lines():
    data = ("Hablante,Texto\nAna,Trámite en línea\n".encode() + "José,Esperé\n".encode("cp1252")
            + "Luz,Ñandú\r\n".encode() + "Eva,señal\r\n".encode("cp1252"))
    text, enc, lines = decode_bytes_report(data, "m.csv")
    assert text == "Hablante,Texto\nAna,Trámite en línea\nJosé,Esperé\nLuz,Ñandú\r\nEva,señal\r\n"
    assert (enc, lines) == ("utf-8+cp1252", [3, 5])


def test_textformats_cp1252_file_is_still_cp1252():
    data = "Hablante;Texto\nAna;año\nLuis;está\n".encode("cp1252")
    assert decode_bytes(data) == ("Hablante;Texto\nAna;año\nLuis;está\n", "cp1252")
    assert decode_bytes_report(data)[2] == []


def test_textformats_mixed_lines_reported_by_the_reader(tmp_path):
    path = tmp_path / "mixed.csv"
    path.write_bytes(b"Entrevista,Hablante,Texto\n" + "E1,Ana,Trámite en línea\n".encode()
                     + "E1,José,Esperé en la oficina\n".encode("cp1252"))
    result = read_file(path, kind="transcripts")
    assert result.tables["utterances"]["text"].tolist() == ["Trámite en línea", "Esperé en la oficina"]
    assert [s["row"] for s in result.skipped] == [3]
    assert "Windows-1252" in result.skipped[0]["reason"]


def test_textformats_delimiter_ignores_separators_inside_quotes():
    from research.textformats import sniff_delimiter

    text = 'Step ID,Step,Next steps\nS1,Apply,"S2;S3"\nS2,Pay,"S3;S4"\nS3,Wait,"S4;S5"\nS4,End,\n'
    assert sniff_delimiter(text) == ","
    assert sniff_delimiter(text.replace(",", "|")) == "|"


def test_textformats_delimiter_with_a_title_line_above_the_header():
    from research.textformats import sniff_delimiter

    assert sniff_delimiter("Registro, marzo 2024\ncase;activity;time\nc1;A;1\nc2;B;2\n") == ";"
