"""Tests of journeys/steps.py: the steps reader and its validation."""

from __future__ import annotations

import pandas as pd
import pytest
from openpyxl import Workbook

from journeys.steps import normalise_channel, normalise_lane, read_steps, split_list, validate_steps
from research.errors import InputError

ES_HEADER = ["Código", "Etapa", "Paso", "Canal", "Carril", "Entidad", "Orden", "Siguientes pasos",
             "Espera mediana (días)", "Volumen mensual", "Documentos requeridos", "Sinónimos"]
EN_HEADER = ["Step ID", "Stage", "Step", "Channel", "Lane", "Agency", "Order", "Next steps",
             "Median wait days", "Volume per month", "Documents required", "Synonyms"]
ROWS = [
    ["S1", "Registro", "Crear cuenta", "Web", "Cliente", "MICI", 1, "S2", 0, 900, "Cédula", "sign up"],
    ["S2", "Registro", "Validar documentos", "Ventanilla", "Ventanilla", "MICI", 2, "S1, S3", 2.5, 850,
     "Cédula; Paz y salvo", ""],
    ["S3", "Pago", "Pagar tasa", "web; kiosco", "cliente", "Municipio", 3, "", "1,5", "1.200", "", ""],
]


def _xlsx(tmp_path, sheets: dict[str, list[list]], name="pasos.xlsx"):
    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for r in rows:
            ws.append(r)
    path = tmp_path / name
    wb.save(path)
    return path


def test_steps_spanish_headers_below_title_rows(tmp_path):
    rows = [["Recorrido: abrir un negocio"], [], [None, None], ES_HEADER, *ROWS]
    path = _xlsx(tmp_path, {"Apertura": rows, "Léeme": [["Instrucciones para llenar"], ["Una fila por paso"]]})
    r = read_steps(path)
    df = r.tables["steps"]
    assert r.kind == "steps" and r.layout == "sheet-per-journey"
    assert df["step_id"].tolist() == ["S1", "S2", "S3"]
    assert df["journey"].unique().tolist() == ["Apertura"]
    assert df["source_row"].tolist() == [5, 6, 7]
    assert df["lane"].tolist() == ["customer", "frontstage", "customer"]
    assert df["next_steps"].tolist() == ["S2", "S1;S3", ""]
    assert df.loc[2, "median_wait_days"] == pytest.approx(1.5)
    assert df.loc[2, "volume_per_month"] == pytest.approx(1200)
    assert df.loc[1, "documents_required"] == "Cédula;Paz y salvo"
    assert [s["sheet"] for s in r.skipped] == ["Léeme"]
    assert r.mapping["Código"] == "step_id" and r.mapping["Espera mediana (días)"] == "median_wait_days"


def test_steps_english_csv_same_table(tmp_path):
    path = tmp_path / "steps_en.csv"
    lines = [",".join(EN_HEADER)] + [",".join(f'"{c}"' for c in row) for row in ROWS]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    df = read_steps(path).tables["steps"]
    assert df["step_id"].tolist() == ["S1", "S2", "S3"]
    assert df["channel"].tolist() == ["web", "office", "web;kiosk"]
    assert df["journey"].unique().tolist() == ["steps_en"]
    assert df["source_row"].tolist() == [2, 3, 4]


def test_steps_cp1252_semicolon_csv(tmp_path):
    path = tmp_path / "pasos.csv"
    path.write_bytes("Id paso;Nombre;Canal\nA;Inscripción;Teléfono\nB;Visita;Oficina\n".encode("cp1252"))
    df = read_steps(path).tables["steps"]
    assert df["step"].tolist() == ["Inscripción", "Visita"]
    assert df["channel"].tolist() == ["phone", "office"]
    assert df["order"].tolist() == [1.0, 2.0]


def test_steps_loops_are_valid(tmp_path):
    rows = [["Step ID", "Step", "Next steps"], ["A", "Apply", "B"], ["B", "Review", "A; B; C"], ["C", "Done", ""]]
    df = read_steps(_xlsx(tmp_path, {"J": rows})).tables["steps"]
    assert df["next_steps"].tolist() == ["B", "A;B;C", ""]


def test_steps_duplicate_id_names_sheet_and_row(tmp_path):
    rows = [["Título"], ES_HEADER, ROWS[0], ROWS[1], ROWS[0]]
    with pytest.raises(InputError, match=r"pasos.xlsx, sheet Apertura, row 5: step id 'S1' is used twice \(first at row 3\)"):
        read_steps(_xlsx(tmp_path, {"Apertura": rows}))


