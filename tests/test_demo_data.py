"""The embedded demo project (data/demo): regenerated deterministically, complete and consistent."""

from __future__ import annotations

import csv
import hashlib
import importlib.util
import json
import re
import tempfile
from pathlib import Path

import pytest

from journeys.steps import read_steps, split_list
from research.schema import CATEGORIES

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "data" / "demo"
TEMPLATES = ROOT / "data" / "templates"
TEXT_SUFFIXES = {".csv", ".txt", ".vtt", ".srt", ".jsonl", ".json"}


def _load_generator():
    spec = importlib.util.spec_from_file_location("demo_generate", DEMO / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _xlsx_cells(path: Path) -> dict:
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(str(path))
    return {s: wb.get_sheet_by_name(s).to_python(skip_empty_area=False) for s in wb.sheet_names}


def _docx_paragraphs(path: Path) -> list[str]:
    import docx

    return [p.text for p in docx.Document(str(path)).paragraphs]


def _content(path: Path):
    if path.suffix in TEXT_SUFFIXES:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    if path.suffix == ".xlsx":
        return _xlsx_cells(path)
    if path.suffix == ".docx":
        return _docx_paragraphs(path)
    raise AssertionError(f"unexpected demo file {path.name}")


@pytest.fixture(scope="module")
def regenerated():
    # A private temporary folder rather than tmp_path: pytest's shared --basetemp is wiped by any
    # other pytest session started meanwhile in the same working tree.
    with tempfile.TemporaryDirectory(prefix="recorrido-demo-") as tmp:
        out, templates = Path(tmp) / "demo", Path(tmp) / "templates"
        manifest = _load_generator().generate(out, templates)
        yield out, templates, manifest


@pytest.fixture(scope="module")
def manifest():
    return json.loads((DEMO / "manifest.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def gold():
    return [json.loads(line) for line in (DEMO / "annotations.jsonl").read_text(encoding="utf-8").splitlines()]


def test_demo_generator_is_deterministic(regenerated):
    out, templates, _ = regenerated
    generated = sorted(p.name for p in out.iterdir())
    committed = sorted(p.name for p in DEMO.iterdir()
                       if p.is_file() and p.name != "generate.py" and not p.name.startswith("."))
    assert generated == committed
    for name in generated:
        assert _content(out / name) == _content(DEMO / name), f"{name} differs from the committed file"
    assert sorted(p.name for p in templates.iterdir()) == sorted(p.name for p in TEMPLATES.iterdir())
    for p in templates.iterdir():
        assert _content(p) == _content(TEMPLATES / p.name), f"template {p.name} differs"


def test_demo_manifest_lists_existing_files(manifest):
    assert manifest["project"] == "demo" and set(manifest["title"]) == {"es", "en"}
    kinds = {f["kind"] for f in manifest["files"]}
    assert kinds == {"steps", "transcripts", "participants", "eventlog"}
    for f in manifest["files"] + manifest.get("extras", []):
        assert (DEMO / f["path"]).is_file(), f["path"]
    transcripts = [f for f in manifest["files"] if f["kind"] == "transcripts"]
    assert len({Path(f["path"]).suffix for f in transcripts}) >= 6  # xlsx, csv, txt, docx, vtt, srt


def _source_text(file: str, sheet, row: int, column, cache: dict) -> str:
    """The utterance text at a source reference, read independently of the product readers."""
    path = DEMO / file
    if path.suffix == ".xlsx":
        sheets = cache.setdefault(file, _xlsx_cells(path))
        rows = sheets[sheet]
        header = next(r for r in rows if any(str(c).strip() for c in r) and len([c for c in r if c]) > 1)
        col = header.index(column) if column else max(i for i, h in enumerate(header) if h in ("Texto", "Text"))
        return str(rows[row - 1][col])
    if path.suffix == ".docx":
        text = cache.setdefault(file, _docx_paragraphs(path))[row - 1]
        return text.split(": ", 1)[1]
    if path.suffix == ".csv":
        rows = cache.setdefault(file, list(csv.reader(path.read_text(encoding="cp1252").splitlines(), delimiter=";")))
        return rows[row - 1][rows[0].index("Texto")]
    if path.suffix == ".txt":
        line = path.read_text(encoding="utf-8").splitlines()[row - 1]
        return re.sub(r"^\[\d\d:\d\d:\d\d\] [^:]+: ", "", line)
    if path.suffix in (".vtt", ".srt"):
        blocks = path.read_text(encoding="utf-8").strip().split("\n\n")
        cues = [b.splitlines() for b in blocks if "-->" in b]
        text = cues[row - 1][2]
        return re.sub(r"^<v [^>]+>", "", text) if path.suffix == ".vtt" else text.split(": ", 1)[1]
    raise AssertionError(file)


def test_demo_annotations_reference_existing_rows(gold, manifest):
    transcript_files = {f["path"] for f in manifest["files"] if f["kind"] == "transcripts"}
    assert {g["file"] for g in gold} == transcript_files
    cache: dict = {}
    for g in gold:
        text = _source_text(g["file"], g["sheet"], g["row"], g["column"], cache)
        assert text[g["start"]:g["end"]] == g["sentence"], g
        for span in g["pii"]:
            assert g["sentence"][span["start"]:span["end"]] == span["text"]


def test_demo_annotations_are_well_formed(gold):
    steps = set(read_steps(DEMO / "steps.xlsx").tables["steps"]["step_id"])
    assert len(gold) >= 100
    for g in gold:
        assert g["is_pain"] == (g["category"] is not None)
        assert g["category"] is None or g["category"] in CATEGORIES
        assert g["step_id"] is None or g["step_id"] in steps
        assert g["lang"] in ("es", "en")
    used = {g["category"] for g in gold if g["is_pain"]}
    assert used >= set(CATEGORIES) - {"other"}  # every category is exercised
    assert {g["lang"] for g in gold} == {"es", "en"}
    assert sum(not g["is_pain"] for g in gold) >= 30  # praise, negations, neutral facts
    assert {s["type"] for g in gold for s in g["pii"]} >= {"PERSON", "PHONE", "EMAIL", "NATIONAL_ID", "ADDRESS"}


def test_demo_event_log_columns_and_cases():
    with open(DEMO / "events.csv", encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        assert {"case_id", "activity", "timestamp", "channel", "resource", "agency", "lifecycle",
                "step_id"} <= set(reader.fieldnames)
        rows = list(reader)
    assert len({r["case_id"] for r in rows}) >= 2000
    assert all(r["timestamp"].endswith("-05:00") for r in rows[:500])
    steps = read_steps(DEMO / "steps.xlsx").tables["steps"]
    names = dict(zip(steps["step_id"], steps["step"], strict=True))
    assert all(names[r["step_id"]] == r["activity"] for r in rows)  # activity = the step's name
    by_case: dict[str, list[str]] = {}
    for r in rows:
        by_case.setdefault(r["case_id"], []).append(r["channel"])
    switched = sum(1 for chans in by_case.values() if chans[0] == "web" and "phone" in chans and "office" in chans)
    assert switched > 50  # failure demand: web -> phone -> office


def test_demo_steps_cover_channels_agencies_and_lanes():
    steps = read_steps(DEMO / "steps.xlsx").tables["steps"]
    channels = {c for cell in steps["channel"] for c in split_list(cell)}
    assert len(channels) >= 5 and {"web", "phone", "office", "whatsapp", "email"} <= channels
    assert steps["agency"].nunique() >= 2
    assert {"customer", "frontstage", "backstage", "support"} <= set(steps["lane"])
    docs = [d for cell in steps["documents_required"] for d in split_list(cell)]
    assert max(docs.count(d) for d in set(docs)) >= 3  # once-only violations on purpose
    en = read_steps(DEMO / "steps_en.csv").tables["steps"]
    assert en["step_id"].tolist() == steps["step_id"].tolist()
    assert en["channel"].tolist() == steps["channel"].tolist()


def test_demo_participants_cover_every_interview(gold):
    sheets = _xlsx_cells(DEMO / "participants.xlsx")
    rows = next(iter(sheets.values()))
    ids = {r[0] for r in rows[1:]}
    assert {g["interview_id"] for g in gold} <= ids
    segments = {r[1] for r in rows[1:]}
    assert {"citizen", "business", "visitor", "public_servant"} <= segments


@pytest.mark.parametrize("name", ["plantilla_pasos.xlsx", "template_steps.xlsx"])
def test_demo_steps_templates_are_valid_input(name):
    df = read_steps(TEMPLATES / name).tables["steps"]
    assert len(df) == 2 and df["step_id"].tolist() == ["S01", "S02"]


def test_demo_templates_have_header_and_two_examples():
    names = sorted(p.name for p in TEMPLATES.glob("*.xlsx"))
    assert len(names) == 10
    for name in names:
        rows = next(iter(_xlsx_cells(TEMPLATES / name).values()))
        assert len(rows) == 3 and all(str(c).strip() for c in rows[0]), name


def test_demo_gold_matches_the_transcript_readers(gold, manifest):
    """Every gold sentence sits, at its offsets, in the utterance the product reader returns there."""
    from research.readers import read_file

    utterances = {}
    for f in manifest["files"]:
        if f["kind"] != "transcripts":
            continue
        df = read_file(DEMO / f["path"], kind="transcripts").tables["utterances"]
        for u in df.to_dict("records"):
            sheet = u["source_sheet"] if isinstance(u["source_sheet"], str) else None
            column = u["source_column"] if isinstance(u["source_column"], str) else None
            utterances[(u["source_file"], sheet, int(u["source_row"]), column)] = u
    for g in gold:
        u = utterances[(g["file"], g["sheet"], g["row"], g["column"])]
        assert u["text"][g["start"]:g["end"]] == g["sentence"]
        assert u["speaker_role"] == "participant" and u["interview_id"] == g["interview_id"]
    gold_refs = {(g["file"], g["sheet"], g["row"], g["column"]) for g in gold}
    unlabelled = [k for k, u in utterances.items() if u["speaker_role"] == "participant" and k not in gold_refs]
    assert unlabelled == []


@pytest.mark.parametrize("name, kind", [
    ("plantilla_transcripciones.xlsx", "transcripts"), ("template_transcripts.xlsx", "transcripts"),
    ("plantilla_notas.xlsx", "transcripts"), ("template_notes.xlsx", "transcripts"),
    ("plantilla_participantes.xlsx", "participants"), ("template_participants.xlsx", "participants"),
    ("plantilla_pasos.xlsx", "steps"), ("template_steps.xlsx", "steps"),
    ("plantilla_eventos.xlsx", "eventlog"), ("template_eventlog.xlsx", "eventlog"),
])
def test_demo_templates_are_detected_and_read(name, kind):
    from research.readers import detect_kind, read_file

    assert detect_kind(TEMPLATES / name) == kind
    result = read_file(TEMPLATES / name)
    table = next(iter(result.tables.values()))
    assert len(table) >= 2
