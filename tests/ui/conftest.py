"""Fixtures of the app tests: a private database per test, AppTest on the entrypoint, a real server."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
PAGES = {"project": "project.py", "import": "import_page.py", "evidence": "evidence.py",
         "journey": "journey.py", "priorities": "priorities.py", "export": "export.py"}
TITLES = {"project": "project_title", "import": "import_title", "evidence": "evidence_title",
          "journey": "journey_title", "priorities": "priorities_title", "export": "export_title"}


@pytest.fixture(scope="session")
def demo_db_file(tmp_path_factory) -> Path:
    """A SQLite file with the demo project loaded once per test session (copied per test)."""
    path = tmp_path_factory.mktemp("demo-db") / "demo.db"
    from research.demo import ensure_demo
    from research.repository import Repository

    repo = Repository(f"sqlite:///{path}")
    ensure_demo(repo)
    repo.close()
    return path


@pytest.fixture
def db_url(tmp_path, monkeypatch, demo_db_file) -> str:
    """``DATABASE_URL`` of a private SQLite database (the demo already in it), set in the env."""
    path = tmp_path / "x.db"
    if demo_db_file is not None and demo_db_file.exists():
        shutil.copy(demo_db_file, path)
    url = f"sqlite:///{path}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("RECORRIDO_WARMUP", "0")  # no background work racing the test's own runs
    return url


@pytest.fixture
def open_app(db_url):
    """``open_app(page, lang)``: an AppTest started at the entrypoint and switched to ``page``."""
    from streamlit.testing.v1 import AppTest

    def _open(page: str = "project", lang: str = "en", **state):
        at = AppTest.from_file(APP, default_timeout=60)
        at.session_state["lang"] = lang
        for k, v in state.items():
            at.session_state[k] = v
        at.run()
        assert not at.exception, at.exception
        if page != "project":
            at.switch_page(f"ui/pages/{PAGES[page]}").run()
        assert not at.exception, at.exception
        return at

    return _open


# -- a real `streamlit run` --------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _port_is_free(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


def _wait_healthy(url: str, proc: subprocess.Popen, log: Path, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"streamlit exited early (rc={proc.returncode}):\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.read().decode().strip() == "ok":
                    return
        except OSError:
            pass
        time.sleep(0.25)
    pytest.fail(f"streamlit not healthy after {timeout}s:\n{log.read_text()[-3000:]}")


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(10)


@pytest.fixture(scope="session")
def streamlit_server(tmp_path_factory, demo_db_file):
    """A real ``streamlit run app.py`` on a free port with its own database; yields the base URL.

    The log must hold no Traceback at the end, and the port must be free again."""
    port = int(os.environ.get("RECORRIDO_TEST_PORT") or _free_port())
    if not _port_is_free(port):
        pytest.fail(f"port {port} is in use: stop the stale server first")
    folder = tmp_path_factory.mktemp("server")
    db = folder / "server.db"
    if demo_db_file is not None and demo_db_file.exists():
        shutil.copy(demo_db_file, db)
    log = folder / "streamlit.log"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}", "PYTHONUNBUFFERED": "1"}
    with open(log, "wb") as fh:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
             "--server.port", str(port), "--server.address", "127.0.0.1", "--server.fileWatcherType", "none",
             "--browser.gatherUsageStats", "false", "--server.enableAgentApi", "true"],
            cwd=ROOT, stdout=fh, stderr=subprocess.STDOUT, start_new_session=True, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(base + "/_stcore/health", proc, log)
        yield type("Server", (), {"url": base, "log": log, "db": db, "proc": proc})
    finally:
        _stop(proc)
        text = log.read_text(errors="replace")
        assert "Traceback" not in text, text[-4000:]
        assert _port_is_free(port), f"port {port} still in use after stopping the server"


# -- a tiny workshop project, built by hand ---------------------------------------------------

TURNS = [  # (interview, participant, speaker, role, text)
    ("E1", "P1", "Entrevistadora", "interviewer", "¿Cómo fue el registro?"),
    ("E1", "P1", "Ana Pérez", "participant", "La página web se cayó dos veces. Llamé al 6123-4567 y nadie contestó."),
    ("E2", "P2", "Interviewer", "interviewer", "How was registering?"),
    ("E2", "P2", "Bob", "participant", "The website crashed *twice* and [nobody](http://x) answered."),
    ("E3", "P3", "Luis", "participant", "La web no cargaba. Esperé un mes para recoger el permiso."),
]
PAINS = [  # (utterance index, words, category, severity, step)
    (1, "La página web se cayó dos veces.", "channel_failure", 0.3, "S1"),
    (3, "The website crashed *twice*", "channel_failure", 0.3, "S1"),
    (4, "La web no cargaba.", "channel_failure", 0.3, "S1"),
    (4, "Esperé un mes para recoger el permiso.", "waiting", 0.9, "S3"),
]


def build_workshop_project(url: str, name: str = "taller") -> str:
    """Create project ``name``: 3 steps on 3 channels, 3 interviews, 3 participants, 4 suggestions."""
    import pandas as pd

    from research.repository import Repository
    from research.result import ImportResult

    repo = Repository(url)
    steps = pd.DataFrame({"journey": ["registro"] * 3, "step_id": ["S1", "S2", "S3"],
                          "step": ["Register online", "Call the help line", "Collect the permit"],
                          "stage": ["Apply", "Apply", "Receive"], "channel": ["web", "phone", "office"],
                          "lane": ["customer"] * 3, "agency": ["Registry", "Registry", "Municipality"],
                          "order": [1, 2, 3], "median_wait_days": [1.0, 2.0, 30.0]})
    utt = pd.DataFrame([{"interview_id": i, "participant_id": p, "speaker": s, "speaker_role": r, "seq": n + 1,
                         "text": x, "lang": "en" if i == "E2" else "es", "source_file": f"{i}.txt",
                         "source_row": n + 1} for n, (i, p, s, r, x) in enumerate(TURNS)])
    part = pd.DataFrame({"participant_id": ["P1", "P2", "P3"], "segment": ["citizen", "business", "citizen"]})
    repo.import_result(name, ImportResult("steps.csv", "steps", "csv", {"steps": steps}), "h-steps")
    repo.import_result(name, ImportResult("t.txt", "transcripts", "txt", {"utterances": utt}), "h-utt")
    repo.import_result(name, ImportResult("p.csv", "participants", "csv", {"participants": part}), "h-part")
    rows = []
    for ui, words, cat, sev, step in PAINS:
        row = utt.iloc[ui]
        start = row["text"].index(words)
        rows.append({"interview_id": row["interview_id"], "participant_id": row["participant_id"],
                     "source_file": row["source_file"], "source_row": int(row["source_row"]), "sentence": words,
                     "start": start, "end": start + len(words), "category": cat, "severity": sev,
                     "step_id": step, "channel": None, "lang": row["lang"], "cues": ""})
    repo.save_suggestions(name, pd.DataFrame(rows))
    repo.close()
    return name


@pytest.fixture
def workshop(db_url) -> str:
    """The tiny workshop project in this test's database; returns its name."""
    return build_workshop_project(db_url)


