"""Test databases: an engine on a copy of a template SQLite file, and a file ready to copy."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
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
