"""``python cli.py report``: the files a team takes away, chosen by the extension of ``--out``.

* ``.xlsx`` — the manager's Excel pack (:func:`journeys.export.excel_pack`);
* ``.qdpx`` — a REFI-QDA project for QualCoder, NVivo, ATLAS.ti or MAXQDA
  (:func:`journeys.export.qdpx_project`; needs the transcripts: a project, or ``--transcripts``);
  only reviewed pain points (accepted, edited, manual) are coded unless ``--include-suggested``;
* ``.graphml`` / ``.json`` — the journey graph (:func:`journeys.export.graph_to_graphml`,
  :func:`journeys.export.graph_to_json`).

Inputs as for ``cli.py journey`` plus ``--transcripts FILE…`` (any transcript file
:func:`research.readers.read_file` reads).
"""

from __future__ import annotations

from pathlib import Path

from commands._inputs import add_input_arguments, load_inputs
from research.errors import InputError

__all__ = ["NAME", "HELP", "add_arguments", "run"]

NAME = "report"
HELP = "Excel pack, REFI-QDA project (.qdpx), GraphML or JSON of the journey, by the --out extension."


def add_arguments(parser) -> None:
    """Arguments of ``report``."""
    add_input_arguments(parser)
    parser.add_argument("--transcripts", nargs="+", metavar="FILE", help="interview transcripts (for .qdpx)")
    parser.add_argument("--include-suggested", action="store_true",
                        help="in a .qdpx, also code pain points nobody has reviewed yet")
    parser.add_argument("--out", required=True, metavar="FILE", help="output file: .xlsx, .qdpx, .graphml or .json")


def _utterances(args):
    import pandas as pd

    if args.project:
        from research.repository import Repository

        return Repository(args.db).table(args.project, "utterances")
    if not args.transcripts:
        return None
    from research.readers import read_file

    parts = [read_file(p, kind="transcripts").tables["utterances"] for p in args.transcripts]
    return pd.concat(parts, ignore_index=True) if parts else None


def run(args) -> int:
    """Build the report and write the file its extension names."""
    from journeys.export import REPORT_FORMATS, write_export

    out = Path(args.out)
    ext = out.suffix.lower().lstrip(".")
    if ext not in REPORT_FORMATS:
        raise InputError(f"unknown report format {out.suffix or '(none)'!r}",
                         f"end --out with one of {', '.join('.' + f for f in REPORT_FORMATS)}", file=out.name)
    if ext == "qdpx" and not args.project and not args.transcripts:
        raise InputError("a .qdpx needs the interview transcripts", "add --transcripts FILE… or use --project NAME",
                         file="command line")
    tables, report = load_inputs(args)
    utterances = _utterances(args) if ext == "qdpx" else None
    write_export(out, report, pain_points=tables["pain_points"], participants=tables["participants"],
                 utterances=utterances, lang=args.lang, include_suggested=args.include_suggested)
    return 0
