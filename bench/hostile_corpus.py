"""Run the hostile-file corpus (tests/hostile/corpus.py) and print one row per file and command.

Columns: case, command, exit code, wall seconds, peak memory (MB), stderr line count and the
last line of stderr (the `error:` line; a traceback, when there is one, comes before it).
Commands run through the same fork server as the tests (cli imported once, one fork per
command, 60 s hang detector); ``--real`` runs each one as ``python cli.py ...`` instead, to see
the start-up cost a user pays. ``-k TEXT`` keeps the cases whose name contains TEXT.

Run: ``.venv/bin/python bench/hostile_corpus.py [-k TEXT] [--real]`` (about two and a half
minutes for the whole corpus with the fork server).
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = ROOT / "tests" / "hostile"
sys.path.insert(0, str(HOSTILE))

import corpus  # noqa: E402


def _argv(case, command, path, db, steps):
    argv = []
    for token in corpus.COMMANDS[command]:
        if token == "{kind}":
            argv += ["--kind", case.kind] if case.kind else []
            continue
        argv.append(token.replace("{f}", path).replace("{db}", f"sqlite:///{db}").replace("{steps}", steps))
    return argv


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-k", default="", help="only cases whose name contains this")
    ap.add_argument("--real", action="store_true", help="one `python cli.py` process per command")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="hostile_bench_"))
    server = None
    if not args.real:
        server = subprocess.Popen([sys.executable, str(HOSTILE / "_forkserver.py")], cwd=ROOT, text=True,
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    steps = work / "valid_steps.csv"
    steps.write_text(corpus.VALID_STEPS_CSV, encoding="utf-8")
    rows, n = [], 0
    try:
        for case in corpus.CASES:
            if args.k not in case.name:
                continue
            folder = work / case.name
            folder.mkdir()
            built = case.build(folder / case.filename)
            path = built if isinstance(built, str) else str(folder / case.filename)
            for command in case.commands:
                n += 1
                db = folder / f"{command}.db"
                argv = _argv(case, command, path, db, str(steps))
                out, err = work / f"{n}.out", work / f"{n}.err"
                if server:
                    server.stdin.write(json.dumps({"argv": argv, "timeout": case.timeout, "cwd": str(ROOT),
                                                   "stdout": str(out), "stderr": str(err)}) + "\n")
                    server.stdin.flush()
                    ans = json.loads(server.stdout.readline())
                    rc = "hang" if ans["timed_out"] else ans["rc"] if ans["signal"] is None else f"sig{ans['signal']}"
                    secs, mem = ans["seconds"], ans["maxrss_mb"]
                else:
                    t0 = time.monotonic()
                    with out.open("wb") as o, err.open("wb") as e:
                        try:
                            p = subprocess.run([sys.executable, str(ROOT / "cli.py"), *argv], cwd=ROOT, stdout=o,
                                               stderr=e, timeout=case.timeout)
                            rc = p.returncode
                        except subprocess.TimeoutExpired:
                            rc = "hang"
                    secs = round(time.monotonic() - t0, 3)
                    mem = round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1)  # running max
                lines = err.read_bytes().decode("utf-8", "replace").strip().splitlines()
                first = lines[-1] if lines else ""
                flag = "" if rc in (0, 2) and len(lines) <= 1 else "  <-- FAIL"
                rows.append((case.name, command, rc, secs, mem, len(lines), first[:110] + flag))
                out.unlink(missing_ok=True)
                err.unlink(missing_ok=True)
    finally:
        if server:
            server.stdin.close()
            server.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)
    print(f"{'case':32} {'command':18} {'exit':>4} {'sec':>7} {'MB':>7} {'lines':>5}  last line of stderr")
    for r in rows:
        print(f"{r[0]:32} {r[1]:18} {r[2]!s:>4} {r[3]:7.2f} {r[4]:7.1f} {r[5]:5d}  {r[6]}")
    bad = [r for r in rows if r[6].endswith("<-- FAIL")]
    secs = sorted(r[3] for r in rows)
    print(f"\n{len(rows)} runs over {len({r[0] for r in rows})} files: {len(bad)} break the contract; "
          f"median {secs[len(secs) // 2]:.2f} s, slowest {secs[-1]:.2f} s, peak {max(r[4] for r in rows):.0f} MB")


if __name__ == "__main__":
    main()
