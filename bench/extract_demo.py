"""Extraction on the demo project against its gold annotations (data/demo/annotations.jsonl),
or on another annotated folder with ``--dir data/eval`` (steps ``pasos.xlsx``, gold ``gold.jsonl``).

Prints: pain points found, how many gold sentences they match, step-linking accuracy where the
gold step is set (on the extracted pain sentences that match a gold sentence, and on every gold
sentence with a step, linked with the same conversation context), and personal-data
precision/recall on the gold sentences (span overlap with the same type).

Run: ``.venv/bin/python bench/extract_demo.py``
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pandas as pd  # noqa: E402

from nlp.extract import extract_pain_points  # noqa: E402
from nlp.narrated import narrated_journeys  # noqa: E402
from nlp.redact import find_pii  # noqa: E402
from research.readers import read_file  # noqa: E402

DEMO = Path(__file__).resolve().parent.parent / "data" / "demo"


def _load(folder: Path):
    """Steps, utterances and gold of the demo (manifest) or of a folder like data/eval."""
    if (folder / "manifest.json").exists():
        manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
        steps_files = [f["path"] for f in manifest["files"] if f["kind"] == "steps"][:1]
        transcripts = [f["path"] for f in manifest["files"] if f["kind"] == "transcripts"]
        gold_file = folder / "annotations.jsonl"
    else:
        steps_files = [p.name for p in folder.glob("*.xlsx") if p.stem in ("pasos", "steps")]
        transcripts = sorted(p.name for p in folder.iterdir()
                             if p.suffix in (".xlsx", ".csv", ".txt", ".docx", ".vtt", ".srt") and p.name not in steps_files)
        gold_file = folder / "gold.jsonl"
    steps = read_file(folder / steps_files[0], kind="steps").tables["steps"]
    utt = pd.concat([read_file(folder / f, kind="transcripts").tables["utterances"] for f in transcripts],
                    ignore_index=True)
    return steps, utt, gold_file


def main():
    folder = Path(sys.argv[sys.argv.index("--dir") + 1]) if "--dir" in sys.argv else DEMO
    steps, utt, gold_file = _load(folder)
    if "--no-synonyms" in sys.argv:  # how well linking does from names, agencies and documents alone
        steps = steps.assign(synonyms="")
    gold = [json.loads(ln) for ln in gold_file.read_text("utf-8").splitlines() if ln.strip()]

    if "--link-only" not in sys.argv:  # skip the pain detector (linking and personal data only)
        t0 = time.perf_counter()
        pp = extract_pain_points(utt, steps, redact=False)
        seconds = time.perf_counter() - t0
        key = {(g["file"], g["sheet"], g["row"], g["column"], g["start"], g["end"]): g for g in gold}
        matched = [(r, key.get((r.source_file, r.source_sheet, r.source_row, r.source_column, r.start, r.end)))
                   for r in pp.itertuples()]
        with_gold = [(r, g) for r, g in matched if g is not None]
        stepped = [(r, g) for r, g in with_gold if g["step_id"]]
        correct = sum(r.step_id == g["step_id"] for r, g in stepped)
        abstained = sum(r.step_id is None for r, g in stepped)
        print(f"utterances {len(utt)}, participant pain points found {len(pp)} in {seconds:.1f}s; "
              f"matching a gold sentence {len(with_gold)}")
        print(f"step accuracy on extracted pain sentences with a gold step: {correct}/{len(stepped)} = "
              f"{correct / max(1, len(stepped)):.3f} (abstained {abstained}; "
              f"precision of the links given {correct}/{len(stepped) - abstained} = "
              f"{correct / max(1, len(stepped) - abstained):.3f})")
        wrong = [(g["sentence"][:70], g["step_id"], r.step_id) for r, g in stepped if r.step_id != g["step_id"]]
        for w in wrong:
            print("   ", *w)
    # every gold sentence with a step (pain or not), linked with the same kind of context
    from nlp.linking import build_step_index, link_step

    index = build_step_index(steps)
    utt = utt.reset_index(drop=True)
    where = {(r.source_file, r.source_sheet, r.source_row, r.source_column): i for i, r in enumerate(utt.itertuples())}
    by_turn = {}
    for g in gold:
        by_turn.setdefault((g["file"], g["sheet"], g["row"], g["column"]), []).append(g)
    ok = n = none = 0
    per_lang: dict = {}
    for key, sents in by_turn.items():
        i = where.get(key)
        if i is None:
            continue
        iid = utt.at[i, "interview_id"]
        before = utt[(utt["interview_id"] == iid) & (utt.index < i)]
        q = before[before["speaker_role"] == "interviewer"]["text"].tolist()
        p = before[before["speaker_role"] != "interviewer"]["text"].tolist()
        sents = sorted(sents, key=lambda g: g["start"])
        for j, g in enumerate(sents):
            if not g["step_id"]:
                continue
            earlier = [x["sentence"] for x in reversed(sents[:j])]
            column = utt.at[i, "source_column"]
            question = column if isinstance(column, str) and column else (q[-1] if q else "")
            link = link_step(g["sentence"], index, g["lang"], context=[question, *earlier[:2],
                                                                       p[-1] if p else ""])
            n += 1
            if link.step_id != g["step_id"] and "-v" in sys.argv:
                print("    all:", g["sentence"][:80], "| gold", g["step_id"], "got", link.step_id, link.via)
            ok += link.step_id == g["step_id"]
            none += link.step_id is None
            lang_n, lang_ok = per_lang.get(g["lang"], (0, 0))
            per_lang[g["lang"]] = (lang_n + 1, lang_ok + (link.step_id == g["step_id"]))
    print(f"step accuracy on all {n} gold sentences with a step: {ok / max(1, n):.3f} (abstained {none}); "
          + ", ".join(f"{k}: {v[1]}/{v[0]} = {v[1] / v[0]:.3f}" for k, v in sorted(per_lang.items())))

    if "--link-only" not in sys.argv:
        print(f"channel set on {pp['channel'].notna().sum()}/{len(pp)} pain points")

    narrated = narrated_journeys(utt, steps)
    print(f"narrated mentions {len(narrated)} over {narrated['interview_id'].nunique()} interviews")

    # personal data, per gold sentence (speaker names of the interview as labels)
    speakers = utt.groupby("interview_id")["speaker"].apply(lambda s: sorted(set(s.dropna()))).to_dict()
    tp = fp = fn = 0
    for g in gold:
        pred = find_pii(g["sentence"], g["lang"], speakers.get(g["interview_id"], []))
        gs = [(p["start"], p["end"], p["type"]) for p in g["pii"]]
        ps = [(p["start"], p["end"], p["type"]) for p in pred]

        def hit(a, b):
            return a[2] == b[2] and min(a[1], b[1]) - max(a[0], b[0]) >= 0.5 * max(a[1] - a[0], b[1] - b[0])

        tp += sum(any(hit(p, x) for p in ps) for x in gs)
        fn += sum(not any(hit(p, x) for p in ps) for x in gs)
        fp += sum(not any(hit(p, x) for x in gs) for p in ps)
        for p in pred:
            if not any(hit((p["start"], p["end"], p["type"]), x) for x in gs):
                print("    spurious pii:", p["text"], p["type"], "|", g["sentence"][:80])
        for x in gs:
            if not any(hit(p, x) for p in ps):
                print("    missed pii:", g["sentence"][x[0]:x[1]], x[2])
    print(f"personal data on gold sentences: {tp + fn} spans, precision {tp / max(1, tp + fp):.3f}, "
          f"recall {tp / max(1, tp + fn):.3f}")


if __name__ == "__main__":
    main()
