"""Pain-point detection vs VADER on the labelled development sets, in one run.

Usage::

    .venv/bin/python bench/nlp_eval.py [FILE.jsonl ...] [--n-process 2]

Without files it scores every ``*.jsonl`` in ``../shared/data/feedback``. For each file and
language it prints n, our precision / recall / F1 and VADER's F1 (``vaderSentiment``, compound
<= -0.05 counts as "pain"; VADER is English-only, its Spanish numbers are the peer baseline as
is), with the difference. Texts are classified as a whole: a text is a pain when any of its
sentences is one (ours) or when its compound score is negative enough (VADER). The ``question``
field is context for our detector; VADER sees only the text.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from nlp.evaluate import predict_records, prf, read_labelled  # noqa: E402

DEFAULT_DIR = ROOT.parent / "shared" / "data" / "feedback"
TARGETS = {"complaints_twitter": 0.70, "nhs_patient_feedback_en": 0.65, "semeval16_absa_rest": 0.60}


def vader_predictions(texts: list[str]) -> list[bool]:
    """VADER's baseline decision: compound <= -0.05."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    analyser = SentimentIntensityAnalyzer()
    return [analyser.polarity_scores(t)["compound"] <= -0.05 for t in texts]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*")
    parser.add_argument("--n-process", type=int, default=1)
    args = parser.parse_args(argv)
    files = [Path(f) for f in args.files] or sorted(DEFAULT_DIR.glob("*.jsonl"))
    if not files:
        print(f"no labelled files found in {DEFAULT_DIR}", file=sys.stderr)
        return 2
    header = f"{'file':32} {'lang':4} {'n':>6} {'P':>6} {'R':>6} {'F1':>6} {'VADER F1':>9} {'diff':>6} {'target':>6}"
    print(header)
    print("-" * len(header))
    t0 = time.perf_counter()
    for path in files:
        records = read_labelled(path)
        stem = path.name.split(".")[0]
        for lang in ("en", "es"):
            mine = [r for r in records if r["lang"] == lang]
            if not mine:
                continue
            gold = [bool(r["label"]) for r in mine]
            ours = prf(gold, predict_records(mine, lang, n_process=args.n_process))
            vader = prf(gold, vader_predictions([r["text"] for r in mine]))
            target = TARGETS.get(stem)
            print(f"{stem[:32]:32} {lang:4} {len(mine):6d} {ours['precision']:6.3f} {ours['recall']:6.3f} "
                  f"{ours['f1']:6.3f} {vader['f1']:9.3f} {ours['f1'] - vader['f1']:+6.3f} "
                  f"{'' if target is None else f'{target:.2f}':>6}", flush=True)
    print(f"\n{time.perf_counter() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
