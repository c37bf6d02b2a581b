"""Event-log readers: CSV, XLSX, XES (``.xes``, ``.xes.gz``) and Parquet → the ``events`` table.

Every format ends in the same canonical table (``research.schema.EVENT_COLUMNS``) plus
``source_row`` and any other attribute of the file, kept under its own name:

- ``case_id`` and ``activity`` are text; ``timestamp`` is tz-aware UTC. Offsets are honoured
  (mixed offsets across daylight-saving changes are fine); a timestamp without an offset is
  taken as UTC, as PM4Py does.
- ``source_row`` is where the event is in the file, 1-based: the data row of a CSV or Parquet
  file (the header is not counted), the spreadsheet row of an XLSX sheet (as Excel shows it),
  the event number of an XES file (in document order).
- Rows are kept in file order; discovery (:mod:`journeys.discovery`) does the sorting.
- Case-level attributes of XES traces become ``case:<name>`` columns, as in PM4Py. When the log
  has no event-level channel, a case-level ``case:channel`` fills ``channel``.

Column names are recognised in English and Spanish, case- and accent-insensitive, including
the XES names (``case:concept:name``, ``concept:name``, ``time:timestamp``, ``org:resource``,
``lifecycle:transition``). An explicit ``mapping`` (source column → field) overrides detection.

Rows whose case, activity or timestamp is empty are left out and listed in
``ImportResult.skipped`` (PM4Py drops them too); a timestamp that is present but cannot be read
is an error naming the rows.

XML is parsed with no DTD, no entities and no external references (expat, guarded as defusedxml
does: any declaration stops the parse), and gzip files
are decompressed under a size limit (``research.guards.read_gzip_limited``).
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from research.errors import InputError
from research.guards import check_size, check_zip_archive, max_expanded_bytes, read_gzip_limited
from research.result import ImportResult
from research.schema import EVENT_COLUMNS
from research.textformats import sniff_delimiter

__all__ = ["read_eventlog", "events_from_frame", "detect_event_columns", "parse_timestamps",
           "FIELD_SYNONYMS", "REQUIRED_FIELDS"]

REQUIRED_FIELDS = ("case_id", "activity", "timestamp")

# Folded names (see ``_fold``) accepted for each canonical field, best first.
FIELD_SYNONYMS = {
    "case_id": (
        "case concept name", "case id", "caseid", "case", "case number", "case no", "id case",
        "caso", "id caso", "id del caso", "numero de caso", "expediente", "numero de expediente",
        "no expediente", "n expediente", "id expediente", "tramite", "id tramite", "id del tramite",
        "numero de tramite", "solicitud", "id solicitud", "numero de solicitud", "ticket",
        "id ticket", "trace", "trace id", "traza",
    ),
    "activity": (
        "concept name", "activity", "activity name", "actividad", "nombre de la actividad",
        "paso", "step", "evento", "event", "event name", "nombre del evento", "tarea", "task",
        "accion", "action", "etapa",
    ),
    "timestamp": (
        "time timestamp", "timestamp", "fecha y hora", "fecha hora", "fecha/hora", "datetime",
        "date time", "marca de tiempo", "complete timestamp", "end timestamp", "time", "fecha",
        "date", "hora",
    ),
    "channel": ("channel", "canal", "case channel", "case canal"),
    "resource": (
        "org resource", "resource", "recurso", "funcionario", "funcionaria", "funcionario a",
        "user", "usuario", "agent", "agente", "employee", "empleado", "operador", "operator",
    ),
    "agency": (
        "agency", "entidad", "institucion", "institution", "organismo", "organization",
        "organisation", "organizacion", "ministerio", "ministry", "dependencia",
        "case agency", "case entidad", "case institucion",
    ),
    "lifecycle": ("lifecycle transition", "lifecycle", "transition", "ciclo de vida", "transicion"),
}

_ACCEPTED_HINT = {
    "case_id": "case:concept:name, case id, caso, expediente, trámite",
    "activity": "concept:name, activity, actividad, paso, evento",
    "timestamp": "time:timestamp, timestamp, fecha, hora, fecha y hora",
}

_MAX_SKIPPED_LISTED = 100
_TEXT_SUFFIXES = {".csv", ".tsv", ".txt"}
_EXCEL_SUFFIXES = {".xlsx", ".xlsm"}
_PARQUET_SUFFIXES = {".parquet", ".pq"}


def _fold(name) -> str:
    """Lower case, no accents, separators (space _ - . : /) collapsed to one space."""
    text = unicodedata.normalize("NFKD", str(name))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    return " ".join(re.split(r"[\s_\-.:/]+", text)).strip()


# ---------------------------------------------------------------------------------------------
# column detection


def detect_event_columns(columns, mapping: dict | None = None, *, file: str | None = None) -> dict:
    """Map source columns to canonical event fields.

    Parameters
    ----------
    columns : sequence of str
        Column names as found in the file.
    mapping : dict, optional
        Explicit choices, ``{source_column: field}`` (``{field: source_column}`` is accepted
        too). They win over detection.
    file : str, optional
        File name for error messages.

    Returns
    -------
    dict
        ``{source_column: field}`` for every field found.

    Raises
    ------
    InputError
        A required field (case, activity, timestamp) has no column, or ``mapping`` names a
        column that does not exist. The message lists the columns found and the names accepted.

    Examples
    --------
    >>> detect_event_columns(["Expediente", "Actividad", "Fecha y hora", "Canal"])
    {'Expediente': 'case_id', 'Actividad': 'activity', 'Fecha y hora': 'timestamp', 'Canal': 'channel'}
    >>> detect_event_columns(["case:concept:name", "concept:name", "time:timestamp", "case:channel"])["case:channel"]
    'channel'
    >>> detect_event_columns(["id", "what", "when"], {"id": "case_id", "what": "activity", "when": "timestamp"})
    {'id': 'case_id', 'what': 'activity', 'when': 'timestamp'}
    """
    columns = [str(c) for c in columns]
    fields = set(FIELD_SYNONYMS)
    found: dict[str, str] = {}
    for key, value in (mapping or {}).items():
        key, value = str(key), str(value)
        if value in fields and key in columns:
            source, field = key, value
        elif key in fields and value in columns:
            source, field = value, key
        else:
            raise InputError(f"the column mapping {key}={value} names no column of the file "
                             f"(columns found: {', '.join(columns) or 'none'})",
                             "map an existing column to one of " + ", ".join(FIELD_SYNONYMS),
                             file=file)
        found = {s: f for s, f in found.items() if f != field}
        found[source] = field
    folded = {c: _fold(c) for c in columns}
    for field, names in FIELD_SYNONYMS.items():
        if field in found.values():
            continue
        for name in names:
            hit = next((c for c in columns if folded[c] == name and c not in found), None)
            if hit is not None:
                found[hit] = field
                break
    missing = [f for f in REQUIRED_FIELDS if f not in found.values()]
    if missing:
        accepted = "; ".join(f"{f}: {_ACCEPTED_HINT[f]}" for f in missing)
        raise InputError(
            f"no {' / '.join(m.replace('_', ' ') for m in missing)} column "
            f"(columns found: {', '.join(columns) or 'none'})",
            f"name the column(s) as one of — {accepted} — or pass a mapping such as --map COLUMN={missing[0]}",
            file=file)
    order = {c: i for i, c in enumerate(columns)}
    return dict(sorted(found.items(), key=lambda kv: order[kv[0]]))


# ---------------------------------------------------------------------------------------------
# timestamps

_DAYFIRST_FORMATS = (
    "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y", "%d-%m-%Y %H:%M:%S", "%d-%m-%Y %H:%M",
    "%d-%m-%Y", "%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M", "%d.%m.%Y", "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M", "%Y/%m/%d", "%d/%m/%Y %I:%M:%S %p", "%d/%m/%Y %I:%M %p",
)
# US exports; chosen for a column only when they read more of it than the day-first ones
_MONTHFIRST_FORMATS = tuple(f.replace("%d/%m", "%m/%d").replace("%d-%m", "%m-%d")
                            for f in _DAYFIRST_FORMATS if f.startswith("%d/") or f.startswith("%d-"))


def parse_timestamps(values, *, rows=None, file: str | None = None, column: str | None = None) -> pd.Series:
    """Parse timestamps to tz-aware UTC; offsets honoured, no offset means UTC.

    Numbers are Excel serial days (10,000–100,000) or Unix epoch seconds / milliseconds;
    text is tried as ISO 8601 (with or without offset, mixed offsets allowed), then in day-first
    formats common in Spanish exports (``31/12/2024 14:05``) — or month-first (``12/31/2024``)
    when that reads more of the column — then value by value.

    Parameters
    ----------
    values : array-like
        Strings, datetimes or pandas timestamps. Empty values become ``NaT``.
    rows : array-like of int, optional
        The ``source_row`` of each value, for error messages (default 1, 2, …).
    file, column : str, optional
        For error messages.

    Returns
    -------
    Series of datetime64[ns, UTC]

    Raises
    ------
    InputError
        Some non-empty values cannot be read; the message names the first rows and how many.

    Examples
    --------
    >>> parse_timestamps(["2024-03-31T01:30:00+01:00", "2024-03-31T03:30:00+02:00",
    ...                   "2024-04-01 10:00"]).dt.strftime("%H:%M").tolist()
    ['00:30', '01:30', '10:00']
    >>> parse_timestamps(["31/12/2024 14:05"]).iloc[0]
    Timestamp('2024-12-31 14:05:00+0000', tz='UTC')
    >>> parse_timestamps(["12/31/2024 14:05", "01/02/2024 08:00"]).dt.strftime("%Y-%m-%d").tolist()
    ['2024-12-31', '2024-01-02']
    >>> parse_timestamps([45292.5, 1704067200]).dt.strftime("%Y-%m-%d %H:%M").tolist()
    ['2024-01-01 12:00', '2024-01-01 00:00']
    """
    s = pd.Series(values, copy=False).reset_index(drop=True)
    if isinstance(s.dtype, pd.DatetimeTZDtype):
        return s.dt.tz_convert("UTC").dt.as_unit("ns")
    if pd.api.types.is_datetime64_dtype(s.dtype):
        return s.dt.tz_localize("UTC").dt.as_unit("ns")
    if _all_text(s):  # the common case (CSV, XES): vectorised
        obj = s.astype("str").str.strip().astype(object)
        obj = obj.where(s.notna().to_numpy() & (obj != "").to_numpy(), None)
    else:
        obj = s.astype(object)
        text_mask = obj.map(lambda v: isinstance(v, str), na_action="ignore").fillna(False).astype(bool)
        if text_mask.any():
            obj = obj.where(~text_mask, obj.where(text_mask, "").astype(str).str.strip())
            obj = obj.mask(text_mask & (obj == ""), None)
    present = obj.notna().to_numpy()
    out = pd.Series(pd.NaT, index=s.index, dtype="datetime64[ns, UTC]")
    if present.any():
        todo = obj[present]
        # real numbers (not text) are never fed to the ISO parser, which reads them as nanoseconds
        if _all_text(s):
            is_number = pd.Series(False, index=todo.index)
        else:
            is_number = todo.map(lambda v: isinstance(v, (int, float, np.number)) and not isinstance(v, bool))
            is_number = is_number.astype(bool)
        numbers, todo = todo[is_number], todo[~is_number]
        first = _to_utc(todo, format="ISO8601")
        out.loc[first.index] = first
        left = todo[first.isna()]
        numeric_text = left.map(lambda v: isinstance(v, str) and bool(_NUMBER.fullmatch(v))).astype(bool)
        numbers = pd.concat([numbers, left[numeric_text]])
        left = left[~numeric_text]
        unread = numbers.index[:0]
        if len(numbers):
            parsed = _from_numbers(pd.to_numeric(numbers, errors="coerce").astype(float))
            ok = parsed.notna()
            out.loc[parsed.index[ok]] = parsed[ok]
            unread = parsed.index[~ok]
        if not left.empty:
            candidates = left
            parsed, left = _by_formats(candidates, _DAYFIRST_FORMATS)
            if not left.empty:  # some day-first reads failed: is the column month-first?
                us_parsed, us_left = _by_formats(candidates, _MONTHFIRST_FORMATS + _DAYFIRST_FORMATS[9:12])
                if len(us_left) < len(left):
                    parsed, left = us_parsed, us_left
            out.loc[parsed.index] = parsed
        if len(unread):
            left = pd.concat([left, obj.loc[unread]]).sort_index()
        if not left.empty:
            parsed = left.map(_parse_one)
            ok = parsed.notna()
            out.loc[parsed.index[ok]] = pd.to_datetime(parsed[ok], utc=True).dt.as_unit("ns")
            left = left[~ok]
        if not left.empty:
            far = left.map(_out_of_range_year).astype(bool)
            bad = left[~far] if (~far).any() else left
            row_numbers = (np.asarray(rows)[bad.index] if rows is not None else bad.index + 1).tolist()
            shown = ", ".join(str(r) for r in row_numbers[:5])
            more = f" and {len(row_numbers) - 5} more" if len(row_numbers) > 5 else ""
            example = str(bad.iloc[0])[:40]
            where = f" in column {column}" if column else ""
            if not (~far).any():  # every failure is a real date in a year pandas cannot hold
                raise InputError(
                    f"{len(row_numbers)} timestamp(s){where} have a year outside 1678–2261 (rows {shown}{more}; "
                    f"e.g. {example!r}), usually a placeholder for an unknown date",
                    "put the real date in those rows (placeholders such as 0001-01-01 or 9999-12-31 cannot be "
                    "used), or delete the rows whose date is unknown",
                    file=file, row=int(row_numbers[0]))
            raise InputError(
                f"{len(row_numbers)} timestamp(s) cannot be read{where}"
                f" (rows {shown}{more}; e.g. {example!r})",
                "write them as 2024-05-31 14:05 (ISO 8601, optionally with an offset such as -05:00) "
                "or 31/05/2024 14:05",
                file=file, row=int(row_numbers[0]))
    return out


_YEAR = re.compile(r"(?<!\d)(\d{4})(?!\d)")


def _out_of_range_year(value) -> bool:
    """A text date whose (first) four-digit year is outside what nanoseconds hold (1678–2261)."""
    if not isinstance(value, str):
        return False
    m = _YEAR.search(value)
    return bool(m) and not 1678 <= int(m.group(1)) <= 2261


_NUMBER = re.compile(r"[+-]?\d+(\.\d*)?([eE][+-]?\d+)?")


def _by_formats(values: pd.Series, formats) -> tuple[pd.Series, pd.Series]:
    """Parse with each format in turn; return (parsed values, values no format could read)."""
    parsed = []
    left = values
    for fmt in formats:
        if left.empty:
            break
        attempt = _to_utc(left, format=fmt)
        ok = attempt.notna()
        parsed.append(attempt[ok])
        left = left[~ok]
    done = pd.concat(parsed) if parsed else pd.Series(dtype="datetime64[ns, UTC]")
    return done, left


def _from_numbers(nums: pd.Series) -> pd.Series:
    """Excel serial days (10,000–100,000), Unix seconds (1e8–1e11) or milliseconds (to 1e14)."""
    parsed = pd.Series(pd.NaT, index=nums.index, dtype="datetime64[ns, UTC]")
    excel = nums.between(10_000, 100_000)
    secs = nums.between(1e8, 1e11)
    millis = nums.between(1e11, 1e14, inclusive="right")
    base = pd.Timestamp("1899-12-30", tz="UTC")
    parsed[excel] = base + pd.to_timedelta((nums[excel] * 86_400_000).round(), unit="ms")
    parsed[secs] = pd.to_datetime((nums[secs] * 1000).round(), unit="ms", utc=True)
    parsed[millis] = pd.to_datetime(nums[millis].round(), unit="ms", utc=True)
    return parsed


_NS_MIN = pd.Timestamp("1677-09-22", tz="UTC")
_NS_MAX = pd.Timestamp("2262-04-10", tz="UTC")


def _in_ns_range(parsed: pd.Series) -> pd.Series:
    """Timestamps outside what nanoseconds can hold (1677–2262) become NaT, i.e. unreadable."""
    return parsed.where(parsed.isna() | ((parsed >= _NS_MIN) & (parsed <= _NS_MAX)))


def _to_utc(values: pd.Series, **kwargs) -> pd.Series:
    try:
        parsed = pd.to_datetime(values, utc=True, errors="coerce", **kwargs)
    except (ValueError, TypeError, OverflowError):
        parsed = pd.to_datetime(values.map(_parse_one), utc=True)
    return _in_ns_range(parsed).dt.as_unit("ns")


def _parse_one(value):
    if isinstance(value, (int, float, np.number)) or (isinstance(value, str) and _NUMBER.fullmatch(value)):
        return None  # a number that is no plausible date (see parse_timestamps)
    try:
        with warnings.catch_warnings():  # pandas warns when dayfirst does not fit an ISO-looking text
            warnings.simplefilter("ignore")
            ts = pd.Timestamp(value) if not isinstance(value, str) else pd.to_datetime(value, dayfirst=True)
        if ts is pd.NaT or not isinstance(ts, pd.Timestamp):
            return None
        ts = ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")
    except (ValueError, TypeError, OverflowError):
        return None
    return ts if _NS_MIN <= ts <= _NS_MAX else None


# ---------------------------------------------------------------------------------------------
# raw frame -> canonical events


def _all_text(series: pd.Series) -> bool:
    """Every non-missing value is a str (a text dtype, or an object column holding only text)."""
    if pd.api.types.is_string_dtype(series.dtype) and series.dtype != object:
        return True
    return series.dtype == object and pd.api.types.infer_dtype(series, skipna=True) in ("string", "empty")


def _is_blank(series: pd.Series) -> np.ndarray:
    """Missing, or text that is only spaces (vectorised for text columns)."""
    blank = np.array(series.isna().to_numpy(), dtype=bool)
    if _all_text(series):
        stripped = series.astype("str").str.strip()
        blank |= (stripped == "").fillna(False).to_numpy(dtype=bool)
    elif series.dtype == object:
        stripped = series.map(lambda v: isinstance(v, str) and not v.strip(), na_action="ignore")
        blank |= stripped.fillna(False).astype(bool).to_numpy()
    return blank


def _as_text(series: pd.Series) -> pd.Series:
    """Text labels, stripped; integral floats (Excel's 12.0) written as 12. Missing stays missing."""
    if _all_text(series):
        return series.astype("str").str.strip()
    if pd.api.types.is_integer_dtype(series.dtype) or pd.api.types.is_bool_dtype(series.dtype):
        return series.astype(str).astype(object)

    def one(v):
        if isinstance(v, float) and v.is_integer():
            return str(int(v))
        return v.strip() if isinstance(v, str) else str(v)
    return series.astype(object).map(one, na_action="ignore")


_DATE_ONLY_NAMES = {"fecha", "date", "dia", "day"}
_TIME_ONLY_NAMES = {"hora", "time", "hour"}


def _separate_time_column(columns, ts_col: str, found: dict, mapping) -> str | None:
    """A "Hora" column beside a detected "Fecha" column: the two together are the timestamp."""
    explicit = {str(k) for k in (mapping or {})} | {str(v) for v in (mapping or {}).values()}
    if _fold(ts_col) not in _DATE_ONLY_NAMES or ts_col in explicit:
        return None
    return next((c for c in columns if c not in found and _fold(c) in _TIME_ONLY_NAMES), None)


def _join_date_time(dates: pd.Series, times: pd.Series) -> pd.Series:
    """Date and time columns (text, or Excel date and time cells) as one text timestamp."""
    import datetime as dt

    def date_text(v):
        if isinstance(v, (dt.datetime, pd.Timestamp)):
            return v.strftime("%Y-%m-%d") if v.time() == dt.time(0) else v.isoformat()
        return v.isoformat() if isinstance(v, dt.date) else (None if pd.isna(v) else str(v).strip())

    def time_text(v):
        if isinstance(v, (dt.datetime, pd.Timestamp)):
            return v.strftime("%H:%M:%S")
        if isinstance(v, dt.time):
            return v.isoformat()
        if isinstance(v, float) and 0 <= v < 1:  # an Excel time as a fraction of a day
            return (pd.Timestamp(0) + pd.to_timedelta(round(v * 86400), unit="s")).strftime("%H:%M:%S")
        return None if pd.isna(v) else str(v).strip()

    d = dates.astype(object).map(date_text)
    t = times.astype(object).map(time_text)
    has_time = d.astype(str).str.contains(":", regex=False)  # a full timestamp already
    both = d.notna() & t.notna() & (t != "") & ~has_time
    return d.where(~both, d.astype(str) + " " + t.astype(str))


def events_from_frame(raw: pd.DataFrame, mapping: dict | None = None, *, file: str = "<input>",
                     rows=None, sheet: str | None = None, layout: str = "table") -> ImportResult:
    """Turn a raw table (one row per event, any column names) into the canonical events table.

    Parameters
    ----------
    raw : DataFrame
        As read from the file, one row per event, original order.
    mapping : dict, optional
        ``{source_column: field}`` overrides (see :func:`detect_event_columns`).
    file : str
        File name for messages and the result.
    rows : array-like of int, optional
        ``source_row`` of each raw row (default 1, 2, …).
    sheet : str, optional
        Sheet name, for messages.
    layout : str
        Recorded in the result (``csv``, ``xlsx``, ``xes``, ``parquet``…).

    Returns
    -------
    ImportResult
        ``tables["events"]``: canonical columns, ``source_row``, then the other attributes.

    Raises
    ------
    InputError
        Missing required columns, unreadable timestamps, no events.

    Examples
    --------
    >>> raw = pd.DataFrame({"Caso": ["7", "7", "8"], "Paso": ["Solicitar", "Pagar", "Solicitar"],
    ...                     "Fecha": ["2024-01-02 10:00-05:00", "2024-01-02 11:00-05:00", ""],
    ...                     "Canal": ["web", "oficina", "web"]})
    >>> res = events_from_frame(raw, file="log.csv")
    >>> res.tables["events"][["case_id", "activity", "channel", "source_row"]].values.tolist()
    [['7', 'Solicitar', 'web', 1], ['7', 'Pagar', 'oficina', 2]]
    >>> str(res.tables["events"]["timestamp"].iloc[0])
    '2024-01-02 15:00:00+00:00'
    >>> res.skipped[0]["row"], res.skipped[0]["reason"]
    (3, 'empty timestamp')
    """
    raw = raw.reset_index(drop=True)
    if any(not isinstance(c, str) for c in raw.columns) or raw.columns.duplicated().any():
        raw = raw.set_axis(_unique_names(list(raw.columns)), axis=1)
    rows = np.arange(1, len(raw) + 1) if rows is None else np.asarray(rows)
    if len(raw) == 0:
        raise InputError("the file has a header but no events", "export the log again with its rows",
                         file=file, sheet=sheet)
    found = detect_event_columns(list(raw.columns), mapping, file=file)
    by_field = {f: s for s, f in found.items()}
    all_blank = np.all(np.column_stack([_is_blank(raw[c]) for c in raw.columns]), axis=1)
    missing = {f: _is_blank(raw[by_field[f]]) for f in REQUIRED_FIELDS}
    drop = all_blank.copy()
    skipped: list[dict] = []
    partial = ~all_blank & np.logical_or.reduce([missing[f] for f in REQUIRED_FIELDS])
    for i in np.flatnonzero(partial):
        empty = [f.replace("_", " ") for f in REQUIRED_FIELDS if missing[f][i]]
        skipped.append({"sheet": sheet, "row": int(rows[i]), "reason": "empty " + " and ".join(empty)})
    drop |= partial
    if len(skipped) > _MAX_SKIPPED_LISTED:
        extra = len(skipped) - _MAX_SKIPPED_LISTED
        skipped = skipped[:_MAX_SKIPPED_LISTED] + [
            {"sheet": sheet, "row": None, "reason": f"{extra} more rows with an empty case, activity or timestamp"}]
    keep = ~drop
    raw = raw.loc[keep].reset_index(drop=True)
    rows = rows[keep]
    if len(raw) == 0:
        raise InputError("no events: every row lacks a case, an activity or a timestamp",
                         "fill in the case, activity and timestamp of each event", file=file, sheet=sheet)
    out = pd.DataFrame(index=raw.index)
    out["case_id"] = _as_text(raw[by_field["case_id"]])
    out["activity"] = _as_text(raw[by_field["activity"]])
    ts_col = by_field["timestamp"]
    time_col = _separate_time_column(raw.columns, ts_col, found, mapping)
    ts_values = raw[ts_col] if time_col is None else _join_date_time(raw[ts_col], raw[time_col])
    if time_col is not None:
        found[time_col] = "timestamp"  # consumed: not kept as an extra attribute
    out["timestamp"] = parse_timestamps(ts_values, rows=rows, file=file,
                                        column=ts_col if time_col is None else f"{ts_col} + {time_col}")
    for field in ("channel", "resource", "agency", "lifecycle"):
        if field in by_field:
            col = raw[by_field[field]]
            values = np.array(_as_text(col).to_numpy(dtype=object), dtype=object, copy=True)
            values[_is_blank(col)] = None
            out[field] = pd.Series(values, index=out.index, dtype=object)
        else:
            out[field] = None
    out["source_row"] = rows.astype("int64")
    for col in raw.columns:
        if col not in found and col not in out.columns:
            out[col] = raw[col].to_numpy()
    return ImportResult(file=file, kind="eventlog", layout=layout, tables={"events": out},
                        mapping=dict(found), skipped=skipped)


# ---------------------------------------------------------------------------------------------
# formats


def _decode(data: bytes, name: str) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    if len(data) > 1 and (data[1:200:2].count(0) > 40 or data[0:200:2].count(0) > 40):
        return data.decode("utf-16-le" if data[1] == 0 else "utf-16-be", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if b"\x00" in data[:4096]:
        raise InputError("this is not a text file", "export the log as CSV (UTF-8) or XLSX", file=name)
    return data.decode("cp1252", errors="replace")


def _read_csv(path: Path, mapping) -> ImportResult:
    compressed = path.name.lower().endswith(".gz")
    data = read_gzip_limited(path) if compressed else path.read_bytes()
    text = _decode(data, path.name)
    if not text.strip():
        raise InputError("the file is empty", "export the log again with its contents", file=path.name)
    is_tsv = path.name.lower().endswith((".tsv", ".tsv.gz"))
    delim = "\t" if is_tsv else sniff_delimiter(text)
    try:
        # title lines above the header have fewer fields: size the grid by the widest early line
        width = max((ln.count(delim) for ln in text[:200_000].splitlines()[:50]), default=0) + 1
        grid = pd.read_csv(io.StringIO(text), sep=delim, dtype=str, keep_default_na=False, na_values=[],
                           header=None, names=range(width), skip_blank_lines=True,
                           quoting=csv.QUOTE_MINIMAL, on_bad_lines="error", engine="c")
    except (pd.errors.ParserError, csv.Error, ValueError) as exc:
        raise InputError(f"the CSV cannot be read ({' '.join(str(exc).split())[:200]})",
                         "check the quotes and the delimiter, or export it again", file=path.name) from None
    except pd.errors.EmptyDataError:
        raise InputError("the file is empty", "export the log again with its contents", file=path.name) from None
    # the header may sit below title lines
    header_idx = _find_header(grid.head(30).values.tolist(), mapping) or 0
    header = _unique_names(grid.iloc[header_idx].tolist())
    raw = grid.iloc[header_idx + 1:].reset_index(drop=True)
    raw.columns = header
    return events_from_frame(raw, mapping, file=path.name, layout="csv")


def _unique_names(values) -> list[str]:
    """Header cells as unique text names: blanks become ``column N``, repeats get `` (2)``."""
    names, seen = [], {}
    for j, v in enumerate(values):
        name = str(v).strip() if v is not None and not (isinstance(v, float) and np.isnan(v)) else ""
        name = name or f"column {j + 1}"
        if name in seen:
            seen[name] += 1
            name = f"{name} ({seen[name]})"
        seen.setdefault(name, 1)
        names.append(name)
    return names


def _read_xlsx(path: Path, mapping) -> ImportResult:
    from python_calamine import CalamineWorkbook

    check_zip_archive(path, path.name)
    try:
        wb = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own error types for broken workbooks
        raise InputError(f"the workbook cannot be read ({type(exc).__name__})",
                         "open it in Excel and save it again as .xlsx", file=path.name) from None
    first_error: InputError | None = None
    for sheet_name in wb.sheet_names:
        try:
            grid = wb.get_sheet_by_name(sheet_name).to_python(skip_empty_area=False)
        except Exception:  # noqa: BLE001 - a chart sheet or a broken one: try the next
            continue
        if not grid:
            continue
        header_idx = _find_header(grid, mapping)
        if header_idx is None:
            continue
        header = _unique_names(grid[header_idx])
        body = grid[header_idx + 1:]
        width = len(header)
        body = [list(r[:width]) + [None] * (width - len(r)) for r in body]
        raw = pd.DataFrame(body, columns=header, dtype=object)
        raw = raw.replace("", None)
        rows = np.arange(header_idx + 2, header_idx + 2 + len(raw))
        try:
            res = events_from_frame(raw, mapping, file=path.name, rows=rows, sheet=sheet_name, layout="xlsx")
        except InputError as exc:
            first_error = first_error or exc.located(sheet=sheet_name)
            continue
        res.skipped = [{"sheet": s, "row": None, "reason": "no event-log header"}
                       for s in wb.sheet_names[:wb.sheet_names.index(sheet_name)]] + res.skipped
        return res
    if first_error is not None:
        raise first_error
    raise InputError("no sheet has case, activity and timestamp columns",
                     "add a header row with e.g. Caso / Actividad / Fecha y hora", file=path.name)


def _find_header(grid, mapping) -> int | None:
    wanted = {n for f in REQUIRED_FIELDS for n in FIELD_SYNONYMS[f]}
    explicit = {str(k) for k in (mapping or {})} | {str(v) for v in (mapping or {}).values()}
    for i, row in enumerate(grid[:30]):
        cells = [str(v).strip() for v in row if v not in (None, "")]
        hits = sum(1 for c in cells if _fold(c) in wanted or c in explicit)
        if hits >= 2:
            return i
    return None


def _read_parquet(path: Path, mapping) -> ImportResult:
    import pyarrow.parquet as pq

    try:
        meta = pq.ParquetFile(path).metadata
        # dictionary/RLE pages can hide a huge table in a tiny file: count at least 8 bytes a cell
        expanded = max(sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups)),
                       8 * meta.num_rows * meta.num_columns)
    except Exception as exc:  # pyarrow raises ArrowInvalid / OSError for broken files
        raise InputError(f"the Parquet file cannot be read ({type(exc).__name__})",
                         "export it again, or use CSV", file=path.name) from None
    if expanded > max_expanded_bytes():
        raise InputError(f"the file expands to {expanded / 1e6:.0f} MB, over the "
                         f"{max_expanded_bytes() / 1e6:.0f} MB limit",
                         "split it, or raise RECORRIDO_MAX_EXPANDED_MB if it is genuine", file=path.name)
    try:
        raw = pq.read_table(path).to_pandas()
    except Exception as exc:  # pyarrow raises ArrowInvalid / OSError for broken files
        raise InputError(f"the Parquet file cannot be read ({type(exc).__name__})",
                         "export it again, or use CSV", file=path.name) from None
    return events_from_frame(raw, mapping, file=path.name, layout="parquet")


