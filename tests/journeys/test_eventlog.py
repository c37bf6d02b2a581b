"""Event-log readers: formats, column names in English and Spanish, timestamps, hostile files."""

from __future__ import annotations

import gzip

import pandas as pd
import pytest

from journeys.eventlog import detect_event_columns, parse_timestamps, read_eventlog
from research.errors import InputError
from research.schema import EVENT_COLUMNS

ES_CSV = (
    "Expediente;Actividad;Fecha y hora;Canal;Funcionario;Institución\n"
    "EXP-1;Solicitud en línea;2024-03-30 23:30:00+01:00;web;Ana;Registro Público\n"
    "EXP-1;Revisión;2024-03-31 03:30:00+02:00;oficina;Luis;DGI\n"
    "EXP-2;Solicitud en línea;2024-04-01 10:00;teléfono;;Registro Público\n"
)


def _write(tmp_path, name, text, encoding="utf-8"):
    p = tmp_path / name
    p.write_bytes(text.encode(encoding))
    return p


def test_eventlog_spanish_csv_semicolon_cp1252(tmp_path):
    res = read_eventlog(_write(tmp_path, "log.csv", ES_CSV, "cp1252"))
    ev = res.tables["events"]
    assert list(ev.columns[:len(EVENT_COLUMNS) + 1]) == [*EVENT_COLUMNS, "source_row"]
    assert ev["case_id"].tolist() == ["EXP-1", "EXP-1", "EXP-2"]
    assert ev["activity"].iloc[0] == "Solicitud en línea"
    assert ev["channel"].tolist() == ["web", "oficina", "teléfono"]
    assert ev["resource"].tolist()[:2] == ["Ana", "Luis"] and pd.isna(ev["resource"].iloc[2])
    assert ev["agency"].iloc[1] == "DGI"
    assert ev["source_row"].tolist() == [1, 2, 3]
    # offsets across the DST change honoured; no offset means UTC
    assert ev["timestamp"].dt.strftime("%Y-%m-%d %H:%M").tolist() == [
        "2024-03-30 22:30", "2024-03-31 01:30", "2024-04-01 10:00"]
    assert str(ev["timestamp"].dt.tz) == "UTC"
    assert res.kind == "eventlog" and res.layout == "csv"
    assert res.summary()["cases"] == 2


@pytest.mark.parametrize("encoding,delimiter", [("utf-8-sig", ","), ("utf-16", "\t"), ("utf-8", "|")])
def test_eventlog_csv_encodings_and_delimiters(tmp_path, encoding, delimiter):
    text = ES_CSV.replace(";", delimiter)
    ev = read_eventlog(_write(tmp_path, "log.csv", text, encoding)).tables["events"]
    assert ev["case_id"].tolist() == ["EXP-1", "EXP-1", "EXP-2"]
    assert ev["channel"].iloc[2] == "teléfono"


def test_eventlog_xes_names_and_case_channel(tmp_path):
    text = ("case:concept:name,concept:name,time:timestamp,org:resource,lifecycle:transition,case:channel\n"
            "7,A,2024-01-01T10:00:00.000+01:00,R1,start,Internet\n"
            "7,A,2024-01-01T10:05:00.000+01:00,R1,complete,Internet\n")
    res = read_eventlog(_write(tmp_path, "x.csv", text))
    ev = res.tables["events"]
    assert ev["lifecycle"].tolist() == ["start", "complete"]
    assert ev["channel"].tolist() == ["Internet", "Internet"]
    assert ev["case_id"].tolist() == ["7", "7"]
    assert res.mapping["case:channel"] == "channel" and res.mapping["org:resource"] == "resource"


def test_eventlog_event_channel_wins_over_case_channel():
    found = detect_event_columns(["case:channel", "caso", "paso", "fecha", "canal"])
    assert found["canal"] == "channel" and "case:channel" not in found


def test_eventlog_explicit_mapping_overrides(tmp_path):
    text = "ref,what,when,where\n1,a,2024-01-01 10:00,web\n1,b,2024-01-01 11:00,office\n"
    path = _write(tmp_path, "m.csv", text)
    ev = read_eventlog(path, mapping={"ref": "case_id", "what": "activity", "when": "timestamp",
                                      "where": "channel"}).tables["events"]
    assert ev["activity"].tolist() == ["a", "b"] and ev["channel"].tolist() == ["web", "office"]
    # field -> column is accepted too
    ev2 = read_eventlog(path, mapping={"case_id": "ref", "activity": "what", "timestamp": "when"}).tables["events"]
    assert ev2["case_id"].tolist() == ["1", "1"]


