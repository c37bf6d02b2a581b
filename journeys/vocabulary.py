"""Journey vocabulary as data: channel names and document names in English and Spanish.

Logic lives in :mod:`journeys.graph` and :mod:`journeys.metrics`; this module only holds the
words, so a team can add their own without touching code. Keys are already *folded*
(lower case, no accents, single spaces: see :func:`journeys.graph.fold`).
"""

from __future__ import annotations

__all__ = [
    "CHANNEL_SYNONYMS", "DIGITAL_CHANNELS", "ASSISTED_CHANNELS", "UNSPECIFIED_CHANNEL",
    "DOCUMENT_SYNONYMS", "DOCUMENT_NOISE", "LIST_SEPARATORS",
]

UNSPECIFIED_CHANNEL = "unspecified"

# folded spelling -> canonical channel
CHANNEL_SYNONYMS = {
    "web": "web", "website": "web", "online": "web", "internet": "web", "portal": "web",
    "en linea": "web", "sitio web": "web", "pagina web": "web", "web site": "web", "digital": "web",
    "app": "app", "mobile": "app", "mobile app": "app", "aplicacion": "app", "movil": "app",
    "app movil": "app",
    "whatsapp": "whatsapp", "wa": "whatsapp", "chat": "whatsapp", "chatbot": "whatsapp",
    "email": "email", "e-mail": "email", "mail electronico": "email", "correo electronico": "email",
    "correo-e": "email",
    "kiosk": "kiosk", "kiosco": "kiosk", "totem": "kiosk", "self-service": "kiosk",
    "phone": "phone", "telephone": "phone", "call": "phone", "call centre": "phone",
    "call center": "phone", "telefono": "phone", "llamada": "phone", "telefonico": "phone",
    "centro de llamadas": "phone",
    "office": "office", "in person": "office", "in-person": "office", "counter": "office",
    "branch": "office", "oficina": "office", "presencial": "office", "ventanilla": "office",
    "sucursal": "office", "face to face": "office", "mostrador": "office", "desk": "office",
    "front desk": "office", "walk in": "office", "balie": "office",
    "mail": "mail", "post": "mail", "postal": "mail", "letter": "mail", "correo": "mail",
    "correo postal": "mail", "carta": "mail",
    "internal": "internal", "interno": "internal", "backoffice": "internal", "back office": "internal",
    "system": "internal", "sistema": "internal", "intern": "internal",
}

# Failure demand (DESIGN.md §5): a journey that starts on one of these ...
DIGITAL_CHANNELS = frozenset({"web", "app", "whatsapp", "email", "kiosk"})
# ... and later needs one of these.
ASSISTED_CHANNELS = frozenset({"phone", "office"})

# Separators of list cells (next_steps, documents_required, synonyms, channel).
LIST_SEPARATORS = r"[;,|\n]+"

# folded words dropped from document names before matching ("copy of the ID card" = "ID card")
DOCUMENT_NOISE = (
    "certified copy of", "copy of", "original", "the", "a", "an", "your", "simple",
    "copia simple de", "copia de", "copia", "fotocopia de", "fotocopia", "el", "la", "los", "las",
    "del", "de", "su", "un", "una", "vigente", "current", "valid", "scanned", "escaneado",
)

# folded document name -> canonical key (EN and ES spellings of the same paper)
DOCUMENT_SYNONYMS = {
    "id": "id_document", "id card": "id_document", "identity card": "id_document",
    "identity document": "id_document", "national id": "id_document", "dni": "id_document",
    "cedula": "id_document", "cedula identidad": "id_document", "cedula de identidad": "id_document",
    "carnet identidad": "id_document", "carnet de identidad": "id_document",
    "documento identidad": "id_document", "documento de identidad": "id_document", "ine": "id_document",
    "passport": "passport", "pasaporte": "passport",
    "proof of address": "proof_of_address", "proof of residence": "proof_of_address",
    "utility bill": "proof_of_address", "comprobante domicilio": "proof_of_address",
    "comprobante de domicilio": "proof_of_address", "certificado domicilio": "proof_of_address",
    "certificado de domicilio": "proof_of_address", "certificado residencia": "proof_of_address",
    "certificado de residencia": "proof_of_address", "empadronamiento": "proof_of_address",
    "birth certificate": "birth_certificate", "partida nacimiento": "birth_certificate",
    "partida de nacimiento": "birth_certificate", "acta nacimiento": "birth_certificate",
    "acta de nacimiento": "birth_certificate", "certificado de nacimiento": "birth_certificate",
    "certificado nacimiento": "birth_certificate",
    "tax id": "tax_id", "tax number": "tax_id", "rut": "tax_id", "nif": "tax_id", "rfc": "tax_id",
    "cuit": "tax_id", "nit": "tax_id", "ruc": "tax_id",
    "photo": "photo", "photograph": "photo", "passport photo": "photo", "foto": "photo",
    "fotografia": "photo", "foto carnet": "photo",
    "bank statement": "bank_statement", "extracto bancario": "bank_statement", "cartola": "bank_statement",
    "cartola bancaria": "bank_statement",
    "payment receipt": "payment_receipt", "receipt": "payment_receipt", "proof of payment": "payment_receipt",
    "comprobante pago": "payment_receipt", "comprobante de pago": "payment_receipt",
    "recibo": "payment_receipt", "recibo de pago": "payment_receipt",
    "proof of income": "proof_of_income", "payslip": "proof_of_income", "pay slip": "proof_of_income",
    "certificado ingresos": "proof_of_income", "certificado de ingresos": "proof_of_income",
    "liquidacion de sueldo": "proof_of_income", "nomina": "proof_of_income",
    "application form": "application_form", "form": "application_form", "formulario": "application_form",
    "formulario de solicitud": "application_form", "solicitud": "application_form",
    "marriage certificate": "marriage_certificate", "certificado matrimonio": "marriage_certificate",
    "certificado de matrimonio": "marriage_certificate", "acta de matrimonio": "marriage_certificate",
    "medical certificate": "medical_certificate", "certificado medico": "medical_certificate",
    "criminal record": "criminal_record", "certificado de antecedentes": "criminal_record",
    "antecedentes penales": "criminal_record", "certificado antecedentes": "criminal_record",
    "power of attorney": "power_of_attorney", "poder notarial": "power_of_attorney", "poder": "power_of_attorney",
    "driving licence": "driving_licence", "driver license": "driving_licence", "driving license": "driving_licence",
    "licencia de conducir": "driving_licence", "licencia conducir": "driving_licence",
    "company registration": "company_registration", "escritura constitucion": "company_registration",
    "escritura de constitucion": "company_registration",
}
