"""Exports a manager or a researcher takes away — all offline.

* Charts (:mod:`journeys.diagrams`) to PNG (print resolution), SVG, PDF and a standalone HTML
  page with the Vega libraries inlined (no CDN), through vl-convert: :func:`chart_to_png`,
  :func:`chart_to_svg`, :func:`chart_to_pdf`, :func:`chart_to_html`, :func:`save_chart`.
* The Excel pack (openpyxl): :func:`excel_pack` — Summary, Priorities, Pain points (quotes and
  source references), Steps and metrics, Transitions, Participants (redacted); styled headers,
  frozen panes, filters, column widths, colour scales on scores; sheet and header names in
  English or Spanish; every text cell neutralised against formula injection.
* The journey graph as GraphML and node-link JSON (Gephi, yEd, networkx):
  :func:`journey_graph`, :func:`graph_to_graphml`, :func:`graph_to_json`.
* A REFI-QDA 1.5 project (``.qdpx``) for QualCoder, NVivo, ATLAS.ti or MAXQDA:
  :func:`qdpx_project` — sources = interviews (plain text), codes = pain categories, coded
  segments = accepted pain points.

Every writer returns ``bytes`` (or ``str`` for SVG/HTML/JSON) so the app can offer a download
without touching the disk; :func:`write_export` writes one to a path chosen by its extension.
"""

from __future__ import annotations

import io
import json
import math
import uuid
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import networkx as nx
import pandas as pd

from research.errors import InputError
from research.guards import neutralise_formula
from research.schema import CATEGORIES, CATEGORY_LABELS

__all__ = [
    "CHART_FORMATS", "REPORT_FORMATS", "chart_to_png", "chart_to_svg", "chart_to_pdf", "chart_to_html",
    "save_chart", "excel_pack", "PACK_SHEETS", "journey_graph", "graph_to_graphml", "graph_to_json",
    "qdpx_project", "QDA_NAMESPACE", "write_export",
]

CHART_FORMATS = ("png", "svg", "pdf", "html")
REPORT_FORMATS = ("xlsx", "qdpx", "graphml", "json")
QDA_NAMESPACE = "urn:QDA-XML:project:1.0"


# -------------------------------------------------------------------------------------------- charts

def _spec(chart) -> dict:
    if isinstance(chart, dict):
        return chart
    if hasattr(chart, "to_dict"):
        return chart.to_dict()
    raise InputError("not a chart", "pass an Altair chart or a Vega-Lite dict", file="export")


def chart_to_png(chart, scale: float = 2) -> bytes:
    """Render a chart to PNG bytes (``scale=2`` doubles the pixels for print).

    Examples
    --------
    >>> import altair as alt
    >>> png = chart_to_png(alt.Chart(pd.DataFrame({"x": [1, 2]})).mark_point().encode(x="x:Q"))
    >>> png[:8] == b"\\x89PNG\\r\\n\\x1a\\n"
    True
    """
    import vl_convert as vlc

    return vlc.vegalite_to_png(_spec(chart), scale=scale)


def chart_to_svg(chart) -> str:
    """Render a chart to SVG text (vector; text stays text).

    Examples
    --------
    >>> import altair as alt
    >>> chart_to_svg(alt.Chart(pd.DataFrame({"x": [1]})).mark_point().encode(x="x:Q")).startswith("<svg")
    True
    """
    import vl_convert as vlc

    return vlc.vegalite_to_svg(_spec(chart))


def chart_to_pdf(chart, scale: float = 1) -> bytes:
    """Render a chart to a one-page PDF (vector).

    Examples
    --------
    >>> import altair as alt
    >>> chart_to_pdf(alt.Chart(pd.DataFrame({"x": [1]})).mark_point().encode(x="x:Q"))[:5]
    b'%PDF-'
    """
    import vl_convert as vlc

    return vlc.vegalite_to_pdf(_spec(chart), scale=scale)


def chart_to_html(chart, title: str = "Recorrido") -> str:
    """A standalone HTML page with the chart and the Vega libraries inlined (works offline).

    Examples
    --------
    >>> import altair as alt
    >>> html = chart_to_html(alt.Chart(pd.DataFrame({"x": [1]})).mark_point().encode(x="x:Q"))
    >>> "cdn.jsdelivr" in html, "<html" in html.lower()
    (False, True)
    """
    import vl_convert as vlc

    html = vlc.vegalite_to_html(_spec(chart), bundle=True)
    if "<title>" not in html and "<head>" in html:
        html = html.replace("<head>", f"<head><title>{escape(title)}</title>", 1)
    return html


def save_chart(chart, path, scale: float = 2) -> Path:
    """Write a chart to ``path``; the format comes from the extension (png, svg, pdf, html).

    Raises
    ------
    InputError
        An unknown extension or a path that cannot be written.

    Examples
    --------
    >>> import altair as alt, tempfile
    >>> chart = alt.Chart(pd.DataFrame({"x": [1]})).mark_point().encode(x="x:Q")
    >>> with tempfile.TemporaryDirectory() as d:
    ...     save_chart(chart, Path(d) / "chart.svg").read_text(encoding="utf-8")[:4]
    '<svg'
    """
    p = Path(path)
    ext = p.suffix.lower().lstrip(".")
    if ext == "htm":
        ext = "html"
    if ext not in CHART_FORMATS:
        raise InputError(f"unknown image format {p.suffix or '(none)'!r}",
                         f"end --out with one of {', '.join('.' + f for f in CHART_FORMATS)}", file=p.name)
    data = {"png": lambda: chart_to_png(chart, scale), "svg": lambda: chart_to_svg(chart),
            "pdf": lambda: chart_to_pdf(chart), "html": lambda: chart_to_html(chart)}[ext]()
    _write(p, data)
    return p


