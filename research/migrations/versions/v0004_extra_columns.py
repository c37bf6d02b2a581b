"""Keep what readers give beyond the canonical columns.

The event-log reader passes an events ``step_id`` (the journey graph prefers it to name matching),
the steps reader a source reference per step; any other column a reader or extractor adds is kept
in a JSON ``extra`` cell so that nothing read from a file is lost by storing it.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

__all__ = ["upgrade", "downgrade"]

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.add_column("events", sa.Column("step_id", sa.Text))
    op.add_column("steps", sa.Column("source_file", sa.Text))
    op.add_column("steps", sa.Column("source_sheet", sa.Text))
    op.add_column("steps", sa.Column("source_row", sa.BigInteger))
    for table in ("utterances", "steps", "events", "pain_points"):
        op.add_column(table, sa.Column("extra", _JSON))


def downgrade() -> None:
    for table in ("utterances", "steps", "events", "pain_points"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("extra")
    with op.batch_alter_table("steps") as batch:
        for col in ("source_row", "source_sheet", "source_file"):
            batch.drop_column(col)
    with op.batch_alter_table("events") as batch:
        batch.drop_column("step_id")
