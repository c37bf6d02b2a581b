"""Read a service-steps sheet (``.xlsx`` one sheet per journey, or ``.csv``) into the ``steps`` table.

The ``steps`` table (DESIGN.md §3) is the *designed* journey: one row per step, in the order of
the sheet. Column headers are recognised in English and Spanish, case- and accent-insensitive
(see :data:`STEP_HEADER_NAMES`); an explicit ``mapping`` (source header -> canonical field)
overrides detection. The header row may sit below title rows and blank rows.

Conventions of the table this module returns (other parts rely on them):

* ``journey`` — the sheet name for workbooks; for CSV a ``journey``/``recorrido`` column when
  present, else the file's stem.
* ``step_id`` — text, unique in the whole file (numbers such as ``3.0`` become ``"3"``).
* ``channel`` — **one row per step; a step offered through several channels keeps them all in
  ``channel`` as normalised keys separated by ``";"``** (``"web;office"``), in the order written.
  Keys: ``web``, ``phone``, ``office``, ``whatsapp``, ``email``, ``kiosk``, ``mail``
  (English and Spanish words are mapped, see :data:`CHANNEL_SYNONYMS`); a word we do not know is
  kept as a lower-case ASCII slug. Use :func:`split_list` to get the list; the journey graph makes
  one touchpoint node per (step_id, channel).
* ``lane`` — ``customer`` | ``frontstage`` | ``backstage`` | ``support`` (empty means customer).
* ``order`` — a number; when the column is absent, the position in the sheet (1, 2, ...).
* ``next_steps``, ``documents_required``, ``synonyms`` — text lists separated by ``";"``
  (input may use commas or semicolons for ``next_steps``; semicolons for the others), ``""``
  when empty. ``next_steps`` may name steps of another sheet of the same file, and loops
  (rework: a step pointing back to an earlier one, or to itself) are legitimate.
* ``median_wait_days`` (float), ``volume_per_month`` (float); ``NaN`` when empty.
* Extra columns ``source_file``, ``source_sheet``, ``source_row`` (1-based Excel row or CSV line)
  follow the canonical ones, so errors and evidence can point back at the sheet.

Workbook sheets with no recognisable steps header (instructions, notes) are skipped and listed
in ``ImportResult.skipped``. Cells are read with python-calamine; formulas are never evaluated
(their cached value, if any, is read as text or number).
"""

from __future__ import annotations

import csv
import io
import math
import re
import unicodedata
from pathlib import Path

import pandas as pd

from research.errors import InputError
from research.guards import check_size, check_zip_archive
from research.result import ImportResult
from research.schema import STEP_COLUMNS, conform

__all__ = [
    "STEP_HEADER_NAMES", "CHANNEL_SYNONYMS", "CHANNEL_KEYS", "LANE_SYNONYMS", "LANES",
    "REQUIRED_STEP_FIELDS", "read_steps", "steps_from_rows", "validate_steps", "normalise_channel",
    "normalise_lane", "split_list",
]

REQUIRED_STEP_FIELDS = ("step_id", "step")