def _write(p: Path, data) -> None:
    try:
        if isinstance(data, str):
            p.write_text(data, encoding="utf-8")
        else:
            p.write_bytes(data)
    except OSError as exc:
        raise InputError(f"cannot write the output ({exc.strerror})", "choose another --out path", file=str(p)) from None


# ---------------------------------------------------------------------------------------- Excel pack

PACK_SHEETS = {
    "en": {"summary": "Summary", "priorities": "Priorities", "pains": "Pain points", "steps": "Steps and metrics",
           "transitions": "Transitions", "participants": "Participants"},
    "es": {"summary": "Resumen", "priorities": "Prioridades", "pains": "Puntos de dolor", "steps": "Pasos y métricas",
           "transitions": "Transiciones", "participants": "Participantes"},
}

_HEADERS = {
    "en": {
        "item": "Item", "value": "Value", "rank": "Rank", "step_id": "Step id", "step": "Step", "stage": "Stage",
        "lane": "Lane", "agency": "Agency", "order": "Order", "channel": "Channel", "score": "Priority score (0–100)",
        "reach": "Reach (0–1)", "severity": "Severity (0–1)", "delay": "Delay (0–1)", "friction": "Friction (0–1)",
        "centrality": "Centrality (0–1)", "pain_count": "Pain points", "pain_participants": "Participants with pain",
        "delay_days": "Wait (days)", "friction_count": "Switches + rework + hand-offs + drop-off",
        "evidence_strength": "Evidence", "evidence_sources": "Evidence sources", "top_quote": "Strongest quote",
        "id": "Id", "category": "Category", "status": "Status", "sentence": "Quote", "participant_id": "Participant",
        "interview_id": "Interview", "source_file": "Source file", "source_sheet": "Sheet", "source_row": "Row",
        "source_column": "Column", "cues": "Cues", "cases": "Cases", "events": "Events", "mean_severity": "Mean severity",
        "wait_median_days": "Median wait (days)", "wait_p90_days": "90th percentile wait (days)",
        "drop_off": "Drop-off (cases)", "drop_off_rate": "Drop-off rate", "rework": "Rework", "switches_in":
        "Channel switches in", "switches_out": "Channel switches out", "handoffs_in": "Agency hand-offs in",
        "once_only": "Documents asked again", "kind": "Evidence", "from_step": "From step", "from_channel":
        "From channel", "to_step": "To step", "to_channel": "To channel", "count": "Count", "probability": "Probability",
        "median_days": "Median time (days)", "channel_switch": "Channel switch", "agency_handoff": "Agency hand-off",
        "backward": "Goes back", "repeat": "Repeat", "segment": "Segment", "region": "Region",
        "age_band": "Age band", "digital_skills": "Digital skills", "preferred_channel": "Preferred channel",
        "access_needs": "Access needs",
        "_yes": "yes", "_no": "no",
        "_status": {"suggested": "suggested", "accepted": "accepted", "rejected": "rejected", "edited": "edited",
                    "manual": "manual"},
    },
    "es": {
        "item": "Elemento", "value": "Valor", "rank": "Puesto", "step_id": "Id del paso", "step": "Paso",
        "stage": "Etapa", "lane": "Carril", "agency": "Entidad", "order": "Orden", "channel": "Canal",
        "score": "Puntaje de prioridad (0–100)", "reach": "Alcance (0–1)", "severity": "Severidad (0–1)",
        "delay": "Demora (0–1)", "friction": "Fricción (0–1)", "centrality": "Centralidad (0–1)",
        "pain_count": "Puntos de dolor", "pain_participants": "Participantes con dolor", "delay_days": "Espera (días)",
        "friction_count": "Cambios + reprocesos + traspasos + abandonos", "evidence_strength": "Evidencia",
        "evidence_sources": "Fuentes de evidencia", "top_quote": "Cita más fuerte", "id": "Id",
        "category": "Categoría", "status": "Estado", "sentence": "Cita", "participant_id": "Participante",
        "interview_id": "Entrevista", "source_file": "Archivo de origen", "source_sheet": "Hoja",
        "source_row": "Fila", "source_column": "Columna", "cues": "Indicios", "cases": "Casos", "events": "Eventos",
        "mean_severity": "Severidad media", "wait_median_days": "Espera mediana (días)",
        "wait_p90_days": "Espera percentil 90 (días)", "drop_off": "Abandonos (casos)", "drop_off_rate":
        "Tasa de abandono", "rework": "Reprocesos", "switches_in": "Cambios de canal (entrada)", "switches_out":
        "Cambios de canal (salida)", "handoffs_in": "Traspasos entre entidades (entrada)", "once_only":
        "Documentos pedidos otra vez", "kind": "Evidencia", "from_step": "Desde el paso", "from_channel":
        "Desde el canal", "to_step": "Hacia el paso", "to_channel": "Hacia el canal", "count": "Cantidad",
        "probability": "Probabilidad", "median_days": "Tiempo mediano (días)", "channel_switch": "Cambio de canal",
        "agency_handoff": "Traspaso entre entidades", "backward": "Vuelve atrás", "repeat": "Repetición",
        "segment": "Segmento", "region": "Región", "age_band": "Rango de edad",
        "digital_skills": "Habilidades digitales", "preferred_channel": "Canal preferido",
        "access_needs": "Necesidades de acceso",
        "_yes": "sí", "_no": "no",
        "_status": {"suggested": "sugerido", "accepted": "aceptado", "rejected": "rechazado", "edited": "editado",
                    "manual": "manual"},
    },
}

