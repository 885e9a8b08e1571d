"""A feed's first store through the stdlib ``sqlite3`` driver, for services/feed_cold.py.

Rows are handed to the driver as given: their values must already be as SQLite keeps them
(db/codec.py), the way db/bulk.py's ``formed`` rows are.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from datetime import datetime
from itertools import islice
from typing import Any

from kara_tui.db.codec import sqlite_instant

WRITE_CHUNK = 5000  # rows per executemany: a generator's rows are never all held at once


class Inserts:
    """``feed_groups.Inserts`` (db/bulk.py's ``Bulk.insert``) on a sqlite3 connection."""

    def __init__(self, conn: sqlite3.Connection, table: str) -> None:
        self._conn = conn
        self._table = table

    def insert(
        self, columns: Sequence[str], rows: Iterable[Sequence[Any]], *, formed: bool = False
    ) -> int:
        """Insert ``rows`` (one stored value per column named); returns how many."""
        del formed  # every row here is formed already
        names = ", ".join(f'"{c}"' for c in columns)
        sql = f'INSERT INTO "{self._table}" ({names}) VALUES ({", ".join("?" * len(columns))})'
        done = 0
        pending = iter(rows)
        while chunk := list(islice(pending, WRITE_CHUNK)):
            self._conn.executemany(sql, chunk)
            done += len(chunk)
        return done


def stores_nothing(conn: sqlite3.Connection, feed_id: int) -> bool:
    """Whether the feed exists with no stored occurrence and no group digest."""
    row = conn.execute(
        "SELECT (SELECT count(*) FROM feeds WHERE id = ?),"
        " EXISTS (SELECT 1 FROM external_events WHERE feed_id = ?),"
        " EXISTS (SELECT 1 FROM feed_groups WHERE feed_id = ?)",
        (feed_id, feed_id, feed_id),
    ).fetchone()
    return bool(row == (1, 0, 0))


def record_store(
    conn: sqlite3.Connection,
    feed_id: int,
    *,
    etag: str | None,
    last_modified: str | None,
    sync_key: str,
    now: datetime,
    count: int,
) -> None:
    """A store went through: the feed row says so, as feed_store.record_store has it."""
    stamp = sqlite_instant(now)
    conn.execute(
        "UPDATE feeds SET etag = ?, last_modified = ?, body_hash = ?, last_attempt = ?,"
        " last_success = ?, last_error = '', stale = 0, event_count = ? WHERE id = ?",
        (etag, last_modified, sync_key, stamp, stamp, count, feed_id),
    )


def record_unreadable(conn: sqlite3.Connection, feed_id: int, reason: str, now: datetime) -> None:
    """The body could not be read, and nothing was stored to keep (feed_store.record_failure
    of a feed with no stored events: not stale)."""
    conn.execute(
        "UPDATE feeds SET last_attempt = ?, last_error = ?, stale = 0 WHERE id = ?",
        (sqlite_instant(now), reason, feed_id),
    )
