"""Spanish marker words for the pain-point component (data only).

Cue words per category live in ``data/patterns/es/*.jsonl``; these are the function words and
short phrases that change how cues are read: negation, intensity, contrast, hypotheticals.
Accents are optional: the component also matches the unaccented spelling.
"""

__all__ = [
    "NEGATORS", "INTENSIFIERS", "CONTRAST_MARKERS", "CONCESSIVE_MARKERS", "HYPOTHETICAL_MARKERS", "HYPOTHETICAL_CONSEQUENTS",
    "SERVANT_VOICE", "SERVANT_VOICE_ENDINGS", "OWN_SYSTEM_POSSESSIVES", "OWN_SYSTEM_WORDS",
    "NOTHING_ANSWERS",
    "IMPROVEMENT_QUESTION_CUES", "NEED_OPENERS", "WAIT_QUESTION_CUES", "REPEAT_QUESTION_CUES",
    "ABBREVIATIONS", "SENTENCE_FINAL_ABBREVIATIONS",
]

NEGATORS = (
    "no", "nunca", "jamás", "nadie", "nada", "ningún", "ninguno", "ninguna", "ni", "sin",
    "tampoco", "apenas", "poco", "poca", "pocos", "pocas", "falta de", "cero",
)

INTENSIFIERS = (
    "muy", "demasiado", "demasiada", "tan", "tanto", "tanta", "super", "súper", "bastante",
    "extremadamente", "totalmente", "completamente", "absolutamente", "realmente", "sumamente",
    "increíblemente", "terriblemente", "para nada", "en absoluto", "nunca jamás", "lo peor",
    "re", "harto", "mucho", "mucha", "muchísimo", "muchísima", "todo el día", "siempre",
)

CONTRAST_MARKERS = (
    "pero", "sin embargo", "aunque", "no obstante", "excepto", "salvo", "a pesar de",
    "en cambio", "mientras que", "lamentablemente", "desafortunadamente", "por desgracia",
    "lo único", "el único problema", "lástima", "lo malo", "aun así", "sino",
)

# Contrast markers that open a concession at the start of a sentence ("Aunque estaba limpio, ...").
CONCESSIVE_MARKERS = ("aunque", "a pesar de", "pese a", "si bien", "aun cuando", "salvo", "excepto", "quitando")

HYPOTHETICAL_MARKERS = (
    "si", "en caso de", "a menos que", "ojalá", "suponiendo", "imagínate", "por si",
)

# Una obligación cierra esa cláusula sin coma: "si quieres el permiso rápido | tienes que conocer a
# alguien" (lo que sigue es lo que pasa, no una hipótesis).
HYPOTHETICAL_CONSEQUENTS = (
    "tienes que", "tiene que", "tienen que", "tenemos que", "tengo que", "hay que", "hace falta",
    "necesitas", "debes", "te toca", "le toca",
)

NOTHING_ANSWERS = (
    "nada", "ninguno", "ninguna", "no", "n/a", "nada más", "nada que mejorar", "todo bien",
    "nada en especial", "no sé", "no se", "sin comentarios", "ningún comentario",
    "nada, gracias", "nada gracias", "todo excelente", "sigan así", "no tengo quejas",
    "ninguna queja", "nada que agregar", "ninguna sugerencia",
)

IMPROVEMENT_QUESTION_CUES = (
    "mejorar", "mejor", "cambiar", "problema", "dificultad", "difícil", "mal", "peor", "queja",
    "insatisf", "frustr", "molest",
)

# A sentence opening with one of these and negating later ("Sin licencia no puedo trabajar")
# states a need, not an experienced pain: read as hypothetical.
NEED_OPENERS = ("sin",)

# Primera persona del plural: con una palabra de herramienta en la oración ("a mano", "en papel",
# "planilla"), habla el personal de su propio trabajo ("volvemos a capturar todo a mano").
SERVANT_VOICE = ("nosotros", "nosotras", "nuestro", "nuestra", "nuestros", "nuestras")
SERVANT_VOICE_ENDINGS = ("amos", "emos", "imos")  # capturamos, volvemos, recibimos

# "Nuestro sistema se cae": el personal habla de su propio sistema (herramientas internas); "el
# sistema estaba caído" contado por un ciudadano es una falla del canal.
OWN_SYSTEM_POSSESSIVES = ("nuestro", "nuestra", "nuestros", "nuestras")
OWN_SYSTEM_WORDS = ("sistema", "sistemas", "base", "software", "servidor", "servidores", "red", "computadora",
                    "computadoras", "computador", "terminal", "intranet", "plataforma", "aplicativo")

# Question wording (folded, lower case; substrings) that asks how long something took or how many
# times: a bare duration or count answering it ("Como cuatro horas.") is a waiting / repetition pain.
WAIT_QUESTION_CUES = ("cuanto tiempo", "cuantas horas", "esper", "tard", "fila", "cola", "demor")
REPEAT_QUESTION_CUES = ("cuantas veces", "cuantas visitas", "cuantos viajes", "regres", "volver", "volvio")

ABBREVIATIONS = (
    "Sr.", "Sra.", "Srta.", "Dr.", "Dra.", "Lic.", "Licda.", "Ing.", "Arq.", "Prof.", "Profa.",
    "Ud.", "Uds.", "Vd.", "Vds.", "Sto.", "Sta.", "Mons.", "Gral.", "Cnel.", "Pdte.", "etc.",
    "p.ej.", "pág.", "págs.", "núm.", "Nº.", "tel.", "Tel.", "Av.", "Avda.", "Cra.",
    "Cl.", "Dpto.", "Depto.", "a.m.", "p.m.", "A.M.", "P.M.", "aprox.", "máx.",
    "mín.", "hrs.", "hr.", "min.", "seg.", "B/.", "S.A.", "Cía.", "Ene.", "Feb.", "Mar.",
    "Abr.", "Jun.", "Jul.", "Ago.", "Sept.", "Oct.", "Nov.", "Dic.", "EE.UU.",
)

SENTENCE_FINAL_ABBREVIATIONS = ("etc.", "a.m.", "p.m.", "A.M.", "P.M.", "EE.UU.", "S.A.")
