"""A slow feed server cannot hold a sync past its deadline, and a closing app cannot wait on one.

The server is a real socket server on 127.0.0.1 that trickles bytes (feedservers.TrickleServer);
the database is a real SQLite file.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from feedkit import MemoryKeyring, ics, week_of_events
from feedservers import TRICKLES, TrickleServer
from kara_tui.config import Settings
from kara_tui.services.feeds import Feeds, SyncReport
from support.servers import wait_until

DEADLINE = 1.0
GOOD = ics(*week_of_events(5))
WEEK = datetime(2026, 11, 16, tzinfo=UTC)


@pytest.fixture
def server() -> Iterator[TrickleServer]:
    with TrickleServer(GOOD) as running:
        yield running


def synced_feeds(practice, server: TrickleServer, **kwargs: object) -> Feeds:
    """A feed that has synced its five events once; the server then turns slow."""
    feeds = Feeds(
        practice,
        Settings(fetch_deadline_seconds=DEADLINE),
        keyring=MemoryKeyring(),
        **kwargs,  # type: ignore[arg-type]
    )
    feeds.add("Work", server.url("/private-0123456789abcdef/basic.ics"))
    [first] = feeds.sync("Work")
    assert first.ok and first.added == 5, first.message
    return feeds


@pytest.mark.parametrize("mode", TRICKLES)
def test_a_trickling_server_ends_the_sync_at_the_deadline_and_keeps_the_events(
    practice, server: TrickleServer, mode: str
) -> None:
    feeds = synced_feeds(practice, server)
    server.mode = mode
    started = time.monotonic()
    [report] = feeds.sync("Work")
    assert time.monotonic() - started < DEADLINE + 1.0
    assert not report.ok and report.stale
    assert "127.0.0.1 did not send the calendar within 1 s" in report.message
    assert "kept the 5 stored events" in report.message
    feed = feeds.get("Work")
    assert feed.stale and feed.event_count == 5
    assert len(feeds.events("Work", start=WEEK, end=WEEK + timedelta(days=7))) == 5
    assert wait_until(lambda: server.closed == server.requests)  # no connection left open


def test_cancel_ends_a_fetch_at_once_and_marks_nothing_stale(
    practice, server: TrickleServer
) -> None:
    """The app is closing: the fetch under way ends, its connection closed, long before the
    deadline, and the feed is not blamed for it."""
    cancel = threading.Event()
    feeds = synced_feeds(practice, server, cancel=cancel)
    feeds.settings = Settings(fetch_deadline_seconds=60)
    server.mode = "chunks"
    reports: list[SyncReport] = []
    sync = threading.Thread(target=lambda: reports.extend(feeds.sync("Work")))
    sync.start()
    assert wait_until(lambda: server.requests == 2)
    cancel.set()
    sync.join(5)
    assert not sync.is_alive(), "the sync went on after cancel"
    [report] = reports
    assert not report.ok and not report.stale
    assert report.message == "Work: the sync was stopped before the feed was read"
    feed = feeds.get("Work")
    assert not feed.stale and feed.event_count == 5
    assert wait_until(lambda: server.closed == 2)
