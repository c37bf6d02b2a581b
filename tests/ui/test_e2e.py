"""End to end: a real server and a real headless Chromium, as a workshop uses the app."""

from __future__ import annotations

import io
import re

import pytest

from tests.ui.conftest import SHOTS
from tests.ui.test_app import transcript_workbook
from ui.i18n import STRINGS

pytestmark = [pytest.mark.e2e, pytest.mark.server]
EN, ES = STRINGS["en"], STRINGS["es"]


def expect(locator):
    from playwright.sync_api import expect as _expect

    return _expect(locator)


def goto(page, title_key: str, lang: str = "en") -> None:
    """Click a page in the sidebar navigation and wait for its title."""
    nav = {"project_title": "nav_project", "import_title": "nav_import", "evidence_title": "nav_evidence",
           "journey_title": "nav_journey", "priorities_title": "nav_priorities", "export_title": "nav_export"}
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=STRINGS[lang][nav[title_key]]).click()
    expect(page.get_by_role("heading", name=STRINGS[lang][title_key], exact=True)).to_be_visible()
    wait_idle(page)


def wait_idle(page) -> None:
    """Wait until the script run triggered by the last action is over."""
    page.wait_for_timeout(400)
    page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]').wait_for(timeout=180_000)
    page.wait_for_timeout(200)


def shot(page, name: str) -> None:
    """A screenshot of the whole page: Streamlit scrolls inside its main block, so the viewport is
    stretched to the content's height first."""
    SHOTS.mkdir(exist_ok=True)
    size = page.viewport_size
    height = page.evaluate("Math.max(...[...document.querySelectorAll('[data-testid=stMain], "
                           "[data-testid=stMainBlockContainer]')].map(e => e.scrollHeight))")
    page.set_viewport_size({"width": size["width"], "height": min(max(size["height"], int(height) + 80), 7000)})
    page.wait_for_timeout(1200)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    page.set_viewport_size(size)


def set_language(page, lang: str) -> None:
    page.get_by_test_id("stSidebar").get_by_text({"en": "English", "es": "Español"}[lang], exact=True).click()
    wait_idle(page)


@pytest.mark.parametrize("lang", ["en", "es"])
def test_e2e_every_page_opens_and_is_screenshotted(new_page, lang):
    page = new_page()
    if lang == "es":
        set_language(page, "es")
    for key in ("project_title", "import_title", "evidence_title", "journey_title", "priorities_title",
                "export_title"):
        goto(page, key, lang)
        expect(page.get_by_test_id("stException")).to_have_count(0)
        shot(page, f"{key.removesuffix('_title')}-{lang}")
    assert page.get_by_text("Traceback").count() == 0


def test_e2e_upload_see_pain_points_accept_and_reweight(new_page, tmp_path):
    page = new_page()
    goto(page, "import_title")
    workbook = tmp_path / "entrevista_e2e.xlsx"
    transcript_workbook(workbook)
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(workbook))
    expect(page.get_by_text(re.compile("Detected: .*transcripts"))).to_be_visible()
    page.get_by_role("button", name=re.compile("^Import into")).click()
    expect(page.get_by_text(EN["import_finished"])).to_be_visible(timeout=180_000)
    shot(page, "flow-1-imported")

    goto(page, "evidence_title")
    box = page.get_by_test_id("stSelectbox").filter(has_text=EN["evidence_interview"])
    box.locator("input").click()
    box.locator("input").fill("T1")
    page.keyboard.press("Enter")
    wait_idle(page)
    expect(page.get_by_text("Esperé tres horas en la fila").first).to_be_visible()
    shot(page, "flow-2-evidence")
    page.get_by_role("button", name=EN["evidence_accept"], exact=True).click()
    expect(page.get_by_text(EN["saved"], exact=True)).to_be_visible()

    goto(page, "priorities_title")
    top = page.get_by_text(re.compile("^Top priority with these weights"))
    before = top.inner_text()
    sliders = page.get_by_role("slider")
    for i in range(1, 5):          # everything but reach to zero, reach to the maximum
        sliders.nth(i).focus()
        sliders.nth(i).press("Home")
        wait_idle(page)
    sliders.nth(0).focus()
    sliders.nth(0).press("End")
    wait_idle(page)
    expect(top).not_to_have_text(before)
    shot(page, "flow-3-reweighted")

    set_language(page, "es")
    expect(page.get_by_role("heading", name=ES["priorities_title"], exact=True)).to_be_visible()
    expect(page.get_by_text(re.compile("^Primera prioridad con estos pesos"))).to_be_visible()


def test_e2e_two_browsers_on_the_same_pain_point(new_page):
    first, second = new_page(), new_page()
    for page in (first, second):
        goto(page, "evidence_title")
    first.get_by_role("button", name=EN["evidence_accept"], exact=True).click()
    expect(first.get_by_text(EN["saved"], exact=True)).to_be_visible()
    second.get_by_role("button", name=EN["evidence_reject"], exact=True).click()
    expect(second.get_by_text(re.compile("^Someone else changed this record"))).to_be_visible()
    shot(second, "conflict")


def test_e2e_downloads_journey_map_png_and_excel_pack(new_page, tmp_path):
    from openpyxl import load_workbook
    from PIL import Image

    page = new_page()
    goto(page, "export_title")
    row = page.get_by_test_id("stHorizontalBlock").filter(has_text=EN["export_view_map"]).first
    with page.expect_download(timeout=180_000) as png_info:
        row.get_by_role("button", name="PNG").click()
    png = tmp_path / png_info.value.suggested_filename
    png_info.value.save_as(png)
    img = Image.open(png)
    assert img.format == "PNG" and img.width > 800 and img.height > 300
    with page.expect_download(timeout=180_000) as xlsx_info:
        page.get_by_role("button", name=EN["export_pack"]).click()
    pack = tmp_path / xlsx_info.value.suggested_filename
    xlsx_info.value.save_as(pack)
    wb = load_workbook(io.BytesIO(pack.read_bytes()))
    assert len(wb.sheetnames) >= 4 and max(ws.max_row for ws in wb.worksheets) > 1
    shot(page, "export-downloads")
    SHOTS.mkdir(exist_ok=True)
    (SHOTS / "downloaded-journey-map.png").write_bytes(png.read_bytes())
