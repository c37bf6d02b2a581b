"""Category choice of pain points in interview speech: one small hand-written example per cue family.

Each sentence is a pain whose category used to come out wrong (or not at all) before the cues of
``data/patterns/<lang>/*.jsonl`` it relies on were added; the benchmark sets in ``bench/data`` are
not repeated here.
"""

from __future__ import annotations

import pytest

from nlp.painpoints import analyse_text
from nlp.pipeline import make_nlp


def _pain_category(text: str, lang: str, context: str | None = None) -> str | None:
    pains = [r for r in analyse_text(text, lang, context=context) if r["is_pain"]]
    return max(pains, key=lambda r: r["severity"])["category"] if pains else None


@pytest.mark.parametrize("text, category", [
    # waiting: an undecided claim, a file left lying
    ("Nothing has been decided on my housing claim since March.", "waiting"),
    ("The council has been sitting on my transfer request, honestly.", "waiting"),
    # channel failure: a page that spins or throws you out, sarcasm about uptime
    ("Oh, the tax site is lovely, when it actually lets you log in.", "channel_failure"),
    ("Their portal is fine, when it is not down for maintenance.", "channel_failure"),
    # information: learning by chance, contradictory officials, no tracking
    ("I only found out about the rebate from my cousin.", "information"),
    ("The first clerk said ten days and the next one said sixty.", "information"),
    ("One nurse told me it was fine and the next one said it was urgent, so which is it?", "information"),
    ("There's no way to track the claim once it's sent.", "information"),
    # staff: the lottery of officials, being passed around, being dismissed
    ("Nobody wants to take responsibility for the mess.", "staff"),
    ("They kept sending me from one desk to another and nobody wanted to take responsibility.", "staff"),
    ("They kept sending me from the tax office to the town hall.", "staff"),
    ("The registrar refused to accept my marriage papers.", "staff"),
    # cost: money paid on top, "free" that is not
    ("I had to pay a translator out of my own pocket.", "cost"),
    ("Sure, the clinic is free, supposedly.", "cost"),
    ("There's an extra processing charge nobody mentions.", "cost"),
    ("The service is supposedly free, but it's not free at all once you add the postage.", "cost"),
    # access: digital skills, distance, connectivity, hearing
    ("The staff were polite but I was not really a computer person, so I gave up.", "access"),
    ("The clinic is on the other side of the city and I don't drive.", "access"),
    ("The internet out here is so bad I can't open the form.", "access"),
    # complexity: unreadable forms, circular steps
    ("I read it three times and still didn't get what they wanted.", "complexity"),
    ("Half the questions on the form don't make sense.", "complexity"),
    ("There are so many grants, I had no idea which one to apply for.", "complexity"),
    # documents: sworn statements and witnesses
    ("They needed a sworn statement from a solicitor before anything else.", "documents"),
    # trust: who sees personal data, fear of one mistake
    ("It bothers me, who gets to see my tax records.", "trust"),
    ("I was terrified of making one little mistake on the visa form.", "trust"),
    # internal tools: servants' workload and paper workarounds
    ("We're down to two officers doing the work of six.", "internal_tools"),
    ("We are down to two nurses on the ward for forty beds.", "internal_tools"),
    ("We are still on software from the nineties and it cannot export a thing.", "internal_tools"),
    # a servant's frozen system is a channel failure, unless the text tells the paper workaround
    ("Our clinic system froze again, so we wrote the notes on paper and typed them in later.", "internal_tools"),
    # error pages, officials who walk off, identity papers
    ("The booking page said something went wrong, please try again later.", "channel_failure"),
    ("He just said not my job and walked off.", "staff"),
    ("You need three forms of ID to open the claim.", "documents"),
])
def test_categories_english_interview_speech(text, category):
    assert _pain_category(text, "en") == category


@pytest.mark.parametrize("text, category", [
    ("Me dieron la cita para dentro de seis meses.", "waiting"),
    ("La aplicación sirve, cuando funciona.", "channel_failure"),
    ("Me traían de una ventanilla a otra y nadie se hacía cargo.", "staff"),
    ("Te cobran aparte las fotos y el formato, que supuestamente es gratuito.", "cost"),
    ("La oficina más cercana está a cuatro horas de aquí.", "access"),
    ("En mi comunidad no hay señal para hacer la cita en línea.", "access"),
    ("Ese trámite es un laberinto de oficinas.", "complexity"),
    ("Tengo pavor de equivocarme en los papeles.", "trust"),
    ("Si no le das algo al guardia, no te dejan pasar.", "trust"),
    ("Somos tres personas para atender a todo el distrito y el sistema se traba.", "internal_tools"),
    ("El sistema se nos cae cada tarde y perdemos lo capturado.", "internal_tools"),
    ("La jefa me dijo que sí y el otro empleado me dijo todo lo contrario.", "information"),
    ("El guardia nos trató como si fuéramos ladrones.", "staff"),
    ("Llamas y sale que el buzón está lleno, buzón lleno siempre.", "channel_failure"),
])
def test_categories_spanish_interview_speech(text, category):
    assert _pain_category(text, "es") == category


