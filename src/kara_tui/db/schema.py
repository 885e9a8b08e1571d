"""Bringing a database to the schema this version knows, through Alembic, and refusing newer ones."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kara_tui.db.engine import OUR_TABLE, ForeignDatabaseError, StorageError, foreign_error

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy import Engine

# The newest migration this version ships. Opening a database already at this revision needs
# no Alembic at all, which keeps it (about a quarter of a second of imports) out of start-up.
# tests/db check that it matches the migrations folder.
HEAD = "0010_session_charges"


class NewerDatabaseError(StorageError):
    """The database was written by a newer kara-tui; opening it could lose data."""


def _foreign(engine: Engine, tables: set[str]) -> ForeignDatabaseError:
    where = engine.url.database if engine.url.get_backend_name() == "sqlite" else None
    return foreign_error(where or engine.url.render_as_string(hide_password=True), tables)


def _tables(engine: Engine) -> set[str]:
    from sqlalchemy import inspect

    with engine.connect() as conn:
        return set(inspect(conn).get_table_names())


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
    if current is None:
        tables = _tables(engine)
        if tables:  # not empty, yet never migrated by kara-tui: someone else's
            raise _foreign(engine, tables)
    else:
        known = {rev.revision for rev in script.walk_revisions()}
        if current not in known:
            others = _tables(engine) - {"alembic_version"}
            if others and OUR_TABLE not in others:  # another application's Alembic revision
                raise _foreign(engine, others)
            raise NewerDatabaseError(
                f"this database was made by a newer version of kara-tui (schema {current}); "
                "upgrade kara-tui to open it. Nothing was changed."
            )
    with engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        # SQLite's own recipe for rebuilding a table (lang_altertable.html): foreign keys off
        # outside the transaction, else dropping the old table would cascade to its children;
        # then check them before committing. The pragma goes straight to the driver, which
        # is in autocommit mode (engine.py), because SQLAlchemy would open a transaction first.
        if sqlite:
            conn.connection.driver_connection.execute("PRAGMA foreign_keys = OFF")  # type: ignore[union-attr]  # open here
        try:
            with conn.begin():
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, revision)
                if sqlite and conn.exec_driver_sql("PRAGMA foreign_key_check").first():
                    raise StorageError(
                        "the database's links between records are broken; it was not upgraded"
                    )
        finally:
            if sqlite:
                conn.connection.driver_connection.execute("PRAGMA foreign_keys = ON")  # type: ignore[union-attr]  # open here