_SUMMARY = {
    "en": {"title": "Recorrido — journey report", "segment": "Segment", "everyone": "everyone",
           "generated": "Generated (UTC)", "steps": "Steps", "touchpoints": "Touchpoints (step × channel)",
           "cases": "Cases in the event log", "events": "Events", "interviews": "Interviews",
           "participants": "Participants", "pain_points": "Pain points", "pain_points_linked": "Pain points linked to a step",
           "top": "Top priority #{n}", "failure": "Cases that started digital and needed phone or office",
           "handoffs": "Mean agency hand-offs per case", "critical": "Critical path (longest waits)",
           "note": "Note", "weights": "Priority weights",
           "how": "How to read: the Priorities sheet ranks steps by a 0–100 score (weighted mean of reach, severity, "
                  "delay, friction and centrality, each 0–1); the Pain points sheet holds the quotes behind them, "
                  "with the file and row they come from."},
    "es": {"title": "Recorrido — informe del recorrido", "segment": "Segmento", "everyone": "todas las personas",
           "generated": "Generado (UTC)", "steps": "Pasos", "touchpoints": "Puntos de contacto (paso × canal)",
           "cases": "Casos en el registro de eventos", "events": "Eventos", "interviews": "Entrevistas",
           "participants": "Participantes", "pain_points": "Puntos de dolor",
           "pain_points_linked": "Puntos de dolor vinculados a un paso", "top": "Prioridad #{n}",
           "failure": "Casos que empezaron en digital y necesitaron teléfono u oficina",
           "handoffs": "Traspasos entre entidades por caso (media)", "critical": "Ruta crítica (mayores esperas)",
           "note": "Nota", "weights": "Pesos de la prioridad",
           "how": "Cómo leerlo: la hoja Prioridades ordena los pasos por un puntaje 0–100 (media ponderada de "
                  "alcance, severidad, demora, fricción y centralidad, cada uno 0–1); la hoja Puntos de dolor tiene "
                  "las citas que los respaldan, con el archivo y la fila de donde vienen."},
}

# columns of a participants table that identify a person: left out of the pack
_IDENTIFYING = ("name", "nombre", "apellido", "surname", "email", "correo", "mail", "phone", "telefono", "teléfono",
                "celular", "mobile", "address", "direccion", "dirección", "cedula", "cédula", "dni", "passport",
                "pasaporte", "national_id", "birth", "nacimiento", "contact", "contacto")


def _cell(v):
    """A value ready for a cell: lists/dicts as text, NaN empty, long text cut, formulas neutralised."""
    if v is None:
        return None
    if isinstance(v, float) and (math.isnan(v) or math.isinf(v)):
        return None
    if isinstance(v, (list, tuple, set)):
        v = "; ".join(str(x) for x in v)
    elif isinstance(v, dict):
        v = json.dumps(v, ensure_ascii=False)
    elif hasattr(v, "item") and not isinstance(v, str):
        v = v.item()
    elif isinstance(v, pd.Timestamp):
        v = v.isoformat()
    if isinstance(v, str):
        v = v.replace("\x00", "")
        if len(v) > 32000:  # Excel's cell limit is 32,767 characters
            v = v[:32000] + "…"
        return neutralise_formula(v)
    return v


def _days(seconds):
    try:
        s = float(seconds)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(s) else round(s / 86400.0, 2)


def _round(v, n=3):
    try:
        f = float(v)
    except (TypeError, ValueError):
        return v
    return None if math.isnan(f) else round(f, n)


