"""where each notice went; cancellation charges that were not late get their own kind

Revision ID: 0003_notices_and_charges
Revises: 0002
Create Date: 2026-12-07 06:40:00

- notifications.outcome: what became of a sent notice, in words ("written to
  /home/me/kara-outbox/3-appointment-cancelled-tue-8-dec-15-00.eml", "sent via
  smtp.example.com:587"): writing an .eml file is not sending it (issue 11).
- charges.kind: a charge on a cancellation that was not late was stored as
  'late_cancellation'; such charges become 'cancellation' (and back on a downgrade).
"""

import sqlalchemy as sa
from alembic import op

revision: str = "0003_notices_and_charges"
down_revision: str | None = "0002"

_NOT_LATE = "session_id IN (SELECT session_id FROM cancellations WHERE late = :late)"


def upgrade() -> None:
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("outcome", sa.Text(), nullable=False, server_default=""))
    op.execute(
        sa.text(
            "UPDATE charges SET kind = 'cancellation' WHERE kind = 'late_cancellation' AND "
            + _NOT_LATE
        ).bindparams(late=False)
    )


def downgrade() -> None:
    op.execute(sa.text("UPDATE charges SET kind = 'late_cancellation' WHERE kind = 'cancellation'"))
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_column("outcome")
