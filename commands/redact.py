"""``python cli.py redact FILE… [--lang auto|en|es] --format jsonl``: personal data in transcripts.

One record per personal-data span in every turn (interviewers' too): ``file``, ``sheet``,
``row``, ``column`` (the turn's source reference), ``start``, ``end`` (offsets in the turn's
text), ``text`` (the span as written), ``type`` (PERSON, PHONE, EMAIL, NATIONAL_ID, ADDRESS).
Names used as speaker labels of an interview are found wherever they appear in it.
"""

from __future__ import annotations

from commands._output import add_output_arguments, write_records
from commands._research_input import LOCATION, project_tables, read_utterances
from research.errors import InputError

__all__ = ["NAME", "HELP", "FIELDS", "add_arguments", "run", "pii_records"]

NAME = "redact"
HELP = "list personal data (names, phones, e-mails, cédulas, addresses) found in transcripts"
FIELDS = ["file", "sheet", "row", "column", "start", "end", "text", "type"]


def add_arguments(parser) -> None:
    """Arguments of ``redact``."""
    parser.add_argument("files", nargs="*", metavar="FILE", help="transcripts or JSONL texts")
    parser.add_argument("--lang", choices=("auto", "en", "es"), default="auto",
                        help="language of the interviews (default: detected per interview)")
    parser.add_argument("--project", default=None, help="scan this stored project's utterances instead of files")
    parser.add_argument("--db", default=None, help="database URL (default DATABASE_URL or sqlite:///recorrido.db)")
    add_output_arguments(parser, formats=("jsonl", "json", "csv", "xlsx"), default="jsonl")


def pii_records(utterances, lang: str | None = None) -> list[dict]:
    """One record per personal-data span of every turn of ``utterances``."""
    from nlp.extract import interview_languages
    from nlp.redact import find_pii

    if not len(utterances):
        return []
    df = utterances.copy()
    df["interview_id"] = df["interview_id"].astype(object).where(df["interview_id"].notna(), "")
    langs = interview_languages(df, lang)
    speakers = {iid: [s for s in dict.fromkeys(g["speaker"].tolist()) if isinstance(s, str)]
                for iid, g in df.groupby("interview_id", sort=False)}
    records = []
    for row in df.to_dict("records"):
        text = row.get("text")
        if not isinstance(text, str) or not text:
            continue
        where = {out: row.get(col) for out, col in LOCATION.items()}
        for span in find_pii(text, langs[row["interview_id"]], speakers[row["interview_id"]]):
            records.append({**where, **span})
    return records


def run(args) -> int:
    """Print (or write) one record per personal-data span."""
    lang = None if args.lang == "auto" else args.lang
    if args.project and args.files:
        raise InputError("give FILEs or --project, not both", "choose one", file="command line")
    if args.project:
        utterances = project_tables(args.project, args.db)[1]["utterances"]
    elif args.files:
        utterances = read_utterances(args.files, lang)
    else:
        raise InputError("no input", "give transcript files or --project NAME", file="command line")
    write_records(pii_records(utterances, lang), args.format, args.out, columns=FIELDS, sheet="personal data")
    return 0
