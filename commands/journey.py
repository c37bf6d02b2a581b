"""``python cli.py journey``: the journey report — touchpoint graph, metrics, priorities, conformance.

Inputs, either a stored project (``--project NAME [--db URL]``) or files:
``--steps FILE`` (steps sheet, :func:`journeys.steps.read_steps`), ``--log FILE`` (event log,
:func:`journeys.eventlog.read_eventlog`), ``--painpoints FILE.jsonl`` (what ``cli.py extract``
writes), ``--narrated FILE`` (csv/xlsx/jsonl with ``interview_id, participant_id, position,
step_id, channel``), ``--participants FILE`` (:func:`research.readers.read_file`).

``--log`` alone works: the steps are then inferred from the log's activities (one step per
activity, ordered by median position in the cases) and there is no designed journey to compare
with. With both ``--steps`` and ``--log``, activities are matched to steps by id, name or synonym
(case- and accent-insensitive); events whose activity matches no step are left out and listed
under ``unmapped`` with a note saying how many — add the activity names as ``synonyms`` in the
steps sheet to bring them in.

Output: :func:`journeys.analysis.journey_report` as JSON, or as an Excel workbook with one sheet
per section (``--format xlsx``; text cells neutralised against formulas).
"""

from __future__ import annotations

from commands._inputs import add_input_arguments, load_inputs, read_narrated, read_painpoints
from commands._output import add_output_arguments, write_json, write_sheets

__all__ = ["NAME", "HELP", "add_arguments", "run", "read_painpoints", "read_narrated"]

NAME = "journey"
HELP = "Journey report: touchpoint graph, metrics, priorities, failure demand, conformance."


def add_arguments(parser) -> None:
    """Arguments of ``journey``."""
    add_input_arguments(parser, lang=False)
    add_output_arguments(parser, formats=("json", "xlsx"), default="json")


def run(args) -> int:
    """Read the inputs, build the report, print it."""
    from journeys.analysis import report_sheets

    _, report = load_inputs(args, verb="analyse")
    if args.format == "xlsx":
        write_sheets(report_sheets(report), args.out)
    else:
        write_json(report, args.out)
    return 0
