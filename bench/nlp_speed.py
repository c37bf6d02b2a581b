"""Throughput of pain-point extraction vs bare spaCy tokenisation, measured in the same run.

Usage::

    .venv/bin/python bench/nlp_speed.py [--repeat 3] [--limit 4000]
    .venv/bin/python bench/nlp_speed.py --check ORIGINAL_ROOT [--limit 3000]

For each language it takes the texts of the labelled development sets in
``../shared/data/feedback`` (read at run time, never stored), counts their words with
``spacy.blank(lang)`` and reports words per second of

- bare tokenisation: ``spacy.blank(lang).pipe(texts)``;
- extraction: ``nlp.painpoints.analyse_texts(texts, lang)`` (sentences, lemmas, pain points and
  the plain-dict output), single process;
- extraction with ``n_process=2``;

with the ratios extraction / bare (target >= 0.40) and 2 processes / 1 process. Each figure is
the best of ``--repeat`` runs (the machine is shared; the best run is the least disturbed; bare
and extraction runs take turns);
single-process figures are CPU time of this process, the 2-process speed-up is wall time (so on a
busy shared machine it mostly measures how much CPU the neighbours leave; 1.0 or below there is
not a defect of the worker pool).

``--interviews`` times the utterances of our invented interview transcripts (``data/demo`` and
``data/eval``, read with our importers, repeated to ``--limit`` texts) instead: interview speech,
where cues are denser than in reviews and tweets.

``--check ORIGINAL_ROOT`` verifies that an optimisation changed nothing: ``ORIGINAL_ROOT`` is a
folder holding an older copy of the ``nlp`` package (e.g. the original ``pipeline.py`` and
``painpoints.py`` next to symlinks to today's other modules). ``analyse_texts`` runs in two
subprocesses, one importing ``nlp`` from ``ORIGINAL_ROOT`` and one from this repository, on the
same texts (every seventh with an improvement question as context), single process, with
``n_process=2`` and text by text (``analyse_text``, first 500); every record must be identical. Exit 1 on any difference.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import spacy  # noqa: E402

from nlp.painpoints import analyse_texts  # noqa: E402
from nlp.pipeline import get_nlp  # noqa: E402

FEEDBACK = ROOT.parent / "shared" / "data" / "feedback"


INTERVIEW_FILES = ["data/demo/P07.txt", "data/demo/P08.docx", "data/demo/P09.vtt", "data/demo/P10.srt",
                   "data/demo/entrevista_P06.csv", "data/demo/entrevistas_filas.xlsx",
                   "data/demo/entrevistas_por_hoja.xlsx", "data/demo/notas_campo.xlsx", "data/eval/E08.txt",
                   "data/eval/E09.docx", "data/eval/E10.vtt", "data/eval/E11.srt", "data/eval/entrevista_E07.csv",
                   "data/eval/entrevistas_filas.xlsx", "data/eval/entrevistas_por_hoja.xlsx",
                   "data/eval/notas_campo.xlsx"]


def load_interview_texts(lang: str, limit: int) -> list[str]:
    """Utterances of ``lang`` in our invented interview transcripts (demo and evaluation set, read
    with our importers), repeated up to ``limit`` texts: interview speech rather than reviews."""
    from research.readers import read_file

    texts = []
    for name in INTERVIEW_FILES:
        utterances = read_file(ROOT / name).tables.get("utterances")
        if utterances is not None:
            texts += [t for t, lg in zip(utterances["text"], utterances["lang"], strict=True)
                      if lg == lang and isinstance(t, str) and t.strip()]
    return (texts * (limit // max(1, len(texts)) + 1))[:limit] if texts else []


def load_texts(lang: str, limit: int) -> list[str]:
    """Texts of ``lang`` from every development file, round-robin, at most ``limit``."""
    per_file = []
    for path in sorted(FEEDBACK.glob("*.jsonl")):
        with path.open(encoding="utf-8") as fh:
            per_file.append([r["text"] for r in map(json.loads, fh) if r.get("lang") == lang])
    out = []
    i = 0
    while len(out) < limit and any(i < len(t) for t in per_file):
        out.extend(t[i] for t in per_file if i < len(t))
        i += 1
    return out[:limit]


def best_time(fn, repeat: int, clock=time.process_time) -> float:
    """Best of ``repeat`` runs. Single-process runs use CPU time of this process: the machine is
    shared, and wall time would mostly measure the neighbours."""
    best = float("inf")
    for _ in range(repeat):
        t0 = clock()
        fn()
        best = min(best, clock() - t0)
    return best


def best_times(fns, repeat: int, clock=time.process_time) -> list[float]:
    """Best of ``repeat`` runs of each function, the functions taking turns (bare, extraction,
    bare, ...) so that a busy spell of the shared machine slows both rather than one."""
    best = [float("inf")] * len(fns)
    for _ in range(repeat):
        for i, fn in enumerate(fns):
            t0 = clock()
            fn()
            best[i] = min(best[i], clock() - t0)
    return best


QUESTIONS = {"en": "What could we do better?", "es": "¿Qué podríamos mejorar?"}

_CHECK_CHILD = """
import json, sys
sys.path[:0] = [sys.argv[1], sys.argv[2]]
import nlp.painpoints as pp
sys.path.insert(0, sys.argv[2] + '/bench')
from nlp_speed import check_inputs
assert pp.__file__.startswith(sys.argv[1]), pp.__file__
out = {}
for lang in ('en', 'es'):
    texts, ctx = check_inputs(lang, int(sys.argv[3]))
    out[lang] = pp.analyse_texts(texts, lang, contexts=ctx)
    out[lang + '/2'] = pp.analyse_texts(texts, lang, contexts=ctx, n_process=2, batch_size=500)
    out[lang + '/1'] = [pp.analyse_text(t, lang, context=c) for t, c in zip(texts[:500], ctx[:500])]