def _pack_tables(report: dict, pain_points, participants, lang: str) -> dict[str, tuple[list[str], list[list]]]:
    from journeys.diagrams import CHANNEL_LABELS, WORDS

    cat = CATEGORY_LABELS[lang]
    chan = CHANNEL_LABELS[lang]
    lanes = WORDS[lang]["lanes"]
    heads = _HEADERS[lang]
    status = heads["_status"]

    def yes(v):
        return None if v is None else heads["_yes"] if v else heads["_no"]

    step_name = {s["step_id"]: s.get("step") for s in report.get("steps", [])}
    # --- priorities
    pri_cols = ["rank", "step_id", "step", "agency", "score", "reach", "severity", "delay", "friction", "centrality",
                "pain_count", "pain_participants", "delay_days", "friction_count", "evidence_strength",
                "evidence_sources", "top_quote"]
    pri = []
    for r in (report.get("priorities") or {}).get("steps") or []:
        quotes = r.get("quotes") or []
        q = quotes[0] if quotes else None
        quote = (f"“{q.get('sentence')}” — {q.get('participant_id')}, {q.get('source_file')}"
                 f"{', ' + str(q.get('source_row')) if q.get('source_row') is not None else ''}") if q else None
        pri.append([r.get("rank"), r.get("step_id"), r.get("step"), r.get("agency"), _round(r.get("score"), 1),
                    *[_round(r.get(c)) for c in ("reach", "severity", "delay", "friction", "centrality")],
                    r.get("pain_count"), r.get("pain_participants"), _round(r.get("delay_days"), 2),
                    _round(r.get("friction_count"), 0), r.get("evidence_strength"), r.get("evidence_sources"), quote])
    # --- pain points
    pain_cols = ["id", "step_id", "step", "channel", "category", "severity", "status", "sentence", "participant_id",
                 "interview_id", "source_file", "source_sheet", "source_row", "source_column", "cues"]
    pains = []
    if pain_points is not None and len(pain_points):
        p = pain_points
        if "status" in p.columns:
            p = p[p["status"].astype(str).str.lower() != "rejected"]
        sev = pd.to_numeric(p.get("severity"), errors="coerce")
        p = p.assign(_sev=sev).sort_values(["_sev"], ascending=False, na_position="last", kind="stable")
        for r in p.to_dict("records"):
            sid = r.get("step_id")
            sid = None if sid is None or (isinstance(sid, float) and math.isnan(sid)) else sid
            ch = r.get("channel")
            ch = chan.get(ch, ch) if isinstance(ch, str) else None
            pains.append([r.get("id"), sid, step_name.get(sid), ch, cat.get(r.get("category"), r.get("category")),
                          _round(r.get("_sev"), 2), status.get(r.get("status"), r.get("status")), r.get("sentence"),
                          r.get("participant_id"),
                          r.get("interview_id"), r.get("source_file"), r.get("source_sheet"), r.get("source_row"),
                          r.get("source_column"), r.get("cues")])
    # --- steps and metrics
    step_cols = ["step_id", "step", "stage", "lane", "agency", "order", "cases", "pain_count", "reach",
                 "mean_severity", "wait_median_days", "wait_p90_days", "drop_off", "drop_off_rate", "rework",
                 "switches_in", "switches_out", "handoffs_in", "once_only", "score", "evidence_strength"]
    steps = []
    for r in report.get("steps", []):
        steps.append([r.get("step_id"), r.get("step"), r.get("stage"), lanes.get(r.get("lane"), r.get("lane")),
                      r.get("agency"), r.get("order"), r.get("cases"), r.get("pain_count"), _round(r.get("reach")),
                      _round(r.get("mean_severity")), _days(r.get("wait_median_seconds")),
                      _days(r.get("wait_p90_seconds")), r.get("drop_off"), _round(r.get("drop_off_rate")),
                      r.get("rework"), r.get("switches_in"), r.get("switches_out"), r.get("handoffs_in"),
                      r.get("once_only"), _round(r.get("score"), 1), r.get("evidence_strength")])
    # --- transitions
    kinds = WORDS[lang]["kinds"]
    tr_cols = ["kind", "from_step", "from_channel", "to_step", "to_channel", "count", "probability", "median_days",
               "channel_switch", "agency_handoff", "backward", "repeat"]
    trans = []
    for e in report.get("edges", []):
        trans.append([kinds.get(e.get("kind"), e.get("kind")),
                      f"{e.get('source_step')} {step_name.get(e.get('source_step')) or ''}".strip(),
                      chan.get(e.get("source_channel"), e.get("source_channel")),
                      f"{e.get('target_step')} {step_name.get(e.get('target_step')) or ''}".strip(),
                      chan.get(e.get("target_channel"), e.get("target_channel")), e.get("count"),
                      _round(e.get("probability")), _days(e.get("median_seconds")), yes(e.get("channel_switch")),
                      yes(e.get("agency_handoff")), yes(e.get("backward")), yes(e.get("repeat"))])
    # --- participants (redacted)
    part_cols, parts = ["participant_id", "segment"], []
    if participants is not None and len(participants):
        from nlp.redact import redact

        keep = [c for c in participants.columns
                if not any(k in str(c).strip().lower() for k in _IDENTIFYING) and str(c) != "segment_written"]
        part_cols = keep
        for r in participants[keep].to_dict("records"):
            parts.append([redact(v, lang) if isinstance(v, str) and c not in ("participant_id", "segment") else v
                          for c, v in r.items()])
    return {"priorities": (pri_cols, pri), "pains": (pain_cols, pains), "steps": (step_cols, steps),
            "transitions": (tr_cols, trans), "participants": (part_cols, parts)}


