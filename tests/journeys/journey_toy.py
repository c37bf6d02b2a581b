"""A tiny hand-built journey shared by the journey-model tests (imported by test modules).

Three steps, two agencies::

    S1 Apply    web; office   Registry   order 1   ID card                       wait 1 day
    S2 Check    phone; office Registry   order 2   Cédula; Proof of address       wait 5 days  (synonym "Revisión")
    S3 Collect  office        Tax        order 3   Comprobante de domicilio       wait 2 days

Cases (days from 2024-01-01):
    c1  S1 web (0) -> S2 phone (1) -> S3 office (3)           web→phone failure demand, hand-off
    c2  S1 web (0) -> S2 office (2) -> S1 web (3) -> S2 office (4) -> S3 office (7)   loop
    c3  S1 office (0) -> S2 office (4)                          drop-off at S2
    c4  S1 web (0) -> "Fax the form" (1, matches no step)       drop-off at S1
"""

from __future__ import annotations

import pandas as pd

DAY = 86400.0


def toy_steps() -> pd.DataFrame:
    return pd.DataFrame({
        "journey": ["Licence"] * 3,
        "step_id": ["S1", "S2", "S3"],
        "step": ["Apply", "Check", "Collect"],
        "channel": ["web; office", "phone; office", "office"],
        "agency": ["Registry", "Registry", "Tax"],
        "order": [1, 2, 3],
        "median_wait_days": [1, 5, 2],
        "documents_required": ["ID card", "Cédula; Proof of address", "Comprobante de domicilio"],
        "synonyms": ["", "Revisión", ""],
    })


def toy_events() -> pd.DataFrame:
    rows = [
        ("c1", "apply", "web", 0), ("c1", "revision", "phone", 1), ("c1", "COLLECT", "Oficina", 3),
        ("c2", "Apply", "web", 0), ("c2", "Check", "office", 2), ("c2", "Apply", "web", 3),
        ("c2", "Check", "office", 4), ("c2", "Collect", "office", 7),
        ("c3", "Apply", "office", 0), ("c3", "Check", "office", 4),
        ("c4", "Apply", "web", 0), ("c4", "Fax the form", "fax", 1),
    ]
    df = pd.DataFrame(rows, columns=["case_id", "activity", "channel", "day"])
    df["timestamp"] = pd.Timestamp("2024-01-01", tz="UTC") + pd.to_timedelta(df.pop("day"), unit="D")
    return df.sample(frac=1.0, random_state=3).reset_index(drop=True)  # unsorted input on purpose


def toy_participants() -> pd.DataFrame:
    return pd.DataFrame({"participant_id": ["p1", "p2", "p3"], "segment": ["citizen", "business", "citizen"]})


def toy_narrated() -> pd.DataFrame:
    return pd.DataFrame({
        "interview_id": ["i1", "i1", "i1", "i2", "i2"],
        "participant_id": ["p1", "p1", "p1", "p2", "p2"],
        "position": [1, 2, 3, 2, 1],  # i2 written out of order on purpose
        "step_id": ["S1", "S2", "S3", "S3", "S1"],
        "channel": ["web", "phone", "office", "office", None],
    })


def toy_pain_points() -> pd.DataFrame:
    return pd.DataFrame({
        "id": ["pp1", "pp2", "pp3", "pp4", "pp5", "pp6"],
        "participant_id": ["p1", "p1", "p3", "p2", "p2", "p3"],
        "sentence": ["I waited weeks for the call back", "They asked for my ID again",
                     "=Bring the deed, they said", "The fee was high", "Rejected one", "Unlinked"],
        "category": ["waiting", "repetition", "documents", "cost", "staff", "other"],
        "severity": [0.8, 0.6, 0.4, 0.2, 1.0, 0.5],
        "step_id": ["S2", "S2", "S3", "S1", "S3", None],
        "channel": ["phone", None, "office", "web", "office", None],
        "status": ["suggested", "accepted", "suggested", "edited", "rejected", "suggested"],
    })
