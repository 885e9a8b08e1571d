"""feeds.block_all_day: whether a feed's all-day events make conflicts

Revision ID: 0005_feed_block_all_day
Revises: 0004_ids_never_reused
Create Date: 2026-12-07 06:30:00

A holiday feed's all-day events used to flag every session of those days as a conflict.
All-day events now block time only when their feed is set to (false for every feed, old and
new, until the user says otherwise).
"""

import sqlalchemy as sa
from alembic import op

revision: str = "0005_feed_block_all_day"
down_revision: str | None = "0004_ids_never_reused"


# A plain ADD/DROP COLUMN, not a batch copy of the table: on SQLite a batch drops the old
# feeds table, and with foreign keys on that would cascade to every feed's stored events.


def upgrade() -> None:
    op.add_column(
        "feeds",
        sa.Column("block_all_day", sa.Boolean(), nullable=False, server_default=sa.false()),
    )


def downgrade() -> None:
    op.drop_column("feeds", "block_all_day")
