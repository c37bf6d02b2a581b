"""End-to-end NLP quality on interview transcripts, run as a new user would run it.

For the held-out set ``data/eval`` (licence renewal, invented, labelled in ``gold.jsonl``) and, for
comparison, the demo project ``data/demo`` (``annotations.jsonl``, on which the NLP was tuned),
this runs the real command line::

    python cli.py extract FILE… --steps STEPS.xlsx --format jsonl --no-redact
    python cli.py redact FILE… --format jsonl

and prints, per language and overall:

* sentence-level precision / recall / F1 of "is pain" — a gold sentence counts as predicted pain
  when a predicted pain point (same file, sheet, row, column) overlaps its character range;
  predicted pain points that overlap no gold sentence count as false positives too;
* category accuracy on the true-positive sentences (the pain point with the largest overlap);
* step accuracy on the true-positive sentences whose gold ``step_id`` is set, and coverage (share
  of those given any step); ``step acc (given)`` is the accuracy among the linked ones;
* personal-data recall and precision by span overlap, type-aware and type-agnostic, over the
  participant utterances that have gold sentences (speaker labels are not scored), and the share
  of gold personal-data characters a predicted span covers (a split address leaks its middle).

Targets (issue 3): F1 ≥ 0.80, category accuracy ≥ 0.75, step accuracy ≥ 0.60, PII recall ≥ 0.95
with precision ≥ 0.90.

Run: ``.venv/bin/python bench/interview_eval.py [--errors N] [--json] [--code DIR]``

To measure the committed code while others edit the tree:
``rm -rf /tmp/head && mkdir /tmp/head && git archive HEAD | tar -x -C /tmp/head`` then
``--code /tmp/head``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT / "data" / "eval"
DEMO = ROOT / "data" / "demo"

__all__ = ["SETS", "run_pipeline", "score", "errors", "main"]


def _demo_files() -> tuple[list[Path], Path]:
    manifest = json.loads((DEMO / "manifest.json").read_text("utf-8"))
    files = [DEMO / f["path"] for f in manifest["files"] if f["kind"] == "transcripts"]
    steps = next(DEMO / f["path"] for f in manifest["files"] if f["kind"] == "steps")
    return files, steps


def _eval_files() -> tuple[list[Path], Path]:
    sys.path.insert(0, str(EVAL))
    from generate_eval import TRANSCRIPT_FILES  # noqa: PLC0415

    return [EVAL / f for f in TRANSCRIPT_FILES], EVAL / "pasos.xlsx"


#: name -> (function giving (transcript files, steps file), gold file)
SETS = {
    "held-out (data/eval)": (_eval_files, EVAL / "gold.jsonl"),
    "demo (data/demo, tuned on)": (_demo_files, DEMO / "annotations.jsonl"),
}


#: the checkout whose cli.py is run (``--code DIR`` picks another one, e.g. a ``git archive HEAD``
#: snapshot, to measure committed code while others edit the shared tree)
CODE = ROOT


def _cli(args: list[str]) -> list[dict]:
    proc = subprocess.run([sys.executable, str(CODE / "cli.py"), *args], capture_output=True, text=True,
                          encoding="utf-8", cwd=CODE, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"cli.py {args[0]} failed ({proc.returncode}): {proc.stderr.strip()[-500:]}")
    return [json.loads(ln) for ln in proc.stdout.splitlines() if ln.strip()]


def run_pipeline(files, steps) -> tuple[list[dict], list[dict]]:
    """Run ``extract`` (with the steps sheet, no redaction) and ``redact`` on the files via the CLI.

    Returns the pain-point records and the personal-data records, as the commands print them.
    """
    files = [str(f) for f in files]
    pains = _cli(["extract", *files, "--steps", str(steps), "--format", "jsonl", "--no-redact"])
    pii = _cli(["redact", *files, "--format", "jsonl"])
    return pains, pii


def _ref(r: dict) -> tuple:
    return (r["file"], r.get("sheet"), r["row"], r.get("column"))


def _overlap(a0, a1, b0, b1) -> int:
    return max(0, min(a1, b1) - max(a0, b0))


def _prf(tp: int, fp: int, fn: int) -> dict:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}


def _match(gold: list[dict], pains: list[dict]):
    """For each gold sentence, the best-overlapping predicted pain point (or None); unmatched preds."""
    by_ref: dict[tuple, list[dict]] = {}
    for p in pains:
        by_ref.setdefault(_ref(p), []).append(p)
    used = set()
    best = []
    for g in gold:
        cands = [(_overlap(g["start"], g["end"], p["start"], p["end"]), i, p)
                 for i, p in enumerate(by_ref.get(_ref(g), []))]
        cands = [c for c in cands if c[0] > 0]
        for _, i, p in cands:
            used.add((_ref(p), i))
        best.append(max(cands, key=lambda c: c[0])[2] if cands else None)
    stray = [p for ref, ps in by_ref.items() for i, p in enumerate(ps) if (ref, i) not in used]
    return best, stray


def _pii_spans(gold: list[dict]) -> dict[tuple, list[tuple]]:
    out: dict[tuple, list[tuple]] = {}
    for g in gold:
        out.setdefault(_ref(g), [])
        for s in g["pii"]:
            out[_ref(g)].append((g["start"] + s["start"], g["start"] + s["end"], s["type"], g["lang"]))
    return out


def score(gold: list[dict], pains: list[dict], pii: list[dict]) -> dict:
    """Metrics per language and overall (keys ``en``, ``es``, ``all``).

    Each value holds ``n`` (gold sentences), ``n_pain``, ``precision``, ``recall``, ``f1``,
    ``category_acc`` (and ``n_tp``), ``step_acc``, ``step_coverage``, ``step_acc_given``
    (and ``n_step``), ``pii_recall``, ``pii_precision`` (type-aware), ``pii_recall_any``,
    ``pii_precision_any`` (type-agnostic), ``pii_char_recall`` (share of the gold personal-data
    characters inside a predicted span: what redaction really hides), ``n_pii`` and ``n_pii_pred``.
    """
    best, stray = _match(gold, pains)
    lang_of_ref = {_ref(g): g["lang"] for g in gold}
    gspans = _pii_spans(gold)
    pspans: dict[tuple, list[tuple]] = {ref: [] for ref in gspans}
    for s in pii:
        if _ref(s) in pspans:  # only participant utterances that are in the gold set
            pspans[_ref(s)].append((s["start"], s["end"], s["type"]))
    out = {}
    for lang in ("en", "es", "all"):
        keep = [(g, b) for g, b in zip(gold, best, strict=True) if lang in ("all", g["lang"])]
        tp = sum(g["is_pain"] and b is not None for g, b in keep)
        fp = sum((not g["is_pain"]) and b is not None for g, b in keep)
        fp += sum(1 for p in stray if lang in ("all", lang_of_ref.get(_ref(p), p.get("lang"))))
        fn = sum(g["is_pain"] and b is None for g, b in keep)
        m = {"n": len(keep), "n_pain": sum(g["is_pain"] for g, _ in keep), **_prf(tp, fp, fn)}
        tps = [(g, b) for g, b in keep if g["is_pain"] and b is not None]
        m["n_tp"] = len(tps)
        m["category_acc"] = sum(b["category"] == g["category"] for g, b in tps) / len(tps) if tps else 0.0
        stepped = [(g, b) for g, b in tps if g["step_id"]]
        given = [(g, b) for g, b in stepped if b.get("step_id")]
        m["n_step"] = len(stepped)
        m["step_acc"] = sum(b.get("step_id") == g["step_id"] for g, b in stepped) / len(stepped) if stepped else 0.0
        m["step_coverage"] = len(given) / len(stepped) if stepped else 0.0
        m["step_acc_given"] = sum(b["step_id"] == g["step_id"] for g, b in given) / len(given) if given else 0.0
        g_all = [(ref, s) for ref, ss in gspans.items() for s in ss if lang in ("all", s[3])]
        p_all = [(ref, s) for ref, ss in pspans.items() for s in ss if lang in ("all", lang_of_ref[ref])]
        for suffix, typed in (("", True), ("_any", False)):
            def hit(a, b, typed=typed):
                return _overlap(a[0], a[1], b[0], b[1]) > 0 and (not typed or a[2] == b[2])
            found = sum(any(hit(s, p) for p in pspans[ref]) for ref, s in g_all)
            right = sum(any(hit(p, s) for s in gspans[ref]) for ref, p in p_all)
            m["pii_recall" + suffix] = found / len(g_all) if g_all else 0.0
            m["pii_precision" + suffix] = right / len(p_all) if p_all else 0.0
        covered = total = 0  # characters of gold personal data that some predicted span covers
        for ref, s in g_all:
            total += s[1] - s[0]
            covered += sum(any(p[0] <= c < p[1] for p in pspans[ref]) for c in range(s[0], s[1]))
        m["pii_char_recall"] = covered / total if total else 0.0
        m["n_pii"], m["n_pii_pred"] = len(g_all), len(p_all)
        out[lang] = m
    return out


def errors(gold: list[dict], pains: list[dict], pii: list[dict]) -> list[dict]:
    """Every disagreement: kind (FN, FP, CATEGORY, STEP, PII-MISS, PII-TYPE,
    PII-PARTIAL, PII-EXTRA), where, what."""
    best, stray = _match(gold, pains)
    out = []
    for g, b in zip(gold, best, strict=True):
        where = f"{g['file']}:{g['sheet'] or ''}:{g['row']}:{g['column'] or ''}"
        base = {"where": where, "lang": g["lang"], "sentence": g["sentence"]}
        if g["is_pain"] and b is None:
            out.append({**base, "kind": "FN", "gold": g["category"], "pred": None})
        elif not g["is_pain"] and b is not None:
            out.append({**base, "kind": "FP", "gold": None, "pred": b["category"], "cues": b.get("cues")})
        elif g["is_pain"] and b is not None:
            if b["category"] != g["category"]:
                out.append({**base, "kind": "CATEGORY", "gold": g["category"], "pred": b["category"],
                            "cues": b.get("cues")})
            if g["step_id"] and b.get("step_id") != g["step_id"]:
                out.append({**base, "kind": "STEP", "gold": g["step_id"], "pred": b.get("step_id")})
    for p in stray:
        out.append({"where": f"{p['file']}:{p.get('sheet') or ''}:{p['row']}", "lang": p.get("lang"),
                    "sentence": p["sentence"], "kind": "FP-STRAY", "gold": None, "pred": p["category"]})
    gspans = _pii_spans(gold)
    text_of = {}
    for g in gold:
        for s in g["pii"]:
            text_of[(_ref(g), g["start"] + s["start"])] = s["text"]
    preds: dict[tuple, list[dict]] = {}
    for s in pii:
        if _ref(s) in gspans:
            preds.setdefault(_ref(s), []).append(s)
    for ref, ss in gspans.items():
        for s in ss:
            hits = [p for p in preds.get(ref, []) if _overlap(s[0], s[1], p["start"], p["end"])]
            if not hits:
                out.append({"where": ":".join("" if x is None else str(x) for x in ref), "lang": s[3], "kind": "PII-MISS",
                            "sentence": text_of[(ref, s[0])], "gold": s[2], "pred": None})
            elif all(p["type"] != s[2] for p in hits):
                out.append({"where": ":".join("" if x is None else str(x) for x in ref), "lang": s[3], "kind": "PII-TYPE",
                            "sentence": text_of[(ref, s[0])], "gold": s[2], "pred": hits[0]["type"]})
            elif any(not any(p["start"] <= c < p["end"] for p in hits) for c in range(s[0], s[1])):
                out.append({"where": ":".join("" if x is None else str(x) for x in ref), "lang": s[3], "kind": "PII-PARTIAL",
                            "sentence": text_of[(ref, s[0])], "gold": s[2],
                            "pred": " + ".join(repr(p["text"]) for p in hits)})
        for p in preds.get(ref, []):
            if not any(_overlap(s[0], s[1], p["start"], p["end"]) for s in ss):
                out.append({"where": ":".join("" if x is None else str(x) for x in ref), "lang": None, "kind": "PII-EXTRA",
                            "sentence": p["text"], "gold": None, "pred": p["type"]})
    return out


def load_gold(path: Path) -> list[dict]:
    return [json.loads(ln) for ln in Path(path).read_text("utf-8").splitlines() if ln.strip()]


def evaluate_set(name: str, ids=None) -> tuple[dict, list[dict]]:
    """Run the pipeline on one set of SETS; return (metrics, errors).

    ``ids``: score only these interview ids (e.g. a batch written after the others).
    """
    files_of, gold_path = SETS[name]
    files, steps = files_of()
    gold = load_gold(gold_path)
    pains, pii = run_pipeline(files, steps)
    if ids:
        gold = [g for g in gold if g["interview_id"] in set(ids)]
        refs = {_ref(g) for g in gold}
        pains = [p for p in pains if _ref(p) in refs]
    return score(gold, pains, pii), errors(gold, pains, pii)


COLUMNS = [("n", "sent", "{:d}"), ("n_pain", "pain", "{:d}"), ("precision", "P", "{:.3f}"),
           ("recall", "R", "{:.3f}"), ("f1", "F1", "{:.3f}"), ("category_acc", "cat acc", "{:.3f}"),
           ("step_acc", "step acc", "{:.3f}"), ("step_coverage", "step cov", "{:.3f}"),
           ("step_acc_given", "acc|given", "{:.3f}"), ("pii_recall", "PII R", "{:.3f}"),
           ("pii_precision", "PII P", "{:.3f}"), ("pii_recall_any", "PII R any", "{:.3f}"),
           ("pii_precision_any", "PII P any", "{:.3f}"),
           ("pii_char_recall", "PII chars", "{:.3f}"), ("n_pii", "n PII", "{:d}")]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="end-to-end NLP quality on interview transcripts")
    ap.add_argument("--errors", type=int, default=0, help="print up to N errors of the held-out set")
    ap.add_argument("--json", action="store_true", help="print the metrics as JSON instead of a table")
    ap.add_argument("--code", type=Path, default=ROOT,
                    help="run the cli.py of this checkout (default: this repository)")
    ap.add_argument("--ids", default="", help="held-out set only: score these interview ids (E12,E13)")
    args = ap.parse_args(argv)
    global CODE
    CODE = args.code.resolve()
    results, errs = {}, {}
    ids = [x.strip() for x in args.ids.split(",") if x.strip()]
    for k, name in enumerate(SETS):
        results[name], errs[name] = evaluate_set(name, ids if k == 0 else None)
    if args.json:
        print(json.dumps(results, indent=1))
    else:
        head = f"{'set':28s} {'lang':4s} " + " ".join(f"{h:>9s}" for _, h, _ in COLUMNS)
        print(head)
        print("-" * len(head))
        for name, per in results.items():
            for lang, m in per.items():
                print(f"{name:28s} {lang:4s} " + " ".join(f"{f.format(m[k]):>9s}" for k, _, f in COLUMNS))
        print("targets: F1 >= 0.80, cat acc >= 0.75, step acc >= 0.60, PII R >= 0.95, PII P >= 0.90")
    if args.errors:
        name = next(iter(SETS))
        print(f"\nerrors on {name} ({len(errs[name])} in all):")
        for e in errs[name][: args.errors]:
            print(f"{e['kind']:9s} {e['where']:45s} gold={e['gold']} pred={e['pred']} "
                  f"cues={e.get('cues')} | {e['sentence']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