# XES -------------------------------------------------------------------------------------------

_XES_TYPES = {"string", "date", "int", "float", "boolean", "id"}


def _xes_value(tag: str, value):
    if value is None or tag == "string" or tag == "date":
        return value
    if tag == "int":
        try:
            return int(value)
        except ValueError:
            return value
    if tag == "float":
        try:
            return float(value)
        except ValueError:
            return value
    if tag == "boolean":
        return value.strip().lower() == "true"
    return value


class _ForbiddenXml(Exception):
    """A DTD, an entity declaration or an external reference: never processed."""


def _forbid(*_args):
    raise _ForbiddenXml


def _read_xes(path: Path, mapping) -> ImportResult:
    """XES through a bare expat parser: no DTD, no entities, no external references.

    The same protections as defusedxml (any DOCTYPE, entity declaration or external reference
    stops the parse), with handlers that collect events directly instead of building a tree,
    which is about twice as fast on large logs.
    """
    import xml.parsers.expat as expat

    name = path.name
    data = read_gzip_limited(path) if name.lower().endswith(".gz") else path.read_bytes()
    if not data.strip():
        raise InputError("the file is empty", "export the log again with its contents", file=name)
    records: list[dict] = []
    depth = attr_depth = 0
    trace: dict | None = None
    event: dict | None = None
    events: list[dict] = []
    attr_tags = frozenset(_XES_TYPES | {"list", "container"})
    typed = frozenset(_XES_TYPES)

    def start(tag, attrib):
        nonlocal depth, attr_depth, trace, event, events
        if ":" in tag:
            tag = tag.rsplit(":", 1)[-1]
        depth += 1
        if tag in attr_tags:
            attr_depth += 1
            if attr_depth == 1 and tag in typed and "key" in attrib:
                if event is not None:
                    event[attrib["key"]] = _xes_value(tag, attrib.get("value"))
                elif trace is not None and depth == 3:
                    trace["case:" + attrib["key"]] = _xes_value(tag, attrib.get("value"))
        elif tag == "event" and attr_depth == 0:
            event = {}
        elif tag == "trace" and depth == 2:
            trace, events = {}, []

    def end(tag):
        nonlocal depth, attr_depth, trace, event, events
        if ":" in tag:
            tag = tag.rsplit(":", 1)[-1]
        depth -= 1
        if tag in attr_tags:
            attr_depth -= 1
        elif tag == "event" and event is not None and attr_depth == 0:
            events.append(event)
            event = None
        elif tag == "trace" and depth == 1 and trace is not None:
            for ev in events:
                merged = dict(trace)
                merged.update(ev)
                records.append(merged)
            trace, events = None, []

    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = _forbid
    parser.EntityDeclHandler = _forbid
    parser.UnparsedEntityDeclHandler = _forbid
    parser.ExternalEntityRefHandler = _forbid
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.buffer_text = True
    try:
        parser.Parse(data, True)
    except _ForbiddenXml:
        raise InputError("the XML declares a DTD or entities, which is not allowed",
                         "remove the <!DOCTYPE> / <!ENTITY> declarations; XES files do not need them",
                         file=name) from None
    except expat.ExpatError as exc:
        raise InputError(f"the XES file is not well-formed XML ({expat.ErrorString(exc.code)}, "
                         f"line {exc.lineno})", "export the log again, or check the file is complete",
                         file=name) from None
    if not records:
        raise InputError("the XES file holds no events", "export the log again with its traces", file=name)
    raw = pd.DataFrame.from_records(records)
    return events_from_frame(raw, mapping, file=name, layout="xes")