def test_eventlog_missing_columns_lists_found_and_accepted(tmp_path):
    path = _write(tmp_path, "bad.csv", "caso,fecha\n1,2024-01-01\n")
    with pytest.raises(InputError, match=r"no activity column \(columns found: caso, fecha\)") as exc:
        read_eventlog(path)
    assert "actividad" in str(exc.value) and "bad.csv" in str(exc.value)
    with pytest.raises(InputError, match="names no column"):
        read_eventlog(path, mapping={"nope": "activity"})


def test_eventlog_bad_timestamps_name_rows(tmp_path):
    rows = ["caso,actividad,fecha"] + [f"1,a,{v}" for v in
                                       ["2024-01-01", "mañana", "2024-01-02", "32/13/2024", "ayer"]]
    path = _write(tmp_path, "ts.csv", "\n".join(rows) + "\n")
    with pytest.raises(InputError) as exc:
        read_eventlog(path)
    msg = str(exc.value)
    assert "3 timestamp(s) cannot be read" in msg and "rows 2, 4, 5" in msg
    assert exc.value.row == 2 and "\n" not in msg


def test_eventlog_empty_key_values_are_skipped_and_reported(tmp_path):
    text = "caso,actividad,fecha\n1,a,2024-01-01\n,b,2024-01-02\n1,c,\n,,\n1,d,2024-01-03\n"
    res = read_eventlog(_write(tmp_path, "gaps.csv", text))
    assert res.tables["events"]["activity"].tolist() == ["a", "d"]
    assert res.tables["events"]["source_row"].tolist() == [1, 5]
    assert [(s["row"], s["reason"]) for s in res.skipped] == [(2, "empty case id"), (3, "empty timestamp")]


def test_eventlog_dayfirst_and_naive_timestamps():
    ts = parse_timestamps(["31/12/2024 14:05", "2024-07-01T08:00:00", "2024-07-01T08:00:00-05:00"])
    assert ts.dt.strftime("%Y-%m-%d %H:%M").tolist() == ["2024-12-31 14:05", "2024-07-01 08:00",
                                                         "2024-07-01 13:00"]


