"""The research repository against SQLite and PostgreSQL (tests/research/db_backends.py)."""

from __future__ import annotations

import pandas as pd
import pytest
import sqlalchemy as sa

from research import repository as repo_mod
from research.errors import ConflictError, InputError
from research.repository import Repository, content_hash, resolve_url
from research.result import ImportResult
from tests.research.db_backends import BACKENDS, make_db_url


@pytest.fixture(params=BACKENDS)
def db_url(request, tmp_path) -> str:
    """An empty database per test, on SQLite and on PostgreSQL."""
    return make_db_url(request.param, tmp_path, request)


def _utterances() -> pd.DataFrame:
    return pd.DataFrame({
        "project": ["ignored"] * 4,
        "interview_id": ["E01", "E01", "E01", "E02"],
        "participant_id": ["P1", "P1", "P1", None],
        "speaker": ["Entrevistadora", "María José Núñez", "María José Núñez", "Ana"],
        "speaker_role": ["interviewer", "participant", "participant", "participant"],
        "seq": [1, 2, 3, 1],
        "text": ["¿Cómo le fue en la oficina?", "Esperé cuatro horas, ¡qué desastre! 😡",
                 "Me pidieron la cédula otra vez… 🙄", "The website kept timing out"],
        "timestamp": [0.0, 12.5, None, 3.0],
        "lang": ["es", "es", "es", "en"],
        "source_file": ["entrevista_01.xlsx"] * 3 + ["e2.vtt"],
        "source_sheet": ["Hoja 1", "Hoja 1", "Hoja 1", None],
        "source_row": [2, 3, 4, 1],
        "source_column": [None, None, "¿Qué pasó?", None],
    })


def _participants() -> pd.DataFrame:
    return pd.DataFrame({"participant_id": ["P1", "P2"], "segment": ["citizen", "business"],
                         "region": ["Chiriquí", "Colón"], "age_band": ["35-44", None],
                         "access_needs": [None, "silla de ruedas"]})


def _steps() -> pd.DataFrame:
    return pd.DataFrame({
        "journey": ["Abrir negocio"] * 3, "step_id": ["S1", "S2", "S3"],
        "stage": ["Registro", "Registro", "Permisos"], "step": ["Aviso de operación", "RUC", "Permiso municipal"],
        "channel": ["web", "office", "office"], "lane": ["customer", "frontstage", "backstage"],
        "agency": ["MICI", "DGI", "Municipio"], "order": [1, 2, 3],
        "next_steps": [["S2"], ["S3", "S1"], []], "median_wait_days": [0.5, 3.0, None],
        "volume_per_month": [1200.0, None, 300.0], "documents_required": [["cédula"], ["cédula", "aviso"], None],
        "synonyms": [None, ["registro único"], None],
    })


def _events(n: int = 5) -> pd.DataFrame:
    ts = pd.to_datetime(["2024-03-01 08:00:00-05:00", "2024-03-01 09:30:00-05:00", "2024-03-02 10:00:00Z",
                         "2024-03-01 11:00:00+01:00", "2024-03-05 12:00:00.123456Z"], utc=True,
                        format="ISO8601")
    return pd.DataFrame({"case_id": ["c1", "c1", "c1", "c2", "c2"][:n],
                         "activity": ["Solicitud en línea", "Pago", "Inspección", "Solicitud en línea", "Pago"][:n],
                         "timestamp": ts[:n], "channel": ["web", "web", "office", None, "web"][:n],
                         "resource": ["sistema", None, "inspector 3", "sistema", "cajero"][:n],
                         "agency": ["MICI"] * n, "lifecycle": ["complete"] * n,
                         "source_row": list(range(2, 2 + n))})


def _result(kind: str = "transcripts", name: str = "entrevista_01.xlsx") -> ImportResult:
    tables = {"transcripts": {"utterances": _utterances(), "participants": _participants()},
              "steps": {"steps": _steps()}, "eventlog": {"events": _events()}}[kind]
    return ImportResult(name, kind, "rows", tables, mapping={"Texto": "text"},
                        skipped=[{"sheet": "Índice", "row": None, "reason": "no utterances"}])


