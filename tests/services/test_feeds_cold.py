"""A cold import (a feed with nothing stored), or a big feed parsed whole again, is read and
stored part by part (ical/parts.py, services/feed_in_parts.py): the same rows and counts as
the whole parse and diff, nothing left behind when a feed is refused half-way, and a
100,000-event feed within its limits."""

from __future__ import annotations

import sqlite3
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from kara_tui.config import Settings
from kara_tui.db.engine import make_engine
from kara_tui.domain import Money
from kara_tui.ical import parse as parse_module
from kara_tui.ical import parts
from kara_tui.ical.parse import parse_feed
from kara_tui.services.feed_window import sync_window
from kara_tui.services.feeds import Feeds
from kara_tui.services.practice import Practice

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # benchmarks/ sits beside src/, outside the installed package
    sys.path.insert(0, str(ROOT))

from benchmarks.generate import generate_feed  # noqa: E402

NOW = datetime(2026, 11, 16, 8, 0, tzinfo=UTC)  # the conftest clock's


def _rows(practice: Any) -> list[tuple[Any, ...]]:
    with practice.engine.connect() as conn:
        return [
            tuple(row)
            for row in conn.execute(
                text(
                    "SELECT uid, recurrence_id, summary, location, busy, cancelled,"
                    " component_hash FROM external_events ORDER BY uid, recurrence_id"
                )
            )
        ]