def test_steps_unknown_next_step_is_an_error(tmp_path):
    rows = [EN_HEADER[:3] + ["Next steps"], ["A", "s", "Apply", "B"], ["B", "s", "Pay", "Z9"]]
    with pytest.raises(InputError, match=r"sheet J, row 3: next step 'Z9' is not a step id"):
        read_steps(_xlsx(tmp_path, {"J": rows}))


def test_steps_missing_required_columns_lists_found_and_accepted(tmp_path):
    rows = [["Etapa", "Canal", "Entidad"], ["Registro", "web", "MICI"]]
    with pytest.raises(InputError) as exc:
        read_steps(_xlsx(tmp_path, {"Hoja1": rows}))
    msg = str(exc.value)
    assert "missing required column(s) step_id, step" in msg
    assert "columns found: Etapa, Canal, Entidad" in msg and "paso" in msg and "sheet Hoja1" in msg


def test_steps_non_numeric_wait_names_row(tmp_path):
    rows = [EN_HEADER, ROWS[0], ["S2", "x", "Validate", "web", "", "", 2, "", "a week", "", "", ""]]
    with pytest.raises(InputError, match=r"sheet J, row 3: median wait days is not a number \('a week'\)"):
        read_steps(_xlsx(tmp_path, {"J": rows}))


def test_steps_explicit_mapping_overrides_detection(tmp_path):
    rows = [["Trámite", "Qué se hace", "Canal"], ["T1", "Pedir", "WhatsApp"], ["T2", "Recibir", "correo"]]
    r = read_steps(_xlsx(tmp_path, {"J": rows}), mapping={"Trámite": "step_id", "Qué se hace": "step"})
    assert r.tables["steps"]["step_id"].tolist() == ["T1", "T2"]
    assert r.tables["steps"]["channel"].tolist() == ["whatsapp", "email"]


def test_steps_unknown_lane_is_an_error(tmp_path):
    rows = [["Step ID", "Step", "Lane"], ["A", "Apply", "marketing"]]
    with pytest.raises(InputError, match=r"row 2: unknown lane 'marketing'"):
        read_steps(_xlsx(tmp_path, {"J": rows}))


def test_steps_wrong_extension_and_empty_file(tmp_path):
    p = tmp_path / "steps.pdf"
    p.write_bytes(b"%PDF")
    with pytest.raises(InputError, match="steps.pdf: a steps file cannot be .pdf"):
        read_steps(p)
    e = tmp_path / "empty.csv"
    e.write_bytes(b"")
    with pytest.raises(InputError, match="empty"):
        read_steps(e)


@pytest.mark.parametrize("raw, expected", [
    ("Web", "web"), ("Portal en línea", "web"), ("Línea 311", "phone"), ("Call centre", "phone"),
    ("Ventanilla; Oficina", "office"), ("WhatsApp", "whatsapp"), ("Correo electrónico", "email"),
    ("e-mail", "email"), ("Kiosco", "kiosk"), ("correo postal", "mail"), ("Post", "mail"),
    ("web / teléfono / presencial", "web;phone;office"), ("Web y WhatsApp", "web;whatsapp"),
    ("fax", "fax"),
])
def test_steps_channel_normalisation(raw, expected):
    assert normalise_channel(raw) == expected


def test_steps_lane_normalisation():
    assert [normalise_lane(v) for v in ["Ciudadano", "Front-office", "interno", "Soporte", ""]] == \
        ["customer", "frontstage", "backstage", "support", "customer"]


def test_steps_validate_dataframe_without_source_columns():
    df = pd.DataFrame({"step_id": ["A", "B"], "step": ["a", "b"], "median_wait_days": [1, "x"]})
    with pytest.raises(InputError, match="row 3: median wait days is not a number"):
        validate_steps(df, file="f.csv")
    assert split_list("A;B, C") == ["A", "B", "C"]


def test_steps_paso_with_numbers_and_description_column(tmp_path):
    rows = [["Paso", "Descripción", "Canal"], [1, "Pedir cita", "web"], [2, "Ir a la cita", "oficina"]]
    df = read_steps(_xlsx(tmp_path, {"J": rows})).tables["steps"]
    assert df["step_id"].tolist() == ["1", "2"]
    assert df["step"].tolist() == ["Pedir cita", "Ir a la cita"]


