"""session series: recurring sessions, their rule and end; each occurrence a session

Revision ID: 0009_session_series
Revises: 0008_publish_targets
Create Date: 2026-12-07 09:30:00

Issue 16: a `session_series` table, and on sessions the series and the original start (the
RECURRENCE-ID), unique per series so that two processes extending a series at once book each
occurrence once. Sessions booked before stay single (both NULL). The practice gets the horizon
an open-ended series is booked up to (26 weeks).
"""

import sqlalchemy as sa
from alembic import op

revision: str = "0009_session_series"
down_revision: str | None = "0008_publish_targets"


def upgrade() -> None:
    op.add_column(
        "professionals",
        sa.Column("series_horizon_weeks", sa.Integer(), nullable=False, server_default="26"),
    )
    op.create_table(
        "session_series",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("uid", sa.String(255), nullable=False),
        sa.Column(
            "professional_id",
            sa.Integer(),
            sa.ForeignKey(
                "professionals.id", name="fk_session_series_professional_id_professionals"
            ),
            nullable=False,
        ),
        sa.Column(
            "client_id",
            sa.Integer(),
            sa.ForeignKey("clients.id", name="fk_session_series_client_id_clients"),
            nullable=False,
        ),
        sa.Column("first_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("zone", sa.String(64), nullable=False),
        sa.Column("repeat", sa.String(30), nullable=False),
        sa.Column("interval", sa.Integer(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=True),
        sa.Column("until", sa.Date(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=True),
        sa.Column("exceptions", sa.Text(), nullable=False, server_default=""),
        sa.Column("horizon_reached", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_from", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "split_from",
            sa.Integer(),
            sa.ForeignKey("session_series.id", name="fk_session_series_split_from_session_series"),
            nullable=True,
        ),
        sa.Column("fee_minor", sa.Integer(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("service", sa.String(200), nullable=False),
        sa.Column("location", sa.String(500), nullable=False),
        sa.Column("prepaid", sa.Boolean(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_session_series"),
        sa.UniqueConstraint("uid", name="uq_session_series_uid"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_session_series_client_id", "session_series", ["client_id"])
    op.create_index("ix_session_series_professional_id", "session_series", ["professional_id"])
    # Plain ADD COLUMN, and no foreign key on it: SQLite can add and drop such a column in
    # place, where a batch copy would drop and remake sessions (cascading to its children).
    # Series are never deleted, so the link cannot dangle.
    op.add_column("sessions", sa.Column("series_id", sa.Integer(), nullable=True))
    op.add_column(
        "sessions", sa.Column("original_start", sa.DateTime(timezone=True), nullable=True)
    )
    op.create_index("ix_sessions_series_id", "sessions", ["series_id"])
    op.create_index(
        "uq_sessions_series_original", "sessions", ["series_id", "original_start"], unique=True
    )


def downgrade() -> None:
    # Occurrences stay as single sessions: every session on record keeps its place and history.
    op.drop_index("uq_sessions_series_original", "sessions")
    op.drop_index("ix_sessions_series_id", "sessions")
    op.drop_column("sessions", "original_start")
    op.drop_column("sessions", "series_id")
    op.drop_index("ix_session_series_professional_id", "session_series")
    op.drop_index("ix_session_series_client_id", "session_series")
    op.drop_table("session_series")
    op.drop_column("professionals", "series_horizon_weeks")
