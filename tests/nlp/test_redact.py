"""Personal-data redaction: formats, names, speaker labels, and what must NOT be redacted."""

import pytest

from nlp.redact import find_pii, redact, speaker_names


def _found(text, lang="es", speakers=()):
    return [(s["text"], s["type"]) for s in find_pii(text, lang, speakers)]


@pytest.mark.parametrize("phone", ["+507 6123-4567", "6123-4567", "223-4567", "507-6123-4567", "61234567",
                                   "(507) 223-4567", "6123 4567"])
def test_redact_panamanian_phone_formats(phone):
    assert _found(f"Llámeme al {phone} mañana.") == [(phone, "PHONE")]


@pytest.mark.parametrize("phone", ["(555) 234-5678", "555-234-5678", "020 7946 0958", "+44 7700 900123"])
def test_redact_english_phone_formats(phone):
    assert _found(f"Call me on {phone} please.", "en") == [(phone, "PHONE")]


@pytest.mark.parametrize("cedula", ["8-123-4567", "PE-12-345", "E-8-12345", "N-19-1234", "4-AV-123-456",
                                    "8-NT-1-12345", "2-PI-45-678", "10-3-21"])
def test_redact_cedula_formats(cedula):
    assert _found(f"Mi cédula es {cedula}, la traje.") == [(cedula, "NATIONAL_ID")]


def test_redact_cedula_is_not_split_into_a_phone():
    spans = find_pii("cédula 8-223-4567 y teléfono 6123-4567")
    assert [s["type"] for s in spans] == ["NATIONAL_ID", "PHONE"]


def test_redact_emails_in_both_languages():
    assert redact("escriba a juan.perez+tramite@empresa.com.pa hoy") == "escriba a [CORREO] hoy"
    assert redact("write to info@city.gov", "en") == "write to [EMAIL]"


@pytest.mark.parametrize("text,address", [
    ("Vivo en Calle 50 desde hace años.", "Calle 50"),
    ("Mi casa está en Avenida Balboa.", "Avenida Balboa"),
    ("Queda por Vía España.", "Vía España"),
    ("En el Edificio Plaza Real, piso 3.", "Edificio Plaza Real, piso 3"),
    ("Casa 12, Urbanización Los Robles.", "Casa 12, Urbanización Los Robles"),
])
def test_redact_spanish_addresses(text, address):
    assert _found(text) == [(address, "ADDRESS")]


def test_redact_office_locations_are_not_personal_addresses():
    assert find_pii("Fui a la oficina de la DGI en la Vía España.") == []
    assert find_pii("La sede del Municipio queda en Avenida Balboa.") == []
    # a numbered address is always redacted
    assert [s["type"] for s in find_pii("La oficina de mi contador está en Calle 50, casa 12.")] == ["ADDRESS"]


def test_redact_english_addresses():
    assert _found("I live at 42 Elm Street now.", "en") == [("42 Elm Street", "ADDRESS")]
    assert _found("The office on Queen Avenue closed.", "en") == [("Queen Avenue", "ADDRESS")]


@pytest.mark.parametrize("text,name", [
    ("Hola, me llamo Marisol Quintero.", "Marisol Quintero"),
    ("Me atendió la licenciada Gómez en ventanilla.", "Gómez"),
    ("La Sra. Espinosa fue muy amable.", "Espinosa"),
    ("Habló con el Dr. Ureña del hospital.", "Ureña"),
    ("Luego Carlos Alberto Díaz revisó el expediente.", "Carlos Alberto Díaz"),
    ("me llamo gabriela y tengo una tienda", "gabriela"),
    ("Hola, soy Dayra Ábrego y vendo empanadas.", "Dayra Ábrego"),
    ("Mi hermano roberto me llevó.", "roberto"),
])
def test_redact_spanish_names(text, name):
    assert (name, "PERSON") in _found(text)


@pytest.mark.parametrize("text,name", [
    ("Hello, my name is Priya Shah.", "Priya Shah"),
    ("Mr. Holloway never called back.", "Holloway"),
    ("I spoke to Ms Okonjo at the desk.", "Okonjo"),
    ("Then Jennifer Morgan sent the form.", "Jennifer Morgan"),
])
def test_redact_english_names(text, name):
    assert (name, "PERSON") in _found(text, "en")


