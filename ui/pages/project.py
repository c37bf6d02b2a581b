"""Project page: open, create, rename and delete (with confirmation) projects."""

from __future__ import annotations

import streamlit as st

from ui import backend
from ui.common import header, md_escape, require, user_errors
from ui.i18n import t
from ui.state import PROJECT, flash


def _open(name_key: str) -> None:
    name = st.session_state.get(name_key)
    if name:
        st.session_state[PROJECT] = name
        flash("success", t("project_opened", name=md_escape(name)))


def _create() -> None:
    name = (st.session_state.get("new_project_name") or "").strip()
    if not name:
        flash("warning", t("project_name_empty"))
        return
    _guarded(lambda: backend.create_project(name), "project_created", name)


def _rename(old: str) -> None:
    new = (st.session_state.get("rename_to") or "").strip()
    if not new:
        flash("warning", t("project_name_empty"))
        return
    _guarded(lambda: backend.rename_project(old, new), "project_renamed", new)


def _delete(name: str) -> None:
    _guarded(lambda: backend.delete_project(name), "project_deleted", name, open_it=False)
    st.session_state["confirm_delete"] = False


def _guarded(action, done_key: str, name: str, open_it: bool = True) -> None:
    from research.errors import RecorridoError

    try:
        action()
    except (RecorridoError, ValueError) as exc:
        flash("error", t("error_prefix", msg=md_escape(str(exc))))
        return
    if open_it:
        st.session_state[PROJECT] = name
    elif st.session_state.get(PROJECT) == name:
        st.session_state[PROJECT] = None
    flash("success", t(done_key, name=md_escape(name)))


def _counts(tables: dict, events: int) -> dict[str, int]:
    def n(name, col=None):
        df = tables.get(name)
        if df is None or not len(df):
            return 0
        return int(df[col].nunique()) if col else int(len(df))

    pp = tables.get("pain_points")
    reviewed = int((pp["status"] != "suggested").sum()) if pp is not None and len(pp) else 0
    return {"count_interviews": n("utterances", "interview_id"), "count_utterances": n("utterances"),
            "count_participants": n("participants"), "count_pain_points": n("pain_points"),
            "count_reviewed": reviewed, "count_steps": n("steps"), "count_events": events}


header("project_title", "project_intro")
require("research.repository")

with user_errors():
    names = backend.list_projects()
    if st.session_state.get(PROJECT) not in names:
        st.session_state[PROJECT] = "demo" if "demo" in names else (names[0] if names else None)
    current = st.session_state.get(PROJECT)

    left, right = st.columns([3, 2], gap="large")
    with left:
        st.subheader(t("project_open"))
        if names:
            st.selectbox(t("project_pick"), names, index=names.index(current) if current in names else 0,
                         key="project_pick")
            st.button(t("project_open_button"), key="project_open", on_click=_open, args=("project_pick",),
                      type="primary")
        if current:
            st.subheader(t("project_summary"))
            counts = _counts(backend.tables(current), backend.project_counts(current).get("events", 0))
            cols = st.columns(4)
            for i, (key, value) in enumerate(counts.items()):
                cols[i % 4].metric(t(key), value)
    with right:
        with st.container(border=True):
            st.subheader(t("project_create"))
            st.text_input(t("project_new_name"), key="new_project_name", max_chars=80)
            st.button(t("project_create_button"), key="project_create", on_click=_create)
        if current:
            with st.container(border=True):
                st.subheader(t("project_rename"))
                st.text_input(t("project_rename_to"), key="rename_to", max_chars=80)
                st.button(t("project_rename_button"), key="project_rename", on_click=_rename, args=(current,))
            with st.container(border=True):
                st.subheader(t("project_delete"))
                st.warning(t("project_delete_warning", name=md_escape(current)))
                confirmed = st.checkbox(t("project_delete_confirm", name=md_escape(current)),
                                        key="confirm_delete")
                st.button(t("project_delete_button"), key="project_delete", on_click=_delete,
                          args=(current,), disabled=not confirmed)
