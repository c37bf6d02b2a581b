"""The language dictionary: same keys and placeholders in both languages; pages use only it."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

from ui.i18n import STRINGS

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [ROOT / "app.py", *sorted((ROOT / "ui").rglob("*.py"))]
# calls whose first argument is shown to the user
SHOWN = {"title", "header", "subheader", "caption", "markdown", "write", "info", "warning", "error",
         "success", "button", "download_button", "checkbox", "toggle", "radio", "selectbox", "multiselect",
         "slider", "text_input", "text_area", "file_uploader", "expander", "metric", "tabs", "form_submit_button",
         "number_input", "spinner", "progress", "toast"}


def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


def test_i18n_both_languages_have_the_same_keys():
    assert set(STRINGS["en"]) == set(STRINGS["es"])


@pytest.mark.parametrize("key", sorted(STRINGS["en"]))
def test_i18n_placeholders_match(key):
    assert _fields(STRINGS["en"][key]) == _fields(STRINGS["es"][key])


def test_i18n_spanish_is_not_a_copy_of_english():
    same = [k for k in STRINGS["en"] if STRINGS["en"][k] == STRINGS["es"][k]
            and re.search(r"[a-z]{4}", re.sub(r"\{\w+\}", "", STRINGS["en"][k]))]
    assert set(same) <= {"app_title", "language"}, same


def _calls(path: Path):
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            yield node


def test_i18n_every_key_used_exists():
    used = set()
    for path in SOURCES:
        for call in _calls(path):
            if isinstance(call.func, ast.Name) and call.func.id == "t" and call.args \
                    and isinstance(call.args[0], ast.Constant):
                used.add(call.args[0].value)
    assert used, "no t('...') calls found"
    assert used - set(STRINGS["en"]) == set()


def test_i18n_no_hard_coded_words_in_pages():
    offenders = []
    for path in SOURCES:
        for call in _calls(path):
            name = call.func.attr if isinstance(call.func, ast.Attribute) else None
            if isinstance(call.func, ast.Attribute) and isinstance(call.func.value, ast.Name) \
                    and call.func.value.id in ("log", "logging"):
                continue  # server log lines are not shown to users
            if name not in SHOWN or not call.args:
                continue
            arg = call.args[0]
            parts = [arg] if isinstance(arg, ast.Constant) else \
                [v for v in arg.values if isinstance(v, ast.Constant)] if isinstance(arg, ast.JoinedStr) else []
            for part in parts:
                text = re.sub(r":[a-z-]+\[|:material/\w+:", "", part.value) if isinstance(part.value, str) else ""
                if re.search(r"[A-Za-zÁÉÍÓÚáéíóúñÑ]{3,}", text):  # markdown directives are not words
                    offenders.append(f"{path.name}:{call.lineno}: {part.value!r}")
    assert offenders == []
