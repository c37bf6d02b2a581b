"""Participant sheets and files -> the ``participants`` table (DESIGN.md §3).

One row per participant: ``participant_id``, ``segment`` normalised to ``citizen``,
``business``, ``visitor``, ``public_servant`` or ``other`` from English or Spanish words
(*ciudadana*, *emprendedor*, *turista*, *servidor público*...), then free attributes as extra
columns: recognised ones under canonical names (``region``, ``age_band``, ``access_needs``,
``digital_skills``, ``preferred_channel``, ``gender``, ``occupation``), the others under their
header in snake_case. The segment as written is kept in ``segment_written``.
"""

from __future__ import annotations

import pandas as pd

from research.columns import PARTICIPANT_ALIASES, accepted_names, find_header_row, normalise_name
from research.errors import InputError
from research.result import ImportResult

__all__ = ["SEGMENTS", "SEGMENT_WORDS", "normalise_segment", "participants_from_grid",
           "participants_from_grids"]

SEGMENTS = ("citizen", "business", "visitor", "public_servant", "other")

#: Segment -> words (normalised, matched as whole words or phrases) that mean it.
SEGMENT_WORDS: dict[str, tuple[str, ...]] = {
    "public_servant": (
        "public servant", "civil servant", "government official", "official", "officer", "staff",
        "agent", "caseworker", "employee", "funcionario", "funcionaria", "funcionarios",
        "servidor publico", "servidora publica", "servidores publicos", "empleado publico",
        "empleada publica", "agente", "personal", "tramitador", "tramitadora", "operador", "operadora",
    ),
    "business": (
        "business", "business owner", "company", "firm", "entrepreneur", "sme", "merchant", "employer",
        "self employed", "empresa", "empresas", "negocio", "negocios", "emprendedor", "emprendedora",
        "empresario", "empresaria", "pyme", "mipyme", "comerciante", "comercio", "microempresa",
        "microempresario", "microempresaria", "persona juridica", "independiente",
    ),
    "visitor": (
        "visitor", "tourist", "foreigner", "traveller", "traveler", "non resident", "expat",
        "turista", "visitante", "extranjero", "extranjera", "viajero", "viajera", "no residente",
    ),
    "citizen": (
        "citizen", "resident", "individual", "person", "member of the public", "user", "applicant",
        "ciudadano", "ciudadana", "ciudadania", "residente", "persona natural", "particular",
        "usuario", "usuaria", "solicitante", "poblacion", "vecino", "vecina",
    ),
}


def normalise_segment(value) -> str:
    """Map a written segment (English or Spanish) to one of :data:`SEGMENTS`.

    Examples
    --------
    >>> [normalise_segment(v) for v in ["Ciudadana", "Dueña de negocio", "Turista",
    ...                                 "Servidor Público", "public_servant", "", "Estudiante"]]
    ['citizen', 'business', 'visitor', 'public_servant', 'public_servant', 'other', 'other']
    """
    norm = normalise_name(value)
    if not norm:
        return "other"
    if norm.replace(" ", "_") in SEGMENTS:
        return norm.replace(" ", "_")
    padded = f" {norm} "
    for seg, words in SEGMENT_WORDS.items():
        if any(f" {w} " in padded for w in words):
            return seg
    return "other"


def _snake(header: str) -> str:
    return normalise_name(header).replace(" ", "_") or "column"


