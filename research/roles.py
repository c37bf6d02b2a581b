"""Who is speaking: the interviewer or the participant (``speaker_role``).

Interviewer turns are kept as context but never mined for pain points, so telling them apart
matters. The role is inferred from the speaker label as written (*Entrevistadora*, *I:*, *Q*,
*Moderator*...), then per interview: once the interviewer is known, the other named speakers
are participants; in a two-person interview with unrecognised names, the one who asks most of
the questions is the interviewer. Anything undecidable is ``unknown``. Callers can name the
interviewer(s) explicitly, which always wins.
"""

from __future__ import annotations

import re
from functools import lru_cache

from research.columns import normalise_name

__all__ = ["INTERVIEWER_LABELS", "PARTICIPANT_LABELS", "role_of_label", "assign_roles"]

#: Speaker labels (normalised) that mean "the interviewer".
INTERVIEWER_LABELS = frozenset({
    "interviewer", "interviewers", "moderator", "facilitator", "researcher", "research",
    "ux researcher", "user researcher", "designer", "service designer", "host", "i", "int",
    "intv", "iv", "q", "question", "ques", "e", "ent", "entr", "mod", "fac", "res",
    "entrevistador", "entrevistadora", "entrevistadores", "moderador", "moderadora",
    "facilitador", "facilitadora", "investigador", "investigadora", "investigacion",
    "disenador", "disenadora", "equipo", "equipo de investigacion", "team", "pregunta",
    "anfitrion", "anfitriona",
})
#: Speaker labels (normalised) that mean "the participant".
PARTICIPANT_LABELS = frozenset({
    "participant", "participants", "respondent", "interviewee", "user", "citizen", "customer",
    "client", "informant", "p", "r", "a", "answer", "resp",
    "participante", "participantes", "entrevistado", "entrevistada", "usuario", "usuaria",
    "ciudadano", "ciudadana", "cliente", "informante", "encuestado", "encuestada", "respuesta",
    "empresario", "empresaria", "emprendedor", "emprendedora", "funcionario", "funcionaria",
    "visitante", "turista",
})

def role_of_label(label, interviewers=()) -> str:
    """The role a speaker label implies on its own: interviewer, participant or unknown.

    Numbered labels (*Participante 2*, *Entrevistador A*, *P1*, *E1*) count as their base word.

    Parameters
    ----------
    label : str
        The speaker as written.
    interviewers : iterable of str
        Names the caller declares to be interviewers (compared normalised).

    Returns
    -------
    str

    Examples
    --------
    >>> [role_of_label(s) for s in ["Entrevistadora", "I", "P1", "Participante 2", "Ana"]]
    ['interviewer', 'interviewer', 'participant', 'participant', 'unknown']
    >>> role_of_label("Ana", interviewers=["ana"])
    'interviewer'
    >>> role_of_label("Ana (moderadora)"), role_of_label("Participante Rosa")
    ('interviewer', 'participant')
    """
    norm = normalise_name(label)
    if not norm:
        return "unknown"
    if interviewers and norm in {normalise_name(n) for n in interviewers}:
        return "interviewer"
    return _role_of_norm(norm)


@lru_cache(maxsize=4096)
def _role_of_norm(norm: str) -> str:
    for candidate in (norm, _strip_id(norm)):
        if candidate in INTERVIEWER_LABELS:
            return "interviewer"
        if candidate in PARTICIPANT_LABELS:
            return "participant"
    words = norm.split()
    if 1 < len(words) <= 4:
        # "Entrevistadora Ana", "Ana (moderadora)", "Participante Rosa"
        long_words = [w for w in words if len(w) >= 4]
        if any(w in INTERVIEWER_LABELS for w in long_words):
            return "interviewer"
        if any(w in PARTICIPANT_LABELS for w in long_words):
            return "participant"
    return "unknown"


