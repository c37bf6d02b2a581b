"""``python cli.py diagram``: a journey diagram as PNG, SVG, PDF or standalone HTML (offline).

Inputs as for ``cli.py journey`` (``--project NAME`` or ``--steps/--log/--painpoints/--narrated/
--participants`` files; the helpers of :mod:`commands.journey` read them). ``--view`` chooses
the diagram (:data:`journeys.diagrams.VIEWS`): ``map`` (journey map), ``blueprint`` (service
blueprint), ``graph`` (service graph) or ``priorities``; ``--segment`` one segment;
``--channels web,office`` only some channels; ``--lang es|en`` the words; ``--out`` the file, its
extension giving the format (``.png`` at print resolution, ``.svg``, ``.pdf``, ``.html`` with the
Vega libraries inlined).
"""

from __future__ import annotations

from pathlib import Path

from commands.journey import _tables_from_files, _tables_from_project
from research.errors import InputError

__all__ = ["NAME", "HELP", "add_arguments", "run", "add_input_arguments", "load_inputs", "parse_effort"]

NAME = "diagram"
HELP = "Journey diagram (map, blueprint, graph, priorities) as PNG, SVG, PDF or HTML."


def add_input_arguments(parser) -> None:
    """The input options shared by ``diagram`` and ``report`` (the same as ``journey``)."""
    parser.add_argument("--project", metavar="NAME", help="read every table of this stored project")
    parser.add_argument("--db", metavar="URL", help="repository URL (default DATABASE_URL or sqlite:///recorrido.db)")
    parser.add_argument("--steps", metavar="FILE", help="steps sheet (.xlsx or .csv)")
    parser.add_argument("--log", metavar="FILE", help="event log (.csv, .xlsx, .xes, .xes.gz, .parquet)")
    parser.add_argument("--painpoints", metavar="FILE", help="pain points, the JSONL that `extract` writes")
    parser.add_argument("--narrated", metavar="FILE", help="narrated journeys (.csv, .xlsx or .jsonl)")
    parser.add_argument("--participants", metavar="FILE", help="participants table (for segments and reach)")
    parser.add_argument("--segment", metavar="S", help="only this segment (citizen, business, ...)")
    parser.add_argument("--weights", metavar="W", help="priority weights, e.g. reach=2,severity=1,delay=1")
    parser.add_argument("--lang", choices=("es", "en"), default="es", help="language of the words (default es)")


def add_arguments(parser) -> None:
    """Arguments of ``diagram``."""
    add_input_arguments(parser)
    parser.add_argument("--view", choices=("map", "blueprint", "graph", "priorities"), default="map",
                        help="which diagram (default map)")
    parser.add_argument("--channels", metavar="LIST", help="only these channels, e.g. web,office")
    parser.add_argument("--effort", metavar="LIST", help="effort per step for the priorities view, e.g. S10=3,S06=1")
    parser.add_argument("--scale", type=float, default=2.0, help="PNG scale factor (default 2, print resolution)")
    parser.add_argument("--out", required=True, metavar="FILE", help="output file: .png, .svg, .pdf or .html")


def parse_effort(text: str | None) -> dict:
    """``"S10=3,S06=1"`` -> ``{"S10": 3.0, "S06": 1.0}``.

    Examples
    --------
    >>> parse_effort("S10=3, S06=1.5")
    {'S10': 3.0, 'S06': 1.5}
    """
    out = {}
    for part in (text or "").split(","):
        if not part.strip():
            continue
        key, sep, value = part.partition("=")
        try:
            out[key.strip()] = float(value)
        except ValueError:
            raise InputError(f"effort {part.strip()!r} is not step=number", "write it like S10=3,S06=1",
                             file="command line") from None
        if not sep or not key.strip():
            raise InputError(f"effort {part.strip()!r} is not step=number", "write it like S10=3,S06=1",
                             file="command line")
    return out


def load_inputs(args) -> tuple[dict, dict]:
    """Read the tables (project or files) and build the journey report once: ``(tables, report)``."""
    from journeys.analysis import journey_report
    from journeys.priorities import parse_weights

    if args.project and (args.steps or args.log or args.painpoints or args.narrated or args.participants
                         or getattr(args, "transcripts", None)):
        raise InputError("--project cannot be combined with input files",
                         "use either --project NAME or --steps/--log/... files", file="command line")
    if not args.project and not args.steps and not args.log:
        raise InputError("nothing to draw", "give --project NAME, --steps FILE, --log FILE or both files",
                         file="command line")
    weights = parse_weights(args.weights) if args.weights else None
    tables = _tables_from_project(args) if args.project else _tables_from_files(args)
    report = journey_report(tables["steps"], tables["events"], tables["pain_points"], tables["narrated"],
                            tables["participants"], segment=args.segment, weights=weights)
    return tables, report


def run(args) -> int:
    """Build the report, draw the view, write the file."""
    from journeys.diagrams import build_view
    from journeys.export import CHART_FORMATS, save_chart

    out = Path(args.out)
    ext = out.suffix.lower().lstrip(".")
    if ext not in CHART_FORMATS and ext != "htm":
        raise InputError(f"unknown image format {out.suffix or '(none)'!r}",
                         f"end --out with one of {', '.join('.' + f for f in CHART_FORMATS)}", file=out.name)
    if not (args.scale > 0):
        raise InputError("--scale must be above 0", "use e.g. --scale 2", file="command line")
    effort = parse_effort(args.effort)
    channels = [c.strip().lower() for c in args.channels.split(",") if c.strip()] if args.channels else None
    tables, report = load_inputs(args)
    chart = build_view(args.view, report, lang=args.lang, pain_points=tables["pain_points"],
                       participants=tables["participants"], channels=channels, effort=effort or None)
    save_chart(chart, out, scale=args.scale)
    return 0
