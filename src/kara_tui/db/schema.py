"""Bringing a database to the schema this version knows, through Alembic, and refusing newer ones."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kara_tui.db.engine import StorageError

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy import Engine

# The newest migration this version ships. Opening a database already at this revision needs
# no Alembic at all, which keeps it (about a quarter of a second of imports) out of start-up.
# tests/db check that it matches the migrations folder.
HEAD = "0003_feed_block_all_day"


class NewerDatabaseError(StorageError):
    """The database was written by a newer kara-tui; opening it could lose data."""


def alembic_config() -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", "kara_tui.db:migrations")
    return cfg


def current_revision(engine: Engine) -> str | None:
    from sqlalchemy import inspect, text

    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Upgrade an older (or new, empty) database; refuse one from a newer version."""
    current = current_revision(engine)
    if revision == "head" and current == HEAD:
        return
    from alembic import command
    from alembic.script import ScriptDirectory

    cfg = alembic_config()
    script = ScriptDirectory.from_config(cfg)
    if current is not None:
        known = {rev.revision for rev in script.walk_revisions()}
        if current not in known:
            raise NewerDatabaseError(
                f"this database was made by a newer version of kara-tui (schema {current}); "
                "upgrade kara-tui to open it. Nothing was changed."
            )
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
