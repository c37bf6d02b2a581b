"""Priorities page: weights, ranked backlog with components, journey problems, redesign choices."""

from __future__ import annotations

import streamlit as st

from research.errors import ConflictError, RecorridoError
from ui import backend, cached, views
from ui.common import header, md_escape, require, require_project
from ui.i18n import category_label, column_labels, current_lang, t
from ui.state import REDACT, WEIGHT_KEYS, flash, weights

SECTIONS = ("once_only", "channel_switches", "failure_demand", "handoffs")
BACKLOG_COLUMNS = ("rank", "step", "channel", "agency", "score", "reach", "severity", "delay", "friction",
                   "centrality", "pain_count", "pain_participants", "evidence_strength")


def _decide(project: str, key: str, version) -> None:
    """Callback: store the choice with the version this browser saw."""
    ss = st.session_state
    try:
        backend.set_priority_decision(project, key, version, chosen=bool(ss.get("prio_chosen")),
                                      owner=ss.get("prio_owner") or "", note=ss.get("prio_note") or "")
    except ConflictError:
        flash("warning", t("conflict"))
        ss.pop("_prio_form", None)  # reload the stored decision into the form
    except RecorridoError as exc:
        flash("error", t("error_prefix", msg=md_escape(str(exc))))
    else:
        flash("success", t("saved"))


header("priorities_title", "priorities_intro")
require("research.repository", "journeys.analysis")
project, revision = require_project()
lang = current_lang()
labels = column_labels(lang)

st.markdown(f"**{t('weights')}**")
for col, (name, key) in zip(st.columns(len(WEIGHT_KEYS)), WEIGHT_KEYS.items(), strict=True):
    col.slider(t(f"w_{name}"), 0.0, 3.0, step=0.25, key=key)
level = st.radio(t("priorities_level"), ["steps", "touchpoints"], key="prio_level", horizontal=True,
                 format_func=lambda v: t(f"level_{v}"))
report = cached.weighted_report(cached.database_url(), project, revision, None, tuple(sorted(weights().items())))
rows = report["priorities"][level]
if not rows:
    st.info(t("journey_no_steps"))
    st.stop()

decisions = backend.priority_decisions(project)
dec = {r["key"]: r for r in decisions.to_dict("records")} if len(decisions) else {}
backlog = views.backlog_frame(rows, dec, BACKLOG_COLUMNS)
st.subheader(t("backlog"))
top = rows[0]
st.markdown(t("top_priority", name=md_escape(top.get("step") or top["id"]) + (
    f" · {md_escape(top['channel'])}" if top.get("channel") else ""), score=f"{top['score']:.0f}"))
st.dataframe(backlog, hide_index=True, key="backlog_table",
             column_config={**{c: labels.get(c, c) for c in backlog.columns},
                            "score": st.column_config.ProgressColumn(labels["score"], min_value=0, max_value=100,
                                                                     format="%.0f"),
                            **{c: st.column_config.NumberColumn(labels[c], format="%.2f")
                               for c in ("reach", "severity", "delay", "friction", "centrality") if c in backlog},
                            "chosen": st.column_config.CheckboxColumn(labels["chosen"])})

sheets = cached.report_sheets(cached.database_url(), project, revision, tuple(sorted(weights().items())))
for tab, section in zip(st.tabs([t(s) for s in SECTIONS]), SECTIONS, strict=True):
    with tab:
        frame = views.flat_frame(sheets.get(section) or [])
        if not len(frame):
            st.info(t("nothing_found"))
        parts = frame.groupby("kind", sort=False) if "kind" in frame.columns else [(None, frame)]
        for kind, part in parts if len(frame) else []:
            if kind is not None:
                st.caption(t("once_only_" + ("documents" if kind == "document" else "repetition")))
            part = part.dropna(axis=1, how="all").drop(columns=["kind"], errors="ignore")
            st.dataframe(part, hide_index=True, column_config={c: labels.get(c, c) for c in part.columns})

st.subheader(t("priorities_drill"))
by_id = {str(r["id"]): r for r in rows}
pick = st.selectbox(t("priorities_pick"), list(by_id), key="prio_pick",
                    format_func=lambda k: f"{by_id[k]['rank']}. {by_id[k].get('step') or k}"
                                          + (f" · {by_id[k]['channel']}" if by_id[k].get("channel") else ""))
row = by_id[pick]
left, right = st.columns([3, 2], gap="large")
with left:
    quotes = row.get("quotes") or []
    if not quotes:
        st.info(t("journey_no_quotes"))
    for q in quotes[:12]:
        text = str(q.get("sentence") or "")
        if st.session_state.get(REDACT, True):
            text = cached.redacted(text, lang)
        st.markdown(f"> {md_escape(text)}  \n> — {md_escape(category_label(q.get('category'), lang))} · "
                    f"{md_escape(q.get('participant_id') or '')}")
with right, st.container(border=True):
    current = dec.get(pick, {})
    version = int(current.get("version") or 0)
    if st.session_state.get("_prio_form") != (pick, version):  # load the stored decision into the form
        st.session_state["_prio_form"] = (pick, version)
        st.session_state["prio_chosen"] = bool(current.get("chosen", False))
        st.session_state["prio_owner"] = str(views.clean(current.get("owner")) or "")
        st.session_state["prio_note"] = str(views.clean(current.get("note")) or "")
    st.checkbox(t("priorities_choose"), key="prio_chosen")
    st.text_input(t("priorities_owner"), key="prio_owner", max_chars=80)
    st.text_area(t("priorities_note"), key="prio_note", height=90)
    st.button(t("priorities_save"), key="prio_save", type="primary", on_click=_decide, args=(project, pick, version))
