"""Participant sheets -> the participants table (research/participants.py)."""

import pytest

from research.errors import InputError
from research.participants import normalise_segment
from research.readers import read_file
from tests.research.transcript_builders import make_xlsx


@pytest.mark.parametrize("written, segment", [
    ("Ciudadano", "citizen"), ("ciudadana", "citizen"), ("Persona natural", "citizen"), ("Citizen", "citizen"),
    ("Empresa", "business"), ("Dueña de negocio", "business"), ("Emprendedor", "business"), ("SME owner", "business"),
    ("Turista", "visitor"), ("Visitante extranjero", "visitor"), ("Tourist", "visitor"),
    ("Funcionario", "public_servant"), ("Servidora Pública", "public_servant"), ("Civil servant", "public_servant"),
    ("Estudiante", "other"), (None, "other"),
])
def test_participants_segment_normalised(written, segment):
    assert normalise_segment(written) == segment


def test_participants_sheet_below_title_with_free_attributes(tmp_path):
    p = make_xlsx(tmp_path / "p.xlsx", {"Participantes": [
        ["Lista de participantes"], [],
        ["ID Participante", "Perfil", "Provincia", "Rango de edad", "Habilidades digitales", "Canal preferido", "Mascota"],
        ["P01", "Emprendedora", "Colón", "30-44", "alta", "WhatsApp", "gato"],
        ["P02", "Funcionario", "Chiriquí", "45-59", "media", "oficina", None],
        ["P01", "Ciudadana", None, None, None, None, None],
    ]})
    r = read_file(p, kind="participants")
    df = r.tables["participants"]
    assert df["participant_id"].tolist() == ["P01", "P02"]
    assert df["segment"].tolist() == ["business", "public_servant"]
    assert {"region", "age_band", "digital_skills", "preferred_channel", "mascota"} <= set(df.columns)
    assert df.loc[0, "region"] == "Colón" and df.loc[1, "mascota"] is None
    assert r.skipped == [{"sheet": "Participantes", "row": 6, "reason": "participant P01 appears twice; first row kept"}]


def test_participants_detected_without_kind_english_csv(tmp_path):
    p = tmp_path / "people.csv"
    p.write_text("Participant,Segment,Region,Access needs\nP1,business,Panamá,none\nP2,visitor,Bocas,wheelchair\n",
                 encoding="utf-8")
    r = read_file(p)
    assert r.kind == "participants" and r.tables["participants"]["access_needs"].tolist() == ["none", "wheelchair"]


def test_participants_missing_id_column_is_a_clear_error(tmp_path):
    p = tmp_path / "p.csv"
    p.write_text("Nombre,Edad\nAna,30\n", encoding="utf-8")
    with pytest.raises(InputError, match="no participant id column"):
        read_file(p, kind="participants")


def test_participants_header_only(tmp_path):
    p = make_xlsx(tmp_path / "p.xlsx", {"P": [["Participante", "Segmento"]]})
    with pytest.raises(InputError, match="no rows") as e:
        read_file(p, kind="participants")
    assert e.value.sheet == "P"