def test_eventlog_xlsx_with_title_rows(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Índice"
    ws.append(["Este libro tiene el registro en la hoja siguiente"])
    ws2 = wb.create_sheet("Registro")
    ws2.append(["Registro de trámites 2024"])
    ws2.append([])
    ws2.append(["Trámite", "Paso", "Fecha", "Canal"])
    ws2.append([101, "Solicitud", pd.Timestamp("2024-05-01 09:00").to_pydatetime(), "web"])
    ws2.append([101, "Pago", "2024-05-02T10:00:00-05:00", "oficina"])
    path = tmp_path / "log.xlsx"
    wb.save(path)
    res = read_eventlog(path)
    ev = res.tables["events"]
    assert ev["case_id"].tolist() == ["101", "101"]
    assert ev["source_row"].tolist() == [4, 5]
    assert ev["timestamp"].dt.strftime("%d %H:%M").tolist() == ["01 09:00", "02 15:00"]
    assert res.layout == "xlsx" and res.skipped[0]["sheet"] == "Índice"


def test_eventlog_parquet(tmp_path):
    df = pd.DataFrame({"case:concept:name": [3, 3], "concept:name": ["x", "y"],
                       "time:timestamp": pd.to_datetime(["2024-01-01 10:00", "2024-01-01 09:00"]),
                       "amount": [1.5, 2.0]})
    path = tmp_path / "log.parquet"
    df.to_parquet(path)
    ev = read_eventlog(path).tables["events"]
    assert ev["case_id"].tolist() == ["3", "3"] and ev["amount"].tolist() == [1.5, 2.0]
    assert ev["timestamp"].dt.strftime("%H:%M").tolist() == ["10:00", "09:00"]  # file order kept


XES = """<?xml version="1.0" encoding="UTF-8"?>
<log xes.version="1.0" xmlns="http://www.xes-standard.org/">
  <global scope="event"><string key="concept:name" value="UNKNOWN"/></global>
  <string key="concept:name" value="the log"/>
  <trace>
    <string key="concept:name" value="c1"/>
    <string key="channel" value="Desk"/>
    <event>
      <string key="concept:name" value="Registrar"/>
      <date key="time:timestamp" value="2024-10-27T02:30:00.000+02:00"/>
      <int key="cost" value="5"/>
      <list key="items"><string key="concept:name" value="nested, ignored"/></list>
    </event>
    <event>
      <string key="concept:name" value="Aprobar"/>
      <date key="time:timestamp" value="2024-10-27T02:30:00.000+01:00"/>
    </event>
  </trace>
  <trace>
    <string key="concept:name" value="c2"/>
    <event>
      <string key="concept:name" value="Registrar"/>
      <date key="time:timestamp" value="2024-10-28T00:00:00"/>
    </event>
  </trace>
</log>
"""


@pytest.mark.parametrize("gz", [False, True])
def test_eventlog_xes(tmp_path, gz):
    path = tmp_path / ("log.xes.gz" if gz else "log.xes")
    path.write_bytes(gzip.compress(XES.encode()) if gz else XES.encode())
    res = read_eventlog(path)
    ev = res.tables["events"]
    assert ev["case_id"].tolist() == ["c1", "c1", "c2"]
    assert ev["activity"].tolist() == ["Registrar", "Aprobar", "Registrar"]
    assert ev["channel"].tolist() == ["Desk", "Desk", None]
    assert ev["timestamp"].dt.strftime("%d %H:%M").tolist() == ["27 00:30", "27 01:30", "28 00:00"]
    assert ev["source_row"].tolist() == [1, 2, 3]
    assert ev["cost"].iloc[0] == 5
    assert res.layout == "xes"


BOMB = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<log><trace><string key="concept:name" value="&lol3;"/><event>
<string key="concept:name" value="a"/><date key="time:timestamp" value="2024-01-01T00:00:00"/>
</event></trace></log>
"""
EXTERNAL = """<?xml version="1.0"?>
<!DOCTYPE log [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<log><trace><string key="concept:name" value="&xxe;"/></trace></log>
"""


@pytest.mark.parametrize("text", [BOMB, EXTERNAL], ids=["entity-bomb", "external-entity"])
def test_eventlog_xes_entities_refused(tmp_path, text):
    path = tmp_path / "evil.xes"
    path.write_text(text)
    with pytest.raises(InputError, match="DTD or entities"):
        read_eventlog(path)


def test_eventlog_gzip_bomb_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("RECORRIDO_MAX_EXPANDED_MB", "1")
    path = tmp_path / "bomb.xes.gz"
    path.write_bytes(gzip.compress(b"<log>" + b" " * (5 * 1024 * 1024) + b"</log>"))
    with pytest.raises(InputError, match="expands past"):
        read_eventlog(path)


def test_eventlog_broken_and_empty_files(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(InputError, match="empty"):
        read_eventlog(empty)
    header_only = _write(tmp_path, "h.csv", "caso,actividad,fecha\n")
    with pytest.raises(InputError, match="no events"):
        read_eventlog(header_only)
    broken = _write(tmp_path, "broken.xes", "<log><trace><event>")
    with pytest.raises(InputError, match="not well-formed"):
        read_eventlog(broken)
    not_gz = _write(tmp_path, "fake.xes.gz", "plain text")
    with pytest.raises(InputError, match="gzip"):
        read_eventlog(not_gz)
    fake_xlsx = _write(tmp_path, "fake.xlsx", "caso,actividad\n")
    with pytest.raises(InputError, match="not a valid Office document"):
        read_eventlog(fake_xlsx)
    with pytest.raises(InputError, match="unknown event-log format"):
        read_eventlog(_write(tmp_path, "log.json", "{}"))


@pytest.mark.slow
def test_eventlog_reads_every_shared_log(shared_data):
    logs = sorted(p for p in (shared_data / "eventlogs").iterdir() if p.suffix in (".csv", ".xes", ".gz"))
    assert logs
    for path in logs:
        res = read_eventlog(path)
        ev = res.tables["events"]
        assert len(ev) > 0 and ev["case_id"].notna().all() and str(ev["timestamp"].dt.tz) == "UTC"
        assert ev["source_row"].tolist() == list(range(1, len(ev) + 1))
    receipt_csv = read_eventlog(shared_data / "eventlogs" / "receipt.csv").tables["events"]
    receipt_xes = read_eventlog(shared_data / "eventlogs" / "08_receipt.xes.gz").tables["events"]
    cols = ["case_id", "activity", "timestamp", "channel", "resource", "lifecycle"]
    key = ["case_id", "timestamp", "activity", "resource"]
    a = receipt_csv[cols].sort_values(key, kind="stable").reset_index(drop=True)
    b = receipt_xes[cols].sort_values(key, kind="stable").reset_index(drop=True)
    pd.testing.assert_frame_equal(a, b, check_dtype=False)


def test_eventlog_numeric_timestamps_excel_serial_and_epoch():
    ts = parse_timestamps([45292.5, 1704067200, "1704067200000"])
    assert ts.dt.strftime("%Y-%m-%d %H:%M").tolist() == ["2024-01-01 12:00", "2024-01-01 00:00",
                                                         "2024-01-01 00:00"]
    with pytest.raises(InputError, match=r"rows 1, 3"):
        parse_timestamps([7, "2024-01-01", 3.5])  # small numbers are no dates


def test_eventlog_csv_title_lines_duplicate_headers_and_out_of_range(tmp_path):
    text = "Registro de trámites\nGenerado 2024\n\ncaso,caso,actividad,fecha\n1,x,a,2024-01-01\n1,y,b,2024-01-02\n"
    ev = read_eventlog(_write(tmp_path, "t.csv", text)).tables["events"]
    assert ev["activity"].tolist() == ["a", "b"] and ev["case_id"].tolist() == ["1", "1"]
    assert ev["caso (2)"].tolist() == ["x", "y"] and ev["source_row"].tolist() == [1, 2]
    bad = _write(tmp_path, "r.csv", "caso,actividad,fecha\n1,a,2024-01-01\n1,b,9999-01-01\n")
    with pytest.raises(InputError, match=r"rows 2;"):
        read_eventlog(bad)


def test_eventlog_parquet_expansion_limit_and_broken(tmp_path, monkeypatch):
    df = pd.DataFrame({"caso": ["1"] * 200_000, "actividad": ["a" * 20] * 200_000,
                       "fecha": pd.to_datetime(["2024-01-01"] * 200_000)})
    path = tmp_path / "big.parquet"
    df.to_parquet(path)
    monkeypatch.setenv("RECORRIDO_MAX_EXPANDED_MB", "0.5")
    with pytest.raises(InputError, match="expands to"):
        read_eventlog(path)
    broken = _write(tmp_path, "broken.parquet", "PAR1 not really")
    with pytest.raises(InputError, match="Parquet file cannot be read"):
        read_eventlog(broken)


def test_eventlog_day_first_unless_the_column_is_month_first():
    es = parse_timestamps(["05/01/2024 10:00", "31/01/2024 09:00"])
    assert es.dt.strftime("%Y-%m-%d").tolist() == ["2024-01-05", "2024-01-31"]
    us = parse_timestamps(["05/01/2024 10:00", "12/31/2024 11:00"])
    assert us.dt.strftime("%Y-%m-%d").tolist() == ["2024-05-01", "2024-12-31"]


def test_eventlog_separate_date_and_time_columns(tmp_path):
    text = "caso;actividad;fecha;hora\n1;a;31/03/2024;09:15\n1;b;2024-03-31;10:00:30\n1;c;01/04/2024;\n"
    ev = read_eventlog(_write(tmp_path, "dt.csv", text)).tables["events"]
    assert ev["timestamp"].dt.strftime("%Y-%m-%d %H:%M:%S").tolist() == [
        "2024-03-31 09:15:00", "2024-03-31 10:00:30", "2024-04-01 00:00:00"]
    assert "hora" not in ev.columns


def test_eventlog_full_timestamps_beside_a_time_column_are_kept():
    from journeys.eventlog import events_from_frame

    raw = pd.DataFrame({"caso": ["1", "1"], "actividad": ["a", "b"],
                        "fecha": ["2024-03-31 09:15", "2024-03-31"], "hora": ["09:15", "10:00"]})
    ev = events_from_frame(raw).tables["events"]
    assert ev["timestamp"].dt.strftime("%H:%M").tolist() == ["09:15", "10:00"]


def test_eventlog_gzipped_csv(tmp_path):
    path = tmp_path / "log.csv.gz"
    path.write_bytes(gzip.compress(ES_CSV.encode("utf-8")))
    ev = read_eventlog(path).tables["events"]
    assert ev["case_id"].tolist() == ["EXP-1", "EXP-1", "EXP-2"]


def test_eventlog_out_of_range_years_named_without_warnings():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # pandas' dayfirst UserWarning must not escape
        with pytest.raises(InputError, match=r"year outside 1678–2261 \(rows 1, 2;") as info:
            parse_timestamps(["0001-01-01", "9999-12-31 23:59:59", "2024-01-01"], file="y.csv")
    assert "placeholder" in str(info.value) and "\n" not in str(info.value)
    with pytest.raises(InputError, match=r"cannot be read .*rows 2;"):
        parse_timestamps(["0001-01-01", "ayer"], file="y.csv")
