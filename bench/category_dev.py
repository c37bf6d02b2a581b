"""Pain detection and category choice on our own interview-style development set.

``bench/data/category_dev.jsonl`` holds 120 invented sentences (60 English, 60 Spanish; citizens
and public servants; passports, health appointments, social benefits, water connection, school
enrolment), written for this project, each with gold ``is_pain`` and ``category`` and, for answers
that need it, the interviewer's question as ``context``. Each text is scored with
:func:`nlp.painpoints.analyse_text`: predicted pain when any of its sentences is a pain; the
predicted category is that of the most severe pain sentence.

Prints precision / recall / F1 of "is pain" and category accuracy on the true positives, per
language and overall.

Two more sets check that the rules generalise (``--file``): ``bench/data/category_check.jsonl``
(40 sentences: pensions, vaccination, civil registry, property tax), written after the first round
of rules — its errors were then seen, so a second round of general patterns is not blind to it;
``bench/data/category_blind2.jsonl`` (36 sentences: scholarships, electricity, courts, garbage
collection), written after the second round and scored once: never tune on it.

Run: ``.venv/bin/python bench/category_dev.py [--errors] [--file SET.jsonl]``
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from nlp.painpoints import analyse_text  # noqa: E402

__all__ = ["DEV", "predict", "score", "main"]

DEV = ROOT / "bench" / "data" / "category_dev.jsonl"


def predict(rec: dict) -> tuple[bool, str | None]:
    """(is pain, category) of one development record."""
    pains = [r for r in analyse_text(rec["text"], rec["lang"], context=rec.get("context")) if r["is_pain"]]
    if not pains:
        return False, None
    best = max(pains, key=lambda r: r["severity"])
    return True, best["category"]


def score(rows: list[tuple[dict, bool, str | None]]) -> dict:
    """Precision, recall, F1 and category accuracy of ``(record, predicted pain, category)`` rows."""
    tp = sum(1 for r, p, _ in rows if p and r["is_pain"])
    fp = sum(1 for r, p, _ in rows if p and not r["is_pain"])
    fn = sum(1 for r, p, _ in rows if not p and r["is_pain"])
    prec = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    cat_ok = sum(1 for r, p, c in rows if p and r["is_pain"] and c == r["category"])
    return {"n": len(rows), "precision": prec, "recall": rec, "f1": f1,
            "category_acc": cat_ok / tp if tp else 0.0, "tp": tp}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--errors", action="store_true", help="list every wrong record")
    parser.add_argument("--file", type=Path, default=DEV,
                        help="another set in the same format, e.g. bench/data/category_check.jsonl")
    args = parser.parse_args(argv)
    recs = [json.loads(ln) for ln in args.file.read_text("utf-8").splitlines() if ln.strip()]
    rows = [(r, *predict(r)) for r in recs]
    print(f"{'set':<8}{'n':>5}{'P':>7}{'R':>7}{'F1':>7}{'cat acc':>9}")
    for name, sel in (("en", "en"), ("es", "es"), ("all", None)):
        s = score([row for row in rows if sel is None or row[0]["lang"] == sel])
        print(f"{name:<8}{s['n']:>5}{s['precision']:>7.3f}{s['recall']:>7.3f}{s['f1']:>7.3f}"
              f"{s['category_acc']:>9.3f}")
    if args.errors:
        for r, p, c in rows:
            if p != r["is_pain"] or (p and c != r["category"]):
                print(f"{r['id']}: gold {r['category'] or '-'} / got {c if p else '-'}: {r['text']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
