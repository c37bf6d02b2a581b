"""Discovery: tiny hand-built logs, then equality with PM4Py (the oracle) on every shared log and on
freshly generated adversarial logs (ties, unsorted rows, DST offsets, naive timestamps, lifecycle
pairs, single-event cases, numeric case ids)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from journeys.discovery import (
    EDGE_COLUMNS,
    case_durations,
    directly_follows,
    discover,
    end_activities,
    start_activities,
    touchpoint_key,
    variants,
)
from journeys.eventlog import read_eventlog

LOG_SUFFIXES = (".csv", ".xes", ".gz", ".xlsx", ".parquet")


def _ts(*values):
    return pd.to_datetime(list(values), utc=True)


# --------------------------------------------------------------------------------- tiny logs


def test_discovery_ties_keep_row_order():
    ev = pd.DataFrame({"case_id": ["c", "c", "c"], "activity": ["b", "a", "z"],
                       "timestamp": _ts("2024-01-01 10:00", "2024-01-01 10:00", "2024-01-01 09:00")})
    df = directly_follows(ev)
    assert df[["source", "target"]].values.tolist() == [["b", "a"], ["z", "b"]]
    assert variants(ev) == [{"activities": ["z", "b", "a"], "count": 1}]


def test_discovery_unsorted_rows_sorted_by_case_then_time():
    ev = pd.DataFrame({"case_id": ["2", "1", "2", "1"], "activity": ["y", "b", "x", "a"],
                       "timestamp": _ts("2024-01-02 11:00", "2024-01-01 12:00",
                                        "2024-01-02 10:00", "2024-01-01 09:00")})
    assert start_activities(ev) == {"a": 1, "x": 1}
    assert end_activities(ev) == {"b": 1, "y": 1}
    df = directly_follows(ev).set_index(["source", "target"])
    assert df.loc[("a", "b"), "count"] == 1 and df.loc[("a", "b"), "min_seconds"] == 3 * 3600
    assert df.loc[("x", "y"), "max_seconds"] == 3600


def test_discovery_edge_statistics_and_single_observation():
    ev = pd.DataFrame({"case_id": ["1", "1", "2", "2", "3", "3"],
                       "activity": ["a", "b", "a", "b", "b", "c"],
                       "timestamp": _ts("2024-01-01 00:00", "2024-01-01 00:10", "2024-01-01 00:00",
                                        "2024-01-01 00:30", "2024-01-01 00:00", "2024-01-01 00:01")})
    df = directly_follows(ev)
    assert tuple(df.columns) == EDGE_COLUMNS
    ab = df[(df.source == "a") & (df.target == "b")].iloc[0]
    assert ab["count"] == 2 and ab["sum_seconds"] == 2400 and ab["mean_seconds"] == 1200
    assert ab["median_seconds"] == 1200 and ab["min_seconds"] == 600 and ab["max_seconds"] == 1800
    assert ab["stdev_seconds"] == pytest.approx(np.std([600, 1800], ddof=1))
    bc = discover(ev)["edges"][1]
    assert (bc["source"], bc["target"], bc["count"], bc["stdev_seconds"]) == ("b", "c", 1, None)


def test_discovery_lifecycle_events_are_not_merged():
    ev = pd.DataFrame({"case_id": ["1"] * 4, "activity": ["a", "a", "b", "b"],
                       "lifecycle": ["start", "complete", "start", "complete"],
                       "timestamp": _ts("2024-01-01 08:00", "2024-01-01 08:05", "2024-01-01 08:05",
                                        "2024-01-01 09:00")})
    out = discover(ev)
    assert out["events"] == 4
    assert {(e["source"], e["target"]): e["count"] for e in out["edges"]} == {("a", "a"): 1, ("a", "b"): 1,
                                                                              ("b", "b"): 1}


def test_discovery_missing_values_are_ignored_and_empty_log():
    ev = pd.DataFrame({"case_id": ["1", "1", None, "1"], "activity": ["a", None, "b", "c"],
                       "timestamp": _ts("2024-01-01 08:00", "2024-01-01 08:01", "2024-01-01 08:02", None)})
    assert discover(ev)["events"] == 1
    empty = discover(ev.iloc[0:0])
    assert empty["cases"] == 0 and empty["edges"] == [] and empty["variants"] == []
    assert empty["case_durations"]["mean_seconds"] is None


def test_discovery_case_durations_and_naive_is_utc():
    ev = pd.DataFrame({"case_id": [5, 5, 7], "activity": ["a", "b", "a"],
                       "timestamp": [pd.Timestamp("2024-03-31 00:30"), pd.Timestamp("2024-03-31 03:30"),
                                     pd.Timestamp("2024-01-01")]})
    assert case_durations(ev).to_dict() == {5: 3 * 3600.0, 7: 0.0}
    aware = ev.assign(timestamp=ev["timestamp"].dt.tz_localize("UTC"))
    assert discover(aware) == discover(ev)


def test_discovery_touchpoint_granularity():
    ev = pd.DataFrame({"case_id": ["1", "1", "2", "2"], "activity": ["Pay", "Pay", "Pay", "Book"],
                       "channel": ["web", "office", "web", None],
                       "timestamp": _ts("2024-01-01", "2024-01-02", "2024-01-01", "2024-01-03")})
    out = discover(ev, activity=["activity", "channel"])
    assert out["activities"] == ["Book", "Pay @ office", "Pay @ web"]
    assert out["start_activities"] == {"Pay @ web": 2}
    key = touchpoint_key(ev, ["activity", "channel"])
    assert discover(ev.assign(tp=key), activity="tp") == out


def test_discovery_variants_most_frequent_first():
    ev = pd.DataFrame({"case_id": list("xxyyzzw"), "activity": list("abbaabc"),
                       "timestamp": _ts(*[f"2024-01-01 0{i}:00" for i in range(7)])})
    assert variants(ev) == [{"activities": ["a", "b"], "count": 2}, {"activities": ["b", "a"], "count": 1},
                            {"activities": ["c"], "count": 1}]


def test_discovery_does_not_modify_input():
    ev = pd.DataFrame({"case_id": ["2", "1"], "activity": ["a", "b"], "timestamp": _ts("2024-01-02", "2024-01-01")})
    before = ev.copy()
    discover(ev, activity=["activity", "case_id"])
    pd.testing.assert_frame_equal(ev, before)


# --------------------------------------------------------------------------------- PM4Py oracle


@pytest.fixture(scope="session")
def pm4py():
    """PM4Py (AGPL, test oracle only), imported once per session."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pm4py as _pm4py
    return _pm4py