# canonical field -> accepted header names (compared after lower-casing, removing accents and
# punctuation). The first name is the one we show in error messages.
STEP_HEADER_NAMES: dict[str, tuple[str, ...]] = {
    "journey": ("journey", "recorrido", "viaje", "tramite", "proceso", "servicio"),
    "step_id": ("step id", "id paso", "codigo", "id", "step code", "code", "paso id", "codigo paso",
                "id del paso", "step_id", "no", "numero", "nro", "n"),
    "stage": ("stage", "etapa", "fase", "phase"),
    "step": ("step", "paso", "nombre", "step name", "nombre del paso", "name", "actividad",
             "activity", "descripcion", "description"),
    "channel": ("channel", "canal", "channels", "canales", "medio"),
    "lane": ("lane", "carril", "swimlane", "capa", "nivel", "actor"),
    "agency": ("agency", "entidad", "institucion", "organismo", "organization", "organisation",
               "dependencia", "ministerio", "entidad responsable", "institucion responsable",
               "department", "owner agency"),
    "order": ("order", "orden", "sequence", "secuencia", "posicion", "position"),
    "next_steps": ("next steps", "siguientes pasos", "next", "siguiente", "siguientes",
                   "next step", "siguiente paso", "pasos siguientes", "next_steps", "successors",
                   "sucesores", "va a", "leads to", "luego"),
    "previous_steps": ("previous steps", "pasos anteriores", "previous step", "paso anterior",
                       "predecessors", "predecesores", "anterior", "previous", "depends on",
                       "depende de", "viene de", "precedentes"),
    "median_wait_days": ("median wait days", "espera mediana dias", "espera mediana",
                         "median wait", "wait days", "dias de espera", "espera dias", "espera",
                         "wait", "median_wait_days", "tiempo de espera dias", "tiempo de espera",
                         "wait time", "wait time days", "waiting time", "waiting days", "demora",
                         "demora dias", "duracion dias", "duration days", "dias"),
    "volume_per_month": ("volume per month", "volumen mensual", "volume", "volumen",
                         "monthly volume", "volumen por mes", "volume_per_month", "casos por mes",
                         "cases per month", "solicitudes por mes", "tramites por mes", "demanda mensual"),
    "documents_required": ("documents required", "documentos requeridos", "documents",
                           "documentos", "requisitos", "requirements", "required documents",
                           "documents_required"),
    "synonyms": ("synonyms", "sinonimos", "aliases", "alias", "tambien llamado", "also known as"),
}

CHANNEL_KEYS = ("web", "phone", "office", "whatsapp", "email", "kiosk", "mail")
CHANNEL_SYNONYMS: dict[str, tuple[str, ...]] = {
    "web": ("web", "online", "en linea", "internet", "portal", "sitio web", "pagina web", "website",
            "app", "aplicacion", "movil", "mobile", "digital", "plataforma", "formulario web",
            "web form"),
    "phone": ("phone", "telefono", "telephone", "call centre", "call center", "centro de llamadas",
              "311", "linea 311", "llamada", "call", "hotline", "linea telefonica", "tel"),
    "office": ("office", "oficina", "ventanilla", "presencial", "in person", "in-person", "counter",
               "sucursal", "branch", "front desk", "mostrador", "sede", "en sitio", "on site",
               "onsite", "visita", "inspeccion en sitio", "site visit"),
    "whatsapp": ("whatsapp", "wa", "whats app", "wsp", "chat"),
    "email": ("email", "e-mail", "e mail", "correo electronico", "correo", "mail electronico"),
    "kiosk": ("kiosk", "kiosco", "quiosco", "autoservicio", "self service", "self-service",
              "terminal"),
    "mail": ("mail", "post", "postal", "correo postal", "carta", "letter", "courier"),
}
LANES = ("customer", "frontstage", "backstage", "support")
LANE_SYNONYMS: dict[str, tuple[str, ...]] = {
    "customer": ("customer", "cliente", "ciudadano", "ciudadana", "ciudadania", "citizen", "user",
                 "usuario", "usuaria", "persona", "solicitante", "applicant", "empresa",
                 "customer actions", "acciones del cliente", "acciones del usuario"),
    "frontstage": ("frontstage", "front-office", "front office", "front stage", "ventanilla",
                   "front", "atencion", "primera linea", "front line", "frontline"),
    "backstage": ("backstage", "back-office", "back office", "back stage", "interno", "interna",
                  "back", "trastienda", "oficina interna", "internal"),
    "support": ("support", "soporte", "sistemas", "systems", "support processes", "procesos de soporte",
                "apoyo", "ti", "it", "tecnologia"),
}

_LIST_SPLIT = re.compile(r"\s*[;,]\s*")
_SEMI_SPLIT = re.compile(r"\s*[;\n]\s*")
_CHANNEL_SPLIT = re.compile(r"\s*(?:[;,/+|\n]|\s+y\s+|\s+and\s+|\s+o\s+|\s+or\s+)\s*")
_MAX_HEADER_SCAN = 30


def _norm(text) -> str:
    """Lower-case, strip accents, plural markers ("Canal(es)") and punctuation; collapse spaces."""
    s = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode().lower()
    s = re.sub(r"(?<=[a-z])\((?:e?s|as|os)\)", "", s)
    s = re.sub(r"[()\[\]{}:¿?¡!.\"'*#]", " ", s)
    s = re.sub(r"[_\-/]+", " ", s)
    return " ".join(s.split())


