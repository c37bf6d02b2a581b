"""Per-language word lists used by the pipeline (data only, as spaCy's ``lang/*/lex_attrs.py``).

Each language module defines the same UPPER_CASE names; :func:`lexicon` returns one by code.

Examples
--------
>>> "no" in lexicon("es").NEGATORS
True
"""

from __future__ import annotations

from importlib import import_module
from types import ModuleType

from research.errors import InputError

__all__ = ["LANGS", "lexicon"]

LANGS = ("en", "es")


def lexicon(lang: str) -> ModuleType:
    """Return the lexicon module of ``lang`` (``"en"`` or ``"es"``).

    Raises
    ------
    InputError
        When ``lang`` is not supported.

    Examples
    --------
    >>> lexicon("en").CONTRAST_MARKERS[0]
    'but'
    """
    if lang not in LANGS:
        raise InputError(f"language {lang!r} is not supported", "use en or es", file="lang")
    return import_module(f"nlp.lexicons.{lang}")
