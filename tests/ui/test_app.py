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


# -- project page -----------------------------------------------------------------------------

def test_app_project_create_rename_delete_with_confirmation(open_app):
    at = open_app("project")
    at.text_input(key="new_project_name").input("Taller Colón")
    at.button(key="project_create").click().run()
    assert not at.exception
    assert at.session_state["project"] == "Taller Colón"
    assert "Taller Colón" in at.selectbox(key="project_pick").options
    at.text_input(key="rename_to").input("Taller Colón 2")
    at.button(key="project_rename").click().run()
    assert at.session_state["project"] == "Taller Colón 2"
    assert at.button(key="project_delete").disabled  # nothing is deleted without the confirmation
    at.checkbox(key="confirm_delete").check().run()
    at.button(key="project_delete").click().run()
    assert not at.exception
    assert "Taller Colón 2" not in (at.selectbox(key="project_pick").options if at.selectbox else [])


def test_app_project_duplicate_name_gives_one_clear_message(open_app, workshop):
    at = open_app("project")
    at.text_input(key="new_project_name").input(workshop)
    at.button(key="project_create").click().run()
    assert not at.exception
    assert any("already exists" in e.value for e in at.error)


# -- evidence page ----------------------------------------------------------------------------

def _evidence(open_app, workshop, lang="en"):
    return open_app("evidence", lang, project=workshop)


def test_app_evidence_shows_pain_points_highlighted_and_redacted(open_app, workshop):
    at = _evidence(open_app, workshop)
    assert at.toggle(key="redact").value is True
    shown = " ".join(m.value for m in at.markdown)
    assert ":orange-background[" in shown          # suggestions are highlighted in the transcript
    assert "6123-4567" not in shown                  # phone number redacted by default
    assert "Ana Pérez" not in shown                  # speaker names hidden by default
    table = at.dataframe[0].value
    assert len(table) == 4


def test_app_evidence_user_markdown_is_inert(open_app, workshop):
    at = _evidence(open_app, workshop)
    at.selectbox(key="interview_pick").set_value("E2").run()
    body = next(m.value for m in at.markdown if "website" in m.value)
    assert "\\*twice\\*" in body and "\\[nobody\\]\\(http\\:" in body


def test_app_evidence_accept_is_stored_and_marked_human(open_app, workshop, db_url):
    from research.repository import Repository

    at = _evidence(open_app, workshop)
    pick = at.selectbox(key="pp_pick").value
    at.button(key="pp_accept").click().run()
    assert not at.exception
    assert any(s.value == "Saved." for s in at.success)
    stored = Repository(db_url).table(workshop, "pain_points").set_index("id")
    assert stored.loc[int(pick), "status"] == "accepted"
    assert "person · accepted" in at.dataframe[0].value["Status"].tolist()


def test_app_evidence_two_people_on_the_same_pain_point_never_overwrite(open_app, workshop, db_url):
    from research.repository import Repository

    first = _evidence(open_app, workshop)
    second = _evidence(open_app, workshop)
    pick = first.selectbox(key="pp_pick").value
    assert second.selectbox(key="pp_pick").value == pick
    first.button(key="pp_accept").click().run()
    second.button(key="pp_reject").click().run()   # second browser still shows the old version
    assert not second.exception
    assert any("Someone else changed" in w.value for w in second.warning)
    stored = Repository(db_url).table(workshop, "pain_points").set_index("id")
    assert stored.loc[int(pick), "status"] == "accepted"  # the first decision survived
    assert "person · accepted" in second.dataframe[0].value["Status"].tolist()  # and is now shown


def test_app_evidence_filters_narrow_the_list(open_app, workshop):
    at = _evidence(open_app, workshop)
    at.multiselect(key="f_category").select("waiting").run()
    assert len(at.dataframe[0].value) == 1
    at.multiselect(key="f_category").unselect("waiting").run()
    at.multiselect(key="f_segment").select("business").run()
    assert len(at.dataframe[0].value) == 1


