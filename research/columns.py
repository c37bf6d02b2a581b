"""Column-name recognition and header-row detection, in English and Spanish.

Real research files rarely start at cell A1 with tidy names: the header may sit below a title,
blank rows or a merged title cell, and the same field is called *Speaker*, *Hablante*, *Rol* or
*Interlocutor* depending on who typed it. This module finds the header row of a grid and maps
its columns to the canonical fields of DESIGN.md §3. Matching is case-, accent- and
punctuation-insensitive; an explicit ``{source column: field}`` mapping always wins.

The alias vocabularies are plain data (UPPER_CASE constants) so they can be extended without
touching the logic.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from research.errors import InputError

__all__ = [
    "TRANSCRIPT_ALIASES", "PARTICIPANT_ALIASES", "EVENTLOG_HINTS", "STEPS_HINTS",
    "HEADER_SCAN_ROWS", "MAX_HEADER_COLUMNS", "normalise_name", "match_columns", "find_header_row", "parse_mapping",
    "accepted_names",
]

#: Rows scanned from the top of a sheet when looking for the header row.
HEADER_SCAN_ROWS = 30
#: Columns looked at when recognising a header (wider sheets keep their extra columns unread).
MAX_HEADER_COLUMNS = 512

#: Canonical utterance field -> names it is known by (compared after :func:`normalise_name`).
TRANSCRIPT_ALIASES: dict[str, tuple[str, ...]] = {
    "interview_id": (
        "interview", "interview id", "interview_id", "interview no", "interview number",
        "interview code", "session", "session id", "conversation", "conversation id",
        "entrevista", "id entrevista", "entrevista id", "codigo entrevista", "no entrevista",
        "numero entrevista", "n entrevista", "sesion", "id sesion", "conversacion",
    ),
    "participant_id": (
        "participant", "participant id", "participant_id", "participant code", "respondent",
        "respondent id", "interviewee", "informant", "user id", "pid",
        "participante", "id participante", "participante id", "codigo participante",
        "codigo", "entrevistado", "entrevistada", "persona entrevistada", "informante",
        "encuestado", "encuestada", "id usuario",
    ),
    "speaker": (
        "speaker", "speaker name", "who", "voice", "name of speaker",
        "hablante", "interlocutor", "interlocutora", "persona", "quien habla", "quien",
        "orador", "oradora", "voz", "nombre del hablante",
    ),
    "speaker_role": (
        "role", "speaker role", "speaker type", "rol", "rol del hablante", "papel",
        "tipo de hablante", "tipo hablante",
    ),
    "text": (
        "text", "utterance", "transcript", "transcription", "verbatim", "quote", "response",
        "answer", "comment", "comments", "content", "message", "statement", "turn text",
        "texto", "transcripcion", "respuesta", "comentario", "comentarios", "intervencion",
        "cita", "contenido", "mensaje", "dialogo", "declaracion", "lo que dijo", "testimonio",
    ),
    "timestamp": (
        "timestamp", "time", "time stamp", "time code", "timecode", "tc", "start", "start time",
        "minute", "minutes", "min", "second", "seconds", "sec", "elapsed",
        "minuto", "minutos", "hora", "tiempo", "marca de tiempo", "marca temporal", "inicio",
        "segundo", "segundos", "momento",
    ),
    "lang": ("language", "lang", "idioma", "lengua"),
    "seq": ("turn", "turn no", "turn number", "seq", "sequence", "order", "turno", "orden",
            "no turno", "secuencia"),
    # not a column of the table: the question an answer responds to goes to source_column
    "question": ("question", "interview question", "prompt", "topic", "pregunta", "pregunta guia",
                 "tema", "tema guia"),
}

#: Participant-table fields -> names (free attributes keep a normalised snake_case name).
PARTICIPANT_ALIASES: dict[str, tuple[str, ...]] = {
    "participant_id": TRANSCRIPT_ALIASES["participant_id"] + ("id", "code"),
    "segment": (
        "segment", "user segment", "user type", "profile", "group", "type of user", "audience",
        "segmento", "perfil", "tipo de usuario", "tipo usuario", "grupo", "tipo de persona",
        "tipo de participante", "categoria",
    ),
    "region": ("region", "province", "location", "area", "region provincia", "provincia",
               "ubicacion", "zona", "lugar", "distrito", "comarca"),
    "age_band": ("age", "age band", "age group", "age range", "edad", "rango de edad",
                 "grupo de edad", "grupo etario", "franja de edad"),
    "access_needs": ("access needs", "accessibility", "accessibility needs", "disability",
                     "necesidades de acceso", "accesibilidad", "discapacidad",
                     "necesidades de accesibilidad"),
    "digital_skills": ("digital skills", "digital literacy", "digital skill",
                       "habilidades digitales", "competencias digitales", "alfabetizacion digital",
                       "nivel digital", "habilidad digital"),
    "preferred_channel": ("preferred channel", "channel", "channel preference",
                          "canal preferido", "canal", "canal de preferencia"),
    "gender": ("gender", "sex", "genero", "sexo"),
    "occupation": ("occupation", "job", "role", "ocupacion", "profesion", "cargo", "puesto"),
}

#: Column names that mark an event log (only used to tell file kinds apart).
EVENTLOG_HINTS = (
    "case concept name", "concept name", "time timestamp", "case id", "case", "caso", "id caso",
    "activity", "actividad", "evento", "event", "expediente", "tramite id", "lifecycle transition",
)
#: Column names that mark a steps (service blueprint) sheet.
STEPS_HINTS = (
    "step id", "step_id", "id paso", "paso id", "next steps", "next step", "siguientes pasos",
    "siguiente paso", "lane", "carril", "swimlane", "stage", "etapa", "fase", "step", "paso",
    "median wait days", "volume per month", "documents required", "documentos requeridos",
)

_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def normalise_name(name) -> str:
    """Normalise a header for comparison: lower case, no accents, punctuation as single spaces.

    Parameters
    ----------
    name : object
        A header cell (anything; ``None`` gives ``""``).

    Returns
    -------
    str

    Examples
    --------
    >>> normalise_name("  Transcripción (Texto) ")
    'transcripcion texto'
    >>> normalise_name("case:concept:name"), normalise_name("ID_Entrevista"), normalise_name(None)
    ('case concept name', 'id entrevista', '')
    """
    if name is None:
        return ""
    return _normalise(name if isinstance(name, str) else str(name))


@lru_cache(maxsize=65536)
def _normalise(name: str) -> str:
    # cached: speaker labels and headers repeat on every row of a transcript
    text = unicodedata.normalize("NFKD", name.strip().lower())
    if not text.isascii():
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return _NON_ALNUM.sub(" ", text).strip()


def _alias_index(aliases: dict[str, tuple[str, ...]]) -> dict[str, str]:
    index: dict[str, str] = {}
    for fld, names in aliases.items():
        for n in names:
            index.setdefault(normalise_name(n), fld)
    return index


@lru_cache(maxsize=256)
def _normalised_aliases(names: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(normalise_name(n) for n in names)


def _score(header: str, fld_aliases: tuple[str, ...]) -> int:
    """2 = exact alias, 1 = an alias appears as whole words in a longer header, 0 = no."""
    if not header:
        return 0
    padded = f" {header} "
    best = 0
    for a in _normalised_aliases(fld_aliases):
        if header == a:
            return 2
        if len(a) >= 3 and f" {a} " in padded and len(header) <= 40:
            best = 1
    return best


def match_columns(headers, aliases: dict[str, tuple[str, ...]] | None = None,
                  mapping: dict[str, str] | None = None) -> dict[int, str]:
    """Map column positions to canonical fields.

    Exact alias matches win over partial ones (an alias found as whole words inside a longer
    header, e.g. *Texto de la respuesta*); each field goes to one column, the leftmost on ties.
    An explicit ``mapping`` (source header -> field, matched after normalisation) overrides
    detection for the columns it names.

    Parameters
    ----------
    headers : sequence
        Header cells, in column order.
    aliases : dict, optional
        Field -> accepted names; default :data:`TRANSCRIPT_ALIASES`.
    mapping : dict, optional
        Explicit ``{source column: field}``.

    Returns
    -------
    dict of int to str
        Column position -> field.

    Examples
    --------
    >>> match_columns(["Nº", "Hablante", "Transcripción", "Minuto"])
    {1: 'speaker', 2: 'text', 3: 'timestamp'}
    >>> match_columns(["Quién", "Notas"], mapping={"notas": "text"})
    {0: 'speaker', 1: 'text'}
    >>> match_columns(["Texto de la respuesta", "ID Entrevista"])
    {0: 'text', 1: 'interview_id'}
    """
    aliases = TRANSCRIPT_ALIASES if aliases is None else aliases
    norm = [normalise_name(h) if isinstance(h, str) and len(h) <= 200 else "" for h in headers[:MAX_HEADER_COLUMNS]]
    result: dict[int, str] = {}
    taken: set[str] = set()
    if mapping:
        wanted = {normalise_name(k): v for k, v in mapping.items()}
        for i, h in enumerate(norm):
            if h and h in wanted and wanted[h] not in taken:
                result[i] = wanted[h]
                taken.add(wanted[h])
    candidates = []
    for i, h in enumerate(norm):
        if i in result or not h:
            continue
        for fld, names in aliases.items():
            if fld in taken:
                continue
            s = _score(h, names)
            if s:
                candidates.append((-s, i, fld))
    for _neg, i, fld in sorted(candidates):
        if i in result or fld in taken:
            continue
        result[i] = fld
        taken.add(fld)
    return dict(sorted(result.items()))


def find_header_row(rows, aliases: dict[str, tuple[str, ...]] | None = None,
                    mapping: dict[str, str] | None = None, required=("text",),
                    scan: int = HEADER_SCAN_ROWS) -> tuple[int, dict[int, str]] | None:
    """Find the header row among the first ``scan`` rows of a grid.

    The header is the row with the most recognised columns among those that have every
    ``required`` field; title rows, blank rows and merged title cells above it are ignored.

    Parameters
    ----------
    rows : sequence of sequences
        The grid, top row first.
    aliases, mapping :
        As in :func:`match_columns`.
    required : tuple of str
        Fields the header must contain.
    scan : int
        How many rows to look at.

    Returns
    -------
    (int, dict) or None
        The 0-based index of the header row in ``rows`` and its column mapping, or ``None``.

    Examples
    --------
    >>> grid = [["Entrevistas Colón 2024", "", ""], ["", "", ""],
    ...         ["Hablante", "Texto", "Tiempo"], ["Ana", "Hola", "00:01"]]
    >>> find_header_row(grid)
    (2, {0: 'speaker', 1: 'text', 2: 'timestamp'})
    >>> find_header_row([["a", "b"]]) is None
    True
    """
    best = None
    for idx, row in enumerate(rows[:scan]):
        cells = [c if isinstance(c, str) else "" for c in row]
        if sum(1 for c in cells if c.strip()) == 0:
            continue
        cols = match_columns(cells, aliases, mapping)
        fields = set(cols.values())
        if not all(r in fields for r in required):
            continue
        if best is None or len(cols) > len(best[1]):
            best = (idx, cols)
    return best


def parse_mapping(pairs) -> dict[str, str]:
    """Parse ``COLUMN=FIELD`` strings (the command line's ``--map``) into a dict.

    Raises
    ------
    InputError
        A pair without ``=`` or with an empty side.

    Examples
    --------
    >>> parse_mapping(["Notas=text", "Quién habla = speaker"])
    {'Notas': 'text', 'Quién habla': 'speaker'}
    """
    out: dict[str, str] = {}
    for pair in pairs or ():
        if "=" not in pair:
            raise InputError(f"--map {pair!r} is not COLUMN=FIELD",
                             "write it like --map Notas=text", file="command line")
        col, _, fld = pair.rpartition("=")
        col, fld = col.strip(), fld.strip()
        if not col or not fld:
            raise InputError(f"--map {pair!r} has an empty side", "write it like --map Notas=text",
                             file="command line")
        out[col] = fld
    return out


def accepted_names(fld: str, aliases: dict[str, tuple[str, ...]] | None = None, limit: int = 6) -> str:
    """A short human list of the names accepted for ``fld`` (for error messages).

    Examples
    --------
    >>> accepted_names("text", limit=3)
    'text, utterance, transcript'
    """
    aliases = TRANSCRIPT_ALIASES if aliases is None else aliases
    return ", ".join(aliases.get(fld, (fld,))[:limit])
