"""Export page: every download (diagrams as PNG/SVG/PDF/HTML, the Excel pack, GraphML, JSON, REFI-QDA)."""

from __future__ import annotations

import functools

import streamlit as st

from ui import backend, cached
from ui.common import header, require, require_project
from ui.i18n import current_lang, t
from ui.state import weights

VIEWS = ("map", "blueprint", "graph", "priorities")
IMAGE_FORMATS = ("png", "svg", "pdf", "html")
FILES = (("pack", "xlsx"), ("graphml", "graphml"), ("json", "json"), ("qdpx", "qdpx"))

header("export_title", "export_intro")
require("research.repository", "journeys.analysis", "journeys.export")
project, revision = require_project()
lang = current_lang()
params = {"url": cached.database_url(), "project": project, "revision": revision, "lang": lang,
          "weights": tuple(sorted(weights().items()))}
stem = backend.sanitise_filename(project)

st.subheader(t("export_diagrams"))
for view in VIEWS:
    cols = st.columns([2, 1, 1, 1, 1], vertical_alignment="center")
    cols[0].markdown(f"**{t(f'export_view_{view}')}**")
    for col, fmt in zip(cols[1:], IMAGE_FORMATS, strict=True):
        col.download_button(fmt.upper(), data=functools.partial(backend.export_bytes, view, fmt, **params),
                            file_name=f"{stem}-{view}-{lang}.{fmt}", mime=backend.MIME[fmt],
                            key=f"dl_{view}_{fmt}", on_click="ignore", width="stretch")

st.subheader(t("export_files"))
cols = st.columns(len(FILES))
for col, (what, fmt) in zip(cols, FILES, strict=True):
    col.download_button(t(f"export_{what}"), data=functools.partial(backend.export_bytes, what, fmt, **params),
                        file_name=f"{stem}-{what}.{fmt}" if what != "pack" else f"{stem}-{lang}.xlsx",
                        mime=backend.MIME[fmt], key=f"dl_{what}", on_click="ignore", width="stretch")
