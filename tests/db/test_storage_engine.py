"""The SQLite engine: a private file, safe pragmas on every connection, writers that lock up front."""

from __future__ import annotations

import os
import sqlite3
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import event, select, text

from kara_tui.db.engine import BUSY_TIMEOUT_MS, StorageError, make_engine, reader, writer
from kara_tui.db.rows import ClientRow
from kara_tui.db.schema import upgrade
from kara_tui.services.practice import Practice


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@contextmanager
def umask(value: int) -> Iterator[None]:
    old = os.umask(value)
    try:
        yield
    finally:
        os.umask(old)


@pytest.mark.parametrize("mask", [0o000, 0o022, 0o077])
def test_database_is_0600_in_a_0700_folder(tmp_path: Path, mask: int, clock) -> None:
    folder = tmp_path / "deep" / "kara-tui"
    path = folder / "kara.db"
    with umask(mask):
        engine = make_engine(f"sqlite:///{path}")
        upgrade(engine)
        practice = Practice(engine, clock)
        practice.add_client("Anna Smith")
        with engine.connect() as conn:  # keep the WAL and shared-memory files in place
            conn.exec_driver_sql("SELECT 1").all()
            assert mode(folder) == 0o700
            assert mode(path) == 0o600
            for extra in ("kara.db-wal", "kara.db-shm"):
                assert (folder / extra).exists()
                assert mode(folder / extra) == 0o600, extra
        engine.dispose()


def test_an_existing_folder_is_left_as_the_user_made_it(tmp_path: Path) -> None:
    # Pointing --db at a file in a shared folder must not chmod that folder.
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o755)
    os.chmod(shared, 0o755)
    engine = make_engine(f"sqlite:///{shared / 'kara.db'}")
    upgrade(engine)
    engine.dispose()
    assert mode(shared) == 0o755
    assert mode(shared / "kara.db") == 0o600


def test_a_path_that_cannot_be_created_is_one_sentence(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(StorageError, match=r"^cannot create the database at .*kara\.db: \w"):
        make_engine(f"sqlite:///{blocker / 'kara.db'}")


def test_a_bad_url_is_one_sentence() -> None:
    with pytest.raises(StorageError, match="is not a database URL"):
        make_engine("not a url")


def _pragmas(conn) -> tuple[str, int, int, int]:
    return (
        conn.exec_driver_sql("PRAGMA journal_mode").scalar(),
        conn.exec_driver_sql("PRAGMA synchronous").scalar(),
        conn.exec_driver_sql("PRAGMA foreign_keys").scalar(),
        conn.exec_driver_sql("PRAGMA busy_timeout").scalar(),
    )


EXPECTED = ("wal", 2, 1, BUSY_TIMEOUT_MS)  # synchronous 2 is FULL


def test_pragmas_on_every_pooled_connection(engine) -> None:
    # Several connections out of the pool at once: each is a separate sqlite3 connection.
    conns = [engine.connect() for _ in range(4)]
    try:
        raw = {id(c.connection.dbapi_connection) for c in conns}
        assert len(raw) == 4
        for conn in conns:
            assert _pragmas(conn) == EXPECTED
    finally:
        for conn in conns:
            conn.close()
    engine.dispose()  # brand-new connections after the pool is emptied
    with engine.connect() as conn:
        assert _pragmas(conn) == EXPECTED


def test_pragmas_in_the_writer_and_reader_sessions(engine) -> None:
    with writer(engine).begin() as db:
        assert _pragmas(db.connection()) == EXPECTED
    with reader(engine)() as db:
        assert _pragmas(db.connection()) == EXPECTED


def test_foreign_keys_are_enforced(practice, engine) -> None:
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError), writer(engine).begin() as db:
        db.execute(
            text(
                "INSERT INTO clients (professional_id, name, email, phone, programme, fee_minor,"
                " currency, sponsored_credit, archived, notes, created_at)"
                " VALUES (999, 'x', '', '', 'private', 0, 'GBP', 0, 0, '', '2026-01-01')"
            )
        )


def _raw(path: Path, timeout: float = 0.1) -> sqlite3.Connection:
    return sqlite3.connect(path, timeout=timeout, isolation_level=None, check_same_thread=False)


def _db_path(engine) -> Path:
    return Path(engine.url.database)


def test_writers_take_the_lock_at_begin(practice, engine) -> None:
    """A write transaction that has only read so far already holds the write lock."""
    path = _db_path(engine)
    other = _raw(path)
    seen: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *a: seen.append(a[2]))
    try:
        with practice.writing() as db:
            db.execute(select(ClientRow.id)).all()  # nothing written yet
            assert "BEGIN IMMEDIATE" in seen
            with pytest.raises(sqlite3.OperationalError, match="database is locked"):
                other.execute("BEGIN IMMEDIATE")
            # A reader is not blocked by the writer (WAL).
            assert other.execute("SELECT count(*) FROM professionals").fetchone() == (1,)
        # Once the writer commits, the other connection may write.
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
    finally:
        other.close()


def test_readers_do_not_take_the_write_lock(practice, engine) -> None:
    """The control for the test above: a read transaction leaves the lock free."""
    other = _raw(_db_path(engine))
    try:
        with practice.reading() as db:
            db.execute(select(ClientRow.id)).all()
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
    finally:
        other.close()


def test_a_busy_database_is_one_sentence_and_writes_nothing(practice, engine, clock) -> None:
    impatient_engine = make_engine(str(engine.url), busy_timeout_ms=100)
    impatient = Practice(impatient_engine, clock)
    try:
        with practice.writing() as db:
            db.add(
                ClientRow(
                    professional_id=1,
                    name="Held",
                    email="",
                    phone="",
                    programme="private",
                    fee_minor=0,
                    currency="GBP",
                    sponsored_credit=0,
                    archived=False,
                    notes="",
                    created_at=clock.now(),
                )
            )
            db.flush()
            with pytest.raises(StorageError) as info:
                impatient.add_client("Anna Smith")
            assert str(info.value) == (
                "the database is busy (another kara-tui is writing to it); "
                "nothing was changed, try again"
            )
            # A reader still reads, and sees only what was committed.
            assert impatient.list_clients() == []
        assert [c.name for c in impatient.list_clients()] == ["Held"]
        impatient.add_client("Anna Smith")  # the lock is free again
        assert [c.name for c in practice.list_clients()] == ["Anna Smith", "Held"]
    finally:
        impatient_engine.dispose()


def test_default_busy_timeout_waits_for_a_short_writer(practice, engine, clock) -> None:
    """Another process holding the lock briefly is waited for, not reported as busy."""
    import threading

    path = _db_path(engine)
    holder = _raw(path)
    holder.execute("BEGIN IMMEDIATE")
    release = threading.Timer(0.3, holder.execute, args=("COMMIT",))
    release.start()
    try:
        client = practice.add_client("Anna Smith")
        assert client.id == 1
    finally:
        release.join()
        holder.close()
