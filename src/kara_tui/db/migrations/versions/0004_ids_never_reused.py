"""ids are never reused: AUTOINCREMENT on the tables whose ids the user sees

Revision ID: 0004_ids_never_reused
Revises: 0003_notices_and_charges
Create Date: 2026-12-07 06:30:00

SQLite gives a deleted row's id to the next row unless the table is AUTOINCREMENT: deleted
session 36, and the next booking became 36, so an audit entry, an outbox message or the
user's notes then named another client's session. Each table is rebuilt (rows and ids kept,
with foreign keys off: see kara_tui.db.schema.upgrade) and its sqlite_sequence seeded with
the highest id it ever had: its rows', and any higher one the audit log remembers (a session
deleted before this migration). PostgreSQL's serial columns never reuse an id: nothing to do.
"""

import sqlalchemy as sa
from alembic import op

revision: str = "0004_ids_never_reused"
down_revision: str | None = "0003_notices_and_charges"

# Table -> the audit log's name for its rows (None: the audit does not name them).
TABLES: dict[str, str | None] = {
    "clients": "client",
    "sessions": "session",
    "charges": None,
    "notifications": None,
    "time_off": "time_off",
    "feeds": None,
}


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    for table in TABLES:
        with op.batch_alter_table(
            table, recreate="always", table_kwargs={"sqlite_autoincrement": True}
        ):
            pass
    for table, entity in TABLES.items():
        highest = bind.execute(sa.text(f'SELECT coalesce(max(id), 0) FROM "{table}"')).scalar()
        if entity is not None:
            remembered = bind.execute(
                sa.text("SELECT coalesce(max(entity_id), 0) FROM audit_events WHERE entity = :e"),
                {"e": entity},
            ).scalar()
            highest = max(highest or 0, remembered or 0)
        bind.execute(sa.text("DELETE FROM sqlite_sequence WHERE name = :t"), {"t": table})
        bind.execute(
            sa.text("INSERT INTO sqlite_sequence (name, seq) VALUES (:t, :seq)"),
            {"t": table, "seq": highest or 0},
        )


def downgrade() -> None:
    # Kept as they are: 0002's code reads and writes AUTOINCREMENT tables alike, and ids that
    # were never reused should not start being reused because of a downgrade.
    pass
