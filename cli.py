"""Recorrido command line: ``python cli.py COMMAND ...`` (DESIGN.md §6).

Exit codes: 0 success; 2 bad input, with one line ``error: <file>[, sheet][, row]: <what> — <fix>``
on stderr; 1 an internal fault. Each command lives in its own module of ``commands/``.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import traceback

from research.errors import InputError, RecorridoError

# Module names in commands/, in the order `--help` lists them.
COMMANDS = ("import_cmd", "utterances", "extract", "redact", "evaluate", "discover",
            "journey", "diagram", "report", "projects")


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage mistakes as our one-line error with exit 2."""

    def error(self, message: str) -> None:  # noqa: D102
        raise InputError(message, f"see `python cli.py {self.prog.split()[-1]} --help`",
                         file="command line")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="cli.py", description="Recorrido: research evidence to journey bottlenecks.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for module_name in COMMANDS:
        try:
            module = importlib.import_module(f"commands.{module_name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"commands.{module_name}":
                continue  # command not built yet
            raise
        p = sub.add_parser(module.NAME, help=module.HELP, description=module.HELP)
        module.add_arguments(p)
        p.set_defaults(_run=module.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = None
    try:
        args = build_parser().parse_args(argv)
        return int(args._run(args) or 0)
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except RecorridoError as exc:
        print(f"error: {' '.join(str(exc).split())}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except OSError as exc:  # the disk is full, a path is not writable...: the user's environment, not a bug
        where = exc.filename or getattr(args, "out", None) or "output"
        print(f"error: {where}: {exc.strerror or exc} — check the path, its permissions and the free disk space",
              file=sys.stderr)
        return 2
    except Exception as exc:  # a genuine fault: one line by default, the traceback on request
        if os.environ.get("RECORRIDO_DEBUG"):
            traceback.print_exc()
        print(f"error: internal error: {type(exc).__name__}: {' '.join(str(exc).split())} — "
              "please report it (set RECORRIDO_DEBUG=1 for details)", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
