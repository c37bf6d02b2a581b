"""Leave-one-set-out cross-validation of the pain-category classifier against the rules alone.

For each of the nine labelled sets of :data:`nlp.category_model.TRAINING_SETS` and each language,
a classifier is trained (:func:`nlp.category_model.train`) on the other eight sets and the full
pipeline (``make_nlp`` with ``category_model`` set to that model) runs on the left-out set; the
rules alone (``category_model`` None) run on it too. Scoring is that of
``bench/category_dev.py``: category accuracy on the true positives (a text's category is that of
its most severe pain sentence); pain precision / recall / F1 must be identical with and without
the model (checked; exit 1 otherwise).

Prints, per language, a table of left-out sets: true positives, category accuracy of the rules,
of rules + model, and of the classifier alone (its top category for the sentence the rules
picked, whatever the rules say). ``--grid`` also prints the number of correct categories over
a grid of ``category_margin`` x ``category_model_weight`` (the same :func:`choose_category` on
the same classifiers), to choose them.

Caveat: the rules were tuned on most of these sets (``dev``, ``check``, ``tune3``/``tune4``, and
errors of the blind sets after they were scored), so on those the rules' accuracy is optimistic
and the model can only lose ground there; ``blind5`` and ``blind6`` are the least tuned on.

Run: ``.venv/bin/python bench/category_cv.py [--margin 1.5] [--weight 0.5] [--grid] [--demo]``
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.category_dev import score  # noqa: E402
from nlp.category_model import TRAINING_SETS, choose_category, train, training_examples  # noqa: E402
from nlp.components import CONTEXT_KEY, DEFAULT_CONFIG, SENTENCES_KEY  # noqa: E402
from nlp.pipeline import make_nlp  # noqa: E402

__all__ = ["DEMO", "read_sets", "predict", "cross_validate", "main"]

DEMO = ROOT / "data" / "demo" / "annotations.jsonl"
MARGINS = (0.0, 0.3, 0.5, 0.7, 1.0, 1.5, 2.0, 99.0)
WEIGHTS = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 1.0)


def read_sets(files=TRAINING_SETS) -> dict[str, list[dict]]:
    """Records of each set, by set name (``category_<name>.jsonl``), in file order."""
    return {Path(f).stem.removeprefix("category_"): [json.loads(ln) for ln in Path(f).read_text("utf-8").splitlines()
                                                      if ln.strip()] for f in files}


def predict(nlp, rec: dict) -> tuple[bool, str | None, dict | None, str | None]:
    """(is pain, category, category scores, sentence) of a record's most severe pain sentence."""
    doc = nlp.make_doc(rec["text"])
    doc.user_data[CONTEXT_KEY] = rec.get("context")
    for _name, proc in nlp.pipeline:
        doc = proc(doc)
    pains = [r for r in doc.user_data[SENTENCES_KEY] if r["is_pain"]]
    if not pains:
        return False, None, None, None
    best = max(pains, key=lambda r: r["severity"])
    return True, best["category"], best.get("category_scores") or {}, rec["text"][best["start"]:best["end"]]


