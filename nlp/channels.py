"""Channel mentions in text: which contact channel a sentence is about.

Channel keys are those of the steps table (``journeys.steps.CHANNEL_KEYS``): ``web``,
``phone``, ``office``, ``whatsapp``, ``email``, ``kiosk``, ``mail``. The vocabulary, in Spanish
and English, is data: ``nlp/data/channels.jsonl`` (one record per channel and language).
Matching is case- and accent-insensitive, on whole words, longest phrase first, so
"correo postal" is post while "correo" is e-mail and "en línea" is web while "la línea" is phone.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from functools import lru_cache
from pathlib import Path

__all__ = ["CHANNEL_KEYS", "find_channels", "main_channel", "fold_text"]

CHANNEL_KEYS = ("web", "phone", "office", "whatsapp", "email", "kiosk", "mail")
VOCABULARY_FILE = Path(__file__).parent / "data" / "channels.jsonl"


def fold_text(text: str) -> str:
    """Lower-case ``text`` and strip accents, keeping one character per character.

    Offsets in the folded text are offsets in the original text.

    Examples
    --------
    >>> fold_text("Teléfono ÚNICO")
    'telefono unico'
    """
    low = text.lower()
    if len(low) != len(text):  # rare characters whose lower case is longer: no folding
        return text
    return "".join(unicodedata.normalize("NFKD", ch)[0] for ch in low)


@lru_cache(maxsize=4)
def _matcher(lang: str | None) -> tuple[re.Pattern, dict[str, str]]:
    term_channel: dict[str, str] = {}
    for line in VOCABULARY_FILE.read_text("utf-8").splitlines():
        if not line.strip():
            continue
        rec = json.loads(line)
        if lang and rec["lang"] != lang:
            continue
        for term in rec["terms"]:
            term_channel.setdefault(fold_text(term), rec["channel"])
    alternatives = sorted(term_channel, key=len, reverse=True)
    rx = re.compile(r"(?<![\w@.-])(?:" + "|".join(re.escape(t) for t in alternatives) + r")(?![\w-])")
    return rx, term_channel


def find_channels(text: str, lang: str | None = None) -> list[dict]:
    """Channel mentions in ``text``.

    Parameters
    ----------
    text : str
    lang : {"es", "en"} or None, default None
        Use the vocabulary of this language only; ``None`` uses both (interviews mix them:
        "el app", "el call center").

    Returns
    -------
    list of dict
        ``{"start", "end", "text", "channel"}`` in text order.

    Examples
    --------
    >>> [(m["text"], m["channel"]) for m in find_channels("Llamé al 311 y luego lo hice en línea")]
    [('Llamé', 'phone'), ('311', 'phone'), ('en línea', 'web')]
    >>> [m["channel"] for m in find_channels("They sent a letter, then I e-mailed them", "en")]
    ['mail', 'email']
    """
    if not isinstance(text, str) or not text:
        return []
    rx, term_channel = _matcher(lang)
    folded = fold_text(text)
    return [{"start": m.start(), "end": m.end(), "text": text[m.start():m.end()],
             "channel": term_channel[m.group()]} for m in rx.finditer(folded)]


def main_channel(text: str, lang: str | None = None) -> str | None:
    """The channel a sentence is mainly about: the most mentioned one, the first on a tie.

    Returns ``None`` when no channel is mentioned.

    Examples
    --------
    >>> main_channel("Fui a la ventanilla porque la página web no cargaba y en la ventanilla me atendieron")
    'office'
    >>> main_channel("I waited two hours at the counter", "en"), main_channel("Esperé dos horas")
    ('office', None)
    """
    mentions = find_channels(text, lang)
    if not mentions:
        return None
    counts = Counter(m["channel"] for m in mentions)
    best = max(counts.values())
    return next(m["channel"] for m in mentions if counts[m["channel"]] == best)
