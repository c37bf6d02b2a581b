"""Import page: upload files, check and correct the detected column mapping, import, extract."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from research.errors import RecorridoError
from ui import backend, cached
from ui.common import header, md_escape, require, require_project
from ui.i18n import current_lang, t

KINDS = ("auto", "transcripts", "participants", "steps", "eventlog")
UPLOAD_TYPES = ["xlsx", "xlsm", "csv", "tsv", "txt", "md", "docx", "vtt", "srt", "xes", "gz", "parquet"]
IGNORE = "—"


def _max_mb() -> int:
    from research.guards import max_upload_bytes

    return max_upload_bytes() // (1024 * 1024)


def _mapping_editor(i: int, prev: dict) -> dict:
    """Show the detected mapping as an editable table; return {source column: field}."""
    fields = [IGNORE, *backend.canonical_fields(prev.get("kind"))]
    detected = {str(k): str(v) for k, v in (prev.get("mapping") or {}).items()}
    frame = pd.DataFrame({"source": list(detected),
                          "field": [v if v in fields else IGNORE for v in detected.values()]})
    edited = st.data_editor(  # rows can be added for a column the reader did not recognise
        frame, key=f"mapping_{i}", hide_index=True, num_rows="dynamic",
        column_config={
            "source": st.column_config.TextColumn(t("import_col_source")),
            "field": st.column_config.SelectboxColumn(t("import_col_field"), options=fields, required=True),
        })
    return {str(row.source): row.field for row in edited.itertuples()
            if row.field and row.field != IGNORE and isinstance(row.source, str) and row.source.strip()}


def _summary_line(summary: dict) -> str:
    counts = {k: v for k, v in summary.items() if isinstance(v, int)}
    text = ", ".join(f"{k} {v}" for k, v in counts.items())
    skipped = len(summary.get("skipped") or [])
    return text + (" · " + t("import_skipped", n=skipped) if skipped else "")


header("import_title", "import_intro")
require("research.readers", "research.repository")
project, _revision = require_project()

kind = st.radio(t("import_kind"), KINDS, key="import_kind", horizontal=True,
                format_func=lambda k: t(f"kind_{k}"))
max_mb = _max_mb()
uploads = st.file_uploader(t("import_upload"), type=UPLOAD_TYPES, accept_multiple_files=True,
                           key="upload", help=t("import_upload_help", mb=max_mb))

ready: list[tuple[str, bytes, dict]] = []
for i, upload in enumerate(uploads or []):
    name = backend.sanitise_filename(upload.name)
    data = upload.getvalue()
    if len(data) > max_mb * 1024 * 1024:
        st.error(t("import_too_large", file=md_escape(name), mb=max_mb))
        continue
    try:
        prev = cached.upload_preview(name, data, None if kind == "auto" else kind)
    except RecorridoError as exc:  # the importer's one-line message, never a traceback
        st.error(md_escape(str(exc)))
        continue
    with st.expander(t("import_preview", file=md_escape(name)), expanded=True):
        st.markdown(t("import_layout", kind=t(f"kind_{prev.get('kind', 'auto')}"),
                      layout=md_escape(prev.get("layout", "?"))))
        st.caption(t("import_mapping"))
        mapping = _mapping_editor(i, prev)
        st.caption(md_escape(_summary_line(prev.get("summary") or {})))
        rows = prev.get("rows")
        if rows is not None and len(rows):
            st.caption(t("import_first_rows"))
            st.dataframe(pd.DataFrame(rows).head(10), hide_index=True)
    ready.append((name, data, {"kind": prev.get("kind"), "mapping": mapping}))

if ready:
    extract = st.checkbox(t("import_extract"), value=True, key="import_extract")
    if st.button(t("import_button", name=md_escape(project)), type="primary", key="import_go"):
        bar = st.progress(0.0)
        n = len(ready) + (1 if extract else 0)
        any_transcripts = False
        for i, (name, data, opts) in enumerate(ready):
            bar.progress(i / n, text=t("import_progress", file=md_escape(name), i=i + 1, n=len(ready)))
            try:
                summary = backend.import_upload(project, name, data, kind=opts["kind"], mapping=opts["mapping"])
            except RecorridoError as exc:
                st.error(md_escape(str(exc)))
                continue
            any_transcripts |= summary.get("kind") == "transcripts"
            st.success(t("import_done", file=md_escape(name), summary=md_escape(_summary_line(summary))))
        if extract and any_transcripts:
            bar.progress(len(ready) / n, text=t("import_progress_extract"))
            with st.spinner(t("import_progress_extract")):
                found = backend.extract_pain_points(project)
            st.success(f"{t('count_pain_points')}: {found}")
        bar.progress(1.0, text=t("import_finished"))

st.divider()
st.subheader(t("import_templates"))
st.caption(t("import_templates_intro"))
templates = backend.template_files(current_lang())
if not templates:
    st.info(t("import_no_templates"))
cols = st.columns(max(1, min(5, len(templates))))
for i, (path, kind) in enumerate(templates):
    cols[i % len(cols)].download_button(
        t("import_template_button", name=t(f"kind_{kind}")), data=path.read_bytes(), file_name=path.name,
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"template_{path.stem}", on_click="ignore", icon=":material/download:", width="stretch")