def cross_validate(lang: str, sets: dict[str, list[dict]], margin: float, weight: float,
                   demo: bool = False, train_options: dict | None = None) -> dict:
    """Rules vs rules + model on each left-out set of ``lang``.

    Returns ``{"rows": [(set, tp, rules ok, combined ok, classifier ok)], "rules": scores,
    "combined": scores, "grid": {(margin, weight): correct}, "same_pains": bool}``.
    """
    rules_nlp = make_nlp(lang, {"pain_points": {"category_model": None}})
    rows = []
    all_rules, all_comb = [], []
    grid = {(m, w): 0 for m in MARGINS for w in WEIGHTS}
    same = True
    with tempfile.TemporaryDirectory() as tmp:
        for name, recs in sets.items():
            recs = [r for r in recs if r["lang"] == lang]
            if not recs:
                continue
            files = [f for f in TRAINING_SETS if Path(f).stem != f"category_{name}"] + ([DEMO] if demo else [])
            model = train(training_examples(lang, files), lang, **(train_options or {}))
            folder = Path(tmp) / f"{lang}-{name}"
            model.to_disk(folder)
            comb_nlp = make_nlp(lang, {"pain_points": {"category_model": str(folder), "category_margin": margin,
                                                       "category_model_weight": weight}})
            r_rows, c_rows = [], []
            tp = ok_r = ok_c = ok_m = 0
            for rec in recs:
                pain, cat, scores, sent = predict(rules_nlp, rec)
                pain_c, cat_c, _s, _t = predict(comb_nlp, rec)
                same = same and pain == pain_c
                r_rows.append((rec, pain, cat))
                c_rows.append((rec, pain_c, cat_c))
                if pain and rec["is_pain"]:
                    gold = rec["category"]
                    probs = model.probabilities([sent])[0]
                    tp += 1
                    ok_r += cat == gold
                    ok_c += cat_c == gold
                    ok_m += max(probs, key=probs.get) == gold
                    for m, w in grid:
                        grid[(m, w)] += choose_category(scores, cat, probs, m, w) == gold
            rows.append((name, tp, ok_r, ok_c, ok_m))
            all_rules += r_rows
            all_comb += c_rows
    return {"rows": rows, "rules": score(all_rules), "combined": score(all_comb), "grid": grid, "same_pains": same}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--margin", type=float, default=DEFAULT_CONFIG["category_margin"])
    parser.add_argument("--weight", type=float, default=DEFAULT_CONFIG["category_model_weight"])
    parser.add_argument("--grid", action="store_true", help="correct categories over margins x weights")
    parser.add_argument("--demo", action="store_true", help="also train on data/demo/annotations.jsonl")
    parser.add_argument("--lang", choices=("en", "es"), action="append", help="default: both")
    parser.add_argument("--train-option", action="append", default=[], metavar="KEY=VALUE",
                        help="a training option of nlp.category_model.DEFAULT_TRAIN (numbers)")
    args = parser.parse_args(argv)
    options = {k: float(v) if "." in v else int(v) for k, v in (o.split("=", 1) for o in args.train_option)}
    sets = read_sets()
    ok = True
    print(f"margin {args.margin}, weight {args.weight}" + (", + demo annotations" if args.demo else "")
          + (f", {options}" if options else ""))
    for lang in args.lang or ["en", "es"]:
        res = cross_validate(lang, sets, args.margin, args.weight, args.demo, options)
        print(f"\n{lang}  {'left out':<8}{'tp':>5}{'rules':>8}{'+model':>8}{'clf alone':>11}")
        for name, tp, r, c, m in res["rows"]:
            print(f"    {name:<8}{tp:>5}{r / tp:>8.3f}{c / tp:>8.3f}{m / tp:>11.3f}")
        tp, r, c, m = (sum(row[i] for row in res["rows"]) for i in range(1, 5))
        print(f"    {'total':<8}{tp:>5}{r / tp:>8.3f}{c / tp:>8.3f}{m / tp:>11.3f}   ({r} / {c} / {m} correct)")
        rs, cs = res["rules"], res["combined"]
        print(f"    pain P/R/F1 rules {rs['precision']:.3f}/{rs['recall']:.3f}/{rs['f1']:.3f}, "
              f"+model {cs['precision']:.3f}/{cs['recall']:.3f}/{cs['f1']:.3f}"
              f"{'' if res['same_pains'] else '  PAIN DECISIONS DIFFER'}")
        ok = ok and res["same_pains"]
        if args.grid:
            print(f"    correct (rules alone {r}) by margin (rows) x weight (columns)")
            print("    " + " " * 6 + "".join(f"{w:>6}" for w in WEIGHTS))
            for mg in MARGINS:
                print(f"    {mg:>6}" + "".join(f"{res['grid'][(mg, w)]:>6}" for w in WEIGHTS))
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
