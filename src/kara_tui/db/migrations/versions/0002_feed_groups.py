"""feed groups for incremental re-syncs; index changes

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21 21:00:00

- feed_groups: per feed, the digest (and skipped-event problems) of each UID group of the
  last parse, so a re-sync after a small change parses only the groups that changed.
- ix_external_events_feed_id dropped: uq_external_events_key (feed_id, uid, recurrence_id)
  already serves every lookup by feed, and each index slows the bulk inserts of a sync.
- ix_sessions_rescheduled_from: the calendar asks which sessions replaced the ones it shows.
"""

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"


def upgrade() -> None:
    op.create_table(
        "feed_groups",
        sa.Column("feed_id", sa.Integer(), nullable=False),
        sa.Column("uid", sa.String(length=500), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("problems", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["feed_id"],
            ["feeds.id"],
            name=op.f("fk_feed_groups_feed_id_feeds"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("feed_id", "uid", name=op.f("pk_feed_groups")),
    )
    with op.batch_alter_table("external_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_external_events_feed_id"))
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sessions_rescheduled_from"), ["rescheduled_from"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sessions_rescheduled_from"))
    with op.batch_alter_table("external_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_external_events_feed_id"), ["feed_id"], unique=False)
    op.drop_table("feed_groups")