_HEADER_LOOKUP = {_norm(n): field for field, names in STEP_HEADER_NAMES.items() for n in names}
# names long enough to be recognised as the start of a longer header ("Volumen (casos/mes)")
_HEADER_PREFIXES = sorted(((n, f) for n, f in _HEADER_LOOKUP.items() if len(n) >= 5), key=lambda x: -len(x[0]))


def _header_field(n: str) -> tuple[str, int] | None:
    """(field, rank) for a normalised header: exact name first, then a known name it starts with."""
    if n in _HEADER_LOOKUP:
        field = _HEADER_LOOKUP[n]
        return field, [_norm(x) for x in STEP_HEADER_NAMES[field]].index(n)
    for name, field in _HEADER_PREFIXES:
        if n.startswith(name + " "):
            return field, 100 + [_norm(x) for x in STEP_HEADER_NAMES[field]].index(name)
    return None
_CHANNEL_LOOKUP = {_norm(n): key for key, names in CHANNEL_SYNONYMS.items() for n in names}
_LANE_LOOKUP = {_norm(n): key for key, names in LANE_SYNONYMS.items() for n in names}


def split_list(value) -> list[str]:
    """Split a ``";"``/``","``-separated list cell into its trimmed, non-empty items.

    Examples
    --------
    >>> split_list("S02; S03,S04")
    ['S02', 'S03', 'S04']
    >>> split_list(None), split_list("")
    ([], [])
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return []
    if isinstance(value, (list, tuple)):
        return [str(v).strip() for v in value if str(v).strip()]
    return [p for p in _LIST_SPLIT.split(str(value).strip()) if p]


def normalise_channel(value) -> str:
    """Normalise a channel cell to ``";"``-joined keys (see :data:`CHANNEL_KEYS`).

    Several channels may be written in one cell ("web; oficina", "Teléfono / WhatsApp").
    Unknown words are kept as a lower-case slug; duplicates are dropped.

    Examples
    --------
    >>> normalise_channel("Web; Ventanilla")
    'web;office'
    >>> normalise_channel("Línea 311 / WhatsApp")
    'phone;whatsapp'
    >>> normalise_channel("correo electrónico"), normalise_channel("Kiosco"), normalise_channel("")
    ('email', 'kiosk', '')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    keys: list[str] = []
    whole = _CHANNEL_LOOKUP.get(_norm(value))
    parts = [whole] if whole else [_channel_key(p) for p in _CHANNEL_SPLIT.split(str(value)) if _norm(p)]
    for k in parts:
        if k and k not in keys:
            keys.append(k)
    return ";".join(keys)


def _channel_key(part: str) -> str:
    n = _norm(part)
    if n in _CHANNEL_LOOKUP:
        return _CHANNEL_LOOKUP[n]
    for word in n.split():  # "portal Panamá Emprende" -> web
        if word in _CHANNEL_LOOKUP and len(word) > 2:
            return _CHANNEL_LOOKUP[word]
    return n.replace(" ", "_")


def normalise_lane(value) -> str | None:
    """Normalise a lane cell to one of :data:`LANES`; ``""`` -> ``"customer"``; unknown -> ``None``.

    Examples
    --------
    >>> normalise_lane("Ventanilla"), normalise_lane("Back-office"), normalise_lane(None)
    ('frontstage', 'backstage', 'customer')
    >>> normalise_lane("Cliente"), normalise_lane("Sistemas"), normalise_lane("marketing") is None
    ('customer', 'support', True)
    """
    if value is None or (isinstance(value, float) and math.isnan(value)) or not str(value).strip():
        return "customer"
    n = _norm(value)
    if n in _LANE_LOOKUP:
        return _LANE_LOOKUP[n]
    words = {_LANE_LOOKUP[w] for w in n.split() if w in _LANE_LOOKUP and len(w) > 3}
    return words.pop() if len(words) == 1 else None


