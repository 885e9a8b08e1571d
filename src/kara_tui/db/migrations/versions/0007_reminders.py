"""reminders: client reminders, one row per (session, kind, lead); reminder settings

Revision ID: 0007_reminders
Revises: 0006_charge_settlement
Create Date: 2026-12-07 07:30:00

Issue 17: a reminder is a row with a unique key so that two senders at once still send it
once; the practice gets a default lead (24 h) and quiet hours (21:00-08:00), and a client
their own leads or none (NULL: the practice's).
"""

import sqlalchemy as sa
from alembic import op

revision: str = "0007_reminders"
down_revision: str | None = "0006_charge_settlement"


def upgrade() -> None:
    # Plain ADD COLUMN (no batch copy): a batch would drop and remake professionals.
    op.add_column(
        "professionals",
        sa.Column("reminder_leads", sa.String(20), nullable=False, server_default="24"),
    )
    op.add_column(
        "professionals",
        sa.Column("quiet_hours", sa.String(20), nullable=False, server_default="21:00-08:00"),
    )
    op.add_column("clients", sa.Column("reminder_leads", sa.String(20), nullable=True))
    op.create_table(
        "reminders",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "session_id",
            sa.Integer(),
            sa.ForeignKey("sessions.id", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("lead_minutes", sa.Integer(), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("session_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column(
            "notification_id",
            sa.Integer(),
            sa.ForeignKey("notifications.id", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.Column("note", sa.Text(), nullable=False, server_default=""),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("session_id", "kind", "lead_minutes", name="uq_reminders_key"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_reminders_session_id", "reminders", ["session_id"])
    op.create_index("ix_reminders_due_at", "reminders", ["due_at"])
    op.create_index("ix_reminders_status", "reminders", ["status"])


def downgrade() -> None:
    op.drop_table("reminders")
    op.drop_column("professionals", "quiet_hours")
    op.drop_column("professionals", "reminder_leads")
    op.drop_column("clients", "reminder_leads")