def pm4py_discover(pm4py, df, case="case_id", activity="activity", timestamp="timestamp"):
    """PM4Py's answers on ``df`` after its own ``format_dataframe`` (sorting, string ids, UTC)."""
    df = pm4py.format_dataframe(df.copy(), case_id=case, activity_key=activity, timestamp_key=timestamp)
    dfg, sa, ea = pm4py.discover_dfg(df)
    perf, _, _ = pm4py.discover_performance_dfg(df)
    return {"dfg": dfg, "start": sa, "end": ea, "perf": perf, "variants": pm4py.get_variants(df),
            "durations": pm4py.get_all_case_durations(df)}


def assert_same_as_pm4py(ours: dict, ref: dict) -> None:
    """Counts, start/end and variants exactly; times within 1e-6 s (min/max/median), 1e-9 rel (mean/sum/stdev)."""
    assert {(e["source"], e["target"]): e["count"] for e in ours["edges"]} == {
        k: int(v) for k, v in ref["dfg"].items()}
    assert ours["start_activities"] == ref["start"]
    assert ours["end_activities"] == ref["end"]
    assert {tuple(v["activities"]): v["count"] for v in ours["variants"]} == ref["variants"]
    assert ours["cases"] == len(ref["durations"])
    assert set(ref["perf"]) == {(e["source"], e["target"]) for e in ours["edges"]}
    for e in ours["edges"]:
        p = ref["perf"][(e["source"], e["target"])]
        for k in ("min", "max", "median"):
            assert abs(e[f"{k}_seconds"] - p[k]) <= 1e-6, (e, p, k)
        for k in ("mean", "sum"):
            assert e[f"{k}_seconds"] == pytest.approx(p[k], rel=1e-9, abs=1e-9), (e, p, k)
        if math.isnan(p["stdev"]):
            assert e["stdev_seconds"] is None
        else:
            assert e["stdev_seconds"] == pytest.approx(p["stdev"], rel=1e-9, abs=1e-9), (e, p)
    durations = np.asarray(ref["durations"], dtype=float)
    cd = ours["case_durations"]
    if len(durations):
        assert abs(cd["min_seconds"] - durations.min()) <= 1e-6
        assert abs(cd["max_seconds"] - durations.max()) <= 1e-6
        assert abs(cd["median_seconds"] - np.median(durations)) <= 1e-6
        assert cd["mean_seconds"] == pytest.approx(durations.mean(), rel=1e-9, abs=1e-9)


