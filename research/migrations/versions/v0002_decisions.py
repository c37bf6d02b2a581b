"""Priority decisions (rows chosen for redesign) and lookup indexes for large tables.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

__all__ = ["upgrade", "downgrade"]

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "decisions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("project_id", sa.Integer, sa.ForeignKey("projects.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("key", sa.Text, nullable=False),
        sa.Column("chosen", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("owner", sa.Text),
        sa.Column("note", sa.Text),
        sa.Column("version", sa.Integer, nullable=False, server_default="1"),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.Text),
        sa.UniqueConstraint("project_id", "key", name="uq_decisions_project_key"),
    )
    op.create_index("ix_events_project_case", "events", ["project_id", "case_id"])
    op.create_index("ix_events_import", "events", ["import_id"])
    op.create_index("ix_utterances_import", "utterances", ["import_id"])
    op.create_index("ix_pain_points_project_status", "pain_points", ["project_id", "status"])


def downgrade() -> None:
    op.drop_index("ix_pain_points_project_status", "pain_points")
    op.drop_index("ix_utterances_import", "utterances")
    op.drop_index("ix_events_import", "events")
    op.drop_index("ix_events_project_case", "events")
    op.drop_table("decisions")
