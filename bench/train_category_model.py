"""Train the shipped pain-category classifiers (``nlp/data/category_model/<lang>``).

Trains :func:`nlp.category_model.train` with :data:`nlp.category_model.DEFAULT_TRAIN` on the pain
records of :data:`nlp.category_model.TRAINING_SETS` (our own invented sets in ``bench/data``; never
``data/eval``, never the feedback data) and writes one model per language. Deterministic: the
same sets give the same model and the same predictions.

Run: ``.venv/bin/python bench/train_category_model.py [--lang en] [--out DIR]``
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from nlp.category_model import MODEL_DIR, train, training_examples  # noqa: E402

__all__ = ["main"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lang", choices=("en", "es"), action="append", help="default: both")
    parser.add_argument("--out", type=Path, default=MODEL_DIR, help="writes OUT/<lang>")
    args = parser.parse_args(argv)
    for lang in args.lang or ["en", "es"]:
        examples = training_examples(lang)
        model = train(examples, lang)
        model.to_disk(args.out / lang)
        size = sum(f.stat().st_size for f in (args.out / lang).rglob("*") if f.is_file())
        print(f"{lang}: {len(examples)} sentences -> {args.out / lang} ({size / 1e6:.2f} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