@pytest.mark.parametrize("text, lang", [
    ("A month later the card arrived, no problem at all.", "en"),
    ("You pay the fee at the counter and they give you a receipt.", "en"),
    ("La farmacia está a dos cuadras de mi casa.", "es"),
])
def test_categories_neutral_mentions_are_no_pain(text, lang):
    assert _pain_category(text, lang) is None


@pytest.mark.parametrize("text, lang", [
    # trust 1.0 from one cue against cost 0.7 + 0.3 from two: the single strongest cue wins the tie
    ("A man at the door offered to speed things up, you pay him fifty euros.", "en"),
    ("Un señor en la puerta ofrece agilizar la cita, y hay que pagar cincuenta pesos.", "es"),
])
def test_category_tie_goes_to_the_strongest_single_cue(text, lang):
    assert _pain_category(text, lang) == "trust"


@pytest.mark.parametrize("text, lang", [
    # an obligation ends the "if" clause: what follows it is no hypothesis
    ("If you want your permit quickly you have to know someone.", "en"),
    ("Si quieres el permiso rápido tienes que conocer a alguien en la oficina.", "es"),
])
def test_obligation_ends_the_if_clause(text, lang):
    assert _pain_category(text, lang) == "trust"


def test_obligation_right_after_if_stays_hypothetical():
    # "if I have to ..." opens the condition itself: nothing is cut
    assert _pain_category("If we have to, we can always call them later.", "en") is None


@pytest.mark.parametrize("text, lang, category", [
    # staff doing their own work twice, with a tool word: internal tools, not repetition
    ("We enter every application on paper first and then again in the computer.", "en", "internal_tools"),
    ("Anotamos cada solicitud en papel y después otra vez en la computadora.", "es", "internal_tools"),
    # a citizen doing it again by hand is still repetition
    ("I had to fill in the same form by hand three times.", "en", "repetition"),
    ("Tuve que llenar el mismo formulario a mano tres veces.", "es", "repetition"),
])
def test_servant_voice_moves_repetition_to_internal_tools(text, lang, category):
    assert _pain_category(text, lang) == category


# ---------------------------------------------------------------- category precedence
@pytest.mark.parametrize("lang, text", [
    ("en", "I paid an extra fee of 50 dollars so the clerk would speed things up."),
    ("es", "Me cobraron 50 dólares extra por debajo de la mesa."),
])
def test_categories_a_bribe_is_trust_not_cost(lang, text):
    pains = [r for r in analyse_text(text, lang) if r["is_pain"]]
    assert [r["category"] for r in pains] == ["trust"]
    plain = make_nlp(lang, {"pain_points": {"category_precedence": []}})
    doc = plain(text)
    assert [r["category"] for r in doc._.pain_sentences if r["is_pain"]] == ["cost"]  # what the rule changes


@pytest.mark.parametrize("lang, text", [
    ("en", "They charged me an extra fee of 50 dollars for the certificate."),
    ("es", "Me cobraron 50 dólares extra por el certificado."),
])
def test_categories_a_fee_without_corruption_stays_cost(lang, text):
    assert [r["category"] for r in analyse_text(text, lang) if r["is_pain"]] == ["cost"]


# ---------------------------------------------------------------- the staff's own systems
@pytest.mark.parametrize("lang, text, category", [
    ("en", "Our database crashes most afternoons and we lose what we typed.", "internal_tools"),
    ("es", "Nuestro sistema se cae todas las tardes y perdemos lo capturado.", "internal_tools"),
    # citizens: the service's system, a channel failure
    ("en", "We went twice and the system was down both times.", "channel_failure"),
    ("es", "Fuimos dos veces y el sistema estaba caído.", "channel_failure"),
    ("en", "The website crashed when we tried to pay.", "channel_failure"),
])
def test_categories_own_system_failures_are_internal_tools(lang, text, category):
    assert [r["category"] for r in analyse_text(text, lang) if r["is_pain"]] == [category]
