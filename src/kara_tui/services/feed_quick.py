"""`feeds sync` of local feeds whose file did not change, decided with the stdlib alone.

A sync from cron mostly finds nothing new, and importing SQLAlchemy, the HTTP client and
the parser costs more than the rest of such a sync. Here, before any of them is imported,
each feed to sync is read as ``Feeds`` would read it and its key compared with the stored
one; only when every feed is a local file that is unchanged is the sync recorded here (as
``Feeds`` records an unchanged body). Anything else returns None, and the caller syncs
through ``Feeds``, which decides and says everything. tests/services/test_feed_quick.py
holds the two to the same database state and the same reports.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, tzinfo
from pathlib import Path

from kara_tui.config import Settings
from kara_tui.db.engine import StorageError
from kara_tui.db.quick_reads import FeedState, QuickReader
from kara_tui.services.feed_reports import SyncReport, plural
from kara_tui.services.feed_window import sync_key, sync_window


def sync_unchanged(
    url: str, settings: Settings, now: datetime, tz: tzinfo, name: str | None
) -> list[SyncReport] | None:
    """The reports of ``Feeds(...).sync(name)`` when every feed it would sync is an
    unchanged local file (and that sync, recorded); None when ``Feeds`` must do it."""
    with feeds_to_sync(url, name) as found:
        if found is None:
            return None
        reader, feeds = found
        window = sync_window(now, tz, settings.horizon_past_days, settings.horizon_future_days)
        keys: dict[int, str] = {}
        for feed in feeds:
            if feed.body_hash is None:
                return None  # never stored: a first sync (feed_cold.py), not an unchanged one
            body_hash = _file_hash(feed.source, settings.fetch_max_bytes)
            if body_hash is None:
                return None
            key = sync_key(body_hash, window)
            if key != feed.body_hash:
                return None
            keys[feed.id] = key
        try:
            counts = reader.record_unchanged(keys, now)
        except (StorageError, sqlite3.Error):
            return None  # read-only, locked, full: rolled back, and Feeds says what it is
    if len(counts) != len(feeds):
        return None  # one was removed meanwhile: Feeds says so
    return [
        SyncReport(
            feed.name,
            ok=True,
            message=f"{feed.name}: unchanged ({plural(counts[feed.id], 'event')})",
            unchanged=counts[feed.id],
            skipped=True,
        )
        for feed in feeds
    ]


@contextmanager
def feeds_to_sync(
    url: str, name: str | None
) -> Iterator[tuple[QuickReader, list[FeedState]] | None]:
    """The quick reader of ``url`` and the feeds ``Feeds.sync(name)`` syncs, the reader
    closed after; None when the quick reads do not open the database, or when there is no
    such feed or none to sync (Feeds says so)."""
    reader = QuickReader.open(url)
    if reader is None:
        yield None
        return
    try:
        feeds = reader.feeds_to_sync(name)
        yield (reader, feeds) if feeds else None
    finally:
        reader.close()


def _file_hash(source: str, max_bytes: int) -> str | None:
    """The body hash ical.fetch gives a local file it reads without complaint; None for
    anything else (an address, a keyring entry, a file it would refuse or cannot read)."""
    if not source.startswith("/") or source != source.strip():
        return None  # feeds keep a local file as its resolved absolute path
    path = Path(source)
    try:
        if not path.is_file() or path.stat().st_size > max_bytes:
            return None
        body = path.read_bytes()
    except OSError:
        return None
    head = body[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    if len(body) > max_bytes or not head or head.startswith(b"<"):
        return None  # fetch refuses it (empty, a web page): Feeds reports that
    return hashlib.sha256(body).hexdigest()
