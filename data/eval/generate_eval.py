"""Regenerate the held-out interview evaluation set: renewing a driver's licence in Panama.

Run from the repository root::

    python data/eval/generate_eval.py             # writes data/eval/*
    python data/eval/generate_eval.py --out DIR

This set is independent of ``data/demo`` (a different service, different agencies, different
people, speech written from scratch) and exists to measure how the NLP generalises. Every person,
phone number, ID number, address and e-mail is invented. The transcripts and their gold labels are
written by the same code from the same sentence list, so text and labels cannot drift.

What it writes (``data/eval/``):

* ``pasos.xlsx`` — the designed journey "Renovación de licencia de conducir" (ATTT, Sertracen,
  clínicas), Spanish headers and names, Spanish synonyms only, a title row above the header.
* ``entrevistas_filas.xlsx`` — rows layout, several interviews in one sheet (E01 es, E02 en; third
  batch E14 es, E15 en).
* ``entrevistas_por_hoja.xlsx`` — one sheet per interview plus an index sheet (E03 es public
  servant, E04 en; second batch E12 es, E13 en).
* ``notas_campo.xlsx`` — notes grid: one row per participant, one column per question (E05, E06).
* ``entrevista_E07.csv`` — CSV from a Spanish Excel: cp1252, ``;``, CRLF (E07 es; third batch E16 es,
  public servant).
* ``E08.txt`` — header block and ``[hh:mm:ss] Nombre: texto`` turns (E08 es public servant).
* ``E09.docx`` — Word, one paragraph per turn ``Speaker: text`` (E09 en).
* ``E10.vtt`` — WebVTT with ``<v Name>`` voice tags (E10 en).
* ``E11.srt`` — SubRip, ``Speaker: text`` cues (E11 es).
* ``gold.jsonl`` — one record per participant sentence: ``file``, ``sheet``, ``row``, ``column``,
  ``interview_id``, ``sentence``, ``start``, ``end`` (offsets in the utterance text),
  ``is_pain``, ``category``, ``step_id`` (null when no step is clear), ``lang``, ``pii``
  (``start``/``end`` within the sentence, ``text``, ``type``).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import random
import re
from datetime import datetime
from pathlib import Path

__all__ = ["SEED", "STEPS", "INTERVIEWS", "NOTES", "NOTE_QUESTIONS", "FILES", "generate"]

SEED = 20261128
HERE = Path(__file__).resolve().parent
FIXED_DATE = datetime(2026, 11, 2, 10, 0, 0)
JOURNEY_ES = "Renovación de licencia"

# ----------------------------------------------------------------------------------------------
# The designed journey (Spanish only, as a Panamanian team would write it)
# ----------------------------------------------------------------------------------------------
# id, stage, name, channels, lane, agency, next, wait_days, volume/month, documents, synonyms
STEPS = [
    ("R01", "Informarse", "Consultar los requisitos de renovación", "web; teléfono 311; WhatsApp", "cliente",
     "ATTT", "R02", 0, 9000, "", "requisitos; información; página de la ATTT"),
    ("R02", "Cita", "Agendar la cita en línea", "web", "cliente", "Sertracen", "R03", 5, 7000, "Cédula",
     "cita; turno; agenda; calendario"),
    ("R03", "Preparación", "Obtener el certificado médico", "oficina", "cliente", "Clínica (MINSA)", "R04", 2,
     6500, "Cédula", "certificado de salud; examen médico; doctor"),
    ("R04", "Preparación", "Verificar el paz y salvo de multas", "web; oficina", "cliente", "ATTT", "R05; R06",
     1, 6000, "Cédula", "multas; infracciones; boletas; paz y salvo"),
    ("R05", "Preparación", "Pagar multas pendientes", "web; oficina", "cliente", "ATTT", "R06", 3, 1800,
     "Boleta de infracción", "pagar boletas; pagar la multa"),
    ("R06", "Atención", "Presentar documentos en ventanilla", "oficina", "ventanilla", "Sertracen", "R07", 0,
     6000, "Cédula; Licencia vencida; Certificado médico; Paz y salvo", "ventanilla; revisión de documentos; formulario"),
    ("R07", "Atención", "Examen de la vista", "oficina", "ventanilla", "Sertracen", "R08", 0, 6000, "",
     "prueba visual; vista; optometría"),
    ("R08", "Atención", "Charla de educación vial", "oficina", "ventanilla", "ATTT", "R09", 0, 5200, "",
     "charla; curso; seminario vial"),
    ("R09", "Pago", "Pagar la renovación", "oficina; web", "cliente", "Sertracen", "R10", 0, 6000, "Recibo",
     "pago; caja; tarifa; cajero"),
    ("R10", "Emisión", "Toma de foto y huellas", "oficina", "ventanilla", "Sertracen", "R11", 0, 6000, "",
     "foto; huellas; cámara; biometría"),
    ("R11", "Emisión", "Validar los datos en el sistema de la ATTT", "oficina", "interno", "ATTT", "R12", 1,
     6000, "", "validación; sistema; base de datos; expediente"),
    ("R12", "Emisión", "Imprimir y entregar la licencia", "oficina", "ventanilla", "Sertracen", "R13", 0, 5900,
     "Licencia", "entrega; impresión; plástico"),
    ("R13", "Seguimiento", "Consultar el estado y presentar reclamos", "teléfono 311; correo electrónico; WhatsApp",
     "soporte", "ATTT", "", 4, 700, "", "reclamo; queja; seguimiento; estado del trámite"),
]
STEP_HEADERS_ES = ["Código", "Etapa", "Paso", "Canal", "Carril", "Entidad", "Orden", "Siguientes pasos",
                   "Espera mediana (días)", "Volumen mensual", "Documentos requeridos", "Sinónimos"]


def S(text, category=None, step=None, *pii):  # noqa: N802 - a tiny DSL that reads like the transcript
    """One participant sentence: text, pain category (None = no pain), step (None = unclear), PII."""
    return (text, category, step, tuple(pii))


# ----------------------------------------------------------------------------------------------
# Interviews. ("I", question) is an interviewer turn; ("P", [sentences]) a participant turn.
# ----------------------------------------------------------------------------------------------
INTERVIEWS = {
    "E01": {"lang": "es", "speaker": "Yessenia Caballero", "interviewer": "Entrevistadora", "turns": [
        ("I", "Buenas tardes. Cuénteme, ¿cómo averiguó qué necesitaba para renovar la licencia?"),
        ("P", [S("Mucho gusto, soy Yessenia Caballero, enfermera, y vivo en La Chorrera.", None, None,
                 ("PERSON", "Yessenia Caballero")),
               S("Entré a la página de la ATTT y cada sección traía una lista de requisitos diferente.",
                 "information", "R01"),
               S("En una parte decía que el certificado médico tenía que ser de la Caja y en otra que servía "
                 "cualquier clínica.", "information", "R01")]),
        ("I", "¿Y pudo agendar la cita en línea?"),
        ("P", [S("La cita la saqué por la página de Sertracen sin ningún problema, eso sí funcionó bien.", None,
                 "R02"),
               S("Lo malo es que la primera fecha libre era para dentro de tres semanas y la licencia se me "
                 "vencía antes.", "waiting", "R02")]),
        ("I", "Hábleme del certificado médico."),
        ("P", [S("Fui a una clínica privada en Vista Alegre y me cobraron B/.35.00 por un examen de cinco "
                 "minutos.", "cost", "R03"),
               S("La Dra. Espino fue muy atenta y me explicó todo con calma.", None, "R03",
                 ("PERSON", "Espino"))]),
        ("I", "¿Y el día de la cita en Sertracen, cuando presentó los documentos?"),
        ("P", [S("Llegué a las 7 a.m. y la fila ya le daba la vuelta al edificio.", "waiting", "R06"),
               S("En la ventanilla me exigieron el paz y salvo de multas impreso, aunque ellos lo pueden "
                 "consultar en su sistema.", "documents", "R06"),
               S("Tuve que salir a buscar un café internet para imprimirlo y volver a hacer toda la fila.",
                 "repetition", "R06")]),
        ("I", "¿Qué cambiaría usted?"),
        ("P", [S("Sería bueno que mandaran un recordatorio por WhatsApp antes de que venza la licencia.", None,
                 None),
               S("Si me quieren escribir, mi número es +507 6123-4578 y mi correo yessi.caballero@correo.pa.",
                 None, None, ("PHONE", "+507 6123-4578"), ("EMAIL", "yessi.caballero@correo.pa"))]),
    ]},
    "E02": {"lang": "en", "speaker": "Daniel Okafor", "interviewer": "Interviewer", "turns": [
        ("I", "Thanks for joining. You renewed your Panamanian licence last month. Where did you start?"),
        ("P", [S("Sure, I'm Daniel Okafor and I've lived in Panama City for six years.", None, None,
                 ("PERSON", "Daniel Okafor")),
               S("My cédula for foreigners is E-8-12345, in case you need it.", None, None,
                 ("NATIONAL_ID", "E-8-12345")),
               S("I started on the ATTT website, but half the links on the requirements page were dead.",
                 "channel_failure", "R01"),
               S("Nobody could tell me whether my residency card was enough or whether I needed my passport "
                 "too.", "information", "R01")]),
        ("I", "How did booking the appointment go?"),
        ("P", [S("Booking the slot online took me about two minutes, honestly it was painless.", None, "R02")]),
        ("I", "And the medical certificate and the fines check?"),
        ("P", [S("The medical certificate was easy, the clinic near my flat did it the same morning.", None,
                 "R03"),
               S("Then the fines check showed a ticket from 2019 that I had already paid.", "information",
                 "R04"),
               S("I had to go to the ATTT office in Albrook to prove it, which cost me a full day off work.",
                 "cost", "R04")]),
        ("I", "What happened at the Sertracen counter when you handed in your documents?"),
        ("P", [S("The clerk was friendly, but she wanted my passport, my residency card and a photocopy of "
                 "both, even though they scan everything anyway.", "documents", "R06"),
               S("They took my photo and fingerprints in under ten minutes.", None, "R10")]),
        ("I", "Anything else you want to add?"),
        ("P", [S("It would be great if the website had an English version.", None, None),
               S("You can reach me on +507 6234-1190 if you have more questions.", None, None,
                 ("PHONE", "+507 6234-1190"))]),
    ]},
    "E03": {"lang": "es", "speaker": "Rubén Batista", "interviewer": "Entrevistador", "turns": [
        ("I", "Gracias por su tiempo. ¿Qué hace usted en Sertracen?"),
        ("P", [S("Yo atiendo la ventanilla de revisión de documentos en la sede de Los Pueblos.", None, "R06"),
               S("Mi jefa es la licenciada Maritza Gólcher, ella lleva las estadísticas.", None, None,
                 ("PERSON", "Maritza Gólcher")),
               S("En un día normal paso unos ochenta expedientes, y solo somos dos funcionarios para toda la "
                 "mañana.", "internal_tools", "R06")]),
        ("I", "¿Cómo valida los datos del usuario en el sistema?"),
        ("P", [S("Tengo que copiar a mano los datos de la cédula en nuestro sistema porque no se conecta con el "
                 "del Tribunal Electoral.", "internal_tools", "R11"),
               S("Encima, el sistema de la ATTT se cuelga varias veces al día y el usuario se queda parado "
                 "frente a mí.", "channel_failure", "R11"),
               S("Ayer una señora con cédula N-19-1234 tuvo que esperar toda la mañana por eso.", "waiting",
                 "R11", ("NATIONAL_ID", "N-19-1234"))]),
        ("I", "¿Qué pasa con el paz y salvo de multas?"),
        ("P", [S("Muchas veces el paz y salvo sale con multas que ya fueron pagadas, porque los municipios "
                 "reportan tarde.", "information", "R04"),
               S("Yo no tengo cómo corregir eso desde aquí, solo puedo mandar al usuario a la ATTT.",
                 "internal_tools", "R04")]),
        ("I", "¿Y la charla de educación vial?"),
        ("P", [S("La charla está bien organizada y los instructores son buenos.", None, "R08"),
               S("No hay quejas de eso, la verdad.", None, "R08")]),
        ("I", "¿Qué mejoraría?"),
        ("P", [S("Que el sistema validara la cédula automáticamente nos ahorraría mucho trabajo.", None, "R11")]),
    ]},
    "E04": {"lang": "en", "speaker": "Grace Whitfield", "interviewer": "Interviewer", "turns": [
        ("I", "Grace, you live in Boquete. What was renewing like from there?"),
        ("P", [S("The nearest Sertracen office is in David, so it's almost an hour each way on the bus.",
                 "access", None),
               S("And they only open until 3 p.m., which doesn't fit the bus timetable.", "access", None)]),
        ("I", "Did you book the appointment online?"),
        ("P", [S("I tried, but the calendar kept freezing on my tablet and I gave up after the third try.",
                 "channel_failure", "R02"),
               S("My neighbour's grandson booked it for me on his phone.", None, "R02")]),
        ("I", "What about the eye test?"),
        ("P", [S("The eye test was quick and the young man was very patient with me.", None, "R07")]),
        ("I", "And the photo and fingerprints?"),
        ("P", [S("The camera for the photo was broken that day, so nothing could be finished.",
                 "channel_failure", "R10"),
               S("I had to make the whole trip to David a second time.", "repetition", "R10")]),
        ("I", "How did paying go?"),
        ("P", [S("Paying was fine, forty dollars at the cashier, no surprises.", None, "R09"),
               S("What bothers me is that they photocopied my passport and kept the copy, and I have no idea "
                 "who sees it.", "trust", None)]),
    ]},
    "E07": {"lang": "es", "speaker": "Anthony Serrano", "interviewer": "Entrevistador", "turns": [
        ("I", "¿Para qué usa usted la licencia?"),
        ("P", [S("Yo soy repartidor en moto, sin licencia no puedo trabajar.", None, None),
               S("Mi nombre es Anthony Serrano y mi cédula es 8-123-4567, por si la necesitan.", None, None,
                 ("PERSON", "Anthony Serrano"), ("NATIONAL_ID", "8-123-4567")),
               S("Vivo en Calle 12 de Río Abajo, casa 45.", None, None,
                 ("ADDRESS", "Calle 12 de Río Abajo, casa 45"))]),
        ("I", "¿Cómo le fue agendando la cita?"),
        ("P", [S("La página de citas me pedía crear un usuario, luego confirmar el correo, luego otra contraseña, "
                 "un montón de pasos para una simple cita.", "complexity", "R02"),
               S("Al final la cita me salió para un martes, o sea otro día sin trabajar.", "cost", "R02")]),
        ("I", "¿Y el pago de la renovación?"),
        ("P", [S("Pagué B/.40.00 en la caja y otros B/.5.00 por unas copias que allí mismo cobran.", "cost",
                 "R09"),
               S("El cajero fue rapidísimo, eso sí.", None, "R09")]),
        ("I", "¿Le entregaron la licencia ese mismo día?"),
        ("P", [S("No, me dijeron que no había plástico y que volviera en una semana.", "repetition", "R12"),
               S("Cuando volví, la licencia tenía mi apellido mal escrito.", "other", "R12"),
               S("Así que tuve que ir una tercera vez.", "repetition", "R12")]),
        ("I", "¿Intentó reclamar o preguntar por el estado?"),
        ("P", [S("Escribí al WhatsApp de la ATTT para poner el reclamo y nunca me respondieron.",
                 "channel_failure", "R13")]),
    ]},
    "E08": {"lang": "es", "speaker": "Ingrid Saldaña", "interviewer": "Carmen Lasso", "turns": [
        ("I", "Ingrid, ¿cuál es su papel en la renovación?"),
        ("P", [S("Yo valido en el sistema de la ATTT las renovaciones que llegan de Sertracen.", None, "R11"),
               S("Recibimos los expedientes escaneados por correo, los descargo uno por uno y los vuelvo a digitar "
                 "en nuestra base.", "internal_tools", "R11"),
               S("Son como trescientos al día para tres analistas.", "internal_tools", "R11"),
               S("Mi línea directa es 512-9630, por si necesitan algo más.", None, None,
                 ("PHONE", "512-9630"))]),
        ("I", "¿Qué pasa cuando algo no cuadra en la validación?"),
        ("P", [S("Si el nombre no coincide con el del Tribunal Electoral, tengo que llamar a Sertracen por "
                 "teléfono porque los sistemas no se hablan.", "internal_tools", "R11"),
               S("A veces el ciudadano ya se fue y hay que citarlo de nuevo para que firme otra vez.",
                 "repetition", "R11")]),
        ("I", "¿Cómo ve el proceso desde el lado del ciudadano?"),
        ("P", [S("Honestamente, el ciudadano no ve nada de esto, para él solo es que la licencia tarda.",
                 "waiting", None),
               S("Y no tiene forma de saber en qué estado está su trámite, porque no hay consulta en línea.",
                 "information", "R13")]),
        ("I", "¿Algo que funcione bien?"),
        ("P", [S("El pago electrónico funciona muy bien desde que lo cambiaron el año pasado.", None, "R09"),
               S("Y mis compañeros de Sertracen son muy colaboradores, no tengo queja.", None, None)]),
    ]},
    "E09": {"lang": "en", "speaker": "Roberto Chen", "interviewer": "Interviewer", "turns": [
        ("I", "Roberto, thank you. You use a wheelchair. How accessible was the process?"),
        ("P", [S("The Sertracen branch at Los Andes has stairs at the entrance and no ramp at all.", "access",
                 None),
               S("A guard had to carry my chair up with me in it, which was humiliating.", "access", None)]),
        ("I", "Once inside, how did the counter go when you handed in your papers?"),
        ("P", [S("The lady at the counter, Mrs. Itzel Moreno, was wonderful and sorted my papers in minutes.",
                 None, "R06", ("PERSON", "Itzel Moreno")),
               S("My ID is PE-12-345, and their system couldn't find it because of the letters, so she typed it "
                 "three different ways.", "channel_failure", "R06", ("NATIONAL_ID", "PE-12-345"))]),
        ("I", "Then there's the eye test."),
        ("P", [S("The eye test machine sits on a high counter and I couldn't reach it from my chair.", "access",
                 "R07"),
               S("In the end they tested me with a chart on the wall, no trouble.", None, "R07")]),
        ("I", "And the road-safety talk?"),
        ("P", [S("The talk was forty-five minutes of the same slides I had sat through two years ago.", "other",
                 "R08"),
               S("If they put it online, I could have watched it from home.", None, "R08")]),
        ("I", "Anything you'd like us to note?"),
        ("P", [S("You can email me at roberto.chen@mail.com or call 6789-0123.", None, None,
                 ("EMAIL", "roberto.chen@mail.com"), ("PHONE", "6789-0123"))]),
    ]},
    "E10": {"lang": "en", "speaker": "Olivia Brandt", "interviewer": "Interviewer", "turns": [
        ("I", "Olivia, tell me about the day you went to renew."),
        ("P", [S("Outside the Albrook office a man in a vest offered to get me in without queuing for twenty "
                 "dollars.", "trust", None),
               S("I said no, but I watched at least four people pay him and walk straight in.", "trust", None)]),
        ("I", "How long did you wait yourself?"),
        ("P", [S("About three and a half hours, and there was no screen showing which numbers were being "
                 "called.", "waiting", None)]),
        ("I", "Did you understand the form at the document counter?"),
        ("P", [S("Not really, the form had boxes for blood type, donor status and emergency contact with no "
                 "explanation at all.", "complexity", "R06"),
               S("I asked whether the blood type had to be certified by a lab, and nobody could tell me.",
                 "information", "R06")]),
        ("I", "What about the medical certificate?"),
        ("P", [S("My doctor in San Francisco wrote it, that part wasn't a problem at all.", None, "R03"),
               S("But the clerk rejected it because the stamp didn't include the doctor's registration number.",
                 "documents", "R03")]),
        ("I", "How did it end?"),
        ("P", [S("I went back to the doctor, got a new stamp and returned the next morning.", "repetition",
                 "R03"),
               S("I live on Calle Aquilino de la Guardia, apartment 12B, so at least it was close.", None, None,
                 ("ADDRESS", "Calle Aquilino de la Guardia, apartment 12B"))]),
    ]},
    "E11": {"lang": "es", "speaker": "Nelson Quiroz", "interviewer": "Entrevistador", "turns": [
        ("I", "Don Nelson, ¿cómo se enteró de que tenía que renovar?"),
        ("P", [S("Mi hija me dijo que la licencia estaba vencida desde hacía dos meses.", None, None),
               S("Yo no sé usar la computadora, y ahora todo es por internet.", "access", None)]),
        ("I", "¿Y cómo agendó la cita entonces?"),
        ("P", [S("Mi hija la sacó por mí, pero el sistema le pidió mi correo y yo no tengo correo.", "access",
                 "R02"),
               S("Al final le puso el de ella, nelly.quiroz@gmail.com.", None, "R02",
                 ("EMAIL", "nelly.quiroz@gmail.com"))]),
        ("I", "¿Cuánto le costó todo?"),
        ("P", [S("Entre el pasaje desde David, el almuerzo y el certificado, se me fueron como B/.90.00.", "cost",
                 None),
               S("Y aparte la multa de B/.25.00 que tuve que pagar y que ni sabía que tenía.", "cost", "R05")]),
        ("I", "¿Lo atendieron bien en Sertracen?"),
        ("P", [S("Sí, señor, la muchacha del examen de la vista tuvo mucha paciencia conmigo.", None, "R07"),
               S("Lo que no me gustó fue que me hicieron llenar el mismo formulario dos veces, una en papel y "
                 "otra en la tableta.", "repetition", "R06"),
               S("Mi cédula es 4-AV-123-456, por si necesitan verificar.", None, None,
                 ("NATIONAL_ID", "4-AV-123-456"))]),
        ("I", "Una última pregunta, ¿qué le diría a la ATTT?"),
        ("P", [S("Que pongan a alguien que explique las cosas despacio, porque uno se enreda con tantos pasos.",
                 "complexity", None),
               S("Por lo demás, todo bien, no me puedo quejar.", None, None)]),
    ]},
    # Second batch (E12, E13), written after the first measurement to widen the personal-data sample:
    # Panamanian phone and address variants, third parties' names, an agency's e-mail (not personal).
    "E12": {"lang": "es", "speaker": "Zuleika Arosemena", "interviewer": "Entrevistadora", "turns": [
        ("I", "Zuleika, ¿nos confirma sus datos de contacto para el seguimiento?"),
        ("P", [S("Claro, mi celular es 6612 3344 y el de la casa es 392-1187.", None, None,
                 ("PHONE", "6612 3344"), ("PHONE", "392-1187")),
               S("El correo es Zuleika.Arosemena@Hotmail.com, con mayúsculas como lo anoté en el formulario.", None,
                 None, ("EMAIL", "Zuleika.Arosemena@Hotmail.com")),
               S("Vivo en Villa Lucre, calle 3ra, casa 112, en San Miguelito.", None, None,
                 ("ADDRESS", "Villa Lucre, calle 3ra, casa 112"))]),
        ("I", "¿Cómo le fue con el paz y salvo de multas?"),
        ("P", [S("Me salió una boleta a nombre de otra persona, un tal Eduardo Pitty, con mi número de cédula "
                 "8-945-2210.", "information", "R04", ("PERSON", "Eduardo Pitty"), ("NATIONAL_ID", "8-945-2210")),
               S("Tuve que ir dos veces a la ATTT para que la borraran.", "repetition", "R04")]),
        ("I", "¿Y en la ventanilla de Sertracen?"),
        ("P", [S("Me atendió el joven Kevin, muy amable, pero no sabía cómo registrar una cédula nueva.", "staff",
                 "R06", ("PERSON", "Kevin")),
               S("Mi cédula anterior era 8-AV-45-678 y el sistema no la reconoce como la misma persona que la "
                 "nueva.", "channel_failure", None, ("NATIONAL_ID", "8-AV-45-678"))]),
    ]},
    "E13": {"lang": "en", "speaker": "Sofía Navarro", "interviewer": "Interviewer", "turns": [
        ("I", "Sofía, what happened when you called about the status of your licence?"),
        ("P", [S("I called 311 and gave them my name, Sofía Navarro, and my cédula 3-712-908, and they still "
                 "couldn't find my file.", "information", "R13", ("PERSON", "Sofía Navarro"),
                 ("NATIONAL_ID", "3-712-908")),
               S("The agent, a man called Ricardo, told me to email licencias@attt.gob.pa instead.", None, "R13",
                 ("PERSON", "Ricardo")),
               S("I emailed twice from sofia.navarro82@gmail.com and never got an answer.", "channel_failure",
                 "R13", ("EMAIL", "sofia.navarro82@gmail.com"))]),
        ("I", "Where did you have to go in the end?"),
        ("P", [S("To the Sertracen office on Vía Israel, which is forty minutes from my house in Brisas del Golf, "
                 "Calle 34, house 12.", "access", None, ("ADDRESS", "Brisas del Golf, Calle 34, house 12")),
               S("My mobile is +507 6998-1020 if you want to follow up, or my work number 210-4455.", None, None,
                 ("PHONE", "+507 6998-1020"), ("PHONE", "210-4455"))]),
    ]},
    # Third batch (E14–E16), written and committed before being scored, after others had tuned on E01–E11.
    "E14": {"lang": "es", "speaker": "Marisela Vergara", "interviewer": "Entrevistadora", "turns": [
        ("I", "Buenas. ¿Dónde buscó los requisitos para la licencia comercial?"),
        ("P", [S("Le escribí al WhatsApp de Sertracen y me mandaron una imagen con los requisitos, bien clarita.",
                 None, "R01"),
               S("Pero en la sede me dijeron que esa lista era vieja y que ahora piden también el récord policivo.",
                 "information", "R01")]),
        ("I", "¿Cómo hizo con el récord policivo?"),
        ("P", [S("Eso se saca en la DIJ, que queda al otro lado de la ciudad, y solo atienden en la mañana.",
                 "access", None),
               S("Perdí el día de trabajo con el taxi, como sesenta dólares que dejé de ganar.", "cost", None)]),
        ("I", "¿Y el examen de la vista?"),
        ("P", [S("El examen de la vista lo pasé rápido, no hubo ningún inconveniente.", None, "R07")]),
        ("I", "¿Qué pasó al final en la caja?"),
        ("P", [S("La cajera me cobró mal la tarifa y cuando le reclamé me contestó de mala gana que no era su "
                 "problema.", "staff", "R09"),
               S("Nadie me dio un número de teléfono para poner la queja.", "information", "R13")]),
        ("I", "¿Algo más que quiera contarnos?"),
        ("P", [S("Si me necesitan, me pueden llamar al 6450-7788 de lunes a viernes.", None, None,
                 ("PHONE", "6450-7788"))]),
    ]},
    "E15": {"lang": "en", "speaker": "Aiden Brooks", "interviewer": "Interviewer", "turns": [
        ("I", "Aiden, how did booking the appointment go?"),
        ("P", [S("The booking site only accepts a cédula number, so with my passport I simply couldn't register.",
                 "access", "R02"),
               S("I ended up calling 311, waited on hold for fifty minutes, and then the line went dead.",
                 "channel_failure", "R02")]),
        ("I", "And when you got to the office to hand in your documents?"),
        ("P", [S("They wanted my foreign licence translated and apostilled, which took two weeks and cost me about "
                 "120 dollars.", "documents", "R06"),
               S("To be fair, the staff at the counter explained everything very clearly.", None, "R06")]),
        ("I", "How was the road-safety talk?"),
        ("P", [S("The talk was entirely in Spanish and I understood maybe a third of it.", "complexity", "R08")]),
        ("I", "Anything you would suggest?"),
        ("P", [S("An English page with the requirements would save foreigners a lot of trouble.", None, None),
               S("My email is aiden.brooks@proton.me and I live at 4-B Paseo del Mar, Coronado.", None, None,
                 ("EMAIL", "aiden.brooks@proton.me"), ("ADDRESS", "4-B Paseo del Mar, Coronado"))]),
    ]},
    "E16": {"lang": "es", "speaker": "Osvaldo Jaén", "interviewer": "Entrevistador", "turns": [
        ("I", "¿Cuántas renovaciones atienden en la sede de Colón?"),
        ("P", [S("Entre ciento cincuenta y doscientas al día, con cuatro ventanillas.", None, None),
               S("Cuando se cae el internet, que es casi todas las semanas, tenemos que anotar todo en papel y "
                 "después pasarlo al sistema.", "internal_tools", None)]),
        ("I", "¿Y la impresión de las licencias?"),
        ("P", [S("La impresora de plásticos se daña seguido y el técnico viene desde Panamá, a veces tarda tres "
                 "días.", "channel_failure", "R12"),
               S("Mientras tanto le damos al usuario un permiso provisional en papel, y muchos policías no lo "
                 "aceptan.", "other", "R12")]),
        ("I", "¿Qué es lo que más les preguntan los usuarios?"),
        ("P", [S("Que les expliquemos por qué el paz y salvo sale con multas de otros carros, y eso no lo podemos "
                 "ver desde aquí.", "internal_tools", "R04"),
               S("La verdad, el equipo trabaja con muchas ganas, no me puedo quejar de mi gente.", None, None),
               S("Mi correo institucional es ojaen@sertracen.com.pa, por si quieren los datos.", None, None,
                 ("EMAIL", "ojaen@sertracen.com.pa"))]),
    ]},
}

NOTE_QUESTIONS = [
    "Requisitos y cita",
    "Certificado médico y multas",
    "Día de la cita en Sertracen",
    "Sugerencias",
]
# participant -> one list of sentences per question (third-person field notes)
NOTES = {
    "E05": [
        [S("Encontró los requisitos en el Instagram de la ATTT y le parecieron claros.", None, "R01")],
        [S("No sabía que tenía una multa de 2021, nadie le avisó nunca.", "information", "R04"),
         S("Pagó la multa en línea sin problema.", None, "R05")],
        [S("Esperó dos horas y media sentada en el piso porque no había sillas.", "waiting", None)],
        [S("Propone que se pueda renovar todo en línea.", None, None)],
    ],
    "E06": [
        [S("Llamó al 311 tres veces para preguntar los requisitos y en ninguna le contestaron.",
           "channel_failure", "R01")],
        [S("Para la licencia tipo E le pidieron además un certificado psicológico con sello del psicólogo.",
           "documents", "R03")],
        [S("El guardia de la entrada lo trató mal y le gritó que hiciera la fila afuera.", "staff", None),
         S("Un funcionario le ofreció adelantarlo si le daba veinte dólares.", "trust", None)],
        [S("Pide más ventanillas abiertas los sábados.", None, None)],
    ],
}

PARTICIPANTS = {
    "E01": "ciudadana", "E02": "citizen", "E03": "servidor público", "E04": "citizen", "E05": "ciudadana",
    "E06": "ciudadano", "E07": "ciudadano", "E08": "servidora pública", "E09": "citizen", "E10": "citizen",
    "E11": "ciudadano",
    "E12": "ciudadana", "E13": "citizen", "E14": "ciudadana", "E15": "citizen", "E16": "servidor público",
}

FILES = ["pasos.xlsx", "entrevistas_filas.xlsx", "entrevistas_por_hoja.xlsx", "notas_campo.xlsx",
         "entrevista_E07.csv", "E08.txt", "E09.docx", "E10.vtt", "E11.srt"]
TRANSCRIPT_FILES = FILES[1:]


# ----------------------------------------------------------------------------------------------
# Helpers
# ----------------------------------------------------------------------------------------------
def _turns(interview_id: str, rng: random.Random):
    """Yield (speaker, role, seconds, text, sentences) per turn, with plausible timestamps."""
    iv = INTERVIEWS[interview_id]
    t = rng.randint(4, 15)
    for kind, content in iv["turns"]:
        if kind == "I":
            yield iv["interviewer"], "interviewer", t, content, []
            t += rng.randint(5, 14)
        else:
            text = " ".join(s[0] for s in content)
            yield iv["speaker"], "participant", t, text, content
            t += 10 + len(text) // 10 + rng.randint(0, 25)


def _hms(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def _gold(sentences, *, file, row, column=None, sheet=None, interview_id, lang) -> list[dict]:
    """Gold records for the participant sentences of one utterance (offsets into its text)."""
    out, pos = [], 0
    for text, category, step, pii in sentences:
        spans = []
        for typ, value in pii:
            k = text.index(value)
            spans.append({"start": k, "end": k + len(value), "text": value, "type": typ})
        out.append({"file": file, "sheet": sheet, "row": row, "column": column, "interview_id": interview_id,
                    "sentence": text, "start": pos, "end": pos + len(text),
                    "is_pain": category is not None, "category": category, "step_id": step, "lang": lang,
                    "pii": spans})
        pos += len(text) + 1  # sentences are joined by one space
    return out


def _workbook():
    from openpyxl import Workbook

    wb = Workbook()
    wb.properties.creator = "Recorrido eval generator"
    wb.properties.created = FIXED_DATE
    wb.properties.modified = FIXED_DATE
    wb.remove(wb.active)
    return wb


def _save(document, path: Path) -> None:
    """Save a workbook or Word document byte-for-byte reproducibly (fixed zip entry dates)."""
    import zipfile

    buf = io.BytesIO()
    document.save(buf)
    buf.seek(0)
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_DATE.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl stamps "modified" with the clock
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + FIXED_DATE.strftime(
                    "%Y-%m-%dT%H:%M:%SZ").encode(), data)
            dst.writestr(fixed, data)


# ----------------------------------------------------------------------------------------------
# Writers
# ----------------------------------------------------------------------------------------------
def write_steps(out: Path) -> None:
    wb = _workbook()
    ws = wb.create_sheet(JOURNEY_ES)
    ws.append(["Recorrido: renovación de la licencia de conducir (ATTT / Sertracen)"])
    ws.append([])
    ws.append(STEP_HEADERS_ES)
    for k, (sid, stage, name, ch, lane, agency, nxt, wait, vol, docs, syn) in enumerate(STEPS, start=1):
        ws.append([sid, stage, name, ch, lane, agency, k, nxt, wait, vol, docs, syn])
    _save(wb, out / "pasos.xlsx")


def write_transcripts(out: Path, rng: random.Random) -> list[dict]:
    """Write every transcript file; return the gold records."""
    gold: list[dict] = []

    # (a) rows layout, two interviews in one sheet, title above the header
    wb = _workbook()
    ws = wb.create_sheet("Transcripciones")
    ws.append(["Entrevistas: renovación de licencia (transcripción limpia, octubre 2026)"])
    ws.append([])
    ws.append(["Entrevista", "Participante", "Hablante", "Minuto", "Texto"])
    for iid in ("E01", "E02"):
        for speaker, role, secs, text, sentences in _turns(iid, rng):
            ws.append([iid, iid, speaker, _hms(secs), text])
            if role == "participant":
                gold += _gold(sentences, file="entrevistas_filas.xlsx", sheet="Transcripciones", row=ws.max_row,
                              interview_id=iid, lang=INTERVIEWS[iid]["lang"])
    rng3 = random.Random(SEED + 3)  # the third batch has its own generator too
    for iid in ("E14", "E15"):
        for speaker, role, secs, text, sentences in _turns(iid, rng3):
            ws.append([iid, iid, speaker, _hms(secs), text])
            if role == "participant":
                gold += _gold(sentences, file="entrevistas_filas.xlsx", sheet="Transcripciones", row=ws.max_row,
                              interview_id=iid, lang=INTERVIEWS[iid]["lang"])
    _save(wb, out / "entrevistas_filas.xlsx")

    # (b) one sheet per interview, plus an index sheet that holds no utterances
    wb = _workbook()
    idx = wb.create_sheet("Índice")
    idx.append(["Hoja", "Participante", "Segmento", "Fecha", "Idioma"])
    for iid, date in (("E03", "2026-10-06"), ("E04", "2026-10-08"), ("E12", "2026-10-22"), ("E13", "2026-10-23")):
        idx.append([iid, iid, PARTICIPANTS[iid], date, INTERVIEWS[iid]["lang"]])
    for iid in ("E03", "E04"):
        ws = wb.create_sheet(iid)
        lang = INTERVIEWS[iid]["lang"]
        ws.append(["Tiempo", "Hablante", "Texto"] if lang == "es" else ["Time", "Speaker", "Text"])
        for speaker, role, secs, text, sentences in _turns(iid, rng):
            ws.append([_hms(secs), speaker, text])
            if role == "participant":
                gold += _gold(sentences, file="entrevistas_por_hoja.xlsx", sheet=iid, row=ws.max_row,
                              interview_id=iid, lang=lang)
    rng2 = random.Random(SEED + 2)  # the second batch has its own generator: the first batch stays as it was
    for iid in ("E12", "E13"):
        ws = wb.create_sheet(iid)
        lang = INTERVIEWS[iid]["lang"]
        ws.append(["Tiempo", "Hablante", "Texto"] if lang == "es" else ["Time", "Speaker", "Text"])
        for speaker, role, secs, text, sentences in _turns(iid, rng2):
            ws.append([_hms(secs), speaker, text])
            if role == "participant":
                gold += _gold(sentences, file="entrevistas_por_hoja.xlsx", sheet=iid, row=ws.max_row,
                              interview_id=iid, lang=lang)
    _save(wb, out / "entrevistas_por_hoja.xlsx")

    # (c) notes grid: one row per participant, one column per question
    wb = _workbook()
    ws = wb.create_sheet("Notas")
    ws.append(["Notas de campo: sedes de Sertracen en Panamá y Colón (octubre 2026)"])
    ws.append([])
    ws.append(["Participante"] + NOTE_QUESTIONS)
    for pid, answers in NOTES.items():
        ws.append([pid] + [" ".join(s[0] for s in a) for a in answers])
        for question, sentences in zip(NOTE_QUESTIONS, answers, strict=True):
            gold += _gold(sentences, file="notas_campo.xlsx", sheet="Notas", row=ws.max_row, column=question,
                          interview_id=pid, lang="es")
    _save(wb, out / "notas_campo.xlsx")

    # (d) CSV exported by a Spanish Excel: cp1252, semicolons, CRLF
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=";", lineterminator="\r\n")
    w.writerow(["Entrevista", "Participante", "Hablante", "Tiempo", "Texto"])
    line = 1
    for speaker, role, secs, text, sentences in _turns("E07", rng):
        w.writerow(["E07", "E07", speaker, _hms(secs), text])
        line += 1
        if role == "participant":
            gold += _gold(sentences, file="entrevista_E07.csv", row=line, interview_id="E07", lang="es")
    for speaker, role, secs, text, sentences in _turns("E16", rng3):
        w.writerow(["E16", "E16", speaker, _hms(secs), text])
        line += 1
        if role == "participant":
            gold += _gold(sentences, file="entrevista_E07.csv", row=line, interview_id="E16", lang="es")
    (out / "entrevista_E07.csv").write_bytes(buf.getvalue().encode("cp1252"))

    # (e) plain text: header block, [hh:mm:ss] Nombre: texto, turns separated by blank lines
    lines = ["Proyecto: Renovación de licencia de conducir", "Entrevista: E08", "Fecha: 2026-10-14",
             "Participante: E08 (servidora pública, ATTT)", "Entrevistadora: Carmen Lasso", "",
             "[Nota: entrevista presencial en Albrook; se grabó con consentimiento]", ""]
    for speaker, role, secs, text, sentences in _turns("E08", rng):
        lines.append(f"[{_hms(secs)}] {speaker}: {text}")
        if role == "participant":
            gold += _gold(sentences, file="E08.txt", row=len(lines), interview_id="E08", lang="es")
        lines.append("")
    (out / "E08.txt").write_text("\n".join(lines), encoding="utf-8")

    # (f) Word: heading, a note paragraph, then one paragraph per turn "Speaker: text"
    import docx

    doc = docx.Document()
    doc.core_properties.created = FIXED_DATE
    doc.core_properties.modified = FIXED_DATE
    doc.core_properties.author = "Recorrido eval generator"
    doc.add_heading("Interview E09: licence renewal, wheelchair user", level=1)
    doc.add_paragraph("[Notes: in person, 2026-10-16, 30 minutes]")
    for speaker, role, _secs, text, sentences in _turns("E09", rng):
        label = "Interviewer" if role == "interviewer" else speaker.split()[0]
        p = doc.add_paragraph()
        p.add_run(f"{label}: ").bold = True
        p.add_run(text)
        if role == "participant":
            gold += _gold(sentences, file="E09.docx", row=len(doc.paragraphs), interview_id="E09", lang="en")
    _save(doc, out / "E09.docx")

    # (g) WebVTT with <v Name> voice tags, numbered cues
    parts = ["WEBVTT", "", "NOTE Interview E10, licence renewal, video call 2026-10-20", ""]
    for cue, (speaker, role, secs, text, sentences) in enumerate(_turns("E10", rng), start=1):
        end = secs + max(4, len(text) // 14)
        parts += [str(cue), f"{_hms(secs)}.000 --> {_hms(end)}.000", f"<v {speaker}>{text}", ""]
        if role == "participant":
            gold += _gold(sentences, file="E10.vtt", row=cue, interview_id="E10", lang="en")
    (out / "E10.vtt").write_text("\n".join(parts), encoding="utf-8")

    # (h) SubRip: cue text "Speaker: text"
    parts = []
    for cue, (speaker, role, secs, text, sentences) in enumerate(_turns("E11", rng), start=1):
        end = secs + max(4, len(text) // 14)
        label = "Entrevistador" if role == "interviewer" else speaker.split()[0]
        parts += [str(cue), f"{_hms(secs)},000 --> {_hms(end)},000", f"{label}: {text}", ""]
        if role == "participant":
            gold += _gold(sentences, file="E11.srt", row=cue, interview_id="E11", lang="es")
    (out / "E11.srt").write_text("\n".join(parts), encoding="utf-8")
    return gold


def generate(out: str | Path = HERE) -> list[dict]:
    """Write the evaluation set into ``out`` and return the gold records (also in gold.jsonl)."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(SEED)
    write_steps(out)
    gold = write_transcripts(out, rng)
    with open(out / "gold.jsonl", "w", encoding="utf-8", newline="\n") as fh:
        for g in gold:
            fh.write(json.dumps(g, ensure_ascii=False) + "\n")
    return gold


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(HERE), help="output folder (default: data/eval)")
    args = ap.parse_args(argv)
    gold = generate(args.out)
    print(f"wrote {len(gold)} gold sentences to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
