"""Building the engine: a private SQLite file with safe pragmas, or a shared PostgreSQL server."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import stat
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

# Defined outside db/, so that the UI catches it (from services.errors) without db/.
from kara_tui.errors import StorageError as StorageError

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session, sessionmaker

# SQLAlchemy is imported where an engine is made, not here: StorageError and explain() are
# needed by every layer above (the calendar's first screen among them), and SQLAlchemy's
# import alone is a quarter of a second.

BUSY_TIMEOUT_MS = 5000


def _prepare_sqlite_file(path: Path) -> None:
    """Create the folder 0700 and the file 0600 before SQLite does, so nobody else can read it."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if not path.exists():
        fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
        os.close(fd)


class ForeignDatabaseError(StorageError):
    """The database belongs to another application: kara-tui adds nothing to it."""


# A table every kara-tui schema has had; another application's database does not.
OUR_TABLE = "professionals"


def foreign_error(where: str, tables: set[str]) -> ForeignDatabaseError:
    shown = ", ".join(sorted(tables)[:3]) + (", ..." if len(tables) > 3 else "")
    return ForeignDatabaseError(
        f"{where} is not a kara-tui database (it holds another application's tables: {shown}); "
        "nothing was changed. Give kara-tui its own database with --db"
    )


def _refuse_foreign_sqlite(path: Path) -> None:
    """Look, read-only and before any pragma can change the file, at whose tables it holds."""
    try:
        with contextlib.closing(
            sqlite3.connect(f"file:{quote(str(path))}?mode=ro", uri=True)
        ) as conn:
            tables = {
                name
                for (name,) in conn.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                )
            }
    except sqlite3.Error:
        return  # damaged, busy, not SQLite at all: the ordinary path says which
    others = tables - {"alembic_version"}
    if others and OUR_TABLE not in tables:
        raise foreign_error(str(path), others)


class ReadOnlyError(StorageError):
    """A change asked of a database opened read-only (a full disk, a read-only folder)."""


READ_ONLY = "read-only: changes cannot be saved"


def sqlite_file(url: str) -> Path | None:
    """The file of a SQLite URL, read without SQLAlchemy; None for anything else."""
    for prefix in ("sqlite:///", "sqlite+pysqlite:///"):
        if url.startswith(prefix):
            database = url[len(prefix) :].split("?", 1)[0]
            if database and database != ":memory:" and not database.startswith("file:"):
                return Path(database).expanduser()
    return None


def exposure_warning(url: str) -> str | None:
    """A sentence when the SQLite file of ``url`` can be read by other users, else None."""
    path = sqlite_file(url)
    try:
        mode = stat.S_IMODE(path.stat().st_mode) if path is not None else 0
    except OSError:
        return None
    if not mode & 0o077:
        return None
    import shlex  # only for this warning

    return (
        f"{path} can be read by other users (mode {mode:04o}) and holds client data; "
        f"make it private with: chmod 600 {shlex.quote(str(path))}"
    )


# What a failure to open says -> why the data can still be read but not changed; searched in
# this order, the first words found give the reason.
_WANT_OF_WRITING = (
    ("disk is full", "the disk is full"),
    ("read-only", "the database file is read-only"),
    ("disk could not be read or written", "the disk cannot be written"),
    ("cannot be opened", "its folder cannot be written"),
)


def read_only_reason(url: str, exc: BaseException) -> str | None:
    """Why opening ``url`` failed, when only for want of writing (a full disk, a read-only
    folder or mount), so that opening it read-only may still show the data; else None."""
    path = sqlite_file(url)
    if path is None or not path.is_file():
        return None
    text = str(exc).lower()
    return next((why for words, why in _WANT_OF_WRITING if words in text), None)


def make_engine(
    url: str,
    *,
    echo: bool = False,
    busy_timeout_ms: int = BUSY_TIMEOUT_MS,
    read_only: str | None = None,
    why: str = "",
    refused: Callable[[], None] | None = None,
) -> Engine:
    """An engine for ``url``; on SQLite, writers wait up to ``busy_timeout_ms`` for the lock.

    ``read_only`` ("ro", or "immutable" where not even SQLite's shared-memory file can be
    made) opens an existing SQLite file for reading only; every write is refused with
    ReadOnlyError (saying ``why``) before it starts, and ``refused`` is called.
    """
    from sqlalchemy import create_engine, event
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise StorageError(f"'{url}' is not a database URL") from exc
    backend = parsed.get_backend_name()
    if backend != "sqlite":
        if parsed.drivername == "postgresql":
            # SQLAlchemy's default PostgreSQL driver is psycopg2; kara-tui[postgres] installs
            # psycopg 3, so a plain postgresql:// URL means that one.
            parsed = parsed.set(drivername="postgresql+psycopg")
        try:
            return create_engine(parsed, echo=echo, pool_pre_ping=True)
        except ImportError:
            if backend == "postgresql":
                raise StorageError(
                    "the PostgreSQL driver is not installed: "
                    "pip install 'kara-tui[postgres]' (or use a SQLite file)"
                ) from None
            raise StorageError(
                f"kara-tui cannot use '{backend}' databases: give a sqlite:/// or postgresql:// URL"
            ) from None
        except ArgumentError as exc:
            raise StorageError(
                f"{parsed.render_as_string()} is not a database URL kara-tui can use"
            ) from exc
    database = parsed.database or ""
    if read_only is not None:
        message = f"{READ_ONLY} ({why})" if why else READ_ONLY
        return _read_only_engine(
            Path(database).expanduser(), read_only, busy_timeout_ms, message, refused
        )
    if database and database != ":memory:" and not database.startswith("file:"):
        path = Path(database).expanduser()
        if path.is_file() and path.stat().st_size > 0:
            _refuse_foreign_sqlite(path)
        try:
            _prepare_sqlite_file(path)
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


def _read_only_engine(
    path: Path,
    how: str,
    busy_timeout_ms: int,
    message: str,
    refused: Callable[[], None] | None,
) -> Engine:
    from sqlalchemy import create_engine, event

    option = "immutable=1" if how == "immutable" else "mode=ro"
    uri = f"file:{quote(str(path.resolve()))}?{option}"

    def connect() -> sqlite3.Connection:
        return sqlite3.connect(
            uri, uri=True, timeout=busy_timeout_ms / 1000, check_same_thread=False
        )

    # The file's own URL (for messages naming it), connected through ``creator``.
    engine = create_engine(f"sqlite:///{path}", creator=connect)

    def on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        dbapi_connection.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")

    def on_begin(conn: Any) -> None:
        if conn.get_execution_options().get("kara_write"):
            if refused is not None:
                refused()
            raise ReadOnlyError(message)
        conn.exec_driver_sql("BEGIN")

    event.listen(engine, "connect", on_connect)
    event.listen(engine, "begin", on_begin)
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
    if (
        "no such table" in text
        or "no such column" in text
        or (
            "does not exist" in text and ("relation" in text or "column" in text)  # PostgreSQL
        )
    ):
        return (
            "the database is missing part of kara-tui's tables (damaged, or changed by "
            "another program); nothing was changed"
        )
    if "could not connect" in text or "connection refused" in text:
        return "cannot reach the database server"
    return None
