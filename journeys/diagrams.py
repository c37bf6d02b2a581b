"""Journey diagrams as Altair charts: journey map, service blueprint, service graph, priorities.

Plain data in — the report of :func:`journeys.analysis.journey_report` and, optionally, the
pain-points and participants tables — and an ``alt.Chart`` (or layered/concatenated chart) out.
Nothing here draws on screen or writes files: :mod:`journeys.export` turns a chart into PNG,
SVG, PDF or HTML, and the app shows the same chart with ``st.altair_chart``.

Design choices, so the pictures stay legible when printed:

* Every view is laid out on a pixel grid: x is the journey order (one column per step, width
  ``COLUMN_WIDTH``), y the lanes/rows. The size grows with the number of steps, so a 30-step
  journey is about 3,000 px wide — an A3 landscape page at print resolution (export ``scale=2``).
* Long step names are wrapped to the column width and cut with ``…`` after a few lines; the full
  text is in the tooltip (HTML export, app).
* Colours come from colour-blind-safe palettes (Okabe–Ito and Paul Tol), and every colour is
  doubled by a label, a row or a dash pattern, so nothing is read from colour alone.
* All words come from :data:`WORDS` (English and Spanish) and pain categories from
  :data:`research.schema.CATEGORY_LABELS`.

A segment is chosen when the report is built (``journey_report(..., segment=S)``); the charts
show it in their titles. ``channels`` keeps only some channels in a view.
"""

from __future__ import annotations

import math
import textwrap

import altair as alt
import pandas as pd

from research.errors import InputError
from research.schema import CATEGORY_LABELS

__all__ = [
    "WORDS", "CATEGORY_COLOURS", "CHANNEL_LABELS", "VIEWS", "COLUMN_WIDTH", "wrap_label",
    "journey_map", "service_blueprint", "service_graph", "priorities_chart", "build_view",
]

VIEWS = ("map", "blueprint", "graph", "priorities")
COLUMN_WIDTH = 104  # px per step; 30 steps ≈ 3,300 px with the row labels (A3 landscape at scale 2)
_LEFT = 250  # px for the section labels (left) and the row labels (right-aligned)
_FONT = 12
_FONT_FAMILY = "Liberation Sans, Arial, Helvetica, sans-serif"

# Okabe–Ito + Paul Tol: distinguishable with the common colour-vision deficiencies.
CATEGORY_COLOURS = {
    "waiting": "#D55E00", "complexity": "#CC79A7", "repetition": "#882255", "information": "#56B4E9",
    "channel_failure": "#0072B2", "access": "#009E73", "cost": "#E69F00", "staff": "#999933",
    "documents": "#44AA99", "trust": "#332288", "internal_tools": "#666666", "other": "#AAAAAA",
}
_COMPONENT_COLOURS = {"reach": "#0072B2", "severity": "#D55E00", "delay": "#E69F00", "friction": "#CC79A7",
                      "centrality": "#009E73"}
_INK, _MUTED, _RULE, _BAND = "#222222", "#666666", "#BBBBBB", "#F2F2F2"
_TOP, _STAFF_PAIN, _LINK = "#D55E00", "#7B3294", "#7B3294"

CHANNEL_LABELS = {
    "en": {"web": "web", "app": "app", "whatsapp": "WhatsApp", "email": "email", "kiosk": "kiosk",
           "phone": "phone", "office": "office", "mail": "post", "internal": "internal",
           "unspecified": "unspecified"},
    "es": {"web": "web", "app": "app", "whatsapp": "WhatsApp", "email": "correo electrónico",
           "kiosk": "quiosco", "phone": "teléfono", "office": "oficina", "mail": "correo postal",
           "internal": "interno", "unspecified": "sin especificar"},
}
_CHANNEL_ORDER = ("web", "app", "whatsapp", "email", "kiosk", "phone", "office", "mail", "internal",
                  "unspecified")

WORDS = {
    "en": {
        "map_title": "Journey map", "blueprint_title": "Service blueprint", "graph_title": "Service graph",
        "priorities_title": "Priorities: where to act first", "matrix_title": "Impact and effort",
        "everyone": "everyone", "segment": "segment", "channels": "channels",
        "stage": "Stage", "steps": "What the person does", "touchpoints": "Touchpoints by channel",
        "pains": "Pain points", "emotion": "Experience", "priorities": "Top priorities",
        "step": "Step", "step_id": "Step id", "channel": "Channel", "agency": "Agency", "lane": "Lane",
        "order": "Order", "cases": "Cases", "switches_out": "Channel switches out", "drop_off": "Drop-off",
        "wait": "Median wait (days)", "category": "Category", "count": "Pain points",
        "participants": "Participants", "reach": "Reach", "severity": "Mean severity", "quote": "Quote",
        "emotion_value": "Experience (0 neutral, −1 very negative)", "neutral": "neutral",
        "negative": "very negative", "score": "Priority score", "rank": "Rank", "driver": "Main driver",
        "staff_step": "staff step", "no_pain": "no pain reported",
        "map_note": "Circle size = share of participants with that pain (reach); number = pain points. "
                    "Experience = − mean severity of the pain at the step.",
        "lanes": {"customer": "Customer actions", "frontstage": "Frontstage (staff in contact)",
                  "backstage": "Backstage (staff, not seen)", "support": "Support processes and systems"},
        "line_interaction": "line of interaction", "line_visibility": "line of visibility",
        "line_internal": "line of internal interaction",
        "citizen_pain": "pain of the people served", "staff_pain": "pain of public servants",
        "link": "staff pain linked to the pain it causes",
        "blueprint_note": "● pain of the people served   ■ pain of public servants   "
                          "dashed purple = staff pain linked to the pain it causes where the steps connect",
        "kind": "Evidence", "kinds": {"designed": "designed (steps sheet)", "observed": "observed (event log)",
                                      "narrated": "narrated (interviews)"},
        "volume": "Volume (share of the largest flow of its kind)", "handoff": "agency hand-off",
        "designed_flow": "Designed flow (steps sheet)",
        "graph_note": "Arches above = going back (rework); small loops = repeated step; diamonds = hand-offs between "
                      "agencies; a line changing row = channel switch. Width = volume; observed flows under "
                      "{share} of cases and narrated flows told by fewer than {narrated} people are left out.",
        "components": {"reach": "reach", "severity": "severity", "delay": "delay", "friction": "friction",
                       "centrality": "centrality"},
        "component": "Component", "contribution": "Points of the score",
        "priorities_note": "Score 0–100 = weighted mean of the components; each bar shows what each adds.",
        "effort": "Effort", "impact": "Impact (priority score)",
        "quadrants": {"quick": "quick wins", "major": "major projects", "fill": "fill-ins", "thankless": "low value"},
        "drivers": {"reach": "many people affected", "severity": "severe pain", "delay": "cut the wait",
                    "friction": "remove switches and rework", "centrality": "key junction"},
        "from": "From", "to": "To", "share": "Share", "loop": "loop",
    },
    "es": {
        "map_title": "Mapa del recorrido", "blueprint_title": "Plano del servicio (blueprint)",
        "graph_title": "Grafo del servicio", "priorities_title": "Prioridades: dónde actuar primero",
        "matrix_title": "Impacto y esfuerzo",
        "everyone": "todas las personas", "segment": "segmento", "channels": "canales",
        "stage": "Etapa", "steps": "Lo que hace la persona", "touchpoints": "Puntos de contacto por canal",
        "pains": "Puntos de dolor", "emotion": "Experiencia", "priorities": "Prioridades principales",
        "step": "Paso", "step_id": "Id del paso", "channel": "Canal", "agency": "Entidad", "lane": "Carril",
        "order": "Orden", "cases": "Casos", "switches_out": "Cambios de canal (salida)", "drop_off": "Abandonos",
        "wait": "Espera mediana (días)", "category": "Categoría", "count": "Puntos de dolor",
        "participants": "Participantes", "reach": "Alcance", "severity": "Severidad media", "quote": "Cita",
        "emotion_value": "Experiencia (0 neutra, −1 muy negativa)", "neutral": "neutra",
        "negative": "muy negativa", "score": "Puntaje de prioridad", "rank": "Puesto", "driver": "Factor principal",
        "staff_step": "paso interno", "no_pain": "sin dolor reportado",
        "map_note": "Tamaño del círculo = proporción de participantes con ese dolor (alcance); número = puntos "
                    "de dolor. Experiencia = − severidad media del dolor en el paso.",
        "lanes": {"customer": "Acciones de la persona", "frontstage": "Primer plano (personal en contacto)",
                  "backstage": "Trastienda (personal, no visible)", "support": "Procesos y sistemas de apoyo"},
        "line_interaction": "línea de interacción", "line_visibility": "línea de visibilidad",
        "line_internal": "línea de interacción interna",
        "citizen_pain": "dolor de las personas atendidas", "staff_pain": "dolor de los servidores públicos",
        "link": "dolor del personal vinculado al dolor que causa",
        "blueprint_note": "● dolor de las personas atendidas   ■ dolor de los servidores públicos   "
                          "línea morada = dolor del personal vinculado al dolor que causa donde los pasos se conectan",
        "kind": "Evidencia", "kinds": {"designed": "diseñado (hoja de pasos)", "observed": "observado (registro)",
                                       "narrated": "narrado (entrevistas)"},
        "volume": "Volumen (proporción del mayor flujo de su tipo)", "handoff": "traspaso entre entidades",
        "designed_flow": "Flujo diseñado (hoja de pasos)",
        "graph_note": "Arcos hacia arriba = volver atrás (reproceso); bucles = paso repetido; rombos = traspasos "
                      "entre entidades; una línea que cambia de fila = cambio de canal. Grosor = volumen; se omiten "
                      "flujos observados bajo el {share} de los casos y narrados por menos de {narrated} personas.",
        "components": {"reach": "alcance", "severity": "severidad", "delay": "demora", "friction": "fricción",
                       "centrality": "centralidad"},
        "component": "Componente", "contribution": "Puntos del puntaje",
        "priorities_note": "Puntaje 0–100 = media ponderada de los componentes; cada barra muestra lo que aporta cada uno.",
        "effort": "Esfuerzo", "impact": "Impacto (puntaje de prioridad)",
        "quadrants": {"quick": "victorias rápidas", "major": "grandes proyectos", "fill": "complementos",
                      "thankless": "poco valor"},
        "drivers": {"reach": "afecta a muchas personas", "severity": "dolor severo", "delay": "reducir la espera",
                    "friction": "quitar cambios y reprocesos", "centrality": "cruce clave"},
        "from": "Desde", "to": "Hacia", "share": "Proporción", "loop": "bucle",
    },
}


