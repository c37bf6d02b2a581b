"""``python cli.py discover LOG``: directly-follows graph, times, variants and durations of an event log.

Reads the log with :func:`journeys.eventlog.read_eventlog` and prints
:func:`journeys.discovery.discover` as JSON. ``--case/--activity/--timestamp/--channel`` name the
columns of the file when their names are not recognised. With ``--channel``, activities become
touchpoints ``"<activity> @ <channel>"`` (an event with no channel keeps its activity alone).
"""

from __future__ import annotations

from commands._output import add_output_arguments, write_json
from research.errors import InputError

__all__ = ["NAME", "HELP", "add_arguments", "run"]

NAME = "discover"
HELP = "Discover the directly-follows graph, times, variants and case durations of an event log (PM4Py semantics)."


def add_arguments(parser) -> None:
    """Arguments of ``discover``."""
    parser.add_argument("log", metavar="LOG", help="event log: .csv, .tsv, .xlsx, .xes, .xes.gz or .parquet")
    parser.add_argument("--case", metavar="COL", help="column holding the case id (default: detected)")
    parser.add_argument("--activity", metavar="COL", help="column holding the activity (default: detected)")
    parser.add_argument("--timestamp", metavar="COL", help="column holding the timestamp (default: detected)")
    parser.add_argument("--channel", nargs="?", const="", default=None, metavar="COL",
                        help="discover touchpoints 'activity @ channel'; COL names the channel column "
                             "(default: the detected channel column)")
    add_output_arguments(parser, formats=("json",), default="json")


def run(args) -> int:
    """Read the log, discover, print JSON."""
    from journeys.discovery import discover
    from journeys.eventlog import read_eventlog

    mapping = {}
    for field, col in (("case_id", args.case), ("activity", args.activity),
                       ("timestamp", args.timestamp), ("channel", args.channel or None)):
        if col:
            mapping[col] = field
    result = read_eventlog(args.log, mapping=mapping or None)
    events = result.tables["events"]
    activity = "activity"
    if args.channel is not None:
        if events["channel"].isna().all():
            raise InputError("the log has no channel values",
                             "name the channel column with --channel COL, or leave --channel out",
                             file=result.file)
        activity = ["activity", "channel"]
    write_json(discover(events, activity=activity), args.out)
    return 0
