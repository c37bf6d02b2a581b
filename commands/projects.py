"""``python cli.py projects [list|create NAME|rename OLD NEW|delete NAME --yes]``: manage projects.

Every project lives in the research repository (``--db`` URL, else ``DATABASE_URL``, else the
SQLite file ``recorrido.db``). ``list`` prints each project with its counts; ``create`` and
``rename`` print the project; ``delete`` needs ``--yes`` because it cannot be undone.
"""

from __future__ import annotations

from commands._output import add_output_arguments, write_json, write_records
from research.errors import InputError

__all__ = ["NAME", "HELP", "add_arguments", "run"]

NAME = "projects"
HELP = "list, create, rename or delete projects in the research repository"

_ARITY = {"list": 0, "create": 1, "rename": 2, "delete": 1}
_USAGE = {"list": "projects list", "create": "projects create NAME", "rename": "projects rename OLD NEW",
          "delete": "projects delete NAME --yes"}


def add_arguments(parser) -> None:
    """Arguments of ``projects``."""
    parser.add_argument("action", nargs="?", default="list", choices=tuple(_ARITY),
                        help="what to do (default list)")
    parser.add_argument("names", nargs="*", metavar="NAME", help="project name(s) for the action")
    parser.add_argument("--description", default="", help="description of a project being created")
    parser.add_argument("--yes", action="store_true", help="confirm a delete (it cannot be undone)")
    parser.add_argument("--db", default=None, help="database URL (default DATABASE_URL or sqlite:///recorrido.db)")
    add_output_arguments(parser, formats=("json", "jsonl", "csv", "xlsx"), default="json")


def run(args) -> int:
    """Carry out the action and print its result."""
    from research.repository import Repository

    action, names = args.action, list(args.names)
    if len(names) != _ARITY[action]:
        raise InputError(f"`{action}` takes {_ARITY[action]} name(s), got {len(names)}",
                         f"use `python cli.py {_USAGE[action]}` (quote names with spaces)", file="command line")
    if action == "delete" and not args.yes:
        raise InputError(f"deleting project {names[0]!r} removes all its data and cannot be undone",
                         "add --yes to confirm", file="command line")
    repo = Repository(args.db)
    try:
        if action == "list":
            table = repo.list_projects()
            write_records(table.to_dict("records"), args.format, args.out, columns=list(table.columns),
                          sheet="projects")
            return 0
        if action == "create":
            out = repo.create_project(names[0], args.description)
        elif action == "rename":
            out = repo.rename_project(names[0], names[1])
        else:
            repo.delete_project(names[0])
            out = {"name": names[0], "deleted": True}
    finally:
        repo.close()
    if args.format == "json":
        write_json(out, args.out)
    else:
        write_records([out], args.format, args.out, sheet="project")
    return 0
