"""Import speed: a 100,000-utterance transcript workbook, our reader vs pandas + openpyxl.

Builds a seeded workbook (openpyxl, write-only) in a temporary folder, a title row and a blank
row above the header as real files have, then reads it side by side in the same run:

* **ours**: ``research.readers.read_file(path)`` -> the canonical ``utterances`` table (header
  detection, column recognition, roles, language per interview, source references included);
* **baseline**: ``pandas.read_excel(path, engine="openpyxl", header=2)`` -> a raw DataFrame
  (no canonical table at all, so the comparison favours the baseline).

Each reader runs in a fresh child process so that peak memory is its own: the child reports
its wall time and its peak resident set size (``ru_maxrss``, which includes the Rust
allocations of python-calamine that ``tracemalloc`` cannot see), both in total and above the
size of the process before reading. ``--tracemalloc`` adds a second, untimed run per reader
reporting the Python-level peak (tracemalloc slows Python code, so it never runs while timed).

Usage::

    .venv/bin/python bench/import_speed.py [--rows 100000] [--repeat 1]

Prints a table and the ratio baseline/ours (target: at least 3x).
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

__all__ = ["build_workbook", "main"]

_ES = ["Fui a la ventanilla de Panamá Emprende y me pidieron otra vez la cédula.",
       "La página se quedó cargando y tuve que empezar de nuevo el formulario.",
       "Esperé tres horas en la fila del municipio para el paz y salvo.",
       "Nadie me supo decir cuánto costaba el permiso de Bomberos.",
       "Por WhatsApp me contestaron rápido, pero cada persona decía algo distinto."]
_EN = ["The online form crashed at the very end and I had to start again.",
       "I queued for three hours at the tax office just to get a stamp.",
       "Nobody could tell me which documents the fire department needed.",
       "The help line never answered, so I drove to the office in David.",
       "They asked me for the same certificate I had already uploaded."]
_Q_ES = ["¿Cómo le fue con ese paso?", "¿Y qué hizo después?", "¿Cuánto tiempo le tomó?"]
_Q_EN = ["How did that step go?", "What did you do next?", "How long did it take?"]


def build_workbook(path: Path, rows: int = 100_000, seed: int = 7, turns_per_interview: int = 100) -> Path:
    """Write a seeded transcript workbook (rows layout) with ``rows`` utterances."""
    from openpyxl import Workbook

    rng = random.Random(seed)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Transcripciones")
    ws.append(["Entrevistas — proyecto de apertura de negocios (datos sintéticos)"])
    ws.append([])
    ws.append(["ID Entrevista", "Participante", "Hablante", "Minuto", "Transcripción"])
    n_interviews = max(1, rows // turns_per_interview)
    written = 0
    for k in range(n_interviews):
        spanish = rng.random() < 0.6
        person = f"P{k + 1:04d}"
        minute = 0.0
        for t in range(turns_per_interview):
            if written >= rows:
                break
            if t % 2 == 0:
                speaker = "Entrevistadora" if spanish else "Interviewer"
                text = rng.choice(_Q_ES if spanish else _Q_EN)
            else:
                speaker = person
                text = rng.choice(_ES if spanish else _EN) + " " + rng.choice(_ES if spanish else _EN)
            minute += rng.uniform(0.1, 1.5)
            ws.append([f"E{k + 1:04d}", person, speaker, round(minute, 2), text])
            written += 1
    wb.save(path)
    return path


def _child(method: str, path: str, traced: bool = False) -> None:
    import resource
    import tracemalloc

    import pandas as pd

    import research.transcripts  # noqa: F401  (imports are not part of the timing)
    from research.readers import read_file

    def read():
        if method == "ours":
            return read_file(path).tables["utterances"]
        return pd.read_excel(path, engine="openpyxl", header=2)

    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if traced:
        tracemalloc.start()
        df = read()
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        print(json.dumps({"method": method, "rows": int(len(df)), "tracemalloc_peak_mb": peak / 1e6}))
        return
    t0 = time.perf_counter()
    df = read()
    seconds = time.perf_counter() - t0
    rss1 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"method": method, "seconds": seconds, "rows": int(len(df)),
                      "peak_rss_mb": rss1 / 1024, "added_rss_mb": (rss1 - rss0) / 1024}))


def _run_child(method: str, path: Path, traced: bool = False) -> dict:
    cmd = [sys.executable, __file__, "--child", method, str(path)] + (["--traced"] if traced else [])
    out = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--tracemalloc", action="store_true", help="also report the Python-level peak (untimed runs)")
    ap.add_argument("--child", nargs=2, metavar=("METHOD", "PATH"), help=argparse.SUPPRESS)
    ap.add_argument("--traced", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        _child(*args.child, traced=args.traced)
        return 0
    with tempfile.TemporaryDirectory(prefix="recorrido-bench-") as tmp:
        path = Path(tmp) / "transcripts_100k.xlsx"
        t0 = time.perf_counter()
        build_workbook(path, rows=args.rows)
        print(f"workbook: {args.rows:,} utterances, {path.stat().st_size / 1e6:.1f} MB, "
              f"built in {time.perf_counter() - t0:.1f} s")
        results: dict[str, list[dict]] = {"ours": [], "baseline": []}
        for _ in range(args.repeat):
            for method in ("ours", "baseline"):  # alternate so both see the same machine load
                results[method].append(_run_child(method, path))
        traced = {m: _run_child(m, path, traced=True) for m in results} if args.tracemalloc else {}
    best = {m: min(rs, key=lambda r: r["seconds"]) for m, rs in results.items()}
    print(f"{'reader':<48} {'rows':>8} {'seconds':>8} {'peak RSS MB':>12} {'added MB':>9} {'py peak MB':>11}")
    labels = {"ours": "research.readers.read_file (canonical table)",
              "baseline": "pandas.read_excel(engine='openpyxl')"}
    for m in ("ours", "baseline"):
        r = best[m]
        py = f"{traced[m]['tracemalloc_peak_mb']:>11.0f}" if m in traced else f"{'-':>11}"
        print(f"{labels[m]:<48} {r['rows']:>8,} {r['seconds']:>8.2f} {r['peak_rss_mb']:>12.0f} "
              f"{r['added_rss_mb']:>9.0f} {py}")
    ratio = best["baseline"]["seconds"] / best["ours"]["seconds"]
    print(f"speed ratio (baseline / ours): {ratio:.1f}x  (target >= 3x) -> {'OK' if ratio >= 3 else 'BELOW TARGET'}")
    if best["ours"]["rows"] != args.rows:
        print(f"WARNING: our reader returned {best['ours']['rows']:,} rows, expected {args.rows:,}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
