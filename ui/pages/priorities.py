"""Priorities page: weights, ranked backlog with components, journey problems, redesign choices."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from research.errors import ConflictError, RecorridoError
from ui import backend, cached, views
from ui.common import header, md_escape, require, require_project
from ui.i18n import category_label, current_lang, t
from ui.state import REDACT, WEIGHT_KEYS, flash, weights

SECTIONS = (("once_only", ("once_only", "once_only_violations")),
            ("channel_switches", ("channel_switches",)),
            ("failure_demand", ("failure_demand",)),
            ("handoffs", ("handoffs", "agency_handoffs", "hand_offs")))


def _decide(project: str, key: str, version) -> None:
    ss = st.session_state
    try:
        backend.set_priority_decision(project, key, version, chosen=bool(ss.get("prio_chosen")),
                                      owner=ss.get("prio_owner") or "", note=ss.get("prio_note") or "")
    except ConflictError:
        flash("warning", t("conflict"))
    except RecorridoError as exc:
        flash("error", t("error_prefix", msg=md_escape(str(exc))))
    else:
        flash("success", t("saved"))


header("priorities_title", "priorities_intro")
require("research.repository", "research.demo", "journeys.analysis")
project, revision = require_project()
lang = current_lang()

st.markdown(f"**{t('weights')}**")
for col, (name, key) in zip(st.columns(len(WEIGHT_KEYS)), WEIGHT_KEYS.items(), strict=True):
    col.slider(t(f"w_{name}"), 0.0, 3.0, step=0.25, key=key)
report = cached.journey_report(cached.database_url(), project, revision, None, tuple(sorted(weights().items())))

backlog = views.report_frame(report.get("priorities"))
if backlog is None or not len(backlog):
    st.info(t("nothing_found"))
    st.stop()
backlog = backlog.reset_index(drop=True)
backlog["key"] = [views.backlog_key(r) for r in backlog.to_dict("records")]
decisions = backend.priority_decisions(project)
dec = {r["key"]: r for r in decisions.to_dict("records")} if len(decisions) else {}
backlog[t("col_chosen")] = ["✅" if dec.get(k, {}).get("chosen") else "" for k in backlog["key"]]
backlog[t("col_owner")] = [dec.get(k, {}).get("owner") or "" for k in backlog["key"]]
backlog.insert(0, t("col_rank"), range(1, len(backlog) + 1))

st.subheader(t("backlog"))
st.dataframe(backlog.drop(columns=["key"]), hide_index=True, key="backlog_table",
             column_config={"score": st.column_config.ProgressColumn(t("col_score"), min_value=0, max_value=100,
                                                                       format="%.1f")})

for tab, (_label, keys) in zip(st.tabs([t(label) for label, _ in SECTIONS]), SECTIONS, strict=True):
    with tab:
        frame = next((views.report_frame(report[k]) for k in keys if k in report), None)
        if frame is None or not len(frame):
            st.info(t("nothing_found"))
        else:
            st.dataframe(frame, hide_index=True)

st.subheader(t("priorities_drill"))
rows = backlog.to_dict("records")
by_key = {r["key"]: r for r in rows}
pick = st.selectbox(t("priorities_pick"), list(by_key), key="prio_pick",
                    format_func=lambda k: f"{by_key[k][t('col_rank')]}. {k}")
row = by_key[pick]
left, right = st.columns([3, 2], gap="large")
with left:
    pp = backend.tables(project).get("pain_points")
    step = str(views.clean(row.get("step_id")) or pick.split("|")[0])
    quotes = pp[(pp["step_id"].astype(str) == step) & (pp["status"] != "rejected")] if pp is not None and len(pp) \
        else pd.DataFrame()
    if not len(quotes):
        st.info(t("journey_no_quotes"))
    for q in quotes.head(12).to_dict("records"):
        text = str(q.get("sentence") or "")
        if st.session_state.get(REDACT, True):
            text = cached.redacted(text, q.get("lang") or lang)
        st.markdown(f"> {md_escape(text)}  \n> — {md_escape(category_label(q.get('category'), lang))}")
with right, st.container(border=True):
    current = dec.get(pick, {})
    version = int(current.get("version") or 0)
    if st.session_state.get("_prio_form") != (pick, version):  # load the stored decision into the form
        st.session_state["_prio_form"] = (pick, version)
        st.session_state["prio_chosen"] = bool(current.get("chosen", False))
        st.session_state["prio_owner"] = current.get("owner") or ""
        st.session_state["prio_note"] = current.get("note") or ""
    st.checkbox(t("priorities_choose"), key="prio_chosen")
    st.text_input(t("priorities_owner"), key="prio_owner", max_chars=80)
    st.text_area(t("priorities_note"), key="prio_note", height=90)
    st.button(t("priorities_save"), key="prio_save", type="primary", on_click=_decide, args=(project, pick, version))
