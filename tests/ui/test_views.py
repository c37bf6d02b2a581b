"""The app's plain helpers: filtering, escaping, highlighting, file names (no Streamlit run)."""

from __future__ import annotations

import doctest

import pandas as pd
import pytest

from ui import backend, views
from ui.common import highlight, md_escape


@pytest.mark.parametrize("module", [views, backend])
def test_views_docstring_examples_pass(module):
    result = doctest.testmod(module)
    assert result.attempted > 0 and result.failed == 0


@pytest.mark.parametrize("name, safe", [
    ("../../etc/passwd", "passwd"), ("C:\\Users\\ana\\notas 2024.xlsx", "notas_2024.xlsx"),
    ("<script>.csv", "script_.csv"), ("..", "upload"), ("entrevista\x00.txt", "entrevista_.txt"),
])
def test_views_upload_names_are_sanitised(name, safe):
    assert backend.sanitise_filename(name) == safe


@pytest.mark.parametrize("text", ["<img src=x onerror=alert(1)>", "[click](javascript:alert(1))", "**bold** _it_",
                                  ":red[boom] :material/warning:", "# title\n- item", "$x^2$ `code` ~~s~~"])
def test_views_user_text_is_inert_markdown(text):
    out = md_escape(text)
    for ch in "<>[]()*_:#-$`~":
        assert f"{ch}" not in out.replace(f"\\{ch}", "")


def test_views_highlight_marks_only_the_spans_and_keeps_offsets():
    text = "Hola Ana. Esperé [3] horas. Adiós."
    out = highlight(text, [(10, 27, "suggested")], transform=lambda s: s.replace("Ana", "[PERSONA]"))
    assert out.startswith("Hola \\[PERSONA\\]\\. :orange-background[Esperé \\[3\\] horas\\.]")
    assert highlight("abc", [(0, 3, "rejected")]) == "~~abc~~"
    assert highlight("abc", [(1, 2, "accepted")]) == "a:red-background[**b**]c"


def test_views_with_segment_and_filters():
    pp = pd.DataFrame({"participant_id": ["a", "b", "c"], "category": ["cost", "cost", "waiting"],
                       "status": ["suggested", "accepted", "suggested"], "lang": ["es", "en", "es"]})
    part = pd.DataFrame({"participant_id": ["a", "b", "c"], "segment": ["citizen", "business", "citizen"]})
    joined = views.with_segment(pp, part)
    assert joined["segment"].tolist() == ["citizen", "business", "citizen"]
    assert views.filter_options(joined, "segment") == ["business", "citizen"]
    picked = views.filter_pain_points(joined, {"segment": ["citizen"], "category": ["cost"], "status": []})
    assert picked["participant_id"].tolist() == ["a"]
