"""Initial schema: projects, imports and the canonical tables.

Revision ID: 0001
Revises:
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

__all__ = ["upgrade", "downgrade"]

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")  # SQLite autoincrements INTEGER only
_TS = sa.DateTime(timezone=True)


def _data_table(name: str, *columns: sa.Column, with_import: bool = True) -> None:
    cols = [
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("project_id", sa.Integer, sa.ForeignKey("projects.id", ondelete="CASCADE"),
                  nullable=False),
    ]
    if with_import:
        cols.append(sa.Column("import_id", sa.Integer, sa.ForeignKey("imports.id", ondelete="CASCADE"),
                              nullable=True))
    op.create_table(name, *cols, *columns)
    op.create_index(f"ix_{name}_project", name, ["project_id"])


def upgrade() -> None:
    op.create_table(
        "projects",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.Text, nullable=False, unique=True),
        sa.Column("description", sa.Text, nullable=False, server_default=""),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        sa.Column("revision", sa.Integer, nullable=False, server_default="0"),
    )
    op.create_table(
        "imports",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("project_id", sa.Integer, sa.ForeignKey("projects.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("file", sa.Text, nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("layout", sa.Text),
        sa.Column("content_sha256", sa.String(64), nullable=False),
        sa.Column("summary", _JSON),
        sa.Column("imported_at", _TS, nullable=False),
        sa.Column("imported_by", sa.Text),
        sa.UniqueConstraint("project_id", "content_sha256", name="uq_imports_project_content"),
    )
    _data_table(
        "utterances",
        sa.Column("interview_id", sa.Text), sa.Column("participant_id", sa.Text),
        sa.Column("speaker", sa.Text), sa.Column("speaker_role", sa.Text),
        sa.Column("seq", sa.BigInteger), sa.Column("text", sa.Text),
        sa.Column("timestamp", sa.Float), sa.Column("lang", sa.Text),
        sa.Column("source_file", sa.Text), sa.Column("source_sheet", sa.Text),
        sa.Column("source_row", sa.BigInteger), sa.Column("source_column", sa.Text),
    )
    _data_table(
        "participants",
        sa.Column("participant_id", sa.Text), sa.Column("segment", sa.Text),
        sa.Column("attributes", _JSON),
    )
    _data_table(
        "steps",
        sa.Column("journey", sa.Text), sa.Column("step_id", sa.Text), sa.Column("stage", sa.Text),
        sa.Column("step", sa.Text), sa.Column("channel", sa.Text), sa.Column("lane", sa.Text),
        sa.Column("agency", sa.Text), sa.Column("order", sa.BigInteger),
        sa.Column("next_steps", _JSON), sa.Column("median_wait_days", sa.Float),
        sa.Column("volume_per_month", sa.Float), sa.Column("documents_required", _JSON),
        sa.Column("synonyms", _JSON),
    )
    _data_table(
        "events",
        sa.Column("case_id", sa.Text), sa.Column("activity", sa.Text), sa.Column("timestamp", _TS),
        sa.Column("channel", sa.Text), sa.Column("resource", sa.Text), sa.Column("agency", sa.Text),
        sa.Column("lifecycle", sa.Text), sa.Column("source_row", sa.BigInteger),
    )
    _data_table(
        "pain_points",
        sa.Column("interview_id", sa.Text), sa.Column("participant_id", sa.Text),
        sa.Column("source_file", sa.Text), sa.Column("source_sheet", sa.Text),
        sa.Column("source_row", sa.BigInteger), sa.Column("source_column", sa.Text),
        sa.Column("sentence", sa.Text), sa.Column("start", sa.BigInteger), sa.Column("end", sa.BigInteger),
        sa.Column("category", sa.Text), sa.Column("severity", sa.Float), sa.Column("cues", _JSON),
        sa.Column("step_id", sa.Text), sa.Column("channel", sa.Text), sa.Column("lang", sa.Text),
        sa.Column("status", sa.Text, nullable=False, server_default="suggested"),
        sa.Column("suggestion_key", sa.Text),
        sa.Column("version", sa.Integer, nullable=False, server_default="1"),
        sa.Column("created_at", _TS), sa.Column("updated_at", _TS), sa.Column("updated_by", sa.Text),
        with_import=False,
    )
    _data_table(
        "narrated",
        sa.Column("interview_id", sa.Text), sa.Column("participant_id", sa.Text),
        sa.Column("position", sa.BigInteger), sa.Column("step_id", sa.Text), sa.Column("channel", sa.Text),
        sa.Column("source_file", sa.Text), sa.Column("source_row", sa.BigInteger),
        with_import=False,
    )


def downgrade() -> None:
    for name in ("narrated", "pain_points", "events", "steps", "participants", "utterances", "imports",
                 "projects"):
        op.drop_table(name)
