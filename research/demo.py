"""The demo project: loaded into the repository the first time the app starts with no project.

``data/demo/manifest.json`` lists the files::

    {"project": "demo", "description": {"es": "...", "en": "..."},
     "files": [{"path": "steps.xlsx", "kind": "steps", "mapping": {...}?, "lang": "es"?}, ...]}

Everything is loaded into a hidden, uniquely named project first and renamed at the very end, so
a half-loaded demo never shows up (a failure leaves nothing behind) and two app sessions starting
at the same moment cannot both create it.
"""

from __future__ import annotations

import json
import logging
import uuid
from pathlib import Path

from research.errors import InputError

__all__ = ["DEMO_DIR", "ensure_demo", "load_manifest"]

log = logging.getLogger(__name__)

#: Where the demo files and their manifest live.
DEMO_DIR = Path(__file__).resolve().parent.parent / "data" / "demo"


def load_manifest(demo_dir: str | Path | None = None) -> dict:
    """Read and check ``manifest.json`` of a demo folder.

    Raises
    ------
    InputError
        The manifest is missing, not JSON, or lists a file that is not there.

    Examples
    --------
    >>> import json, tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "a.txt").write_text("Ana: hola")
    >>> _ = (d / "manifest.json").write_text(json.dumps({"files": [{"path": "a.txt", "kind": "transcripts"}]}))
    >>> load_manifest(d)["files"][0]["path"]
    'a.txt'
    """
    folder = Path(demo_dir) if demo_dir is not None else DEMO_DIR
    path = folder / "manifest.json"
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError("the demo manifest is missing", "regenerate the demo with `make demo`",
                         file=str(path)) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"the demo manifest is not valid JSON ({exc})", "regenerate the demo with `make demo`",
                         file=str(path)) from None
    files = manifest.get("files") if isinstance(manifest, dict) else None
    if not isinstance(files, list) or not files:
        raise InputError("the demo manifest lists no files", "add a \"files\" list", file=str(path))
    for i, entry in enumerate(files, start=1):
        if not isinstance(entry, dict) or not entry.get("path"):
            raise InputError(f"entry {i} of \"files\" has no path", "give each file a \"path\"", file=str(path))
        if not (folder / entry["path"]).is_file():
            raise InputError(f"the demo file {entry['path']} is missing", "regenerate the demo with `make demo`",
                             file=str(path))
    return manifest


def ensure_demo(repo, project: str | None = None, demo_dir: str | Path | None = None, *,
                suggestions: bool = True) -> dict:
    """Load the demo project into ``repo`` unless a project of that name already exists.

    Parameters
    ----------
    repo : research.repository.Repository
        Where to store it.
    project : str, optional
        Project name; default the manifest's ``project``, else ``"demo"``.
    demo_dir : path, optional
        Folder with ``manifest.json`` (default ``data/demo``).
    suggestions : bool, default True
        Also store the pain points that ``nlp.extract.extract_pain_points`` suggests and the
        narrated journeys of ``nlp.narrated.narrated_journeys``, when those modules exist
        (skipped with a logged note otherwise).

    Returns
    -------
    dict
        ``{"project", "created": bool, "files": [import summaries], "pain_points": int | None,
        "narrated": int | None, "notes": [str]}``.

    Raises
    ------
    InputError
        A demo file cannot be read; nothing is left in the repository then.

    Examples
    --------
    >>> import json, tempfile, pathlib
    >>> from research.repository import Repository
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "a.txt").write_text("Entrevistadora: ¿Qué pasó?\\nAna: Esperé tres horas.\\n")
    >>> _ = (d / "manifest.json").write_text(json.dumps({"files": [{"path": "a.txt", "kind": "transcripts"}]}))
    >>> repo = Repository("sqlite://")
    >>> ensure_demo(repo, demo_dir=d, suggestions=False)["created"]
    True
    >>> ensure_demo(repo, demo_dir=d)["created"]
    False
    >>> len(repo.table("demo", "utterances"))
    2
    """
    from research.readers import read_file
    from research.repository import STAGING_MARK, content_hash

    folder = Path(demo_dir) if demo_dir is not None else DEMO_DIR
    if project is None:
        project = "demo"
        manifest_path = folder / "manifest.json"
        if manifest_path.is_file():
            try:
                project = json.loads(manifest_path.read_text(encoding="utf-8")).get("project") or "demo"
            except (json.JSONDecodeError, UnicodeDecodeError, AttributeError):
                project = "demo"
    out: dict = {"project": project, "created": False, "files": [], "pain_points": None, "narrated": None,
                 "notes": []}
    if repo.project_exists(project):
        return out
    manifest = load_manifest(folder)
    description = manifest.get("description") or ""
    if isinstance(description, dict):
        description = description.get("es") or description.get("en") or ""
    staging = f"{project}{STAGING_MARK}{uuid.uuid4().hex[:8]}"
    repo.create_project(staging, str(description))
    try:
        for entry in manifest["files"]:
            path = folder / entry["path"]
            kind = entry.get("kind")
            lang = entry.get("lang") if kind in (None, "transcripts") else None
            result = read_file(path, kind=kind, mapping=entry.get("mapping") or None, lang=lang,
                               project=project)
            out["files"].append(repo.import_result(staging, result, content_hash(path), create=False))
        if suggestions:
            _derive(repo, staging, out)
        try:
            repo.rename_project(staging, project)
        except InputError:
            if not repo.project_exists(project):
                raise
            out["notes"].append("another session created the demo at the same time; kept theirs")
            repo.delete_project(staging)
            return out
    except BaseException:
        repo.delete_project(staging)
        raise
    out["created"] = True
    return out


def _derive(repo, project: str, out: dict) -> None:
    """Store machine suggestions (pain points, narrated journeys) when the NLP modules exist."""
    tables = repo.tables(project)
    utterances, steps = tables["utterances"], tables["steps"]
    try:
        from nlp.extract import extract_pain_points
    except ImportError as exc:
        _note_skipped(out, "pain-point suggestions", "nlp.extract", exc)
    else:
        pains = extract_pain_points(utterances, steps if len(steps) else None)
        out["pain_points"] = repo.save_suggestions(project, pains)["added"]
    try:
        from nlp.narrated import narrated_journeys
    except ImportError as exc:
        _note_skipped(out, "narrated journeys", "nlp.narrated", exc)
    else:
        if len(steps):
            out["narrated"] = repo.save_narrated(project, narrated_journeys(utterances, steps))


def _note_skipped(out: dict, what: str, module: str, exc: ImportError) -> None:
    """Log and keep in ``out["notes"]`` that ``what`` was not derived because ``module`` is missing."""
    note = f"{what} skipped: {module} is not available ({exc})"
    log.info(note)
    out["notes"].append(note)
