"""``python cli.py diagram``: a journey diagram as PNG, SVG, PDF or standalone HTML (offline).

Inputs as for ``cli.py journey`` (``--project NAME`` or ``--steps/--log/--painpoints/--narrated/
--participants`` files; :mod:`commands._inputs` reads them). ``--view`` chooses
the diagram (:data:`journeys.diagrams.VIEWS`): ``map`` (journey map), ``blueprint`` (service
blueprint), ``graph`` (service graph) or ``priorities``; ``--segment`` one segment;
``--channels web,office`` only some channels; ``--lang es|en`` the words; ``--out`` the file, its
extension giving the format (``.png`` at print resolution, ``.svg``, ``.pdf``, ``.html`` with the
Vega libraries inlined).
"""

from __future__ import annotations

from pathlib import Path

from commands._inputs import add_input_arguments, load_inputs
from research.errors import InputError

__all__ = ["NAME", "HELP", "add_arguments", "run", "add_input_arguments", "load_inputs", "parse_effort"]

NAME = "diagram"
HELP = "Journey diagram (map, blueprint, graph, priorities) as PNG, SVG, PDF or HTML."


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
