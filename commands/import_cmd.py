"""``python cli.py import FILE… [--project NAME] [--kind K] [--map COLUMN=FIELD…]``: store files.

Each file is read (``research.readers.read_file``) and stored into the project (created when
missing; default ``default``) in its own transaction. One JSON summary per file is printed as soon
as that file is stored: kind, layout detected, interviews, utterances, participant utterances,
rows skipped and why, plus ``project``, ``status`` (``imported`` | ``already imported``) and
``position`` (1-based order on the command line). A file whose content is already in the project
is not stored again. On a bad file the command stops with exit 2 and the one-line error: the
files before it (the summaries already printed) stay imported, the ones after it are not read.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from commands._output import to_jsonable, write_json
from research.errors import InputError
from research.result import KINDS

__all__ = ["NAME", "HELP", "add_arguments", "run", "parse_mapping"]

NAME = "import"
HELP = "read transcripts, participants, steps or event logs and store them in a project"


def add_arguments(parser) -> None:
    """Arguments of ``import``."""
    parser.add_argument("files", nargs="+", metavar="FILE", help="files to import, in order")
    parser.add_argument("--project", default="default", help="project to store into (created if missing)")
    parser.add_argument("--kind", choices=KINDS, default=None, help="what the files hold (default: detect)")
    parser.add_argument("--map", nargs="+", action="extend", default=[], metavar="COLUMN=FIELD",
                        help="use the file's COLUMN as the canonical FIELD (overrides detection)")
    parser.add_argument("--lang", choices=("en", "es"), default=None, help="language of the transcripts")
    parser.add_argument("--db", default=None, help="database URL (default DATABASE_URL or sqlite:///recorrido.db)")
    parser.add_argument("--format", choices=("jsonl", "json"), default="jsonl",
                        help="jsonl (default): one summary per line, printed as each file is stored; "
                             "json: one list at the end")
    parser.add_argument("--out", default=None, help="write the summaries here instead of standard output")


def parse_mapping(items: list[str]) -> dict[str, str]:
    """``["Nombre del hablante=speaker", ...]`` -> ``{"Nombre del hablante": "speaker"}``.

    Examples
    --------
    >>> parse_mapping(["Quién habla=speaker", "Texto=text"])
    {'Quién habla': 'speaker', 'Texto': 'text'}
    """
    mapping: dict[str, str] = {}
    for item in items:
        column, sep, field = item.rpartition("=")
        if not sep or not column.strip() or not field.strip():
            raise InputError(f"--map {item!r} is not COLUMN=FIELD",
                             "write it as --map \"Column name=field\", e.g. --map Hablante=speaker",
                             file="command line")
        mapping[column.strip()] = field.strip()
    return mapping


def run(args) -> int:
    """Import every file in order; print one summary per file."""
    from research.guards import check_size
    from research.readers import read_file
    from research.repository import Repository, content_hash

    mapping = parse_mapping(args.map) or None
    repo = Repository(args.db)
    summaries: list[dict] = []
    out = open(args.out, "w", encoding="utf-8") if (args.out and args.format == "jsonl") else None  # noqa: SIM115
    try:
        for position, file in enumerate(args.files, start=1):
            path = Path(file)
            try:
                check_size(path)
                digest = content_hash(path)
                known = repo.find_import(args.project, digest) if repo.project_exists(args.project) else None
                if known is not None:
                    summary = {**known, "file": path.name, "project": args.project,
                               "status": "already imported"}
                else:
                    result = read_file(path, kind=args.kind, mapping=mapping, lang=args.lang,
                                       project=args.project)
                    summary = repo.import_result(args.project, result, digest)
            except InputError as exc:
                raise exc.located(file=path.name) from None
            except OSError as exc:
                raise InputError(f"cannot read the file ({exc.strerror})", "check the path and its permissions",
                                 file=path.name) from None
            summary = {"position": position, **summary}
            summaries.append(summary)
            if args.format == "jsonl":
                fh = out or sys.stdout
                fh.write(json.dumps(to_jsonable(summary), ensure_ascii=False) + "\n")
                fh.flush()
    finally:
        if args.format == "json":
            write_json(summaries, args.out)
        if out is not None:
            out.close()
        repo.close()
    return 0
