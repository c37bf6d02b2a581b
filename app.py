"""Recorrido workshop app: ``streamlit run app.py``.

Page config, the language switch and the open project in the sidebar, then ``st.navigation``.
Every page lives in ``ui/pages/`` and only calls the library (see ``ui/backend.py``).
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from ui.common import md_escape
from ui.i18n import LANGUAGES, t
from ui.state import LANG, PROJECT, USER, init_state

HERE = Path(__file__).parent
PAGES_DIR = HERE / "ui" / "pages"

# (section key, [(file, title key, url path, icon)])
NAVIGATION = (
    ("nav_prepare", (
        ("project.py", "nav_project", "project", ":material/folder_open:"),
        ("import_page.py", "nav_import", "import", ":material/upload_file:"),
        ("evidence.py", "nav_evidence", "evidence", ":material/format_quote:"),
    )),
    ("nav_analyse", (
        ("journey.py", "nav_journey", "journey", ":material/route:"),
        ("priorities.py", "nav_priorities", "priorities", ":material/leaderboard:"),
        ("export.py", "nav_export", "export", ":material/download:"),
    )),
)


def run() -> None:
    """Set the page up, draw the sidebar and run the selected page."""
    st.set_page_config(page_title="Recorrido", page_icon=":material/route:", layout="wide")
    init_state()
    with st.sidebar:
        st.radio(t("language"), list(LANGUAGES), key=LANG, format_func=LANGUAGES.get, horizontal=True)
        st.text_input(t("your_name"), key=USER, max_chars=60, help=t("your_name_help"))
        project = st.session_state.get(PROJECT)
        st.markdown(t("current_project", name=md_escape(project)) if project else t("no_project"))
    pages = {
        t(section): [st.Page(PAGES_DIR / file, title=t(title), url_path=url, icon=icon,
                             default=(url == "project"))
                     for file, title, url, icon in entries]
        for section, entries in NAVIGATION
    }
    st.navigation(pages).run()


if __name__ == "__main__":
    run()