def _cell_text(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        if math.isnan(v):
            return ""
        if v.is_integer():
            return str(int(v))
    return str(v).strip()


def _detect_header(rows: list[list], mapping: dict[str, str] | None) -> tuple[int, dict[int, str]] | None:
    """Find the header row: the first row (within the scan window) naming step_id and step.

    When two columns could be the same field ("Paso" and "Descripción"), the name listed earlier
    in :data:`STEP_HEADER_NAMES` wins; an explicit mapping always wins.
    """
    explicit = {_norm(k): v for k, v in (mapping or {}).items()}
    best = None
    for i, row in enumerate(rows[:_MAX_HEADER_SCAN]):
        ranked: dict[str, tuple[int, int]] = {}
        step_like: list[int] = []
        for j, cell in enumerate(row):
            n = "numero" if _cell_text(cell) == "#" else _norm(_cell_text(cell))
            if not n:
                continue
            if n in explicit:
                field, rank = explicit[n], -1
            elif (found := _header_field(n)) is not None:
                field, rank = found
            else:
                continue
            if field == "step":
                step_like.append(j)
            if field not in ranked or rank < ranked[field][0]:
                ranked[field] = (rank, j)
        if "step_id" not in ranked and len(step_like) >= 2:
            # "Paso | Descripción": the column holding short codes (1, 2, S-03) is the step id
            ids = [j for j in step_like if _is_id_column(rows[i + 1:i + 31], j)]
            if ids:
                ranked["step_id"] = (0, ids[0])
                ranked["step"] = (0, next(j for j in step_like if j != ids[0]))
        cols = {j: field for field, (_, j) in ranked.items()}
        if all(f in cols.values() for f in REQUIRED_STEP_FIELDS):
            return i, cols
        if len(cols) >= 2 and (best is None or len(cols) > len(best[1])):
            best = (i, cols)
    return best  # header found but incomplete -> caller reports the missing columns


_ID_RE = re.compile(r"^[A-Za-z]{0,4}[-_.]?\d{1,4}(?:[.-]\d{1,3})?[A-Za-z]?$")


def _is_id_column(rows: list[list], j: int) -> bool:
    values = [_cell_text(r[j]) for r in rows if j < len(r) and _cell_text(r[j])]
    return bool(values) and all(_ID_RE.match(v) for v in values)


def _missing_columns_error(rows, header, file, sheet, mapping) -> InputError:
    i, cols = header if header else (None, {})
    found = [c for c in (_cell_text(x) for x in (rows[i] if i is not None else _first_nonblank(rows))) if c]
    missing = [f for f in REQUIRED_STEP_FIELDS if f not in cols.values()]
    accepted = "; ".join(f"{f}: {', '.join(STEP_HEADER_NAMES[f][:4])}" for f in missing)
    return InputError(
        f"missing required column(s) {', '.join(missing)} (columns found: {', '.join(found[:15]) or 'none'})",
        f"add a header row naming them — accepted names: {accepted} — or map them with --map COLUMN=FIELD",
        file=file, sheet=sheet, row=(i + 1) if i is not None else None)


def _first_nonblank(rows):
    for r in rows[:_MAX_HEADER_SCAN]:
        if any(_cell_text(c) for c in r):
            return r
    return []


def steps_from_rows(rows: list[list], *, journey: str, file: str, sheet: str | None = None,
                    mapping: dict[str, str] | None = None, row_offset: int = 0) -> pd.DataFrame:
    """Turn raw sheet rows (header somewhere near the top) into canonical steps rows.

    Parameters
    ----------
    rows : list of list
        Cell values as read, starting at the first line of the sheet/file.
    journey : str
        Journey name for every row.
    file, sheet : str
        Where the rows come from (for ``source_*`` columns and errors).
    mapping : dict, optional
        Source header -> canonical field; overrides detection.
    row_offset : int, default 0
        Added to the 1-based position to give ``source_row``.

    Returns
    -------
    DataFrame
        The canonical ``steps`` columns plus ``source_file``, ``source_sheet``, ``source_row``
        (not yet validated, see :func:`validate_steps`).

    Raises
    ------
    InputError
        No header naming the required columns, or an unknown lane value.

    Examples
    --------
    >>> rows = [["Recorrido de prueba"], [], ["Código", "Paso", "Canal", "Siguientes pasos"],
    ...         ["A", "Pedir cita", "web; oficina", "B"], ["B", "Ir a la cita", "Oficina", ""]]
    >>> df = steps_from_rows(rows, journey="j", file="s.xlsx", sheet="j")
    >>> df[["step_id", "channel", "next_steps", "order", "source_row"]].values.tolist()
    [['A', 'web;office', 'B', 1.0, 4], ['B', 'office', '', 2.0, 5]]
    """
    header = _detect_header(rows, mapping)
    if header is None or not all(f in header[1].values() for f in REQUIRED_STEP_FIELDS):
        raise _missing_columns_error(rows, header, file, sheet, mapping)
    h, cols = header
    records = []
    for i in range(h + 1, len(rows)):
        row = rows[i]
        values = {field: (row[j] if j < len(row) else None) for j, field in cols.items()}
        if not any(_cell_text(v) for v in values.values()):
            continue  # blank line
        line = i + 1 + row_offset
        rec: dict = {"journey": _cell_text(values.get("journey")) or journey}
        rec["step_id"] = _cell_text(values.get("step_id"))
        rec["step"] = _cell_text(values.get("step"))
        rec["stage"] = _cell_text(values.get("stage"))
        rec["channel"] = normalise_channel(_cell_text(values.get("channel")))
        lane_raw = _cell_text(values.get("lane"))
        lane = normalise_lane(lane_raw)
        if lane is None:
            raise InputError(f"unknown lane {lane_raw!r}",
                             "use customer/cliente, frontstage/ventanilla, backstage/interno or support/soporte",
                             file=file, sheet=sheet, row=line)
        rec["lane"] = lane
        rec["agency"] = _cell_text(values.get("agency"))
        rec["order"] = values.get("order")
        rec["next_steps"] = ";".join(split_list(_cell_text(values.get("next_steps"))))
        rec["_previous"] = split_list(_cell_text(values.get("previous_steps")))
        rec["median_wait_days"] = values.get("median_wait_days")
        rec["volume_per_month"] = values.get("volume_per_month")
        rec["documents_required"] = ";".join(p for p in _SEMI_SPLIT.split(_cell_text(values.get("documents_required"))) if p)
        rec["synonyms"] = ";".join(p for p in _SEMI_SPLIT.split(_cell_text(values.get("synonyms"))) if p)
        rec["source_file"], rec["source_sheet"], rec["source_row"] = file, sheet, line
        records.append(rec)
    if any(r["_previous"] for r in records):  # "previous steps" given: turn them into next steps
        for r in records:
            for prev in r["_previous"]:
                for q in records:
                    if q["step_id"] == prev or _norm(q["step"]) == _norm(prev):
                        q["next_steps"] = ";".join(dict.fromkeys([*split_list(q["next_steps"]), r["step_id"]]))
    df = pd.DataFrame(records, columns=[*STEP_COLUMNS, "source_file", "source_sheet", "source_row"])
    # numbers: keep raw values until validate_steps, which reports the row of a bad one
    for field in ("order", "median_wait_days", "volume_per_month"):
        df[field] = df[field].astype(object)
    if "order" not in cols.values():
        df["order"] = [float(k + 1) for k in range(len(df))]
    return _coerce_numbers(df, file)


_NUM_RE = re.compile(r"^\s*([-+]?\d+(?:[.,]\d+)*)\s*(?:d|dias?|days?|dia|casos|cases|/mes|por mes|per month)?\s*$",
                     re.IGNORECASE)


def _parse_number(value) -> float | None:
    """A number from a cell: 3, 3.5, "3,5", "1.200", "1,200.5", "4 días"; None when not a number.

    A single separator followed by exactly three digits (and a non-zero integer part) is a
    thousands separator; otherwise it is the decimal mark.
    """
    if value is None:
        return math.nan
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    s = _norm_number_text(str(value))
    if s in ("", "-", "n/a", "na", "nd"):
        return math.nan
    m = _NUM_RE.match(s)
    if not m:
        return None
    num = m.group(1)
    seps = re.findall(r"[.,]", num)
    if len(set(seps)) == 2:  # 1.200,5 or 1,200.5: the last one is the decimal mark
        dec = num[max(num.rfind(","), num.rfind("."))]
        num = num.replace("," if dec == "." else ".", "").replace(",", ".")
    elif seps and (len(seps) > 1 or re.fullmatch(r"[-+]?[1-9]\d{0,2}[.,]\d{3}", num)):
        num = re.sub(r"[.,]", "", num)
    else:
        num = num.replace(",", ".")
    try:
        return float(num)
    except ValueError:
        return None


def _norm_number_text(s: str) -> str:
    return unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode().strip().lower()


def _coerce_numbers(df: pd.DataFrame, file: str) -> pd.DataFrame:
    for field in ("order", "median_wait_days", "volume_per_month"):
        out = []
        for v, sheet, row in zip(df[field], df["source_sheet"], df["source_row"], strict=True):
            x = _parse_number(v)
            if x is None:
                label = STEP_HEADER_NAMES[field][0]
                raise InputError(f"{label} is not a number ({_cell_text(v)!r})",
                                 f"write a number in the {label} column (e.g. 3 or 2.5), or leave it empty",
                                 file=file, sheet=sheet, row=int(row))
            out.append(x)
        df[field] = pd.Series(out, index=df.index, dtype="float64")
    return df


def validate_steps(df: pd.DataFrame, file: str | None = None) -> pd.DataFrame:
    """Check a steps table; return it unchanged when valid.

    Checks: required columns present, no empty step id, no duplicate step id in the whole file,
    every ``next_steps`` id exists (in any journey of the file), waits and volumes numeric and
    not negative. Loops are allowed.

    Parameters
    ----------
    df : DataFrame
        A steps table (canonical columns; ``source_sheet``/``source_row`` used for locations when
        present, else the DataFrame position + 2, as if row 1 were the header).
    file : str, optional
        File name for error messages.

    Returns
    -------
    DataFrame
        ``df`` itself.

    Raises
    ------
    InputError
        The first problem found, naming the file, sheet and 1-based row, and the fix.

    Examples
    --------
    >>> df = pd.DataFrame({"step_id": ["A", "B"], "step": ["Pedir", "Pagar"],
    ...                    "next_steps": ["B", "A"]})  # a loop: fine
    >>> len(validate_steps(df))
    2
    >>> validate_steps(pd.DataFrame({"step_id": ["A", "A"], "step": ["x", "y"]}), file="s.csv")
    Traceback (most recent call last):
    ...
    research.errors.InputError: s.csv, row 3: step id 'A' is used twice (first at row 2) — give every step its own id
    """
    missing = [c for c in REQUIRED_STEP_FIELDS if c not in df.columns]
    if missing:
        raise InputError(f"missing required column(s) {', '.join(missing)} (columns found: {', '.join(map(str, df.columns))})",
                         "add them — accepted names: "
                         + "; ".join(f"{f}: {', '.join(STEP_HEADER_NAMES[f][:4])}" for f in missing),
                         file=file)

    def where(k: int) -> tuple[str | None, int]:
        sheet = df["source_sheet"].iloc[k] if "source_sheet" in df.columns else None
        sheet = None if sheet is None or (isinstance(sheet, float) and math.isnan(sheet)) else sheet
        row = int(df["source_row"].iloc[k]) if "source_row" in df.columns else k + 2
        return sheet, row

    seen: dict[str, int] = {}
    ids = [_cell_text(v) for v in df["step_id"]]
    for k, sid in enumerate(ids):
        sheet, row = where(k)
        if not sid:
            raise InputError("the step id is empty", "give every step an id (e.g. S01)", file=file, sheet=sheet, row=row)
        if not _cell_text(df["step"].iloc[k]):
            raise InputError(f"step {sid!r} has no name", "write the step's name in the step/paso column",
                             file=file, sheet=sheet, row=row)
        if sid in seen:
            _, first_row = where(seen[sid])
            raise InputError(f"step id {sid!r} is used twice (first at row {first_row})",
                             "give every step its own id", file=file, sheet=sheet, row=row)
        seen[sid] = k
    if "next_steps" in df.columns:
        for k, value in enumerate(df["next_steps"]):
            for nxt in split_list(value):
                if nxt not in seen:
                    sheet, row = where(k)
                    raise InputError(f"next step {nxt!r} is not a step id of this file",
                                     f"use one of the ids in the step id column ({', '.join(list(seen)[:8])}…) "
                                     "or remove it", file=file, sheet=sheet, row=row)
    for field in ("median_wait_days", "volume_per_month", "order"):
        if field not in df.columns:
            continue
        for k, v in enumerate(df[field]):
            x = _parse_number(v)
            sheet, row = where(k)
            label = STEP_HEADER_NAMES[field][0]
            if x is None:
                raise InputError(f"{label} is not a number ({_cell_text(v)!r})",
                                 f"write a number in the {label} column (e.g. 3 or 2.5), or leave it empty",
                                 file=file, sheet=sheet, row=row)
            if field != "order" and not math.isnan(x) and x < 0:
                raise InputError(f"{label} is negative ({x:g})", "write zero or a positive number",
                                 file=file, sheet=sheet, row=row)
    return df


def _decode(data: bytes, name: str) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    if len(data) > 1 and data[1:2] == b"\x00":
        return data.decode("utf-16-le")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _read_csv_rows(path: Path) -> list[list]:
    text = _decode(path.read_bytes(), path.name)
    if "\x00" in text:
        raise InputError("the file is not a text CSV (it contains binary data)",
                         "export the sheet again as CSV (UTF-8) or use the .xlsx file", file=path.name)
    from research.textformats import sniff_delimiter

    delimiter = sniff_delimiter(text)  # quote-aware: "S2;S3" next-step lists do not count
    return [list(r) for r in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]


def read_steps(path: str | Path, mapping: dict[str, str] | None = None) -> ImportResult:
    """Read a steps file (``.xlsx``/``.xlsm`` one sheet per journey, or ``.csv``/``.tsv``).

    Parameters
    ----------
    path : str or Path
        The file.
    mapping : dict, optional
        Source header -> canonical field (``{"Código trámite": "step_id"}``); overrides detection.

    Returns
    -------
    ImportResult
        ``kind="steps"``, ``layout`` ``"sheet-per-journey"`` or ``"csv"``,
        ``tables["steps"]`` validated (see the module docstring for the conventions).

    Raises
    ------
    InputError
        Unreadable file, no sheet with the required columns, duplicate ids, unknown next steps,
        non-numeric waits or volumes, unknown lanes — naming file, sheet and row.

    Examples
    --------
    >>> import tempfile, os
    >>> d = tempfile.mkdtemp(); p = os.path.join(d, "pasos.csv")
    >>> _ = open(p, "w", encoding="utf-8").write(
    ...     "Código;Paso;Canal;Siguientes pasos;Espera mediana (días)\\n"
    ...     "S1;Registrarse;web;S2;0\\nS2;Pagar;Web, Oficina;S1;2,5\\n")
    >>> r = read_steps(p)
    >>> r.tables["steps"][["journey", "step_id", "channel", "median_wait_days"]].values.tolist()
    [['pasos', 'S1', 'web', 0.0], ['pasos', 'S2', 'web;office', 2.5]]
    """
    p = Path(path)
    name = p.name
    for source, field in (mapping or {}).items():
        if field not in STEP_HEADER_NAMES:
            raise InputError(f"cannot map column {source!r} to unknown field {field!r}",
                             f"use one of: {', '.join(STEP_HEADER_NAMES)}", file=name)
    check_size(p)
    suffix = p.suffix.lower()
    skipped: list[dict] = []
    frames: list[pd.DataFrame] = []
    used_mapping: dict[str, str] = {}
    header_cells: list[str] = []
    if suffix in (".xlsx", ".xlsm"):
        check_zip_archive(p, name)
        from python_calamine import CalamineError, CalamineWorkbook

        try:
            wb = CalamineWorkbook.from_path(str(p))
            sheets = [(s, wb.get_sheet_by_name(s).to_python(skip_empty_area=False)) for s in wb.sheet_names]
        except Exception as exc:  # calamine raises several types for broken files
            kind = type(exc).__name__
            if isinstance(exc, CalamineError) or "Password" in kind or "Zip" in kind or "Xml" in kind:
                raise InputError(f"cannot read the workbook ({kind})",
                                 "open it in Excel, remove any password and save it again as .xlsx",
                                 file=name) from None
            raise InputError(f"cannot read the workbook ({kind}: {exc})",
                             "re-save it as .xlsx from Excel", file=name) from None
        first_error: InputError | None = None
        for sheet, rows in sheets:
            if not any(_cell_text(c) for r in rows for c in r):
                skipped.append({"sheet": sheet, "row": None, "reason": "empty sheet"})
                continue
            try:
                frames.append(steps_from_rows(rows, journey=sheet, file=name, sheet=sheet, mapping=mapping))
            except InputError as exc:
                if "missing required column" not in exc.what:
                    raise
                first_error = first_error or exc
                skipped.append({"sheet": sheet, "row": None,
                                "reason": "no steps header (no columns named step id and step in the first rows)"})
            else:
                used_mapping.update(_mapping_of(rows, mapping))
                header_cells += [c for c in _header_cells(rows, mapping) if c not in header_cells]
        if not frames:
            raise first_error or InputError("the workbook has no sheets with data",
                                            "put the steps in the first sheet with a header row", file=name)
        layout = "sheet-per-journey"
    elif suffix in (".csv", ".tsv", ".txt"):
        rows = _read_csv_rows(p)
        if not any(_cell_text(c) for r in rows for c in r):
            raise InputError("the file has no data", "export the steps sheet again", file=name)
        frames.append(steps_from_rows(rows, journey=p.stem, file=name, sheet=None, mapping=mapping))
        used_mapping.update(_mapping_of(rows, mapping))
        header_cells = _header_cells(rows, mapping)
        layout = "csv"
    else:
        raise InputError(f"a steps file cannot be {suffix or 'without extension'}",
                         "use an .xlsx workbook (one sheet per journey) or a .csv file", file=name)
    unused = [k for k in (mapping or {}) if _norm(k) not in {_norm(c) for c in header_cells}]
    if unused:  # an explicit mapping naming a column the file does not have is a mistake, not a no-op
        raise InputError(f"--map names column(s) not in the file: {', '.join(unused)} "
                         f"(columns found: {', '.join(header_cells[:15]) or 'none'})",
                         "use a column name as written in the header row (check its spelling)", file=name)
    df = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    if df.empty:
        raise InputError("the steps sheet has a header but no steps",
                         "add one row per step below the header", file=name)
    df = _resolve_ids(df)
    validate_steps(df, file=name)
    return ImportResult(file=name, kind="steps", layout=layout, tables={"steps": conform(df, "steps")},
                        mapping=used_mapping, skipped=skipped)


def _resolve_ids(df: pd.DataFrame) -> pd.DataFrame:
    """Make ids unique across journeys and let ``next_steps`` name steps by their names.

    A journey (sheet) that reuses ids of an earlier one (both numbered 1, 2, 3...) gets its ids
    qualified as ``"<journey>:<id>"``, its own ``next_steps`` rewritten to match. A ``next_steps``
    item that is no id but a step's name (case- and accent-insensitive; same journey first) is
    replaced by that step's id. Duplicates inside one journey are left for :func:`validate_steps`.
    """
    df = df.copy()
    seen: set[str] = set()
    for journey in dict.fromkeys(df["journey"]):
        mask = df["journey"] == journey
        ids = df.loc[mask, "step_id"].tolist()
        if seen & set(ids):
            own = set(ids)
            df.loc[mask, "step_id"] = [f"{journey}:{i}" for i in ids]
            df.loc[mask, "next_steps"] = [";".join(f"{journey}:{x}" if x in own else x for x in split_list(v))
                                          for v in df.loc[mask, "next_steps"]]
        seen |= set(ids)
    all_ids = set(df["step_id"])
    by_name: dict[tuple[str, str], str] = {}
    for j, sid, step in zip(df["journey"], df["step_id"], df["step"], strict=True):
        by_name.setdefault((j, _norm(step)), sid)
        by_name.setdefault(("", _norm(step)), sid)
    out = []
    for j, value in zip(df["journey"], df["next_steps"], strict=True):
        items = []
        for x in split_list(value):
            if x not in all_ids:
                x = by_name.get((j, _norm(x))) or by_name.get(("", _norm(x))) or x
            items.append(x)
        out.append(";".join(items))
    df["next_steps"] = out
    return df


def _header_cells(rows, mapping) -> list[str]:
    """Every non-empty cell of the detected header row."""
    header = _detect_header(rows, mapping)
    return [c for c in (_cell_text(x) for x in rows[header[0]]) if c] if header else []


def _mapping_of(rows, mapping) -> dict[str, str]:
    header = _detect_header(rows, mapping)
    if not header:
        return {}
    h, cols = header
    return {_cell_text(rows[h][j]): field for j, field in cols.items()}