# ----------------------------------------------------------------------------------------- helpers

def _words(lang: str) -> dict:
    if lang not in WORDS:
        raise InputError(f"unknown language {lang!r}", "use lang='en' or lang='es'", file="diagram")
    return WORDS[lang]


def wrap_label(text, width: int = 14, lines: int = 3) -> str:
    """Wrap ``text`` to ``width`` characters a line, at most ``lines`` lines, cut with ``…``.

    Lines are joined with ``"\\n"`` (the charts' text marks break lines there).

    Examples
    --------
    >>> wrap_label("Solicitar la inspección de Bomberos", 14)
    'Solicitar la\\ninspección de\\nBomberos'
    >>> wrap_label("Inscribirse como empleador en la Caja de Seguro Social", 12, 2)
    'Inscribirse\\ncomo…'
    >>> wrap_label(None)
    ''
    """
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return ""
    parts = textwrap.wrap(str(text), width=width, break_long_words=True, break_on_hyphens=False)
    if len(parts) > lines:
        parts = parts[:lines]
        last = parts[-1]
        parts[-1] = (last[: width - 1] if len(last) >= width else last).rstrip() + "…"
    return "\n".join(parts)


def _fit(text, chars: int = 15) -> int:
    """Characters a line holds for ``text``: capitals and digits are wider than lower case."""
    t = str(text or "")
    wide = sum(1 for ch in t if ch.isupper() or ch.isdigit()) / max(len(t), 1)
    return max(6, int(chars / (1 + 0.45 * wide)))


def _num(v, default=0.0) -> float:
    try:
        f = float(v)
    except (TypeError, ValueError):
        return default
    return default if math.isnan(f) else f


def _title(report: dict, w: dict, key: str, extra: str | None = None) -> alt.TitleParams:
    seg = report.get("segment")
    sub = [f"{w['segment']}: {seg if seg else w['everyone']}"]
    if extra:
        sub.append(extra)
    return alt.TitleParams(w[key], subtitle=sub, anchor="start", fontSize=20, subtitleFontSize=13,
                           font=_FONT_FAMILY, subtitleFont=_FONT_FAMILY,
                           subtitleColor=_MUTED, offset=12)


def _check_report(report) -> None:
    if not isinstance(report, dict) or "steps" not in report or "nodes" not in report:
        raise InputError("not a journey report", "pass the dict that journeys.analysis.journey_report returns",
                         file="diagram")


def _steps(report: dict) -> pd.DataFrame:
    """The steps in journey order with their column position ``pos``."""
    df = pd.DataFrame(report["steps"])
    if df.empty:
        raise InputError("the journey has no steps", "import a steps sheet or an event log first", file="diagram")
    df["_order"] = pd.to_numeric(df.get("order"), errors="coerce")
    df = df.sort_values(["_order", "step_id"], na_position="last", kind="stable").reset_index(drop=True)
    df["pos"] = range(len(df))
    df["step"] = [s if isinstance(s, str) and s.strip() else sid for s, sid in zip(df.get("step", df["step_id"]),
                                                                                  df["step_id"], strict=True)]
    for c in ("stage", "agency", "lane"):
        if c not in df.columns:
            df[c] = None
    return df


def _cx(pos, col: float = COLUMN_WIDTH) -> float:
    return _LEFT + (pos + 0.5) * col


def _frame(width: float, height: float):
    """Pixel scales: x from the left, y from the top."""
    x = alt.Scale(domain=[0, width], range=[0, width], nice=False, zero=False)
    y = alt.Scale(domain=[0, height], range=[0, height], nice=False, zero=False)
    return x, y


class _Canvas:
    """Collects layers drawn in pixel coordinates (x right, y down) and lays them out."""

    def __init__(self, width: float):
        self.width = width
        self.layers: list[alt.Chart] = []
        self.y = 0.0

    def add(self, df: pd.DataFrame, mark: str, tooltip=None, **props) -> None:
        if df is None or len(df) == 0:
            return
        self.layers.append((df.reset_index(drop=True), mark, tooltip, props))

    def chart(self, title) -> alt.LayerChart:
        height = self.y
        xs, ys = _frame(self.width, height)
        charts = []
        for df, mark, tooltip, props in self.layers:
            enc = {}
            cols = set(df.columns)
            enc["x"] = alt.X("x:Q", scale=xs, axis=None)
            enc["y"] = alt.Y("y:Q", scale=ys, axis=None)
            if "x2" in cols:
                enc["x2"] = alt.X2("x2:Q")
            if "y2" in cols:
                enc["y2"] = alt.Y2("y2:Q")
            if "text" in cols:
                enc["text"] = alt.Text("text:N")
            if "colour" in cols:
                enc["color"] = alt.Color("colour:N", scale=None)
            if "fill" in cols:
                enc["fill"] = alt.Fill("fill:N", scale=None)
            if "size" in cols:
                enc["size"] = alt.Size("size:Q", scale=None)
            if "opacity" in cols:
                enc["opacity"] = alt.Opacity("opacity:Q", scale=None)
            if "detail" in cols:
                enc["detail"] = alt.Detail("detail:N")
            if "seq" in cols:
                enc["order"] = alt.Order("seq:Q")
            if tooltip:
                enc["tooltip"] = tooltip
            charts.append(alt.Chart(df).mark_text(**props) if mark == "text" else
                          getattr(alt.Chart(df), f"mark_{mark}")(**props))
            charts[-1] = charts[-1].encode(**enc)
        layer = alt.layer(*charts).properties(width=self.width, height=height)
        return layer.properties(title=title) if title is not None else layer


def _base_config(chart):
    return (chart.configure(font=_FONT_FAMILY, padding=16, background="white")
            .configure_view(stroke=None)
            .configure_legend(labelFontSize=12, titleFontSize=12, labelLimit=320, orient="bottom",
                              direction="horizontal", columns=0))


def _tag(step_id, name, extra=None) -> str:
    """The small line under a step card: its id (left out when the id is the name) and a lane note."""
    sid = "" if str(step_id) == str(name) else wrap_label(step_id, 10, 1)
    return " · ".join(x for x in (sid, extra) if x)


def _top_of(y_centre: float, text: str, line_height: float) -> float:
    """The top of a block of ``text`` lines centred on ``y_centre`` (Vega centres only the first line)."""
    return y_centre - line_height * (text.count("\n") + 1) / 2


def _row_label(canvas: _Canvas, y: float, text: str, size: int = 13, bold: bool = True) -> None:
    text = wrap_label(text, 15, 4)
    canvas.add(pd.DataFrame({"x": [8.0], "y": [_top_of(y, text, size + 3)], "text": [text]}), "text",
               align="left", baseline="top", fontSize=size, fontWeight="bold" if bold else "normal",
               color=_INK, lineBreak="\n", lineHeight=size + 3)


def _stage_band(canvas: _Canvas, steps: pd.DataFrame, w: dict, height: float = 38,
                col: float = COLUMN_WIDTH) -> None:
    """Stages as grey bands spanning their steps (consecutive steps of one stage merge)."""
    y0 = canvas.y
    runs = []
    for r in steps.itertuples():
        stage = r.stage if isinstance(r.stage, str) and r.stage.strip() else "—"
        if runs and runs[-1]["stage"] == stage and runs[-1]["end"] == r.pos - 1:
            runs[-1]["end"] = r.pos
        else:
            runs.append({"stage": stage, "start": r.pos, "end": r.pos})
    rect = pd.DataFrame([{"x": _LEFT + run["start"] * col + 2, "x2": _LEFT + (run["end"] + 1) * col - 2,
                          "y": y0, "y2": y0 + height, "fill": "#DDE5EE" if i % 2 == 0 else "#EEF2F6",
                          "stage": run["stage"]} for i, run in enumerate(runs)])
    canvas.add(rect, "rect", tooltip=[alt.Tooltip("stage:N", title=w["stage"])], cornerRadius=3)
    txt = pd.DataFrame([{"x": (_LEFT + run["start"] * col + _LEFT + (run["end"] + 1) * col) / 2,
                         "text": wrap_label(run["stage"], int((run["end"] - run["start"] + 1) * col / 7.6), 2),
                         "stage": run["stage"]} for run in runs])
    txt["y"] = [_top_of(y0 + height / 2, t, 14) for t in txt["text"]]
    canvas.add(txt, "text", tooltip=[alt.Tooltip("stage:N", title=w["stage"])], fontSize=12, fontWeight="bold",
               color="#1F3A5F", lineBreak="\n", baseline="top", lineHeight=14)
    _row_label(canvas, y0 + height / 2, w["stage"])
    canvas.y = y0 + height + 6


