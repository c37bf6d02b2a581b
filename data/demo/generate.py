"""Regenerate the embedded demo project: opening a small business in Panama.

Run from the repository root::

    python data/demo/generate.py                 # writes data/demo/* and data/templates/*
    python data/demo/generate.py --out DIR --templates DIR2

Everything is deterministic (one seed, fixed document dates), so regenerating gives the same
cell values and text. People, phone numbers, ID numbers, addresses and e-mails are invented.

What it writes (``data/demo/``):

* ``steps.xlsx`` — the designed journey, Spanish headers, one sheet per journey (sheet
  ``Apertura de negocio``, a title row above the header) plus a ``Léeme`` sheet that is not steps.
  ``steps_en.csv`` — the same steps with English headers and names, same ``step_id``.
* ``events.csv`` — an event log of 3,000 cases. ``activity`` is the step **name as written in
  steps.xlsx** (column ``Paso``) and the extra column ``step_id`` holds its id, so the log links to
  either steps sheet; ``channel`` uses the steps' channel keys; timestamps are ISO 8601 with the
  Panama offset ``-05:00``; ``lifecycle`` is ``complete``.
* transcripts in eight layouts (``entrevistas_filas.xlsx`` rows, ``entrevistas_por_hoja.xlsx``
  one sheet per interview plus an index sheet, ``notas_campo.xlsx`` notes grid, ``entrevista_P06.csv``
  cp1252 with semicolons, ``P07.txt``, ``P08.docx``, ``P09.vtt``, ``P10.srt``). Interview ids equal
  participant ids (``P01`` … ``P13``); single-interview files are named by them.
* ``participants.xlsx`` — Spanish headers; ``segment`` values are the canonical keys
  (citizen, business, visitor, public_servant).
* ``annotations.jsonl`` — a gold label for every participant sentence: ``file``, ``row``
  (Excel row, text line, Word paragraph or cue number — the reader's ``source_row``), ``column``
  (question header for the notes grid, else null), ``sheet``, ``interview_id``, ``sentence``,
  ``start``/``end`` (offsets of the sentence in the utterance text, speaker label and timestamp
  excluded), ``is_pain``, ``category`` (DESIGN.md §4; null when not a pain), ``step_id`` (null
  when the sentence and its context name no step), ``lang``, and ``pii`` (spans of personal data
  in the sentence: ``start``, ``end``, ``text``, ``type``). Labels are emitted with the text from
  the same data, so they cannot drift apart.
* ``manifest.json`` — the project's files and kinds.

And ``data/templates/``: Excel import templates in Spanish and English (transcripts rows, notes
grid, participants, steps, event log), a header row and two example rows each.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
import random
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

__all__ = ["SEED", "STEPS", "INTERVIEWS", "NOTES", "PARTICIPANTS", "generate"]

SEED = 20250611
HERE = Path(__file__).resolve().parent
FIXED_DATE = datetime(2025, 6, 11, 9, 0, 0)
PANAMA = timezone(timedelta(hours=-5))
JOURNEY_ES = "Apertura de negocio"
JOURNEY_EN = "Opening a small business"

# ----------------------------------------------------------------------------------------------
# The designed journey
# ----------------------------------------------------------------------------------------------
# id, stage_es, stage_en, name_es, name_en, channels, lane, agency, next, wait_days, volume/month,
# documents (es), documents (en), synonyms (es and en words people use for the step)
STEPS = [
    ("S01", "Informarse", "Get informed", "Informarse sobre los requisitos", "Find out the requirements",
     "web; 311; WhatsApp", "cliente", "MICI - Panamá Emprende", "S02", 0, 1800, "", "",
     "requisitos; información; línea 311; requirements; information; checklist"),
    ("S02", "Registro", "Registration", "Crear usuario en Panamá Emprende", "Create a Panamá Emprende account",
     "web", "cliente", "MICI - Panamá Emprende", "S03", 0.5, 1500, "Cédula", "Cédula (ID card)",
     "usuario; cuenta; contraseña; registrarse; account; sign up; login"),
    ("S03", "Impuestos", "Taxes", "Inscribirse en el RUC en la DGI", "Register for a tax number (RUC) at DGI",
     "web; oficina", "cliente", "DGI", "S04", 1, 1300, "Cédula; Comprobante de domicilio",
     "Cédula (ID card); Proof of address",
     "RUC; NIT; e-Tax; DGI; número tributario; tax number; tax registration"),
    ("S04", "Impuestos", "Taxes", "Validar y asignar el NIT", "Validate and assign the tax number",
     "web", "interno", "DGI", "S05", 2, 1300, "", "", "validación del RUC; NIT asignado; tax validation"),
    ("S05", "Registro", "Registration", "Solicitar el Aviso de Operación en línea",
     "Apply for the Aviso de Operación online", "web; oficina", "cliente", "MICI - Panamá Emprende",
     "S06; S15", 0, 1250, "Cédula; RUC; Contrato de arrendamiento", "Cédula (ID card); RUC; Lease contract",
     "aviso de operación; aviso; licencia comercial; formulario; operating notice; business licence; online form"),
    ("S06", "Registro", "Registration", "Revisar los documentos del aviso", "Review the aviso documents",
     "ventanilla; correo electrónico", "ventanilla", "MICI - Panamá Emprende", "S05; S07", 3, 1250,
     "Cédula; Contrato de arrendamiento", "Cédula (ID card); Lease contract",
     "revisión de documentos; ventanilla de Panamá Emprende; document review; counter"),
    ("S07", "Permisos municipales", "Municipal permits", "Transcribir el aviso al sistema municipal",
     "Re-key the aviso into the municipal system", "oficina", "interno", "Municipio de Panamá", "S08",
     4, 1100, "", "", "digitar; transcribir; sistema de la Tesorería; re-key; retype; municipal system"),
    ("S08", "Permisos municipales", "Municipal permits", "Obtener el paz y salvo municipal",
     "Get the municipal clearance (paz y salvo)", "oficina; kiosco", "cliente", "Municipio de Panamá",
     "S09", 5, 1100, "Cédula; Aviso de Operación; Paz y salvo", "Cédula (ID card); Aviso de Operación; Paz y salvo",
     "paz y salvo; Municipio; Tesorería; municipal clearance; municipality"),
    ("S09", "Permisos municipales", "Municipal permits", "Pagar el impuesto municipal", "Pay the municipal tax",
     "web; kiosco; oficina", "cliente", "Municipio de Panamá", "S10", 1, 1050, "Paz y salvo", "Paz y salvo",
     "pago; caja; tasa; impuesto municipal; payment; municipal tax; cashier"),
    ("S10", "Inspección", "Inspection", "Solicitar la inspección de Bomberos", "Request the fire-safety inspection",
     "correo electrónico; WhatsApp; oficina", "cliente", "Bomberos", "S11", 10, 900,
     "Cédula; Aviso de Operación; Plano del local", "Cédula (ID card); Aviso de Operación; Floor plan",
     "Bomberos; permiso de Bomberos; inspección; fire department; fire inspection; fire permit"),
    ("S11", "Inspección", "Inspection", "Inspeccionar el local", "Inspect the premises",
     "presencial", "ventanilla", "Bomberos", "S10; S12; S14", 7, 880, "", "",
     "inspector; visita; extintores; inspection visit; premises"),
    ("S12", "Seguridad social", "Social security", "Inscribirse como empleador en la CSS",
     "Register as an employer with CSS", "oficina; web", "cliente", "CSS", "S12; S13", 6, 600,
     "Cédula; Aviso de Operación; Paz y salvo; RUC", "Cédula (ID card); Aviso de Operación; Paz y salvo; RUC",
     "CSS; Caja de Seguro Social; la Caja; número patronal; empleador; social security; employer"),
    ("S13", "Seguridad social", "Social security", "Digitar la inscripción patronal en SIPE",
     "Key the employer registration into SIPE", "oficina", "interno", "CSS", "S14", 3, 600, "", "",
     "SIPE; planilla; inscripción patronal; payroll system"),
    ("S14", "Facturación", "Invoicing", "Habilitar la facturación electrónica", "Set up electronic invoicing",
     "web; oficina; correo electrónico", "cliente", "DGI", "S16", 8, 700, "RUC; Aviso de Operación; Cédula",
     "RUC; Aviso de Operación; Cédula (ID card)",
     "factura electrónica; facturación; impresora fiscal; PAC; e-invoicing; fiscal printer; invoice"),
    ("S15", "Registro", "Registration", "Atender fallas del portal (mesa de ayuda)", "Help desk for portal failures",
     "teléfono; correo electrónico; WhatsApp", "soporte", "MICI - Panamá Emprende", "S05", 2, 400, "", "",
     "mesa de ayuda; soporte; error del portal; help desk; help line; support"),
    ("S16", "Facturación", "Invoicing", "Emitir la primera factura", "Issue the first invoice",
     "web", "cliente", "DGI", "", 0, 650, "", "", "primera factura; first invoice"),
]
STEP_NAME = {s[0]: s[3] for s in STEPS}
LANE_EN = {"cliente": "customer", "ventanilla": "frontstage", "interno": "backstage", "soporte": "support"}
CHANNEL_EN = {"web": "web", "311": "phone", "WhatsApp": "WhatsApp", "oficina": "office", "ventanilla": "counter",
              "correo electrónico": "e-mail", "kiosco": "kiosk", "presencial": "in person", "teléfono": "phone"}


def _channels_en(cell: str) -> str:
    return "; ".join(CHANNEL_EN[c.strip()] for c in cell.split(";"))


# ----------------------------------------------------------------------------------------------
# Participants
# ----------------------------------------------------------------------------------------------
# id, segment, region, age band, digital skills, preferred channel, access needs
PARTICIPANTS = [
    ("P01", "business", "Panamá (San Miguelito)", "45-54", "media", "WhatsApp", ""),
    ("P02", "citizen", "Colón", "25-34", "media", "WhatsApp", ""),
    ("P03", "public_servant", "Panamá (ciudad)", "35-44", "alta", "oficina", ""),
    ("P04", "business", "Chiriquí (David)", "55-64", "baja", "oficina", "lentes para leer"),
    ("P05", "visitor", "Chiriquí (Boquete)", "35-44", "alta", "correo electrónico", "no habla español"),
    ("P06", "citizen", "Panamá Oeste (Arraiján)", "65+", "baja", "oficina", "movilidad reducida"),
    ("P07", "public_servant", "Panamá (ciudad)", "45-54", "media", "oficina", ""),
    ("P08", "business", "Bocas del Toro", "35-44", "alta", "web", ""),
    ("P09", "visitor", "Panamá Pacífico", "45-54", "alta", "correo electrónico", "no habla español"),
    ("P10", "citizen", "Panamá Oeste (Vacamonte)", "18-24", "alta", "WhatsApp", "sin computadora"),
    ("P11", "business", "Panamá (ciudad)", "35-44", "media", "web", ""),
    ("P12", "citizen", "Coclé (Penonomé)", "25-34", "media", "WhatsApp", ""),
    ("P13", "citizen", "Veraguas (Santiago)", "55-64", "baja", "teléfono", "audición reducida"),
]
PARTICIPANT_HEADERS_ES = ["ID participante", "Segmento", "Región", "Rango de edad", "Habilidades digitales",
                          "Canal preferido", "Necesidades de acceso"]

# ----------------------------------------------------------------------------------------------
# Interviews. A participant turn is a list of sentences (text, category, step_id, pii); the
# category is None when the sentence is not a pain; step_id None when no step is clear.
# pii: tuple of (TYPE, text as it appears in the sentence).
# ----------------------------------------------------------------------------------------------


def S(text, category=None, step=None, *pii):  # noqa: N802 - a tiny DSL, reads like the transcript
    return (text, category, step, tuple(pii))


INTERVIEWS = {
    "P01": {
        "lang": "es", "speaker": "Rosa Delgado", "interviewer": "Entrevistadora", "turns": [
            ("I", "Buenos días, gracias por aceptar la entrevista. Para empezar, ¿cómo se enteró de los "
                  "requisitos para abrir su negocio?"),
            ("P", [S("Bueno, yo me llamo Rosa Delgado y tengo una fonda en San Miguelito.", None, None,
                     ("PERSON", "Rosa Delgado")),
                   S("Primero busqué en la página de Panamá Emprende, pero la información de los requisitos "
                     "estaba incompleta.", "information", "S01"),
                   S("Entonces llamé al 311 y me dijeron otra cosa distinta.", "information", "S01")]),
            ("I", "¿Y cómo le fue creando el usuario en Panamá Emprende?"),
            ("P", [S("Crear el usuario fue fácil, no tuve problema con eso.", None, "S02"),
                   S("Me llegó el correo de confirmación al ratito a rosa.delgado@correo.pa.", None, "S02",
                     ("EMAIL", "rosa.delgado@correo.pa"))]),
            ("I", "Después tenía que sacar el RUC en la DGI. ¿Cómo fue esa parte?"),
            ("P", [S("En la DGI el sistema e-Tax se caía a cada rato y perdí dos veces todo lo que había llenado.",
                     "channel_failure", "S03"),
                   S("Al final fui a la oficina de la DGI en la Vía España y allá me atendieron rápido.", None,
                     "S03")]),
            ("I", "Cuénteme del Aviso de Operación en línea."),
            ("P", [S("El formulario del aviso de operación es un enredo, uno no sabe qué poner en la actividad "
                     "comercial.", "complexity", "S05"),
                   S("Le di enviar y la página me botó un error, así que tuve que llamar a la mesa de ayuda.",
                     "channel_failure", "S05"),
                   S("En la mesa de ayuda nadie contestaba, estuve como cuarenta minutos en espera.", "waiting",
                     "S15")]),
            ("I", "¿Y qué pasó después?"),
            ("P", [S("Me tocó ir a la ventanilla de Panamá Emprende y allí me pidieron otra vez la copia de la "
                     "cédula, que ya la había subido en línea.", "repetition", "S06"),
                   S("Los funcionarios fueron amables, pero esperé cuatro horas para que revisaran los papeles.",
                     "waiting", "S06")]),
            ("I", "¿Cómo le fue en el Municipio con el paz y salvo?"),
            ("P", [S("En el Municipio me pidieron el aviso de operación impreso y con sello, aunque ellos mismos "
                     "lo pueden ver en el sistema.", "documents", "S08"),
                   S("Tuve que cerrar la fonda ese día y perdí como B/.80.00 de venta.", "cost", "S08"),
                   S("Y una señora del Municipio me dijo que eso no era ahí y no me quiso explicar a dónde tenía "
                     "que ir.", "staff", "S08")]),
            ("I", "¿Y la inspección de los Bomberos?"),
            ("P", [S("La inspección fue rápida, el inspector llegó a las 9 a.m. como quedamos.", None, "S11"),
                   S("Eso sí, me pidió otra vez la copia de la cédula y del aviso de operación.", "repetition",
                     "S11")]),
            ("I", "¿Algo más que quiera agregar?"),
            ("P", [S("Si alguien quiere contactarme para seguimiento, mi número es 6123-4567.", None, None,
                     ("PHONE", "6123-4567")),
                   S("Lo que más me molestó es sentir que cada oficina me pide lo mismo.", "repetition", None)]),
        ]},
    "P02": {
        "lang": "es", "speaker": "Carlos Méndez", "interviewer": "Entrevistador", "turns": [
            ("I", "Gracias por participar, Carlos. ¿Qué negocio quería abrir?"),
            ("P", [S("Una barbería pequeña en Colón, en la calle 8, casa 12-34.", None, None,
                     ("ADDRESS", "calle 8, casa 12-34")),
                   S("Mi cédula es 3-712-1456, por si la necesitan para el registro.", None, None,
                     ("NATIONAL_ID", "3-712-1456"))]),
            ("I", "¿Cómo buscó la información al inicio?"),
            ("P", [S("Escribí al WhatsApp de Panamá Emprende y me respondieron el mismo día con la lista de "
                     "requisitos.", None, "S01"),
                   S("Eso sí me gustó, fue claro.", None, "S01")]),
            ("I", "¿Y el registro en la DGI para el RUC?"),
            ("P", [S("No entendí la diferencia entre el RUC y el NIT, y el instructivo usa palabras que uno no "
                     "conoce.", "complexity", "S03"),
                   S("Lo hice en línea y salió bien.", None, "S03")]),
            ("I", "¿Y la revisión del aviso de operación?"),
            ("P", [S("Me dijeron que tenía que llevar los documentos a la ventanilla en la ciudad, porque en Colón "
                     "no había quien los revisara.", "access", "S06"),
                   S("Son dos horas de bus de ida y dos de vuelta, y gasté como veinte dólares de pasaje.",
                     "cost", "S06"),
                   S("Allá el Sr. que me atendió no sabía si una barbería necesita permiso de Bomberos, de "
                     "salud, etc., y me mandó a preguntar al Municipio.", "staff", "S06")]),
            ("I", "¿Cómo fue la inspección de los Bomberos?"),
            ("P", [S("La solicitud de inspección la mandé por correo y pasaron tres semanas sin respuesta.",
                     "waiting", "S10"),
                   S("Nadie me decía en qué estado estaba mi trámite.", "information", "S10"),
                   S("Cuando por fin vino el inspector, fue muy profesional y me explicó todo.", None, "S11")]),
            ("I", "¿Y la inscripción como empleador en la Caja de Seguro Social?"),
            ("P", [S("Todavía no he contratado a nadie, así que no he ido a la Caja.", None, "S12")]),
        ]},
    "P03": {
        "lang": "es", "speaker": "Yaritza Pinzón", "interviewer": "Entrevistadora", "turns": [
            ("I", "¿Cuál es su trabajo en la ventanilla de Panamá Emprende?"),
            ("P", [S("Yo reviso los documentos del aviso de operación cuando la gente viene a la ventanilla.",
                     None, "S06"),
                   S("Muchos llegan porque el portal les dio error y no pudieron terminar en línea.",
                     "channel_failure", "S05")]),
            ("I", "¿Qué herramientas usa para revisar los documentos?"),
            ("P", [S("El sistema de Panamá Emprende no se conecta con el de la DGI, entonces tengo que verificar "
                     "el RUC a mano en otra pantalla.", "internal_tools", "S06"),
                   S("Después copio los datos del aviso en una hoja de Excel para el Municipio, uno por uno.",
                     "internal_tools", "S07"),
                   S("Eso nos toma unos quince minutos por expediente.", "internal_tools", "S07"),
                   S("Y cuando el sistema se cae, anotamos todo en papel y después hay que pasarlo otra vez.",
                     "internal_tools", "S06")]),
            ("I", "¿Qué es lo que más le cuesta a la gente en el formulario del aviso?"),
            ("P", [S("Donde más se confunden es en la actividad comercial, porque la lista tiene cientos de "
                     "códigos.", "complexity", "S05"),
                   S("Y muchos traen la cédula vencida y hay que devolverlos.", "documents", "S06")]),
            ("I", "¿Cuántas personas atienden en un día?"),
            ("P", [S("En un día normal atendemos unas ochenta personas y somos solo dos funcionarias, no damos "
                     "abasto.", "internal_tools", "S06")]),
            ("I", "¿Hay algo que funcione bien?"),
            ("P", [S("La línea de WhatsApp ha ayudado mucho, la gente llega mejor preparada.", None, "S01"),
                   S("No tengo quejas del equipo, nos apoyamos entre todos.", None, None)]),
        ]},
    "P04": {
        "lang": "es", "speaker": "Luis Ábrego", "interviewer": "Entrevistador", "turns": [
            ("I", "Luis, ¿en qué parte del trámite tuvo más dificultades?"),
            ("P", [S("Lo más pesado fue la inscripción como empleador en la Caja de Seguro Social.", "complexity",
                     "S12"),
                   S("Fui tres veces a la agencia de la CSS en David porque cada vez faltaba un papel distinto.",
                     "repetition", "S12")]),
            ("I", "¿Qué papeles le pedían en la CSS?"),
            ("P", [S("Me pidieron el paz y salvo municipal, que ya había entregado en el Municipio, y el aviso de "
                     "operación autenticado.", "repetition", "S12"),
                   S("La autenticación del aviso cuesta y hay que hacerla en la ciudad de Panamá.", "cost", "S12")]),
            ("I", "¿Y la facturación electrónica?"),
            ("P", [S("Para la factura electrónica tuve que contratar un proveedor PAC y nadie me explicó cuál "
                     "escoger.", "information", "S14"),
                   S("El proveedor cobra B/.25.00 al mes, que para un negocio chico es bastante.", "cost", "S14")]),
            ("I", "¿Y qué le pidieron para la inspección de Bomberos?"),
            ("P", [S("Me exigieron una certificación de los extintores firmada y sellada por una empresa "
                     "autorizada.", "documents", "S10"),
                   S("Además el plano del local tenía que estar notariado.", "documents", "S10")]),
            ("I", "¿Cómo le fue con el pago del impuesto municipal?"),
            ("P", [S("El pago lo hice en el kiosco del Municipio y fue rapidito, como cinco minutos.", None,
                     "S09")]),
            ("I", "¿Confía en que sus datos y su trámite estén seguros?"),
            ("P", [S("La verdad me da miedo subir tantos documentos a tantos portales, no sé quién los ve.",
                     "trust", None),
                   S("Un conocido me ofreció agilizar el permiso de Bomberos por cincuenta dólares, y eso no me "
                     "pareció correcto.", "trust", "S10")]),
            ("I", "¿Cómo lo podemos contactar?"),
            ("P", [S("Pueden escribirme a luis.abrego@ferreteriachiriqui.com o llamarme al +507 6987-1122.", None,
                     None, ("EMAIL", "luis.abrego@ferreteriachiriqui.com"), ("PHONE", "+507 6987-1122"))]),
        ]},
    "P05": {
        "lang": "en", "speaker": "Hannah Becker", "interviewer": "Interviewer", "turns": [
            ("I", "Thanks for joining. How did you first look for information about opening the café?"),
            ("P", [S("I searched online, but most of the Panamá Emprende site is only in Spanish.", "access", "S01"),
                   S("I called 311 and the agent was very patient, but she could not tell me if a foreigner "
                     "needs a different permit.", "information", "S01")]),
            ("I", "How did creating the Panamá Emprende account go?"),
            ("P", [S("The account page itself looked simple.", None, "S02"),
                   S("But the form would not accept my passport number, it only takes a cédula, and there was "
                     "no other option.", "access", "S02")]),
            ("I", "What happened with the tax registration at DGI?"),
            ("P", [S("A lawyer did the RUC for me, which cost me four hundred dollars.", "cost", "S03"),
                   S("I would not have managed it alone, the e-Tax portal is really confusing.", "complexity",
                     "S03")]),
            ("I", "And the fire inspection?"),
            ("P", [S("The Bomberos inspection in Boquete took almost a month to be scheduled.", "waiting", "S10"),
                   S("When the inspector came he was friendly and thorough, no complaints there.", None, "S11")]),
            ("I", "How did you pay the municipal tax?"),
            ("P", [S("The kiosk at the municipality only took cash, and nobody had told me that beforehand.",
                     "information", "S09"),
                   S("I came back twice because the cashier closes at 3 p.m.", "repetition", "S09")]),
            ("I", "Anything else you would like to add?"),
            ("P", [S("Honestly, the people were kind everywhere.", None, None),
                   S("It would help if there were one checklist in English with every step.", None, None),
                   S("My email is hannah.becker@mailbox.de if you need anything.", None, None,
                     ("EMAIL", "hannah.becker@mailbox.de"))]),
        ]},
    "P06": {
        "lang": "es", "speaker": "Elvia Castillo", "interviewer": "Entrevistadora", "turns": [
            ("I", "Doña Elvia, ¿cómo empezó el trámite en Panamá Emprende?"),
            ("P", [S("Yo no sé mucho de computadoras, así que mi nieta me ayudó a crear el usuario.", "access",
                     "S02"),
                   S("En mi casa el internet es muy lento y la página se quedaba cargando.", "access", "S02")]),
            ("I", "¿Y cuando tuvo que llevar los documentos a la ventanilla?"),
            ("P", [S("La oficina abre a las 8 a.m. y cierra a las 3 p.m., y yo trabajo en ese horario.", "access",
                     "S06"),
                   S("Tuve que pedir permiso en el trabajo y me descontaron el día.", "cost", "S06")]),
            ("I", "¿Qué le pareció la atención en la ventanilla?"),
            ("P", [S("Un señor de la ventanilla me habló feo y me dijo que volviera otro día sin explicarme qué "
                     "faltaba.", "staff", "S06"),
                   S("Otra funcionaria, en cambio, me ayudó mucho.", None, "S06")]),
            ("I", "¿Cómo fue sacar el paz y salvo en el Municipio?"),
            ("P", [S("En el Municipio no tuve ningún problema, salí en media hora con mi paz y salvo.", None,
                     "S08")]),
            ("I", "¿Y la inspección de Bomberos?"),
            ("P", [S("Los de Bomberos me pidieron un plano del local hecho por un arquitecto.", "documents", "S10"),
                   S("Eso me costó ciento cincuenta dólares que no tenía previstos.", "cost", "S10")]),
            ("I", "Muchas gracias, doña Elvia."),
            ("P", [S("Con gusto, mi teléfono es 223-4567 por si necesitan algo más.", None, None,
                     ("PHONE", "223-4567"))]),
        ]},
    "P07": {
        "lang": "es", "speaker": "Gilberto Sánchez", "interviewer": "Entrevistadora", "turns": [
            ("I", "Gracias por su tiempo. ¿Qué hace usted en el trámite de apertura de negocios?"),
            ("P", [S("Yo recibo los avisos de operación que llegan de Panamá Emprende y los registro en el sistema "
                     "de la Tesorería.", None, "S07"),
                   S("El problema es que no llegan por el sistema, me los mandan en un Excel por correo.",
                     "internal_tools", "S07")]),
            ("I", "¿Cómo hace entonces el registro de cada aviso?"),
            ("P", [S("Tengo que digitar cada aviso a mano, campo por campo, en nuestro sistema.", "internal_tools",
                     "S07"),
                   S("Cuando hay errores de digitación el contribuyente después viene a reclamar y hay que "
                     "corregir todo.", "internal_tools", "S07")]),
            ("I", "¿Y el paz y salvo municipal, cómo lo emiten?"),
            ("P", [S("El paz y salvo lo emitimos en la ventanilla, pero el sistema se cuelga casi todas las tardes.",
                     "internal_tools", "S08"),
                   S("Entonces la fila crece y la gente espera dos o tres horas.", "waiting", "S08")]),
            ("I", "¿Qué documentos piden para el paz y salvo?"),
            ("P", [S("Pedimos la cédula y el aviso de operación otra vez, aunque ya vienen en el expediente, porque "
                     "el reglamento lo exige.", "repetition", "S08"),
                   S("Yo sé que eso molesta a la gente, pero no depende de nosotros.", None, "S08"),
                   S("A veces los contribuyentes llegan molestos porque en Panamá Emprende les dijeron otra cosa.",
                     "information", "S08")]),
            ("I", "¿Qué cambiaría si pudiera?"),
            ("P", [S("Si el sistema de Panamá Emprende estuviera conectado con el nuestro, nos ahorraríamos la "
                     "mitad del trabajo.", None, "S07"),
                   S("Aquí somos tres personas para todo el distrito y no damos abasto.", "internal_tools", None),
                   S("Si necesitan más datos pueden escribirme a gsanchez@municipio.gob.pa.", None, None,
                     ("EMAIL", "gsanchez@municipio.gob.pa"))]),
        ]},
    "P08": {
        "lang": "en", "speaker": "Marcus Archibold", "interviewer": "Interviewer", "turns": [
            ("I", "Can you walk me through how you applied for the Aviso de Operación?"),
            ("P", [S("Sure, I started on the Panamá Emprende website one evening.", None, "S05"),
                   S("The online form crashed right at the end, and I had to start over twice.", "channel_failure",
                     "S05")]),
            ("I", "What did you do then?"),
            ("P", [S("I called the help line, and they told me to send an e-mail to support.", "channel_failure",
                     "S15"),
                   S("I sent the e-mail and never got an answer.", "channel_failure", "S15"),
                   S("In the end I took the boat and the bus to Panama City to do it at the counter, which took "
                     "me two full days.", "access", "S06")]),
            ("I", "How was the tax registration with DGI?"),
            ("P", [S("The DGI part was fine, I already had a RUC from a previous job.", None, "S03")]),
            ("I", "And the municipal clearance, the paz y salvo?"),
            ("P", [S("At the municipality they asked me for the same documents I had already given to Panamá "
                     "Emprende.", "repetition", "S08"),
                   S("Nobody could tell me why they need a paper copy when it is all in the system.",
                     "information", "S08")]),
            ("I", "What about setting up electronic invoicing?"),
            ("P", [S("The invoicing provider asked for the RUC certificate, the aviso and my ID again, even though "
                     "DGI already has all of that.", "repetition", "S14"),
                   S("It took eight days to get the invoicing activated.", "waiting", "S14")]),
            ("I", "How did you feel about the process overall?"),
            ("P", [S("It wasn't bad at all once I knew what to do.", None, None),
                   S("But I was worried the whole time that one small mistake would cancel the whole "
                     "application.", "trust", None),
                   S("You can reach me at +507 6554-2310 for the follow-up.", None, None,
                     ("PHONE", "+507 6554-2310"))]),
        ]},
    "P09": {
        "lang": "en", "speaker": "Rajesh Nair", "interviewer": "Interviewer", "turns": [
            ("I", "Tell me about your experience setting up the company here."),
            ("P", [S("The company registration itself was quick through my law firm.", None, None),
                   S("What surprised me was how many separate agencies I had to visit afterwards: DGI, the "
                     "municipality, CSS and the fire department.", "complexity", None)]),
            ("I", "Which step took the longest?"),
            ("P", [S("The fire department inspection, definitely, we waited six weeks for an inspector.", "waiting",
                     "S10"),
                   S("Meanwhile we were paying rent on an office we were not allowed to open.", "cost", "S10")]),
            ("I", "How did you communicate with the agencies, for example the CSS for the employer registration?"),
            ("P", [S("Some offices only answered on WhatsApp, others only by phone, and the CSS wanted everything "
                     "in person.", "complexity", "S12"),
                   S("When I called the CSS number, it rang and rang and nobody picked up.", "channel_failure",
                     "S12")]),
            ("I", "Did you have any concerns about transparency?"),
            ("P", [S("A consultant suggested paying an extra fee to speed things up, which we refused.", "trust",
                     None),
                   S("I do not want my company associated with anything like that.", None, None),
                   S("I was also never sure whether our data was shared between agencies or simply lost.",
                     "trust", None),
                   S("And every agency wanted our incorporation papers apostilled and translated again.",
                     "documents", None)]),
            ("I", "What worked well, for instance with electronic invoicing?"),
            ("P", [S("The DGI rules for electronic invoicing are clear and the help desk answered my email within "
                     "a day.", None, "S14"),
                   S("My assistant, Priya, can send you the documents at priya.k@nairlogistics.com.", None, None,
                     ("PERSON", "Priya"), ("EMAIL", "priya.k@nairlogistics.com"))]),
        ]},
    "P10": {
        "lang": "es", "speaker": "Kevin Rodríguez", "interviewer": "Entrevistador", "turns": [
            ("I", "Kevin, ¿cómo supiste qué tenías que hacer para formalizar tu negocio?"),
            ("P", [S("Un amigo me pasó el número de WhatsApp de Panamá Emprende.", None, "S01"),
                   S("Me contestaron rápido, pero cada persona me decía algo diferente sobre el permiso de "
                     "Bomberos.", "information", "S01")]),
            ("I", "¿Y la solicitud del aviso de operación en línea?"),
            ("P", [S("El portal no funciona bien en el celular, los botones se salen de la pantalla.",
                     "channel_failure", "S05"),
                   S("No tengo computadora, entonces tuve que ir a un café internet y pagar por horas.", "cost",
                     "S05")]),
            ("I", "¿Cómo te fue con el pago del impuesto en el Municipio?"),
            ("P", [S("Hice la fila en la caja del Municipio desde las seis de la mañana.", "waiting", "S09"),
                   S("Cuando me tocó, el cajero me dijo que el sistema estaba caído y que volviera mañana.",
                     "channel_failure", "S09"),
                   S("Volví al día siguiente y otra vez la misma fila.", "repetition", "S09")]),
            ("I", "¿Y la Caja de Seguro Social?"),
            ("P", [S("Por ahora no tengo empleados, solo mi hermana que me ayuda.", None, "S12")]),
            ("I", "¿Y ya pediste la inspección de Bomberos?"),
            ("P", [S("Llamé a Bomberos varias veces y el teléfono nunca contestó.", "channel_failure", "S10"),
                   S("Si hubiera sabido que tardaba tanto, habría pedido la inspección primero.", None, "S10")]),
            ("I", "¿Cómo te sentiste con los funcionarios del Municipio?"),
            ("P", [S("La verdad, la mayoría fue buena gente.", None, None),
                   S("Pero una señora me regañó delante de todos por no traer la copia del paz y salvo.", "staff",
                     "S09"),
                   S("Mi cédula es 8-923-1456 y vivo en Vacamonte, calle 3, casa 45, por si hace falta.", None,
                     None, ("NATIONAL_ID", "8-923-1456"), ("ADDRESS", "calle 3, casa 45"))]),
        ]},
}

# Notes grid: one row per participant, one column per question (step the question names).
NOTE_QUESTIONS = [
    ("¿Cómo se informó de los requisitos?", "S01"),
    ("¿Cómo fue la solicitud del Aviso de Operación?", "S05"),
    ("¿Cómo le fue en el Municipio con el paz y salvo?", "S08"),
    ("¿Cómo fue la inspección de Bomberos?", "S10"),
    ("¿Qué mejoraría?", None),
]
NOTES = {
    "P11": [
        [S("Preguntó en la ventanilla y le dieron una hoja de requisitos desactualizada.", "information", "S01")],
        [S("Lo hizo en línea sin problema.", None, "S05")],
        [S("Esperó tres horas para el paz y salvo.", "waiting", "S08")],
        [S("El inspector llegó el día acordado.", None, "S11")],
        [S("Una sola ventanilla para todo el trámite.", None, None)],
    ],
    "P12": [
        [S("Por WhatsApp, le respondieron claro.", None, "S01")],
        [S("El portal le pidió subir la cédula tres veces porque no guardaba.", "channel_failure", "S05")],
        [S("Le cobraron B/.10.00 por una copia del paz y salvo que ya había pagado.", "cost", "S08")],
        [S("Llamó cinco veces a Bomberos y nadie sabía en qué estado estaba su solicitud.", "information", "S10")],
        [S("Que le avisen por WhatsApp el estado del trámite.", None, None)],
    ],
    "P13": [
        [S("Leyó la página web.", None, "S01"),
         S("No entendió si necesitaba licencia comercial o aviso de operación.", "complexity", "S01")],
        [S("No tuvo problemas.", None, "S05")],
        [S("En el Municipio le pidieron otra vez el aviso de operación sellado.", "repetition", "S08")],
        [S("Todavía no ha pasado la inspección, lleva dos meses esperando.", "waiting", "S10")],
        [S("Que los inspectores de Bomberos tengan un horario fijo de visitas.", None, None)],
    ],
}

TRANSCRIPT_FILES = ["entrevistas_filas.xlsx", "entrevistas_por_hoja.xlsx", "notas_campo.xlsx",
                    "entrevista_P06.csv", "P07.txt", "P08.docx", "P09.vtt", "P10.srt"]


# ----------------------------------------------------------------------------------------------
# Helpers
# ----------------------------------------------------------------------------------------------
def _turns(interview_id: str, rng: random.Random):
    """Yield (speaker, role, seconds, text, sentences) per turn, with plausible timestamps."""
    iv = INTERVIEWS[interview_id]
    t = rng.randint(3, 12)
    for kind, content in iv["turns"]:
        if kind == "I":
            yield iv["interviewer"], "interviewer", t, content, []
            t += rng.randint(6, 15)
        else:
            text = " ".join(s[0] for s in content)
            yield iv["speaker"], "participant", t, text, content
            t += 12 + len(text) // 9 + rng.randint(0, 20)


def _hms(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def _gold(sentences, *, file, row, column=None, sheet=None, interview_id, lang) -> list[dict]:
    """Gold records for the participant sentences of one utterance (offsets into its text)."""
    out, pos = [], 0
    for text, category, step, pii in sentences:
        start = pos
        spans = []
        for typ, value in pii:
            k = text.index(value)
            spans.append({"start": k, "end": k + len(value), "text": value, "type": typ})
        out.append({"file": file, "sheet": sheet, "row": row, "column": column, "interview_id": interview_id,
                    "sentence": text, "start": start, "end": start + len(text),
                    "is_pain": category is not None, "category": category, "step_id": step, "lang": lang,
                    "pii": spans})
        pos = start + len(text) + 1  # sentences are joined by one space
    return out


def _workbook():
    from openpyxl import Workbook

    wb = Workbook()
    wb.properties.creator = "Recorrido demo generator"
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


def _style_header(ws, row: int, widths: dict[int, float] | None = None) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill

    for cell in ws[row]:
        if cell.value is not None:
            cell.font = Font(bold=True, color="FFFFFF")
            cell.fill = PatternFill("solid", fgColor="1F4E79")
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for col, width in (widths or {}).items():
        ws.column_dimensions[chr(64 + col)].width = width


# ----------------------------------------------------------------------------------------------
# Writers
# ----------------------------------------------------------------------------------------------
STEP_HEADERS_ES = ["Código", "Etapa", "Paso", "Canal", "Carril", "Entidad", "Orden", "Siguientes pasos",
                   "Espera mediana (días)", "Volumen mensual", "Documentos requeridos", "Sinónimos"]
STEP_HEADERS_EN = ["Journey", "Step ID", "Stage", "Step", "Channel", "Lane", "Agency", "Order", "Next steps",
                   "Median wait days", "Volume per month", "Documents required", "Synonyms"]


def write_steps(out: Path) -> None:
    wb = _workbook()
    ws = wb.create_sheet(JOURNEY_ES)
    ws.append(["Recorrido de servicio: abrir un pequeño negocio en Panamá (diseño vigente)"])
    ws.append([])
    ws.append(STEP_HEADERS_ES)
    for k, s in enumerate(STEPS, start=1):
        sid, st_es, _, name_es, name_en, ch, lane, agency, nxt, wait, vol, docs, _, syn = s
        ws.append([sid, st_es, name_es, ch, lane, agency, k, nxt, wait, vol, docs, f"{name_en}; {syn}"])
    _style_header(ws, 3, {1: 9, 2: 18, 3: 42, 4: 30, 5: 12, 6: 24, 7: 7, 8: 14, 9: 12, 10: 12, 11: 40, 12: 60})
    ws.freeze_panes = "A4"
    notes = wb.create_sheet("Léeme")
    for line in ["Una fila por paso; la hoja se llama como el recorrido.",
                 "Canal: varios canales separados por punto y coma (web; oficina).",
                 "Carril: cliente, ventanilla, interno o soporte.",
                 "Siguientes pasos: códigos separados por punto y coma; los ciclos (reprocesos) están permitidos."]:
        notes.append([line])
    _save(wb, out / "steps.xlsx")
    with open(out / "steps_en.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(STEP_HEADERS_EN)
        for k, s in enumerate(STEPS, start=1):
            sid, _, st_en, name_es, name_en, ch, lane, agency, nxt, wait, vol, _, docs_en, syn = s
            w.writerow([JOURNEY_EN, sid, st_en, name_en, _channels_en(ch), LANE_EN[lane], agency, k, nxt, wait,
                        vol, docs_en, f"{name_es}; {syn}"])


def write_participants(out: Path) -> None:
    wb = _workbook()
    ws = wb.create_sheet("Participantes")
    ws.append(PARTICIPANT_HEADERS_ES)
    for p in PARTICIPANTS:
        ws.append(list(p))
    _style_header(ws, 1, {1: 15, 2: 16, 3: 26, 4: 14, 5: 20, 6: 20, 7: 24})
    _save(wb, out / "participants.xlsx")


def write_events(out: Path, rng: random.Random, n_cases: int = 3000) -> dict:
    """Simulate cases through the designed journey; return counts for the manifest."""
    rows = []
    resources = {
        "MICI - Panamá Emprende": ["PE-ventanilla-01", "PE-ventanilla-02", "PE-revisor-03", "PE-mesa-ayuda-04"],
        "DGI": ["DGI-eTax", "DGI-agente-11", "DGI-agente-12"],
        "Municipio de Panamá": ["MUN-tesoreria-21", "MUN-tesoreria-22", "MUN-caja-23", "MUN-kiosco-24"],
        "Bomberos": ["BCBRP-oficina-31", "BCBRP-inspector-32", "BCBRP-inspector-33"],
        "CSS": ["CSS-agencia-41", "CSS-digitador-42", "CSS-SIPE"],
    }
    agency = {s[0]: s[7] for s in STEPS}
    PREFIX = {"MICI - Panamá Emprende": "PE", "DGI": "DGI", "Municipio de Panamá": "MUN", "Bomberos": "BCBRP",
              "CSS": "CSS"}  # noqa: N806
    wait = {s[0]: s[9] for s in STEPS}
    start0 = datetime(2025, 1, 6, 8, 0, tzinfo=PANAMA)

    def advance(t: datetime, days: float) -> datetime:
        t = t + timedelta(days=days * math.exp(rng.gauss(0, 0.45)) if days else 0, minutes=rng.randint(4, 90))
        t = t.replace(microsecond=0)
        if t.hour < 8:
            t = t.replace(hour=8, minute=rng.randint(0, 59))
        elif t.hour >= 16:
            t = (t + timedelta(days=1)).replace(hour=8, minute=rng.randint(0, 59))
        while t.weekday() >= 5:
            t += timedelta(days=1)
        return t

    for n in range(1, n_cases + 1):
        case = f"C{n:05d}"
        t = start0 + timedelta(days=rng.randint(0, 150), minutes=rng.randint(0, 480))
        t = advance(t, 0)

        def ev(step: str, channel: str, case: str = case) -> None:
            nonlocal t
            t = advance(t, wait[step])
            prefix = PREFIX[agency[step]]
            if channel == "office":
                res = rng.choice(resources[agency[step]])
            elif channel == "web":
                res = {"PE": "PE-portal", "DGI": "DGI-eTax", "MUN": "MUN-portal", "CSS": "CSS-SIPE"}.get(prefix,
                                                                                                     f"{prefix}-web")
            elif channel == "phone":
                res = f"{prefix}-linea-{rng.randint(1, 3):02d}"
            else:
                res = f"{prefix}-{channel}"
            rows.append((case, STEP_NAME[step], step, t.isoformat(), channel, res, agency[step], "complete"))

        def dropped(p: float) -> bool:
            return rng.random() < p

        ev("S01", rng.choices(["web", "phone", "whatsapp"], [0.55, 0.25, 0.20])[0])
        if dropped(0.05):
            continue
        ev("S02", "web")
        ev("S03", "web" if rng.random() < 0.8 else "office")
        ev("S04", "web")
        # the online aviso form fails for ~30%: help desk by phone, then retry online or go to the office
        channel = "web" if rng.random() < 0.9 else "office"
        ev("S05", channel)
        if channel == "web" and rng.random() < 0.3:
            ev("S15", rng.choices(["phone", "email", "whatsapp"], [0.6, 0.25, 0.15])[0])
            if dropped(0.08):
                continue
            ev("S05", "web" if rng.random() < 0.45 else "office")
        ev("S06", "office" if rng.random() < 0.85 else "email")
        while rng.random() < 0.22:  # documents incomplete: back to the application (rework)
            ev("S05", rng.choice(["web", "office"]))
            ev("S06", "office")
        if dropped(0.04):
            continue
        ev("S07", "office")
        ev("S08", "office" if rng.random() < 0.8 else "kiosk")
        ev("S09", rng.choices(["web", "kiosk", "office"], [0.35, 0.25, 0.40])[0])
        if dropped(0.05):
            continue
        ev("S10", rng.choices(["email", "whatsapp", "office"], [0.45, 0.25, 0.30])[0])
        ev("S11", "office")
        if rng.random() < 0.15:  # failed inspection: request again, inspect again
            ev("S10", rng.choice(["email", "whatsapp", "office"]))
            ev("S11", "office")
        if dropped(0.06):
            continue
        if rng.random() < 0.55:  # only businesses that hire register with CSS
            ev("S12", "office" if rng.random() < 0.75 else "web")
            if rng.random() < 0.3:  # a document missing: second visit
                ev("S12", "office")
            ev("S13", "office")
        ev("S14", rng.choices(["web", "office", "email"], [0.6, 0.25, 0.15])[0])
        if dropped(0.03):
            continue
        ev("S16", "web")
    rows.sort(key=lambda r: (r[3], r[0]))
    with open(out / "events.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["case_id", "activity", "step_id", "timestamp", "channel", "resource", "agency", "lifecycle"])
        w.writerows(rows)
    return {"cases": n_cases, "events": len(rows)}


def write_transcripts(out: Path, rng: random.Random) -> list[dict]:
    """Write every transcript file; return the gold records."""
    from openpyxl.styles import Alignment

    gold: list[dict] = []

    # (a) rows layout, several interviews in one sheet, title above the header
    wb = _workbook()
    ws = wb.create_sheet("Transcripciones")
    ws.append(["Entrevistas: abrir un negocio en Panamá (transcripción limpia, mayo 2025)"])
    ws.append([])
    ws.append(["Entrevista", "Participante", "Hablante", "Minuto", "Texto"])
    for iid in ("P01", "P02", "P03"):
        for speaker, role, secs, text, sentences in _turns(iid, rng):
            ws.append([iid, iid, speaker, _hms(secs), text])
            if role == "participant":
                gold += _gold(sentences, file="entrevistas_filas.xlsx", sheet="Transcripciones", row=ws.max_row,
                              interview_id=iid, lang=INTERVIEWS[iid]["lang"])
    _style_header(ws, 3, {1: 11, 2: 12, 3: 18, 4: 9, 5: 110})
    for row in ws.iter_rows(min_row=4):
        row[4].alignment = Alignment(wrap_text=True, vertical="top")
    _save(wb, out / "entrevistas_filas.xlsx")

    # (b) one sheet per interview, plus an index sheet that holds no utterances
    wb = _workbook()
    idx = wb.create_sheet("Índice")
    idx.append(["Hoja", "Participante", "Segmento", "Fecha", "Idioma"])
    for iid, date in (("P04", "2025-05-06"), ("P05", "2025-05-08")):
        seg = next(p[1] for p in PARTICIPANTS if p[0] == iid)
        idx.append([iid, iid, seg, date, INTERVIEWS[iid]["lang"]])
    for iid in ("P04", "P05"):
        ws = wb.create_sheet(iid)
        lang = INTERVIEWS[iid]["lang"]
        ws.append(["Tiempo", "Hablante", "Texto"] if lang == "es" else ["Time", "Speaker", "Text"])
        for speaker, role, secs, text, sentences in _turns(iid, rng):
            ws.append([_hms(secs), speaker, text])
            if role == "participant":
                gold += _gold(sentences, file="entrevistas_por_hoja.xlsx", sheet=iid, row=ws.max_row,
                              interview_id=iid, lang=lang)
        _style_header(ws, 1, {1: 10, 2: 18, 3: 110})
    _save(wb, out / "entrevistas_por_hoja.xlsx")

    # (c) notes grid: one row per participant, one column per question
    wb = _workbook()
    ws = wb.create_sheet("Notas")
    ws.append(["Notas de campo: visitas a Panamá Emprende y al Municipio (junio 2025)"])
    ws.append([])
    ws.append(["Participante"] + [q for q, _ in NOTE_QUESTIONS])
    for pid, answers in NOTES.items():
        ws.append([pid] + [" ".join(s[0] for s in a) for a in answers])
        for (question, _), sentences in zip(NOTE_QUESTIONS, answers, strict=True):
            gold += _gold(sentences, file="notas_campo.xlsx", sheet="Notas", row=ws.max_row, column=question,
                          interview_id=pid, lang="es")
    _style_header(ws, 3, {1: 13, 2: 40, 3: 40, 4: 40, 5: 40, 6: 40})
    _save(wb, out / "notas_campo.xlsx")

    # (d) CSV exported by a Spanish Excel: cp1252, semicolons, CRLF
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=";", lineterminator="\r\n")
    w.writerow(["Entrevista", "Participante", "Hablante", "Tiempo", "Texto"])
    line = 1
    for speaker, role, secs, text, sentences in _turns("P06", rng):
        w.writerow(["P06", "P06", speaker, _hms(secs), text])
        line += 1
        if role == "participant":
            gold += _gold(sentences, file="entrevista_P06.csv", row=line, interview_id="P06", lang="es")
    (out / "entrevista_P06.csv").write_bytes(buf.getvalue().encode("cp1252"))

    # (e) plain text: header block, [hh:mm:ss] Name: text, turns separated by blank lines
    lines = ["Proyecto: Abrir un negocio en Panamá", "Entrevista: P07", "Fecha: 2025-05-14",
             "Participante: P07 (servidor público, Tesorería Municipal)", "Entrevistadora: Ana Ríos", "",
             "[Nota: se grabó con consentimiento; audio de baja calidad al inicio]", ""]
    for speaker, role, secs, text, sentences in _turns("P07", rng):
        lines.append(f"[{_hms(secs)}] {speaker}: {text}")
        if role == "participant":
            gold += _gold(sentences, file="P07.txt", row=len(lines), interview_id="P07", lang="es")
        lines.append("")
    (out / "P07.txt").write_text("\n".join(lines), encoding="utf-8")

    # (f) Word: heading, a note paragraph, then one paragraph per turn "Speaker: text"
    import docx

    doc = docx.Document()
    doc.core_properties.created = FIXED_DATE
    doc.core_properties.modified = FIXED_DATE
    doc.core_properties.author = "Recorrido demo generator"
    doc.add_heading("Interview P08: tour operator, Bocas del Toro", level=1)
    doc.add_paragraph("[Notes: interview by video call, 2025-05-20, 35 minutes]")
    for speaker, role, _secs, text, sentences in _turns("P08", rng):
        label = "Interviewer" if role == "interviewer" else speaker.split()[0]
        p = doc.add_paragraph()
        p.add_run(f"{label}: ").bold = True
        p.add_run(text)
        if role == "participant":
            gold += _gold(sentences, file="P08.docx", row=len(doc.paragraphs), interview_id="P08", lang="en")
    _save(doc, out / "P08.docx")

    # (g) WebVTT with <v Name> voice tags, numbered cues
    parts = ["WEBVTT", "", "NOTE Interview P09, foreign investor, video call 2025-05-22", ""]
    for cue, (speaker, role, secs, text, sentences) in enumerate(_turns("P09", rng), start=1):
        end = secs + max(4, len(text) // 14)
        parts += [str(cue), f"{_hms(secs)}.000 --> {_hms(end)}.000", f"<v {speaker}>{text}", ""]
        if role == "participant":
            gold += _gold(sentences, file="P09.vtt", row=cue, interview_id="P09", lang="en")
    (out / "P09.vtt").write_text("\n".join(parts), encoding="utf-8")

    # (h) SubRip: cue text "Speaker: text"
    parts = []
    for cue, (speaker, role, secs, text, sentences) in enumerate(_turns("P10", rng), start=1):
        end = secs + max(4, len(text) // 14)
        label = "Entrevistador" if role == "interviewer" else speaker.split()[0]
        parts += [str(cue), f"{_hms(secs)},000 --> {_hms(end)},000", f"{label}: {text}", ""]
        if role == "participant":
            gold += _gold(sentences, file="P10.srt", row=cue, interview_id="P10", lang="es")
    (out / "P10.srt").write_text("\n".join(parts), encoding="utf-8")
    return gold


def write_templates(out: Path) -> None:
    """Excel import templates in Spanish and English: a header row and two example rows each."""
    steps_es = [STEP_HEADERS_ES,
                ["S01", "Registro", "Pedir cita en línea", "web; teléfono", "cliente", "Ministerio", 1, "S02", 1, 500,
                 "Cédula", "cita; turno"],
                ["S02", "Atención", "Revisar documentos", "oficina", "ventanilla", "Ministerio", 2, "S01", 3, 450,
                 "Cédula; Paz y salvo", "revisión"]]
    steps_en = [STEP_HEADERS_EN[1:],
                ["S01", "Registration", "Book an appointment online", "web; phone", "customer", "Ministry", 1, "S02",
                 1, 500, "ID card", "appointment; booking"],
                ["S02", "Service", "Review documents", "office", "frontstage", "Ministry", 2, "S01", 3, 450,
                 "ID card; Clearance certificate", "document review"]]
    templates = {
        ("plantilla_transcripciones.xlsx", "Transcripciones"): [
            ["Entrevista", "Participante", "Hablante", "Minuto", "Texto"],
            ["E01", "P01", "Entrevistadora", "00:00:10", "¿Cómo fue solicitar el permiso?"],
            ["E01", "P01", "Participante", "00:00:25", "Tuve que ir dos veces a la oficina porque faltaba un sello."]],
        ("template_transcripts.xlsx", "Transcripts"): [
            ["Interview", "Participant", "Speaker", "Timestamp", "Text"],
            ["I01", "P01", "Interviewer", "00:00:10", "How was applying for the permit?"],
            ["I01", "P01", "Participant", "00:00:25", "I had to go to the office twice because a stamp was missing."]],
        ("plantilla_notas.xlsx", "Notas"): [
            ["Participante", "¿Cómo se informó del trámite?", "¿Qué fue lo más difícil?"],
            ["P01", "Por la página web, la información era clara.", "Esperó tres horas en la ventanilla."],
            ["P02", "Llamó a la línea 311.", "Le pidieron la cédula dos veces."]],
        ("template_notes.xlsx", "Notes"): [
            ["Participant", "How did you find out about the service?", "What was the hardest part?"],
            ["P01", "On the website; the information was clear.", "Waited three hours at the counter."],
            ["P02", "Called the 311 line.", "Was asked for the ID card twice."]],
        ("plantilla_participantes.xlsx", "Participantes"): [
            PARTICIPANT_HEADERS_ES,
            ["P01", "citizen", "Panamá", "25-34", "media", "WhatsApp", ""],
            ["P02", "business", "Colón", "45-54", "baja", "oficina", "movilidad reducida"]],
        ("template_participants.xlsx", "Participants"): [
            ["Participant ID", "Segment", "Region", "Age band", "Digital skills", "Preferred channel", "Access needs"],
            ["P01", "citizen", "Panamá", "25-34", "medium", "WhatsApp", ""],
            ["P02", "business", "Colón", "45-54", "low", "office", "reduced mobility"]],
        ("plantilla_pasos.xlsx", "Mi recorrido"): steps_es,
        ("template_steps.xlsx", "My journey"): steps_en,
        ("plantilla_eventos.xlsx", "Eventos"): [
            ["Caso", "Actividad", "Fecha y hora", "Canal", "Recurso", "Entidad", "Ciclo de vida"],
            ["C0001", "Pedir cita en línea", "2025-03-03T09:15:00-05:00", "web", "portal", "Ministerio", "complete"],
            ["C0001", "Revisar documentos", "2025-03-05T10:40:00-05:00", "oficina", "ventanilla-02", "Ministerio",
             "complete"]],
        ("template_eventlog.xlsx", "Events"): [
            ["case_id", "activity", "timestamp", "channel", "resource", "agency", "lifecycle"],
            ["C0001", "Book an appointment online", "2025-03-03T09:15:00-05:00", "web", "portal", "Ministry",
             "complete"],
            ["C0001", "Review documents", "2025-03-05T10:40:00-05:00", "office", "counter-02", "Ministry",
             "complete"]],
    }
    out.mkdir(parents=True, exist_ok=True)
    for (name, sheet), rows in templates.items():
        wb = _workbook()
        ws = wb.create_sheet(sheet)
        for r in rows:
            ws.append(r)
        _style_header(ws, 1, {k: 22 for k in range(1, len(rows[0]) + 1)})
        ws.freeze_panes = "A2"
        _save(wb, out / name)


def generate(out: str | Path = HERE, templates: str | Path | None = HERE.parent / "templates") -> dict:
    """Write the demo project into ``out`` (and the templates into ``templates``); return the manifest."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(SEED)
    write_steps(out)
    write_participants(out)
    counts = write_events(out, random.Random(SEED + 1))
    gold = write_transcripts(out, rng)
    with open(out / "annotations.jsonl", "w", encoding="utf-8", newline="\n") as fh:
        for g in gold:
            fh.write(json.dumps(g, ensure_ascii=False) + "\n")
    manifest = {
        "project": "demo",
        "title": {"es": "Abrir un pequeño negocio en Panamá (demo)", "en": "Opening a small business in Panama (demo)"},
        "description": {
            "es": "Proyecto de demostración con personas inventadas: pasos del trámite, entrevistas en varios "
                  "formatos, participantes y un registro de eventos simulado.",
            "en": "Demo project with invented people: service steps, interviews in several layouts, "
                  "participants and a simulated event log."},
        "seed": SEED,
        "files": [{"path": "steps.xlsx", "kind": "steps", "lang": "es"},
                  *({"path": f, "kind": "transcripts"} for f in TRANSCRIPT_FILES),
                  {"path": "participants.xlsx", "kind": "participants", "lang": "es"},
                  {"path": "events.csv", "kind": "eventlog", "cases": counts["cases"], "events": counts["events"]}],
        "extras": [{"path": "steps_en.csv", "kind": "steps", "lang": "en",
                    "note": "the same steps with English headers and names (same step ids)"},
                   {"path": "annotations.jsonl", "kind": "gold",
                    "note": "gold labels for every participant sentence of the transcripts"}],
    }
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    if templates is not None:
        write_templates(Path(templates))
    return manifest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(HERE), help="folder for the demo files (default data/demo)")
    parser.add_argument("--templates", default=str(HERE.parent / "templates"),
                        help="folder for the import templates (default data/templates)")
    args = parser.parse_args(argv)
    m = generate(args.out, args.templates)
    print(json.dumps({"written": [f["path"] for f in m["files"] + m["extras"]], "out": args.out}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