def _strip_id(norm: str) -> str:
    parts = norm.split()
    if len(parts) > 1 and (parts[-1].isdigit() or len(parts[-1]) == 1):
        return " ".join(parts[:-1])
    m = re.fullmatch(r"([a-z]+?)(\d+)", norm)
    if m:
        return m.group(1)
    return norm


def assign_roles(speakers, texts=None, roles=None, interviewers=()) -> list[str]:
    """Roles for the turns of ONE interview.

    Parameters
    ----------
    speakers : sequence of str or None
        Speaker of each turn, in order.
    texts : sequence of str, optional
        The turns' texts (used to spot who asks the questions).
    roles : sequence of str or None, optional
        A role written in the file (a *Rol* column); recognised values win.
    interviewers : iterable of str
        Speaker names declared to be interviewers.

    Returns
    -------
    list of str
        ``participant`` | ``interviewer`` | ``unknown`` per turn.

    Examples
    --------
    >>> assign_roles(["Entrevistador", "Rosa", "Entrevistador", "Rosa"])
    ['interviewer', 'participant', 'interviewer', 'participant']
    >>> assign_roles(["Ana", "Luis", "Ana"], ["¿Cómo le fue?", "Mal, esperé horas.", "¿Por qué?"])
    ['interviewer', 'participant', 'interviewer']
    >>> assign_roles(["Ana", "Luis"], ["Hola", "Hola"])
    ['unknown', 'unknown']
    >>> assign_roles([None, None], roles=["Moderadora", "Participante"])
    ['interviewer', 'participant']
    >>> assign_roles(["P", "R"], ["¿Cuándo fue?", "En marzo."])
    ['interviewer', 'participant']
    """
    n = len(speakers)
    texts = list(texts) if texts is not None else [""] * n
    declared = [role_of_label(r) if roles is not None and r else "unknown"
                for r in (roles if roles is not None else [None] * n)]
    interviewers = tuple(interviewers)
    by_label = [role_of_label(s, interviewers) for s in speakers]
    bare = {normalise_name(s) for s in speakers}
    if {"p", "r"} <= bare and "i" not in bare and "e" not in bare:
        # Spanish P/R transcripts: P = Pregunta (the interviewer), R = Respuesta
        by_label = ["interviewer" if normalise_name(s) == "p" else b
                    for s, b in zip(speakers, by_label, strict=True)]
    out = [d if d != "unknown" else b for d, b in zip(declared, by_label, strict=True)]
    known_interviewer = {normalise_name(s) for s, r in zip(speakers, out, strict=True) if r == "interviewer"}
    names = [normalise_name(s) for s in speakers]
    distinct = [s for s in dict.fromkeys(names) if s]
    if not distinct:
        return out
    if known_interviewer:
        # once the interviewer is known, the other named speakers are participants
        return [("participant" if r == "unknown" and nm and nm not in known_interviewer else r)
                for r, nm in zip(out, names, strict=True)]
    unresolved = [s for s in distinct if all(r == "unknown" for r, nm in zip(out, names, strict=True) if nm == s)]
    if len(distinct) == 1 and unresolved:
        return ["participant" if r == "unknown" and nm else r for r, nm in zip(out, names, strict=True)]
    if len(distinct) == 2 and len(unresolved) == 2:
        share = {}
        for s in distinct:
            mine = [t for t, nm in zip(texts, names, strict=True) if nm == s]
            share[s] = sum(1 for t in mine if isinstance(t, str) and "?" in t) / max(len(mine), 1)
        a, b = distinct
        if share[a] != share[b] and max(share.values()) >= 0.5:
            asker = a if share[a] > share[b] else b
            return ["interviewer" if nm == asker else "participant" for nm in names]
    if len(distinct) == 2 and len(unresolved) == 1:
        other = unresolved[0]
        resolved_role = next(r for r, nm in zip(out, names, strict=True) if nm and nm != other)
        flip = {"participant": "interviewer", "interviewer": "participant"}.get(resolved_role, "unknown")
        return [flip if nm == other and r == "unknown" else r for r, nm in zip(out, names, strict=True)]
    return out