def _pains_table(report: dict, pain_points, participants, channels) -> pd.DataFrame:
    """Pain points that count for the report (not rejected; the report's segment), with ``is_staff``."""
    if pain_points is None or len(pain_points) == 0:
        return pd.DataFrame(columns=["step_id", "category", "participant_id", "severity", "sentence", "channel",
                                     "is_staff"])
    p = pain_points.copy()
    if "status" in p.columns:
        p = p[p["status"].astype(str).str.strip().str.lower() != "rejected"]
    seg_of = {}
    if participants is not None and len(participants) and "segment" in participants.columns:
        seg_of = {str(a): str(b).strip().lower() for a, b in zip(participants["participant_id"], participants["segment"],
                                                                 strict=True) if pd.notna(b)}
    segment = report.get("segment")
    if segment and seg_of:
        p = p[p["participant_id"].astype(str).map(seg_of) == str(segment).strip().lower()]
    if channels and "channel" in p.columns:
        p = p[p["channel"].isna() | p["channel"].astype(str).isin(channels)]
    p["is_staff"] = [seg_of.get(str(pid)) in ("public_servant", "servidor_publico", "staff")
                     or (not seg_of and cat == "internal_tools")
                     for pid, cat in zip(p.get("participant_id", pd.Series(dtype=object)), p["category"], strict=True)]
    p["severity"] = pd.to_numeric(p.get("severity"), errors="coerce")
    return p


def _reach_base(report: dict, pains: pd.DataFrame) -> int:
    s = report.get("summary", {})
    n = s.get("participants") or s.get("interviews") or 0
    if not n and len(pains):
        n = pains["participant_id"].nunique()
    return max(int(n or 0), 1)


# ------------------------------------------------------------------------------------- journey map

def journey_map(report: dict, *, lang: str = "en", pain_points: pd.DataFrame | None = None,
                participants: pd.DataFrame | None = None, channels=None, top: int = 3,
                max_columns: int = 16) -> alt.LayerChart | alt.VConcatChart:
    """The journey map: stages and steps left to right, touchpoints, pains, experience, priorities.

    Rows from top to bottom: stages; what the person does (one card per step, staff steps in
    grey); touchpoints by channel (squares sized by cases); pain points by category (circles
    sized by reach — the share of participants with that pain there — coloured by category,
    with the count inside); the experience curve (− mean severity of the pain at each step);
    the ``top`` priorities with their main driver.

    Parameters
    ----------
    report : dict
        From :func:`journeys.analysis.journey_report` (its ``segment`` is shown in the title).
    lang : {"en", "es"}
        Language of every word in the chart.
    pain_points, participants : DataFrame, optional
        Canonical tables; with them the pain rows show reach and quotes per category (without,
        they use the report's counts per category). Rejected pain points are left out and only
        the report's segment is kept.
    channels : list of str, optional
        Keep only these channels (touchpoints and pain points on them; pain points without a
        channel stay).
    top : int
        How many priorities to highlight.
    max_columns : int
        A longer journey is cut into stacked bands of at most this many steps (same rows in
        each band), so 30 steps print legibly on one A3 landscape page.

    Returns
    -------
    alt.LayerChart or alt.VConcatChart (several bands)

    Raises
    ------
    InputError
        Not a report, a report without steps, or an unknown language.

    Examples
    --------
    >>> from journeys.analysis import journey_report
    >>> steps = pd.DataFrame({"step_id": ["S1", "S2", "S3"], "step": ["Apply online", "Call", "Collect"],
    ...                       "channel": ["web", "phone", "office"], "order": [1, 2, 3]})
    >>> spec = journey_map(journey_report(steps), lang="es").to_dict()
    >>> spec["title"]["text"], spec["width"] == 250 + 3 * COLUMN_WIDTH + 12
    ('Mapa del recorrido', True)
    """
    _check_report(report)
    w = _words(lang)
    everything = _steps(report)
    parts = [_journey_map_part(report, part, everything, w=w, lang=lang, pain_points=pain_points,
                               participants=participants, channels=channels, top=top)
             for part in _split_steps(everything, max_columns)]
    extra = None
    if channels:
        extra = f"{w['channels']}: " + ", ".join(CHANNEL_LABELS[lang].get(c, c) for c in channels)
    title = _title(report, w, "map_title", (extra + " · " if extra else "") + w["map_note"])
    chart = parts[0] if len(parts) == 1 else alt.vconcat(*parts, spacing=30)
    return _base_config(chart.properties(title=title))


def _split_steps(steps: pd.DataFrame, max_columns: int) -> list[pd.DataFrame]:
    """Consecutive, equal parts of at most ``max_columns`` steps, each with ``pos`` from 0."""
    n = len(steps)
    k = max(1, math.ceil(n / max(int(max_columns), 1)))
    size = math.ceil(n / k)
    out = []
    for i in range(k):
        part = steps.iloc[i * size:(i + 1) * size].copy()
        part["pos"] = range(len(part))
        out.append(part.reset_index(drop=True))
    return [p for p in out if len(p)]


