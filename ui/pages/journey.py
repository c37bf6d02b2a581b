"""Journey page: journey map, service blueprint and service graph; drill-down from a step to its quotes."""

from __future__ import annotations

import streamlit as st

from ui import backend, cached, views
from ui.common import header, md_escape, require, require_project, user_errors
from ui.i18n import category_label, channel_label, current_lang, t
from ui.state import REDACT, weights

header("journey_title", "journey_intro")
require("research.repository", "journeys.analysis", "journeys.diagrams")
project, revision = require_project()
lang = current_lang()
tables = backend.tables(project)
steps = tables.get("steps")
if steps is None or not len(steps):
    st.info(t("journey_no_steps"))
    st.stop()

url = cached.database_url()
segments = [str(s) for s in cached.journey_report(url, project, revision, None).get("segments") or []]
channels = sorted({str(c) for c in steps["channel"].dropna()})
c1, c2 = st.columns([1, 2])
segment = c1.selectbox(t("journey_segment"), ["", *segments], key="j_segment",
                       format_func=lambda s: s or t("all")) or None
chosen = tuple(c2.multiselect(t("journey_channels"), channels, key="j_channels", placeholder=t("all"),
                              format_func=lambda c: channel_label(c, lang)))

VIEWS = {"map": "journey_tab_map", "blueprint": "journey_tab_blueprint", "graph": "journey_tab_graph"}
view = st.segmented_control(t("journey_view"), list(VIEWS), key="j_view", format_func=lambda v: t(VIEWS[v]),
                            default="map", label_visibility="collapsed") or "map"
with user_errors():  # only the chosen view is built: the others cost nothing until asked for
    args = (url, project, revision, view, lang, segment, chosen, tuple(sorted(weights().items())))
    # the whole diagram fitted to the screen (a pixel-laid-out chart wider than the page would be cut)
    st.image(cached.chart_svg(*args), width="stretch")
    with st.expander(t("journey_interactive")):
        st.vega_lite_chart(cached.chart_spec(*args), theme=None, width="content", key=f"chart_{view}")

st.subheader(t("journey_drill"))
names = {str(r["step_id"]): f"{r['step_id']} · {r['step']}" for r in steps.to_dict("records")}
step = st.selectbox(t("journey_drill_step"), list(names), key="j_drill", format_func=names.get)
pp = tables.get("pain_points")
quotes = pp[(pp["step_id"].astype(str) == step) & (pp["status"] != "rejected")] if pp is not None and len(pp) else []
if not len(quotes):
    st.info(t("journey_no_quotes"))
for q in (quotes.to_dict("records") if len(quotes) else []):
    text = str(q.get("sentence") or "")
    if st.session_state.get(REDACT, True):
        text = cached.redacted(text, q.get("lang") or lang)
    st.markdown(f"> {md_escape(text)}  \n> — {md_escape(category_label(q.get('category'), lang))} · "
                f"{md_escape(views.clean(q.get('participant_id')) or '')}")
