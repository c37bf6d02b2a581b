"""Evidence page: transcripts with pain points highlighted; accept, reject, correct, add by hand."""

from __future__ import annotations

import functools

import pandas as pd
import streamlit as st

from research.errors import ConflictError, RecorridoError
from research.schema import CATEGORIES, PAIN_STATUSES
from ui import backend, cached, views
from ui.common import header, highlight, md_escape, require, require_project
from ui.i18n import category_label, channel_label, current_lang, t
from ui.state import REDACT, flash


def _decide(project: str, pain_id, version, changes: dict) -> None:
    """Callback: store a decision with the version this browser saw (never a silent overwrite)."""
    try:
        backend.update_pain_point(project, pain_id, version, **changes)
    except ConflictError:
        flash("warning", t("conflict"))
    except RecorridoError as exc:
        flash("error", t("error_prefix", msg=md_escape(str(exc))))
    else:
        flash("success", t("saved"))


def _save_edit(project: str, pain_id, version, suffix: str) -> None:
    ss = st.session_state
    _decide(project, pain_id, version, {"status": "edited", "category": ss[f"pp_category_{suffix}"],
                                        "severity": float(ss[f"pp_severity_{suffix}"]),
                                        "step_id": ss[f"pp_step_{suffix}"] or None})


def _add(project: str, utterances: dict, steps_channel: dict) -> None:
    ss = st.session_state
    utt = utterances.get(ss.get("add_utt"))
    words = (ss.get("add_sentence") or "").strip()
    start = utt["text"].find(words) if utt and words else -1
    if start < 0:
        flash("warning", t("evidence_add_not_found"))
        return
    step = ss.get("add_step") or None
    record = {k: utt.get(k) for k in ("interview_id", "participant_id", "source_file", "source_sheet",
                                      "source_row", "source_column", "lang")}
    record.update(sentence=words, start=start, end=start + len(words), category=ss["add_category"],
                  severity=float(ss["add_severity"]), cues="", step_id=step,
                  channel=steps_channel.get(step))
    try:
        backend.add_pain_point(project, record)
    except RecorridoError as exc:
        flash("error", t("error_prefix", msg=md_escape(str(exc))))
    else:
        ss["add_sentence"] = ""
        flash("success", t("saved"))


def _status(status) -> str:
    return t(f"status_{status}") if status in PAIN_STATUSES else str(status)


header("evidence_title", "evidence_intro")
require("research.repository", "nlp.redact")
project, revision = require_project()
lang = current_lang()
tables = backend.tables(project)
pp_all = tables.get("pain_points")
utt = tables.get("utterances")
steps = tables.get("steps")
if pp_all is None or utt is None or not len(utt):
    st.info(t("evidence_none"))
    st.stop()

redact_on = st.toggle(t("redact"), key=REDACT)
utt = utt.reset_index(drop=True)
utt["_key"] = [views.utterance_key(r) for r in utt.to_dict("records")]
by_key = {k: r for k, r in zip(utt["_key"], utt.to_dict("records"), strict=True)}
step_names = ({} if steps is None or not len(steps) else
              {str(r["step_id"]): f"{r['step_id']} · {r['step']}" for r in steps.to_dict("records")})
steps_channel = ({} if steps is None or not len(steps) else
                 {str(r["step_id"]): views.clean(r.get("channel")) for r in steps.to_dict("records")})


def show(text: str, lang_of_text: str | None, speakers=()) -> str:
    """The text as the room may see it: redacted unless the switch is off."""
    if not redact_on or not text:
        return text
    return cached.redacted(text, lang_of_text or lang, tuple(speakers))


def _show_turn(piece: str, lg: str | None) -> str:
    return show(piece, lg, speakers)


pp = views.with_segment(pp_all, tables.get("participants"))
labels = {"category": lambda v: category_label(v, lang), "status": _status,
          "lang": lambda v: t(f"lang_{v}") if v in ("en", "es") else v,
          "step": lambda v: step_names.get(v, v), "channel": lambda v: channel_label(v, lang)}

with st.expander(t("filters"), expanded=True):
    cols = st.columns(6)
    filters = {}
    for col, name in zip(cols, views.FILTER_COLUMNS, strict=True):
        filters[name] = col.multiselect(t(f"filter_{name}"), views.filter_options(pp, name),
                                        key=f"f_{name}", format_func=labels.get(name, str),
                                        placeholder=t("all"))
shown = views.filter_pain_points(pp, filters)
st.caption(t("evidence_count", n=len(shown), total=len(pp)))

table = pd.DataFrame({
    t("col_id"): shown["id"],
    t("col_status"): shown["status"].map(_status),
    t("col_category"): shown["category"].map(lambda v: category_label(v, lang)),
    t("col_severity"): pd.to_numeric(shown["severity"], errors="coerce").round(2),
    t("col_step"): shown["step_id"].map(lambda v: step_names.get(str(v), v) if views.clean(v) else ""),
    t("col_channel"): [channel_label(c, lang) if views.clean(c) is not None else "" for c in shown["channel"]],
    t("col_segment"): shown["segment"].astype(object).where(shown["segment"].notna(), ""),
    t("col_sentence"): [show(views.quote_of(p, by_key.get(views.utterance_key(p), {}).get("text")),
                             p.get("lang")) for p in shown.to_dict("records")],
})
st.dataframe(table, hide_index=True, height=min(420, 38 + 35 * max(1, len(table))), key="pp_table")

