"""``python cli.py evaluate FILE.jsonl… [--annotations A.jsonl] --format json|jsonl|csv|table``.

Scores the pain-point detector on labelled JSONL files (fields ``text``, ``lang``, ``label``,
optional ``question``): one result per file and language with precision, recall and F1. With
``--annotations`` it also scores sentence annotations (pain F1 and category accuracy).
"""

from __future__ import annotations

import sys

from commands._output import add_output_arguments, write_json, write_records
from research.errors import InputError

NAME = "evaluate"
HELP = "score pain-point detection on labelled JSONL files (precision, recall, F1 per language)"

_COLUMNS = ["file", "lang", "n", "precision", "recall", "f1"]


def add_arguments(parser) -> None:
    parser.add_argument("files", nargs="*", metavar="FILE.jsonl",
                        help="labelled files: one JSON object per line with text, lang, label")
    parser.add_argument("--annotations", default=None, metavar="A.jsonl",
                        help="sentence annotations (sentence, lang, is_pain, category) to score too")
    parser.add_argument("--n-process", type=int, default=1, help="worker processes (default 1)")
    add_output_arguments(parser, formats=("json", "jsonl", "csv", "table"), default="json")


def run(args) -> int:
    from nlp.evaluate import evaluate_annotations, evaluate_file

    if not args.files and not args.annotations:
        raise InputError("no file to evaluate", "give one or more labelled .jsonl files or --annotations",
                         file="command line")
    if args.n_process < 1:
        raise InputError("--n-process must be at least 1", "use --n-process 1 or 2", file="command line")
    results = []
    for path in args.files:
        results.extend(evaluate_file(path, n_process=args.n_process))
    annotations = evaluate_annotations(args.annotations) if args.annotations else None
    if args.format == "table":
        _write_table(results, annotations, args.out)
    elif annotations is not None and args.format == "json":
        write_json({"files": results, "annotations": annotations}, args.out)
    else:
        if annotations is not None:
            results = results + [{"file": annotations["file"], "lang": None, **{
                k: annotations[k] for k in ("n", "precision", "recall", "f1", "category_accuracy")}}]
        write_records(results, args.format, args.out, columns=_COLUMNS + (
            ["category_accuracy"] if annotations is not None else []))
    return 0


def _write_table(results, annotations, out) -> None:
    lines = [f"{'file':40} {'lang':4} {'n':>6} {'P':>6} {'R':>6} {'F1':>6}"]
    for r in results:
        lines.append(f"{r['file'][:40]:40} {r['lang']:4} {r['n']:6d} {r['precision']:6.3f} "
                     f"{r['recall']:6.3f} {r['f1']:6.3f}")
    if annotations is not None:
        acc = annotations["category_accuracy"]
        lines.append(f"{annotations['file'][:40]:40} {'':4} {annotations['n']:6d} "
                     f"{annotations['precision']:6.3f} {annotations['recall']:6.3f} {annotations['f1']:6.3f}"
                     f"  category accuracy {'-' if acc is None else f'{acc:.3f}'} "
                     f"(n={annotations['category_n']})")
    text = "\n".join(lines) + "\n"
    if out is None:
        sys.stdout.write(text)
    else:
        try:
            with open(out, "w", encoding="utf-8") as fh:
                fh.write(text)
        except OSError as exc:
            raise InputError(f"cannot write the output ({exc.strerror})", "choose another --out path",
                             file=out) from None
