"""One module per command of ``cli.py``.

Each module defines ``NAME``, ``HELP``, ``add_arguments(parser)`` and ``run(args) -> int``,
and lists itself in ``cli.COMMANDS``. Shared output helpers are in :mod:`commands._output`.
"""
