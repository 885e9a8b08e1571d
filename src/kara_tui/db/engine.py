"""Building the engine: a private SQLite file with safe pragmas, or a shared PostgreSQL server."""

from __future__ import annotations

import os
import sqlite3
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session, sessionmaker

# SQLAlchemy is imported where an engine is made, not here: StorageError and explain() are
# needed by every layer above (the calendar's first screen among them), and SQLAlchemy's
# import alone is a quarter of a second.

BUSY_TIMEOUT_MS = 5000


class StorageError(Exception):
    """The database cannot do what was asked; the message says why in plain words."""


def _prepare_sqlite_file(path: Path) -> None:
    """Create the folder 0700 and the file 0600 before SQLite does, so nobody else can read it."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if not path.exists():
        fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
        os.close(fd)


def make_engine(url: str, *, echo: bool = False, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> Engine:
    """An engine for ``url``; on SQLite, writers wait up to ``busy_timeout_ms`` for the lock."""
    from sqlalchemy import create_engine, event
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise StorageError(f"'{url}' is not a database URL") from exc
    if parsed.get_backend_name() != "sqlite":
        try:
            return create_engine(url, echo=echo, pool_pre_ping=True)
        except (ArgumentError, ImportError) as exc:  # an unknown kind, or its driver missing
            raise StorageError(
                f"'{parsed.drivername}' databases cannot be opened here "
                "(use sqlite:///PATH or postgresql+psycopg://...)"
            ) from exc
    database = parsed.database or ""
    if database and database != ":memory:" and not database.startswith("file:"):
        try:
            _prepare_sqlite_file(Path(database).expanduser())
        except OSError as exc:
            raise StorageError(f"cannot create the database at {database}: {exc.strerror}") from exc
    engine = create_engine(
        url, echo=echo, connect_args={"timeout": busy_timeout_ms / 1000, "check_same_thread": False}
    )

    def on_connect(dbapi_connection: sqlite3.Connection, record: Any) -> None:
        _on_sqlite_connect(dbapi_connection, record, busy_timeout_ms)

    event.listen(engine, "connect", on_connect)
    event.listen(engine, "begin", _on_sqlite_begin)
    return engine


def _on_sqlite_connect(
    dbapi_connection: sqlite3.Connection, _record: Any, busy_timeout_ms: int = BUSY_TIMEOUT_MS
) -> None:
    # Take over transaction control from the driver so that BEGIN IMMEDIATE can be issued.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = FULL")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.close()


def _on_sqlite_begin(conn: Any) -> None:
    # Writers take the write lock up front: a busy database is then seen at BEGIN (and waited
    # for up to the busy timeout) instead of failing half-way through a change.
    if conn.get_execution_options().get("kara_write"):
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        conn.exec_driver_sql("BEGIN")


def writer(engine: Engine) -> sessionmaker[Session]:
    """Sessions for changes: BEGIN IMMEDIATE on SQLite."""
    from sqlalchemy.orm import sessionmaker

    return sessionmaker(engine.execution_options(kara_write=True), expire_on_commit=False)


def reader(engine: Engine) -> sessionmaker[Session]:
    from sqlalchemy.orm import sessionmaker

    return sessionmaker(engine, expire_on_commit=False)


def explain(exc: BaseException) -> str | None:
    """A person's sentence for a database failure, or None when it is not one we know."""
    # An error of SQLAlchemy's can only exist once SQLAlchemy is loaded: look it up rather
    # than import it (a failure of the stdlib sqlite3 reads must not cost that import).
    sa_exc = sys.modules.get("sqlalchemy.exc")
    if sa_exc is not None and isinstance(exc, sa_exc.DBAPIError):
        orig: BaseException = exc.orig if getattr(exc, "orig", None) else exc
    elif isinstance(exc, sqlite3.Error):
        orig = exc  # raised by the driver outside SQLAlchemy (e.g. while connecting)
    else:
        return None
    text = str(orig).lower()
    # SQLite's extended code says more than its text: a full disk often shows up as a
    # "disk I/O error" while growing the shared-memory file (SQLITE_IOERR_SHMSIZE).
    code = str(getattr(orig, "sqlite_errorname", "") or "")
    if "locked" in text or "busy" in text:
        return "the database is busy (another kara-tui is writing to it); nothing was changed, try again"
    if ("disk" in text and "full" in text) or code in ("SQLITE_FULL", "SQLITE_IOERR_SHMSIZE"):
        return "the disk is full; nothing was changed"
    if "readonly" in text or "read-only" in text:
        return "the database file is read-only; nothing was changed"
    if "disk i/o error" in text:
        return "the disk could not be read or written (disk I/O error); nothing was changed"
    if "unable to open" in text:
        return "the database file cannot be opened (check the path and permissions)"
    if "not a database" in text or "malformed" in text:
        return "the file is not a kara-tui database, or it is damaged"
    if "could not connect" in text or "connection refused" in text:
        return "cannot reach the database server"
    return None
