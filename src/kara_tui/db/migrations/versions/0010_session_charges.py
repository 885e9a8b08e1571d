"""session charges: a practice setting to charge attended sessions for themselves

Revision ID: 0010_session_charges
Revises: 0009_session_series
Create Date: 2026-12-07 09:30:00

Issue 15: when the professional wants the ledger complete, marking a session attended records
a `session` charge for its fee. Off by default, so an existing practice keeps its ledger as it
is until it asks for this.
"""

import sqlalchemy as sa
from alembic import op

revision: str = "0010_session_charges"
down_revision: str | None = "0009_session_series"


def upgrade() -> None:
    # Plain ADD COLUMN (no batch copy): a batch would drop and remake professionals.
    op.add_column(
        "professionals",
        sa.Column(
            "charge_attended_sessions", sa.Boolean(), nullable=False, server_default=sa.false()
        ),
    )


def downgrade() -> None:
    op.drop_column("professionals", "charge_attended_sessions")