def test_steps_hash_header_is_the_step_id(tmp_path):
    rows = [["#", "Step", "Next steps"], [1, "Apply", 2], [2, "Pay", ""]]
    df = read_steps(_xlsx(tmp_path, {"J": rows})).tables["steps"]
    assert df["step_id"].tolist() == ["1", "2"] and df["next_steps"].tolist() == ["2", ""]


def test_steps_variant_headers_and_previous_steps(tmp_path):
    rows = [["Nº", "Nombre del paso", "Canal(es)", "Paso anterior", "Volumen (casos/mes)", "Tiempo de espera (días)"],
            ["1", "Pedir cita", "Web", "", "1.500", "2"],
            ["2", "Ir a la cita", "Oficina", "1", "1.400", "3,5"],
            ["3", "Recibir permiso", "Correo", "Ir a la cita", "", ""]]
    df = read_steps(_xlsx(tmp_path, {"J": rows})).tables["steps"]
    assert df["step"].tolist() == ["Pedir cita", "Ir a la cita", "Recibir permiso"]
    assert df["next_steps"].tolist() == ["2", "3", ""]
    assert df["volume_per_month"].tolist()[:2] == [1500.0, 1400.0]
    assert df["median_wait_days"].tolist()[:2] == [2.0, 3.5]


def test_steps_ids_reused_across_sheets_are_qualified(tmp_path):
    a = [["Paso", "Descripción", "Siguientes pasos"], [1, "Registrarse", 2], [2, "Pagar", ""]]
    b = [["Paso", "Descripción", "Siguientes pasos"], [1, "Renovar", 2], [2, "Pagar renovación", 1]]
    df = read_steps(_xlsx(tmp_path, {"Apertura": a, "Renovación": b})).tables["steps"]
    assert df["step_id"].tolist() == ["1", "2", "Renovación:1", "Renovación:2"]
    assert df["next_steps"].tolist() == ["2", "", "Renovación:2", "Renovación:1"]


def test_steps_next_steps_may_name_steps(tmp_path):
    rows = [["ID", "Step", "Next steps"], ["A", "Apply online", "Review documents"], ["B", "Review documents", ""]]
    assert read_steps(_xlsx(tmp_path, {"J": rows})).tables["steps"]["next_steps"].tolist() == ["B", ""]


def test_steps_lane_words_inside_longer_labels():
    assert normalise_lane("Acciones del ciudadano") == "customer"
    assert normalise_lane("Procesos de soporte") == "support"


def test_steps_mapping_to_unknown_field_is_an_error(tmp_path):
    rows = [["A", "B"], ["1", "x"]]
    with pytest.raises(InputError, match="unknown field 'stepid'"):
        read_steps(_xlsx(tmp_path, {"J": rows}), mapping={"A": "stepid"})


def test_steps_utf16_tab_separated(tmp_path):
    path = tmp_path / "pasos.tsv"
    path.write_bytes("Código\tPaso\tCanal\nA\tSolicitud\tteléfono; correo\n".encode("utf-16"))
    df = read_steps(path).tables["steps"]
    assert df[["step_id", "step", "channel"]].values.tolist() == [["A", "Solicitud", "phone;email"]]


def test_steps_comma_csv_with_semicolon_lists_in_quotes(tmp_path):
    path = tmp_path / "steps.csv"
    ids = ["S1", "S2", "S3", "S4", "S5", "S6"]  # more ';' in the quoted lists than ',' in the file
    rows = "".join(f'{i},Step {i},web,"{";".join(x for x in ids if x != i)}"\n' for i in ids)
    path.write_text("Step ID,Step,Channel,Next steps\n" + rows, encoding="utf-8")
    df = read_steps(path).tables["steps"]
    assert df["step_id"].tolist() == ids
    assert df["next_steps"].tolist()[0] == "S2;S3;S4;S5;S6"


def test_steps_mapping_naming_a_missing_column_is_an_error(tmp_path):
    path = tmp_path / "steps.csv"
    path.write_text("Code,Step,Channel\nS1,Apply,web\nS2,Pay,office\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"not in the file: Nope \(columns found: Code, Step, Channel\)"):
        read_steps(path, mapping={"Nope": "step_id"})
    assert read_steps(path, mapping={"code": "step_id"}).tables["steps"]["step_id"].tolist() == ["S1", "S2"]