def _shared_logs(shared_data):
    folder = shared_data / "eventlogs"
    return sorted(p for p in folder.iterdir() if p.name.lower().endswith(LOG_SUFFIXES))


@pytest.mark.slow
def test_discovery_equals_pm4py_on_every_shared_log(shared_data, pm4py):
    logs = _shared_logs(shared_data)
    assert logs, "no event logs found in ../shared/data/eventlogs"
    for path in logs:
        events = read_eventlog(path).tables["events"]
        ours = discover(events)
        assert ours["events"] == len(events) > 0
        assert_same_as_pm4py(ours, pm4py_discover(pm4py, events[["case_id", "activity", "timestamp"]]))


@pytest.mark.slow
def test_discovery_csv_and_xes_of_the_same_log_agree(shared_data):
    folder = shared_data / "eventlogs"
    pairs = [("receipt.csv", "08_receipt.xes.gz"), ("roadtraffic100traces.csv", "roadtraffic100traces.xes")]
    checked = 0
    for a, b in pairs:
        if (folder / a).exists() and (folder / b).exists():
            ea = read_eventlog(folder / a).tables["events"]
            eb = read_eventlog(folder / b).tables["events"]
            assert discover(ea) == discover(eb)
            assert discover(ea, activity=["activity", "channel"]) == discover(eb, activity=["activity", "channel"])
            checked += 1
    assert checked


def _adversarial_log(seed: int, *, numeric_ids: bool, tz_mode: str, lifecycle: bool, shuffle: bool,
                     n_cases: int = 80) -> pd.DataFrame:
    """A log built to trip discovery up: ties, DST changes, single-event cases, lifecycle pairs."""
    rng = np.random.default_rng(seed)
    acts = ["Solicitud en línea", "Pago", "Revisión", "Cita @ oficina", "Llamada", "Cierre"]
    dst = [pd.Timestamp("2024-03-31 00:30", tz="UTC"), pd.Timestamp("2024-10-27 00:15", tz="UTC")]
    rows = []
    for c in range(n_cases):
        case = int(rng.integers(1, 10_000)) * 10 + c % 10 if numeric_ids else f"caso-{rng.integers(0, 10**6):06d}-{c}"
        t = dst[c % 2] + pd.Timedelta(minutes=int(rng.integers(0, 180)))
        for _ in range(int(rng.choice([1, 1, 2, 3, 5, 8]))):
            act = acts[int(rng.integers(0, len(acts)))]
            gap = int(rng.choice([0, 0, 1, 59, 3600, 86400 * 30])) + int(rng.integers(0, 3)) * 0.001
            t = t + pd.Timedelta(seconds=gap)
            phases = [("start", t), ("complete", t + pd.Timedelta(seconds=int(rng.choice([0, 90]))))] \
                if lifecycle else [("complete", t)]
            for phase, when in phases:
                rows.append({"case": case, "activity": act, "lifecycle": phase, "when": when})
            t = phases[-1][1]
    df = pd.DataFrame(rows)
    local = df["when"].dt.tz_convert("Europe/Madrid")
    iso_local = [ts.isoformat() for ts in local]
    iso_naive = [ts.strftime("%Y-%m-%d %H:%M:%S.%f") for ts in df["when"]]
    if tz_mode == "offsets":
        df["when"] = iso_local
    elif tz_mode == "naive":
        df["when"] = iso_naive
    else:  # mixed: some with offsets, some naive (UTC)
        pick = rng.random(len(df)) < 0.5
        df["when"] = np.where(pick, iso_local, iso_naive)
    if shuffle:
        df = df.sample(frac=1.0, random_state=seed).reset_index(drop=True)
    return df


