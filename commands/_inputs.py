"""The journey inputs shared by ``journey``, ``diagram`` and ``report``: options, readers, loading.

Either a stored project (``--project NAME [--db URL]``) or files: ``--steps FILE`` (steps sheet,
:func:`journeys.steps.read_steps`), ``--log FILE`` (event log, :func:`journeys.eventlog.read_eventlog`),
``--painpoints FILE.jsonl`` (what ``cli.py extract`` writes), ``--narrated FILE`` (csv/xlsx/jsonl with
``interview_id, participant_id, position, step_id, channel``), ``--participants FILE``
(:func:`research.readers.read_file`). :func:`read_jsonl` is also used for the feedback lines of
``extract`` and ``redact``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from research.errors import InputError
from research.guards import check_size

__all__ = ["add_input_arguments", "read_jsonl", "read_painpoints", "read_narrated", "tables_from_project",
           "tables_from_files", "load_inputs"]

#: The input options that name files (``--project`` cannot be combined with any of them).
_FILE_OPTIONS = ("steps", "log", "painpoints", "narrated", "participants", "transcripts")


def add_input_arguments(parser, *, lang: bool = True) -> None:
    """The input options of ``journey``, ``diagram`` and ``report`` (``--lang`` unless ``lang=False``)."""
    parser.add_argument("--project", metavar="NAME", help="read every table of this stored project")
    parser.add_argument("--db", metavar="URL", help="repository URL (default DATABASE_URL or sqlite:///recorrido.db)")
    parser.add_argument("--steps", metavar="FILE", help="steps sheet (.xlsx or .csv)")
    parser.add_argument("--log", metavar="FILE", help="event log (.csv, .xlsx, .xes, .xes.gz, .parquet)")
    parser.add_argument("--painpoints", metavar="FILE", help="pain points, the JSONL that `extract` writes")
    parser.add_argument("--narrated", metavar="FILE", help="narrated journeys (.csv, .xlsx or .jsonl)")
    parser.add_argument("--participants", metavar="FILE", help="participants table (for segments and reach)")
    parser.add_argument("--segment", metavar="S", help="only this segment (citizen, business, ...)")
    parser.add_argument("--weights", metavar="W", help="priority weights, e.g. reach=2,severity=1,delay=1")
    if lang:
        parser.add_argument("--lang", choices=("es", "en"), default="es", help="language of the words (default es)")


def read_jsonl(path: str | Path) -> list[tuple[int, object]]:
    """``(line number, value)`` of every non-blank line of a UTF-8 JSON-lines file.

    Raises ``InputError`` (file, row) on a line that is not valid JSON, and when the file is not UTF-8
    text. Checking what each value holds is the caller's job.
    """
    path = Path(path)
    check_size(path)
    try:
        with open(path, encoding="utf-8-sig") as fh:
            lines = fh.readlines()  # lines end at \n or \r only: U+2028 may stand inside a JSON string
    except UnicodeDecodeError:
        raise InputError("the file is not UTF-8 text", "save it as UTF-8 JSON lines", file=path.name) from None
    out = []
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            out.append((n, json.loads(line)))
        except json.JSONDecodeError as exc:
            raise InputError(f"not valid JSON ({exc.msg})", "write one JSON object per line",
                             file=path.name, row=n) from None
        except RecursionError:  # hostile nesting: json.loads recurses once per level
            raise InputError("the JSON is nested too deeply", "write flat JSON objects, one per line",
                             file=path.name, row=n) from None
    return out


def read_painpoints(path: str) -> pd.DataFrame:
    """Read the JSONL of ``cli.py extract`` into a pain-points table (non-pain sentences dropped).

    Fields ``file, sheet, row, column`` become ``source_file, source_sheet, source_row,
    source_column``; a missing ``id`` becomes ``<file>:<line>``; ``status`` defaults to
    ``suggested``.
    """
    name = Path(path).name
    rows = []
    for n, rec in read_jsonl(path):
        if not isinstance(rec, dict):
            raise InputError("the line is not a JSON object", "write one {...} object per line",
                             file=name, row=n)
        if rec.get("is_pain") is False or (rec.get("is_pain") is None and not rec.get("category")):
            continue
        for a, b in (("file", "source_file"), ("sheet", "source_sheet"), ("row", "source_row"),
                     ("column", "source_column")):
            if b not in rec and a in rec:
                rec[b] = rec.pop(a)
        rec.setdefault("id", f"{name}:{n}")
        rec.setdefault("status", "suggested")
        rows.append(rec)
    from research.schema import PAIN_POINT_COLUMNS, conform

    return conform(pd.DataFrame(rows), "pain_points") if rows else pd.DataFrame(columns=list(PAIN_POINT_COLUMNS))


def read_narrated(path: str) -> pd.DataFrame:
    """Read narrated journeys from csv, xlsx or jsonl (columns ``research.schema.NARRATED_COLUMNS``)."""
    check_size(path)
    p = Path(path)
    suffix = p.suffix.lower()
    try:
        if suffix in (".jsonl", ".ndjson"):
            df = pd.read_json(p, lines=True, dtype=False)
        elif suffix == ".json":
            df = pd.DataFrame(json.loads(p.read_text(encoding="utf-8-sig")))
        elif suffix in (".xlsx", ".xlsm"):
            from research.guards import check_zip_archive

            check_zip_archive(p, p.name)
            df = pd.read_excel(p, engine="calamine", dtype=object)
        else:
            df = pd.read_csv(p, dtype=str, encoding="utf-8-sig", sep=None, engine="python")
    except InputError:
        raise
    except (ValueError, OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read narrated journeys ({' '.join(str(exc).split())[:120]})",
                         "give a .csv, .xlsx or .jsonl with interview_id, position, step_id", file=p.name) from None
    df.columns = [str(c).strip().lower() for c in df.columns]
    if "step_id" not in df.columns or not ({"interview_id", "participant_id"} & set(df.columns)):
        raise InputError("narrated journeys need step_id and interview_id (or participant_id) columns",
                         "add them (one row per step mentioned, with its position)", file=p.name)
    if "position" not in df.columns:
        df["position"] = range(1, len(df) + 1)
    return df


def tables_from_project(args) -> dict:
    """The journey tables of the stored project ``args.project`` (the demo is created on first use)."""
    from research.repository import Repository  # another engineer's module; lazy on purpose

    repo = Repository(args.db)
    if args.project == "demo":
        try:
            from research.demo import ensure_demo
        except ModuleNotFoundError:
            pass
        else:
            ensure_demo(repo)
    t = repo.tables(args.project)
    if not len(t.get("steps", [])) and not len(t.get("events", [])):
        raise InputError("the project has no steps and no event log", "import a steps sheet or a log first",
                         file=f"project {args.project!r}")
    return {"steps": t.get("steps"), "events": t.get("events"), "pain_points": t.get("pain_points"),
            "narrated": t.get("narrated"), "participants": t.get("participants")}


def tables_from_files(args) -> dict:
    """The journey tables read from the ``--steps/--log/--painpoints/--narrated/--participants`` files."""
    out = {"steps": None, "events": None, "pain_points": None, "narrated": None, "participants": None}
    if args.steps:
        from journeys.steps import read_steps

        out["steps"] = read_steps(args.steps).tables["steps"]
    if args.log:
        from journeys.eventlog import read_eventlog

        out["events"] = read_eventlog(args.log).tables["events"]
    if args.painpoints:
        out["pain_points"] = read_painpoints(args.painpoints)
    if args.narrated:
        out["narrated"] = read_narrated(args.narrated)
    if args.participants:
        from research.readers import read_file

        out["participants"] = read_file(args.participants, kind="participants").tables["participants"]
    return out


def load_inputs(args, *, verb: str = "draw") -> tuple[dict, dict]:
    """Read the tables (project or files) and build the journey report once: ``(tables, report)``.

    ``verb`` completes the error ``nothing to <verb>`` given when neither a project nor a steps
    sheet nor a log is named.
    """
    from journeys.analysis import journey_report
    from journeys.priorities import parse_weights

    if args.project and any(getattr(args, name, None) for name in _FILE_OPTIONS):
        raise InputError("--project cannot be combined with input files",
                         "use either --project NAME or --steps/--log/... files", file="command line")
    if not args.project and not args.steps and not args.log:
        raise InputError(f"nothing to {verb}", "give --project NAME, --steps FILE, --log FILE or both files",
                         file="command line")
    weights = parse_weights(args.weights) if args.weights else None
    tables = tables_from_project(args) if args.project else tables_from_files(args)
    report = journey_report(tables["steps"], tables["events"], tables["pain_points"], tables["narrated"],
                            tables["participants"], segment=args.segment, weights=weights)
    return tables, report