def test_app_evidence_edit_and_add_by_hand(open_app, workshop, db_url):
    from research.repository import Repository

    at = _evidence(open_app, workshop)
    pick = at.selectbox(key="pp_pick").value
    suffix = next(s.key for s in at.selectbox if s.key.startswith("pp_category_")).removeprefix("pp_category_")
    at.selectbox(key=f"pp_category_{suffix}").set_value("information")
    at.button(key="pp_save").click().run()
    assert not at.exception
    stored = Repository(db_url).table(workshop, "pain_points").set_index("id")
    assert (stored.loc[int(pick), "status"], stored.loc[int(pick), "category"]) == ("edited", "information")

    at.selectbox(key="interview_pick").set_value("E3").run()
    at.text_area(key="add_sentence").input("Esperé un mes")
    at.selectbox(key="add_category").set_value("waiting")
    at.button(key="add_go").click().run()
    assert not at.exception
    stored = Repository(db_url).table(workshop, "pain_points")
    manual = stored[stored["status"] == "manual"]
    assert manual["sentence"].tolist() == ["Esperé un mes"] and manual["interview_id"].tolist() == ["E3"]


# -- priorities page --------------------------------------------------------------------------

def _ranking(at):
    return at.dataframe[0].value["step"].tolist()


def test_app_priorities_weights_change_the_ranking(open_app, workshop):
    at = open_app("priorities", project=workshop)
    before = _ranking(at)
    for name in ("severity", "delay", "friction", "centrality"):
        at.slider(key=f"w_{name}").set_value(0.0)
    at.slider(key="w_reach").set_value(3.0).run()
    assert not at.exception
    after = _ranking(at)
    assert sorted(before) == sorted(after) and before != after
    # every pain at "Register online" comes from a different person: reach alone puts it first
    assert after[0] == "Register online"


def test_app_priorities_choose_a_row_with_owner_and_conflict(open_app, workshop, db_url):
    from research.repository import Repository

    a = open_app("priorities", project=workshop)
    b = open_app("priorities", project=workshop)
    a.checkbox(key="prio_chosen").check()
    a.text_input(key="prio_owner").input("Marta")
    a.button(key="prio_save").click().run()
    assert not a.exception and any(s.value == "Saved." for s in a.success)
    key = a.selectbox(key="prio_pick").value
    d = Repository(db_url).decisions(workshop).set_index("key")
    assert bool(d.loc[key, "chosen"]) and d.loc[key, "owner"] == "Marta"
    assert a.dataframe[0].value["chosen"].tolist()[0] is True or True in \
        a.dataframe[0].value["chosen"].tolist()
    b.text_input(key="prio_owner").input("Luis")
    b.button(key="prio_save").click().run()
    assert any("Someone else changed" in w.value for w in b.warning)
    assert Repository(db_url).decisions(workshop).set_index("key").loc[key, "owner"] == "Marta"
    assert b.text_input(key="prio_owner").value == "Marta"   # the form now shows the stored decision


# -- import page ------------------------------------------------------------------------------

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def transcript_workbook(path=None) -> bytes:
    """A five-row transcript workbook (one row per utterance), built with openpyxl."""
    import io

    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Entrevistas"
    ws.append(["Entrevista", "Participante", "Hablante", "Texto"])
    ws.append(["T1", "Q1", "Entrevistadora", "¿Cómo le fue con el trámite?"])
    ws.append(["T1", "Q1", "Rosa", "Esperé tres horas en la fila y nadie me atendió."])
    ws.append(["T1", "Q1", "Entrevistadora", "¿Y en la web?"])
    ws.append(["T1", "Q1", "Rosa", "La página web no funcionaba y tuve que volver al día siguiente con los mismos documentos."])
    buf = io.BytesIO()
    wb.save(buf)
    if path is not None:
        path.write_bytes(buf.getvalue())
    return buf.getvalue()


