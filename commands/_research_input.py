"""Reading the inputs of ``extract`` and ``redact``: transcripts (any reader format) or JSONL
feedback files (one participant utterance per line), steps sheets, or a stored project."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from commands._inputs import read_jsonl
from research.errors import InputError
from research.schema import UTTERANCE_COLUMNS, conform

__all__ = ["read_utterances", "read_jsonl_utterances", "read_steps_file", "project_tables", "LOCATION"]

#: Output field -> utterance / pain-point column: the source reference, exactly as stored.
LOCATION = {"file": "source_file", "sheet": "source_sheet", "row": "source_row", "column": "source_column"}


def read_jsonl_utterances(path: str | Path) -> pd.DataFrame:
    """A JSONL file with ``text`` (and optional ``lang``, ``id``) per line -> utterances.

    Each line is one participant utterance; ``source_row`` is its line number; the interview is
    the line's ``id`` (else ``<file stem>:<line>``).
    """
    path = Path(path)
    rows = []
    for n, rec in read_jsonl(path):
        if not isinstance(rec, dict) or not isinstance(rec.get("text"), str):
            raise InputError("the line has no \"text\" field", "give each line a \"text\" string",
                             file=path.name, row=n)
        iid = str(rec["id"]) if rec.get("id") is not None else f"{path.stem}:{n}"
        lang = rec.get("lang") if rec.get("lang") in ("en", "es") else None
        rows.append({"project": None, "interview_id": iid, "participant_id": iid, "speaker": None,
                     "speaker_role": "participant", "seq": 1, "text": rec["text"], "timestamp": None,
                     "lang": lang, "source_file": path.name, "source_sheet": None, "source_row": n,
                     "source_column": None})
    if not rows:
        raise InputError("the file holds no lines", "give one JSON object per line", file=path.name)
    return pd.DataFrame(rows, columns=list(UTTERANCE_COLUMNS)).astype(object)


def read_utterances(files, lang: str | None = None) -> pd.DataFrame:
    """The utterances of every file, in order (``.jsonl`` as feedback lines, others via the readers)."""
    frames = []
    for file in files:
        path = Path(file)
        if path.suffix.lower() == ".jsonl":
            frames.append(read_jsonl_utterances(path))
            continue
        from research.readers import read_file

        result = read_file(path, kind="transcripts", lang=lang)
        utt = result.tables.get("utterances")
        if utt is None or not len(utt):
            raise InputError("no transcript turns found", "check the file holds interview text",
                             file=path.name)
        frames.append(conform(utt, "utterances"))
    return pd.concat(frames, ignore_index=True) if frames else conform(pd.DataFrame(), "utterances")


def read_steps_file(path: str | Path) -> pd.DataFrame:
    """The steps table of a steps sheet (xlsx/csv)."""
    from research.readers import read_file

    return read_file(Path(path), kind="steps").tables["steps"]


def project_tables(project: str, db: str | None = None):
    """``(repository, tables)`` of a stored project."""
    from research.repository import Repository

    repo = Repository(db)
    if not repo.project_exists(project):
        raise InputError(f"there is no project {project!r}",
                         "list them with `python cli.py projects list`, or import files first",
                         file="command line")
    return repo, repo.tables(project)