def _counts(url: str) -> dict:
    eng = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with eng.connect() as conn:
        out = {t: conn.exec_driver_sql(f'SELECT count(*) FROM "{t}"').scalar()
               for t in ("projects", "imports", "utterances", "participants", "steps", "events",
                         "pain_points", "narrated", "decisions")}
    eng.dispose()
    return out


def test_repository_url_resolution(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("RECORRIDO_DB", raising=False)
    assert resolve_url() == "sqlite:///recorrido.db"
    monkeypatch.setenv("RECORRIDO_DB", str(tmp_path / "x.db"))
    assert resolve_url() == f"sqlite:///{tmp_path / 'x.db'}"
    monkeypatch.setenv("DATABASE_URL", "postgresql://u:p@h/db")
    assert resolve_url() == "postgresql+psycopg://u:p@h/db"
    assert resolve_url("postgres://a@b/c") == "postgresql+psycopg://a@b/c"
    assert resolve_url("sqlite:///given.db") == "sqlite:///given.db"
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DATABASE_URL")
    monkeypatch.delenv("RECORRIDO_DB")
    Repository().create_project("en el directorio")
    assert (tmp_path / "recorrido.db").exists()


def test_repository_bad_url_is_input_error():
    with pytest.raises(InputError, match="database"):
        Repository("nosuchdb://x/y")


def test_repository_projects_crud(db_url):
    repo = Repository(db_url)
    repo.create_project("Registro de empresa", "Panamá Emprende")
    repo.create_project("  Aduanas  ")
    assert repo.list_projects()["name"].tolist() == ["Aduanas", "Registro de empresa"]
    assert repo.project_exists("Aduanas") and not repo.project_exists("nada")
    with pytest.raises(InputError, match="already exists"):
        repo.create_project("Aduanas")
    with pytest.raises(InputError, match="already exists"):
        repo.rename_project("Aduanas", "Registro de empresa")
    with pytest.raises(InputError, match="no such project"):
        repo.rename_project("nada", "algo")
    with pytest.raises(InputError, match="name"):
        repo.create_project("   ")
    renamed = repo.rename_project("Aduanas", "Aduanas 2026")
    assert renamed["name"] == "Aduanas 2026" and renamed["revision"] == 1
    repo.delete_project("Aduanas 2026")
    assert repo.list_projects()["name"].tolist() == ["Registro de empresa"]
    with pytest.raises(InputError, match="no such project"):
        repo.delete_project("Aduanas 2026")


def test_repository_rename_and_delete_cascade(db_url):
    repo = Repository(db_url)
    repo.import_result("uno", _result(), "h-t")
    repo.import_result("uno", _result("eventlog", "log.csv"), "h-e")
    repo.import_result("uno", _result("steps", "pasos.xlsx"), "h-s")
    repo.save_suggestions("uno", pd.DataFrame({"sentence": ["Esperé"], "category": ["waiting"]}))
    repo.set_decision("uno", "S1", True, "Ana", "ok", user="ana")
    repo.save_narrated("uno", pd.DataFrame({"interview_id": ["E01"], "position": [1], "step_id": ["S1"]}))
    repo.import_result("otro", _result(), "h-t")  # same file in another project: stored there too
    repo.rename_project("uno", "uno renombrado")
    tables = repo.tables("uno renombrado")
    assert {k: len(v) for k, v in tables.items()} == {
        "utterances": 4, "participants": 2, "steps": 3, "events": 5, "pain_points": 1, "narrated": 1}
    assert set(tables["utterances"]["project"]) == {"uno renombrado"}
    before = _counts(db_url)
    repo.delete_project("uno renombrado")
    after = _counts(db_url)
    assert after == {"projects": 1, "imports": 1, "utterances": 4, "participants": 2, "steps": 0,
                     "events": 0, "pain_points": 0, "narrated": 0, "decisions": 0}
    assert before["events"] == 5 and before["decisions"] == 1
    assert len(repo.table("otro", "utterances")) == 4


def test_repository_roundtrip_every_table_with_dtypes(db_url):
    repo = Repository(db_url)
    s1 = repo.import_result("Trámites", _result(), content_hash(b"transcripts"))
    repo.import_result("Trámites", _result("steps", "pasos.xlsx"), content_hash(b"steps"))
    repo.import_result("Trámites", _result("eventlog", "log.csv"), content_hash(b"log"))
    assert s1["status"] == "imported" and s1["project"] == "Trámites"
    assert s1["utterances"] == 4 and s1["participant_utterances"] == 3 and s1["interviews"] == 2
    t = repo.tables("Trámites")

    utt = t["utterances"]
    assert list(utt.columns) == list(repo_mod.UTTERANCE_COLUMNS)
    exp = _utterances()
    assert utt["text"].tolist() == exp["text"].tolist()  # accents and emoji intact
    assert utt["speaker"].tolist() == exp["speaker"].tolist()
    assert str(utt["seq"].dtype) == "Int64" and str(utt["source_row"].dtype) == "Int64"
    assert utt["source_row"].tolist() == [2, 3, 4, 1]
    assert utt["timestamp"].dtype == "float64" and pd.isna(utt["timestamp"].iloc[2])
    assert utt["timestamp"].iloc[1] == 12.5
    assert pd.isna(utt["participant_id"].iloc[3]) and pd.isna(utt["source_sheet"].iloc[3])
    assert utt["source_column"].iloc[2] == "¿Qué pasó?"

    par = t["participants"]
    assert par["participant_id"].tolist() == ["P1", "P2"]
    assert par["region"].tolist() == ["Chiriquí", "Colón"]
    assert par["age_band"].iloc[0] == "35-44" and pd.isna(par["age_band"].iloc[1])
    assert par["access_needs"].iloc[1] == "silla de ruedas"

    st = t["steps"]
    assert list(st.columns) == [*repo_mod.STEP_COLUMNS, "source_file", "source_sheet", "source_row"]
    assert st["next_steps"].tolist() == [["S2"], ["S3", "S1"], []]
    assert st["documents_required"].iloc[1] == ["cédula", "aviso"] and st["documents_required"].iloc[2] is None
    assert str(st["order"].dtype) == "Int64" and st["order"].tolist() == [1, 2, 3]
    assert pd.isna(st["median_wait_days"].iloc[2]) and st["volume_per_month"].iloc[0] == 1200.0

    ev = t["events"]
    assert list(ev.columns) == [*repo_mod.EVENT_COLUMNS, "source_row", "step_id"]
    assert str(ev["timestamp"].dt.tz) == "UTC"
    pd.testing.assert_series_equal(ev["timestamp"].dt.as_unit("us"), _events()["timestamp"].dt.as_unit("us"),
                                   check_names=False)
    assert ev["activity"].tolist() == _events()["activity"].tolist()  # original row order
    assert pd.isna(ev["channel"].iloc[3]) and pd.isna(ev["resource"].iloc[1])

    imp = repo.imports("Trámites")
    assert imp["kind"].tolist() == ["transcripts", "steps", "eventlog"]
    assert imp["summary"].iloc[0]["skipped"][0]["sheet"] == "Índice"
    assert str(imp["imported_at"].dt.tz) == "UTC"


def test_repository_reimport_same_content_is_not_duplicated(db_url):
    repo = Repository(db_url)
    first = repo.import_result("p", _result(), "same-hash")
    rev = repo.revision("p")
    again = repo.import_result("p", _result(name="copia con otro nombre.xlsx"), "same-hash")
    assert again["status"] == "already imported" and again["import_id"] == first["import_id"]
    assert again["first_imported_as"] == "entrevista_01.xlsx" and again["utterances"] == 4
    assert len(repo.table("p", "utterances")) == 4 and len(repo.imports("p")) == 1
    assert repo.revision("p") == rev  # nothing was written
    repo.save_suggestions("p", pd.DataFrame({"source_file": ["entrevista_01.xlsx"] * 2, "source_row": [3, 4],
                                             "sentence": ["Esperé", "cédula"], "category": ["waiting", "documents"]}))
    kept = int(repo.table("p", "pain_points")["id"].iloc[1])
    repo.update_pain_point("p", kept, {"status": "accepted"}, 1, "ana")
    removed = repo.delete_import("p", first["import_id"])
    assert removed["utterances"] == 4 and removed["participants"] == 2 and removed["pain_points"] == 1
    assert len(repo.table("p", "utterances")) == 0 and len(repo.table("p", "participants")) == 0
    assert repo.table("p", "pain_points")["id"].tolist() == [kept]  # the human decision stays
    assert repo.import_result("p", _result(), "same-hash")["status"] == "imported"
    with pytest.raises(InputError, match="no import"):
        repo.delete_import("p", 99999)


@pytest.mark.parametrize("existing", [False, True])
def test_repository_failed_import_changes_nothing(db_url, monkeypatch, existing):
    repo = Repository(db_url)
    if existing:
        repo.import_result("p", _result("steps", "pasos.xlsx"), "h-steps")
    before_counts = _counts(db_url)
    before_rev = repo.revision("p") if existing else None
    original = Repository._bulk_insert
    calls = []

    def failing(self, conn, tname, df, pid, **kw):
        calls.append(tname)
        n = original(self, conn, tname, df, pid, **kw)  # the rows are written ...
        if tname == "participants":
            raise RuntimeError("disk full")  # ... then the import dies half-way
        return n

    monkeypatch.setattr(Repository, "_bulk_insert", failing)
    with pytest.raises(RuntimeError, match="disk full"):
        repo.import_result("p", _result(), "h-transcripts")
    assert calls == ["utterances", "participants"]
    assert _counts(db_url) == before_counts
    assert repo.project_exists("p") is existing
    if existing:
        assert repo.revision("p") == before_rev
    monkeypatch.setattr(Repository, "_bulk_insert", original)
    assert repo.import_result("p", _result(), "h-transcripts")["status"] == "imported"


def test_repository_bad_values_raise_input_error_and_roll_back(db_url):
    repo = Repository(db_url)
    ev = _events()
    ev["timestamp"] = ev["timestamp"].astype(str)
    ev.loc[3, "timestamp"] = "ayer por la tarde"
    bad = ImportResult("log.csv", "eventlog", "csv", {"events": ev})
    with pytest.raises(InputError, match="timestamp") as err:
        repo.import_result("p", bad, "h")
    assert err.value.file == "log.csv" and err.value.row == 5 and "ayer por la tarde" in str(err.value)
    assert not repo.project_exists("p")
    steps = _steps()
    steps["order"] = [1, 2.5, 3]
    with pytest.raises(InputError, match="order holds '2.5', which is not a whole number"):
        repo.import_result("p", ImportResult("pasos.csv", "steps", "csv", {"steps": steps}), "h2")
    assert not repo.project_exists("p")


def test_repository_pain_point_edit_conflict_between_two_users(db_url):
    ana, luis = Repository(db_url), Repository(db_url)
    ana.create_project("p")
    ana.save_suggestions("p", pd.DataFrame({
        "id": ["s1", "s2"], "interview_id": ["E01", "E01"], "source_file": ["e.xlsx"] * 2,
        "source_row": [3, 4], "sentence": ["Esperé cuatro horas", "La página no carga"],
        "start": [0, 0], "end": [19, 18], "category": ["waiting", "channel_failure"],
        "severity": [0.8, 0.6], "cues": [["esperé", "horas"], ["no carga"]], "lang": ["es", "es"]}))
    pp = luis.table("p", "pain_points")
    assert pp["status"].tolist() == ["suggested", "suggested"] and pp["version"].tolist() == [1, 1]
    assert pp["cues"].iloc[0] == ["esperé", "horas"]
    pid = int(pp["id"].iloc[0])
    # both read version 1; Ana saves first
    done = ana.update_pain_point("p", pid, {"category": "staff", "severity": 0.9}, 1, "ana")
    assert done["version"] == 2 and done["status"] == "edited" and done["updated_by"] == "ana"
    with pytest.raises(ConflictError, match="ana") as err:
        luis.update_pain_point("p", pid, {"status": "rejected"}, 1, "luis")
    assert err.value.actual_version == 2 and err.value.expected_version == 1
    now = luis.table("p", "pain_points").set_index("id").loc[pid]
    assert now["category"] == "staff" and now["status"] == "edited" and now["version"] == 2
    # after re-reading, Luis's change goes through
    assert luis.update_pain_point("p", pid, {"status": "accepted"}, 2, "luis")["version"] == 3
    with pytest.raises(InputError, match="category"):
        ana.update_pain_point("p", pid, {"category": "bogus"}, 3, "ana")
    with pytest.raises(InputError, match="cannot change"):
        ana.update_pain_point("p", pid, {"project_id": 7}, 3, "ana")
    with pytest.raises(ConflictError, match="no longer exists"):
        ana.update_pain_point("p", 10**9, {"status": "accepted"}, 1, "ana")


def test_repository_save_suggestions_keeps_human_decisions(db_url):
    repo = Repository(db_url)
    repo.create_project("p")
    sugg = pd.DataFrame({"source_file": ["a.txt"] * 3, "source_row": [1, 2, 3], "start": [0, 0, 5],
                         "end": [9, 9, 20], "sentence": ["uno", "dos", "tres"],
                         "category": ["waiting", "cost", "access"], "severity": [0.5, 0.6, 0.7]})
    assert repo.save_suggestions("p", sugg) == {"removed": 0, "added": 3, "kept": 0}
    ids = repo.table("p", "pain_points")["id"].tolist()
    repo.update_pain_point("p", ids[0], {"status": "rejected"}, 1, "ana")
    repo.update_pain_point("p", ids[1], {"status": "accepted"}, 1, "ana")
    manual = repo.add_pain_point("p", {"sentence": "Me cobraron dos veces", "category": "cost",
                                       "source_file": "a.txt", "source_row": 9}, "luis")
    assert manual["status"] == "manual"
    # re-extraction: the same three plus a new one
    more = pd.concat([sugg, pd.DataFrame({"source_file": ["a.txt"], "source_row": [4], "start": [0], "end": [3],
                                          "sentence": ["cuatro"], "category": ["other"], "severity": [0.2]})])
    assert repo.save_suggestions("p", more) == {"removed": 1, "added": 2, "kept": 3}
    pp = repo.table("p", "pain_points")
    assert sorted(pp["sentence"]) == sorted(["uno", "dos", "tres", "cuatro", "Me cobraron dos veces"])
    assert dict(zip(pp["sentence"], pp["status"], strict=False)) == {
        "uno": "rejected", "dos": "accepted", "tres": "suggested", "cuatro": "suggested",
        "Me cobraron dos veces": "manual"}
    with pytest.raises(InputError, match="sentence"):
        repo.add_pain_point("p", {"category": "cost"}, "luis")
    with pytest.raises(InputError, match="severity"):
        repo.add_pain_point("p", {"sentence": "x", "severity": 3}, "luis")


def test_repository_decisions_versioned_between_two_users(db_url):
    ana, luis = Repository(db_url), Repository(db_url)
    ana.create_project("p")
    assert len(ana.decisions("p")) == 0
    d = ana.set_decision("p", "S2|office", True, "Ana", "Citas por WhatsApp", expected_version=0, user="ana")
    assert d["version"] == 1 and bool(d["chosen"]) is True
    with pytest.raises(ConflictError):  # Luis also thought there was no decision yet
        luis.set_decision("p", "S2|office", False, "Luis", "", expected_version=None, user="luis")
    luis.set_decision("p", "S2|office", True, "Luis", "yo lo llevo", expected_version=1, user="luis")
    with pytest.raises(ConflictError, match="luis"):
        ana.set_decision("p", "S2|office", False, "Ana", "", expected_version=1, user="ana")
    dec = ana.decisions("p")
    assert list(dec.columns) == list(repo_mod.DECISION_COLUMNS)
    assert dec[["key", "owner", "note", "version"]].values.tolist() == [["S2|office", "Luis", "yo lo llevo", 2]]
    assert str(dec["chosen"].dtype) == "boolean" and str(dec["updated_at"].dt.tz) == "UTC"


def test_repository_revision_increases_on_every_write(db_url):
    a, b = Repository(db_url), Repository(db_url)
    a.create_project("p")
    seen = [b.revision("p")]

    def step(fn):
        fn()
        seen.append(b.revision("p"))

    step(lambda: a.import_result("p", _result(), "h1"))
    step(lambda: a.save_suggestions("p", pd.DataFrame({"sentence": ["x"], "category": ["other"]})))
    step(lambda: a.add_pain_point("p", {"sentence": "y"}, "ana"))
    step(lambda: a.set_decision("p", "k", True, user="ana"))
    step(lambda: a.save_narrated("p", pd.DataFrame({"interview_id": ["E01"], "position": [1]})))
    step(lambda: a.rename_project("p", "q") and a.rename_project("q", "p"))
    assert seen == sorted(set(seen)) and len(seen) == 7
    with pytest.raises(InputError):
        b.revision("nada")


def test_repository_bulk_events_keep_order_and_values(db_url):
    n = 20_000
    ts = pd.Timestamp("2024-01-01", tz="UTC") + pd.to_timedelta(range(n), unit="s")
    ev = pd.DataFrame({"case_id": [f"c{i // 7}" for i in range(n)], "activity": [f"a{i % 5}" for i in range(n)],
                       "timestamp": ts[::-1], "channel": ["web", None] * (n // 2), "source_row": range(2, n + 2)})
    repo = Repository(db_url)
    s = repo.import_result("big", ImportResult("big.csv", "eventlog", "csv", {"events": ev}), "hb")
    assert s["events"] == n and s["cases"] == ev["case_id"].nunique()
    back = repo.table("big", "events")
    assert back["case_id"].tolist() == ev["case_id"].tolist()
    assert back["timestamp"].tolist() == ev["timestamp"].tolist()
    assert back["source_row"].iloc[-1] == n + 1 and back["channel"].isna().sum() == n // 2


def test_repository_unknown_table_and_missing_project(db_url):
    repo = Repository(db_url)
    repo.create_project("p")
    with pytest.raises(InputError, match="no table"):
        repo.table("p", "secrets")
    with pytest.raises(InputError, match="no such project"):
        repo.tables("nada")
    with pytest.raises(InputError, match="no such project"):
        repo.import_result("nada", _result(), "h", create=False)


def test_repository_concurrent_writers_queue_and_conflicts_are_detected(db_url):
    """Streamlit serves browsers from threads of one process sharing one Repository."""
    import threading

    shared = Repository(db_url)
    shared.create_project("p")
    other = Repository(db_url)
    errors: list[BaseException] = []

    def add_many(repo, who):
        try:
            for i in range(8):
                repo.add_pain_point("p", {"sentence": f"{who} {i}", "category": "waiting"}, who)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=add_many, args=(r, w))
               for r, w in ((shared, "ana"), (shared, "luis"), (other, "marta"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert len(shared.table("p", "pain_points")) == 24 and shared.revision("p") == 24

    target = int(shared.table("p", "pain_points")["id"].iloc[0])
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def edit(repo, who):
        barrier.wait()
        try:
            repo.update_pain_point("p", target, {"status": "accepted" if who == "ana" else "rejected"}, 1, who)
            outcomes.append("saved")
        except ConflictError:
            outcomes.append("conflict")

    threads = [threading.Thread(target=edit, args=(r, w)) for r, w in ((shared, "ana"), (other, "luis"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(outcomes) == ["conflict", "saved"]
    assert shared.table("p", "pain_points").set_index("id").loc[target, "version"] == 2


def test_repository_busy_sqlite_is_a_storage_error_and_changes_nothing(tmp_path):
    import sqlite3

    from research.repository import StorageError

    url = f"sqlite:///{tmp_path / 'busy.db'}"
    repo = Repository(url, timeout=0.2)
    repo.create_project("p")
    blocker = sqlite3.connect(tmp_path / "busy.db", isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")  # someone else is writing and does not let go
    try:
        with pytest.raises(StorageError, match="unavailable or busy") as err:
            repo.add_pain_point("p", {"sentence": "Esperé"}, "ana")
        assert "\n" not in str(err.value)
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert len(repo.table("p", "pain_points")) == 0
    assert repo.add_pain_point("p", {"sentence": "Esperé"}, "ana")["version"] == 1


def test_repository_same_file_imported_twice_at_once(db_url):
    import threading

    a, b = Repository(db_url), Repository(db_url)
    outcomes, errors = [], []
    barrier = threading.Barrier(2)

    def run(repo):
        barrier.wait()
        try:
            outcomes.append(repo.import_result("nuevo", _result(), "same")["status"])
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(r,)) for r in (a, b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert sorted(outcomes) == ["already imported", "imported"]
    assert len(a.table("nuevo", "utterances")) == 4


def test_repository_keeps_columns_beyond_the_canonical_ones(db_url):
    repo = Repository(db_url)
    utt = _utterances().assign(emoción=["neutral", "enojo 😡", None, "frustration"])
    ev = _events().assign(step_id=["S1", "S2", None, "S1", "S2"], sucursal=["David", None, "Colón", "David", None])
    st = _steps().assign(source_file="pasos.xlsx", source_sheet="Abrir negocio", source_row=[2, 3, 4])
    repo.import_result("p", ImportResult("u.xlsx", "transcripts", "rows", {"utterances": utt}), "hu")
    repo.import_result("p", ImportResult("e.csv", "eventlog", "csv", {"events": ev}), "he")
    repo.import_result("p", ImportResult("pasos.xlsx", "steps", "steps", {"steps": st}), "hs")
    repo.save_suggestions("p", pd.DataFrame({"sentence": ["Esperé"], "category": ["waiting"], "modelo": ["v1"]}))
    t = repo.tables("p")
    assert t["utterances"]["emoción"].tolist()[:2] == ["neutral", "enojo 😡"] and pd.isna(t["utterances"]["emoción"].iloc[2])
    assert list(t["events"].columns) == [*repo_mod.EVENT_COLUMNS, "source_row", "step_id", "sucursal"]
    assert t["events"]["step_id"].tolist()[:2] == ["S1", "S2"] and pd.isna(t["events"]["step_id"].iloc[2])
    assert t["events"]["sucursal"].iloc[2] == "Colón"
    assert t["steps"][["source_file", "source_sheet"]].iloc[0].tolist() == ["pasos.xlsx", "Abrir negocio"]
    assert t["steps"]["source_row"].tolist() == [2, 3, 4]
    assert t["pain_points"]["modelo"].tolist() == ["v1"]


def test_repository_text_the_database_cannot_hold_is_an_input_error(db_url):
    repo = Repository(db_url)
    utt = _utterances()
    utt.loc[1, "text"] = "texto con un NUL\x00 escondido"
    result = ImportResult("raro.csv", "transcripts", "csv", {"utterances": utt})
    if repo.dialect == "sqlite":  # SQLite keeps it as it is
        repo.import_result("p", result, "h")
        assert repo.table("p", "utterances")["text"].iloc[1] == "texto con un NUL\x00 escondido"
    else:
        with pytest.raises(InputError, match="raro.csv: the utterances hold a value"):
            repo.import_result("p", result, "h")
        assert not repo.project_exists("p")


def test_repository_file_that_is_not_a_database_is_a_storage_error(tmp_path):
    from research.repository import StorageError

    path = tmp_path / "notes.db"
    path.write_bytes(b"these are notes, not SQLite\n" * 200)
    with pytest.raises(StorageError, match=r"notes\.db: not a Recorrido database \(or damaged\) — choose another"):
        Repository(f"sqlite:///{path}")
    assert path.read_bytes().startswith(b"these are notes")  # left untouched
