"""Alembic environment: runs on the connection the app hands over."""

from alembic import context

from kara_tui.db.rows import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - only the app and tests drive migrations
    raise RuntimeError("kara-tui migrations run through kara_tui.db.schema.upgrade()")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
