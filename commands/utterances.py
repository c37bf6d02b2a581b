"""``python cli.py utterances FILE… [--kind] [--map COL=FIELD …] [--lang] [--interviewer NAME]``.

Parses transcript files without storing anything and prints one record per utterance with
every canonical field of DESIGN.md §3 (``project`` is null). A file that is not a transcript
(a participants roster, steps, an event log) is an error: use ``import`` for those.
"""

from __future__ import annotations

from pathlib import Path

from commands._output import add_output_arguments, write_records
from research.columns import parse_mapping
from research.errors import InputError
from research.schema import UTTERANCE_COLUMNS

__all__ = ["NAME", "HELP", "add_arguments", "run"]

NAME = "utterances"
HELP = "parse transcript files (no storage) and print one record per utterance"


def add_arguments(parser) -> None:
    parser.add_argument("files", nargs="+", metavar="FILE", help="transcript files (.xlsx .csv .txt .md .docx .vtt .srt …)")
    parser.add_argument("--kind", choices=("transcripts",), default=None,
                        help="what the files hold (only transcripts make utterances; default: detect)")
    parser.add_argument("--map", action="append", default=[], metavar="COLUMN=FIELD",
                        help="map a source column to a field (interview_id, participant_id, speaker, "
                             "speaker_role, text, timestamp, lang, seq); repeatable")
    parser.add_argument("--lang", choices=("en", "es"), default=None, help="language of every utterance (default: detect)")
    parser.add_argument("--interviewer", action="append", default=[], metavar="NAME",
                        help="a speaker who is an interviewer (repeatable)")
    add_output_arguments(parser, formats=("jsonl", "csv", "json", "xlsx"), default="jsonl")


def run(args) -> int:
    from research.readers import EVENTLOG_EXTENSIONS, detect_kind, extension_of, read_file

    mapping = parse_mapping(args.map)
    records: list[dict] = []
    for f in args.files:
        if not args.kind and extension_of(f) in EVENTLOG_EXTENSIONS + (".csv", ".tsv") and Path(f).is_file():
            kind = detect_kind(f)  # cheap here: by extension, or the first rows of a CSV
            if kind != "transcripts":
                raise InputError(f"this file holds {kind}, not transcripts",
                                 f"use `python cli.py import {f} --kind {kind}` to store it", file=Path(f).name)
        result = read_file(f, kind="transcripts" if args.kind else None, mapping=mapping, lang=args.lang,
                           interviewer=args.interviewer or None)
        if result.kind != "transcripts":
            raise InputError(f"this file holds {result.kind}, not transcripts",
                             f"use `python cli.py import {f} --kind {result.kind}` to store it", file=result.file)
        df = result.tables["utterances"]
        records.extend(_records(df))
    write_records(records, args.format, args.out, columns=list(UTTERANCE_COLUMNS), sheet="utterances")
    return 0


def _records(df) -> list[dict]:
    cols = list(UTTERANCE_COLUMNS)
    out = []
    for row in df[cols].itertuples(index=False, name=None):
        out.append({c: (None if _missing(v) else v) for c, v in zip(cols, row, strict=True)})
    return out


def _missing(v) -> bool:
    try:
        return v is None or (v != v)  # NaN, pd.NA raises in bool -> handled below
    except TypeError:
        return True
