"""AppTest: every page in both languages, and the workshop's behaviours, each on its own database."""

from __future__ import annotations

import pytest

from tests.ui.conftest import PAGES, TITLES
from ui.i18n import STRINGS


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("page", list(PAGES))
def test_app_every_page_renders_in_both_languages(open_app, page, lang):
    at = open_app(page, lang)
    assert not at.exception
    assert at.title[0].value == STRINGS[lang][TITLES[page]]
    nav = [s.value for s in at.sidebar.markdown]
    assert any(v.startswith(STRINGS[lang]["current_project"].split("{")[0]) or v == STRINGS[lang]["no_project"]
               for v in nav)


def test_app_language_switch_changes_the_words(open_app):
    at = open_app("project", "en")
    assert at.title[0].value == "Projects"
    at.radio(key="lang").set_value("es").run()
    assert not at.exception
    assert at.title[0].value == "Proyectos"
    at.radio(key="lang").set_value("en").run()
    assert at.title[0].value == "Projects"
