"""How the journey report scales with the event log, relative to plain discovery on the same log.

Usage: ``.venv/bin/python bench/journey_scale.py [EVENTS ...]`` (default 100000 300000).

A seeded log (10 events per case, 25 activities, 4 channels, 2 agencies) and a steps sheet that
names every activity. For each size it times, in the same run, :func:`journeys.discovery.discover`
(the baseline: directly-follows counts and times, variants, durations) and
:func:`journeys.analysis.journey_report` (graphs at two granularities, every metric, priorities),
and prints the ratio. Absolute times depend on the machine; the ratio is the figure to compare.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from journeys.analysis import journey_report  # noqa: E402
from journeys.discovery import discover  # noqa: E402

ACTIVITIES = [f"A{i:02d}" for i in range(25)]
CHANNELS = ["web", "phone", "office", "app"]


def seeded_log(n_events: int, seed: int = 7) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    per = 10
    n_cases = n_events // per
    case = np.repeat(np.arange(n_cases), per)
    pos = np.tile(np.arange(per), n_cases)
    act = np.minimum(pos * 2 + rng.integers(0, 3, len(case)), 24)
    seconds = case * 60 + pos * 3600 + rng.integers(0, 600, len(case))
    return pd.DataFrame({
        "case_id": case.astype(str), "activity": np.array(ACTIVITIES)[act],
        "channel": np.array(CHANNELS)[rng.integers(0, 4, len(case))],
        "timestamp": pd.Timestamp("2024-01-01", tz="UTC") + pd.to_timedelta(seconds, unit="s"),
    })


def steps_sheet() -> pd.DataFrame:
    return pd.DataFrame({"step_id": ACTIVITIES, "order": range(1, 26), "channel": ["web; phone; office; app"] * 25,
                         "agency": ["A"] * 12 + ["B"] * 13, "median_wait_days": [1.0] * 25})


def main(sizes: list[int]) -> None:
    steps = steps_sheet()
    print(f"{'events':>10} {'discover s':>11} {'report s':>9} {'ratio':>6}")
    for n in sizes:
        log = seeded_log(n)
        t0 = time.perf_counter()
        d = discover(log)
        t1 = time.perf_counter()
        r = journey_report(steps, log)
        t2 = time.perf_counter()
        assert r["summary"]["events"] == d["events"]  # same log, every event mapped
        print(f"{n:>10} {t1 - t0:>11.2f} {t2 - t1:>9.2f} {(t2 - t1) / (t1 - t0):>6.1f}")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [100_000, 300_000])
