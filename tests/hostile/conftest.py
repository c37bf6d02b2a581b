"""Fixtures of the hostile-file tests: the fork server, the generated corpus, a seeded database."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(HERE))

import corpus  # noqa: E402


@dataclass
class Result:
    """What one command did: exit code, wall seconds, peak memory, streams."""

    argv: list
    rc: int | None
    signal: int | None
    timed_out: bool
    seconds: float
    maxrss_mb: float
    stdout: str
    stderr: str


class ForkServer:
    """Client of tests/hostile/_forkserver.py (one process for the session, one fork per command)."""

    def __init__(self, workdir: Path):
        self.workdir = workdir
        self.count = 0
        self.lock = threading.Lock()
        self.proc = subprocess.Popen([sys.executable, str(HERE / "_forkserver.py")], cwd=ROOT, text=True,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE)

    def run(self, argv: list[str], timeout: float = 60.0, cwd: Path | None = None) -> Result:
        with self.lock:
            self.count += 1
            out, err = self.workdir / f"{self.count}.out", self.workdir / f"{self.count}.err"
            req = {"argv": argv, "timeout": timeout, "cwd": str(cwd or ROOT), "stdout": str(out), "stderr": str(err)}
            self.proc.stdin.write(json.dumps(req) + "\n")
            self.proc.stdin.flush()
            line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError("the fork server died")
        ans = json.loads(line)
        res = Result(argv, ans["rc"], ans["signal"], ans["timed_out"], ans["seconds"], ans["maxrss_mb"],
                     out.read_bytes().decode("utf-8", "replace"), err.read_bytes().decode("utf-8", "replace"))
        out.unlink(missing_ok=True)
        err.unlink(missing_ok=True)
        log = os.environ.get("HOSTILE_LOG")
        if log:
            with open(log, "a", encoding="utf-8") as fh:
                fh.write(json.dumps({"argv": argv, "rc": res.rc, "signal": res.signal, "timed_out": res.timed_out,
                                     "seconds": res.seconds, "maxrss_mb": res.maxrss_mb,
                                     "stderr_tail": res.stderr.strip().splitlines()[-3:]}, ensure_ascii=False) + "\n")
        return res

    def close(self):
        self.proc.stdin.close()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:  # pragma: no cover
            self.proc.kill()
            self.proc.wait()


@pytest.fixture(scope="session")
def forkserver(tmp_path_factory):
    server = ForkServer(tmp_path_factory.mktemp("forkserver_io"))
    yield server
    server.close()


class Corpus:
    """Builds each case's file once per session, in its own folder."""

    def __init__(self, base: Path):
        self.base = base
        self.built: dict[str, str] = {}

    def path(self, case: corpus.Case) -> str:
        if case.name not in self.built:
            folder = self.base / case.name
            folder.mkdir(parents=True, exist_ok=True)
            target = folder / case.filename
            returned = case.build(target)
            self.built[case.name] = returned if isinstance(returned, str) else str(target)
        return self.built[case.name]


@pytest.fixture(scope="session")
def hostile_corpus(tmp_path_factory):
    return Corpus(tmp_path_factory.mktemp("hostile_corpus"))


@pytest.fixture(scope="session")
def seeded_db(tmp_path_factory, forkserver):
    """A repository holding one imported transcript (default project); copy it per test."""
    d = tmp_path_factory.mktemp("seed")
    src = d / "seed_interview.csv"
    # different content from every corpus file, so no corpus import is a mere "already imported"
    src.write_text("Interview,Speaker,Text\nS1,Interviewer,How was it?\nS1,Bea,Slow, I went back twice.\n",
                   encoding="utf-8")
    db = d / "seed.db"
    res = forkserver.run(["import", str(src), "--db", f"sqlite:///{db}"])
    assert res.rc == 0, res.stderr
    return db


@pytest.fixture
def fresh_db(seeded_db, tmp_path):
    db = tmp_path / "x.db"
    shutil.copy(seeded_db, db)
    return db


@pytest.fixture(scope="session")
def valid_steps(tmp_path_factory) -> Path:
    """A small valid steps sheet, for commands that need one beside the hostile file."""
    p = tmp_path_factory.mktemp("steps") / "valid_steps.csv"
    p.write_text(corpus.VALID_STEPS_CSV, encoding="utf-8")
    return p
