"""Bringing a database to the schema this version knows, through Alembic, and refusing newer ones."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from kara_tui.db.engine import StorageError


class NewerDatabaseError(StorageError):
    """The database was written by a newer kara-tui; opening it could lose data."""


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", "kara_tui.db:migrations")
    return cfg


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Upgrade an older (or new, empty) database; refuse one from a newer version."""
    cfg = alembic_config()
    script = ScriptDirectory.from_config(cfg)
    current = current_revision(engine)
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