def excel_pack(report: dict, *, pain_points: pd.DataFrame | None = None, participants: pd.DataFrame | None = None,
               lang: str = "en") -> bytes:
    """The manager's Excel pack as ``.xlsx`` bytes.

    Sheets (names and headers in ``lang``): Summary (key numbers, top priorities, notes, how to
    read), Priorities (ranked steps, score and its components with a colour scale, strongest
    quote), Pain points (quotes with their source file, sheet, row and column; rejected ones left
    out), Steps and metrics, Transitions (designed, observed and narrated edges), Participants
    (columns that identify a person dropped, personal data in free text redacted). Headers are
    styled, panes frozen, filters on, widths fitted; every text cell is neutralised against
    formula injection (:func:`research.guards.neutralise_formula`).

    Parameters
    ----------
    report : dict
        From :func:`journeys.analysis.journey_report`.
    pain_points, participants : DataFrame, optional
        Canonical tables.
    lang : {"en", "es"}

    Returns
    -------
    bytes

    Examples
    --------
    >>> from journeys.analysis import journey_report
    >>> from openpyxl import load_workbook
    >>> r = journey_report(pd.DataFrame({"step_id": ["S1", "S2"], "step": ["=Apply", "Collect"],
    ...                                  "channel": ["web", "office"]}))
    >>> wb = load_workbook(io.BytesIO(excel_pack(r, lang="es")))
    >>> wb.sheetnames[:3], wb["Pasos y métricas"]["B2"].value
    (['Resumen', 'Prioridades', 'Puntos de dolor'], "'=Apply")
    """
    from openpyxl import Workbook
    from openpyxl.formatting.rule import ColorScaleRule
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    if lang not in PACK_SHEETS:
        raise InputError(f"unknown language {lang!r}", "use lang='en' or lang='es'", file="export")
    names, heads, words = PACK_SHEETS[lang], _HEADERS[lang], _SUMMARY[lang]
    tables = _pack_tables(report, pain_points, participants, lang)
    wb = Workbook()
    head_fill = PatternFill("solid", fgColor="1F3A5F")
    head_font = Font(bold=True, color="FFFFFF")
    wrap = Alignment(wrap_text=True, vertical="top")

    def fill_sheet(ws, columns, rows, *, scores=(), unit_scores=(), wide=()):
        ws.append([_cell(heads.get(c, c)) for c in columns])
        for r in rows:
            ws.append([_cell(v) for v in r])
        for cell in ws[1]:
            cell.fill, cell.font = head_fill, head_font
            cell.alignment = Alignment(wrap_text=True, vertical="center")
        ws.row_dimensions[1].height = 32
        ws.freeze_panes = "C2" if len(columns) > 4 else "A2"
        last = get_column_letter(max(len(columns), 1))
        if rows:
            ws.auto_filter.ref = f"A1:{last}{len(rows) + 1}"
        for i, c in enumerate(columns, start=1):
            letter = get_column_letter(i)
            longest = max([len(str(heads.get(c, c)))] + [len(str(r[i - 1])) for r in rows[:500] if r[i - 1] is not None])
            ws.column_dimensions[letter].width = 70 if c in wide else min(max(10, longest + 2), 45)
            if c in wide:
                for row in ws.iter_rows(min_row=2, min_col=i, max_col=i):
                    row[0].alignment = wrap
            if rows and (c in scores or c in unit_scores):
                top = 100 if c in scores else 1
                ws.conditional_formatting.add(
                    f"{letter}2:{letter}{len(rows) + 1}",
                    ColorScaleRule(start_type="num", start_value=0, start_color="FFFFFF", mid_type="num",
                                   mid_value=top / 2, mid_color="F7C38E", end_type="num", end_value=top,
                                   end_color="D55E00"))

    # Summary
    ws = wb.active
    ws.title = names["summary"]
    s = report.get("summary", {})
    rows = [[words["segment"], report.get("segment") or words["everyone"]],
            [words["generated"], datetime.now(UTC).strftime("%Y-%m-%d %H:%M")]]
    rows += [[words[k], s.get(k)] for k in ("steps", "touchpoints", "cases", "events", "interviews", "participants",
                                              "pain_points", "pain_points_linked") if s.get(k) is not None]
    for r in ((report.get("priorities") or {}).get("steps") or [])[:5]:
        rows.append([words["top"].format(n=r.get("rank")),
                     f"{r.get('step') or r.get('step_id')} ({r.get('agency') or '—'}) — {round(float(r.get('score') or 0))}/100"])
    fd = (report.get("failure_demand") or {}).get("observed") or {}
    if fd.get("failure_demand") is not None:
        rows.append([words["failure"], f"{fd.get('failure_demand')} / {fd.get('digital_starts', fd.get('cases', ''))}"])
    ho = (report.get("handoffs") or {}).get("observed") or {}
    if ho.get("mean") is not None:
        rows.append([words["handoffs"], _round(ho.get("mean"), 2)])
    cp = report.get("critical_path") or {}
    if cp.get("steps"):
        days = f" ({cp['total_days']:g} d)" if isinstance(cp.get("total_days"), (int, float)) else ""
        rows.append([words["critical"] + days, " → ".join(f"{sid} {step_name}" for sid, step_name in
                                                   ((x, next((st.get("step") for st in report["steps"]
                                                              if st["step_id"] == x), "")) for x in cp["steps"]))])
    rows.append([words["weights"], ", ".join(f"{k}={v:g}" for k, v in (report.get("weights") or {}).items())])
    rows += [[words["note"], n] for n in report.get("notes") or []]
    rows.append(["", words["how"]])
    ws.append([_cell(words["title"])])
    ws["A1"].font = Font(bold=True, size=16, color="1F3A5F")
    ws.append([])
    for r in rows:
        ws.append([_cell(v) for v in r])
    for row in ws.iter_rows(min_row=3):
        row[0].font = Font(bold=True)
        if len(row) > 1:
            row[1].alignment = wrap
    ws.column_dimensions["A"].width = 46
    ws.column_dimensions["B"].width = 100
    ws.freeze_panes = "A3"

    for key, scores, units, wide in (("priorities", ("score",), ("reach", "severity", "delay", "friction",
                                                                   "centrality"), ("top_quote",)),
                                     ("pains", (), ("severity",), ("sentence",)),
                                     ("steps", ("score",), ("reach", "mean_severity", "drop_off_rate"), ()),
                                     ("transitions", (), ("probability",), ()),
                                     ("participants", (), (), ())):
        cols, data = tables[key]
        fill_sheet(wb.create_sheet(names[key]), cols, data, scores=scores, unit_scores=units, wide=wide)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# ------------------------------------------------------------------------------------ GraphML / JSON

def _scalar(v):
    if isinstance(v, (list, tuple, set, dict)):
        return json.dumps(list(v) if isinstance(v, (set, tuple)) else v, ensure_ascii=False, default=str)
    if hasattr(v, "item") and not isinstance(v, str):
        v = v.item()
    if isinstance(v, float) and (math.isnan(v) or math.isinf(v)):
        return None
    return v


def _node_id(n) -> str:
    if isinstance(n, tuple):
        return "|".join("" if x is None else str(x) for x in n)
    return str(n)