@pytest.mark.slow
@pytest.mark.parametrize("numeric_ids,tz_mode,lifecycle,shuffle", [
    (False, "offsets", False, False),
    (True, "offsets", True, True),
    (False, "naive", True, True),
    (True, "mixed", False, True),
    (False, "mixed", True, False),
])
def test_discovery_equals_pm4py_on_adversarial_logs(tmp_path, pm4py, numeric_ids, tz_mode, lifecycle, shuffle):
    for seed in (1, 2, 3):
        df = _adversarial_log(seed * 7 + int(numeric_ids), numeric_ids=numeric_ids, tz_mode=tz_mode,
                              lifecycle=lifecycle, shuffle=shuffle)
        path = tmp_path / f"log_{seed}.csv"
        df.to_csv(path, index=False)
        events = read_eventlog(path, mapping={"case": "case_id", "when": "timestamp"}).tables["events"]
        ours = discover(events)
        # the oracle reads the CSV on its own (pandas + PM4Py's own timestamp conversion)
        raw = pd.read_csv(path)
        ref = pm4py_discover(pm4py, raw, case="case", activity="activity", timestamp="when")
        assert_same_as_pm4py(ours, ref)
        # and straight from a DataFrame, no reader involved
        frame = raw.assign(when=pd.to_datetime(raw["when"], utc=True, format="ISO8601"))
        assert_same_as_pm4py(discover(frame, case="case", timestamp="when"),
                             pm4py_discover(pm4py, frame, case="case", activity="activity", timestamp="when"))


def test_discovery_mixed_type_labels_are_one_case_and_activity():
    ev = pd.DataFrame({"case_id": pd.Series([1, "1", 2], dtype=object),
                       "activity": pd.Series([7, "7", "x"], dtype=object),
                       "timestamp": _ts("2024-01-01", "2024-01-02", "2024-01-01")})
    out = discover(ev)
    assert out["cases"] == 2 and out["edges"][0]["source"] == "7" and out["edges"][0]["target"] == "7"


@pytest.mark.slow
def test_discovery_equals_pm4py_on_the_demo_log(root, pm4py):
    path = root / "data" / "demo" / "events.csv"
    if not path.exists():
        pytest.fail("data/demo/events.csv is missing")
    events = read_eventlog(path).tables["events"]
    assert_same_as_pm4py(discover(events), pm4py_discover(pm4py, events[["case_id", "activity", "timestamp"]]))
    # touchpoints: PM4Py on the same key column gives the same answers
    keyed = events.assign(tp=touchpoint_key(events, ["activity", "channel"]))
    assert_same_as_pm4py(discover(events, activity=["activity", "channel"]),
                         pm4py_discover(pm4py, keyed[["case_id", "tp", "timestamp"]], activity="tp"))


def test_discovery_text_timestamps_parsed_like_the_readers():
    from research.errors import InputError

    ev = pd.DataFrame({"case_id": ["1", "1", "1"], "activity": ["a", "b", "c"],
                       "timestamp": ["2024-03-31T01:30:00+01:00", "2024-03-31T03:30:00+02:00", "31/03/2024 02:00"]})
    assert [e["mean_seconds"] for e in discover(ev)["edges"]] == [3600.0, 1800.0]
    with pytest.raises(InputError, match="rows 2"):
        discover(ev.assign(timestamp=["2024-01-01", "mañana", "2024-01-02"]))


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::UserWarning")
def test_discovery_xes_agrees_with_pm4py_reading_the_file_itself(shared_data, pm4py):
    xes = [p for p in _shared_logs(shared_data) if ".xes" in p.name]
    assert xes
    for path in xes:
        df = pm4py.read_xes(str(path), show_progress_bar=False)
        dfg, start, end = pm4py.discover_dfg(df)
        ref = {"dfg": dfg, "start": start, "end": end, "perf": pm4py.discover_performance_dfg(df)[0],
               "variants": pm4py.get_variants(df), "durations": pm4py.get_all_case_durations(df)}
        assert_same_as_pm4py(discover(read_eventlog(path).tables["events"]), ref)
