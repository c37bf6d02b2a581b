"""The app's only door into the library: thin, uncached glue (writes, uploads, availability).

Pages call these functions, never the repository or the readers directly, so the app has one
place that knows the library's names. Reads that can be cached live in :mod:`ui.cached`.
"""

from __future__ import annotations

import hashlib
import importlib
import re
import unicodedata
from pathlib import Path

import pandas as pd

from ui import cached

__all__ = [
    "missing", "sanitise_filename", "canonical_fields", "list_projects", "create_project", "rename_project",
    "delete_project", "revision", "tables", "project_counts", "preview_upload", "import_upload",
    "extract_pain_points", "update_pain_point", "add_pain_point", "priority_decisions",
    "set_priority_decision", "build_chart", "template_files", "export_bytes", "MIME", "ROOT",
]

ROOT = Path(__file__).resolve().parent.parent


def missing(*modules: str) -> str | None:
    """The first of ``modules`` that cannot be imported yet (None when all can)."""
    for name in modules:
        try:
            importlib.import_module(name)
        except ImportError:
            return name
    return None


def sanitise_filename(name: str) -> str:
    """A safe base name for an uploaded file: no folders, no control or odd characters.

    Examples
    --------
    >>> sanitise_filename("../../etc/pass wd.xlsx")
    'pass_wd.xlsx'
    >>> sanitise_filename("Entrevista Ñandú #3.docx")
    'Entrevista_Ñandú_3.docx'
    """
    base = re.split(r"[\\/]", str(name))[-1]
    base = unicodedata.normalize("NFC", base)
    base = re.sub(r"[^\w.\-]+", "_", base, flags=re.UNICODE).strip("._") or "upload"
    return base[:120]


# -- projects -------------------------------------------------------------------------------

def _repo():
    return cached.repository()


def list_projects() -> list[str]:
    """Names of every project, sorted, the demo first."""
    names = [str(n) for n in _repo().list_projects()["name"]]
    return sorted(names, key=lambda n: (n != "demo", n.lower()))


def create_project(name: str) -> str:
    """Create an empty project; return its name."""
    _repo().create_project(name.strip())
    return name.strip()


def rename_project(old: str, new: str) -> str:
    """Rename a project; return the new name."""
    _repo().rename_project(old, new.strip())
    return new.strip()


def delete_project(name: str) -> None:
    """Delete a project and everything in it."""
    _repo().delete_project(name)


def revision(project: str):
    """The project's revision: changes whenever anything in it changes."""
    return _repo().revision(project)


def tables(project: str) -> dict[str, pd.DataFrame]:
    """The project's tables at its current revision (cached per revision), without the event log."""
    return cached.project_tables(cached.database_url(), project, revision(project), False)


def project_counts(project: str) -> dict:
    """Imports, utterances, events and pain points of a project (one cheap query)."""
    row = _repo().list_projects().set_index("name").loc[project]
    return {k: int(row[k]) for k in ("imports", "utterances", "events", "pain_points") if k in row}


# -- import ---

def canonical_fields(kind: str | None) -> list[str]:
    """The fields a column of a ``kind`` file can be mapped to (for the mapping editor)."""
    from research import schema

    return list({
        "transcripts": ("interview_id", "participant_id", "speaker", "speaker_role", "seq", "text",
                        "timestamp", "lang"),
        "participants": (*schema.PARTICIPANT_COLUMNS, "region", "age_band", "access_needs",
                         "digital_skills", "preferred_channel"),
        "steps": schema.STEP_COLUMNS,
        "eventlog": schema.EVENT_COLUMNS,
    }.get(kind or "", ()))


def preview_upload(name: str, data: bytes, kind: str | None = None, mapping: dict | None = None,
                   workdir: Path | None = None) -> dict:
    """The detected kind, layout, column mapping and first rows of an uploaded file."""
    import tempfile

    from research.readers import preview

    with tempfile.TemporaryDirectory(prefix="recorrido-upload-") as folder:
        path = Path(workdir or folder) / sanitise_filename(name)
        path.write_bytes(data)
        out = preview(path, kind=kind, mapping=mapping)
    return out if isinstance(out, dict) else vars(out)


def import_upload(project: str, name: str, data: bytes, kind: str | None = None,
                  mapping: dict | None = None) -> dict:
    """Read an uploaded file and store it in ``project`` (one transaction); return its summary."""
    from research.readers import read_upload

    result = read_upload(sanitise_filename(name), data, kind=kind, mapping=mapping or None)
    return _repo().import_result(project, result, hashlib.sha256(data).hexdigest(), user=_user())