def _journey_map_part(report, steps, everything, *, w, lang, pain_points, participants, channels, top):
    """One band of the journey map (rows are the same in every band: channels, categories)."""
    n = len(steps)
    width = _LEFT + n * COLUMN_WIDTH + 12
    cv = _Canvas(width)
    cv.y = 4
    _stage_band(cv, steps, w)

    # --- what the person does
    y0, h = cv.y, 84
    cards = steps.copy()
    cards["x"] = _LEFT + cards["pos"] * COLUMN_WIDTH + 4
    cards["x2"] = _LEFT + (cards["pos"] + 1) * COLUMN_WIDTH - 4
    cards["y"], cards["y2"] = y0, y0 + h
    staff = cards["lane"].fillna("customer").astype(str).str.lower().ne("customer")
    cards["fill"] = ["#F4F4F4" if s else "#FFFFFF" for s in staff]
    cards["full"] = cards["step"].astype(str)
    cards["agency_"] = cards["agency"].fillna("").astype(str)
    tip = [alt.Tooltip("full:N", title=w["step"]), alt.Tooltip("step_id:N", title=w["step_id"]),
           alt.Tooltip("agency_:N", title=w["agency"]), alt.Tooltip("lane_:N", title=w["lane"])]
    cards["lane_"] = [w["lanes"].get(str(v).lower(), str(v)) if v else "" for v in cards["lane"]]
    cv.add(cards[["x", "x2", "y", "y2", "fill", "full", "step_id", "agency_", "lane_"]], "rect", tooltip=tip,
           stroke="#8A9BB0", strokeWidth=1, cornerRadius=4)
    names = cards.assign(x=[_cx(p) for p in cards["pos"]], y=y0 + 9,
                         text=[wrap_label(s, _fit(s), 4) for s in cards["step"]])
    names["colour"] = [_MUTED if s else _INK for s in staff]
    cv.add(names[["x", "y", "text", "colour", "full", "step_id", "agency_", "lane_"]], "text", tooltip=tip,
           fontSize=_FONT, baseline="top", lineBreak="\n", lineHeight=14)
    tag = cards.assign(x=[_cx(p) for p in cards["pos"]], y=y0 + h - 8,
                       text=[_tag(sid, name, w["staff_step"] if s else None)
                             for sid, name, s in zip(cards["step_id"], cards["step"], staff, strict=True)])
    cv.add(tag[["x", "y", "text"]], "text", fontSize=10, color=_MUTED, baseline="bottom")
    _row_label(cv, y0 + h / 2, w["steps"])
    cv.y = y0 + h + 14

    # --- touchpoints by channel
    nodes = pd.DataFrame(report["nodes"])
    if len(nodes) and "channel" in nodes.columns:
        if channels:
            nodes = nodes[nodes["channel"].isin(list(channels))]
        present = [c for c in _CHANNEL_ORDER if c in set(nodes["channel"])] + \
            sorted(set(nodes["channel"].dropna()) - set(_CHANNEL_ORDER))
        pos = dict(zip(steps["step_id"], steps["pos"], strict=True))
        nodes = nodes[nodes["step_id"].isin(pos)]
        row_h = 26
        y0 = cv.y
        _row_label(cv, y0 + row_h * len(present) / 2, w["touchpoints"])
        labels = CHANNEL_LABELS[lang]
        bands = pd.DataFrame([{"x": _LEFT, "x2": width - 12, "y": y0 + i * row_h, "y2": y0 + (i + 1) * row_h,
                               "fill": _BAND if i % 2 == 0 else "#FFFFFF"} for i in range(len(present))])
        cv.add(bands, "rect")
        cv.add(pd.DataFrame({"x": [_LEFT - 8] * len(present), "y": [y0 + (i + .5) * row_h for i in range(len(present))],
                             "text": [labels.get(c, c) for c in present]}), "text", align="right",
               baseline="middle", fontSize=_FONT, color=_INK)
        if len(nodes):
            cases = pd.to_numeric(nodes.get("cases"), errors="coerce").fillna(0)
            top_cases = max(float(cases.max()), 1.0)
            tp = pd.DataFrame({
                "x": [_cx(pos[s]) for s in nodes["step_id"]],
                "y": [y0 + (present.index(c) + .5) * row_h for c in nodes["channel"]],
                "size": [60 + 300 * math.sqrt(v / top_cases) if top_cases > 1 else 120 for v in cases],
                "full": nodes["step"].astype(str).values, "channel_": [labels.get(c, c) for c in nodes["channel"]],
                "cases": cases.astype(int).values,
                "switches": pd.to_numeric(nodes.get("switches_out"), errors="coerce").fillna(0).astype(int).values,
                "drop": pd.to_numeric(nodes.get("drop_off"), errors="coerce").fillna(0).astype(int).values,
            })
            tip = [alt.Tooltip("full:N", title=w["step"]), alt.Tooltip("channel_:N", title=w["channel"]),
                   alt.Tooltip("cases:Q", title=w["cases"]), alt.Tooltip("switches:Q", title=w["switches_out"]),
                   alt.Tooltip("drop:Q", title=w["drop_off"])]
            cv.add(tp, "square", tooltip=tip, color="#0072B2", filled=True, opacity=0.85)
        cv.y = y0 + row_h * len(present) + 14

    # --- pain points by category
    pains = _pains_table(report, pain_points, participants, channels)
    base = _reach_base(report, pains)
    cells = []
    if len(pains):
        linked = pains[pains["step_id"].isin(set(everything["step_id"]))]
        for (sid, cat), g in linked.groupby(["step_id", "category"], sort=False):
            best = g.sort_values("severity", ascending=False, na_position="last").iloc[0]
            cells.append({"step_id": sid, "category": cat, "count": len(g),
                          "people": int(g["participant_id"].nunique()),
                          "severity": _num(g["severity"].mean()), "quote": wrap_label(best.get("sentence"), 200, 1)})
        for c in cells:
            c["reach"] = c["people"] / base
    else:
        for r in report["steps"]:
            for cat, d in (r.get("pain_by_category") or {}).items():
                cells.append({"step_id": r["step_id"], "category": cat, "count": int(d.get("count") or 0),
                              "people": None, "severity": _num(d.get("mean_severity")), "quote": ""})
        top_count = max([c["count"] for c in cells] or [1])
        for c in cells:
            c["reach"] = c["count"] / top_count
    if cells:
        cells = pd.DataFrame(cells)
        totals = cells.groupby("category")["count"].sum().sort_values(ascending=False, kind="stable")
        cats = list(totals.index)
        cells = cells[cells["step_id"].isin(set(steps["step_id"]))].copy()
        row_h = 30
        y0 = cv.y
        _row_label(cv, y0 + row_h * len(cats) / 2, w["pains"])
        labels = CATEGORY_LABELS[lang]
        cv.add(pd.DataFrame([{"x": _LEFT, "x2": width - 12, "y": y0 + i * row_h, "y2": y0 + (i + 1) * row_h,
                              "fill": _BAND if i % 2 == 0 else "#FFFFFF"} for i in range(len(cats))]), "rect")
        cv.add(pd.DataFrame({"x": [_LEFT - 8] * len(cats), "y": [y0 + (i + .5) * row_h for i in range(len(cats))],
                             "text": [f"{labels.get(c, c)} ({int(totals[c])})" for c in cats]}), "text",
               align="right", baseline="middle", fontSize=_FONT, color=_INK)
        pos = dict(zip(steps["step_id"], steps["pos"], strict=True))
        full = dict(zip(steps["step_id"], steps["step"], strict=True))
        cells["x"] = [_cx(pos[s]) for s in cells["step_id"]]
        cells["y"] = [y0 + (cats.index(c) + .5) * row_h for c in cells["category"]]
        cells["size"] = [50 + 1100 * min(max(r, 0.0), 1.0) for r in cells["reach"]]
        cells["colour"] = [CATEGORY_COLOURS.get(c, "#AAAAAA") for c in cells["category"]]
        cells["text"] = cells["count"].astype(str)
        cells["full"] = [full[s] for s in cells["step_id"]]
        cells["category_"] = [labels.get(c, c) for c in cells["category"]]
        cells["reach_"] = [f"{r:.0%}" for r in cells["reach"]]
        cells["severity_"] = cells["severity"].round(2)
        tip = [alt.Tooltip("full:N", title=w["step"]), alt.Tooltip("category_:N", title=w["category"]),
               alt.Tooltip("count:Q", title=w["count"]), alt.Tooltip("reach_:N", title=w["reach"]),
               alt.Tooltip("severity_:Q", title=w["severity"]), alt.Tooltip("quote:N", title=w["quote"])]
        keep = ["x", "y", "size", "colour", "full", "category_", "count", "reach_", "severity_", "quote"]
        cv.add(cells[keep], "circle", tooltip=tip, opacity=0.9, stroke="white", strokeWidth=1)
        dark = {"#D55E00", "#CC79A7", "#882255", "#0072B2", "#009E73", "#332288", "#666666", "#999933", "#44AA99"}
        cells["text_colour"] = ["white" if c in dark and s > 200 else _INK for c, s in zip(cells["colour"],
                                                                                          cells["size"], strict=True)]
        inside = cells[cells["size"] > 200].rename(columns={"text_colour": "colour_t"})
        outside = cells[cells["size"] <= 200].copy()
        if len(inside):
            t = inside[["x", "y", "text", "colour_t"]].rename(columns={"colour_t": "colour"})
            cv.add(t, "text", fontSize=11, fontWeight="bold", baseline="middle")
        if len(outside):
            t = outside[["x", "y", "text"]].assign(x=outside["x"] + 13)
            cv.add(t, "text", fontSize=11, fontWeight="bold", baseline="middle", align="left", color=_INK)
        cv.y = y0 + row_h * len(cats) + 14

    # --- experience curve
    # (left out when nobody reported pain anywhere: a flat line says nothing)
    if len(pains) or any(r.get("pain_count") for r in report["steps"]):
        y0, h = cv.y, 110
        sev = {}
        if len(pains):
            linked = pains[pains["step_id"].isin(set(steps["step_id"]))]
            sev = {k: (_num(g["severity"].mean()), len(g)) for k, g in linked.groupby("step_id")}
        else:
            sev = {r["step_id"]: (_num(r.get("mean_severity")), int(r.get("pain_count") or 0)) for r in report["steps"]}
        emo = steps[["step_id", "pos", "step"]].copy()
        emo["value"] = [-sev.get(s, (0.0, 0))[0] if sev.get(s, (0, 0))[1] else 0.0 for s in emo["step_id"]]
        emo["n"] = [sev.get(s, (0.0, 0))[1] for s in emo["step_id"]]
        top_y, bottom_y = y0 + 14, y0 + h - 10
        emo["x"] = [_cx(p) for p in emo["pos"]]
        emo["y"] = top_y + (-emo["value"]) * (bottom_y - top_y)
        emo["seq"] = emo["pos"]
        emo["full"] = emo["step"]
        emo["value_"] = emo["value"].round(2)
        cv.add(pd.DataFrame({"x": [_LEFT], "x2": [width - 12], "y": [top_y], "y2": [top_y]}), "rule", color=_RULE,
               strokeDash=[4, 3])
        cv.add(pd.DataFrame({"x": [_LEFT], "x2": [width - 12], "y": [bottom_y], "y2": [bottom_y]}), "rule",
               color=_RULE, strokeDash=[1, 3])
        cv.add(pd.DataFrame({"x": [_LEFT - 8, _LEFT - 8], "y": [top_y, bottom_y], "text": [w["neutral"], w["negative"]]}),
               "text", align="right", baseline="middle", fontSize=11, color=_MUTED, fontStyle="italic")
        area = emo[["x", "y"]].copy()  # sorted by x already; an order channel would mean stacking for areas
        area["y2"] = top_y
        cv.add(area, "area", color="#F4C7B0", opacity=0.6, interpolate="monotone")
        cv.add(emo[["x", "y", "seq"]], "line", color=_TOP, strokeWidth=2.5, interpolate="monotone")
        pts = emo[["x", "y", "full", "value_", "n"]].assign(colour=[_TOP if n else "#999999" for n in emo["n"]])
        cv.add(pts, "circle", tooltip=[alt.Tooltip("full:N", title=w["step"]),
                                       alt.Tooltip("value_:Q", title=w["emotion_value"]),
                                       alt.Tooltip("n:Q", title=w["count"])], size=60, opacity=1)
        _row_label(cv, y0 + h / 2, w["emotion"])
        cv.y = y0 + h + 12

    # --- top priorities
    pri = pd.DataFrame(report.get("priorities", {}).get("steps") or [])
    if len(pri) and top > 0:
        y0, h = cv.y, 104
        pos = dict(zip(steps["step_id"], steps["pos"], strict=True))
        pri = pri.sort_values("rank").head(top)
        pri = pri[pri["step_id"].isin(pos)]
        comps = [c for c in report.get("priorities", {}).get("components", []) if c in pri.columns]
        rows = []
        for r in pri.to_dict("records"):
            driver = max(comps, key=lambda c: _num(r.get(c)) * _num((report.get("weights") or {}).get(c), 1.0)) \
                if comps else None
            rows.append({"x": _LEFT + pos[r["step_id"]] * COLUMN_WIDTH + 6,
                         "x2": _LEFT + (pos[r["step_id"]] + 1) * COLUMN_WIDTH - 6, "y": y0, "y2": y0 + h - 4,
                         "cx": _cx(pos[r["step_id"]]), "rank": int(r["rank"]), "score": round(_num(r["score"])),
                         "full": str(r.get("step") or r["step_id"]),
                         "driver": w["drivers"].get(driver, driver or "")})
        if rows:
            rows = pd.DataFrame(rows)
            tip = [alt.Tooltip("rank:Q", title=w["rank"]), alt.Tooltip("full:N", title=w["step"]),
                   alt.Tooltip("score:Q", title=w["score"]), alt.Tooltip("driver:N", title=w["driver"])]
            cv.add(rows[["x", "x2", "y", "y2", "rank", "full", "score", "driver"]], "rect", tooltip=tip, color="#FBE3D6",
                   stroke=_TOP, strokeWidth=1.5, cornerRadius=4)
            cv.add(rows.assign(x=rows["cx"], y=y0 + 8, text=[f"#{k}" for k in rows["rank"]])[["x", "y", "text"]], "text",
                   fontSize=20, fontWeight="bold", color=_TOP, baseline="top")
            cv.add(rows.assign(x=rows["cx"], y=y0 + 34, text=[f"{s}/100" for s in rows["score"]])[["x", "y", "text"]],
                   "text", fontSize=12, color=_INK, baseline="top")
            cv.add(rows.assign(x=rows["cx"], y=y0 + 52, text=[wrap_label(d, 15, 3) for d in rows["driver"]])[
                ["x", "y", "text"]], "text", fontSize=11, color=_INK, baseline="top", lineBreak="\n", fontStyle="italic")
            _row_label(cv, y0 + h / 2, w["priorities"])
            cv.y = y0 + h + 4
    return cv.chart(None)


