"""Personal-data redaction quality on a small hand-annotated set (bench/data/pii_gold.jsonl).

The set was written by hand for this purpose (it is not taken from any dataset) and differs
from the sentences of tests/nlp/test_redact.py. A predicted span counts as correct when its
type matches a gold span and the two overlap by at least half of the longer one (strict:
identical boundaries, reported too).

Run: ``.venv/bin/python bench/redact_quality.py``
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from nlp.redact import find_pii  # noqa: E402

GOLD = Path(__file__).parent / "data" / "pii_gold.jsonl"


def _gold_spans(rec):
    out, pos = [], {}
    for text, typ in rec["pii"]:
        start = rec["text"].find(text, pos.get(text, 0))
        assert start >= 0, (text, rec["text"])
        pos[text] = start + 1
        out.append((start, start + len(text), typ))
    return out


def _match(p, g, strict):
    if p[2] != g[2]:
        return False
    if strict:
        return p[:2] == g[:2]
    overlap = min(p[1], g[1]) - max(p[0], g[0])
    return overlap >= 0.5 * max(p[1] - p[0], g[1] - g[0])


def score(records, strict=False):
    tp = fp = fn = 0
    misses = []
    for rec in records:
        gold = _gold_spans(rec)
        pred = [(s["start"], s["end"], s["type"]) for s in find_pii(rec["text"], rec["lang"])]
        hit_g = {i for i, g in enumerate(gold) if any(_match(p, g, strict) for p in pred)}
        hit_p = {i for i, p in enumerate(pred) if any(_match(p, g, strict) for g in gold)}
        tp += len(hit_g)
        fn += len(gold) - len(hit_g)
        fp += len(pred) - len(hit_p)
        misses += [("missed", rec["text"][g[0]:g[1]], g[2]) for i, g in enumerate(gold) if i not in hit_g]
        misses += [("spurious", rec["text"][p[0]:p[1]], p[2]) for i, p in enumerate(pred) if i not in hit_p]
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return {"spans": tp + fn, "precision": round(precision, 3), "recall": round(recall, 3)}, misses


def main():
    records = [json.loads(ln) for ln in GOLD.read_text("utf-8").splitlines() if ln.strip()]
    print(f"{'set':<14}{'texts':>6}{'spans':>7}{'precision':>11}{'recall':>8}")
    for lang in ("es", "en", None):
        subset = [r for r in records if lang in (None, r["lang"])]
        for strict in (False, True):
            res, misses = score(subset, strict)
            name = f"{lang or 'all'}{' strict' if strict else ''}"
            print(f"{name:<14}{len(subset):>6}{res['spans']:>7}{res['precision']:>11.3f}{res['recall']:>8.3f}")
    for m in score(records)[1]:
        print("  ", *m)


if __name__ == "__main__":
    main()
