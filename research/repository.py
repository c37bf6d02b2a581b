"""The research repository: projects and their canonical tables, stored transactionally.

One module with one job (DESIGN.md §2): persist projects and their tables. SQLite file by default,
PostgreSQL when ``DATABASE_URL`` is set, through SQLAlchemy Core. Plain pandas in and out.

- An import is one transaction: a failed import leaves the project exactly as it was.
- Importing the same file content twice into a project does not duplicate it.
- Pain-point edits and priority decisions carry a ``version``; a write based on an old version
  raises :class:`research.errors.ConflictError` instead of silently overwriting someone else.
- ``revision(project)`` increases on every write to a project (the app invalidates caches with it).
- The schema is versioned with Alembic (``research/migrations``); opening a repository upgrades
  an older database in place, never dropping data.

Examples
--------
>>> import pandas as pd
>>> from research.result import ImportResult
>>> repo = Repository("sqlite://")          # in memory; a file or PostgreSQL in real use
>>> utt = pd.DataFrame({"interview_id": ["e1", "e1"], "speaker": ["Ana", "Entrevistadora"],
...                     "speaker_role": ["participant", "interviewer"], "seq": [1, 2],
...                     "text": ["Esperé tres horas en la fila 😩", "¿Y luego?"],
...                     "lang": ["es", "es"], "source_file": ["e1.txt"] * 2, "source_row": [1, 2]})
>>> result = ImportResult("e1.txt", "transcripts", "txt", {"utterances": utt})
>>> repo.import_result("tramites", result, content_hash("e1 bytes".encode()))["status"]
'imported'
>>> repo.import_result("tramites", result, content_hash("e1 bytes".encode()))["status"]
'already imported'
>>> t = repo.table("tramites", "utterances")
>>> t[["project", "speaker", "seq"]].values.tolist()
[['tramites', 'Ana', 1], ['tramites', 'Entrevistadora', 2]]
>>> str(t["seq"].dtype)
'Int64'
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import os
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from research.errors import ConflictError, InputError, RecorridoError
from research.result import ImportResult
from research.schema import (
    CATEGORIES,
    EVENT_COLUMNS,
    NARRATED_COLUMNS,
    PAIN_POINT_COLUMNS,
    PAIN_STATUSES,
    PARTICIPANT_COLUMNS,
    STEP_COLUMNS,
    UTTERANCE_COLUMNS,
)

__all__ = [
    "Repository", "StorageError", "resolve_url", "content_hash", "TABLE_NAMES", "DECISION_COLUMNS", "IMPORT_COLUMNS",
    "MIGRATIONS_DIR", "STAGING_MARK", "metadata", "upgrade", "head_revision", "current_revision",
]

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"

#: The canonical tables a project holds, as returned by :meth:`Repository.tables`.
TABLE_NAMES = ("utterances", "participants", "steps", "events", "pain_points", "narrated")

#: Part of the name of a project that is still being loaded (hidden by ``list_projects``).
STAGING_MARK = " · loading "

#: Columns of :meth:`Repository.decisions`.
DECISION_COLUMNS = ("key", "chosen", "owner", "note", "version", "updated_at", "updated_by")

#: Columns of :meth:`Repository.imports`.
IMPORT_COLUMNS = ("import_id", "file", "kind", "layout", "content_sha256", "imported_at",
                  "imported_by", "summary")

# ---------------------------------------------------------------------------------------------
# Schema (must match the head revision of research/migrations; a test checks it)
# ---------------------------------------------------------------------------------------------

_JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_TS = sa.DateTime(timezone=True)

# Stored columns of each canonical table and how each converts: str, int, float, json, ts.
_KINDS: dict[str, tuple[tuple[str, str], ...]] = {
    "utterances": (
        ("interview_id", "str"), ("participant_id", "str"), ("speaker", "str"), ("speaker_role", "str"),
        ("seq", "int"), ("text", "str"), ("timestamp", "float"), ("lang", "str"), ("source_file", "str"),
        ("source_sheet", "str"), ("source_row", "int"), ("source_column", "str"), ("extra", "json"),
    ),
    "participants": (("participant_id", "str"), ("segment", "str"), ("attributes", "json")),
    "steps": (
        ("journey", "str"), ("step_id", "str"), ("stage", "str"), ("step", "str"), ("channel", "str"),
        ("lane", "str"), ("agency", "str"), ("order", "int"), ("next_steps", "json"),
        ("median_wait_days", "float"), ("volume_per_month", "float"), ("documents_required", "json"),
        ("synonyms", "json"), ("source_file", "str"), ("source_sheet", "str"), ("source_row", "int"),
        ("extra", "json"),
    ),
    "events": (
        ("case_id", "str"), ("activity", "str"), ("timestamp", "ts"), ("channel", "str"),
        ("resource", "str"), ("agency", "str"), ("lifecycle", "str"), ("source_row", "int"),
        ("step_id", "str"), ("extra", "json"),
    ),
    "pain_points": (
        ("interview_id", "str"), ("participant_id", "str"), ("source_file", "str"),
        ("source_sheet", "str"), ("source_row", "int"), ("source_column", "str"), ("sentence", "str"),
        ("start", "int"), ("end", "int"), ("category", "str"), ("severity", "float"), ("cues", "json"),
        ("step_id", "str"), ("channel", "str"), ("lang", "str"), ("status", "str"),
        ("suggestion_key", "str"), ("version", "int"), ("created_at", "ts"), ("updated_at", "ts"),
        ("updated_by", "str"), ("extra", "json"),
    ),
    "narrated": (
        ("interview_id", "str"), ("participant_id", "str"), ("position", "int"), ("step_id", "str"),
        ("channel", "str"), ("source_file", "str"), ("source_row", "int"),
    ),
}
_SA_TYPES = {"str": sa.Text, "int": sa.BigInteger, "float": sa.Float, "json": _JSON, "ts": _TS}
_WITH_IMPORT = {"utterances", "participants", "steps", "events"}

metadata = sa.MetaData()
projects_t = sa.Table(
    "projects", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.Text, nullable=False, unique=True),
    sa.Column("description", sa.Text, nullable=False, server_default=""),
    sa.Column("created_at", _TS, nullable=False),
    sa.Column("updated_at", _TS, nullable=False),
    sa.Column("revision", sa.Integer, nullable=False, server_default="0"),
)
imports_t = sa.Table(
    "imports", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("project_id", sa.Integer, sa.ForeignKey("projects.id", ondelete="CASCADE"), nullable=False),
    sa.Column("file", sa.Text, nullable=False),
    sa.Column("kind", sa.Text, nullable=False),
    sa.Column("layout", sa.Text),
    sa.Column("content_sha256", sa.String(64), nullable=False),
    sa.Column("summary", _JSON),
    sa.Column("imported_at", _TS, nullable=False),
    sa.Column("imported_by", sa.Text),
    sa.UniqueConstraint("project_id", "content_sha256", name="uq_imports_project_content"),
)
decisions_t = sa.Table(
    "decisions", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("project_id", sa.Integer, sa.ForeignKey("projects.id", ondelete="CASCADE"), nullable=False),
    sa.Column("key", sa.Text, nullable=False),
    sa.Column("chosen", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("owner", sa.Text),
    sa.Column("note", sa.Text),
    sa.Column("version", sa.Integer, nullable=False, server_default="1"),
    sa.Column("updated_at", _TS, nullable=False),
    sa.Column("updated_by", sa.Text),
    sa.UniqueConstraint("project_id", "key", name="uq_decisions_project_key"),
)


def _data_table(name: str) -> sa.Table:
    # events: no foreign keys (revision 0003): per-row checks tripled the cost of bulk imports;
    # the repository deletes a project's or an import's events itself, in the same transaction.
    fk = name != "events"
    project_fk = [sa.ForeignKey("projects.id", ondelete="CASCADE")] if fk else []
    import_fk = [sa.ForeignKey("imports.id", ondelete="CASCADE")] if fk else []
    cols = [sa.Column("id", _ID, primary_key=True, autoincrement=True),
            sa.Column("project_id", sa.Integer, *project_fk, nullable=False)]
    if name in _WITH_IMPORT:
        cols.append(sa.Column("import_id", sa.Integer, *import_fk))
    for col, kind in _KINDS[name]:
        extra = {}
        if name == "pain_points" and col == "status":
            extra = {"nullable": False, "server_default": "suggested"}
        elif name == "pain_points" and col == "version":
            extra = {"nullable": False, "server_default": "1"}
        ctype = sa.Integer if (name == "pain_points" and col == "version") else _SA_TYPES[kind]
        cols.append(sa.Column(col, ctype, **extra))
    return sa.Table(name, metadata, *cols, sa.Index(f"ix_{name}_project", "project_id"))


_TABLES = {name: _data_table(name) for name in _KINDS}
sa.Index("ix_utterances_import", _TABLES["utterances"].c.import_id)
sa.Index("ix_pain_points_project_status", _TABLES["pain_points"].c.project_id,
         _TABLES["pain_points"].c.status)

_CANONICAL = {
    "utterances": UTTERANCE_COLUMNS, "participants": PARTICIPANT_COLUMNS, "steps": STEP_COLUMNS,
    "events": EVENT_COLUMNS, "pain_points": PAIN_POINT_COLUMNS, "narrated": NARRATED_COLUMNS,
}
_PAIN_EXTRA = ("version", "updated_at", "updated_by")  # returned after the canonical columns
_EDITABLE = {"category", "severity", "step_id", "channel", "status", "sentence", "start", "end", "cues",
             "lang"}
_CONTENT_FIELDS = {"category", "severity", "step_id", "channel", "sentence", "start", "end"}
_LOCATION = ("source_file", "source_sheet", "source_row", "source_column", "start", "end")
_CHUNK = 50_000
_SQLITE_TS = "%Y-%m-%d %H:%M:%S.%f"  # SQLAlchemy's own SQLite DATETIME storage format


# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------

def resolve_url(url: str | None = None) -> str:
    """The database URL to use: the argument, else ``DATABASE_URL``, else a SQLite file.

    The SQLite file is ``recorrido.db`` in the working directory, or the file named by the
    environment variable ``RECORRIDO_DB``. ``postgres://`` and ``postgresql://`` URLs are rewritten
    to the psycopg 3 driver (``postgresql+psycopg://``).

    Examples
    --------
    >>> resolve_url("postgres://u:p@db:5432/rec")
    'postgresql+psycopg://u:p@db:5432/rec'
    >>> resolve_url("sqlite:///x.db")
    'sqlite:///x.db'
    """
    if not url:
        url = os.environ.get("DATABASE_URL") or ""
    if not url:
        url = "sqlite:///" + os.environ.get("RECORRIDO_DB", "recorrido.db")
    url = url.strip()
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def content_hash(data: bytes | str | Path) -> str:
    """SHA-256 (hex) of a file's bytes, or of ``bytes`` given directly: the import identity.

    Examples
    --------
    >>> content_hash(b"abc")[:12]
    'ba7816bf8f01'
    """
    h = hashlib.sha256()
    if isinstance(data, bytes | bytearray | memoryview):
        h.update(data)
    else:
        with open(data, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
    return h.hexdigest()


def _now() -> datetime:
    return datetime.now(UTC)


def _utc(value):
    """A datetime read back from the database, as an aware UTC pandas Timestamp (or None)."""
    if value is None:
        return None
    ts = pd.Timestamp(value)
    return ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")


def _project_missing(name: str) -> InputError:
    return InputError("there is no such project",
                      "create it first (`python cli.py projects create NAME`) or check the name",
                      file=f"project {name!r}")


def _norm(name) -> str:
    return " ".join(str(name).split())


def _clean_name(name) -> str:
    if not isinstance(name, str) or not name.strip():
        raise InputError("a project needs a name", "give a non-empty name", file="project")
    name = " ".join(name.split())
    if len(name) > 200:
        raise InputError("the project name is longer than 200 characters", "choose a shorter name",
                         file="project")
    return name


def _is_missing(v) -> bool:
    if v is None or v is pd.NA or v is pd.NaT:
        return True
    if isinstance(v, float) and math.isnan(v):
        return True
    return isinstance(v, np.floating) and np.isnan(v)


def _json_value(v):
    """Make a cell JSON-ready (lists, dicts, numpy scalars, timestamps); missing -> None."""
    if isinstance(v, np.ndarray):
        v = v.tolist()
    if isinstance(v, dict):
        return {str(k): _json_value(x) for k, x in v.items()}
    if isinstance(v, list | tuple):
        return [_json_value(x) for x in v]
    if _is_missing(v):
        return None
    if isinstance(v, np.generic):
        return v.item()
    if isinstance(v, datetime | pd.Timestamp):
        return pd.Timestamp(v).isoformat()
    return v


def _column_values(df: pd.DataFrame, col: str, kind: str, table: str, dialect: str) -> list:
    """One column of ``df`` as a list of database-ready Python values (None for missing)."""
    n = len(df)
    if col not in df.columns:
        return [None] * n
    s = df[col]
    try:
        if kind == "str":
            obj = s.astype(object)
            present = obj.notna()
            if pd.api.types.infer_dtype(obj, skipna=True) in ("string", "empty"):
                return obj.where(present, None).tolist()  # fast path: already text
            return [v if isinstance(v, str) else (str(v) if p else None)
                    for v, p in zip(obj.tolist(), present.tolist(), strict=True)]
        if kind == "int":
            num = pd.to_numeric(s, errors="raise")
            if num.dtype.kind == "f":
                frac = num.dropna()
                if len(frac) and not (frac == frac.round()).all():
                    raise ValueError("has fractions")
            return num.astype("Int64").astype(object).where(num.notna(), None).tolist()
        if kind == "float":
            num = pd.to_numeric(s, errors="raise").astype("float64")
            return num.astype(object).where(num.notna(), None).tolist()
        if kind == "ts":
            ts = pd.to_datetime(s, utc=True, errors="raise", format="mixed") \
                if s.dtype.kind not in "M" else s
            ts = ts.dt.tz_localize("UTC") if getattr(ts.dt, "tz", None) is None else ts.dt.tz_convert("UTC")
            # Text in both cases: SQLAlchemy's own format on SQLite; ISO with offset for COPY on PostgreSQL
            text = ts.dt.tz_localize(None).dt.strftime(_SQLITE_TS)
            if dialect == "postgresql":
                text = text + "+00"
            return text.astype(object).where(ts.notna(), None).tolist()
        if kind == "json":
            vals = [_json_value(v) for v in s.astype(object).tolist()]
            return [None if v is None else json.dumps(v, ensure_ascii=False) for v in vals]
    except (ValueError, TypeError, OverflowError):
        raise _bad_value(df, col, kind, table) from None
    raise AssertionError(kind)  # pragma: no cover


_KIND_WORDS = {"int": "a whole number", "float": "a number", "ts": "a date and time", "str": "text",
               "json": "a list or value"}


def _bad_value(df: pd.DataFrame, col: str, kind: str, table: str) -> InputError:
    """An InputError naming the first value of ``col`` that cannot be stored, and its row."""
    s = df[col]
    if kind in ("int", "float"):
        parsed = pd.to_numeric(s, errors="coerce")
        bad = s.notna() & parsed.isna()
        if kind == "int":
            bad |= parsed.notna() & (parsed != parsed.round())
    elif kind == "ts":
        bad = s.notna() & pd.to_datetime(s, utc=True, errors="coerce", format="mixed").isna()
    else:  # pragma: no cover - text and JSON always convert
        bad = pd.Series(False, index=s.index)
    positions = np.flatnonzero(bad.to_numpy())
    row = value = None
    if len(positions):
        pos = int(positions[0])
        value = s.iloc[pos]
        if "source_row" in df.columns and pd.notna(df["source_row"].iloc[pos]):
            row = int(df["source_row"].iloc[pos])
    shown = f" {str(value)[:60]!r}" if value is not None else " values"
    return InputError(f"the {table} column {col} holds{shown}, which is not {_KIND_WORDS[kind]}",
                      "correct the value in the file, or map another column to it with --map", row=row)


def _restore(rows: list, names: list[str], kinds: dict[str, str]) -> pd.DataFrame:
    """Build a DataFrame from database rows, restoring the canonical dtypes (vectorised)."""
    raw = pd.DataFrame.from_records(rows, columns=names, coerce_float=False) if rows else \
        pd.DataFrame({n: pd.Series([], dtype=object) for n in names})
    data = {}
    for name in names:
        kind = kinds.get(name, "str")
        col = raw[name]
        if kind == "str" and isinstance(col.dtype, pd.StringDtype):
            data[name] = col  # already text (pandas inferred it)
            continue
        obj = col.astype(object)
        if kind == "int":
            data[name] = pd.to_numeric(obj.where(obj.notna(), np.nan)).astype("Int64") if len(obj) \
                else pd.Series([], dtype="Int64")
        elif kind == "float":
            data[name] = pd.to_numeric(obj.where(obj.notna(), np.nan)).astype("float64")
        elif kind == "ts":
            data[name] = pd.to_datetime(obj, utc=True, format="ISO8601") if len(obj) \
                else pd.Series([], dtype="datetime64[us, UTC]")
        elif kind == "json":
            data[name] = pd.Series([json.loads(v) if isinstance(v, str) else (None if _is_missing(v) else v)
                                    for v in obj.tolist()], dtype=object)
        elif kind == "bool":
            data[name] = pd.array([None if _is_missing(v) else bool(v) for v in obj.tolist()], dtype="boolean")
        else:
            data[name] = obj.where(obj.notna(), None).astype("str") if len(obj) else pd.Series([], dtype="str")
    return pd.DataFrame(data, columns=names)


# ---------------------------------------------------------------------------------------------
# The repository
# ---------------------------------------------------------------------------------------------

class Repository:
    """Projects and their tables in SQLite or PostgreSQL.

    Parameters
    ----------
    url : str, optional
        SQLAlchemy URL. Default: env ``DATABASE_URL``, else ``sqlite:///recorrido.db`` in the working
        directory (env ``RECORRIDO_DB`` names another file). ``postgres://`` URLs are accepted.
    migrate : bool, default True
        Upgrade the schema to the newest revision on open (never drops data).
    timeout : float, default 30
        Seconds a SQLite writer waits for another writer before giving up with :class:`StorageError`.

    Raises
    ------
    InputError
        The database cannot be opened.

    Examples
    --------
    >>> repo = Repository("sqlite://")
    >>> repo.create_project("Registro de empresa", "Panamá Emprende")["name"]
    'Registro de empresa'
    >>> repo.list_projects()["name"].tolist()
    ['Registro de empresa']
    """

    def __init__(self, url: str | None = None, *, migrate: bool = True, timeout: float = 30.0) -> None:
        self.url = resolve_url(url)
        try:
            self.engine = _make_engine(self.url, timeout=timeout)
        except (sa.exc.ArgumentError, sa.exc.NoSuchModuleError, ValueError) as exc:
            raise InputError(f"cannot use this database URL ({exc})",
                             "give a sqlite:///FILE or postgresql://USER:PASSWORD@HOST/DB URL",
                             file="database") from None
        self.dialect = self.engine.dialect.name
        if migrate:
            try:
                upgrade(self.engine)
            except sa.exc.OperationalError as exc:
                raise InputError(f"cannot open the database ({' '.join(str(exc.orig).split())[:200]})",
                                 "check DATABASE_URL / --db and that the server is running",
                                 file=self.engine.url.render_as_string(hide_password=True)) from None
            except sa.exc.DatabaseError:  # e.g. SQLite "file is not a database"
                where = self.engine.url.database or self.engine.url.render_as_string(hide_password=True)
                self.engine.dispose()
                raise StorageError(f"{where}: not a Recorrido database (or damaged) — "
                                   "choose another --db / DATABASE_URL") from None

    def __repr__(self) -> str:
        return f"Repository({self.engine.url.render_as_string(hide_password=True)!r})"

    def close(self) -> None:
        """Release the database connections."""
        self.engine.dispose()

    # -- transactions -----------------------------------------------------------------------

    @contextmanager
    def _read(self) -> Iterator[sa.Connection]:
        with _storage_errors(self), self.engine.connect() as conn, conn.begin():
            yield conn

    @contextmanager
    def _write(self) -> Iterator[sa.Connection]:
        with _storage_errors(self), self.engine.connect() as conn:
            conn.execution_options(recorrido_write=True)
            with conn.begin():
                yield conn

    def _pid(self, conn: sa.Connection, name: str, *, lock: bool = False) -> int:
        name = _norm(name)
        q = sa.select(projects_t.c.id).where(projects_t.c.name == name)
        if lock and self.dialect == "postgresql":
            q = q.with_for_update()
        pid = conn.execute(q).scalar()
        if pid is None:
            raise _project_missing(name)
        return pid

    @staticmethod
    def _bump(conn: sa.Connection, pid: int) -> None:
        conn.execute(projects_t.update().where(projects_t.c.id == pid)
                     .values(revision=projects_t.c.revision + 1, updated_at=_now()))

    # -- projects ---------------------------------------------------------------------------

    def create_project(self, name: str, description: str = "") -> dict:
        """Create an empty project and return it as a dict.

        Raises
        ------
        InputError
            The name is empty or already taken.

        Examples
        --------
        >>> repo = Repository("sqlite://")
        >>> p = repo.create_project("demo")
        >>> p["name"], p["revision"]
        ('demo', 0)
        """
        name = _clean_name(name)
        try:
            with self._write() as conn:
                self._insert_project(conn, name, description)
        except sa.exc.IntegrityError:
            raise InputError("a project with this name already exists", "choose another name",
                             file=f"project {name!r}") from None
        return self.project(name)

    @staticmethod
    def _insert_project(conn: sa.Connection, name: str, description: str = "") -> int:
        now = _now()
        return conn.execute(projects_t.insert().values(
            name=name, description=description or "", created_at=now, updated_at=now, revision=0)
        ).inserted_primary_key[0]

    def project(self, name: str) -> dict:
        """One project: name, description, created_at, updated_at, revision.

        Raises
        ------
        InputError
            There is no such project.
        """
        name = _norm(name)
        with self._read() as conn:
            row = conn.execute(sa.select(projects_t).where(projects_t.c.name == name)).mappings().first()
        if row is None:
            raise _project_missing(name)
        return {"name": row["name"], "description": row["description"],
                "created_at": _utc(row["created_at"]), "updated_at": _utc(row["updated_at"]),
                "revision": int(row["revision"])}

    def list_projects(self, *, include_staging: bool = False) -> pd.DataFrame:
        """All projects, by name, with their counts of imports, utterances and events.

        Projects whose name holds :data:`STAGING_MARK` (being loaded all-or-nothing, see
        :func:`research.demo.ensure_demo`) are left out unless ``include_staging``.

        Examples
        --------
        >>> repo = Repository("sqlite://")
        >>> _ = repo.create_project("b"); _ = repo.create_project("a")
        >>> repo.list_projects()[["name", "imports", "revision"]].values.tolist()
        [['a', 0, 0], ['b', 0, 0]]
        """
        counts = {}
        with self._read() as conn:
            rows = conn.execute(sa.select(projects_t).order_by(projects_t.c.name)).mappings().all()
            if not include_staging:  # projects still being loaded (research.demo) stay out of sight
                rows = [r for r in rows if STAGING_MARK not in r["name"]]
            for key, table in (("imports", imports_t), ("utterances", _TABLES["utterances"]),
                               ("events", _TABLES["events"]), ("pain_points", _TABLES["pain_points"])):
                counts[key] = dict(conn.execute(sa.select(table.c.project_id, sa.func.count())
                                                .group_by(table.c.project_id)).all())
        out = pd.DataFrame({
            "name": pd.Series([r["name"] for r in rows], dtype="str"),
            "description": pd.Series([r["description"] for r in rows], dtype="str"),
            "created_at": pd.Series([_utc(r["created_at"]) for r in rows], dtype="datetime64[us, UTC]"),
            "updated_at": pd.Series([_utc(r["updated_at"]) for r in rows], dtype="datetime64[us, UTC]"),
            "revision": pd.Series([int(r["revision"]) for r in rows], dtype="int64"),
        })
        for key, per in counts.items():
            out[key] = pd.Series([int(per.get(r["id"], 0)) for r in rows], dtype="int64")
        return out

    def project_exists(self, name: str) -> bool:
        """Whether a project of this name exists.

        Examples
        --------
        >>> Repository("sqlite://").project_exists("demo")
        False
        """
        with self._read() as conn:
            return conn.execute(sa.select(projects_t.c.id)
                                .where(projects_t.c.name == _norm(name))).first() is not None

    def rename_project(self, old: str, new: str) -> dict:
        """Rename a project (its data follows).

        Raises
        ------
        InputError
            ``old`` does not exist or ``new`` is taken.

        Examples
        --------
        >>> repo = Repository("sqlite://")
        >>> _ = repo.create_project("borrador")
        >>> repo.rename_project("borrador", "final")["name"]
        'final'
        """
        new = _clean_name(new)
        try:
            with self._write() as conn:
                pid = self._pid(conn, old, lock=True)
                conn.execute(projects_t.update().where(projects_t.c.id == pid).values(name=new))
                self._bump(conn, pid)
        except sa.exc.IntegrityError:
            raise InputError("a project with this name already exists", "choose another name",
                             file=f"project {new!r}") from None
        return self.project(new)

    def delete_project(self, name: str) -> None:
        """Delete a project and everything in it, in one transaction.

        Raises
        ------
        InputError
            There is no such project.

        Examples
        --------
        >>> repo = Repository("sqlite://")
        >>> _ = repo.create_project("x"); repo.delete_project("x"); repo.project_exists("x")
        False
        """
        with self._write() as conn:
            pid = self._pid(conn, name, lock=True)
            for table in (*_TABLES.values(), decisions_t, imports_t):
                conn.execute(table.delete().where(table.c.project_id == pid))
            conn.execute(projects_t.delete().where(projects_t.c.id == pid))

    def revision(self, project: str) -> int:
        """A number that increases on every write to the project (for cache invalidation).

        Raises
        ------
        InputError
            There is no such project.

        Examples
        --------
        >>> repo = Repository("sqlite://")
        >>> _ = repo.create_project("p")
        >>> before = repo.revision("p"); _ = repo.add_pain_point("p", {"sentence": "Mucha fila"}, "ana")
        >>> repo.revision("p") > before
        True
        """
        with self._read() as conn:
            rev = conn.execute(sa.select(projects_t.c.revision)
                               .where(projects_t.c.name == _norm(project))).scalar()
        if rev is None:
            raise _project_missing(project)
        return int(rev)

    # -- imports ----------------------------------------------------------------------------

    def import_result(self, project: str, result: ImportResult, content_hash: str, *,
                      create: bool = True, user: str | None = None) -> dict:
        """Store what a reader returned, in ONE transaction; idempotent per file content.

        Parameters
        ----------
        project : str
            Project name; created (in the same transaction) when missing and ``create`` is true.
        result : ImportResult
            What ``research.readers.read_file`` (or another reader) returned.
        content_hash : str
            SHA-256 of the file's bytes (:func:`content_hash`). The same content imported again into
            the same project is not stored twice.
        create : bool, default True
            Create the project when it does not exist.
        user : str, optional
            Who imported (kept with the import).

        Returns
        -------
        dict
            ``result.summary()`` plus ``project``, ``status`` (``"imported"`` or
            ``"already imported"``) and ``import_id``.

        Raises
        ------
        InputError
            The project is missing (and ``create`` is false), or a column cannot be stored. Nothing
            is changed then.

        Examples
        --------
        >>> repo = Repository("sqlite://")
        >>> ev = pd.DataFrame({"case_id": ["c1", "c1"], "activity": ["Solicitud", "Pago"],
        ...                    "timestamp": pd.to_datetime(["2024-05-01 09:00-05:00", "2024-05-02 10:00Z"], utc=True)})
        >>> s = repo.import_result("p", ImportResult("log.csv", "eventlog", "csv", {"events": ev}), "h1")
        >>> s["status"], s["events"], s["cases"]
        ('imported', 2, 1)
        >>> str(repo.table("p", "events")["timestamp"].iloc[0])
        '2024-05-01 14:00:00+00:00'
        """
        if not content_hash or not isinstance(content_hash, str):
            raise InputError("an import needs the content hash of its file", "pass content_hash(path)",
                             file=result.file)
        name = _clean_name(project)
        summary = _json_value(result.summary())
        try:
            return self._import_once(name, result, content_hash, summary, create, user)
        except sa.exc.IntegrityError:
            # Another session created the same project or stored the same file at this very
            # moment; our transaction rolled back whole. Once more: it now sees theirs.
            return self._import_once(name, result, content_hash, summary, create, user)

    def _import_once(self, name: str, result: ImportResult, content_hash: str, summary: dict, create: bool,
                     user: str | None) -> dict:
        with self._write() as conn:
            pid = conn.execute(sa.select(projects_t.c.id).where(projects_t.c.name == name)).scalar()
            if pid is None:
                if not create:
                    raise _project_missing(name)
                pid = self._insert_project(conn, name)
            elif self.dialect == "postgresql":
                pid = self._pid(conn, name, lock=True)  # serialise imports into one project
            prior = conn.execute(sa.select(imports_t.c.id, imports_t.c.summary, imports_t.c.file)
                                 .where(imports_t.c.project_id == pid,
                                        imports_t.c.content_sha256 == content_hash)).first()
            if prior is not None:
                old = prior.summary if isinstance(prior.summary, dict) else json.loads(prior.summary or "{}")
                return {**summary, **{k: v for k, v in old.items() if k not in ("file",)},
                        "file": result.file, "project": name, "status": "already imported",
                        "import_id": int(prior.id), "first_imported_as": prior.file}
            iid = conn.execute(imports_t.insert().values(
                project_id=pid, file=result.file, kind=result.kind, layout=result.layout,
                content_sha256=content_hash, summary=summary, imported_at=_now(), imported_by=user)
            ).inserted_primary_key[0]
            for tname, df in result.tables.items():
                if tname not in _WITH_IMPORT:
                    continue  # readers produce only these; anything else is not an import's business
                if df is None or not len(df):
                    continue
                df = _pack_attributes(df) if tname == "participants" else _pack_extra(df, tname)
                try:
                    self._bulk_insert(conn, tname, df, pid, import_id=iid)
                except InputError as exc:
                    raise exc.located(file=result.file) from None
                except (sa.exc.DataError, *_driver_data_errors()) as exc:
                    detail = " ".join(str(getattr(exc, "orig", exc)).split())[:160]
                    raise InputError(f"the {tname} hold a value the database cannot store ({detail})",
                                     "remove control characters (such as NUL) or re-export the file as UTF-8",
                                     file=result.file) from None
            self._bump(conn, pid)
        return {**summary, "project": name, "status": "imported", "import_id": int(iid)}

    def find_import(self, project: str, content_hash: str) -> dict | None:
        """The stored summary of the import of this content into the project, or None.

        Lets a caller skip reading a file that is already in the project.

        Examples
        --------
        >>> repo = Repository("sqlite://")
        >>> _ = repo.create_project("p")
        >>> repo.find_import("p", "abc") is None
        True
        """
        with self._read() as conn:
            pid = self._pid(conn, project)
            row = conn.execute(sa.select(imports_t.c.id, imports_t.c.summary, imports_t.c.file)
                               .where(imports_t.c.project_id == pid,
                                      imports_t.c.content_sha256 == content_hash)).first()
        if row is None:
            return None
        summary = row.summary if isinstance(row.summary, dict) else json.loads(row.summary or "{}")
        return {**summary, "import_id": int(row.id), "first_imported_as": row.file}

    def imports(self, project: str) -> pd.DataFrame:
        """The files imported into a project, oldest first (:data:`IMPORT_COLUMNS`)."""
        with self._read() as conn:
            pid = self._pid(conn, project)
            rows = conn.execute(sa.select(imports_t).where(imports_t.c.project_id == pid)
                                .order_by(imports_t.c.id)).mappings().all()
        out = pd.DataFrame({
            "import_id": pd.Series([r["id"] for r in rows], dtype="int64"),
            "file": pd.Series([r["file"] for r in rows], dtype="str"),
            "kind": pd.Series([r["kind"] for r in rows], dtype="str"),
            "layout": pd.Series([r["layout"] for r in rows], dtype="str"),
            "content_sha256": pd.Series([r["content_sha256"] for r in rows], dtype="str"),
            "imported_at": pd.Series([_utc(r["imported_at"]) for r in rows], dtype="datetime64[us, UTC]"),
            "imported_by": pd.Series([r["imported_by"] for r in rows], dtype="str"),
            "summary": pd.Series([r["summary"] for r in rows], dtype=object),
        })
        return out[list(IMPORT_COLUMNS)]

    def delete_import(self, project: str, import_id: int) -> dict:
        """Remove one import and every row it brought (so the file can be imported again).

        The machine's untouched suggestions on its transcripts go too; pain points a person
        accepted, rejected, edited or added stay.

        Returns
        -------
        dict
            Rows removed per table.

        Raises
        ------
        InputError
            No such project or import.

        Examples
        --------
        >>> repo = Repository("sqlite://")
        >>> utt = pd.DataFrame({"interview_id": ["e1"], "speaker_role": ["participant"], "text": ["Esperé"],
        ...                     "source_file": ["e1.txt"]})
        >>> s = repo.import_result("p", ImportResult("e1.txt", "transcripts", "txt", {"utterances": utt}), "h")
        >>> repo.delete_import("p", s["import_id"])["utterances"]
        1
        """
        removed: dict[str, int] = {}
        with self._write() as conn:
            pid = self._pid(conn, project, lock=True)
            iid = int(import_id)
            if conn.execute(sa.select(imports_t.c.id).where(imports_t.c.project_id == pid,
                                                            imports_t.c.id == iid)).first() is None:
                raise InputError(f"project {project!r} has no import {import_id}",
                                 "list the imports and pick one of their ids", file=f"project {project!r}")
            utt, pains = _TABLES["utterances"], _TABLES["pain_points"]
            files = [f for (f,) in conn.execute(sa.select(utt.c.source_file).distinct()
                                                .where(utt.c.import_id == iid)) if f is not None]
            if files:
                removed["pain_points"] = conn.execute(pains.delete().where(
                    pains.c.project_id == pid, pains.c.status == "suggested", pains.c.updated_by.is_(None),
                    pains.c.source_file.in_(files))).rowcount
            for tname in _WITH_IMPORT:
                t = _TABLES[tname]
                removed[tname] = conn.execute(t.delete().where(t.c.import_id == iid)).rowcount
            conn.execute(imports_t.delete().where(imports_t.c.id == iid))
            self._bump(conn, pid)
        return removed

    def _bulk_insert(self, conn: sa.Connection, tname: str, df: pd.DataFrame, pid: int, *,
                     import_id: int | None = None, fixed: Mapping[str, object] | None = None) -> int:
        """Insert ``df`` into ``tname`` fast: COPY on PostgreSQL, chunked executemany elsewhere."""
        fixed = dict(fixed or {})
        kinds = [(c, k) for c, k in _KINDS[tname] if c not in fixed]
        names = ["project_id"] + (["import_id"] if tname in _WITH_IMPORT else []) + list(fixed) + \
            [c for c, _ in kinds]
        n = len(df)
        quoted = ", ".join(f'"{c}"' for c in names)

        def batches():  # converted slice by slice, so a million-row log never exists twice as tuples
            for i in range(0, n, _CHUNK):
                part = df.iloc[i:i + _CHUNK]
                m = len(part)
                head = [[pid] * m] + ([[import_id] * m] if tname in _WITH_IMPORT else []) + \
                    [[v] * m for v in fixed.values()]
                yield list(zip(*(head + [_column_values(part, c, k, tname, self.dialect) for c, k in kinds]),
                               strict=True))

        if self.dialect == "postgresql":
            raw = conn.connection.driver_connection
            with raw.cursor() as cur, cur.copy(f'COPY "{tname}" ({quoted}) FROM STDIN') as copy:
                for rows in batches():
                    for row in rows:
                        copy.write_row(row)
        else:
            marks = ", ".join(["?"] * len(names)) if self.dialect == "sqlite" else \
                ", ".join(["%s"] * len(names))
            sql = f'INSERT INTO "{tname}" ({quoted}) VALUES ({marks})'
            for rows in batches():
                conn.exec_driver_sql(sql, rows)
        return n

    # -- reading ----------------------------------------------------------------------------

    def table(self, project: str, name: str) -> pd.DataFrame:
        """One table of a project, canonical columns first, dtypes restored.

        ``name`` is one of :data:`TABLE_NAMES`, ``"decisions"`` or ``"imports"``. Event timestamps
        are tz-aware UTC; integer columns are nullable ``Int64``; participants' free attributes
        come back as columns after ``participant_id`` and ``segment``. Pain points carry their
        repository ``id`` plus ``version``, ``updated_at`` and ``updated_by``.

        Raises
        ------
        InputError
            No such project or table.
        """
        if name == "decisions":
            return self.decisions(project)
        if name == "imports":
            return self.imports(project)
        if name not in _TABLES:
            raise InputError(f"there is no table {name!r}", f"use one of {', '.join(TABLE_NAMES)}",
                             file=f"project {project!r}")
        with self._read() as conn:
            pid = self._pid(conn, project)
            return self._load(conn, name, pid, project)

    def tables(self, project: str) -> dict[str, pd.DataFrame]:
        """Every canonical table of a project (:data:`TABLE_NAMES`), read in one transaction.

        Examples
        --------
        >>> repo = Repository("sqlite://")
        >>> _ = repo.create_project("vacío")
        >>> {k: len(v) for k, v in repo.tables("vacío").items()}
        {'utterances': 0, 'participants': 0, 'steps': 0, 'events': 0, 'pain_points': 0, 'narrated': 0}
        """
        with self._read() as conn:
            pid = self._pid(conn, project)
            return {name: self._load(conn, name, pid, project) for name in TABLE_NAMES}

    def _load(self, conn: sa.Connection, name: str, pid: int, project: str) -> pd.DataFrame:
        t = _TABLES[name]
        kinds = dict(_KINDS[name])
        cols = [c for c, _ in _KINDS[name]]
        selected = [t.c.id] + [self._raw_column(t.c[c], kinds[c]) for c in cols]
        result = conn.execute(sa.select(*selected).where(t.c.project_id == pid).order_by(t.c.id))
        # Raw DBAPI tuples: no per-row Row objects (sqlite gives text for ts/json, psycopg Python values)
        rows = result.cursor.fetchall() if result.cursor is not None else result.all()
        df = _restore(rows, ["id", *cols], {"id": "int", **kinds})
        if name == "participants":
            return _unpack_attributes(df)
        if name == "utterances":
            df["project"] = pd.Series([_norm(project)] * len(df), dtype="str")
        first = list(PAIN_POINT_COLUMNS) + list(_PAIN_EXTRA) if name == "pain_points" else list(_CANONICAL[name])
        # then the stored non-canonical columns (events: source_row, step_id; steps: source reference)
        known = [c for c in cols if c not in first and c not in ("extra", "suggestion_key", "created_at")]
        return _unpack_extra(df, first + known)

    def _raw_column(self, col: sa.Column, kind: str):
        """Select timestamps (and SQLite JSON) as text: pandas parses text in bulk far faster than
        it converts a column of Python datetimes."""
        if kind == "ts":
            return (sa.type_coerce(col, sa.Text) if self.dialect == "sqlite" else sa.cast(col, sa.Text)).label(col.name)
        if kind == "json" and self.dialect == "sqlite":
            return sa.type_coerce(col, sa.Text).label(col.name)
        return col

    # -- pain points ------------------------------------------------------------------------

    def save_suggestions(self, project: str, suggestions: pd.DataFrame) -> dict:
        """Replace the machine's suggestions that no human touched by ``suggestions``.

        Rows a person accepted, rejected, edited or added stay as they are, and a new suggestion
        at the same place (source reference and character offsets) as one of them is not added
        again, so re-running extraction never resurrects a rejected pain point.

        Returns
        -------
        dict
            ``{"removed": n, "added": n, "kept": n}`` (kept = human-touched rows).

        Examples
        --------
        >>> repo = Repository("sqlite://")
        >>> _ = repo.create_project("p")
        >>> s = pd.DataFrame({"source_file": ["a.txt", "a.txt"], "source_row": [3, 4],
        ...                   "start": [0, 0], "end": [10, 12], "sentence": ["Esperé mucho", "No sirve la web"],
        ...                   "category": ["waiting", "channel_failure"], "severity": [0.7, 0.8]})
        >>> repo.save_suggestions("p", s)
        {'removed': 0, 'added': 2, 'kept': 0}
        >>> first = int(repo.table("p", "pain_points")["id"].iloc[0])
        >>> _ = repo.update_pain_point("p", first, {"status": "rejected"}, expected_version=1, user="ana")
        >>> repo.save_suggestions("p", s)
        {'removed': 1, 'added': 1, 'kept': 1}
        """
        df = suggestions.copy() if suggestions is not None else pd.DataFrame()
        t = _TABLES["pain_points"]
        with self._write() as conn:
            pid = self._pid(conn, project, lock=True)
            untouched = sa.and_(t.c.project_id == pid, t.c.status == "suggested", t.c.updated_by.is_(None))
            removed = conn.execute(t.delete().where(untouched)).rowcount
            kept_rows = conn.execute(sa.select(*[t.c[c] for c in _LOCATION]).where(t.c.project_id == pid)).all()
            kept = {_location_key(r) for r in kept_rows}
            added = 0
            if len(df):
                if "id" in df.columns:
                    df["suggestion_key"] = df["id"].astype(object).where(df["id"].notna(), None)
                keys = list(zip(*[_column_values(df, c, dict(_KINDS["pain_points"])[c], "pain_points",
                                                 "python") for c in _LOCATION], strict=False))
                df = df[[_location_key(k) not in kept for k in keys]]
                if len(df):
                    df = _pack_extra(df.assign(status="suggested"), "pain_points")
                    now = _now()
                    added = self._bulk_insert(conn, "pain_points", df, pid,
                                              fixed={"version": 1, "created_at": now, "updated_at": now,
                                                     "updated_by": None}
                                              if self.dialect == "postgresql" else
                                              {"version": 1, "created_at": now.strftime(_SQLITE_TS),
                                               "updated_at": now.strftime(_SQLITE_TS), "updated_by": None})
            self._bump(conn, pid)
        return {"removed": int(removed), "added": int(added), "kept": len(kept_rows)}

    def add_pain_point(self, project: str, record: Mapping, user: str | None) -> dict:
        """Add a pain point by hand (status ``manual``); return it with its ``id`` and ``version``.

        Raises
        ------
        InputError
            No such project, empty sentence, unknown category or severity outside 0–1.

        Examples
        --------
        >>> repo = Repository("sqlite://")
        >>> _ = repo.create_project("p")
        >>> pp = repo.add_pain_point("p", {"sentence": "Tuve que volver tres veces", "category": "repetition"}, "ana")
        >>> pp["status"], pp["version"], pp["updated_by"]
        ('manual', 1, 'ana')
        """
        rec = {k: v for k, v in dict(record).items() if k in dict(_KINDS["pain_points"])}
        rec.setdefault("category", "other")
        rec.setdefault("severity", 0.5)
        if not str(rec.get("sentence") or "").strip():
            raise InputError("a pain point needs its sentence", "write or paste the sentence",
                             file="pain point")
        rec = _validate_changes(rec)
        now = _now()
        rec.update(status="manual", version=1, created_at=now, updated_at=now, updated_by=user)
        t = _TABLES["pain_points"]
        with self._write() as conn:
            pid = self._pid(conn, project, lock=True)
            new_id = conn.execute(t.insert().values(project_id=pid, **rec)).inserted_primary_key[0]
            self._bump(conn, pid)
        return self._pain_point(new_id)

    def _pain_point(self, pp_id: int) -> dict:
        t = _TABLES["pain_points"]
        with self._read() as conn:
            row = conn.execute(sa.select(t).where(t.c.id == int(pp_id))).mappings().first()
        out = dict(row)
        out.pop("project_id", None)
        for c in ("created_at", "updated_at"):
            out[c] = _utc(out[c])
        return out

    def update_pain_point(self, project: str, pp_id: int, changes: Mapping, expected_version: int,
                          user: str | None) -> dict:
        """Change a pain point if nobody changed it since ``expected_version`` was read.

        Editable: category, severity, step_id, channel, status, sentence, start, end, cues, lang.
        Changing the content of a suggestion without giving a status marks it ``edited``.

        Returns
        -------
        dict
            The pain point after the change, with its new ``version``.

        Raises
        ------
        ConflictError
            Someone changed (or deleted) it in the meantime; re-read and decide again.
        InputError
            No such project or pain point, or an invalid change.

        Examples
        --------
        >>> repo = Repository("sqlite://")
        >>> _ = repo.create_project("p")
        >>> pp = repo.add_pain_point("p", {"sentence": "Nadie contesta el teléfono"}, "ana")
        >>> after = repo.update_pain_point("p", pp["id"], {"category": "channel_failure"}, 1, "luis")
        >>> after["category"], after["version"], after["status"]
        ('channel_failure', 2, 'manual')
        >>> repo.update_pain_point("p", pp["id"], {"severity": 0.9}, 1, "ana")
        Traceback (most recent call last):
        ...
        research.errors.ConflictError: pain point ... was changed by luis (version 2) since you read version 1 ...
        """
        bad = set(changes) - _EDITABLE
        if bad:
            raise InputError(f"cannot change {', '.join(sorted(bad))} of a pain point",
                             f"change only {', '.join(sorted(_EDITABLE))}", file="pain point")
        values = _validate_changes(dict(changes))
        t = _TABLES["pain_points"]
        with self._write() as conn:
            pid = self._pid(conn, project, lock=True)
            current = conn.execute(sa.select(t.c.status, t.c.version, t.c.updated_by)
                                   .where(t.c.id == int(pp_id), t.c.project_id == pid)).first()
            if current is None:
                raise ConflictError(f"pain point {pp_id} no longer exists in project {project!r} "
                                    "(someone removed it, or extraction ran again) — reload the page",
                                    expected_version=expected_version, actual_version=None)
            if "status" not in values and _CONTENT_FIELDS & set(values) and current.status != "manual":
                values["status"] = "edited"
            n = conn.execute(t.update().where(t.c.id == int(pp_id), t.c.project_id == pid,
                                              t.c.version == int(expected_version))
                             .values(**values, version=t.c.version + 1, updated_at=_now(),
                                     updated_by=user)).rowcount
            if n != 1:
                raise ConflictError(
                    f"pain point {pp_id} was changed by {current.updated_by or 'someone'} "
                    f"(version {current.version}) since you read version {expected_version} — "
                    "reload it, check their change, then apply yours again",
                    expected_version=int(expected_version), actual_version=int(current.version))
            self._bump(conn, pid)
        return self._pain_point(pp_id)

    # -- narrated journeys ------------------------------------------------------------------

    def save_narrated(self, project: str, narrated: pd.DataFrame) -> int:
        """Replace the project's narrated journeys (``nlp.narrated.narrated_journeys`` output)."""
        t = _TABLES["narrated"]
        with self._write() as conn:
            pid = self._pid(conn, project, lock=True)
            conn.execute(t.delete().where(t.c.project_id == pid))
            n = self._bulk_insert(conn, "narrated", narrated, pid) if narrated is not None and len(narrated) else 0
            self._bump(conn, pid)
        return n

    # -- priority decisions -----------------------------------------------------------------

    def set_decision(self, project: str, key: str, chosen: bool, owner: str | None = None,
                     note: str | None = None, expected_version: int | None = None,
                     user: str | None = None) -> dict:
        """Mark (or unmark) a priority row as chosen for redesign, with an owner and a note.

        ``expected_version`` is the version the caller read: ``None`` or ``0`` when there was no
        decision yet. A write based on an older version raises :class:`ConflictError`.

        Raises
        ------
        ConflictError
            Someone else decided on this key in the meantime.
        InputError
            No such project, or an empty key.

        Examples
        --------
        >>> repo = Repository("sqlite://")
        >>> _ = repo.create_project("p")
        >>> d = repo.set_decision("p", "S3|office", True, owner="Marta", note="rediseñar la cita", user="marta")
        >>> d["version"], d["chosen"]
        (1, True)
        >>> repo.set_decision("p", "S3|office", False, "Marta", "", expected_version=1, user="luis")["version"]
        2
        >>> repo.decisions("p")[["key", "chosen", "owner", "version"]].values.tolist()
        [['S3|office', False, 'Marta', 2]]
        """
        if not isinstance(key, str) or not key.strip():
            raise InputError("a decision needs the key of its priority row", "pass the step_id or touchpoint",
                             file="decision")
        t = decisions_t
        expected = int(expected_version or 0)
        try:
            with self._write() as conn:
                pid = self._pid(conn, project, lock=True)
                cur = conn.execute(sa.select(t.c.version, t.c.updated_by)
                                   .where(t.c.project_id == pid, t.c.key == key)).first()
                actual = int(cur.version) if cur else 0
                if actual != expected:
                    raise ConflictError(
                        f"the decision on {key} was changed by {(cur.updated_by if cur else None) or 'someone'} "
                        f"(version {actual}) since you read version {expected} — reload and decide again",
                        expected_version=expected, actual_version=actual)
                now = _now()
                if cur is None:
                    conn.execute(t.insert().values(project_id=pid, key=key, chosen=bool(chosen), owner=owner,
                                                   note=note, version=1, updated_at=now, updated_by=user))
                else:
                    n = conn.execute(t.update().where(t.c.project_id == pid, t.c.key == key,
                                                      t.c.version == expected)
                                     .values(chosen=bool(chosen), owner=owner, note=note,
                                             version=t.c.version + 1, updated_at=now,
                                             updated_by=user)).rowcount
                    if n != 1:  # pragma: no cover - the row lock above makes this unreachable on PG
                        raise ConflictError(f"the decision on {key} changed meanwhile — reload",
                                            expected_version=expected)
                self._bump(conn, pid)
        except sa.exc.IntegrityError:
            raise ConflictError(f"someone else decided on {key} at the same moment — reload and decide again",
                                expected_version=expected) from None
        d = self.decisions(project)
        return d[d["key"] == key].iloc[0].to_dict()

    def decisions(self, project: str) -> pd.DataFrame:
        """The priority decisions of a project (:data:`DECISION_COLUMNS`), by key."""
        t = decisions_t
        with self._read() as conn:
            pid = self._pid(conn, project)
            rows = conn.execute(sa.select(*[t.c[c] for c in DECISION_COLUMNS])
                                .where(t.c.project_id == pid).order_by(t.c.key)).all()
        df = _restore(rows, list(DECISION_COLUMNS),
                      {"chosen": "bool", "version": "int", "updated_at": "ts"})
        if len(df):
            df["updated_at"] = pd.Series([_utc(v) for v in df["updated_at"]], dtype="datetime64[us, UTC]")
        return df


# ---------------------------------------------------------------------------------------------
# Module helpers used by the repository
# ---------------------------------------------------------------------------------------------

def _driver_data_errors() -> tuple[type[BaseException], ...]:
    """The driver's own data errors (COPY runs on the raw psycopg connection, unwrapped)."""
    try:
        import psycopg
    except ImportError:  # pragma: no cover - psycopg is a runtime requirement
        return ()
    return (psycopg.DataError,)


class StorageError(RecorridoError):
    """The database cannot be reached or stays busy; nothing was changed. Retry, or check the URL."""


@contextmanager
def _storage_errors(repo: Repository) -> Iterator[None]:
    """Turn a database outage (server down, file locked for too long) into a one-line StorageError."""
    try:
        yield
    except (sa.exc.OperationalError, sa.exc.InterfaceError) as exc:
        where = repo.engine.url.render_as_string(hide_password=True)
        detail = " ".join(str(getattr(exc, "orig", exc)).split())[:200]
        raise StorageError(f"{where}: the database is unavailable or busy ({detail}) — nothing was changed; "
                           "try again, and check DATABASE_URL / --db and that the server is running") from None


def _location_key(values) -> tuple:
    return tuple(None if _is_missing(v) else str(v) for v in values)


def _validate_changes(values: dict) -> dict:
    if "category" in values and values["category"] not in CATEGORIES:
        raise InputError(f"unknown category {values['category']!r}", f"use one of {', '.join(CATEGORIES)}",
                         file="pain point")
    if "status" in values and values["status"] not in PAIN_STATUSES:
        raise InputError(f"unknown status {values['status']!r}", f"use one of {', '.join(PAIN_STATUSES)}",
                         file="pain point")
    if "severity" in values and values["severity"] is not None:
        try:
            sev = float(values["severity"])
        except (TypeError, ValueError):
            sev = float("nan")
        if not 0 <= sev <= 1:
            raise InputError(f"severity {values['severity']!r} is not between 0 and 1",
                             "give a number from 0 to 1", file="pain point")
        values["severity"] = sev
    for k in ("start", "end"):
        if k in values and values[k] is not None:
            values[k] = int(values[k])
    if "cues" in values:
        values["cues"] = _json_value(values["cues"])
    return values


def _pack_attributes(df: pd.DataFrame) -> pd.DataFrame:
    """Participants: every column besides the canonical ones goes into the ``attributes`` JSON."""
    extra = [c for c in df.columns if c not in PARTICIPANT_COLUMNS and c != "attributes"]
    records = df[extra].astype(object).to_dict("records") if extra else [{} for _ in range(len(df))]
    attrs = [{str(k): _json_value(v) for k, v in r.items() if not _is_missing(v)} for r in records]
    out = df[[c for c in PARTICIPANT_COLUMNS if c in df.columns]].copy()
    out["attributes"] = pd.Series(attrs, index=df.index, dtype=object)
    return out


def _pack_extra(df: pd.DataFrame, table: str) -> pd.DataFrame:
    """Columns a table does not store one by one go, per row, into the JSON ``extra`` cell."""
    stored = {c for c, _ in _KINDS[table]} | set(_CANONICAL[table]) | {"id", "project"}
    extra = [c for c in df.columns if c not in stored]
    if not extra:
        return df
    records = df[extra].astype(object).to_dict("records")
    cells = [{str(k): _json_value(v) for k, v in r.items() if not _is_missing(v)} or None for r in records]
    out = df.drop(columns=extra)
    out["extra"] = pd.Series(cells, index=df.index, dtype=object)
    return out


def _unpack_extra(df: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """``columns`` in order, then one column per key found in the ``extra`` cells."""
    out = df[columns].copy()
    if "extra" not in df.columns:
        return out
    cells = [c if isinstance(c, dict) else {} for c in df["extra"].tolist()]
    for key in dict.fromkeys(k for c in cells for k in c):
        if key not in out.columns:
            out[key] = pd.Series([c.get(key) for c in cells], index=out.index).infer_objects()
    return out


def _unpack_attributes(df: pd.DataFrame) -> pd.DataFrame:
    attrs = [a if isinstance(a, dict) else {} for a in df["attributes"].tolist()]
    keys = list(dict.fromkeys(k for a in attrs for k in a))
    out = df[list(PARTICIPANT_COLUMNS)].copy()
    for k in keys:
        if k in out.columns:
            continue
        values = [a.get(k) for a in attrs]
        out[k] = pd.Series(values, index=out.index).infer_objects()
    return out


def _retry_while_locked(fn, timeout: float):
    """Call ``fn`` again while SQLite says the database is locked, for up to ``timeout`` seconds."""
    import sqlite3
    import time

    deadline = time.monotonic() + timeout
    pause = 0.01
    while True:
        try:
            return fn()
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() + pause > deadline:
                raise
            time.sleep(pause)
            pause = min(pause * 2, 0.25)


def _make_engine(url: str, timeout: float = 30.0) -> sa.Engine:
    u = sa.make_url(url)
    if u.get_backend_name() == "sqlite":
        if u.database and u.database != ":memory:":
            Path(u.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        kwargs = {"connect_args": {"timeout": timeout, "check_same_thread": False}}
        if not u.database or u.database == ":memory:":
            kwargs["poolclass"] = sa.pool.StaticPool  # one shared in-memory database
        engine = sa.create_engine(u, **kwargs)

        @sa.event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn, _record):  # pragma: no cover - exercised by every test
            dbapi_conn.isolation_level = None  # we issue BEGIN ourselves (real transactions)
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            if u.database and u.database != ":memory:":
                # switching a new file to WAL needs it alone for a moment; SQLite answers "database
                # is locked" at once, without its busy timeout, when another connection opens it too
                _retry_while_locked(lambda: cur.execute("PRAGMA journal_mode=WAL"), timeout)
                cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        @sa.event.listens_for(engine, "begin")
        def _on_begin(conn):  # pragma: no cover - exercised by every test
            # Writers take the write lock up front so two writers queue instead of deadlocking.
            write = conn.get_execution_options().get("recorrido_write")
            conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

        return engine
    if u.get_backend_name() == "postgresql":
        return sa.create_engine(u, pool_pre_ping=True)
    return sa.create_engine(u)


_HEAD: list[str] = []
_UPGRADE_LOCK = threading.Lock()


def _alembic_config(connection: sa.Connection):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str:
    """The newest schema revision shipped with this code."""
    if not _HEAD:
        from alembic.config import Config
        from alembic.script import ScriptDirectory

        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
        _HEAD.append(ScriptDirectory.from_config(cfg).get_current_head())
    return _HEAD[0]


def current_revision(engine: sa.Engine) -> str | None:
    """The schema revision a database is at (None for an empty database)."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: sa.Engine, target: str = "head") -> None:
    """Upgrade the database schema to ``target`` (``"head"``: the newest), keeping all data."""
    from alembic import command

    if target == "head" and current_revision(engine) == head_revision():
        return
    # Alembic's `context` is module-global, so upgrades in one process run one at a time; across
    # processes, the database serialises them (advisory lock on PostgreSQL, BEGIN IMMEDIATE on SQLite).
    with _UPGRADE_LOCK, engine.connect() as conn:
        conn.execution_options(recorrido_write=True)
        command.upgrade(_alembic_config(conn), target)
        if conn.in_transaction():
            conn.commit()
    log.info("database schema upgraded to %s", target)

