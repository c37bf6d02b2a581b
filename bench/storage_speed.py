"""Storage speed: importing and reading an event log through the research repository.

    .venv/bin/python bench/storage_speed.py                 # 100,000 events, SQLite (+ PostgreSQL if set)
    .venv/bin/python bench/storage_speed.py --events 1000000

A seeded event log (``--events`` rows, 8 events per case, 6 activities, 4 channels, tz-aware
timestamps) is stored on each backend three ways, side by side in one run:

- Recorrido: ``Repository.import_result`` (one transaction; chunked ``executemany`` on SQLite,
  ``COPY`` on PostgreSQL), including the conversion from the canonical DataFrame;
- baseline: ``DataFrame.to_sql(if_exists="append", chunksize=10000)`` into a table of the same
  columns (what a pandas user writes first);
- reading back: ``Repository.table(project, "events")`` with dtypes restored, vs
  ``pandas.read_sql_table`` of the baseline table (whose timestamps still need converting).

Best of ``--repeat`` runs; ratios are baseline time / Recorrido time. PostgreSQL is used when
``RECORRIDO_BENCH_DATABASE_URL`` or ``RECORRIDO_TEST_DATABASE_URL`` is set (a scratch schema is
created and dropped). The read-back is checked equal to the input, else the run fails.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

import numpy as np
import pandas as pd
import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from research.repository import Repository  # noqa: E402
from research.result import ImportResult  # noqa: E402


def make_events(n: int, seed: int = 7) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    start = pd.Timestamp("2024-01-01", tz="UTC")
    return pd.DataFrame({
        "case_id": [f"EXP-{i // 8:07d}" for i in range(n)],
        "activity": rng.choice(["Solicitud en línea", "Pago de tasa", "Revisión de documentos",
                                "Inspección municipal", "Emisión del permiso", "Notificación"], n),
        "timestamp": start + pd.to_timedelta(np.sort(rng.integers(0, 3 * 10**7, n)), unit="s"),
        "channel": rng.choice(["web", "oficina", "teléfono", "WhatsApp"], n),
        "resource": rng.choice(["funcionaria 1", "funcionario 2", "sistema", None], n),
        "agency": rng.choice(["MICI", "DGI", "Municipio de Panamá"], n),
        "lifecycle": "complete",
        "source_row": np.arange(2, n + 2),
    })


def _best(fn, repeat: int) -> tuple[float, object]:
    best, out = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def bench_backend(label: str, url: str, events: pd.DataFrame, repeat: int) -> dict:
    n = len(events)
    repo = Repository(url)
    result = ImportResult("bench.csv", "eventlog", "csv", {"events": events})
    counter = iter(range(10**6))

    def recorrido_write():
        name = f"bench-{next(counter)}"
        repo.import_result(name, result, uuid.uuid4().hex)
        return name

    t_write, project = _best(recorrido_write, repeat)
    t_read, back = _best(lambda: repo.table(project, "events"), repeat)
    expected = events.reset_index(drop=True)
    pd.testing.assert_series_equal(back["timestamp"].dt.as_unit("us"), expected["timestamp"].dt.as_unit("us"),
                                   check_names=False)
    assert back["case_id"].tolist() == expected["case_id"].tolist()
    assert back["resource"].isna().sum() == expected["resource"].isna().sum()

    engine = repo.engine
    base = events.copy()

    def baseline_write():
        base.to_sql("bench_to_sql", engine, if_exists="replace", index=False, chunksize=10_000)

    t_base_write, _ = _best(baseline_write, repeat)

    def baseline_read():
        df = pd.read_sql_table("bench_to_sql", engine)
        df["timestamp"] = pd.to_datetime(df["timestamp"], utc=True, format="ISO8601")
        return df

    t_base_read, _ = _best(baseline_read, repeat)
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE bench_to_sql")
    repo.close()
    return {"backend": label, "rows": n,
            "write_s": t_write, "write_rows_per_s": n / t_write,
            "baseline_write_s": t_base_write, "baseline_write_rows_per_s": n / t_base_write,
            "write_ratio": t_base_write / t_write,
            "read_s": t_read, "read_rows_per_s": n / t_read,
            "baseline_read_s": t_base_read, "read_ratio": t_base_read / t_read}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--no-pg", action="store_true", help="SQLite only")
    args = parser.parse_args(argv)
    events = make_events(args.events)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        rows.append(bench_backend("sqlite", f"sqlite:///{Path(tmp) / 'bench.db'}", events, args.repeat))
    pg = os.environ.get("RECORRIDO_BENCH_DATABASE_URL") or os.environ.get("RECORRIDO_TEST_DATABASE_URL")
    if pg and not args.no_pg:
        if pg.startswith(("postgres://", "postgresql://")):
            pg = "postgresql+psycopg://" + pg.split("://", 1)[1]
        schema = f"bench_{uuid.uuid4().hex[:10]}"
        admin = sa.create_engine(pg, poolclass=sa.pool.NullPool)
        with admin.begin() as conn:
            conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
        try:
            url = sa.make_url(pg).update_query_dict({"options": f"-csearch_path={schema}"})
            rows.append(bench_backend("postgresql", url.render_as_string(hide_password=False), events,
                                      args.repeat))
        finally:
            with admin.begin() as conn:
                conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
            admin.dispose()
    else:
        print("PostgreSQL skipped (set RECORRIDO_TEST_DATABASE_URL)", file=sys.stderr)
    print(f"storage speed, {args.events:,} events, best of {args.repeat}")
    for r in rows:
        print(f"  {r['backend']:<10} write: Recorrido {r['write_s']:6.2f} s ({r['write_rows_per_s']:>9,.0f} rows/s)"
              f" | to_sql {r['baseline_write_s']:6.2f} s ({r['baseline_write_rows_per_s']:>9,.0f} rows/s)"
              f" | ratio {r['write_ratio']:.2f}x")
        print(f"  {'':<10} read:  Recorrido {r['read_s']:6.2f} s ({r['read_rows_per_s']:>9,.0f} rows/s)"
              f" | read_sql_table {r['baseline_read_s']:6.2f} s | ratio {r['read_ratio']:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
