"""Scoring the pain-point detector against labelled texts.

Labelled files are JSON Lines with ``text``, ``lang`` (en|es) and ``label`` (1 = describes a
problem, 0 = not), and optionally ``question`` (the question the text answers: context, not
text to classify). A text is predicted as a pain when any of its sentences is one.

Sentence annotations (e.g. ``data/demo/annotations.jsonl``) have ``sentence`` (or ``text``),
``lang``, ``is_pain`` and ``category``; :func:`evaluate_annotations` scores them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from nlp.painpoints import analyse_texts
from research.errors import InputError

__all__ = ["read_labelled", "prf", "evaluate_records", "evaluate_file", "evaluate_annotations"]


def read_labelled(path: str | Path) -> list[dict]:
    """Read a labelled JSONL file; every line needs ``text``, ``lang`` and ``label``.

    Raises
    ------
    InputError
        When the file is missing, a line is not JSON, or a field is missing or invalid.

    Examples
    --------
    >>> import tempfile, os
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = os.path.join(d, "x.jsonl")
    ...     _ = open(p, "w").write('{"text": "ok", "lang": "en", "label": 0}\\n')
    ...     read_labelled(p)[0]["label"]
    0
    """
    path = Path(path)
    if not path.is_file():
        raise InputError("file not found", "check the path", file=str(path))
    rows = []
    with path.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError:
                raise InputError("not a JSON line", "write one JSON object per line",
                                 file=path.name, row=lineno) from None
            if not isinstance(rec, dict):
                raise InputError("not a JSON object", "write one JSON object per line",
                                 file=path.name, row=lineno)
            for field in ("text", "lang", "label"):
                if field not in rec:
                    raise InputError(f"missing field {field!r}", "give text, lang and label on every line",
                                     file=path.name, row=lineno)
            if rec["lang"] not in ("en", "es"):
                raise InputError(f"lang {rec['lang']!r} is not supported", "use en or es",
                                 file=path.name, row=lineno)
            if rec["label"] not in (0, 1, True, False):
                raise InputError(f"label {rec['label']!r} is not 0 or 1", "use 1 for a problem, 0 otherwise",
                                 file=path.name, row=lineno)
            if not isinstance(rec["text"], str):
                raise InputError("text is not a string", "quote the text", file=path.name, row=lineno)
            rows.append(rec)
    return rows


def prf(gold: Iterable[bool], predicted: Iterable[bool]) -> dict:
    """Precision, recall and F1 of the positive class (0.0 when undefined).

    Examples
    --------
    >>> prf([1, 1, 0, 0], [1, 0, 1, 0])
    {'precision': 0.5, 'recall': 0.5, 'f1': 0.5}
    """
    tp = fp = fn = 0
    for g, p in zip(gold, predicted, strict=True):
        if p and g:
            tp += 1
        elif p:
            fp += 1
        elif g:
            fn += 1
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}


def predict_records(records: list[dict], lang: str, n_process: int = 1) -> list[bool]:
    """Text-level predictions (any sentence is a pain) for records of one language."""
    texts = [r["text"] for r in records]
    contexts = [r.get("question") for r in records]
    return [any(s["is_pain"] for s in rows)
            for rows in analyse_texts(texts, lang, contexts=contexts, n_process=n_process)]


def evaluate_records(records: list[dict], file: str = "<input>", n_process: int = 1) -> list[dict]:
    """Score labelled records, one result per language present (``en`` first).

    Examples
    --------
    >>> recs = [{"text": "I waited four hours.", "lang": "en", "label": 1},
    ...         {"text": "Lovely staff.", "lang": "en", "label": 0}]
    >>> evaluate_records(recs, "demo.jsonl")
    [{'file': 'demo.jsonl', 'lang': 'en', 'n': 2, 'precision': 1.0, 'recall': 1.0, 'f1': 1.0}]
    """
    out = []
    for lang in ("en", "es"):
        mine = [r for r in records if r["lang"] == lang]
        if not mine:
            continue
        predicted = predict_records(mine, lang, n_process=n_process)
        out.append({"file": file, "lang": lang, "n": len(mine),
                    **prf([bool(r["label"]) for r in mine], predicted)})
    return out


def evaluate_file(path: str | Path, n_process: int = 1) -> list[dict]:
    """Score one labelled JSONL file: ``[{"file", "lang", "n", "precision", "recall", "f1"}]``.

    Raises
    ------
    InputError
        See :func:`read_labelled`.

    Examples
    --------
    >>> import tempfile, os
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = os.path.join(d, "x.jsonl")
    ...     _ = open(p, "w").write('{"text": "Esperé tres horas.", "lang": "es", "label": 1}\\n')
    ...     evaluate_file(p)[0]["f1"]
    1.0
    """
    path = Path(path)
    return evaluate_records(read_labelled(path), path.name, n_process=n_process)


def evaluate_annotations(path: str | Path) -> dict:
    """Score sentence annotations: pain P/R/F1 and category accuracy on the true pains found.

    Each line: ``sentence`` (or ``text``), ``lang``, ``is_pain`` and ``category`` (for pains);
    an optional ``context`` is the question the sentence answers.

    Returns
    -------
    dict
        ``{"file", "n", "precision", "recall", "f1", "category_n", "category_accuracy"}``;
        category accuracy is over sentences that are pains in the gold and the prediction.

    Examples
    --------
    >>> import tempfile, os, json
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = os.path.join(d, "a.jsonl")
    ...     _ = open(p, "w").write(json.dumps({"sentence": "Esperé tres horas.", "lang": "es",
    ...                                         "is_pain": True, "category": "waiting"}) + "\\n")
    ...     evaluate_annotations(p)["category_accuracy"]
    1.0
    """
    path = Path(path)
    if not path.is_file():
        raise InputError("file not found", "check the path", file=str(path))
    rows = []
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError:
            raise InputError("not a JSON line", "write one JSON object per line", file=path.name,
                             row=lineno) from None
        text = rec.get("sentence", rec.get("text"))
        if not isinstance(text, str) or rec.get("lang") not in ("en", "es") or "is_pain" not in rec:
            raise InputError("an annotation needs sentence, lang (en|es) and is_pain",
                             "fix the annotation line", file=path.name, row=lineno)
        rows.append((text, rec["lang"], bool(rec["is_pain"]), rec.get("category"), rec.get("context")))
    gold, pred, cat_hits, cat_n = [], [], 0, 0
    for lang in ("en", "es"):
        mine = [r for r in rows if r[1] == lang]
        if not mine:
            continue
        results = analyse_texts([r[0] for r in mine], lang, contexts=[r[4] for r in mine])
        for r, sents in zip(mine, results, strict=True):
            pains = [s for s in sents if s["is_pain"]]
            gold.append(r[2])
            pred.append(bool(pains))
            if r[2] and pains and r[3]:
                cat_n += 1
                best = max(pains, key=lambda s: s["severity"])
                cat_hits += best["category"] == r[3]
    return {"file": path.name, "n": len(gold), **prf(gold, pred), "category_n": cat_n,
            "category_accuracy": round(cat_hits / cat_n, 4) if cat_n else None}
