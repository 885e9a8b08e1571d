"""charge settlement: when and how a charge was paid, or why it was voided

Revision ID: 0006_charge_settlement
Revises: 0005_feed_block_all_day
Create Date: 2026-12-07 07:00:00

- charges.paid_at: when the client paid (or a refund was paid out); NULL while pending.
- charges.reference: the payment's reference (an invoice or bank reference), "" when none.
- charges.void_reason: why a charge was voided, "" unless void.
"""

import sqlalchemy as sa
from alembic import op

revision: str = "0006_charge_settlement"
down_revision: str | None = "0005_feed_block_all_day"


def upgrade() -> None:
    with op.batch_alter_table("charges", schema=None) as batch_op:
        batch_op.add_column(sa.Column("paid_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column("reference", sa.String(length=200), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("void_reason", sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("charges", schema=None) as batch_op:
        batch_op.drop_column("void_reason")
        batch_op.drop_column("reference")
        batch_op.drop_column("paid_at")