def journey_graph(source) -> nx.MultiDiGraph:
    """A plain copy of the journey graph: string node ids, scalar attributes only.

    ``source`` is a journey report (touchpoint nodes and edges of
    :func:`journeys.analysis.journey_report`) or a graph of :func:`journeys.graph.build_graph`
    (tuple ids become ``"step_id|channel"``). Lists and dicts become JSON text, ``None``/NaN are
    left out, and an attribute that mixes types across nodes (or edges) becomes text everywhere,
    so that GraphML writes and loads back with the same nodes, edges and values. The edge
    attribute naming the evidence is ``kind`` (``designed``, ``observed``, ``narrated``; also the
    edge key).

    Examples
    --------
    >>> from journeys.analysis import journey_report
    >>> r = journey_report(pd.DataFrame({"step_id": ["S1", "S2"], "channel": ["web", "office"],
    ...                                  "next_steps": ["S2", ""]}))
    >>> G = journey_graph(r)
    >>> sorted(G.nodes), [(u, v, k) for u, v, k in G.edges(keys=True)]
    (['S1|web', 'S2|office'], [('S1|web', 'S2|office', 'designed')])
    """
    G = nx.MultiDiGraph()
    if isinstance(source, dict):
        if "nodes" not in source or "edges" not in source:
            raise InputError("not a journey report", "pass journeys.analysis.journey_report(...)", file="export")
        G.graph.update({"schema": source.get("schema"), "segment": source.get("segment") or "",
                        "granularity": "touchpoint"})
        for n in source["nodes"]:
            G.add_node(str(n["id"]), **{k: v for k, v in n.items() if k != "id"})
        for e in source["edges"]:
            attrs = {k: v for k, v in e.items() if k not in ("source", "target")}
            G.add_edge(str(e["source"]), str(e["target"]), key=str(e.get("kind")), **attrs)
    elif isinstance(source, nx.Graph):
        G.graph.update({k: v for k, v in source.graph.items() if isinstance(v, (str, int, float, bool))})
        for n, d in source.nodes(data=True):
            G.add_node(_node_id(n), **d)
        edges = source.edges(keys=True, data=True) if source.is_multigraph() else \
            ((u, v, d.get("source", 0), d) for u, v, d in source.edges(data=True))
        for u, v, k, d in edges:
            attrs = {("kind" if a == "source" else a): x for a, x in d.items() if a != "target"}
            G.add_edge(_node_id(u), _node_id(v), key=str(k), **attrs)
    else:
        raise InputError("not a journey report or graph", "pass a report dict or a networkx graph", file="export")
    for items in (list(G.nodes(data=True)), [(None, d) for *_, d in G.edges(keys=True, data=True)]):
        types: dict[str, set] = {}
        for _, d in items:
            for a in list(d):
                v = _scalar(d[a])
                if v is None:
                    del d[a]
                    continue
                d[a] = v
                t = bool if isinstance(v, bool) else float if isinstance(v, (int, float)) else str
                types.setdefault(a, set()).add(t)
        for _, d in items:
            for a, ts in types.items():
                if a in d:
                    if len(ts) > 1:
                        d[a] = str(d[a])
                    elif ts == {float}:
                        d[a] = float(d[a])
    return G


def graph_to_graphml(source) -> bytes:
    """GraphML (UTF-8 bytes) of the journey graph, for Gephi, yEd or networkx.

    Examples
    --------
    >>> from journeys.analysis import journey_report
    >>> r = journey_report(pd.DataFrame({"step_id": ["S1", "S2"], "channel": ["web", "office"],
    ...                                  "next_steps": ["S2", ""]}))
    >>> H = nx.read_graphml(io.BytesIO(graph_to_graphml(r)), force_multigraph=True)
    >>> sorted(H.nodes), H.number_of_edges()
    (['S1|web', 'S2|office'], 1)
    """
    G = journey_graph(source)
    buf = io.BytesIO()
    nx.write_graphml(G, buf, encoding="utf-8", prettyprint=True)
    return buf.getvalue()


def graph_to_json(source) -> str:
    """Node-link JSON of the journey graph (``networkx.node_link_graph`` reads it back).

    Examples
    --------
    >>> from journeys.analysis import journey_report
    >>> r = journey_report(pd.DataFrame({"step_id": ["S1", "S2"], "channel": ["web", "office"]}))
    >>> data = json.loads(graph_to_json(r))
    >>> [n["id"] for n in data["nodes"]]
    ['S1|web', 'S2|office']
    """
    G = journey_graph(source)
    return json.dumps(nx.node_link_data(G, edges="edges"), ensure_ascii=False, indent=1)


# ------------------------------------------------------------------------------------------ REFI-QDA

_GUID_NS = uuid.UUID("5b0c8f8e-2a53-4c1e-9d0a-7265636f7272")  # fixed: the same project gives the same GUIDs


def _guid(*parts) -> str:
    return str(uuid.uuid5(_GUID_NS, "\x1f".join("" if p is None else str(p) for p in parts)))


def _ref_key(r) -> tuple:
    def norm(v):
        if v is None or (isinstance(v, float) and math.isnan(v)):
            return ""
        if isinstance(v, float) and v.is_integer():
            v = int(v)
        return str(v)
    return tuple(norm(r.get(c)) for c in ("interview_id", "source_file", "source_sheet", "source_row",
                                          "source_column"))


def _remap(pos: int, spans: list[dict], labels: dict) -> int:
    """Where character ``pos`` of the original text lands after the spans are replaced."""
    shift = 0
    for s in spans:
        if s["end"] <= pos:
            shift += len(labels[s["type"]]) - (s["end"] - s["start"])
        elif s["start"] < pos:  # inside a redacted span: snap to its end
            return s["start"] + shift + len(labels[s["type"]])
    return pos + shift


