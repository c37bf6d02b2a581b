"""Alembic environment of the research repository.

``research.repository.Repository`` runs it programmatically (no ``alembic.ini``): the open
connection travels in ``config.attributes["connection"]``. The module does nothing when it is
imported outside Alembic (pytest's doctest collection imports every module of ``research/``).
"""

from __future__ import annotations

from alembic import context

__all__ = ["run_migrations"]

# An arbitrary constant: the PostgreSQL advisory lock that serialises concurrent upgrades.
PG_LOCK_KEY = 4_120_725


def run_migrations() -> None:
    """Run the pending migrations on the connection handed over by the caller."""
    connection = context.config.attributes.get("connection")
    if connection is None:  # pragma: no cover - we never run alembic from its own command line
        raise RuntimeError("research/migrations needs an open connection in config.attributes")
    context.configure(connection=connection, render_as_batch=connection.dialect.name == "sqlite",
                      transaction_per_migration=False,
                      # our SQLite connections issue a real BEGIN (see repository._make_engine), so
                      # a failed upgrade rolls back whole on SQLite too
                      transactional_ddl=True)
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({PG_LOCK_KEY})")
        context.run_migrations()


if getattr(context, "_proxy", None) is not None:  # only when Alembic runs this file
    run_migrations()