# -- a real headless Chromium (Debian's /usr/bin/chromium, driven by Playwright) --------------

CHROMIUM = os.environ.get("RECORRIDO_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SHOTS = ROOT / "shots"


@pytest.fixture(scope="session")
def browser():
    """Chromium for the end-to-end tests; skipped when missing, unless RECORRIDO_REQUIRE_E2E=1."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("RECORRIDO_REQUIRE_E2E") == "1":
            pytest.fail(f"{CHROMIUM} is missing and RECORRIDO_REQUIRE_E2E=1 (apt-get install chromium)")
        pytest.skip(f"{CHROMIUM} is not installed")
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=60_000)
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def new_page(browser, streamlit_server):
    """``new_page()``: a fresh browser context (its own Streamlit session) on the app's first page.
    Uncaught JS errors are collected in ``page.js_errors`` and must stay empty."""
    contexts = []

    def _new(lang: str | None = None):
        ctx = browser.new_context(accept_downloads=True, viewport={"width": 1400, "height": 1000})
        ctx.set_default_timeout(90_000)
        contexts.append(ctx)
        page = ctx.new_page()
        page.js_errors = []
        page.on("pageerror", lambda exc: page.js_errors.append(str(exc)))
        page.goto(streamlit_server.url + "/")
        page.get_by_test_id("stSidebarNav").wait_for()
        return page

    yield _new
    errors = [e for c in contexts for p in c.pages for e in p.js_errors]
    for ctx in contexts:
        ctx.close()
    assert errors == [], errors
