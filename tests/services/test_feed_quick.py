"""`feeds sync` of unchanged local feeds, decided before SQLAlchemy and the parser are loaded
(services/feed_quick.py): the same reports and the same database as a sync through Feeds."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest

from feedkit import MemoryKeyring, copy_database, ics, week_of_events
from kara_tui.clock import FixedClock
from kara_tui.config import Settings
from kara_tui.db.engine import make_engine
from kara_tui.services import feed_quick
from kara_tui.services.feed_quick import sync_unchanged
from kara_tui.services.feeds import Feeds
from kara_tui.services.practice import Practice
from support.importtime import run_cli

LATER = timedelta(hours=3)


def _rows(path: Path) -> list[tuple[object, ...]]:
    with sqlite3.connect(path) as conn:
        rows = conn.execute(
            "SELECT id, name, source, etag, last_modified, body_hash, last_attempt,"
            " last_success, last_error, stale, event_count FROM feeds ORDER BY id"
        ).fetchall()
    conn.close()
    return rows


def _two_feeds(practice: Practice, tmp_path: Path) -> tuple[Feeds, Path]:
    work, home = tmp_path / "work.ics", tmp_path / "home.ics"
    work.write_bytes(ics(*week_of_events(5)))
    home.write_bytes(ics(*week_of_events(2, prefix="home"), name="Home"))
    feeds = Feeds(practice, Settings(), keyring=MemoryKeyring())
    feeds.add("Work", str(work))
    feeds.add("Home", str(home))
    feeds.add("Off", str(home))
    feeds.set_enabled("Off", False)
    assert all(r.ok for r in feeds.sync())
    return feeds, work


def test_unchanged_local_feeds_are_recorded_and_reported_as_feeds_does(
    practice: Practice, clock: FixedClock, db_url: str, tmp_path: Path
) -> None:
    _two_feeds(practice, tmp_path)
    path = Path(db_url.removeprefix("sqlite:///"))
    later = FixedClock(clock.now() + LATER, "Europe/London")
    for name in (None, "Work", " Home "):
        copy = tmp_path / f"copy-{name}.db"
        copy_database(path, copy)
        reference = Feeds(Practice(make_engine(f"sqlite:///{copy}"), later), Settings())
        want = reference.sync(name)
        got = sync_unchanged(db_url, Settings(), later.now(), practice.tz, name)
        assert got == want
        assert [r.message for r in got] == (
            ["Home: unchanged (2 events)", "Work: unchanged (5 events)"]
            if name is None
            else [f"{name.strip()}: unchanged ({5 if name == 'Work' else 2} events)"]
        )
        assert _rows(path) == _rows(copy)


def test_anything_but_unchanged_local_feeds_is_left_to_feeds(
    practice: Practice, clock: FixedClock, db_url: str, tmp_path: Path
) -> None:
    feeds, work = _two_feeds(practice, tmp_path)
    path = Path(db_url.removeprefix("sqlite:///"))
    before = _rows(path)
    now, tz = clock.now() + LATER, practice.tz
    assert sync_unchanged(db_url, Settings(), now, tz, "Nobody") is None  # Feeds says why
    assert sync_unchanged(db_url, Settings(fetch_max_bytes=10), now, tz, None) is None
    # another day: another window, so the body is parsed again
    assert sync_unchanged(db_url, Settings(), now + timedelta(days=1), tz, None) is None
    work.write_bytes(ics(*week_of_events(4)))
    assert sync_unchanged(db_url, Settings(), now, tz, "Home") is not None
    assert sync_unchanged(db_url, Settings(), now, tz, "Work") is None
    work.write_bytes(b"")  # fetch refuses an empty file: Feeds reports it
    assert sync_unchanged(db_url, Settings(), now, tz, "Work") is None
    feeds.add("Web", "https://example.com/cal.ics", refresh_minutes=0)
    assert sync_unchanged(db_url, Settings(), now, tz, "Web") is None
    assert [row[0:6] for row in _rows(path)][:3] == [row[0:6] for row in before]
    assert sync_unchanged("postgresql://nowhere/kara", Settings(), now, tz, None) is None
    with sqlite3.connect(path) as conn:  # a write that fails: rolled back, Feeds says why
        conn.execute(
            "CREATE TRIGGER refuse BEFORE UPDATE ON feeds BEGIN SELECT RAISE(ABORT, 'no'); END"
        )
    conn.close()
    assert sync_unchanged(db_url, Settings(), now, tz, "Home") is None


def test_a_feed_never_synced_is_left_to_the_first_sync_without_reading_its_file(
    practice: Practice,
    clock: FixedClock,
    db_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A first sync (feed_cold.py) reads and hashes the body itself: it is not read twice."""
    feed = tmp_path / "work.ics"
    feed.write_bytes(ics(*week_of_events(5)))
    Feeds(practice, Settings(), keyring=MemoryKeyring()).add("Work", str(feed))

    def read(*args: object) -> str:
        raise AssertionError("the body of a feed with nothing stored was read")

    monkeypatch.setattr(feed_quick, "_file_hash", read)
    assert sync_unchanged(db_url, Settings(), clock.now(), practice.tz, None) is None


def test_an_unchanged_feeds_sync_loads_neither_sqlalchemy_nor_the_parser(
    practice: Practice, db_url: str, tmp_path: Path
) -> None:
    _two_feeds(practice, tmp_path)
    later = practice.clock.now() + LATER
    run = run_cli("feeds", "sync", db_url=db_url, now=later, home=tmp_path)
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.splitlines() == ["Home: unchanged (2 events)", "Work: unchanged (5 events)"]
    loaded = run.loaded
    assert not {"sqlalchemy", "httpx", "icalendar", "recurring_ical_events", "keyring"} & loaded
