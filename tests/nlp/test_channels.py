"""Channel mentions -> canonical channel keys, in Spanish and English."""

import pytest

from nlp.channels import CHANNEL_KEYS, find_channels, main_channel


@pytest.mark.parametrize("text,channel", [
    ("Lo hice todo en línea desde la casa", "web"),
    ("El portal se caía cada rato", "web"),
    ("Descargué la aplicación pero no funcionaba", "web"),
    ("Llamé al 311 cinco veces", "phone"),
    ("Nadie contestaba el teléfono", "phone"),
    ("Fui a la ventanilla de la DGI", "office"),
    ("Tuve que ir presencialmente a la sede", "office"),
    ("Me escribieron por WhatsApp", "whatsapp"),
    ("Mandé todo por correo electrónico", "email"),
    ("Usé el kiosco de autoservicio", "kiosk"),
    ("Me llegó una carta por correo postal", "mail"),
])
def test_channels_spanish(text, channel):
    assert main_channel(text, "es") == channel


@pytest.mark.parametrize("text,channel", [
    ("I applied online", "web"),
    ("The website kept crashing", "web"),
    ("I called the call centre twice", "phone"),
    ("I was on hold for an hour", "phone"),
    ("I went in person to the office", "office"),
    ("The lady at the counter was kind", "office"),
    ("They messaged me on WhatsApp", "whatsapp"),
    ("I emailed them three times", "email"),
    ("The kiosk rejected my card", "kiosk"),
    ("They sent the licence by post", "mail"),
])
def test_channels_english(text, channel):
    assert main_channel(text, "en") == channel


def test_channels_longest_phrase_wins():
    assert [m["channel"] for m in find_channels("correo postal")] == ["mail"]
    assert [m["channel"] for m in find_channels("la línea 311")] == ["phone", "phone"]
    assert [m["channel"] for m in find_channels("en línea")] == ["web"]


def test_channels_spans_index_the_original_text():
    text = "Después LLAMÉ y fui a la Oficina"
    spans = find_channels(text)
    assert [text[m["start"]:m["end"]] for m in spans] == ["LLAMÉ", "Oficina"]
    assert all(m["channel"] in CHANNEL_KEYS for m in spans)


def test_channels_none_when_no_channel_and_most_mentioned_wins():
    assert main_channel("Esperé tres horas y nada") is None
    assert main_channel("") is None
    assert main_channel("Called once, then office, office again", "en") == "office"
    # "me llamo" is a name, not a phone call; "in line" is a queue
    assert main_channel("Me llamo Ana", "es") is None
    assert main_channel("I waited in line", "en") is None
