"""A locked, read-only or full database: one clear sentence, and nothing already saved is lost."""

from __future__ import annotations

import functools
import os
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import event

from kara_tui.db.engine import StorageError, explain, make_engine
from kara_tui.db.schema import upgrade
from kara_tui.domain import Reason
from kara_tui.services.practice import Practice

FULL = "the disk is full; nothing was changed"
READ_ONLY = "the database file is read-only; nothing was changed"
DAMAGED = (
    "the database is missing part of kara-tui's tables (damaged, or changed by another "
    "program); nothing was changed"
)
BUSY = "the database is busy (another kara-tui is writing to it); nothing was changed, try again"


def _sqlite_error(sql: str, path: Path) -> sqlite3.Error:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        conn.execute(sql)
    except sqlite3.Error as exc:
        return exc
    finally:
        conn.close()
    raise AssertionError("expected an error")


def test_explain_maps_real_driver_errors(tmp_path: Path) -> None:
    path = tmp_path / "x.db"
    sqlite3.connect(path).execute("CREATE TABLE t (x)").connection.close()
    assert explain(_sqlite_error("INSERT INTO t VALUES (1)", path)) == READ_ONLY
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"this is not sqlite at all" * 100)
    assert explain(_sqlite_error("SELECT * FROM sqlite_master", garbage)) == (
        "the file is not a kara-tui database, or it is damaged"
    )
    assert explain(ValueError("database is locked")) is None  # not a database error


def test_explain_through_sqlalchemy(tmp_path: Path) -> None:
    from sqlalchemy.exc import OperationalError

    path = tmp_path / "x.db"
    sqlite3.connect(path).execute("CREATE TABLE t (x)").connection.close()
    orig = _sqlite_error("INSERT INTO t VALUES (1)", path)
    assert explain(OperationalError("INSERT", {}, orig)) == READ_ONLY


# -- read-only -----------------------------------------------------------------------------


@pytest.fixture
def saved(tmp_path: Path, clock) -> Path:
    """A database with one client and one session, closed."""
    from datetime import datetime

    path = tmp_path / "data" / "kara.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    practice = Practice(engine, clock)
    practice.ensure_professional()
    practice.add_client("Anna Smith", email="anna@example.com")
    practice.book("Anna Smith", datetime.fromisoformat("2026-11-17T10:00+00:00"))
    engine.dispose()
    return path


def _read_only_url(path: Path) -> str:
    return f"sqlite:///file:{path}?mode=ro&uri=true"


def test_read_only_database_reads_and_refuses_writes(saved: Path, clock) -> None:
    engine = make_engine(_read_only_url(saved))
    practice = Practice(engine, clock)
    assert [c.name for c in practice.list_clients()] == ["Anna Smith"]
    with pytest.raises(StorageError) as info:
        practice.add_client("Ben Jones")
    assert str(info.value) == READ_ONLY
    with pytest.raises(StorageError, match="read-only"):
        practice.cancel(1, Reason.PROFESSIONAL)
    engine.dispose()
    engine = make_engine(f"sqlite:///{saved}")
    practice = Practice(engine, clock)
    assert [c.name for c in practice.list_clients()] == ["Anna Smith"]
    assert practice.get_session(1).status == "scheduled"
    engine.dispose()


def test_read_only_database_in_the_cli(saved: Path, cli) -> None:
    url = _read_only_url(saved)
    listed = cli("--db", url, "clients", "list", "--json")
    assert listed.code == 0, listed.err
    assert [c["name"] for c in listed.json()] == ["Anna Smith"]
    added = cli("--db", url, "clients", "add", "Ben Jones")
    assert (added.code, added.out, added.err) == (2, "", f"kara-tui: {READ_ONLY}\n")
    cancelled = cli("--db", url, "sessions", "cancel", "1", "--reason", "professional")
    assert cancelled.err == f"kara-tui: {READ_ONLY}\n"
    shown = cli("--db", f"sqlite:///{saved}", "sessions", "show", "1", "--json").json()
    assert shown["status"] == "scheduled"
    assert [h["action"] for h in shown["history"]] == ["book"]


@pytest.fixture
def read_only_mount(saved: Path, tmp_path: Path) -> Iterator[Path]:
    """The same folder bind-mounted read-only (needs root; skipped elsewhere)."""
    target = tmp_path / "ro"
    target.mkdir()
    if subprocess.run(["mount", "--bind", str(saved.parent), str(target)]).returncode:
        pytest.skip("cannot bind-mount here")
    try:
        if subprocess.run(["mount", "-o", "remount,ro,bind", str(target)]).returncode:
            pytest.skip("cannot remount read-only here")
        yield target / saved.name
    finally:
        subprocess.run(["umount", "-l", str(target)], check=True)


def test_database_on_a_read_only_file_system(read_only_mount: Path, saved: Path, cli) -> None:
    # SQLite cannot open a WAL database on read-only media the usual way; it is read
    # read-only instead (issue 12 item 8): reading works with a warning, a write is refused
    # in one sentence, and the data is left alone.
    url = f"sqlite:///{read_only_mount}"
    said = "read-only: changes cannot be saved (its folder cannot be written)"
    listed = cli("--db", url, "clients", "list", "--json")
    assert listed.code == 0
    assert [c["name"] for c in listed.json()] == ["Anna Smith"]
    assert listed.err == f"kara-tui: warning: {said}\n"
    added = cli("--db", url, "clients", "add", "Ben Jones")
    assert (added.code, added.out, added.err) == (2, "", f"kara-tui: {said}\n")
    names = [
        c["name"] for c in cli("--db", f"sqlite:///{saved}", "clients", "list", "--json").json()
    ]
    assert names == ["Anna Smith"]


