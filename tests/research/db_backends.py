"""The database backends the storage tests run against: SQLite (a tmp_path file) and PostgreSQL.

PostgreSQL comes from env ``RECORRIDO_TEST_DATABASE_URL`` (``source .pytest_services.env``). When it
is missing its params are skipped, unless ``RECORRIDO_REQUIRE_PG=1`` (the CI), which fails them.
Each PostgreSQL test gets a fresh schema (``search_path``), dropped afterwards, so reruns and other
test suites using the same database never see each other's tables.
"""

from __future__ import annotations

import os
import uuid

import pytest
import sqlalchemy as sa

__all__ = ["BACKENDS", "make_db_url"]

BACKENDS = ("sqlite", "postgresql")


def _pg_base_url() -> str:
    url = os.environ.get("RECORRIDO_TEST_DATABASE_URL")
    if not url:
        if os.environ.get("RECORRIDO_REQUIRE_PG") == "1":
            pytest.fail("RECORRIDO_TEST_DATABASE_URL is not set but RECORRIDO_REQUIRE_PG=1 "
                        "(run `bash scripts/services.sh && source .pytest_services.env`)")
        pytest.skip("PostgreSQL not configured (set RECORRIDO_TEST_DATABASE_URL)")
    if url.startswith(("postgres://", "postgresql://")):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def make_db_url(backend: str, tmp_path, request) -> str:
    """A URL of an empty database for one test; cleaned up when the test ends."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'recorrido-test.db'}"
    base = _pg_base_url()
    schema = f"t_{uuid.uuid4().hex[:16]}"
    admin = sa.create_engine(base, poolclass=sa.pool.NullPool)
    try:
        with admin.begin() as conn:
            conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    except sa.exc.OperationalError as exc:
        if os.environ.get("RECORRIDO_REQUIRE_PG") == "1":
            pytest.fail(f"PostgreSQL is not reachable: {exc.orig}")
        pytest.skip(f"PostgreSQL is not reachable: {exc.orig}")

    def _drop() -> None:
        with admin.begin() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        admin.dispose()

    request.addfinalizer(_drop)
    url = sa.make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False)