def participants_from_grid(rows, *, file: str, sheet: str | None = None, mapping=None,
                           first_row: int = 1) -> tuple[pd.DataFrame, dict, list[dict]] | None:
    """Read one grid as a participants table, or None if it has no participant-id column.

    Parameters
    ----------
    rows : list of lists
        The grid (``rows[i]`` is row ``first_row + i``).
    file, sheet : str
        Where it comes from.
    mapping : dict, optional
        Explicit ``{source column: field}`` (fields: participant_id, segment, region, ...).

    Returns
    -------
    (DataFrame, dict, list) or None
        The table, the column mapping used and skipped rows (duplicates, empty ids).

    Examples
    --------
    >>> df, m, sk = participants_from_grid(
    ...     [["Código", "Perfil", "Provincia", "Usa internet"], ["P01", "Emprendedora", "Colón", "sí"],
    ...      ["P02", "Turista", "Panamá", "no"], ["P01", "Ciudadano", "", ""]], file="p.xlsx")
    >>> df.values.tolist(), sk[0]["row"]
    ([['P01', 'business', 'Colón', 'sí', 'Emprendedora'], ['P02', 'visitor', 'Panamá', 'no', 'Turista']], 4)
    >>> list(df.columns)
    ['participant_id', 'segment', 'region', 'usa_internet', 'segment_written']
    """
    found = find_header_row(rows, aliases=PARTICIPANT_ALIASES, mapping=mapping, required=("participant_id",))
    if found is None:
        return None
    hidx, cols = found
    header = [str(c).strip() if c is not None else "" for c in rows[hidx]]
    names: dict[int, str] = {}
    for j, h in enumerate(header):
        if j in cols:
            names[j] = cols[j]
        elif h:
            names[j] = _snake(h)
    seen_names: set[str] = set()
    for j in list(names):
        if names[j] in seen_names:
            names[j] = f"{names[j]}_{j + 1}"
        seen_names.add(names[j])
    pid_col = next(j for j, f in cols.items() if f == "participant_id")
    from research.transcripts import cell_text

    out, skipped, seen = [], [], set()
    for i in range(hidx + 1, len(rows)):
        row = rows[i]
        pid = cell_text(row[pid_col]) if pid_col < len(row) else ""
        if not pid:
            if any(cell_text(c) for c in row):
                skipped.append({"sheet": sheet, "row": first_row + i, "reason": "no participant id"})
            continue
        if pid in seen:
            skipped.append({"sheet": sheet, "row": first_row + i, "reason": f"participant {pid} appears twice; first row kept"})
            continue
        seen.add(pid)
        rec = {names[j]: (cell_text(row[j]) if j < len(row) else "") or None for j in names}
        rec["participant_id"] = pid
        written = rec.get("segment")
        rec["segment"] = normalise_segment(written)
        rec["segment_written"] = written
        out.append(rec)
    ordered = ["participant_id", "segment"] + [n for j, n in sorted(names.items())
                                                if n not in ("participant_id", "segment")] + ["segment_written"]
    df = pd.DataFrame(out, columns=ordered, dtype=object)
    df = df.where(df.notna(), None)
    used = {header[j]: f for j, f in cols.items() if header[j]}
    return df, used, skipped


def participants_from_grids(grids, *, file: str, mapping=None) -> ImportResult:
    """Read every sheet holding participants; other sheets are skipped and reported.

    Parameters
    ----------
    grids : list of (sheet name or None, rows, merged)
        As produced for a workbook or CSV.
    file : str
        File name.
    mapping : dict, optional
        Explicit column mapping.

    Returns
    -------
    ImportResult
        ``tables["participants"]``, layout ``"participants"``.

    Raises
    ------
    InputError
        No sheet has a participant-id column, or it has no rows.

    Examples
    --------
    >>> r = participants_from_grids([("Roster", [["Participant", "Segment"], ["P1", "citizen"]], set())], file="p.csv")
    >>> r.summary()["participants"], r.tables["participants"]["segment"].tolist()
    (1, ['citizen'])
    """
    from research.transcripts import grid_utterances

    frames, used, skipped = [], {}, []
    header_only = None
    for name, rows, _merged in grids:
        got = participants_from_grid(rows, file=file, sheet=name, mapping=mapping)
        if got is None:
            skipped.append({"sheet": name, "row": None, "reason": "no participant id column"})
            continue
        df, m, sk = got
        g = grid_utterances(rows, file=file, sheet=name, mapping=mapping)
        if g["layout"] == "notes-grid" or (g["layout"] and set(g["mapping"].values()) & {"speaker", "timestamp"}):
            skipped.append({"sheet": name, "row": None, "reason": "transcript sheet (import it as transcripts)"})
            continue
        if not len(df):
            header_only = header_only or name
            skipped.append({"sheet": name, "row": None, "reason": "header only, no participants"})
            continue
        frames.append(df)
        used.update(m)
        skipped.extend(sk)
    if not frames:
        if header_only is not None:
            raise InputError("the participants sheet has column names but no rows",
                             "add one row per participant below the header", file=file, sheet=header_only)
        raise InputError("no participant id column found",
                         f"name the column of participant codes one of: {accepted_names('participant_id', PARTICIPANT_ALIASES)}"
                         " (or give --map COLUMN=participant_id)", file=file)
    df = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    dup = df["participant_id"].duplicated()
    for pid in df.loc[dup, "participant_id"]:
        skipped.append({"sheet": None, "row": None, "reason": f"participant {pid} appears in two sheets; first kept"})
    df = df.loc[~dup].reset_index(drop=True)
    return ImportResult(file, "participants", "participants", {"participants": df}, used, skipped)
