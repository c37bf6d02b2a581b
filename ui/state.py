"""Session-state keys of the workshop app, in one place, and their initial values.

Keys that must survive a page switch (the language, the open project, the weights, the
redaction switch) are listed in ``PERSISTENT``: :func:`init_state` re-assigns them on every run,
which stops Streamlit from dropping a widget's value when its page is not shown.
"""

from __future__ import annotations

import os

import streamlit as st

__all__ = [
    "LANG", "PROJECT", "USER", "REDACT", "FLASH", "WEIGHT_KEYS", "WEIGHT_NAMES", "PERSISTENT",
    "init_state", "flash", "pop_flashes", "weights",
]

LANG = "lang"                 # "en" | "es" (the language radio in the sidebar)
PROJECT = "project"           # name of the open project
USER = "user_name"            # who makes the decisions (kept with each change)
REDACT = "redact"             # hide personal data in the evidence (on by default)
FLASH = "_flash"              # messages set in callbacks, shown once on the next run

WEIGHT_NAMES = ("reach", "severity", "delay", "friction", "centrality")
WEIGHT_KEYS = {name: f"w_{name}" for name in WEIGHT_NAMES}

PERSISTENT = (LANG, USER, REDACT, *WEIGHT_KEYS.values())


def init_state() -> None:
    """Give every key its initial value once per session, and keep persistent widget values."""
    ss = st.session_state
    lang = os.environ.get("RECORRIDO_LANG", "en")
    ss.setdefault(LANG, lang if lang in ("en", "es") else "en")
    ss.setdefault(PROJECT, "demo")  # there from the first start (research.demo.ensure_demo)
    ss.setdefault(REDACT, True)
    ss.setdefault(USER, "")
    ss.setdefault(FLASH, [])
    for key in WEIGHT_KEYS.values():
        ss.setdefault(key, 1.0)
    for key in PERSISTENT:  # interrupt the widget clean-up so values survive page switches
        ss[key] = ss[key]


def flash(level: str, text: str) -> None:
    """Queue a message (``level`` is success, info, warning or error) for the next run."""
    st.session_state.setdefault(FLASH, []).append((level, text))


def pop_flashes() -> list[tuple[str, str]]:
    """Return and forget the queued messages."""
    out = list(st.session_state.get(FLASH, []))
    st.session_state[FLASH] = []
    return out


def weights() -> dict[str, float]:
    """The current priority weights, ``{component: weight}``."""
    return {name: float(st.session_state[key]) for name, key in WEIGHT_KEYS.items()}
