"""Test databases: an engine on a copy of a template SQLite file, and a file ready to copy."""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

from sqlalchemy import Engine

from kara_tui.db.engine import make_engine
from kara_tui.db.schema import upgrade


def engine_from(template: Path, db_url: str) -> Iterator[Engine]:
    """An engine on a copy of ``template`` at ``db_url`` (a fixture's body: yields, disposes)."""
    path = Path(db_url.removeprefix("sqlite:///"))
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    shutil.copyfile(template, path)
    path.chmod(0o600)
    eng = make_engine(db_url)
    upgrade(eng)  # at HEAD already: only looks
    yield eng
    eng.dispose()


def checkpointed(path: Path) -> Path:
    """``path``, with everything in the main file and none in the WAL, ready to be copied."""
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


def upgrade_from_copy(template: Path) -> Callable[..., None]:
    """``schema.upgrade``, but a new, empty SQLite database is filled with a copy of
    ``template`` (made by the same migrations) instead of running them: the CLI makes its
    database on its first command, and the migrations were 40 % of a CLI test's CPU. Every
    other database (older, newer, foreign, PostgreSQL), and a copy that fails, go to
    ``upgrade`` itself."""

    def upgrade_or_copy(engine: Engine, revision: str = "head") -> None:
        if revision == "head" and engine.dialect.name == "sqlite":
            raw = engine.raw_connection()  # the driver's, in autocommit mode: no transaction open
            try:
                target = raw.driver_connection
                assert isinstance(target, sqlite3.Connection)
                if not target.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
                    with contextlib.closing(sqlite3.connect(template)) as source:
                        source.backup(target)
                    return
            except sqlite3.Error:
                pass  # the real upgrade says what is wrong
            finally:
                raw.close()
        upgrade(engine, revision)

    return upgrade_or_copy
