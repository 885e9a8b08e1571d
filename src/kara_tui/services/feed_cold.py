"""`feeds sync` of a local feed with nothing stored yet, parsed and stored without SQLAlchemy.

The first sync of a local file spends longer importing SQLAlchemy and the ORM rows than
parsing and storing a thousand events. When the database is an up-to-date SQLite file
(db/quick_reads.py opens it), the sync is of one feed, and that feed is a local file with no
stored occurrence or group digest and at most one part's VEVENTs (a bigger body is Feeds'
to store part by part, so that memory stays bounded: ical/parts.py), the file is read, parsed
and stored here through the stdlib driver: the same fetch, parse, rows (feed_rows.py), digests (feed_groups.py), feed
row and report as ``Feeds``. Anything else (an address, a feed with stored events, an empty
or refused file, a parser bug, a database error) returns None with nothing written, and the
caller syncs through ``Feeds``, which decides and says everything.
tests/services/test_feed_cold.py holds the two to the same database and the same reports.
"""

from __future__ import annotations

import hashlib
import sqlite3
from datetime import datetime, tzinfo

from kara_tui.config import Settings
from kara_tui.db import quick_store
from kara_tui.db.engine import StorageError
from kara_tui.db.quick_reads import FeedState, QuickReader
from kara_tui.ical import parts
from kara_tui.ical.fetch import FetchError, fetch_feed
from kara_tui.ical.parse import FeedUnreadable, parse_feed
from kara_tui.services.feed_groups import groups_to_store, in_file_order, write_group_digests
from kara_tui.services.feed_quick import feeds_to_sync
from kara_tui.services.feed_reports import FeedProblem, SyncReport, Written, written_report
from kara_tui.services.feed_rows import COLUMNS, keyed_occurrences, sqlite_row
from kara_tui.services.feed_window import Window, parse_options, sync_key, sync_window


class _Meanwhile(Exception):
    """Another sync stored the feed (or removed it) since it was read: Feeds does it."""


def sync_first(
    url: str, settings: Settings, now: datetime, tz: tzinfo, name: str | None
) -> list[SyncReport] | None:
    """The report of ``Feeds(...).sync(name)`` when it syncs one local feed that has
    nothing stored yet (and that sync, stored); None when ``Feeds`` must do it."""
    try:
        with feeds_to_sync(url, name) as found:
            if found is None or len(found[1]) != 1 or not _local(found[1][0].source):
                return None
            reader, (feed,) = found
            with reader.writing() as conn:  # a look only; BEGIN IMMEDIATE waits out a writer
                if not quick_store.stores_nothing(conn, feed.id):
                    return None
            window = sync_window(now, tz, settings.horizon_past_days, settings.horizon_future_days)
            report = _sync(reader, feed, settings, window, now)
    except (StorageError, sqlite3.Error, _Meanwhile):
        return None  # rolled back: Feeds syncs it, and says what is wrong
    return None if report is None else [report]


def _local(source: str) -> bool:
    """A local file kept as feeds keep one (its resolved absolute path); not an address or
    a keyring entry."""
    return source.startswith("/") and source == source.strip()


def _sync(
    reader: QuickReader, feed: FeedState, settings: Settings, window: Window, now: datetime
) -> SyncReport | None:
    """Fetch, parse and store as Feeds._sync_one does a feed with nothing stored."""
    try:
        fetched = fetch_feed(
            feed.source,
            deadline_seconds=settings.fetch_deadline_seconds,
            max_bytes=settings.fetch_max_bytes,
        )
    except FetchError:
        return None  # Feeds reads it again and says why
    body = fetched.body or b""
    key = sync_key(fetched.body_hash or hashlib.sha256(body).hexdigest(), window)
    if (
        key == feed.body_hash
        or not body.strip()
        or not parts.read_whole(body.count(b"BEGIN:VEVENT"))
    ):
        return None
    minutes = settings.feed_unknown_length_minutes
    try:
        result = parse_feed(body, **parse_options(window, minutes), only=None, outline=None)
    except FeedUnreadable as exc:
        from kara_tui.services.feed_wording import scrub, worded  # only a refused body is worded

        reason = worded(feed.source, scrub(str(exc)))
        with reader.writing() as conn:
            quick_store.record_unreadable(conn, feed.id, reason, now)
        return SyncReport(feed.name, ok=False, message=f"{feed.name}: {reason}")
    except Exception:  # a parser bug: Feeds says it in its words
        return None
    problems = [FeedProblem(feed.name, p.uid, p.reason) for p in result.problems]
    fresh = keyed_occurrences(feed.name, result.occurrences, problems)
    groups = groups_to_store(result.outline, window)
    if groups is not None:
        problems = in_file_order(problems, groups[0])
    with reader.writing() as conn:
        if not quick_store.stores_nothing(conn, feed.id):
            raise _Meanwhile
        added = quick_store.Inserts(conn, "external_events").insert(
            COLUMNS, (sqlite_row(feed.id, uid_key, occ) for uid_key, occ in fresh.items())
        )
        if groups is not None:
            digests = quick_store.Inserts(conn, "feed_groups")
            write_group_digests(digests, feed.id, groups[0], groups[1], problems)
        quick_store.record_store(
            conn,
            feed.id,
            etag=fetched.etag,
            last_modified=fetched.last_modified,
            sync_key=key,
            now=now,
            count=len(fresh),
        )
    return written_report(feed.name, Written(added=added), problems)