@pytest.fixture
def counted_parts(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Parts of 40 VEVENTs; the size of each part body cut, in order."""
    monkeypatch.setattr(parts, "PART_EVENTS", 40)
    monkeypatch.setattr(parts, "WHOLE_EVENTS", 40)
    sizes: list[int] = []
    cut = parts.part_bodies

    def counting(body: bytes, outline: Any, size: int | None = None) -> Any:
        found = cut(body, outline, size)
        if found is None:
            return None
        return (sizes.append(len(part)) or part for part in found)

    monkeypatch.setattr(parse_module, "part_bodies", counting)
    return sizes


def test_a_cold_import_is_stored_part_by_part_as_the_whole_parse_reads_it(
    practice, tmp_path: Path, counted_parts: list[int]
) -> None:
    body = generate_feed(400, mode="providers", seed=5, today=NOW.date()).encode()
    path = tmp_path / "work.ics"
    path.write_bytes(body)
    settings = Settings()
    feeds = Feeds(practice, settings)
    report = feeds.import_file(path, name="Work")
    assert report.ok, report.message
    assert len(counted_parts) > 5  # read in parts, not whole
    window = sync_window(NOW, practice.tz, settings.horizon_past_days, settings.horizon_future_days)
    whole = parse_feed(body, window_start=window.start, window_end=window.end, default_tz=window.tz)
    want = sorted(
        (o.uid, o.recurrence_id, o.summary, o.location, o.busy, o.cancelled, o.component_hash)
        for o in whole.occurrences
    )
    assert report.added == len(want) > 1000
    assert _rows(practice) == [(*row[:4], int(row[4]), int(row[5]), row[6]) for row in want]
    assert feeds.get("Work").event_count == len(want)
    # the next sync of the same body is the unchanged one, as after a whole store
    [again] = feeds.sync("Work")
    assert again.ok and again.skipped and again.unchanged == len(want)


def _stored_form(occurrences: list[Any]) -> dict[tuple[str, str], tuple[Any, ...]]:
    return {(o.uid, o.recurrence_id): (o.start, o.end, o.component_hash) for o in occurrences}


def test_a_big_feed_parsed_whole_again_is_diffed_part_by_part(
    practice, tmp_path: Path, counted_parts: list[int]
) -> None:
    """A changed head makes a re-sync parse the whole body: diffed part by part against the
    stored rows of each part's UIDs, with the same counts and rows as one whole diff."""
    first = generate_feed(400, mode="providers", seed=5, today=NOW.date()).encode()
    path = tmp_path / "work.ics"
    path.write_bytes(first)
    settings = Settings()
    feeds = Feeds(practice, settings)
    feeds.add("Work", str(path))
    assert feeds.sync("Work")[0].ok
    # Another download: one event moved, one in 25 gone, and a changed head.
    second = generate_feed(400, mode="providers", seed=5, today=NOW.date(), changed=True)
    blocks = second.split("BEGIN:VEVENT\r\n")
    second = "BEGIN:VEVENT\r\n".join(b for i, b in enumerate(blocks) if not i or i % 25)
    second_body = second.replace("VERSION:2.0\r\n", "VERSION:2.0\r\nX-WR-CALDESC:new\r\n")
    assert second_body != second
    path.write_bytes(second_body.encode())
    del counted_parts[:]
    [report] = feeds.sync("Work")
    assert report.ok, report.message
    assert len(counted_parts) > 5  # read in parts, not whole
    window = sync_window(NOW, practice.tz, settings.horizon_past_days, settings.horizon_future_days)
    old, new = (
        _stored_form(
            parse_feed(
                body, window_start=window.start, window_end=window.end, default_tz=window.tz
            ).occurrences
        )
        for body in (first, second_body.encode())
    )
    kept = old.keys() & new.keys()
    unchanged = sum(old[key] == new[key] for key in kept)
    assert (report.added, report.removed) == (
        len(new.keys() - old.keys()),
        len(old.keys() - new.keys()),
    )
    assert (report.updated, report.unchanged) == (len(kept) - unchanged, unchanged)
    assert report.removed and report.unchanged and report.updated
    assert [row[:2] for row in _rows(practice)] == sorted(new)


def _bomb(singles: int, minutely: int) -> bytes:
    """Plain events first (stored in the first parts), then endless minutely rules."""
    start = NOW + timedelta(days=1)
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//kara-tui tests//EN"]
    for i in range(singles):
        lines += [
            "BEGIN:VEVENT",
            f"UID:single-{i}@bomb",
            f"DTSTART:{start + timedelta(hours=i):%Y%m%dT%H%M%SZ}",
            f"DTEND:{start + timedelta(hours=i, minutes=30):%Y%m%dT%H%M%SZ}",
            "SUMMARY:Meeting",
            "END:VEVENT",
        ]
    for i in range(minutely):
        lines += [
            "BEGIN:VEVENT",
            f"UID:minutely-{i}@bomb",
            f"DTSTART:{start + timedelta(seconds=i):%Y%m%dT%H%M%SZ}",
            "DURATION:PT1M",
            "RRULE:FREQ=MINUTELY",
            "SUMMARY:Bomb",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return ("\r\n".join(lines) + "\r\n").encode()


@pytest.mark.slow  # 60 minutely rules expanded to the feed's cap: ~45 s
def test_a_feed_bomb_refused_half_way_through_a_cold_import_stores_nothing(
    practice, tmp_path: Path, counted_parts: list[int]
) -> None:
    path = tmp_path / "bomb.ics"
    path.write_bytes(_bomb(singles=200, minutely=60))
    feeds = Feeds(practice, Settings())
    feeds.add("Bomb", str(path))
    [report] = feeds.sync("Bomb")
    assert len(counted_parts) > 5  # the plain events' parts were read (and written) first
    assert not report.ok and not report.stale
    assert report.message.startswith("Bomb: the feed is too costly to read: ")
    assert "(a feed's limit)" in report.message
    assert _rows(practice) == []  # the parts already written were rolled back
    feed = feeds.get("Bomb")
    assert feed.event_count == 0 and "too costly" in feed.last_error


@pytest.mark.slow
def test_a_100k_event_provider_feed_is_imported_whole(practice, tmp_path: Path) -> None:
    """Once refused (over 250,000 occurrences, and over 400 MB on the way)."""
    path = tmp_path / "big.ics"
    path.write_text(generate_feed(100_000, mode="providers", seed=1, today=NOW.date()))
    feeds = Feeds(practice, Settings(fetch_max_bytes=200_000_000))
    report = feeds.import_file(path, name="Big")
    assert report.ok, report.message
    assert report.added > 400_000 and report.updated == report.removed == 0
    assert feeds.get("Big").event_count == report.added


@pytest.mark.parametrize(("events", "pause_at"), [(30, 1), (400, 3)], ids=["one part", "parts"])
def test_another_writer_is_not_kept_waiting_while_a_feed_is_read(
    practice,
    db_url: str,
    clock,
    tmp_path: Path,
    counted_parts: list[int],
    monkeypatch,
    events: int,
    pause_at: int,
) -> None:
    """A cold import reads the feed before its write transaction: a body of one part whole,
    as any feed; one of several parts staged in a private temporary table, then moved. A
    booking while the import is half-way gets the write lock at once, and the import then
    stores everything, as if nothing had happened in between."""
    path = tmp_path / "work.ics"
    path.write_bytes(generate_feed(events, mode="providers", seed=5, today=NOW.date()).encode())
    feeds = Feeds(practice, Settings())
    feeds.add("Work", str(path))
    half_way, go_on = threading.Event(), threading.Event()
    parse_part = parse_module._parse_feed
    calls: list[int] = []

    def pausing(body: bytes, **kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) == pause_at:
            half_way.set()
            go_on.wait(60)
        return parse_part(body, **kwargs)

    monkeypatch.setattr(parse_module, "_parse_feed", pausing)
    reports: list[Any] = []
    sync = threading.Thread(target=lambda: reports.extend(feeds.sync("Work")))
    sync.start()
    try:
        assert half_way.wait(60)
        # Another process: a writer that waits a moment at most for the lock.
        other = Practice(make_engine(db_url, busy_timeout_ms=200), clock)
        anna = other.add_client("Anna Smith", fee=Money(9000, "GBP"))
        booked = other.book(anna.id, NOW + timedelta(days=2), force=True)
        other.engine.dispose()
    finally:
        go_on.set()
        sync.join(120)
    [report] = reports
    assert report.ok, report.message
    assert report.added == len(_rows(practice)) > events
    assert (len(counted_parts) > 5) == (events > parts.PART_EVENTS)
    assert practice.get_session(booked.id).client_id == anna.id


def test_a_big_feed_read_while_another_holds_the_write_lock_says_so_and_stores_nothing(
    db_url: str, engine, clock, tmp_path: Path, counted_parts: list[int]
) -> None:
    """The parts are read with the database locked by another writer; the one transaction at
    the end then waits its while, gives up, and says why in words."""
    practice = Practice(make_engine(db_url, busy_timeout_ms=100), clock)
    practice.ensure_professional()
    path = tmp_path / "work.ics"
    path.write_bytes(generate_feed(400, mode="providers", seed=5, today=NOW.date()).encode())
    feeds = Feeds(practice, Settings())
    feeds.add("Work", str(path))
    other = sqlite3.connect(db_url.removeprefix("sqlite:///"), isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        [report] = feeds.sync("Work")
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert len(counted_parts) > 5  # read in parts, while the database was locked
    assert not report.ok
    assert "the database is busy" in report.message, report.message
    assert _rows(practice) == []
    practice.engine.dispose()