# --------------------------------------------------------------------------------- service blueprint

_LANES = ("customer", "frontstage", "backstage", "support")


def service_blueprint(report: dict, *, lang: str = "en", pain_points: pd.DataFrame | None = None,
                      participants: pd.DataFrame | None = None, channels=None,
                      max_columns: int = 16) -> alt.LayerChart | alt.VConcatChart:
    """The service blueprint: customer, frontstage, backstage and support lanes.

    Lanes are separated by the line of interaction (customer | frontstage), the line of
    visibility (frontstage | backstage) and the line of internal interaction (backstage |
    support). Each step is a card in its lane at its place in the journey, with its channels and
    agency; agencies also run as a band above the lanes. Pain of the people served is a circle on
    the card; pain of public servants (participants whose segment is ``public_servant``, or
    category ``internal_tools`` when there are no participants) is a square in the staff lane
    of that step, linked by a dashed line to the citizens' pain at the steps it connects to.

    Parameters
    ----------
    report : dict
        From :func:`journeys.analysis.journey_report`.
    lang : {"en", "es"}
    pain_points, participants : DataFrame, optional
        Canonical tables (without them, pain counts come from the report, all as citizens' pain).
    channels : list of str, optional
        Keep only these channels on the cards.
    max_columns : int
        A longer journey is cut into stacked bands of at most this many steps.

    Returns
    -------
    alt.LayerChart or alt.VConcatChart (several bands)

    Examples
    --------
    >>> from journeys.analysis import journey_report
    >>> steps = pd.DataFrame({"step_id": ["S1", "S2"], "step": ["Apply", "Check"], "channel": ["web", "office"],
    ...                       "lane": ["customer", "backstage"], "order": [1, 2], "agency": ["Registry", "Tax"]})
    >>> spec = service_blueprint(journey_report(steps)).to_dict()
    >>> texts = [v.get("text") for layer in spec["layer"] for v in spec["datasets"][layer["data"]["name"]]]
    >>> "line of visibility" in texts and "Tax" in texts
    True
    """
    _check_report(report)
    w = _words(lang)
    parts = [_blueprint_part(report, part, w=w, lang=lang, pain_points=pain_points, participants=participants,
                             channels=channels) for part in _split_steps(_steps(report), max_columns)]
    chart = parts[0] if len(parts) == 1 else alt.vconcat(*parts, spacing=30)
    return _base_config(chart.properties(title=_title(report, w, "blueprint_title", w["blueprint_note"])))


def _blueprint_part(report, steps, *, w, lang, pain_points, participants, channels):
    """One band of the blueprint (connections to steps of another band are not drawn)."""
    n = len(steps)
    width = _LEFT + n * COLUMN_WIDTH + 12
    cv = _Canvas(width)
    cv.y = 4
    _stage_band(cv, steps, w, height=34)

    # agencies band
    y0, h = cv.y, 34
    runs = []
    for r in steps.itertuples():
        ag = r.agency if isinstance(r.agency, str) and r.agency.strip() else "—"
        if runs and runs[-1]["agency"] == ag and runs[-1]["end"] == r.pos - 1:
            runs[-1]["end"] = r.pos
        else:
            runs.append({"agency": ag, "start": r.pos, "end": r.pos})
    agencies = list(dict.fromkeys(run["agency"] for run in runs))
    tints = ["#E8F1FA", "#FDF0E1", "#E6F4EF", "#F6E8F1", "#EFEFEF", "#F3F1DE", "#E4EEF0"]
    cv.add(pd.DataFrame([{"x": _LEFT + run["start"] * COLUMN_WIDTH + 2, "x2": _LEFT + (run["end"] + 1) * COLUMN_WIDTH - 2,
                          "y": y0, "y2": y0 + h, "fill": tints[agencies.index(run["agency"]) % len(tints)],
                          "agency_": run["agency"]} for run in runs]), "rect",
           tooltip=[alt.Tooltip("agency_:N", title=w["agency"])], stroke="#AAAAAA", strokeWidth=0.5, cornerRadius=3)
    ag = pd.DataFrame([{"x": _LEFT + (run["start"] + run["end"] + 1) * COLUMN_WIDTH / 2,
                        "text": wrap_label(run["agency"], int((run["end"] - run["start"] + 1) * COLUMN_WIDTH / 6.6), 2)}
                       for run in runs])
    ag["y"] = [_top_of(y0 + h / 2, t, 13) for t in ag["text"]]
    cv.add(ag, "text", fontSize=11, baseline="top", lineBreak="\n", lineHeight=13, color=_INK)
    _row_label(cv, y0 + h / 2, w["agency"])
    cv.y = y0 + h + 10

    # lanes
    lane_h = 112
    lane_top = {lane: cv.y + i * lane_h for i, lane in enumerate(_LANES)}
    lane_fill = {"customer": "#FFFFFF", "frontstage": "#F7F9FC", "backstage": "#F1F4F8", "support": "#EBEFF4"}
    cv.add(pd.DataFrame([{"x": _LEFT, "x2": width - 12, "y": lane_top[ln], "y2": lane_top[ln] + lane_h,
                          "fill": lane_fill[ln]} for ln in _LANES]), "rect")
    for ln in _LANES:
        _row_label(cv, lane_top[ln] + lane_h / 2, w["lanes"][ln])
    lines = [("line_interaction", lane_top["frontstage"]), ("line_visibility", lane_top["backstage"]),
             ("line_internal", lane_top["support"])]
    cv.add(pd.DataFrame([{"x": 4, "x2": width - 12, "y": y, "y2": y} for _, y in lines]), "rule", color="#555555",
           strokeWidth=1.5, strokeDash=[8, 4])
    cv.add(pd.DataFrame([{"x": 8, "y": y - 3, "text": w[k]} for k, y in lines]), "text", align="left",
           baseline="bottom", fontSize=11, fontStyle="italic", color="#333333")

    lane_of = [str(v).strip().lower() if isinstance(v, str) and str(v).strip().lower() in _LANES else "customer"
               for v in steps["lane"]]
    steps["lane_key"] = lane_of
    nodes = pd.DataFrame(report["nodes"])
    chans = {}
    if len(nodes) and "channel" in nodes.columns:
        for sid, g in nodes.groupby("step_id", sort=False):
            cs = [c for c in g["channel"] if (not channels or c in channels) and c != "unspecified"]
            chans[sid] = " · ".join(CHANNEL_LABELS[lang].get(c, c) for c in cs)
    card_top = {sid: lane_top[ln] + 10 for sid, ln in zip(steps["step_id"], lane_of, strict=True)}
    card_h = lane_h - 20
    cards = pd.DataFrame({
        "x": _LEFT + steps["pos"] * COLUMN_WIDTH + 5, "x2": _LEFT + (steps["pos"] + 1) * COLUMN_WIDTH - 5,
        "y": [card_top[s] for s in steps["step_id"]], "y2": [card_top[s] + card_h for s in steps["step_id"]],
        "full": steps["step"].astype(str), "step_id": steps["step_id"],
        "agency_": steps["agency"].fillna("").astype(str), "channel_": [chans.get(s, "") for s in steps["step_id"]],
        "lane_": [w["lanes"][ln] for ln in lane_of],
    })
    tip = [alt.Tooltip("full:N", title=w["step"]), alt.Tooltip("step_id:N", title=w["step_id"]),
           alt.Tooltip("agency_:N", title=w["agency"]), alt.Tooltip("channel_:N", title=w["channel"]),
           alt.Tooltip("lane_:N", title=w["lane"])]
    # designed flow between cards (thin connectors)
    se = [e for e in report.get("step_edges", []) if e.get("kind") == "designed"]
    pos = dict(zip(steps["step_id"], steps["pos"], strict=True))
    conn = []
    for i, e in enumerate(se):
        a, b = e["source"], e["target"]
        if a not in pos or b not in pos or a == b:
            continue
        if pos[b] > pos[a]:
            conn += [{"x": _LEFT + (pos[a] + 1) * COLUMN_WIDTH - 5, "y": card_top[a] + card_h / 2, "detail": f"e{i}",
                      "seq": 0},
                     {"x": _LEFT + pos[b] * COLUMN_WIDTH + 5, "y": card_top[b] + card_h / 2, "detail": f"e{i}",
                      "seq": 1}]
    if conn:
        cv.add(pd.DataFrame(conn), "line", color="#8A9BB0", strokeWidth=1.2, interpolate="step")

    card_layer = len(cv.layers)
    cv.add(cards, "rect", tooltip=tip, fill="white", stroke="#5B7290", strokeWidth=1.2, cornerRadius=5)
    cv.add(cards.assign(x=[_cx(p) for p in steps["pos"]], y=cards["y"] + 7,
                        text=[wrap_label(s, _fit(s), 4) for s in steps["step"]])[["x", "y", "text", "full"]],
           "text", tooltip=[alt.Tooltip("full:N", title=w["step"])], fontSize=11.5, baseline="top",
           lineBreak="\n", lineHeight=13, color=_INK)
    ch_text = [wrap_label(c, 18, 2) for c in cards["channel_"]]
    cv.add(cards.assign(x=[_cx(p) for p in steps["pos"]], text=ch_text,
                        y=[y2 - 4 - 11 * (t.count("\n") + 1) for y2, t in zip(cards["y2"], ch_text, strict=True)])[
        ["x", "y", "text"]], "text", fontSize=9.5, baseline="top", lineBreak="\n", lineHeight=11, color="#0072B2")

    # pains
    pains = _pains_table(report, pain_points, participants, channels)
    citizen, staffp = {}, {}
    if len(pains):
        for sid, g in pains[pains["step_id"].isin(pos)].groupby("step_id"):
            c, s = g[~g["is_staff"]], g[g["is_staff"]]
            if len(c):
                citizen[sid] = (len(c), _num(c["severity"].mean()), wrap_label(_top_sentence(c), 200, 1))
            if len(s):
                staffp[sid] = (len(s), _num(s["severity"].mean()), wrap_label(_top_sentence(s), 200, 1))
    else:
        for r in report["steps"]:
            if r.get("pain_count"):
                citizen[r["step_id"]] = (int(r["pain_count"]), _num(r.get("mean_severity")), "")
    cit = pd.DataFrame([{"step_id": s, "x": _LEFT + (pos[s] + 1) * COLUMN_WIDTH - 9, "y": card_top[s] - 3,
                         "count": v[0], "severity_": round(v[1], 2), "quote": v[2],
                         "size": 180 + 60 * min(v[0], 8), "full": str(steps.loc[pos[s], "step"])}
                        for s, v in citizen.items()])
    staff_lane = {s: ("frontstage" if lane_of[pos[s]] == "customer" else lane_of[pos[s]]) for s in staffp}
    stf = pd.DataFrame([{"step_id": s, "x": _LEFT + pos[s] * COLUMN_WIDTH + 14,
                         "y": (card_top[s] + card_h - 6) if staff_lane[s] == lane_of[pos[s]]
                         else lane_top[staff_lane[s]] + lane_h / 2,
                         "count": v[0], "severity_": round(v[1], 2), "quote": v[2],
                         "size": 180 + 60 * min(v[0], 8), "full": str(steps.loc[pos[s], "step"])}
                        for s, v in staffp.items()])
    # links: staff pain at a step -> citizens' pain at that step or a step it connects to (designed edges)
    links = []
    if len(stf) and len(cit):
        nbrs = {s: {s} for s in staffp}
        for e in report.get("step_edges", []):
            if e.get("kind") != "designed":
                continue
            for a, b in ((e["source"], e["target"]), (e["target"], e["source"])):
                if a in nbrs:
                    nbrs[a].add(b)
        cpos = {r.step_id: (r.x, r.y) for r in cit.itertuples()}
        for r in stf.itertuples():
            # only where the steps connect nearby: a line across the whole blueprint reads as noise
            for t in sorted(t for t in nbrs[r.step_id] & set(cpos) if abs(pos[t] - pos[r.step_id]) <= 2):
                links += [{"x": r.x, "y": r.y, "detail": f"{r.step_id}>{t}", "seq": 0},
                          {"x": cpos[t][0], "y": cpos[t][1], "detail": f"{r.step_id}>{t}", "seq": 1}]
    if links:
        # behind the cards, in front of the lanes: the lanes are layers 0–7 (stage, agency, lanes, lines)
        cv.add(pd.DataFrame(links), "line", color=_LINK, strokeWidth=1.8, strokeDash=[5, 3], opacity=0.9)
        cv.layers.insert(card_layer, cv.layers.pop())
    ptip = [alt.Tooltip("full:N", title=w["step"]), alt.Tooltip("count:Q", title=w["count"]),
            alt.Tooltip("severity_:Q", title=w["severity"]), alt.Tooltip("quote:N", title=w["quote"])]
    if len(cit):
        cv.add(cit.drop(columns="step_id"), "circle", tooltip=ptip, color=_TOP, opacity=1, stroke="white",
               strokeWidth=1)
        cv.add(cit.assign(text=cit["count"].astype(str))[["x", "y", "text"]], "text", color="white", fontSize=10.5,
               fontWeight="bold", baseline="middle")
    if len(stf):
        cv.add(stf.drop(columns="step_id"), "square", tooltip=ptip, color=_STAFF_PAIN, opacity=1, stroke="white",
               strokeWidth=1)
        cv.add(stf.assign(text=stf["count"].astype(str))[["x", "y", "text"]], "text", color="white", fontSize=10.5,
               fontWeight="bold", baseline="middle")
    cv.y = lane_top["support"] + lane_h + 6
    return cv.chart(None)


