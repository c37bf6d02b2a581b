"""What every reader returns: the canonical table(s) plus what it detected and skipped."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

__all__ = ["ImportResult", "KINDS"]

KINDS = ("transcripts", "participants", "steps", "eventlog")


@dataclass
class ImportResult:
    """The outcome of reading one file.

    Attributes
    ----------
    file : str
        Base name of the file read.
    kind : str
        One of ``KINDS``.
    layout : str
        What was detected, e.g. ``"rows"``, ``"sheet-per-interview"``, ``"notes-grid"``,
        ``"csv"``, ``"txt"``, ``"docx"``, ``"vtt"``, ``"srt"``, ``"xes"``, ``"parquet"``.
    tables : dict of str to DataFrame
        Canonical tables by name (``"utterances"``, ``"participants"``, ``"steps"``, ``"events"``).
    mapping : dict
        Source column -> canonical field, as detected or given.
    skipped : list of dict
        ``{"sheet", "row", "reason"}`` for every sheet or row left out, and why.

    Examples
    --------
    >>> r = ImportResult("a.csv", "transcripts", "csv",
    ...                  {"utterances": pd.DataFrame({"interview_id": ["i1", "i1"],
    ...                                               "speaker_role": ["interviewer", "participant"]})})
    >>> r.summary()["utterances"], r.summary()["participant_utterances"]
    (2, 1)
    """

    file: str
    kind: str
    layout: str
    tables: dict[str, pd.DataFrame]
    mapping: dict[str, str] = field(default_factory=dict)
    skipped: list[dict] = field(default_factory=list)

    def summary(self) -> dict:
        """A JSON-ready summary: kind, layout, counts per table, rows skipped and why."""
        out: dict = {"file": self.file, "kind": self.kind, "layout": self.layout}
        utt = self.tables.get("utterances")
        if utt is not None:
            out["interviews"] = int(utt["interview_id"].nunique()) if len(utt) else 0
            out["utterances"] = int(len(utt))
            out["participant_utterances"] = int((utt["speaker_role"] == "participant").sum()) if len(utt) else 0
        for name in ("participants", "steps", "events"):
            if name in self.tables:
                out[name] = int(len(self.tables[name]))
        if "events" in self.tables and len(self.tables["events"]):
            out["cases"] = int(self.tables["events"]["case_id"].nunique())
        out["mapping"] = dict(self.mapping)
        out["skipped"] = list(self.skipped)
        return out