json.dump(out, sys.stdout)
"""


def check_inputs(lang: str, limit: int) -> tuple[list[str], list[str | None]]:
    """Texts of the identity check and their contexts (every seventh asks for improvements)."""
    texts = load_texts(lang, limit)
    return texts, [QUESTIONS[lang] if i % 7 == 3 else None for i in range(len(texts))]


def check(original: Path, limit: int) -> int:
    """Compare ``analyse_texts`` of the ``nlp`` package in ``original`` with this repository's."""
    results = []
    for root in (original, ROOT):
        proc = subprocess.run([sys.executable, "-c", _CHECK_CHILD, str(root), str(ROOT), str(limit)],
                              capture_output=True, text=True, check=False)
        if proc.returncode:
            print(proc.stderr, file=sys.stderr)
            return 2
        results.append(json.loads(proc.stdout))
    old, new = results
    bad = 0
    for key in old:
        n_diff = sum(a != b for a, b in zip(old[key], new[key], strict=True))
        n_sent = sum(map(len, old[key]))
        print(f"{key:5} texts {len(old[key]):5d} sentences {n_sent:6d} "
              f"pains {sum(r['is_pain'] for rows in old[key] for r in rows):5d} differing texts {n_diff}")
        bad += n_diff
    print("IDENTICAL" if not bad else "DIFFERENT")
    return 1 if bad else 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--limit", type=int, default=4000, help="texts per language")
    parser.add_argument("--no-multiprocess", action="store_true", help="skip the n_process=2 run")
    parser.add_argument("--interviews", action="store_true",
                        help="time the utterances of data/demo and data/eval (repeated) instead of the feedback sets")
    parser.add_argument("--check", metavar="ORIGINAL_ROOT", type=Path,
                        help="compare results with the nlp package under this folder instead of timing")
    args = parser.parse_args(argv)
    if not FEEDBACK.is_dir():
        print(f"{FEEDBACK} not found", file=sys.stderr)
        return 2
    if args.check:
        return check(args.check, args.limit)
    print(f"{'lang':4} {'texts':>6} {'words':>8} {'bare w/s':>10} {'extract w/s':>12} {'ratio':>6} "
          f"{'2-proc w/s':>11} {'speed-up':>8}")
    for lang in ("en", "es"):
        texts = (load_interview_texts if args.interviews else load_texts)(lang, args.limit)
        blank = spacy.blank(lang)
        words = sum(len(d) for d in blank.pipe(texts))
        get_nlp(lang)  # build once, outside the timings
        analyse_texts(texts[:50], lang)
        bare, one = best_times([lambda b=blank, t=texts: [len(d) for d in b.pipe(t, batch_size=256)],
                                lambda t=texts, lg=lang: analyse_texts(t, lg)], args.repeat)
        line = (f"{lang:4} {len(texts):6d} {words:8d} {words / bare:10.0f} {words / one:12.0f} "
                f"{bare / one:6.2f}")
        if not args.no_multiprocess:
            # wall time here (the work happens in the children), against a wall-time single run
            one_wall = best_time(lambda t=texts, lg=lang: analyse_texts(t, lg), max(1, args.repeat - 1),
                                 clock=time.perf_counter)
            two = best_time(lambda t=texts, lg=lang: analyse_texts(t, lg, n_process=2, batch_size=500),
                            max(1, args.repeat - 1), clock=time.perf_counter)
            line += f" {words / two:11.0f} {one_wall / two:8.2f}"
        print(line, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
