"""publish targets: where the practice calendar is published, and what was written there

Revision ID: 0008_publish_targets
Revises: 0007_reminders
Create Date: 2026-12-07 09:30:00

Issue 18: a target (CalDAV collection or .ics file) with its detail level, horizon and last
success or error; and per target, each event kara-tui wrote (UID, SEQUENCE, digest, href,
ETag), so that a run writes only the differences and deletes only its own resources.
"""

import sqlalchemy as sa
from alembic import op

revision: str = "0008_publish_targets"
down_revision: str | None = "0007_reminders"


def upgrade() -> None:
    op.create_table(
        "publish_targets",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("detail", sa.String(20), nullable=False),
        sa.Column("username", sa.String(200), nullable=False),
        sa.Column("password_env", sa.String(200), nullable=False),
        sa.Column("from_days", sa.Integer(), nullable=False),
        sa.Column("to_days", sa.Integer(), nullable=False),
        sa.Column("time_off", sa.Boolean(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("last_attempt", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_success", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("last_note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("name", name="uq_publish_targets_name"),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "publish_state",
        sa.Column(
            "target_id",
            sa.Integer(),
            sa.ForeignKey(
                "publish_targets.id",
                ondelete="CASCADE",
                name="fk_publish_state_target_id_publish_targets",
            ),
            nullable=False,
        ),
        sa.Column("uid", sa.String(255), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("href", sa.Text(), nullable=False),
        sa.Column("etag", sa.String(500), nullable=False),
        sa.PrimaryKeyConstraint("target_id", "uid", name="pk_publish_state"),
    )


def downgrade() -> None:
    op.drop_table("publish_state")
    op.drop_table("publish_targets")
