"""How fast the workshop app feels in a real headless browser (Debian's Chromium + Playwright).

For the demo project and for a project ten times larger (demo interviews, participants, pain
points and event-log cases copied ten times), against a real ``streamlit run app.py``:

* open → journey map drawn, cold (first visitor after the server starts: the report is computed);
* open → journey map drawn, warm (a second browser: the cached report is reused);
* page switch journey → priorities (ranked backlog shown) and back to the journey map.

Run: ``.venv/bin/python bench/app_speed.py`` (about two minutes). Prints one table; the ratio
column compares the larger project with the demo measured in the same run.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CHROMIUM = os.environ.get("RECORRIDO_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
CHART = '[data-testid="stMain"] [data-testid="stImage"] img'  # the journey map, drawn
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'


def build_database(path: Path) -> None:
    """The demo project, plus ``demo-x10``: every table but the steps copied ten times."""
    from research.demo import ensure_demo
    from research.repository import Repository
    from research.result import ImportResult

    repo = Repository(f"sqlite:///{path}")
    ensure_demo(repo)
    t = repo.tables("demo")
    big = {}
    for name, key in (("utterances", ("interview_id", "participant_id")), ("participants", ("participant_id",)),
                      ("events", ("case_id",)), ("pain_points", ("interview_id", "participant_id")),
                      ("narrated", ("interview_id", "participant_id"))):
        copies = []
        for i in range(10):
            df = t[name].copy()
            for col in key:
                df[col] = df[col].astype("string") + f"-{i}"
            if "source_file" in df.columns:
                df["source_file"] = df["source_file"].astype("string") + f"-{i}"
            copies.append(df)
        big[name] = pd.concat(copies, ignore_index=True)
    for name, kind in (("steps", "steps"), ("utterances", "transcripts"), ("participants", "participants"),
                       ("events", "eventlog")):
        df = t["steps"] if name == "steps" else big[name]
        df = df.drop(columns=[c for c in ("id", "project") if c in df.columns])
        repo.import_result("demo-x10", ImportResult(f"{name}.x10", kind, "bench", {name: df}), f"x10-{name}")
    repo.save_suggestions("demo-x10", big["pain_points"].drop(columns=["id"]))
    repo.save_narrated("demo-x10", big["narrated"].drop(columns=[c for c in ("id",) if c in big["narrated"]]))
    sizes = {p: {k: len(v) for k, v in repo.tables(p).items()} for p in ("demo", "demo-x10")}
    repo.close()
    print("project sizes:", sizes)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(db: Path, log: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}"}
    with open(log, "wb") as fh:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true", "--server.port",
             str(port), "--server.address", "127.0.0.1", "--server.fileWatcherType", "none",
             "--browser.gatherUsageStats", "false"],
            cwd=ROOT, stdout=fh, stderr=subprocess.STDOUT, start_new_session=True, env=env)
    url = f"http://127.0.0.1:{port}"
    for _ in range(400):
        if proc.poll() is not None:
            raise SystemExit(log.read_text())
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
                if r.read().strip() == b"ok":
                    return proc, url
        except OSError:
            time.sleep(0.25)
    raise SystemExit("server did not start")


def stop(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)


def idle(page) -> None:
    page.wait_for_timeout(100)
    page.locator(IDLE).wait_for(timeout=600_000)


def open_journey(browser, url: str, project: str) -> tuple[float, object]:
    """Seconds from opening the app (Project page, then the project chosen) to the map drawn."""
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    ctx.set_default_timeout(600_000)
    page = ctx.new_page()
    t0 = time.perf_counter()
    page.goto(url + "/")
    page.get_by_test_id("stSidebarNav").wait_for()
    if project != "demo":  # open the project on the Project page, as a user would
        idle(page)
        box = page.get_by_test_id("stSelectbox").first
        box.locator("input").click()
        box.locator("input").fill(project)
        page.keyboard.press("Enter")
        idle(page)
        page.get_by_test_id("stBaseButton-primary").filter(has_text="Open").click()
        idle(page)
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Journey map").click()
    page.locator(CHART).first.wait_for()
    return time.perf_counter() - t0, ctx


def switch(page, link: str, ready: str) -> float:
    t0 = time.perf_counter()
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=link).click()
    page.locator(ready).first.wait_for()
    idle(page)
    return time.perf_counter() - t0


def main() -> None:
    from playwright.sync_api import sync_playwright

    work = Path(tempfile.mkdtemp(prefix="recorrido-bench-"))
    base = work / "base.db"
    t0 = time.perf_counter()
    build_database(base)
    print(f"databases built in {time.perf_counter() - t0:.1f} s")
    rows = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for project in ("demo", "demo-x10"):
            db = work / f"{project}.db"
            shutil.copy(base, db)  # a fresh server per project: the first visit is really cold
            proc, url = start_server(db, work / f"{project}.log")
            try:
                cold, ctx = open_journey(browser, url, project)
                ctx.close()
                warm, ctx = open_journey(browser, url, project)
                page = ctx.pages[0]
                idle(page)
                to_prio = switch(page, "Priorities", '[data-testid="stDataFrame"]')
                back = switch(page, "Journey map", CHART)
                ctx.close()
            finally:
                stop(proc)
            rows.append({"project": project, "open→map cold (s)": cold, "open→map warm (s)": warm,
                         "switch→priorities (s)": to_prio, "switch→journey (s)": back})
        browser.close()
    table = pd.DataFrame(rows).set_index("project")
    table.loc["ratio x10/demo"] = table.loc["demo-x10"] / table.loc["demo"]
    with pd.option_context("display.float_format", "{:.2f}".format, "display.width", 200,
                           "display.max_columns", None):
        print(table)
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
