"""The first `feeds sync` of a local feed, stored without SQLAlchemy (services/feed_cold.py):
the same rows, group digests, feed row and report as the sync through Feeds, on the shared
corpus and generated feeds; anything else is left to Feeds with nothing written. (The whole
process loads no SQLAlchemy: tests/services/test_feeds_sync_imports.py.)"""

from __future__ import annotations

import sqlite3
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from feedkit import Ev, MemoryKeyring, copy_database, ics, week_of_events
from kara_tui.clock import FixedClock
from kara_tui.config import Settings
from kara_tui.db.engine import make_engine
from kara_tui.ical import parts
from kara_tui.services.feed_cold import sync_first
from kara_tui.services.feeds import Feeds
from kara_tui.services.practice import Practice

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # benchmarks/ sits beside src/, outside the installed package
    sys.path.insert(0, str(ROOT))

sys.path.insert(0, str(ROOT / "tests" / "corpus"))

from benchmarks.generate import generate_feed  # noqa: E402
from corpus_helpers import corpus_files  # noqa: E402

WIDE = Settings(horizon_past_days=365 * 30, horizon_future_days=365 * 3)  # the corpus's years


def _state(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Everything a sync writes, row by row. The events without their ids: the parser may
    give a series' occurrences in another order from one parse to the next (google_birthday.ics
    of the corpus), which only changes which id each row gets."""
    with sqlite3.connect(path) as conn:
        state = {
            "feeds": conn.execute("SELECT * FROM feeds ORDER BY id").fetchall(),
            "feed_groups": conn.execute("SELECT * FROM feed_groups ORDER BY 1, 2").fetchall(),
            "external_events": sorted(
                row[1:] for row in conn.execute("SELECT * FROM external_events ORDER BY id")
            ),
        }
    conn.close()
    return state


def _both_ways(
    practice: Practice, db_url: str, tmp_path: Path, body: bytes, settings: Settings = WIDE
) -> tuple[object, object]:
    """A new feed of ``body`` synced by Feeds (on a copy) and by sync_first: both reports,
    after checking that the two databases are the same."""
    feed = tmp_path / "feed.ics"
    feed.write_bytes(body)
    with sqlite3.connect(db_url.removeprefix("sqlite:///")) as conn:
        conn.execute("DELETE FROM feeds")  # cascades to the feed's events and digests
    conn.close()
    Feeds(practice, settings, keyring=MemoryKeyring()).add("Cal", str(feed))
    path = Path(db_url.removeprefix("sqlite:///"))
    copy = tmp_path / "reference.db"
    for old in tmp_path.glob("reference.db*"):
        old.unlink()
    copy_database(path, copy)
    engine = make_engine(f"sqlite:///{copy}")
    try:
        want = Feeds(Practice(engine, practice.clock), settings).sync("Cal")
    finally:
        engine.dispose()
    got = sync_first(db_url, settings, practice.clock.now(), practice.tz, "Cal")
    if got is not None:
        assert got == want
        assert _state(path) == _state(copy)
    else:
        assert _state(path)["external_events"] == []  # left to Feeds, nothing written
    return got, want


@pytest.mark.parametrize(
    ("mode", "seed", "events"),
    [("providers", 1, 120), ("providers", 2, 80), ("providers", 3, 40), ("birthdays", 1, 60)],
)
def test_a_generated_feed_is_stored_as_feeds_stores_it(
    practice: Practice, db_url: str, tmp_path: Path, mode: str, seed: int, events: int
) -> None:
    today = practice.clock.today()
    body = generate_feed(events, mode=mode, seed=seed, today=today).encode("utf-8")
    got, want = _both_ways(practice, db_url, tmp_path, body, Settings())
    assert got is not None, want
    assert " added, " in got[0].message  # type: ignore[index]


def test_problems_and_unreadable_bodies_are_said_and_recorded_as_feeds_does(
    practice: Practice, db_url: str, tmp_path: Path
) -> None:
    day = datetime(2026, 11, 18, 9, 0, tzinfo=UTC)
    long_uid = Ev("x" * 600, day, summary="Long")
    twice = Ev("twice", day + timedelta(days=1), summary="Twice")
    odd = Ev("odd", day + timedelta(days=2), extra="DURATION:soon\nRRULE:FREQ=NEVER")
    body = ics(*week_of_events(3), long_uid, twice, twice, odd)
    got, _ = _both_ways(practice, db_url, tmp_path, body)
    assert got is not None
    assert got[0].problems  # type: ignore[index]
    broken = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nthis is not a calendar\r\n"
    got, _ = _both_ways(practice, db_url, tmp_path, broken * 3)
    assert got is not None
    assert "stops in the middle of an event" in got[0].message  # type: ignore[index]


@pytest.mark.slow
@pytest.mark.skipif(not corpus_files(), reason="the shared corpus is not next to this checkout")
def test_every_corpus_file_is_stored_as_feeds_stores_it(
    practice: Practice, db_url: str, tmp_path: Path
) -> None:
    stored = 0
    for path in corpus_files():
        got, _ = _both_ways(practice, db_url, tmp_path, path.read_bytes())
        stored += got is not None
    assert stored > len(corpus_files()) // 2  # most files take the first-sync path


def test_anything_but_a_first_sync_of_one_local_feed_is_left_to_feeds(
    practice: Practice, clock: FixedClock, db_url: str, tmp_path: Path
) -> None:
    feeds = Feeds(practice, Settings(), keyring=MemoryKeyring())
    for name, events in (("Work", 5), ("Home", 2)):
        (tmp_path / f"{name}.ics").write_bytes(ics(*week_of_events(events, prefix=name)))
        feeds.add(name, str(tmp_path / f"{name}.ics"))
    now, tz = clock.now(), practice.tz
    assert sync_first(db_url, Settings(), now, tz, None) is None  # two feeds: Feeds syncs them
    assert sync_first(db_url, Settings(), now, tz, "Nobody") is None  # Feeds says why
    assert sync_first("postgresql://nowhere/kara", Settings(), now, tz, "Work") is None
    assert sync_first(db_url, Settings(fetch_max_bytes=10), now, tz, "Work") is None
    empty = tmp_path / "empty.ics"
    empty.write_bytes(b"")
    feeds.add("Empty", str(empty))
    assert sync_first(db_url, Settings(), now, tz, "Empty") is None  # fetch refuses it
    feeds.add("Web", "https://example.com/cal.ics", refresh_minutes=0)
    assert sync_first(db_url, Settings(), now, tz, "Web") is None
    assert [r.ok for r in feeds.sync("Home")] == [True]
    assert sync_first(db_url, Settings(), now + timedelta(days=1), tz, "Home") is None  # stored
    path = Path(db_url.removeprefix("sqlite:///"))
    with sqlite3.connect(path) as conn:  # a write that fails: rolled back, Feeds says why
        conn.execute(
            "CREATE TRIGGER refuse BEFORE INSERT ON feed_groups BEGIN SELECT RAISE(ABORT, 'no'); END"
        )
    conn.close()
    assert sync_first(db_url, Settings(), now, tz, "Work") is None
    with sqlite3.connect(path) as conn:
        assert conn.execute(
            "SELECT count(*) FROM external_events JOIN feeds ON feeds.id = feed_id"
            " WHERE feeds.name = 'Work'"
        ).fetchone() == (0,)
    conn.close()


def test_a_feed_of_more_events_than_one_part_is_left_to_feeds(
    practice: Practice, clock: FixedClock, db_url: str, tmp_path: Path, monkeypatch
) -> None:
    """Feeds stores a big feed part by part, bounding memory; this path would hold it whole."""
    monkeypatch.setattr(parts, "PART_EVENTS", 40)  # a big feed, in small
    monkeypatch.setattr(parts, "WHOLE_EVENTS", 100)
    feed = tmp_path / "big.ics"
    feed.write_bytes(ics(*week_of_events(parts.WHOLE_EVENTS + 1)))
    Feeds(practice, Settings(), keyring=MemoryKeyring()).add("Big", str(feed))
    assert sync_first(db_url, Settings(), clock.now(), practice.tz, "Big") is None
    with sqlite3.connect(Path(db_url.removeprefix("sqlite:///"))) as conn:
        assert conn.execute("SELECT count(*) FROM external_events").fetchone() == (0,)
        assert conn.execute("SELECT count(*) FROM feed_groups").fetchone() == (0,)
    conn.close()
    feed.write_bytes(ics(*week_of_events(parts.WHOLE_EVENTS)))  # read whole: stored here
    got = sync_first(db_url, Settings(), clock.now(), practice.tz, "Big")
    assert got is not None
    assert got[0].ok
