"""``python cli.py journey``: files, project, json/xlsx, one-line errors, real logs."""

import json

import pytest
from journey_toy import toy_events, toy_narrated, toy_pain_points, toy_participants, toy_steps
from openpyxl import Workbook, load_workbook

import cli


@pytest.fixture
def files(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.title = "Licence"
    steps = toy_steps()
    ws.append(list(steps.columns))
    for row in steps.itertuples(index=False):
        ws.append(list(row))
    wb.save(tmp_path / "steps.xlsx")
    ev = toy_events()
    ev.loc[ev.activity == "Fax the form", "activity"] = "=HYPERLINK(\"http://x\")"
    ev.to_csv(tmp_path / "events.csv", index=False)
    with open(tmp_path / "pains.jsonl", "w", encoding="utf-8") as fh:
        for r in toy_pain_points().to_dict("records"):
            rec = {("file" if k == "source_file" else k): v for k, v in r.items()}
            fh.write(json.dumps(rec) + "\n")
        fh.write(json.dumps({"sentence": "All good", "is_pain": False, "category": None}) + "\n")
    toy_narrated().to_csv(tmp_path / "narrated.csv", index=False)
    toy_participants().to_csv(tmp_path / "participants.csv", index=False)
    return tmp_path


def _run(capsys, *args):
    code = cli.main(["journey", *map(str, args)])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_journey_json_from_files(files, capsys):
    code, out, err = _run(capsys, "--steps", files / "steps.xlsx", "--log", files / "events.csv",
                          "--painpoints", files / "pains.jsonl", "--narrated", files / "narrated.csv",
                          "--participants", files / "participants.csv", "--format", "json")
    assert code == 0, err
    r = json.loads(out)
    assert (r["summary"]["cases"], r["summary"]["pain_points"], r["summary"]["interviews"]) == (4, 5, 2)
    assert r["failure_demand"]["observed"]["failure_demand"] == 2
    assert r["unmapped"]["activities"] == {"=HYPERLINK(\"http://x\")": 1}
    assert r["priorities"]["steps"][0]["rank"] == 1


def test_cli_journey_xlsx_one_sheet_per_section_and_neutralised(files, capsys, tmp_path):
    out = tmp_path / "report.xlsx"
    code, _, err = _run(capsys, "--steps", files / "steps.xlsx", "--log", files / "events.csv",
                        "--format", "xlsx", "--out", out)
    assert code == 0, err
    wb = load_workbook(out)
    assert {"summary", "priorities", "touchpoints", "edges", "channel_switches", "failure_demand", "handoffs",
            "once_only", "critical_path", "conformance", "evidence", "unmapped"} <= set(wb.sheetnames)
    names = [c.value for c in wb["unmapped"]["B"]]
    assert names[1] == "'=HYPERLINK(\"http://x\")"
    header = [c.value for c in wb["priorities"][1]]
    assert header[:3] == ["rank", "id", "step_id"] and wb["priorities"].max_row == 4


def test_cli_journey_log_alone_infers_steps(files, capsys):
    code, out, err = _run(capsys, "--log", files / "events.csv")
    assert code == 0, err
    r = json.loads(out)
    assert r["summary"]["designed"] is False and r["summary"]["events"] == 12


def test_cli_journey_segment(files, capsys):
    code, out, _ = _run(capsys, "--steps", files / "steps.xlsx", "--narrated", files / "narrated.csv",
                        "--participants", files / "participants.csv", "--segment", "citizen")
    assert code == 0
    assert json.loads(out)["summary"]["interviews"] == 1


@pytest.mark.parametrize("args, message", [
    (["--weights", "reach=2,speed=1"], "error: --weights: unknown weight 'speed'"),
    (["--weights", "reach"], "is not name=value"),
    (["--segment", "visitor", "--participants", "participants.csv"], "unknown segment 'visitor'"),
    (["--painpoints", "bad.jsonl"], "bad.jsonl, row 2: not valid JSON"),
])
def test_cli_journey_bad_input_is_one_line_exit_2(files, capsys, args, message):
    (files / "bad.jsonl").write_text('{"sentence": "ok", "category": "cost"}\n{oops\n', encoding="utf-8")
    args = [str(files / a) if a.endswith((".csv", ".jsonl")) else a for a in args]
    code, out, err = _run(capsys, "--steps", files / "steps.xlsx", *args)
    assert code == 2 and out == ""
    assert message in err and err.count("\n") == 1 and "Traceback" not in err


@pytest.mark.parametrize("args, message", [
    ([], "nothing to analyse"),
    (["--project", "x", "--log", "events.csv"], "cannot be combined"),
])
def test_cli_journey_needs_one_kind_of_input(capsys, args, message):
    code, _, err = _run(capsys, *args)
    assert code == 2 and message in err


def test_cli_journey_project_from_the_repository(files, capsys, tmp_path):
    from journeys.eventlog import read_eventlog
    from journeys.steps import read_steps
    from research.repository import Repository

    url = f"sqlite:///{tmp_path / 'r.db'}"
    repo = Repository(url)
    repo.import_result("licence", read_steps(files / "steps.xlsx"), "h-steps")
    repo.import_result("licence", read_eventlog(files / "events.csv"), "h-events")
    repo.close()
    code, out, err = _run(capsys, "--project", "licence", "--db", url)
    assert code == 0, err
    r = json.loads(out)
    assert r["summary"]["cases"] == 4 and r["critical_path"]["steps"] == ["S1", "S2", "S3"]


def test_cli_journey_demo_files(root, run_cli):
    steps, log = root / "data/demo/steps.xlsx", root / "data/demo/events.csv"
    if not steps.exists():
        pytest.fail("data/demo/steps.xlsx is part of the repository")
    p = run_cli("journey", "--steps", steps, "--log", log, "--format", "json")
    assert p.returncode == 0, p.stderr
    r = json.loads(p.stdout)
    assert r["summary"]["designed"] and r["summary"]["cases"] > 0
    assert r["unmapped"]["activities"] == {}
    assert r["conformance"]["steps"]["observed"]["fitness"] > 0.5


def test_cli_journey_public_log_alone_and_with_a_partial_steps_sheet(shared_data, capsys, tmp_path):
    log = shared_data / "eventlogs" / "roadtraffic100traces.xes"
    code, out, err = _run(capsys, "--log", log)
    assert code == 0, err
    alone = json.loads(out)
    assert alone["summary"]["events"] == 390 and alone["summary"]["steps"] == 10
    # a steps sheet written by hand: names in other case, one activity left out
    acts = [s["step_id"] for s in alone["steps"]]
    kept, dropped = acts[:-1], acts[-1]
    lines = ["step_id,step,order"] + [f"T{i},{a.upper()},{i}" for i, a in enumerate(kept, start=1)]
    (tmp_path / "rt_steps.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out, err = _run(capsys, "--steps", tmp_path / "rt_steps.csv", "--log", log)
    assert code == 0, err
    r = json.loads(out)
    assert list(r["unmapped"]["activities"]) == [dropped]
    assert r["summary"]["events"] == 390 - r["unmapped"]["activities"][dropped]
    assert r["conformance"]["steps"]["observed"]["counts"]["transitions"] > 0


@pytest.mark.slow
def test_cli_journey_demo_project(run_cli, tmp_path):
    p = run_cli("journey", "--project", "demo", "--db", f"sqlite:///{tmp_path / 'demo.db'}", "--segment", "citizen",
                timeout=600)
    assert p.returncode == 0, p.stderr
    r = json.loads(p.stdout)
    assert r["segment"] == "citizen" and r["summary"]["steps"] > 0
    assert r["summary"]["cases"] > 0 and r["summary"]["interviews"] > 0
    assert "citizen" in r["segments"] and r["priorities"]["steps"][0]["rank"] == 1
