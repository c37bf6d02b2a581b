"""The canonical tables (DESIGN.md §3): column names, order and types, in one place.

Readers produce these tables and nothing else; storage, analysis and exports consume them.
"""

from __future__ import annotations

import pandas as pd

__all__ = [
    "UTTERANCE_COLUMNS", "PARTICIPANT_COLUMNS", "PAIN_POINT_COLUMNS", "STEP_COLUMNS",
    "EVENT_COLUMNS", "NARRATED_COLUMNS", "SPEAKER_ROLES", "PAIN_STATUSES", "CATEGORIES",
    "CATEGORY_LABELS", "empty_table", "conform",
]

UTTERANCE_COLUMNS = (
    "project", "interview_id", "participant_id", "speaker", "speaker_role", "seq", "text",
    "timestamp", "lang", "source_file", "source_sheet", "source_row", "source_column",
)
SPEAKER_ROLES = ("participant", "interviewer", "unknown")

# Free attributes (region, age_band, access_needs, digital_skills, preferred_channel, ...)
# travel as extra columns after these.
PARTICIPANT_COLUMNS = ("participant_id", "segment")

PAIN_POINT_COLUMNS = (
    "id", "interview_id", "participant_id", "source_file", "source_sheet", "source_row",
    "source_column", "sentence", "start", "end", "category", "severity", "cues", "step_id",
    "channel", "lang", "status",
)
PAIN_STATUSES = ("suggested", "accepted", "rejected", "edited", "manual")

STEP_COLUMNS = (
    "journey", "step_id", "stage", "step", "channel", "lane", "agency", "order", "next_steps",
    "median_wait_days", "volume_per_month", "documents_required", "synonyms",
)

EVENT_COLUMNS = ("case_id", "activity", "timestamp", "channel", "resource", "agency", "lifecycle")

# Ordered steps a participant narrates, one row per mention (input of "narrated" edges).
NARRATED_COLUMNS = ("interview_id", "participant_id", "position", "step_id", "channel",
                    "source_file", "source_row")

CATEGORIES = (
    "waiting", "complexity", "repetition", "information", "channel_failure", "access", "cost",
    "staff", "documents", "trust", "internal_tools", "other",
)
CATEGORY_LABELS = {
    "en": {"waiting": "waiting", "complexity": "complexity", "repetition": "repetition",
           "information": "information", "channel_failure": "channel failure",
           "access": "access", "cost": "cost", "staff": "staff", "documents": "documents",
           "trust": "trust", "internal_tools": "internal tools", "other": "other"},
    "es": {"waiting": "espera", "complexity": "complejidad", "repetition": "repetición",
           "information": "información", "channel_failure": "falla del canal",
           "access": "acceso", "cost": "costo", "staff": "atención", "documents": "documentos",
           "trust": "confianza", "internal_tools": "herramientas internas", "other": "otro"},
}

_TABLES = {
    "utterances": UTTERANCE_COLUMNS,
    "participants": PARTICIPANT_COLUMNS,
    "pain_points": PAIN_POINT_COLUMNS,
    "steps": STEP_COLUMNS,
    "events": EVENT_COLUMNS,
    "narrated": NARRATED_COLUMNS,
}


def empty_table(name: str) -> pd.DataFrame:
    """An empty DataFrame with the canonical columns of table ``name``.

    Examples
    --------
    >>> list(empty_table("events").columns)
    ['case_id', 'activity', 'timestamp', 'channel', 'resource', 'agency', 'lifecycle']
    """
    return pd.DataFrame({c: pd.Series(dtype="object") for c in _TABLES[name]})


def conform(df: pd.DataFrame, name: str) -> pd.DataFrame:
    """Return ``df`` with every canonical column of ``name`` present and first, in order.

    Missing columns are added empty; extra columns are kept after the canonical ones.

    Examples
    --------
    >>> conform(pd.DataFrame({"activity": ["a"], "case_id": ["1"], "x": [1]}), "events").columns[:3].tolist()
    ['case_id', 'activity', 'timestamp']
    """
    cols = _TABLES[name]
    out = df.copy()
    for c in cols:
        if c not in out.columns:
            out[c] = None
    extra = [c for c in out.columns if c not in cols]
    return out[list(cols) + extra]