# -- a full disk ---------------------------------------------------------------------------


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A 1 MB tmpfs (needs root; skipped elsewhere)."""
    mount = tmp_path / "tiny"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)], capture_output=True
    )
    if done.returncode:
        pytest.skip("cannot mount a tmpfs here")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=True)


def _fill(folder: Path) -> Path:
    """Take every free byte of the file system."""
    filler = folder / "filler"
    fd = os.open(filler, os.O_CREAT | os.O_WRONLY, 0o600)
    try:
        while True:
            os.write(fd, b"\0" * 4096)
    except OSError:
        pass
    finally:
        os.close(fd)
    return filler


def test_full_disk_in_the_cli_loses_nothing(tiny_disk: Path, cli) -> None:
    url = f"sqlite:///{tiny_disk / 'kara-tui' / 'kara.db'}"
    assert cli("--db", url, "clients", "add", "Anna Smith").code == 0
    assert (
        cli("--db", url, "sessions", "add", "--client", "1", "--start", "2026-11-17 10:00").code
        == 0
    )
    filler = _fill(tiny_disk)

    # Reading still works (issue 12 item 8); a change is refused in one sentence.
    said = "read-only: changes cannot be saved (the disk is full)"
    result = cli("--db", url, "clients", "add", "Ben Jones")
    assert (result.code, result.err) == (2, f"kara-tui: {said}\n")
    result = cli("--db", url, "clients", "list", "--json")
    assert (result.code, result.err) == (0, f"kara-tui: warning: {said}\n")
    assert [c["name"] for c in result.json()] == ["Anna Smith"]

    filler.unlink()
    assert [c["name"] for c in cli("--db", url, "clients", "list", "--json").json()] == [
        "Anna Smith"
    ]
    assert len(cli("--db", url, "sessions", "list", "--json").json()) == 1
    assert cli("--db", url, "clients", "add", "Ben Jones").code == 0


def test_full_disk_while_open_loses_nothing(tiny_disk: Path, clock) -> None:
    engine = make_engine(f"sqlite:///{tiny_disk / 'kara.db'}")
    upgrade(engine)
    practice = Practice(engine, clock)
    practice.add_client("Anna Smith")
    filler = _fill(tiny_disk)
    with pytest.raises(StorageError) as info:
        for n in range(400):  # the WAL has some room left; keep writing until it is used up
            practice.add_client(f"Client {n}", notes="x" * 2000)
    assert str(info.value) == FULL
    saved = [c.name for c in practice.list_clients()]
    assert "Anna Smith" in saved
    filler.unlink()
    engine.dispose()
    engine = make_engine(f"sqlite:///{tiny_disk / 'kara.db'}")
    practice = Practice(engine, clock)
    assert [c.name for c in practice.list_clients()] == saved
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
    engine.dispose()


def test_database_size_limit_is_a_full_disk(engine, practice, clock) -> None:
    """Without root, SQLite's own size limit raises the same SQLITE_FULL a full disk does."""
    practice.add_client("Anna Smith")
    pages = engine.connect().exec_driver_sql("PRAGMA page_count").scalar()
    engine.dispose()
    event.listen(
        engine,
        "connect",
        lambda conn, _rec: conn.execute(f"PRAGMA max_page_count = {pages + 2}"),
    )
    with pytest.raises(StorageError) as info:
        for n in range(200):
            practice.add_client(f"Client {n}", notes="x" * 2000)
    assert str(info.value) == FULL
    names = [c.name for c in practice.list_clients()]
    assert names[0] == "Anna Smith"
    assert all(n == "Anna Smith" or n.startswith("Client ") for n in names)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"


# -- locked --------------------------------------------------------------------------------


def test_locked_database_in_the_cli(cli, db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import kara_tui.db.engine as engine_module

    assert cli("clients", "add", "Anna Smith").code == 0
    before = cli("clients", "list", "--json").json()
    holder = sqlite3.connect(db_url.removeprefix("sqlite:///"), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    # The CLI builds its engine with the 5 s default; wait 0.2 s instead to keep the test quick.
    monkeypatch.setattr(
        engine_module, "make_engine", functools.partial(make_engine, busy_timeout_ms=200)
    )
    try:
        result = cli("clients", "add", "Ben Jones")
        assert (result.code, result.out, result.err) == (2, "", f"kara-tui: {BUSY}\n")
        # Reading still works while another writer holds the lock.
        assert cli("clients", "list", "--json").json() == before
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert cli("clients", "add", "Ben Jones").code == 0


def test_a_table_gone_from_the_database_is_said_in_one_line(saved: Path, cli) -> None:
    """Another program dropped a table: every command that needs it says so, no crash log."""
    conn = sqlite3.connect(saved)
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute("DROP TABLE sessions")
    conn.commit()
    conn.close()
    url = f"sqlite:///{saved}"
    cancel = ["sessions", "cancel", "1", "--reason", "professional"]
    for args in (["sessions", "list"], ["report"], cancel):
        said = cli("--db", url, *args)
        assert (said.code, said.out, said.err) == (2, "", f"kara-tui: {DAMAGED}\n"), args
    listed = cli("--db", url, "clients", "list", "--json")  # what is still there still reads
    assert [c["name"] for c in listed.json()] == ["Anna Smith"]
