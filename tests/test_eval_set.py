"""The held-out interview evaluation set (data/eval) and its end-to-end benchmark (bench/interview_eval.py)."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

from research.readers import read_file
from research.schema import CATEGORIES

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT / "data" / "eval"


def _load(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


gen = _load("generate_eval", EVAL / "generate_eval.py")
bench = _load("interview_eval", ROOT / "bench" / "interview_eval.py")


def _gold(path: Path) -> list[dict]:
    return [json.loads(ln) for ln in path.read_text("utf-8").splitlines() if ln.strip()]


def test_eval_set_generator_is_deterministic_and_matches_the_committed_files(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    gen.generate(a)
    gen.generate(b)
    for name in gen.FILES + ["gold.jsonl"]:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
        assert (a / name).read_bytes() == (EVAL / name).read_bytes(), f"data/eval/{name} is stale: regenerate it"


def test_eval_set_gold_offsets_match_the_readers_utterances():
    gold = _gold(EVAL / "gold.jsonl")
    utts = {}
    for name in gen.TRANSCRIPT_FILES:
        df = read_file(EVAL / name, kind="transcripts").tables["utterances"]
        for r in df.to_dict("records"):
            sheet = r["source_sheet"] if isinstance(r["source_sheet"], str) else None
            column = r["source_column"] if isinstance(r["source_column"], str) else None
            utts[(r["source_file"], sheet, int(r["source_row"]), column)] = r
    seen = set()
    for g in gold:
        u = utts[(g["file"], g["sheet"], g["row"], g["column"])]
        assert u["text"][g["start"]:g["end"]] == g["sentence"]
        assert u["speaker_role"] == "participant"
        assert (u["interview_id"], u["lang"]) == (g["interview_id"], g["lang"])
        for span in g["pii"]:
            assert g["sentence"][span["start"]:span["end"]] == span["text"]
        seen.add((g["file"], g["sheet"], g["row"], g["column"]))
    participant_refs = {k for k, u in utts.items() if u["speaker_role"] == "participant"}
    assert seen == participant_refs  # every participant turn is labelled, no interviewer turn is
    assert {u["source_file"] for u in utts.values()} == set(gen.TRANSCRIPT_FILES)


def test_eval_set_covers_every_category_both_languages_and_every_pii_type():
    gold = _gold(EVAL / "gold.jsonl")
    assert {g["category"] for g in gold if g["is_pain"]} == set(CATEGORIES)
    assert all(g["is_pain"] == (g["category"] is not None) for g in gold)
    assert {g["lang"] for g in gold} == {"en", "es"}
    assert {s["type"] for g in gold for s in g["pii"]} == {"PERSON", "PHONE", "EMAIL", "NATIONAL_ID", "ADDRESS"}
    steps = {s[0] for s in gen.STEPS}
    assert 10 <= len(steps) <= 14
    assert {g["step_id"] for g in gold} - {None} <= steps
    assert sum(not g["is_pain"] for g in gold) >= 30  # negations, praise and suggestions to get right


def test_eval_set_score_counts_overlaps_categories_steps_and_pii():
    gold = [
        {"file": "f.txt", "sheet": None, "row": 2, "column": None, "start": 0, "end": 10, "is_pain": True,
         "sentence": "Rosa waits", "category": "waiting", "step_id": "R01", "lang": "es",
         "pii": [{"start": 0, "end": 4, "type": "PERSON", "text": "Rosa"}]},
        {"file": "f.txt", "sheet": None, "row": 2, "column": None, "start": 11, "end": 20, "is_pain": False,
         "sentence": "all good.", "category": None, "step_id": None, "lang": "es", "pii": []},
        {"file": "f.txt", "sheet": None, "row": 4, "column": None, "start": 0, "end": 8, "is_pain": True,
         "sentence": "a 6123 b", "category": "cost", "step_id": "R02", "lang": "en",
         "pii": [{"start": 2, "end": 6, "type": "PHONE", "text": "6123"}]},
    ]
    pains = [{"file": "f.txt", "sheet": None, "row": 2, "column": None, "start": 0, "end": 10,
              "category": "waiting", "step_id": "R02", "lang": "es"},
             {"file": "f.txt", "sheet": None, "row": 2, "column": None, "start": 12, "end": 15,
              "category": "cost", "step_id": None, "lang": "es"}]
    pii = [{"file": "f.txt", "sheet": None, "row": 2, "column": None, "start": 0, "end": 4, "type": "PERSON"},
           {"file": "f.txt", "sheet": None, "row": 4, "column": None, "start": 2, "end": 4, "type": "NATIONAL_ID"},
           {"file": "f.txt", "sheet": None, "row": 9, "column": None, "start": 0, "end": 4, "type": "PERSON"}]
    m = bench.score(gold, pains, pii)
    assert (m["all"]["precision"], m["all"]["recall"]) == (0.5, 0.5)
    assert m["es"]["f1"] == pytest.approx(2 / 3)
    assert m["en"]["recall"] == 0.0 and m["all"]["category_acc"] == 1.0
    assert m["all"]["step_acc"] == 0.0 and m["all"]["step_coverage"] == 1.0
    assert m["all"]["pii_recall"] == 0.5 and m["all"]["pii_recall_any"] == 1.0  # row 9 is outside the gold
    assert m["all"]["pii_precision"] == 0.5 and m["all"]["pii_char_recall"] == pytest.approx(6 / 8)
    kinds = sorted(e["kind"] for e in bench.errors(gold, pains, pii))
    assert kinds == ["FN", "FP", "PII-TYPE", "STEP"]


# Measured on commit 01aea76, all 138 gold sentences (bench/interview_eval.py --code on a
# `git archive` snapshot); each floor is the measured value minus 0.05.
FLOORS = {
    ("all", "f1"): 0.802 - 0.05, ("en", "f1"): 0.792 - 0.05, ("es", "f1"): 0.808 - 0.05,
    ("all", "category_acc"): 0.644 - 0.05, ("all", "step_acc"): 0.687 - 0.05,
    ("all", "pii_recall"): 0.974 - 0.05, ("all", "pii_precision"): 0.974 - 0.05,
    ("all", "pii_char_recall"): 0.929 - 0.05,
}


@pytest.mark.slow
def test_eval_set_regression_floor_end_to_end():
    metrics, _ = bench.evaluate_set(next(iter(bench.SETS)))
    low = {k: round(metrics[k[0]][k[1]], 3) for k, floor in FLOORS.items() if metrics[k[0]][k[1]] < floor}
    assert not low, f"held-out interview quality fell below its floor: {low}"
