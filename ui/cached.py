"""Every ``st.cache_data`` / ``st.cache_resource`` wrapper of the app, in one place.

* Resources (one per server process, shared by every session, never mutated): the research
  repository for a database URL, the spaCy pipelines.
* Data (a copy per caller): a project's tables and analyses, keyed on the database URL, the
  project name and the project's ``revision``. Any change to the project (an import, a decision
  by anyone in any browser) bumps the revision, so the next interaction of every browser reads
  fresh data: no stale caches, no explicit invalidation.
"""

from __future__ import annotations

import logging
import os
import threading

import pandas as pd
import streamlit as st

log = logging.getLogger(__name__)

__all__ = [
    "database_url", "get_repository", "repository", "nlp_pipeline", "project_tables",
    "journey_report", "weighted_report", "redacted", "chart_spec", "upload_preview", "report_sheets", "chart_svg",
]


def database_url() -> str | None:
    """The database the app uses: ``DATABASE_URL`` or None (the repository's SQLite default)."""
    return os.environ.get("DATABASE_URL") or None


@st.cache_resource(show_spinner=False)
def get_repository(url: str | None):
    """The research repository for ``url``, with the demo project loaded on first start."""
    from research.repository import Repository

    repo = Repository(url)
    try:
        from research.demo import ensure_demo
    except ImportError:  # the demo lands separately; the app works without it
        return repo
    ensure_demo(repo)
    if os.environ.get("RECORRIDO_WARMUP", "1") != "0":
        threading.Thread(target=_warm_up, args=(url,), name="recorrido-warm-up", daemon=True).start()
    return repo


DEFAULT_WEIGHTS = tuple(sorted((name, 1.0) for name in ("reach", "severity", "delay", "friction", "centrality")))


def _warm_up(url: str | None, project: str = "demo") -> None:
    """Compute the demo's report and journey maps once, in the background, when the server starts,
    so the first person to open the app does not wait for them (the caches are shared)."""
    try:
        repo = get_repository(url)
        if not repo.project_exists(project):
            return
        revision = repo.revision(project)
        for lang in ("en", "es"):
            chart_spec(url, project, revision, "map", lang, None, (), DEFAULT_WEIGHTS)
    except Exception as exc:  # noqa: BLE001 - a warm-up must never take the server down
        log.warning("warm-up of %s skipped: %s", project, exc)


def repository():
    """The repository of this server (see :func:`database_url`)."""
    return get_repository(database_url())


@st.cache_resource(show_spinner=False)
def nlp_pipeline(lang: str):
    """The spaCy pipeline for ``lang``: loaded once per process, shared, read-only."""
    from nlp.pipeline import get_nlp

    return get_nlp(lang)


@st.cache_data(show_spinner=False, max_entries=32)
def project_tables(url: str | None, project: str, revision, with_events: bool = True) -> dict[str, pd.DataFrame]:
    """The tables of ``project`` at ``revision`` (the key; the value is read fresh when it moves).

    Pages ask ``with_events=False``: every cache hit hands out a copy, and the event log is by far
    the largest table while only the analysis needs it."""
    repo = get_repository(url)
    if with_events:
        return repo.tables(project)
    return {name: repo.table(project, name) for name in ("utterances", "participants", "steps", "pain_points",
                                                          "narrated")}


@st.cache_data(show_spinner=False, max_entries=32)
def journey_report(url: str | None, project: str, revision, segment: str | None = None) -> dict:
    """``journeys.analysis.journey_report`` on the project's tables (plain dict, default weights)."""
    from journeys.analysis import journey_report as _report

    tables = project_tables(url, project, revision)
    return _report(
        _nonempty(tables.get("steps")), events=_nonempty(tables.get("events")),
        pain_points=_nonempty(tables.get("pain_points")), narrated=_nonempty(tables.get("narrated")),
        participants=_nonempty(tables.get("participants")), segment=segment)


@st.cache_data(show_spinner=False, max_entries=128)
def weighted_report(url: str | None, project: str, revision, segment: str | None = None,
                    weights: tuple[tuple[str, float], ...] | None = None) -> dict:
    """The report with its backlogs re-ranked for ``weights``.

    Moving a slider only re-scores the metrics already computed (``priority_table`` on the
    report's ``steps``/``nodes``): well under a second instead of a whole new report."""
    from journeys.analysis import plain
    from journeys.priorities import check_weights, priority_table

    report = journey_report(url, project, revision, segment)
    if not weights:
        return report
    w = check_weights(dict(weights))
    pains = _nonempty(project_tables(url, project, revision, False).get("pain_points"))
    if pains is not None:
        pains = pains[pains["status"] != "rejected"]
    ranked = {level: [plain(r) for r in priority_table(pd.DataFrame(report[key]), w, pains).to_dict("records")]
              if report[key] else [] for level, key in (("steps", "steps"), ("touchpoints", "nodes"))}
    return {**report, "weights": w, "priorities": {**report["priorities"], **ranked}}


@st.cache_data(show_spinner=False, max_entries=32)
def report_sheets(url: str | None, project: str, revision,
                  weights: tuple[tuple[str, float], ...] | None = None) -> dict[str, list[dict]]:
    """``journeys.analysis.report_sheets`` of the project's report (flat tables by name)."""
    from journeys.analysis import report_sheets as _sheets

    return _sheets(weighted_report(url, project, revision, None, weights))


@st.cache_data(show_spinner=False, max_entries=16)
def upload_preview(name: str, data: bytes, kind: str | None = None) -> dict:
    """What the reader detects in an uploaded file (kind, layout, mapping, columns, first rows)."""
    from ui import backend

    return backend.preview_upload(name, data, kind=kind)


@st.cache_data(show_spinner=False, max_entries=20_000)
def redacted(text: str, lang: str, speakers: tuple[str, ...] = ()) -> str:
    """``nlp.redact.redact`` of one text (cached per text)."""
    from nlp.redact import redact

    return redact(text, lang, speakers=speakers)


@st.cache_data(show_spinner=False, max_entries=64)
def chart_spec(url: str | None, project: str, revision, view: str, lang: str,
               segment: str | None = None, channels: tuple[str, ...] = (),
               weights: tuple[tuple[str, float], ...] | None = None) -> dict:
    """The Vega-Lite spec of one view (``map``, ``blueprint``, ``graph``, ``priorities``)."""
    from ui import backend

    report = weighted_report(url, project, revision, segment, weights)
    tables = project_tables(url, project, revision, False)
    return backend.build_chart(view, report, tables, lang=lang, segment=segment,
                               channels=list(channels)).to_dict()


@st.cache_data(show_spinner=False, max_entries=64)
def chart_svg(url: str | None, project: str, revision, view: str, lang: str, segment: str | None = None,
              channels: tuple[str, ...] = (), weights: tuple[tuple[str, float], ...] | None = None) -> str:
    """The view as SVG (vl-convert): the whole diagram scaled to the screen, text stays sharp."""
    from journeys.export import chart_to_svg

    return chart_to_svg(chart_spec(url, project, revision, view, lang, segment, channels, weights))


def _nonempty(df):
    return df if df is not None and len(df) else None
