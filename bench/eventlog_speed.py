"""Event-log discovery speed and memory: Recorrido vs PM4Py, side by side in one run.

    .venv/bin/python bench/eventlog_speed.py                       # 1,000,000 events, both sides
    .venv/bin/python bench/eventlog_speed.py --events 10000000     # 10M events, Recorrido only
    .venv/bin/python bench/eventlog_speed.py --events 10000000 --with-pm4py   # both, if memory allows

A seeded log (``--events`` events, one case per 10 events, 25 activities, 4 channels; rows in
time order across cases, as systems export them; about 4 % tied timestamps inside a case) is
generated once, prepared with ``pm4py.format_dataframe`` (PM4Py's own preparation, which its
functions expect) and written to a Parquet file. Each side then runs in its own subprocess on
that same DataFrame, so its peak memory (``ru_maxrss``) is its own:

- PM4Py: ``discover_dfg`` + ``discover_performance_dfg`` (all aggregations) + ``get_variants``;
- Recorrido: ``journeys.discovery.discover`` (counts, performance, variants, and also start/end
  activities and case durations), the whole JSON-ready dict.

The best of ``--repeat`` runs is reported; the ratio is PM4Py time / Recorrido time. The results
are compared (counts, start/end activities, variants exactly; times within 1e-6 s / 1e-9
relative) and the run fails if they differ. Peak memory is reported as the process peak and as
the peak above the process size after loading the DataFrame.

PM4Py (AGPL) is used here as a baseline only; it is a test/benchmark requirement.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import pickle
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
CASE, ACT, TS = "case:concept:name", "concept:name", "time:timestamp"


def generate_log(n_events: int, seed: int = 42, n_activities: int = 25, n_channels: int = 4) -> pd.DataFrame:
    """A seeded log of exactly ``n_events`` events in ``n_events // 10`` cases, in time order."""
    rng = np.random.default_rng(seed)
    n_cases = max(1, n_events // 10)
    lengths = rng.integers(4, 17, n_cases)  # mean 10
    diff = n_events - int(lengths.sum())
    while diff != 0:  # adjust to exactly n_events, keeping every case at least 1 event long
        idx = rng.integers(0, n_cases, min(abs(diff), n_cases))
        if diff > 0:
            np.add.at(lengths, idx, 1)
        else:
            lengths[idx] = np.maximum(lengths[idx] - 1, 1)
        diff = n_events - int(lengths.sum())
    case_of = np.repeat(np.arange(n_cases), lengths)
    starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    first = np.zeros(n_events, dtype=bool)
    first[starts] = True
    # a mostly forward process (as a public service is) with skips, repeats and rework loops
    step = rng.choice([1, 2, 3, 0, -1, -2], p=[0.82, 0.07, 0.02, 0.03, 0.04, 0.02], size=n_events)
    step[first] = rng.integers(0, 3, n_cases)
    pos = np.cumsum(step)
    pos -= np.repeat(pos[starts] - step[starts], lengths)
    activity = np.mod(pos, n_activities)
    names = np.array([f"Paso {i:02d} " + w for i, w in zip(range(n_activities), [
        "Registro", "Validación", "Pago", "Cita", "Revisión", "Firma", "Notificación", "Archivo",
        "Consulta", "Subsanación", "Inspección", "Aprobación", "Rechazo", "Apelación", "Cierre",
        "Entrega", "Verificación", "Dictamen", "Traslado", "Recepción", "Cobro", "Reembolso",
        "Emisión", "Publicación", "Encuesta"] * 4, strict=False)], dtype=object)
    channels = np.array(["web", "teléfono", "oficina", "whatsapp", "correo", "app"][:n_channels], dtype=object)
    case_channel = rng.integers(0, n_channels, n_cases)
    channel = np.repeat(case_channel, lengths)
    switch = rng.random(n_events) < 0.15
    channel[switch] = rng.integers(0, n_channels, int(switch.sum()))
    # timestamps: case start over two years, gaps with ties (~4 %) and millisecond precision
    t0 = np.datetime64("2023-01-01T00:00:00", "ms").astype(np.int64)
    case_start = t0 + rng.integers(0, 2 * 365 * 86_400_000, n_cases)
    gaps = rng.exponential(36 * 3_600_000, n_events).astype(np.int64)
    gaps[rng.random(n_events) < 0.04] = 0
    gaps[first] = 0
    ts = np.cumsum(gaps)
    ts = ts - np.repeat(ts[starts], lengths) + np.repeat(case_start, lengths)
    case_ids = np.char.add("case-", np.char.zfill(np.arange(n_cases).astype(str), 7)).astype(object)
    df = pd.DataFrame({
        CASE: case_ids[case_of],
        ACT: names[activity],
        TS: pd.to_datetime(ts, unit="ms", utc=True),
        "channel": channels[channel],
    })
    order = np.argsort(ts, kind="stable")  # exported in time order, cases interleaved
    return df.iloc[order].reset_index(drop=True)


# ------------------------------------------------------------------------------ subprocess sides


def _maxrss_mb() -> float:
    """Peak resident memory of this process (VmHWM; ru_maxrss where /proc is missing), MB."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _rss_mb() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return _maxrss_mb()


def _reset_peak() -> bool:
    """Reset the kernel's peak-RSS mark (Linux ``clear_refs`` 5) so the run's own peak is measured."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def _side_pm4py(df: pd.DataFrame):
    import pm4py

    t, c = time.perf_counter(), time.process_time()
    dfg, sa, ea = pm4py.discover_dfg(df, activity_key=ACT, timestamp_key=TS, case_id_key=CASE)
    perf, _, _ = pm4py.discover_performance_dfg(df, activity_key=ACT, timestamp_key=TS, case_id_key=CASE)
    var = pm4py.get_variants(df, activity_key=ACT, timestamp_key=TS, case_id_key=CASE)
    elapsed = (time.perf_counter() - t, time.process_time() - c)
    result = {"dfg": {k: int(v) for k, v in dfg.items()}, "start": dict(sa), "end": dict(ea),
              "perf": {k: {m: float(x) for m, x in v.items()} for k, v in perf.items()},
              "variants": dict(var)}
    return elapsed, result


def _side_ours(df: pd.DataFrame):
    from journeys.discovery import discover

    t, c = time.perf_counter(), time.process_time()
    out = discover(df, case=CASE, activity=ACT, timestamp=TS)
    elapsed = (time.perf_counter() - t, time.process_time() - c)
    result = {"dfg": {(e["source"], e["target"]): e["count"] for e in out["edges"]},
              "start": out["start_activities"], "end": out["end_activities"],
              "perf": {(e["source"], e["target"]): {
                  "mean": e["mean_seconds"], "median": e["median_seconds"], "max": e["max_seconds"],
                  "min": e["min_seconds"], "sum": e["sum_seconds"],
                  "stdev": math.nan if e["stdev_seconds"] is None else e["stdev_seconds"]}
                  for e in out["edges"]},
              "variants": {tuple(v["activities"]): v["count"] for v in out["variants"]}}
    return elapsed, result


def _worker(side: str, parquet: str, repeat: int, result_path: str) -> None:
    import warnings

    warnings.simplefilter("ignore")
    sys.path.insert(0, str(ROOT))
    if side == "pm4py":
        import pm4py  # noqa: F401  (import cost is not timed, but its memory is part of the process)
    else:
        import journeys.discovery  # noqa: F401
    df = pd.read_parquet(parquet)
    if side == "pm4py":
        df.attrs = {"pm4py:param:activity_key": ACT, "pm4py:param:timestamp_key": TS,
                    "pm4py:param:case_id_key": CASE}  # as format_dataframe leaves them
    import gc

    gc.collect()
    process_peak_before = _maxrss_mb()
    reset = _reset_peak()
    base = _rss_mb() if reset else process_peak_before
    times, cpu = [], []
    result = None
    for _ in range(repeat):
        run = df.copy(deep=False) if side == "pm4py" else df  # PM4Py adds a column to its input
        elapsed, result = (_side_pm4py if side == "pm4py" else _side_ours)(run)
        times.append(elapsed[0])
        cpu.append(elapsed[1])
    peak = _maxrss_mb()
    with open(result_path, "wb") as fh:
        pickle.dump({"times": times, "rss_after_load_mb": base, "peak_rss_mb": peak, "cpu": cpu,
                     "load_peak_mb": process_peak_before, "peak_reset": reset, "result": result}, fh)


def _run_side(side: str, parquet: Path, repeat: int, tmp: Path, tag: str | None = None) -> dict:
    out = tmp / f"{tag or side}.pkl"
    cmd = [sys.executable, __file__, "--worker", side, "--parquet", str(parquet), "--repeat", str(repeat),
           "--result", str(out)]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    if proc.returncode != 0:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
        return {"failed": f"exit {proc.returncode}: {' | '.join(tail)}"}
    with open(out, "rb") as fh:
        return pickle.load(fh)


def _compare(ours: dict, ref: dict) -> tuple[bool, bool, str]:
    """(equal within the tolerances, bit-identical times, first difference)."""
    for key in ("dfg", "start", "end", "variants"):
        if ours[key] != ref[key]:
            return False, False, f"{key} differ"
    if set(ours["perf"]) != set(ref["perf"]):
        return False, False, "performance edges differ"
    identical = True
    for edge, p in ref["perf"].items():
        o = ours["perf"][edge]
        for m in ("min", "max", "median"):
            identical &= o[m] == p[m]
            if abs(o[m] - p[m]) > 1e-6:
                return False, False, f"{edge} {m}: {o[m]} vs {p[m]}"
        for m in ("mean", "sum", "stdev"):
            if math.isnan(p[m]) or math.isnan(o[m]):
                if not (math.isnan(p[m]) and math.isnan(o[m])):
                    return False, False, f"{edge} {m}: {o[m]} vs {p[m]}"
                continue
            identical &= o[m] == p[m]
            if abs(o[m] - p[m]) > 1e-9 * max(abs(p[m]), 1e-300):
                return False, False, f"{edge} {m}: {o[m]} vs {p[m]}"
    return True, identical, ""


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--events", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--repeat", type=int, default=None, help="runs per side, best reported (default 3, 1 at 10M)")
    ap.add_argument("--with-pm4py", action="store_true", help="also run PM4Py above 1M events")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--parquet", help=argparse.SUPPRESS)
    ap.add_argument("--result", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        _worker(args.worker, args.parquet, args.repeat or 1, args.result)
        return 0

    repeat = args.repeat or (3 if args.events <= 2_000_000 else 1)
    run_pm4py = args.events <= 2_000_000 or args.with_pm4py
    with tempfile.TemporaryDirectory(prefix="recorrido-bench-") as tmpdir:
        tmp = Path(tmpdir)
        t = time.perf_counter()
        df = generate_log(args.events, seed=args.seed)
        export = tmp / "log_export_order.parquet"
        df.to_parquet(export)
        n_cases, n_acts = df[CASE].nunique(), df[ACT].nunique()
        formatted = None
        if run_pm4py:
            import contextlib
            import io
            import warnings

            with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()), \
                    contextlib.redirect_stderr(io.StringIO()):
                warnings.simplefilter("ignore")
                import pm4py  # its licence banner is not part of the report

                df = pm4py.format_dataframe(df, case_id=CASE, activity_key=ACT, timestamp_key=TS)
            formatted = tmp / "log_pm4py_formatted.parquet"
            df.to_parquet(formatted)
        del df
        print(f"log: {args.events:,} events, {n_cases:,} cases, {n_acts} activities, 4 channels "
              f"(seed {args.seed}); prepared in {time.perf_counter() - t:.1f} s; "
              f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
        runs = {}
        if formatted is not None:
            runs["recorrido"] = _run_side("recorrido", formatted, repeat, tmp)
            runs["pm4py"] = _run_side("pm4py", formatted, repeat, tmp)
        runs["recorrido*"] = _run_side("recorrido", export, repeat, tmp, tag="recorrido_export")

    def line(name, r):
        if "failed" in r:
            return f"{name:11s} FAILED {r['failed']}"
        return (f"{name:11s} best {min(r['times']):7.3f} s wall, {min(r['cpu']):7.3f} s CPU  "
                f"(wall runs: {', '.join(f'{x:.2f}' for x in r['times'])})  "
                f"peak RSS {r['peak_rss_mb']:7.1f} MB = {r['rss_after_load_mb']:.1f} MB with the log loaded "
                f"+ {r['peak_rss_mb'] - r['rss_after_load_mb']:.1f} MB")

    print("(recorrido*: the same log in export order — time-ordered, cases interleaved — "
          "so Recorrido sorts it itself; PM4Py needs format_dataframe's sorted frame)")
    for name, r in runs.items():
        print(line(name, r))
    if any("failed" in r for name, r in runs.items() if name != "pm4py"):
        return 1
    summary = {"events": args.events, "cases": int(n_cases)}
    for name, r in runs.items():
        if "failed" not in r:
            key = name.replace("*", "_export_order")
            summary.update({f"{key}_wall_s": min(r["times"]), f"{key}_cpu_s": min(r["cpu"]),
                            f"{key}_peak_rss_mb": r["peak_rss_mb"],
                            f"{key}_peak_above_load_mb": r["peak_rss_mb"] - r["rss_after_load_mb"]})
    status = 0
    ours, ref = runs.get("recorrido"), runs.get("pm4py")
    if ours is not None and ref is not None:
        if "failed" in ref:
            print("pm4py could not complete; no ratio")
        else:
            ratio = min(ref["times"]) / min(ours["times"])
            ratio_cpu = min(ref["cpu"]) / min(ours["cpu"])
            equal, identical, why = _compare(ours["result"], ref["result"])
            same_export, _, why_export = _compare(runs["recorrido*"]["result"], ref["result"])
            mem_ok = (ours["peak_rss_mb"] <= ref["peak_rss_mb"]
                      and ours["peak_rss_mb"] - ours["rss_after_load_mb"] <= ref["peak_rss_mb"] - ref["rss_after_load_mb"])
            print(f"ratio       PM4Py / Recorrido = {ratio:.1f}x wall, {ratio_cpu:.1f}x CPU "
                  f"(target >= 5x: {'met' if min(ratio, ratio_cpu) >= 5 else 'NOT met'})")
            print(f"results     {'identical' if equal else 'DIFFERENT: ' + why}"
                  f"{' (times bit-identical)' if identical else (' (times within tolerance)' if equal else '')}; "
                  f"export-order input {'identical too' if same_export else 'DIFFERENT: ' + why_export}; "
                  f"{len(ref['result']['dfg'])} edges, {len(ref['result']['variants'])} variants")
            print(f"memory      Recorrido peak {'<=' if mem_ok else '>'} PM4Py peak (process and above-load)")
            summary.update({"ratio_wall": ratio, "ratio_cpu": ratio_cpu, "identical": equal and same_export,
                            "memory_ok": mem_ok})
            assert equal and same_export, f"results differ from PM4Py: {why or why_export}"
            if not mem_ok:
                status = 1
    print(json.dumps(summary))
    return status


if __name__ == "__main__":
    sys.exit(main())
