"""Small pieces every page uses: header, availability and project guards, messages, safe text."""

from __future__ import annotations

import contextlib
import re

import streamlit as st

from ui import backend
from ui.i18n import t
from ui.state import PROJECT, pop_flashes

__all__ = ["header", "require", "require_project", "show_flashes", "user_errors", "md_escape",
           "highlight"]


def header(title_key: str, intro_key: str | None = None) -> None:
    """Page title and one line of introduction, then any queued messages."""
    st.title(t(title_key))
    if intro_key:
        st.caption(t(intro_key))
    show_flashes()


def require(*modules: str) -> None:
    """Stop the page with a clear note when a library part has not landed yet."""
    gone = backend.missing(*modules)
    if gone:
        st.info(t("not_available", part=gone))
        st.stop()


def require_project() -> tuple[str, object]:
    """The open project and its revision; stops the page when no project is open or it vanished."""
    require("research.repository")
    name = st.session_state.get(PROJECT)
    names = backend.list_projects()
    if name not in names:
        name = "demo" if "demo" in names else (names[0] if names else None)
        st.session_state[PROJECT] = name
    if name is None:
        st.info(t("need_project"))
        st.stop()
    return name, backend.revision(name)


def show_flashes() -> None:
    """Show the messages queued by callbacks (success, info, warning, error)."""
    for level, text in pop_flashes():
        getattr(st, level)(text)


@contextlib.contextmanager
def user_errors():
    """Turn the library's named errors into one clear message instead of a traceback."""
    from research.errors import ConflictError, RecorridoError

    try:
        yield
    except ConflictError:
        st.warning(t("conflict"))
    except RecorridoError as exc:
        st.error(t("error_prefix", msg=str(exc)))


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~>:<$=^])")


def md_escape(text) -> str:
    """User text made inert for ``st.markdown``: every markdown, directive and HTML character
    backslash-escaped, newlines kept as line breaks."""
    text = "" if text is None else str(text)
    return _MD_SPECIAL.sub(r"\\\1", text).replace("\n", "  \n")


_escape = md_escape


def highlight(text: str, spans: list[tuple[int, int, str]], transform=None) -> str:
    """Markdown for ``text`` with ``spans`` (start, end, style) marked; style is ``suggested``,
    ``accepted`` or ``rejected``. The text itself is escaped, only our own markers are markdown.
    ``transform`` (e.g. redaction) is applied to each piece before escaping, so offsets hold."""
    def piece_md(piece: str) -> str:  # transform first, then escape
        return _escape(transform(piece) if transform and piece.strip() else piece)

    out, pos = [], 0
    for start, end, style in sorted(spans):
        start, end = max(start, pos), min(end, len(text))
        if end <= start:
            continue
        out.append(piece_md(text[pos:start]))
        inner = piece_md(text[start:end])
        if style == "rejected":
            out.append(f"~~{inner}~~")
        elif style == "suggested":
            out.append(f":orange-background[{inner}]")
        else:
            out.append(f":red-background[**{inner}**]")
        pos = end
    out.append(piece_md(text[pos:]))
    return "".join(out)