def test_app_import_preview_mapping_and_import_with_extraction(open_app, db_url):
    from research.repository import Repository

    at = open_app("import")
    at.file_uploader(key="upload").upload("entrevista rosa.xlsx", transcript_workbook(), XLSX).run()
    assert not at.exception
    editor = at.data_editor(key="mapping_0").value
    assert dict(zip(editor["source"], editor["field"], strict=True))["Texto"] == "text"
    at.button(key="import_go").click().run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    tables = Repository(db_url).tables("demo")
    mine = tables["utterances"][tables["utterances"]["source_file"] == "entrevista_rosa.xlsx"]
    assert len(mine) == 4                           # sanitised file name, every row imported
    pains = tables["pain_points"][tables["pain_points"]["source_file"] == "entrevista_rosa.xlsx"]
    assert len(pains) >= 1                          # extraction ran on the new transcript
    assert any("Esperé" in s or "web" in s for s in pains["sentence"])


def test_app_import_bad_file_gives_one_line_error_not_a_traceback(open_app):
    at = open_app("import")
    at.file_uploader(key="upload").upload("vacío.xlsx", b"this is not a workbook", XLSX).run()
    assert not at.exception
    assert len(at.error) == 1 and "\n" not in at.error[0].value
    assert "vac" in at.error[0].value


def test_app_import_offers_templates_in_both_languages(open_app):
    def keys(at):
        return {b.proto.id.rsplit("-", 1)[-1] for b in at.get("download_button")}

    at = open_app("import", "en")
    assert "template_template_transcripts" in keys(at) and not any("plantilla" in k for k in keys(at))
    at.radio(key="lang").set_value("es").run()
    assert "template_plantilla_transcripciones" in keys(at) and not any("template_template" in k for k in keys(at))


# -- journey page -----------------------------------------------------------------------------

def test_app_journey_draws_the_map_and_drills_down_to_quotes(open_app, workshop):
    import json

    at = open_app("journey", project=workshop)
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert len(at.get("image")) == 1                # the whole diagram, fitted to the screen
    charts = at.get("vega_lite_chart")              # and its interactive version
    assert len(charts) == 1
    from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df

    spec = json.loads(charts[0].proto.spec)
    assert "Journey map" in json.dumps(spec["title"])
    data = " ".join(convert_arrow_bytes_to_pandas_df(d.data.data).to_csv() for d in charts[0].proto.datasets)
    assert "Register online" in data and "Collect the permit" in data
    at.selectbox(key="j_drill").set_value("S3").run()
    quotes = [m.value for m in at.markdown if m.value.startswith("> ")]
    assert len(quotes) == 1 and "recoger el permiso" in quotes[0]
    at.segmented_control(key="j_view").set_value("graph").run()
    assert not at.exception and len(at.get("vega_lite_chart")) == 1


def test_app_evidence_other_browsers_see_a_decision_on_their_next_interaction(open_app, workshop):
    first = _evidence(open_app, workshop)
    second = _evidence(open_app, workshop)
    assert "person · accepted" not in second.dataframe[0].value["Status"].tolist()
    first.button(key="pp_accept").click().run()
    second.multiselect(key="f_lang").select("es").run()      # any interaction of the other person
    assert "person · accepted" in second.dataframe[0].value["Status"].tolist()


# -- export page ------------------------------------------------------------------------------

def test_app_export_offers_every_download(open_app, workshop):
    at = open_app("export", project=workshop)
    assert not at.exception and not at.error
    buttons = at.get("download_button")
    keys = {b.proto.id.rsplit("-", 1)[-1] for b in buttons}
    expected = {f"dl_{v}_{f}" for v in ("map", "blueprint", "graph", "priorities") for f in ("png", "svg", "pdf", "html")}
    assert keys == expected | {f"dl_{w}" for w in ("pack", "graphml", "json", "qdpx")}
    assert all(b.proto.deferred_file_id or b.proto.url for b in buttons)   # bytes made only when clicked
    assert len(buttons) == 20
