"""Schema versioning: a database made by an earlier version is upgraded in place, never lost."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from research import repository as repo_mod
from research.repository import Repository, current_revision, head_revision, upgrade
from tests.research.db_backends import BACKENDS, make_db_url


@pytest.fixture(params=BACKENDS)
def db_url(request, tmp_path) -> str:
    """An empty database per test, on SQLite and on PostgreSQL."""
    return make_db_url(request.param, tmp_path, request)


def _engine(url: str) -> sa.Engine:
    return sa.create_engine(url, poolclass=sa.pool.NullPool)


def test_migrations_there_are_at_least_two_revisions():
    assert head_revision() == "0004"


def test_migrations_upgrade_from_first_revision_keeps_data(db_url):
    eng = _engine(db_url)
    upgrade(eng, "0001")
    assert current_revision(eng) == "0001"
    with eng.connect() as conn:
        assert not sa.inspect(conn).has_table("decisions")
    now = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    old = sa.MetaData()
    projects = sa.Table("projects", old, autoload_with=eng)
    imports = sa.Table("imports", old, autoload_with=eng)
    utterances = sa.Table("utterances", old, autoload_with=eng)
    events = sa.Table("events", old, autoload_with=eng)
    pains = sa.Table("pain_points", old, autoload_with=eng)
    with eng.begin() as conn:  # what an earlier Recorrido wrote
        pid = conn.execute(projects.insert().values(name="Antiguo", description="v0.1", created_at=now,
                                                    updated_at=now, revision=3)).inserted_primary_key[0]
        iid = conn.execute(imports.insert().values(project_id=pid, file="e.xlsx", kind="transcripts",
                                                   layout="rows", content_sha256="abc", summary={"utterances": 1},
                                                   imported_at=now)).inserted_primary_key[0]
        conn.execute(utterances.insert().values(project_id=pid, import_id=iid, interview_id="E1", seq=1,
                                                speaker="Niña Ñusta", speaker_role="participant",
                                                text="La fila fue eterna 😤", lang="es", source_file="e.xlsx",
                                                source_row=2))
        conn.execute(events.insert().values(project_id=pid, case_id="c1", activity="Pago",
                                            timestamp=datetime(2024, 1, 1, 12, tzinfo=UTC)))
        conn.execute(pains.insert().values(project_id=pid, sentence="La fila fue eterna", category="waiting",
                                           status="accepted", version=4, updated_by="ana"))
    eng.dispose()

    repo = Repository(db_url)  # opening upgrades to head
    assert current_revision(repo.engine) == head_revision()
    assert repo.revision("Antiguo") == 3 and repo.project("Antiguo")["description"] == "v0.1"
    t = repo.tables("Antiguo")
    assert t["utterances"][["speaker", "text", "seq"]].values.tolist() == [["Niña Ñusta", "La fila fue eterna 😤", 1]]
    assert t["events"]["timestamp"].tolist() == [pd.Timestamp("2024-01-01 12:00", tz="UTC")]
    assert t["pain_points"][["status", "version", "updated_by"]].values.tolist() == [["accepted", 4, "ana"]]
    assert repo.imports("Antiguo")["content_sha256"].tolist() == ["abc"]
    # the new revision's table works on the upgraded database
    repo.set_decision("Antiguo", "S1", True, "Ana", "", user="ana")
    assert repo.decisions("Antiguo")["key"].tolist() == ["S1"]
    assert repo.revision("Antiguo") == 4


def test_migrations_head_matches_the_repository_tables(db_url):
    Repository(db_url)
    eng = _engine(db_url)
    with eng.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), repo_mod.metadata)
    eng.dispose()
    assert diff == []


def test_migrations_reopening_is_a_no_op(db_url):
    a = Repository(db_url)
    a.create_project("p")
    b = Repository(db_url)  # second open: already at head, nothing recreated
    assert b.list_projects()["name"].tolist() == ["p"]
    assert current_revision(b.engine) == head_revision()


def test_migrations_three_threads_opening_a_new_database_at_once(db_url):
    import threading

    opened, errors = [], []
    barrier = threading.Barrier(3)

    def open_repo():
        barrier.wait()
        try:
            opened.append(Repository(db_url))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=open_repo) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == [] and len(opened) == 3
    assert current_revision(opened[0].engine) == head_revision()