def extract_pain_points(project: str) -> int:
    """Find pain points in the project's utterances that have none yet; return how many were found."""
    from nlp.extract import extract_pain_points as _extract

    tbl = _repo().tables(project)
    utt = tbl.get("utterances")
    if utt is None or not len(utt):
        return 0
    found = _extract(utt, tbl.get("steps"), redact=True)
    return int(_repo().save_suggestions(project, found)["added"])


# -- decisions ------------------------------------------------------------------------------

def _user() -> str | None:
    import streamlit as st

    return (st.session_state.get("user_name") or "").strip() or None


def update_pain_point(project: str, pain_id, version, **changes) -> dict:
    """Change one pain point (status, category, severity, step_id) if nobody changed it since
    ``version``; raises ``ConflictError`` otherwise."""
    return _repo().update_pain_point(project, int(pain_id), changes, int(version or 1), _user())


def add_pain_point(project: str, record: dict) -> dict:
    """Add a pain point by hand (status ``manual``)."""
    return _repo().add_pain_point(project, record, _user())


def priority_decisions(project: str) -> pd.DataFrame:
    """The team's redesign choices: key, chosen, owner, note, version."""
    return _repo().decisions(project)


def set_priority_decision(project: str, key: str, version, *, chosen: bool, owner: str, note: str) -> dict:
    """Mark a backlog row as chosen (or not) with an owner and a note, with a version check."""
    return _repo().set_decision(project, key, chosen, owner=owner or None, note=note or None,
                                expected_version=int(version or 0), user=_user())


# -- views ----------------------------------------------------------------------------------

def build_chart(view: str, report: dict, tables: dict, *, lang: str, segment=None, channels=()):
    """The Altair chart of ``view`` (``map``, ``blueprint``, ``graph``, ``priorities``)."""
    from journeys.diagrams import build_view

    pains = tables.get("pain_points")
    return build_view(view, report, lang=lang, pain_points=pains if pains is not None and len(pains) else None,
                      participants=tables.get("participants") if len(tables.get("participants", ())) else None,
                      channels=list(channels) or None)


MIME = {"png": "image/png", "svg": "image/svg+xml", "pdf": "application/pdf", "html": "text/html",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "graphml": "application/xml", "json": "application/json", "qdpx": "application/zip"}


def export_bytes(what: str, fmt: str, *, url, project: str, revision, lang: str, weights=None) -> bytes:
    """The bytes of one download: a view (``map``, ``blueprint``, ``graph``, ``priorities``) as
    PNG/SVG/PDF/HTML, or the Excel ``pack``, the ``graphml``/``json`` graph, the ``qdpx`` project."""
    from journeys import export

    report = cached.weighted_report(url, project, revision, None, weights)
    tables = cached.project_tables(url, project, revision, False)
    if what in ("map", "blueprint", "graph", "priorities"):
        chart = cached.chart_spec(url, project, revision, what, lang, None, (), weights)  # same as on screen
        out = {"png": export.chart_to_png, "svg": export.chart_to_svg, "pdf": export.chart_to_pdf,
               "html": export.chart_to_html}[fmt](chart)
    elif what == "pack":
        out = export.excel_pack(report, pain_points=_some(tables.get("pain_points")),
                                participants=_some(tables.get("participants")), lang=lang)
    elif what == "graphml":
        out = export.graph_to_graphml(report)
    elif what == "json":
        out = export.graph_to_json(report)
    elif what == "qdpx":
        out = export.qdpx_project(tables["utterances"], _some(tables.get("pain_points")), lang=lang,
                                  project_name=project)
    else:
        raise ValueError(what)
    return out.encode("utf-8") if isinstance(out, str) else out


def _some(df):
    return df if df is not None and len(df) else None


TEMPLATE_KINDS = {"transcripts": "transcripts", "transcripciones": "transcripts", "participants": "participants",
                  "participantes": "participants", "steps": "steps", "pasos": "steps", "eventlog": "eventlog",
                  "eventos": "eventlog", "notes": "notes", "notas": "notes"}


def template_files(lang: str = "en") -> list[tuple[Path, str]]:
    """The Excel templates of ``data/templates/`` in ``lang`` (``template_*`` English,
    ``plantilla_*`` Spanish) with the kind each is for."""
    folder = ROOT / "data" / "templates"
    prefix = "plantilla_" if lang == "es" else "template_"
    out = []
    for path in sorted(folder.glob(f"{prefix}*.xlsx")) if folder.exists() else []:
        kind = TEMPLATE_KINDS.get(path.stem.removeprefix(prefix))
        if kind:
            out.append((path, kind))
    order = ("transcripts", "notes", "participants", "steps", "eventlog")
    return sorted(out, key=lambda pk: order.index(pk[1]))