def qdpx_project(utterances: pd.DataFrame, pain_points: pd.DataFrame | None = None, *, lang: str = "en",
                 statuses=("accepted", "edited", "manual"), redact: bool = True,
                 project_name: str = "Recorrido") -> bytes:
    """A REFI-QDA 1.5 project (``.qdpx`` bytes) with the interviews, the codes and the coded segments.

    The zip holds ``project.qde`` (namespace ``urn:QDA-XML:project:1.0``): one ``User``; a
    ``CodeBook`` whose codes are the pain categories (names in ``lang``, colour-blind-safe
    colours); one ``TextSource`` per interview whose plain text is stored as
    ``sources/<guid>.txt`` (``plainTextPath="internal://<guid>.txt"``); and one
    ``PlainTextSelection`` per pain point with a status in ``statuses``, coded with its category,
    with start/end character positions in that text and the step, severity, status and source
    reference in its description.

    The interview text is the participant and interviewer turns in order, one per line, each
    starting with the speaker's role and participant id (never the speaker's name); with
    ``redact`` personal data in the turns is replaced by placeholders (:mod:`nlp.redact`) and the
    segment positions are moved to match.

    Parameters
    ----------
    utterances : DataFrame
        Canonical utterances (``interview_id, participant_id, speaker_role, seq, text`` and the
        source reference columns).
    pain_points : DataFrame, optional
        Canonical pain points (offsets ``start``/``end`` into the utterance text).
    lang : {"en", "es"}
    statuses : tuple of str
        Which pain points become coded segments (add ``"suggested"`` to export unreviewed ones).
    redact : bool
        Replace personal data in the exported text.
    project_name : str

    Returns
    -------
    bytes
        The ``.qdpx`` zip.

    Examples
    --------
    >>> utt = pd.DataFrame({"interview_id": ["i1", "i1"], "participant_id": ["p1", "p1"],
    ...                     "speaker_role": ["interviewer", "participant"], "seq": [1, 2],
    ...                     "text": ["How was it?", "I waited three weeks."], "source_file": ["i1.txt"] * 2,
    ...                     "source_row": [1, 2]})
    >>> pains = pd.DataFrame({"interview_id": ["i1"], "source_file": ["i1.txt"], "source_row": [2],
    ...                       "start": [0], "end": [21], "category": ["waiting"], "status": ["accepted"]})
    >>> z = zipfile.ZipFile(io.BytesIO(qdpx_project(utt, pains)))
    >>> sorted(n.split("/")[0] for n in z.namelist())
    ['project.qde', 'sources']
    >>> qde = z.read("project.qde").decode()
    >>> 'name="waiting"' in qde, 'startPosition=' in qde
    (True, True)
    """
    from journeys.diagrams import CATEGORY_COLOURS

    if lang not in CATEGORY_LABELS:
        raise InputError(f"unknown language {lang!r}", "use lang='en' or lang='es'", file="export")
    if utterances is None or not len(utterances) or "text" not in utterances.columns:
        raise InputError("no interview text to export", "import transcripts into the project first", file="qdpx")
    if redact:
        from nlp.redact import PLACEHOLDERS, find_pii
        labels = PLACEHOLDERS.get(lang, PLACEHOLDERS["es"])
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    user = _guid("user", project_name)
    role_words = {"en": {"participant": "Participant", "interviewer": "Interviewer", "unknown": "Speaker"},
                  "es": {"participant": "Participante", "interviewer": "Entrevistador(a)", "unknown": "Hablante"}}[lang]
    code_guid = {c: _guid("code", c) for c in CATEGORIES}

    u = utterances.copy()
    u["_seq"] = pd.to_numeric(u.get("seq"), errors="coerce")
    u["_row"] = range(len(u))
    sources, where = [], {}
    for iid, g in u.groupby(u["interview_id"].astype(str), sort=True):
        g = g.sort_values(["_seq", "_row"], na_position="last", kind="stable")
        text_parts, pos = [], 0
        for r in g.to_dict("records"):
            role = str(r.get("speaker_role") or "unknown")
            who = role_words.get(role, role_words["unknown"])
            pid = r.get("participant_id")
            prefix = f"{who} {pid}: " if role == "participant" and isinstance(pid, str) else f"{who}: "
            raw = "" if r.get("text") is None or (isinstance(r.get("text"), float)) else str(r["text"])
            raw = raw.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
            spans = find_pii(raw, lang=r.get("lang") or lang) if redact else []
            body = _redact_with(raw, spans, labels) if spans else raw
            start = pos + len(prefix)
            where[_ref_key(r)] = (iid, start, len(body), spans, len(raw))
            line = prefix + body + "\n"
            text_parts.append(line)
            pos += len(line)
        pid = g["participant_id"].dropna().astype(str)
        sources.append({"id": iid, "guid": _guid("source", iid), "text": "".join(text_parts),
                        "participant": pid.iloc[0] if len(pid) else None, "selections": []})
    by_id = {s["id"]: s for s in sources}
    skipped = 0
    if pain_points is not None and len(pain_points):
        keep = {str(s).lower() for s in statuses}
        p = pain_points
        if "status" in p.columns:
            p = p[p["status"].astype(str).str.lower().isin(keep)]
        for r in p.to_dict("records"):
            hit = where.get(_ref_key(r))
            cat = r.get("category") if r.get("category") in code_guid else "other"
            try:
                a, b = int(r.get("start")), int(r.get("end"))
            except (TypeError, ValueError):
                hit = None
            if hit is None:
                skipped += 1
                continue
            iid, offset, length, spans, raw_len = hit
            a, b = max(0, min(a, raw_len)), max(0, min(b, raw_len))
            if b <= a:
                skipped += 1
                continue
            if spans:
                a, b = _remap(a, spans, labels), _remap(b, spans, labels)
            sev = r.get("severity")
            desc = "; ".join(x for x in (
                f"step {r.get('step_id')}" if isinstance(r.get("step_id"), str) else None,
                f"severity {float(sev):.2f}" if sev is not None and not pd.isna(sev) else None,
                f"status {r.get('status')}" if r.get("status") else None,
                "source " + ", ".join(v for v in _ref_key(r)[1:] if v)) if x)
            key = r.get("id") if r.get("id") is not None else f"{iid}:{a}:{b}:{cat}"
            by_id[iid]["selections"].append({"guid": _guid("selection", key), "start": offset + a, "end": offset + b,
                                             "code": code_guid[cat], "name": CATEGORY_LABELS[lang][cat],
                                             "coding": _guid("coding", key), "description": desc})
    cat_names = CATEGORY_LABELS[lang]
    x = ['<?xml version="1.0" encoding="utf-8"?>',
         f'<Project xmlns="{QDA_NAMESPACE}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
         f'xsi:schemaLocation="{QDA_NAMESPACE} Project.xsd" name={quoteattr(project_name)} '
         f'origin="Recorrido" creatingUserGUID="{user}" creationDateTime="{now}">',
         f'<Users><User guid="{user}" name="Recorrido"/></Users>',
         "<CodeBook><Codes>"]
    for c in CATEGORIES:
        x.append(f'<Code guid="{code_guid[c]}" name={quoteattr(cat_names[c])} isCodable="true" '
                 f'color="{CATEGORY_COLOURS.get(c, "#AAAAAA")}"><Description>{escape(c)}</Description></Code>')
    x.append("</Codes></CodeBook>")
    x.append("<Sources>")
    for s in sources:
        name = s["id"] if not s["participant"] or s["participant"] == s["id"] else f"{s['id']} ({s['participant']})"
        x.append(f'<TextSource guid="{s["guid"]}" name={quoteattr(name)} plainTextPath="internal://{s["guid"]}.txt" '
                 f'creatingUser="{user}" creationDateTime="{now}">')
        for sel in sorted(s["selections"], key=lambda d: (d["start"], d["end"])):
            x.append(f'<PlainTextSelection guid="{sel["guid"]}" name={quoteattr(sel["name"])} '
                     f'startPosition="{sel["start"]}" endPosition="{sel["end"]}" creatingUser="{user}" '
                     f'creationDateTime="{now}"><Description>{escape(sel["description"])}</Description>'
                     f'<Coding guid="{sel["coding"]}" creatingUser="{user}" creationDateTime="{now}">'
                     f'<CodeRef targetGUID="{sel["code"]}"/></Coding></PlainTextSelection>')
        x.append("</TextSource>")
    x.append("</Sources>")
    coded = sum(len(s["selections"]) for s in sources)
    summary = (f"Recorrido export: {len(sources)} interviews, {coded} coded pain points, "
               f"{skipped} pain points without a matching utterance")
    x.append(f"<Description>{escape(summary)}</Description>")
    x.append("</Project>")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("project.qde", "\n".join(x).encode("utf-8"))
        for s in sources:
            z.writestr(f"sources/{s['guid']}.txt", s["text"].encode("utf-8"))
    return buf.getvalue()


