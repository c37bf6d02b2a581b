"""Language of a set of texts: Spanish or English, from stop words and characters.

Offline and dependency-free: counts frequent function words of each language and the
characters only Spanish uses (ñ, ¿, ¡, accented vowels). Meant for whole interviews, where it
is reliable; a single short sentence may be ambiguous, in which case Spanish (the majority of
Recorrido's users) is the default unless ``default`` says otherwise.
"""

from __future__ import annotations

import re

__all__ = ["SPANISH_WORDS", "ENGLISH_WORDS", "LANGS", "detect_lang", "normalise_lang"]

LANGS = ("en", "es")


def _words(text: str) -> frozenset:
    return frozenset(text.split())


#: Frequent Spanish function words (not shared with English).
SPANISH_WORDS = _words("""
de la que el en y los se del las un por con no una su para es al lo como más pero sus le ya o
este sí porque esta entre cuando muy sin sobre también me hasta hay donde quien desde todo nos
durante todos uno les ni contra otros ese eso ante ellos e esto mí antes algunos qué unos yo otro
otras otra él tanto esa estos mucho quienes nada muchos cual poco ella estar estas algunas algo
nosotros mi mis tú te ti tu tus ellas nosotras vosotros usted ustedes fue era tengo tiene tienen
hace hizo dijo pues entonces bueno vez veces aquí allí ahí así cómo cuándo dónde porqué tenía
había han ha estaba estoy están dice decir fui voy va van puedo pueden nunca siempre después
""")

#: Frequent English function words (not shared with Spanish).
ENGLISH_WORDS = _words("""
the of and to in is you that it he was for on are as with his they at be this have from or one
had by but not what all were we when your can said there use an each which she do how their if
will up other about out many then them these so some her would make like him into time has look
two more write go see number way could people my than first been call who its now find long down
did get come made may part i our us very just because after again got went still really
""")

_WORD = re.compile(r"[a-záéíóúüñ]+")
_SPANISH_CHARS = re.compile(r"[ñ¿¡áéíóú]")
_ALIASES = {"es": "es", "spa": "es", "spanish": "es", "espanol": "es", "español": "es",
            "castellano": "es", "en": "en", "eng": "en", "english": "en", "ingles": "en",
            "inglés": "en"}


def detect_lang(texts, default: str = "es") -> str:
    """Detect whether ``texts`` are Spanish (``"es"``) or English (``"en"``).

    Parameters
    ----------
    texts : str or iterable of str
        One text or many (e.g. every turn of an interview). Non-strings are ignored.
    default : str
        Returned when there is no evidence either way.

    Returns
    -------
    str
        ``"en"`` or ``"es"``.

    Examples
    --------
    >>> detect_lang(["Fui a la oficina y no había nadie.", "¿Y después?"])
    'es'
    >>> detect_lang("I went to the office and they sent me back home.")
    'en'
    >>> detect_lang([""], default="en")
    'en'
    """
    if isinstance(texts, str):
        texts = [texts]
    parts, size = [], 0
    budget = 2_000  # characters looked at (~300 words): plenty for a reliable answer, bounded for speed
    for t in texts:
        if isinstance(t, str) and t:
            parts.append(t[:budget - size])
            size += len(parts[-1])
            if size >= budget:
                break
    sample = " ".join(parts).lower()
    es = en = 0.0
    for w in _WORD.findall(sample):
        if w in SPANISH_WORDS:
            es += 1
        elif w in ENGLISH_WORDS:
            en += 1
    es += 0.5 * len(_SPANISH_CHARS.findall(sample))
    if es == en:
        return default if default in LANGS else "es"
    return "es" if es > en else "en"


def normalise_lang(value) -> str | None:
    """Map a written language (*Español*, *EN*, *inglés*...) to ``"es"``/``"en"``; else None.

    Examples
    --------
    >>> normalise_lang("Español"), normalise_lang("EN"), normalise_lang("fr")
    ('es', 'en', None)
    """
    if not isinstance(value, str):
        return None
    v = value.strip().lower()
    if v in _ALIASES:
        return _ALIASES[v]
    v2 = v.split("-")[0].split("_")[0]
    return _ALIASES.get(v2)