def test_redact_placeholders_per_language():
    es = redact("Soy Ana, cédula 8-1-2, tel 6123-4567, Calle 50, ana@x.pa")
    assert es == "Soy [PERSONA], cédula [CÉDULA], tel [TELÉFONO], [DIRECCIÓN], [CORREO]"
    en = redact("I'm Ana, ID 8-1-2, phone 6123-4567, 5 Oak Road, ana@x.pa", "en")
    assert en == "I'm [PERSON], ID [NATIONAL_ID], phone [PHONE], [ADDRESS], [EMAIL]"


def test_redact_speaker_labels_everywhere_any_case():
    speakers = ["Entrevistadora", "Yessenia Ureña", "P2"]
    assert speaker_names(speakers) == ["Yessenia Ureña", "Yessenia", "Ureña"]
    out = redact("Bueno, yessenia, como le decía, Yessenia Ureña firmó.", "es", speakers)
    assert out == "Bueno, [PERSONA], como le decía, [PERSONA] firmó."
    # role labels, titles and agencies in labels are not names
    assert redact("La entrevistadora preguntó.", "es", ["Entrevistadora"]) == "La entrevistadora preguntó."
    assert speaker_names(["Sra. Gómez", "Funcionario DGI", "Cliente 2"]) == ["Gómez"]


@pytest.mark.parametrize("text,lang", [
    ("Fui a Panamá Emprende y a la DGI; el MICI y la AIG no se hablan.", "es"),
    ("El Registro Público y el Municipio piden lo mismo.", "es"),
    ("Pagué B/.5.00 y después B/. 150.00 el 12-05-2024 a las 6 p.m.", "es"),
    ("Caminé por la calle hasta la oficina 3 veces; la casa 2 veces.", "es"),
    ("Lo envié vía WhatsApp y llamé al 311.", "es"),
    ("Fui al Hospital Santo Tomás y a San Francisco; vivo en Juan Díaz.", "es"),
    ("Registrar la empresa, obtener el aviso de operación y pagar el impuesto.", "es"),
    ("Will they call? May I ask? It cost $1,234.56 in 2023-2024.", "en"),
    ("Young people struggle; Green bins go out on Monday.", "en"),
    ("The Department of Revenue and the City Council asked twice.", "en"),
    ("I'm Not Sure the app called Nequi worked.", "en"),
    ("Soy de Los Santos y vivo en El Dorado, cerca de San Miguelito.", "es"),
])
def test_redact_precision_no_false_redaction(text, lang):
    assert find_pii(text, lang) == []


def test_redact_offsets_index_the_original_text():
    text = "Ana Pérez (8-123-4567) vive en Calle 50."
    for s in find_pii(text):
        assert text[s["start"]:s["end"]] == s["text"]


def test_redact_empty_and_non_text():
    assert find_pii("") == [] and redact("") == ""
    assert find_pii(None) == []


def test_redact_quality_floor_on_the_hand_annotated_set(root):
    """Regression floor: recall >= 0.95 and precision >= 0.90 on bench/data/pii_gold.jsonl."""
    import json

    tp = fp = fn = 0
    for line in (root / "bench" / "data" / "pii_gold.jsonl").read_text("utf-8").splitlines():
        rec = json.loads(line)
        gold = [(rec["text"].index(t), rec["text"].index(t) + len(t), typ) for t, typ in rec["pii"]]
        pred = [(s["start"], s["end"], s["type"]) for s in find_pii(rec["text"], rec["lang"])]

        def hit(a, b):
            return a[2] == b[2] and min(a[1], b[1]) - max(a[0], b[0]) >= 0.5 * max(a[1] - a[0], b[1] - b[0])

        tp += sum(any(hit(p, g) for p in pred) for g in gold)
        fn += sum(not any(hit(p, g) for p in pred) for g in gold)
        fp += sum(not any(hit(p, g) for g in gold) for p in pred)
    assert tp + fn >= 70
    assert tp / (tp + fn) >= 0.95 and tp / (tp + fp) >= 0.90
