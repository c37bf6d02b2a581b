"""``python cli.py discover``: the JSON contract, touchpoints, column options and one-line errors."""

from __future__ import annotations

import json

import pytest

CSV = (
    "expediente,actividad,fecha,canal\n"
    "2,Solicitud,2024-03-01T09:00:00-05:00,web\n"
    "1,Solicitud,2024-03-01T08:00:00-05:00,web\n"
    "1,Pago,2024-03-01T09:00:00-05:00,oficina\n"
    "2,Pago,2024-03-01T12:00:00-05:00,web\n"
    "1,Cierre,2024-03-01T09:00:00-05:00,oficina\n"
)
KEYS = ["cases", "events", "activities", "start_activities", "end_activities", "edges", "variants",
        "case_durations"]
EDGE_KEYS = ["source", "target", "count", "mean_seconds", "median_seconds", "min_seconds", "max_seconds",
             "sum_seconds", "stdev_seconds"]


@pytest.fixture
def log_csv(tmp_path):
    p = tmp_path / "log.csv"
    p.write_text(CSV, encoding="utf-8")
    return p


def test_cli_discover_json_contract(run_cli, log_csv):
    proc = run_cli("discover", log_csv, "--format", "json")
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert list(out) == KEYS
    assert (out["cases"], out["events"]) == (2, 5)
    assert out["activities"] == ["Cierre", "Pago", "Solicitud"]
    assert out["start_activities"] == {"Solicitud": 2}
    assert out["end_activities"] == {"Cierre": 1, "Pago": 1}
    edges = {(e["source"], e["target"]): e for e in out["edges"]}
    assert all(list(e) == EDGE_KEYS for e in out["edges"])
    sp = edges[("Solicitud", "Pago")]
    assert sp["count"] == 2 and sp["min_seconds"] == 3600 and sp["max_seconds"] == 3 * 3600
    assert sp["stdev_seconds"] == pytest.approx(7200 / 2 ** 0.5)  # sample stdev of 1 h and 3 h
    assert edges[("Pago", "Cierre")]["stdev_seconds"] is None  # seen once
    assert out["variants"][0]["count"] == 1 and len(out["variants"]) == 2
    assert out["case_durations"] == {"mean_seconds": 7200.0, "median_seconds": 7200.0,
                                     "min_seconds": 3600.0, "max_seconds": 10800.0}


def test_cli_discover_channel_touchpoints_and_out(run_cli, log_csv, tmp_path):
    target = tmp_path / "out.json"
    proc = run_cli("discover", log_csv, "--channel", "--out", target)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(target.read_text(encoding="utf-8"))
    assert out["activities"] == ["Cierre @ oficina", "Pago @ oficina", "Pago @ web", "Solicitud @ web"]
    assert out["start_activities"] == {"Solicitud @ web": 2}


def test_cli_discover_column_options(run_cli, tmp_path):
    p = tmp_path / "odd.csv"
    p.write_text("ref,what,when,via\nA,x,2024-01-01 10:00,web\nA,y,2024-01-01 10:30,app\n", encoding="utf-8")
    proc = run_cli("discover", p, "--case", "ref", "--activity", "what", "--timestamp", "when",
                   "--channel", "via")
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["edges"][0]["source"] == "x @ web" and out["edges"][0]["mean_seconds"] == 1800.0


@pytest.mark.parametrize("content,args,expected", [
    ("caso,fecha\n1,2024-01-01\n", (), "no activity column"),
    ("caso,actividad,fecha\n1,a,ayer\n", (), "timestamp(s) cannot be read"),
    ("caso,actividad,fecha\n1,a,2024-01-01\n", ("--case", "missing"), "names no column"),
    ("caso,actividad,fecha\n1,a,2024-01-01\n", ("--channel",), "no channel values"),
])
def test_cli_discover_bad_input_one_line_exit_2(run_cli, tmp_path, content, args, expected):
    p = tmp_path / "bad.csv"
    p.write_text(content, encoding="utf-8")
    proc = run_cli("discover", p, *args)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: bad.csv") and expected in lines[0]
    assert "Traceback" not in proc.stderr


def test_cli_discover_missing_file(run_cli, tmp_path):
    proc = run_cli("discover", tmp_path / "nope.xes")
    assert proc.returncode == 2 and "file not found" in proc.stderr


@pytest.mark.slow
def test_cli_discover_shared_log_matches_library(run_cli, shared_data):
    from journeys.discovery import discover
    from journeys.eventlog import read_eventlog

    path = shared_data / "eventlogs" / "roadtraffic100traces.xes"
    proc = run_cli("discover", path)
    assert proc.returncode == 0, proc.stderr
    expected = json.loads(json.dumps(discover(read_eventlog(path).tables["events"])))
    assert json.loads(proc.stdout) == expected
