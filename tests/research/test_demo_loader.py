"""The demo loader: all or nothing, once, with machine suggestions when the NLP is there."""

from __future__ import annotations

import json
import sys
import types

import pandas as pd
import pytest

from research import demo as demo_mod
from research.demo import ensure_demo, load_manifest
from research.errors import InputError
from research.repository import Repository
from tests.research.db_backends import BACKENDS, make_db_url


@pytest.fixture(params=BACKENDS)
def db_url(request, tmp_path) -> str:
    """An empty database per test, on SQLite and on PostgreSQL."""
    return make_db_url(request.param, tmp_path, request)


@pytest.fixture
def demo_dir(tmp_path):
    d = tmp_path / "demo"
    d.mkdir()
    (d / "P01.txt").write_text("Entrevistador: ¿Cómo fue el registro?\nLucía: La página se cayó dos veces 😩.\n"
                               "Entrevistador: ¿Y luego?\nLucía: Tuve que ir a la oficina en David.\n",
                               encoding="utf-8")
    (d / "log.csv").write_text("case_id,activity,timestamp\nA1,Registro,2024-01-01 10:00\n"
                               "A1,Pago,2024-01-02 10:00\nA2,Registro,2024-01-03 11:00\n", encoding="utf-8")
    manifest = {"project": "demo", "description": {"es": "Demostración", "en": "Demo"},
                "files": [{"path": "P01.txt", "kind": "transcripts", "lang": "es"},
                          {"path": "log.csv", "kind": "eventlog"}]}
    (d / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return d


def test_demo_loads_once_into_its_project(db_url, demo_dir, monkeypatch):
    monkeypatch.setitem(sys.modules, "nlp.extract", None)  # the NLP part is not there yet
    repo = Repository(db_url)
    out = ensure_demo(repo, demo_dir=demo_dir)
    assert out["created"] and out["project"] == "demo" and out["pain_points"] is None
    assert any("nlp.extract" in n for n in out["notes"])
    assert [f["status"] for f in out["files"]] == ["imported", "imported"]
    assert repo.list_projects()["name"].tolist() == ["demo"]  # no staging project left over
    assert repo.project("demo")["description"] == "Demostración"
    t = repo.tables("demo")
    assert len(t["utterances"]) == 4 and len(t["events"]) == 3
    assert set(t["utterances"]["project"]) == {"demo"}
    rev = repo.revision("demo")
    again = ensure_demo(repo, demo_dir=demo_dir)
    assert again["created"] is False and repo.revision("demo") == rev


def test_demo_failure_leaves_nothing_behind(db_url, demo_dir):
    (demo_dir / "broken.csv").write_text("", encoding="utf-8")
    manifest = json.loads((demo_dir / "manifest.json").read_text())
    manifest["files"].append({"path": "broken.csv", "kind": "eventlog"})
    (demo_dir / "manifest.json").write_text(json.dumps(manifest))
    repo = Repository(db_url)
    repo.create_project("otro")
    with pytest.raises(InputError, match="broken.csv"):
        ensure_demo(repo, demo_dir=demo_dir, suggestions=False)
    assert repo.list_projects()["name"].tolist() == ["otro"]


def test_demo_stores_suggestions_when_extraction_exists(db_url, demo_dir, monkeypatch):
    calls = []

    def fake_extract(utterances, steps=None, **kw):
        calls.append(len(utterances))
        assert repo.list_projects()["name"].tolist() == []  # the half-loaded demo is not listed
        assert len(repo.list_projects(include_staging=True)) == 1
        part = utterances[utterances["speaker_role"] == "participant"]
        return pd.DataFrame({"interview_id": part["interview_id"], "source_file": part["source_file"],
                             "source_row": part["source_row"], "sentence": part["text"], "start": 0,
                             "end": part["text"].str.len(), "category": "channel_failure", "severity": 0.7,
                             "lang": "es", "status": "suggested"})

    monkeypatch.setitem(sys.modules, "nlp.extract", types.SimpleNamespace(extract_pain_points=fake_extract))
    repo = Repository(db_url)
    out = ensure_demo(repo, project="taller", demo_dir=demo_dir)
    assert calls == [4] and out["pain_points"] == 2
    pp = repo.table("taller", "pain_points")
    assert pp["status"].tolist() == ["suggested", "suggested"]
    assert pp["sentence"].iloc[0] == "La página se cayó dos veces 😩."


def test_demo_manifest_errors_are_input_errors(tmp_path):
    with pytest.raises(InputError, match="manifest is missing"):
        load_manifest(tmp_path)
    (tmp_path / "manifest.json").write_text("{no es json")
    with pytest.raises(InputError, match="not valid JSON"):
        load_manifest(tmp_path)
    (tmp_path / "manifest.json").write_text(json.dumps({"files": [{"path": "falta.xlsx"}]}))
    with pytest.raises(InputError, match="falta.xlsx is missing"):
        load_manifest(tmp_path)


@pytest.mark.slow
def test_demo_real_demo_folder_loads(tmp_path, monkeypatch):
    assert (demo_mod.DEMO_DIR / "manifest.json").exists(), "data/demo/manifest.json is missing"
    monkeypatch.setitem(sys.modules, "nlp.extract", None)
    monkeypatch.setitem(sys.modules, "nlp.narrated", None)
    repo = Repository(f"sqlite:///{tmp_path / 'demo.db'}")
    out = ensure_demo(repo)
    manifest = load_manifest()
    assert out["created"] and len(out["files"]) == len(manifest["files"])
    t = repo.tables(out["project"])
    assert len(t["utterances"]) > 50 and len(t["steps"]) >= 5 and len(t["events"]) > 1000
    assert t["events"]["timestamp"].dt.tz is not None
    # every value every reader produced comes back from the repository, in order
    from research.readers import read_file

    offsets: dict[str, int] = {}
    for entry in manifest["files"]:
        result = read_file(demo_mod.DEMO_DIR / entry["path"], kind=entry.get("kind"))
        for name, df in result.tables.items():
            start = offsets.get(name, 0)
            offsets[name] = start + len(df)
            back = t[name].iloc[start:start + len(df)].reset_index(drop=True)
            for col in df.columns:
                if name == "utterances" and col == "project":
                    continue
                assert col in back.columns, (entry["path"], name, col)
                assert [_plain(v) for v in df[col]] == [_plain(v) for v in back[col]], (entry["path"], name, col)
    assert offsets == {name: len(t[name]) for name in offsets}


def _plain(v):
    if isinstance(v, list | dict):
        return v
    if v is None or pd.isna(v):
        return None
    return v.isoformat() if hasattr(v, "isoformat") else v
