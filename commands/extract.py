"""``python cli.py extract FILE… [--steps STEPS.xlsx] [--lang auto|en|es] [--no-redact] [--project NAME]``.

One record per pain point found in participants' turns: ``file``, ``sheet``, ``row``, ``column``
(exactly the utterance's source reference), ``interview_id``, ``participant_id``, ``sentence``
(personal data redacted unless ``--no-redact``), ``start``, ``end`` (offsets in the utterance
text), ``category``, ``severity``, ``step_id``, ``channel``, ``lang``, ``cues``, ``id``.

FILE may be any transcript the readers accept, or a JSONL file of texts (fields ``text``,
optional ``lang`` and ``id``; each line one participant utterance, row = line number). With
``--project NAME`` the project's stored utterances (and steps) are used instead of files, and
the suggestions (status ``suggested``) and narrated journeys are stored back in the project.
"""

from __future__ import annotations

from commands._output import add_output_arguments, write_records
from commands._research_input import LOCATION, project_tables, read_steps_file, read_utterances
from research.errors import InputError

__all__ = ["NAME", "HELP", "FIELDS", "add_arguments", "run", "pain_point_records"]

NAME = "extract"
HELP = "find pain points (category, severity, step, channel) in transcripts, personal data redacted"
FIELDS = ["file", "sheet", "row", "column", "interview_id", "participant_id", "sentence", "start", "end",
          "category", "severity", "step_id", "channel", "lang", "cues", "id"]


def add_arguments(parser) -> None:
    """Arguments of ``extract``."""
    parser.add_argument("files", nargs="*", metavar="FILE", help="transcripts or JSONL texts")
    parser.add_argument("--steps", default=None, metavar="STEPS.xlsx", help="steps sheet to link pain points to")
    parser.add_argument("--lang", choices=("auto", "en", "es"), default="auto",
                        help="language of the interviews (default: detected per interview)")
    parser.add_argument("--no-redact", action="store_true", help="keep personal data in the sentences")
    parser.add_argument("--project", default=None, help="use (and update) this stored project instead of files")
    parser.add_argument("--db", default=None, help="database URL (default DATABASE_URL or sqlite:///recorrido.db)")
    add_output_arguments(parser, formats=("jsonl", "json", "csv", "xlsx"), default="jsonl")


def pain_point_records(pain_points) -> list[dict]:
    """Rows of the pain_points table -> records of the command's contract (:data:`FIELDS`)."""
    records = []
    for row in pain_points.to_dict("records"):
        rec = {out: row.get(col) for out, col in LOCATION.items()}
        rec.update({k: row.get(k) for k in FIELDS if k not in LOCATION})
        records.append(rec)
    return records


def run(args) -> int:
    """Extract, print (or write) the records; with ``--project`` also store the suggestions."""
    from nlp.extract import extract_pain_points

    lang = None if args.lang == "auto" else args.lang
    if args.project and args.files:
        raise InputError("give FILEs or --project, not both",
                         "import the files into the project first, then run extract --project",
                         file="command line")
    repo = None
    if args.project:
        repo, tables = project_tables(args.project, args.db)
        utterances, steps = tables["utterances"], tables.get("steps")
    elif args.files:
        utterances, steps = read_utterances(args.files, lang), None
    else:
        raise InputError("no input", "give transcript files or --project NAME", file="command line")
    if args.steps:
        steps = read_steps_file(args.steps)
    if steps is not None and not len(steps):
        steps = None
    pain_points = extract_pain_points(utterances, steps, redact=not args.no_redact, lang=lang)
    if repo is not None:
        repo.save_suggestions(args.project, pain_points)
        if steps is not None:
            from nlp.narrated import narrated_journeys

            repo.save_narrated(args.project, narrated_journeys(utterances, steps, lang=lang))
    write_records(pain_point_records(pain_points), args.format, args.out, columns=FIELDS, sheet="pain points")
    return 0
