"""A fork server for the hostile-file tests: import ``cli`` once, run each command in a fork.

Reads one JSON request per line on stdin (``{"argv": [...], "cwd": ..., "timeout": s, "dir": ...}``)
and answers one JSON line: exit code, wall seconds, peak RSS (MB) of that command, whether it
timed out or died of a signal, and the paths of its stdout/stderr files. Each command runs
in a forked child with its own file descriptors 0/1/2, so it behaves like ``python cli.py ...``
without paying the interpreter and pandas start-up for every one of the ~200 runs. A child
that outlives its timeout is killed (the hang detector); its address space is capped so a
memory bomb fails instead of exhausting the shared machine.
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import signal
import sys
import time
import traceback

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
cli = None  # imported by _prepare(), only when run as the server (pytest's doctest collection imports this file)


def _prepare() -> None:
    global cli
    sys.path.insert(0, ROOT)
    os.chdir(ROOT)
    os.environ["RECORRIDO_DEBUG"] = "1"  # an internal fault prints its traceback: the tests look for it
    import cli as _cli

    cli = _cli
    cli.build_parser()  # imports every command module once, before forking
    for module in ("research.repository", "research.readers", "journeys.eventlog", "journeys.discovery",
                   "journeys.steps", "sqlalchemy.dialects.sqlite", "alembic.command", "openpyxl", "docx",
                   "pyarrow.parquet"):
        with contextlib.suppress(ImportError):  # lazily imported by the commands: paid once, not per fork
            __import__(module)


ADDRESS_SPACE_CAP = int(os.environ.get("HOSTILE_AS_CAP_MB", "6144")) * 1024 * 1024


def _child(req: dict) -> None:
    try:
        null = os.open(os.devnull, os.O_RDONLY)
        out = os.open(req["stdout"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        err = os.open(req["stderr"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        os.dup2(null, 0)
        os.dup2(out, 1)
        os.dup2(err, 2)
        resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE_CAP, ADDRESS_SPACE_CAP))
        os.chdir(req.get("cwd") or ROOT)
        os.environ.update(req.get("env") or {})
        rc = cli.main(req["argv"])
    except SystemExit as exc:
        rc = exc.code if isinstance(exc.code, int) else 1
    except BaseException:  # noqa: BLE001 - anything escaping cli.main is a finding
        traceback.print_exc()
        rc = 99
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    finally:
        os._exit(int(rc or 0))


def main() -> None:
    _prepare()
    for line in sys.stdin:
        req = json.loads(line)
        sys.stdout.flush()
        sys.stderr.flush()
        t0 = time.monotonic()
        pid = os.fork()
        if pid == 0:
            _child(req)
        deadline = t0 + float(req.get("timeout", 60))
        timed_out = False
        while True:
            done, status, usage = os.wait4(pid, os.WNOHANG)
            if done:
                break
            if time.monotonic() > deadline:
                os.kill(pid, signal.SIGKILL)
                _, status, usage = os.wait4(pid, 0)
                timed_out = True
                break
            time.sleep(0.01)
        seconds = time.monotonic() - t0
        sig = os.WTERMSIG(status) if os.WIFSIGNALED(status) else None
        rc = os.WEXITSTATUS(status) if os.WIFEXITED(status) else None
        print(json.dumps({"rc": rc, "signal": sig, "timed_out": timed_out, "seconds": round(seconds, 3),
                          "maxrss_mb": round(usage.ru_maxrss / 1024, 1),
                          "stdout": req["stdout"], "stderr": req["stderr"]}), flush=True)


if __name__ == "__main__":
    main()
