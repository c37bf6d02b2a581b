"""A real ``streamlit run app.py``: it starts, serves the app and every page URL, runs the script."""

from __future__ import annotations

import json
import re
import urllib.request

import pytest

pytestmark = pytest.mark.server


def _get(url: str) -> tuple[int, str, str]:
    with urllib.request.urlopen(url, timeout=20) as r:
        return r.status, r.headers.get("Content-Type", ""), r.read().decode("utf-8", "replace")


def _post(url: str, body: dict) -> dict:
    req = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=120) as r:
        return json.loads(r.read().decode())


def test_server_health_answers_ok(streamlit_server):
    assert _get(streamlit_server.url + "/_stcore/health")[2].strip() == "ok"


def test_server_serves_the_app_and_its_bundle(streamlit_server):
    status, ctype, html = _get(streamlit_server.url + "/")
    assert status == 200 and "text/html" in ctype
    bundle = re.search(r'src="\.?/?(static/js/index\.[\w-]+\.js)"', html)
    assert bundle, html[:500]
    status, ctype, _ = _get(f"{streamlit_server.url}/{bundle.group(1)}")
    assert status == 200 and "javascript" in ctype


@pytest.mark.parametrize("page", ["project", "import", "evidence", "journey", "priorities", "export"])
def test_server_every_page_url_is_served(streamlit_server, page):
    status, ctype, _ = _get(f"{streamlit_server.url}/{page}")
    assert status == 200 and "text/html" in ctype


def test_server_runs_the_script_on_the_real_server(streamlit_server):
    """The agent API (test fixture only) runs the app in a real server session: the Project page
    comes up in English, then in Spanish after the language radio changes."""
    first = _post(streamlit_server.url + "/_stcore/agent/interact", {})
    text = json.dumps(first, ensure_ascii=False)
    assert "Projects" in text, text[:2000]
    second = _post(streamlit_server.url + "/_stcore/agent/interact",
                   {"session_id": first["session_id"], "widget_state": {"lang": "Español"}})
    assert "Proyectos" in json.dumps(second, ensure_ascii=False)