if not len(shown):
    st.info(t("evidence_none"))
    st.stop()

records = {str(p["id"]): p for p in shown.to_dict("records")}
pick = st.selectbox(
    t("evidence_pick"), list(records), key="pp_pick",
    format_func=lambda i: f"#{i} · {_status(records[i]['status'])} · {category_label(records[i]['category'], lang)}"
                          f" · {show(str(records[i].get('sentence') or ''), records[i].get('lang'))[:70]}")
pain = records[pick]
version = views.clean(pain.get("version"))
suffix = f"{pick}_{version}"
source = by_key.get(views.utterance_key(pain))

left, right = st.columns([3, 2], gap="large")
with left, st.container(border=True):
    badge = "orange-badge" if pain["status"] == "suggested" else "blue-badge"
    st.markdown(f":{badge}[{md_escape(_status(pain['status']))}] · "
                f"**{md_escape(category_label(pain['category'], lang))}**")
    if source is not None:
        spans = [(int(pain["start"]), int(pain["end"]), "suggested" if pain["status"] == "suggested"
                  else ("rejected" if pain["status"] == "rejected" else "accepted"))]
        speakers = tuple(utt.loc[utt["interview_id"] == source["interview_id"], "speaker"].dropna().unique())
        st.markdown(highlight(source["text"], spans,
                              transform=lambda s: show(s, source.get("lang"), speakers)))
    else:
        st.markdown(md_escape(show(str(pain.get("sentence") or ""), pain.get("lang"))))
    sheet = views.clean(pain.get("source_sheet"))
    st.caption(md_escape(t("evidence_source", file=pain.get("source_file"),
                           sheet=t("evidence_sheet", sheet=sheet) if sheet else "",
                           row=views.clean(pain.get("source_row")), interview=pain.get("interview_id"),
                           participant=pain.get("participant_id"))))
    b1, b2 = st.columns(2)
    b1.button(t("evidence_accept"), key="pp_accept", type="primary", on_click=_decide,
              args=(project, pain["id"], version, {"status": "accepted"}), width="stretch")
    b2.button(t("evidence_reject"), key="pp_reject", on_click=_decide,
              args=(project, pain["id"], version, {"status": "rejected"}), width="stretch")

with right, st.container(border=True):
    st.markdown(f"**{t('evidence_edit')}**")
    cat = pain["category"] if pain["category"] in CATEGORIES else "other"
    st.selectbox(t("evidence_category"), CATEGORIES, index=CATEGORIES.index(cat), key=f"pp_category_{suffix}",
                 format_func=lambda c: category_label(c, lang))
    sev = views.clean(pain.get("severity"))
    st.slider(t("evidence_severity"), 0.0, 1.0, float(sev) if sev is not None else 0.5, 0.05,
              key=f"pp_severity_{suffix}")
    step_opts = ["", *step_names]
    cur_step = str(views.clean(pain.get("step_id")) or "")
    st.selectbox(t("evidence_step"), step_opts, index=step_opts.index(cur_step) if cur_step in step_opts else 0,
                 key=f"pp_step_{suffix}", format_func=lambda s: step_names.get(s, t("none")))
    st.button(t("evidence_save"), key="pp_save", on_click=_save_edit, args=(project, pain["id"], version, suffix))

st.subheader(t("evidence_transcript"))
st.caption(t("evidence_legend"))
interviews = sorted(utt["interview_id"].dropna().astype(str).unique())
default_iv = str(pain.get("interview_id"))
interview = st.selectbox(t("evidence_interview"), interviews, key="interview_pick",
                         index=interviews.index(default_iv) if default_iv in interviews else 0)
turns = utt[utt["interview_id"].astype(str) == interview].sort_values("seq")
speakers = tuple(turns["speaker"].dropna().unique())
spans = views.spans_by_utterance(pp_all[pp_all["interview_id"].astype(str) == interview])
with st.container(height=520, border=True):
    for turn in turns.to_dict("records"):
        role = turn.get("speaker_role")
        who = (t("interviewer") if role == "interviewer" else str(turn.get("participant_id") or "")) \
            if redact_on else str(turn.get("speaker") or "")
        body = highlight(str(turn["text"]), spans.get(turn["_key"], []),
                         transform=functools.partial(_show_turn, lg=turn.get("lang")))
        if role == "interviewer":
            st.markdown(f":gray[**{md_escape(who)}:** {body}]")
        else:
            st.markdown(f"**{md_escape(who)}:** {body}")

with st.expander(t("evidence_add")):
    own = turns[turns["speaker_role"] != "interviewer"]
    utter = {str(k): r for k, r in zip(own["_key"], own.to_dict("records"), strict=True)}
    st.selectbox(t("evidence_add_utterance"), list(utter), key="add_utt",
                 format_func=lambda k: show(str(utter[k]["text"]), utter[k].get("lang"), speakers)[:90])
    st.text_area(t("evidence_add_sentence"), key="add_sentence", height=80)
    c1, c2, c3 = st.columns(3)
    c1.selectbox(t("evidence_category"), CATEGORIES, key="add_category",
                 format_func=lambda c: category_label(c, lang))
    c2.slider(t("evidence_severity"), 0.0, 1.0, 0.5, 0.05, key="add_severity")
    c3.selectbox(t("evidence_step"), ["", *step_names], key="add_step",
                 format_func=lambda s: step_names.get(s, t("none")))
    st.button(t("evidence_add_button"), key="add_go", on_click=_add, args=(project, utter, steps_channel))