def _top_sentence(g: pd.DataFrame) -> str:
    if "sentence" not in g.columns or not len(g):
        return ""
    return str(g.sort_values("severity", ascending=False, na_position="last").iloc[0]["sentence"])


# ------------------------------------------------------------------------------------- service graph

def service_graph(report: dict, *, lang: str = "en", channels=None, kinds=("designed", "observed", "narrated"),
                  min_share: float = 0.08, min_narrated: int = 2) -> alt.LayerChart:
    """The touchpoint network as a map: x = journey order (step), y = channel.

    Nodes are touchpoints, coloured by priority score and sized by cases; the designed flow (steps
    sheet) runs step to step in its own band above the channels. Edges are drawn as
    curves: width by volume (the share of the largest flow of the same kind, so designed,
    observed and narrated flows are comparable), colour by the priority score of the touchpoint
    they lead to, and a dash pattern for the evidence (designed dashed, observed solid, narrated
    dotted; legend). A line that changes row is a channel switch; going back (rework) arches
    above the columns; a repeated step is a small loop; a diamond marks a hand-off between
    agencies.

    Parameters
    ----------
    report : dict
        From :func:`journeys.analysis.journey_report`.
    lang : {"en", "es"}
    channels : list of str, optional
        Keep only touchpoints on these channels.
    kinds : tuple of str
        Which edges to draw (``designed``, ``observed``, ``narrated``).
    min_share : float
        Observed edges carrying less than this share of the cases are left out (they would make
        a hairball); their numbers stay in the exports.
    min_narrated : int
        Narrated edges told by fewer participants are left out.

    Returns
    -------
    alt.LayerChart

    Examples
    --------
    >>> from journeys.analysis import journey_report
    >>> steps = pd.DataFrame({"step_id": ["S1", "S2"], "step": ["Apply", "Collect"], "channel": ["web", "office"],
    ...                       "order": [1, 2], "next_steps": ["S2", ""]})
    >>> spec = service_graph(journey_report(steps)).to_dict()
    >>> [l["encoding"]["strokeDash"]["field"] for l in spec["layer"] if "strokeDash" in l["encoding"]]
    ['kind_']
    """
    _check_report(report)
    w = _words(lang)
    steps = _steps(report)
    nodes = pd.DataFrame(report["nodes"])
    if channels and len(nodes):
        nodes = nodes[nodes["channel"].isin(list(channels))]
    pos = dict(zip(steps["step_id"], steps["pos"], strict=True))
    nodes = nodes[nodes["step_id"].isin(pos)] if len(nodes) else nodes
    present = [c for c in _CHANNEL_ORDER if len(nodes) and c in set(nodes["channel"])] + \
        (sorted(set(nodes["channel"].dropna()) - set(_CHANNEL_ORDER)) if len(nodes) else [])
    n = len(steps)
    # more than 16 steps: narrower columns (names wrap tighter; the full name is in the tooltip), so a
    # 30-step network still prints on one A3 landscape page without breaking edges across bands
    col = COLUMN_WIDTH if n <= 16 else max(64.0, COLUMN_WIDTH * 16 / n)
    chars = 15 if col >= COLUMN_WIDTH else max(8, int(col / 5.6))
    head_font = 11.5 if col >= COLUMN_WIDTH else 10
    width = _LEFT + n * col + 12
    cv = _Canvas(width)
    cv.y = 4
    _stage_band(cv, steps, w, height=34, col=col)
    # step headers
    y0, h = cv.y, 64
    cv.add(pd.DataFrame({"x": [_cx(p, col) for p in steps["pos"]], "y": [y0 + 4] * n,
                         "text": [wrap_label(s, _fit(s, chars), 4) for s in steps["step"]],
                         "full": steps["step"].astype(str)}),
           "text", tooltip=[alt.Tooltip("full:N", title=w["step"])], fontSize=head_font, baseline="top",
           lineBreak="\n", lineHeight=head_font + 1.5, color=_INK)
    _row_label(cv, y0 + h / 2, w["step"])
    cv.y = y0 + h + 6
    design_y = None
    if "designed" in kinds:
        design_y = cv.y + 44
        cv.add(pd.DataFrame({"x": [_cx(p, col) for p in steps["pos"]], "y": [design_y] * n}), "square", size=50,
               color="#555555", filled=True)
        _row_label(cv, design_y, w["designed_flow"])
        cv.y = design_y + 44
    row_h = 84 if col >= COLUMN_WIDTH else 110
    y0 = cv.y
    labels = CHANNEL_LABELS[lang]
    ny = {c: y0 + (i + .5) * row_h for i, c in enumerate(present)}
    cv.add(pd.DataFrame([{"x": _LEFT, "x2": width - 12, "y": y0 + i * row_h, "y2": y0 + (i + 1) * row_h,
                          "fill": _BAND if i % 2 == 0 else "#FFFFFF"} for i in range(len(present))]), "rect")
    cv.add(pd.DataFrame({"x": [_LEFT - 8] * len(present), "y": [ny[c] for c in present],
                         "text": [labels.get(c, c) for c in present]}), "text", align="right", baseline="middle",
           fontSize=13, color=_INK, fontWeight="bold")
    score_of = {r["id"]: _num(r.get("score")) for r in report["nodes"]}
    xy = {}
    for r in nodes.to_dict("records") if len(nodes) else []:
        xy[r["id"]] = (_cx(pos[r["step_id"]], col), ny[r["channel"]])
    kind_label = w["kinds"]
    dash_domain = [kind_label[k] for k in ("designed", "observed", "narrated")]
    colour_scale = alt.Scale(scheme="orangered", domain=[0, 100])
    cases = max(_num((report.get("summary") or {}).get("cases")), 1.0)
    pts, marks = [], []
    step_score = {r["step_id"]: _num(r.get("score")) for r in report["steps"]}

    def add_edge(i, e, path, width, score, count, share):
        base = {"detail": f"{e['kind']}{i}", "kind_": kind_label[e["kind"]], "width": width, "score": score,
                "count": int(count), "share": share,
                "from_": _edge_label(e, "source", steps, labels), "to_": _edge_label(e, "target", steps, labels)}
        for k, (px, py) in enumerate(path):
            pts.append({**base, "x": px, "y": py, "seq": k})
        if e.get("agency_handoff"):
            mid = path[len(path) // 2]
            marks.append({"x": mid[0], "y": mid[1], "handoff": w["handoff"], "from_": base["from_"],
                          "to_": base["to_"]})

    # designed flow: step to step, in its own band above the channels (the steps sheet designs steps;
    # drawing it between every pair of channels would hide the observed and narrated paths)
    if "designed" in kinds:
        for i, e in enumerate(report.get("step_edges", [])):
            if e.get("kind") != "designed" or e["source"] not in pos or e["target"] not in pos:
                continue
            x1, x2 = _cx(pos[e["source"]], col), _cx(pos[e["target"]], col)
            dist = abs(pos[e["target"]] - pos[e["source"]])
            if x1 == x2:
                path = [(x1, design_y), (x1 - 14, design_y - 22), (x1 + 14, design_y - 22), (x1, design_y)]
            elif x2 > x1:
                path = [(x1, design_y), ((x1 + x2) / 2, design_y + (0 if dist == 1 else min(14 + 8 * dist, 40))),
                        (x2, design_y)]
            else:
                path = [(x1, design_y), ((x1 + x2) / 2, design_y - min(18 + 8 * dist, 40)), (x2, design_y)]
            e = {**e, "source_channel": None, "target_channel": None}
            add_edge(i, e, path, 2.2, step_score.get(e["target"], 0.0), 1, "—")
    edges = [e for e in report.get("edges", []) if e.get("kind") in kinds and e.get("kind") != "designed"
             and e["source"] in xy and e["target"] in xy]
    top_by_kind = {}
    for e in edges:
        top_by_kind[e["kind"]] = max(top_by_kind.get(e["kind"], 0.0), _num(e.get("count"), 1.0))
    offset = {"observed": 7.0, "narrated": -7.0}
    for i, e in enumerate(edges):
        count = _num(e.get("count"), 1.0)
        if e["kind"] == "observed" and count / cases < min_share:
            continue
        if e["kind"] == "narrated" and count < min_narrated:
            continue
        (x1, y1), (x2, y2) = xy[e["source"]], xy[e["target"]]
        share = count / max(top_by_kind[e["kind"]], 1.0)
        if e["source"] == e["target"]:
            path = [(x1, y1), (x1 - 16, y1 - 30), (x1 + 16, y1 - 30), (x1, y1)]
        elif x2 < x1 or (x2 == x1 and e.get("backward")):
            lift = min(24 + 6 * abs(x1 - x2) / col, row_h * 0.45)
            top = min(y1, y2) - lift
            path = [(x1, y1), (x1 - (x1 - x2) * 0.2, top), (x2 + (x1 - x2) * 0.2, top), (x2, y2)]
        else:
            path = [(x1, y1), ((x1 + x2) / 2, (y1 + y2) / 2 + offset[e["kind"]]), (x2, y2)]
        add_edge(i, e, path, 0.8 + (7.2 if e["kind"] == "observed" else 2.7) * math.sqrt(share), score_of.get(e["target"], 0.0), count, f"{share:.0%}")
    tip = [alt.Tooltip("kind_:N", title=w["kind"]), alt.Tooltip("from_:N", title=w["from"]),
           alt.Tooltip("to_:N", title=w["to"]), alt.Tooltip("count:Q", title=w["cases"]),
           alt.Tooltip("share:N", title=w["share"])]
    layers = []
    xs, ys = None, None
    cv.y = y0 + row_h * max(len(present), 1) + 8
    height = cv.y
    xs, ys = _frame(width, height)
    if pts:
        df = pd.DataFrame(pts)
        layers.append(alt.Chart(df).mark_line(interpolate="basis", opacity=0.75).encode(
            x=alt.X("x:Q", scale=xs, axis=None), y=alt.Y("y:Q", scale=ys, axis=None), detail="detail:N",
            order="seq:Q",
            color=alt.Color("score:Q", scale=colour_scale, title=w["score"],
                            legend=alt.Legend(gradientLength=180, orient="bottom")),
            strokeWidth=alt.StrokeWidth("width:Q", scale=None),
            strokeDash=alt.StrokeDash("kind_:N", title=w["kind"],
                                      scale=alt.Scale(domain=dash_domain, range=[[7, 4], [1, 0], [2, 3]]),
                                      legend=alt.Legend(symbolStrokeWidth=2.5, symbolSize=300, orient="bottom")),
            tooltip=tip))
    if marks:
        layers.append(alt.Chart(pd.DataFrame(marks)).mark_point(shape="diamond", filled=True, size=90, color="#333333")
                      .encode(x=alt.X("x:Q", scale=xs, axis=None), y=alt.Y("y:Q", scale=ys, axis=None),
                              shape=alt.Shape("handoff:N", title=None, scale=alt.Scale(range=["diamond"]),
                                              legend=alt.Legend(orient="bottom")),
                              tooltip=[alt.Tooltip("handoff:N", title=w["kind"]),
                                       alt.Tooltip("from_:N", title=w["from"]),
                                       alt.Tooltip("to_:N", title=w["to"])]))
    if len(nodes):
        nc = pd.to_numeric(nodes.get("cases"), errors="coerce").fillna(0)
        topc = max(float(nc.max()), 1.0)
        nd = pd.DataFrame({
            "x": [xy[i][0] for i in nodes["id"]], "y": [xy[i][1] for i in nodes["id"]],
            "score": [round(_num(s), 1) for s in nodes.get("score", pd.Series([0] * len(nodes)))],
            "size": [220 + 900 * math.sqrt(v / topc) if topc > 1 else 300 for v in nc],
            "full": nodes["step"].astype(str).values, "channel_": [labels.get(c, c) for c in nodes["channel"]],
            "cases": nc.astype(int).values,
        })
        layers.append(alt.Chart(nd).mark_circle(opacity=1, stroke="#333333", strokeWidth=1).encode(
            x=alt.X("x:Q", scale=xs, axis=None), y=alt.Y("y:Q", scale=ys, axis=None),
            color=alt.Color("score:Q", scale=colour_scale, title=w["score"]),
            size=alt.Size("size:Q", scale=None),
            tooltip=[alt.Tooltip("full:N", title=w["step"]), alt.Tooltip("channel_:N", title=w["channel"]),
                     alt.Tooltip("score:Q", title=w["score"]), alt.Tooltip("cases:Q", title=w["cases"])]))
        nd["text"] = [str(int(round(s))) for s in nd["score"]]
        layers.append(alt.Chart(nd).mark_text(fontSize=10, fontWeight="bold", baseline="middle", color=_INK).encode(
            x=alt.X("x:Q", scale=xs, axis=None), y=alt.Y("y:Q", scale=ys, axis=None), text="text:N",
            tooltip=[alt.Tooltip("full:N", title=w["step"]), alt.Tooltip("score:Q", title=w["score"])]))
    base = cv.chart(None)
    chart = alt.layer(*(base.layer + layers)).properties(
        width=width, height=height,
        title=_title(report, w, "graph_title", w["graph_note"].format(share=f"{min_share:.0%}", narrated=min_narrated)))
    return _base_config(chart)


def _edge_label(e: dict, end: str, steps: pd.DataFrame, labels: dict) -> str:
    sid = e[f"{end}_step"]
    name = steps.loc[steps["step_id"] == sid, "step"]
    ch = e.get(f"{end}_channel")
    name = name.iloc[0] if len(name) else sid
    return f"{name} ({labels.get(ch, ch)})" if ch else str(name)


# ---------------------------------------------------------------------------------- priorities chart

def priorities_chart(report: dict, *, lang: str = "en", level: str = "steps", top: int = 15,
                     effort: dict | None = None) -> alt.Chart | alt.HConcatChart:
    """Ranked bottlenecks with the score's components stacked; plus impact vs effort when given.

    Each bar is the priority score (0–100) split into what each component adds
    (``100 × wᵢ·cᵢ / Σw``, so the parts add up to the score). With ``effort`` (step id or
    touchpoint id -> effort, any positive scale; or an ``effort`` value in the priority rows) a
    second panel places each item by impact (score) and effort, with the quadrants named.

    Parameters
    ----------
    report : dict
        From :func:`journeys.analysis.journey_report`.
    lang : {"en", "es"}
    level : {"steps", "touchpoints"}
    top : int
        How many ranked items to show.
    effort : dict, optional
        Effort per item id.

    Returns
    -------
    alt.Chart or alt.HConcatChart

    Examples
    --------
    >>> from journeys.analysis import journey_report
    >>> steps = pd.DataFrame({"step_id": ["S1", "S2"], "step": ["Apply", "Collect"], "channel": ["web", "office"],
    ...                       "order": [1, 2], "median_wait_days": [1, 4]})
    >>> spec = priorities_chart(journey_report(steps), effort={"S1": 1, "S2": 3}).to_dict()
    >>> len(spec["hconcat"]), spec["hconcat"][0]["layer"][0]["encoding"]["color"]["field"]
    (2, 'component_')
    """
    _check_report(report)
    w = _words(lang)
    if level not in ("steps", "touchpoints"):
        raise InputError(f"unknown level {level!r}", "use level='steps' or level='touchpoints'", file="diagram")
    rows = list((report.get("priorities") or {}).get(level) or [])[: max(int(top), 1)]
    comps = list((report.get("priorities") or {}).get("components") or _COMPONENT_COLOURS)
    weights = report.get("weights") or {}
    total_w = sum(_num(weights.get(c), 1.0) for c in comps) or 1.0
    labels = CHANNEL_LABELS[lang]
    parts = []
    for r in rows:
        name = str(r.get("step") or r.get("step_id"))
        if level == "touchpoints" and r.get("channel"):
            name = f"{name} ({labels.get(r['channel'], r['channel'])})"
        item = f"#{int(r['rank'])} {wrap_label(name, 44, 1)}"
        for k, c in enumerate(comps):
            parts.append({"item": item, "rank": int(r["rank"]), "component_": w["components"].get(c, c), "k": k,
                          "points": round(100 * _num(weights.get(c), 1.0) * _num(r.get(c)) / total_w, 2),
                          "value": round(_num(r.get(c)), 2), "score": round(_num(r.get("score")), 1),
                          "full": name, "agency_": str(r.get("agency") or "")})
    df = pd.DataFrame(parts, columns=["item", "rank", "component_", "k", "points", "value", "score", "full", "agency_"])
    order = list(dict.fromkeys(df["item"]))
    comp_domain = [w["components"].get(c, c) for c in comps]
    colours = [_COMPONENT_COLOURS.get(c, "#999999") for c in comps]
    y = alt.Y("item:N", sort=order, title=None, axis=alt.Axis(labelLimit=340, labelFontSize=12.5, ticks=False,
                                                              domain=False))
    bars = alt.Chart(df).mark_bar(height=18).encode(
        x=alt.X("points:Q", stack="zero", title=w["contribution"], scale=alt.Scale(domain=[0, 100]),
                axis=alt.Axis(grid=True, gridColor="#EEEEEE", labelFontSize=11, titleFontSize=12)),
        y=y, order=alt.Order("k:Q"),
        color=alt.Color("component_:N", title=w["component"], scale=alt.Scale(domain=comp_domain, range=colours),
                        legend=alt.Legend(orient="bottom", direction="horizontal")),
        tooltip=[alt.Tooltip("full:N", title=w["step"]), alt.Tooltip("agency_:N", title=w["agency"]),
                 alt.Tooltip("component_:N", title=w["component"]), alt.Tooltip("value:Q", title="0–1"),
                 alt.Tooltip("points:Q", title=w["contribution"]), alt.Tooltip("score:Q", title=w["score"])])
    totals = df.drop_duplicates("item")
    text = alt.Chart(totals).mark_text(align="left", dx=5, fontSize=12, fontWeight="bold", color=_INK).encode(
        x=alt.X("score:Q"), y=y, text=alt.Text("score:Q", format=".0f"))
    left = alt.layer(bars, text).properties(width=520, height=max(24 * len(order), 60),
                                            title=_title(report, w, "priorities_title", w["priorities_note"]))
    eff = dict(effort or {})
    if not eff:
        eff = {r.get("id"): r.get("effort") for r in rows if r.get("effort") is not None}
    eff = {k: _num(v, float("nan")) for k, v in eff.items() if k is not None}
    pts = [{"x": eff[r["id"]], "score": round(_num(r.get("score")), 1), "label": f"#{int(r['rank'])}",
            "full": str(r.get("step") or r.get("step_id"))} for r in rows if r.get("id") in eff
           and not math.isnan(eff[r["id"]])]
    if not pts:
        return _base_config(left)
    pdf = pd.DataFrame(pts)
    lo, hi = float(pdf["x"].min()), float(pdf["x"].max())
    pad = (hi - lo) * 0.1 or 1.0
    xdom = [lo - pad, hi + pad]
    mid_x = (lo + hi) / 2 if hi > lo else lo
    xs = alt.Scale(domain=xdom, nice=False, zero=False)
    ysc = alt.Scale(domain=[0, 100])
    q = w["quadrants"]
    quad = pd.DataFrame([
        {"x": xdom[0], "score": 97, "text": q["quick"], "align": "left"},
        {"x": xdom[1], "score": 97, "text": q["major"], "align": "right"},
        {"x": xdom[0], "score": 3, "text": q["fill"], "align": "left"},
        {"x": xdom[1], "score": 3, "text": q["thankless"], "align": "right"},
    ])
    enc = {"x": alt.X("x:Q", scale=xs, title=w["effort"]), "y": alt.Y("score:Q", scale=ysc, title=w["impact"])}
    ql = [alt.Chart(quad[quad["align"] == a]).mark_text(align=a, fontStyle="italic", fontSize=12, color=_MUTED,
                                                        dx=6 if a == "left" else -6).encode(text="text:N", **enc)
          for a in ("left", "right")]
    rules = [alt.Chart(pd.DataFrame({"x": [mid_x]})).mark_rule(color=_RULE, strokeDash=[4, 3]).encode(
        x=alt.X("x:Q", scale=xs)),
        alt.Chart(pd.DataFrame({"score": [50]})).mark_rule(color=_RULE, strokeDash=[4, 3]).encode(
            y=alt.Y("score:Q", scale=ysc))]
    dots = alt.Chart(pdf).mark_circle(size=160, color=_TOP, opacity=0.9).encode(
        tooltip=[alt.Tooltip("full:N", title=w["step"]), alt.Tooltip("score:Q", title=w["score"]),
                 alt.Tooltip("x:Q", title=w["effort"])], **enc)
    # items at (nearly) the same place share one label, so labels never sit on each other
    merged = []
    for x, g in pdf.sort_values(["x", "score"]).groupby("x", sort=False):
        cluster = []
        for r in g.to_dict("records"):
            if cluster and r["score"] - cluster[-1]["score"] >= 3:
                merged.append({"x": x, "score": cluster[-1]["score"], "label": " · ".join(c["label"] for c in cluster)})
                cluster = []
            cluster.append(r)
        if cluster:
            merged.append({"x": x, "score": cluster[-1]["score"], "label": " · ".join(c["label"] for c in cluster)})
    labels_ = alt.Chart(pd.DataFrame(merged)).mark_text(dx=10, align="left", fontSize=12, fontWeight="bold",
                                                        color=_INK).encode(text="label:N", **enc)
    right = alt.layer(*rules, *ql, dots, labels_).properties(width=420, height=max(24 * len(order), 300),
                                                             title=alt.TitleParams(w["matrix_title"], anchor="start",
                                                                                   fontSize=16))
    return _base_config(alt.hconcat(left, right, spacing=40))


# ------------------------------------------------------------------------------------------ dispatch

def build_view(view: str, report: dict, *, lang: str = "en", pain_points=None, participants=None, channels=None,
               effort=None):
    """Build one of :data:`VIEWS` (``map``, ``blueprint``, ``graph``, ``priorities``) from a report.

    Raises
    ------
    InputError
        An unknown view.

    Examples
    --------
    >>> from journeys.analysis import journey_report
    >>> r = journey_report(pd.DataFrame({"step_id": ["S1", "S2"], "channel": ["web", "office"]}))
    >>> [type(build_view(v, r)).__name__ for v in VIEWS]
    ['LayerChart', 'LayerChart', 'LayerChart', 'LayerChart']
    """
    if view == "map":
        return journey_map(report, lang=lang, pain_points=pain_points, participants=participants, channels=channels)
    if view == "blueprint":
        return service_blueprint(report, lang=lang, pain_points=pain_points, participants=participants,
                                 channels=channels)
    if view == "graph":
        return service_graph(report, lang=lang, channels=channels)
    if view == "priorities":
        return priorities_chart(report, lang=lang, effort=effort)
    raise InputError(f"unknown view {view!r}", f"use one of {', '.join(VIEWS)}", file="diagram")