# ---------------------------------------------------------------------------------------------


def read_eventlog(path, mapping: dict | None = None) -> ImportResult:
    """Read an event log (CSV/TSV, gzipped or not, XLSX, XES, XES.GZ or Parquet) into the ``events`` table.

    Parameters
    ----------
    path : str or Path
        The file. The format is chosen from the extension.
    mapping : dict, optional
        ``{source_column: field}`` with field one of case_id, activity, timestamp, channel,
        resource, agency, lifecycle; overrides the detection of column names.

    Returns
    -------
    ImportResult
        ``kind="eventlog"``, ``tables["events"]`` with ``EVENT_COLUMNS``, ``source_row`` and the
        file's other attributes, in file order; ``mapping`` as used; ``skipped`` rows and why.

    Raises
    ------
    InputError
        Empty, too large or hostile files, unknown extensions, missing columns (the message
        lists the columns found and the names accepted), unreadable timestamps (with rows).

    Examples
    --------
    >>> import tempfile, os
    >>> d = tempfile.mkdtemp()
    >>> p = os.path.join(d, "log.csv")
    >>> _ = open(p, "w", encoding="utf-8").write(
    ...     "expediente;actividad;fecha y hora;canal\\n"
    ...     "A1;Solicitud;2024-03-09 09:00;web\\n"
    ...     "A1;Pago;2024-03-10 09:30:00-05:00;oficina\\n")
    >>> ev = read_eventlog(p).tables["events"]
    >>> ev[["case_id", "activity", "channel"]].values.tolist()
    [['A1', 'Solicitud', 'web'], ['A1', 'Pago', 'oficina']]
    >>> ev["timestamp"].dt.strftime("%Y-%m-%d %H:%M").tolist()
    ['2024-03-09 09:00', '2024-03-10 14:30']
    """
    path = Path(path)
    check_size(path)
    lower = path.name.lower()
    if lower.endswith((".csv.gz", ".tsv.gz", ".txt.gz")):
        res = _read_csv(path, mapping)
    elif lower.endswith((".xes", ".xes.gz")) or lower.endswith(".gz"):
        res = _read_xes(path, mapping)
    elif path.suffix.lower() in _TEXT_SUFFIXES:
        res = _read_csv(path, mapping)
    elif path.suffix.lower() in _EXCEL_SUFFIXES:
        res = _read_xlsx(path, mapping)
    elif path.suffix.lower() in _PARQUET_SUFFIXES:
        res = _read_parquet(path, mapping)
    else:
        raise InputError(f"unknown event-log format {path.suffix or '(no extension)'}",
                         "use .csv, .tsv, .csv.gz, .xlsx, .xes, .xes.gz or .parquet", file=path.name)
    events = res.tables["events"]
    cols = list(EVENT_COLUMNS) + ["source_row"]
    res.tables["events"] = events[cols + [c for c in events.columns if c not in cols]]
    return res