def _redact_with(text: str, spans: list[dict], labels: dict) -> str:
    out, pos = [], 0
    for s in spans:
        out.append(text[pos:s["start"]])
        out.append(labels[s["type"]])
        pos = s["end"]
    out.append(text[pos:])
    return "".join(out)


# ---------------------------------------------------------------------------------------- dispatcher

def write_export(path, report: dict, *, pain_points=None, participants=None, utterances=None, lang: str = "en",
                 include_suggested: bool = False) -> Path:
    """Write the report file chosen by the extension of ``path``: .xlsx, .qdpx, .graphml or .json.

    Raises
    ------
    InputError
        An unknown extension, missing transcripts for a .qdpx, or a path that cannot be written.

    Examples
    --------
    >>> import tempfile
    >>> from journeys.analysis import journey_report
    >>> r = journey_report(pd.DataFrame({"step_id": ["S1", "S2"], "channel": ["web", "office"]}))
    >>> with tempfile.TemporaryDirectory() as d:
    ...     nx.read_graphml(write_export(Path(d) / "journey.graphml", r)).number_of_nodes()
    2
    """
    p = Path(path)
    ext = p.suffix.lower().lstrip(".")
    if ext not in REPORT_FORMATS:
        raise InputError(f"unknown report format {p.suffix or '(none)'!r}",
                         f"end --out with one of {', '.join('.' + f for f in REPORT_FORMATS)}", file=p.name)
    if ext == "xlsx":
        data = excel_pack(report, pain_points=pain_points, participants=participants, lang=lang)
    elif ext == "graphml":
        data = graph_to_graphml(report)
    elif ext == "json":
        data = graph_to_json(report)
    else:
        statuses = ("accepted", "edited", "manual") + (("suggested",) if include_suggested else ())
        data = qdpx_project(utterances, pain_points, lang=lang, statuses=statuses)
    _write(p, data)
    return p
