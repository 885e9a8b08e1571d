"""A big feed's rows staged in a private temporary table, then moved in one short write (SQLite).

SQLite has one write lock per database: a cold import of a 100,000-event feed that parsed
inside its write transaction would hold it for the whole parse (about 20 s), and any write
of the app (a booking) waits 5 s at most for it. So each part's rows go to a TEMP table of
the importing connection first (TEMP is the connection's own database, in a file SQLite
deletes itself: the main database stays unlocked, and no transaction is left open between
parts), and one transaction at the end makes the feed's stored rows those of the stage with
a few statements run by SQLite itself: a diff on (UID, RECURRENCE-ID), the same one as
feed_store.write_occurrences (an occurrence is unchanged when its component hash, start and
end as stored are), so the stored ids of unchanged and rewritten rows stay.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection

from kara_tui.ical.parse import Occurrence
from kara_tui.services.feed_reports import Written
from kara_tui.services.feed_rows import COLUMNS, sqlite_values

_STAGE = "temp.kara_feed_stage"
MOVE_CACHE_KIB = 64 * 1024  # the importing connection's page cache, while it lives
_NAMES = [f'"{c}"' for c in COLUMNS[1:]]  # after feed_id
_SET = _NAMES[2:]  # what an update rewrites: from "start" on
_EVENTS = "external_events"
_KEY = f"s.uid = {_EVENTS}.uid AND s.recurrence_id = {_EVENTS}.recurrence_id"
_CHANGED = " OR ".join(f"{_EVENTS}.{c} IS NOT s.{c}" for c in ("component_hash", "start", '"end"'))

# Rows of the feed no longer staged, staged rows that differ from the stored ones, and
# staged rows not stored yet (no alias on the table written: older SQLite has none); the
# feed's id is every "?".
_DELETE = f"""DELETE FROM {_EVENTS} WHERE feed_id = ?
AND NOT EXISTS (SELECT 1 FROM {_STAGE} AS s WHERE {_KEY})"""
_UPDATE = f"""UPDATE {_EVENTS} SET ({", ".join(_SET)})
= (SELECT {", ".join(f"s.{c}" for c in _SET)} FROM {_STAGE} AS s WHERE {_KEY})
WHERE feed_id = ? AND EXISTS (SELECT 1 FROM {_STAGE} AS s WHERE {_KEY} AND ({_CHANGED}))"""
_INSERT = f"""INSERT INTO {_EVENTS} ("feed_id", {", ".join(_NAMES)})
SELECT ?, {", ".join(f"s.{c}" for c in _NAMES)} FROM {_STAGE} AS s
WHERE NOT EXISTS (SELECT 1 FROM {_EVENTS} AS e WHERE e.feed_id = ?
AND s.uid = e.uid AND s.recurrence_id = e.recurrence_id)
ORDER BY s.uid, s.recurrence_id"""  # the order of the feed's key: its index grows at one end


class Stage:
    """The TEMP table of ``conn`` (a connection of its own: the caller discards it after,
    with the table) that holds the rows of one feed's parse until they are moved."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self.count = 0
        # TEMP in a file, whatever SQLite was built with: a big feed's rows are tens of MB.
        # (Outside a transaction: SQLite changes it only there.)
        raw = conn.connection.driver_connection
        raw.execute("PRAGMA temp_store = FILE")  # type: ignore[union-attr]
        # The move writes half a million rows into two indexes: with SQLite's default 2 MB
        # of cache it rereads and rewrites their pages many times over, and holds the write
        # lock twice as long. The cache goes with the connection.
        raw.execute(f"PRAGMA main.cache_size = -{MOVE_CACHE_KIB}")  # type: ignore[union-attr]
        # No column types: values are kept as given, which are those external_events stores.
        conn.exec_driver_sql(f"DROP TABLE IF EXISTS {_STAGE}")  # never another import's rows
        conn.exec_driver_sql(f"CREATE TABLE {_STAGE} ({', '.join(_NAMES)})")
        conn.commit()

    def add(self, fresh: Iterable[tuple[tuple[str, str], Occurrence]]) -> None:
        """Stage one part's occurrences (by key, as feed_store.keyed_occurrences gives them)."""
        rows = [sqlite_values(key, occ) for key, occ in fresh]
        if rows:
            marks = ", ".join("?" for _ in _NAMES)
            self._conn.exec_driver_sql(f"INSERT INTO {_STAGE} VALUES ({marks})", rows)
        self._conn.commit()  # no transaction stays open while the next part is read
        self.count += len(rows)

    def ready(self) -> None:
        """Index the stage by key (outside the write transaction, which only reads it)."""
        self._conn.exec_driver_sql(
            "CREATE INDEX temp.kara_feed_stage_key ON kara_feed_stage (uid, recurrence_id)"
        )
        self._conn.commit()

    def move(self, feed_id: int) -> Written:
        """Make the feed's stored rows those staged, in the caller's write transaction."""
        run = self._conn.exec_driver_sql
        written = Written()
        written.removed = run(_DELETE, (feed_id,)).rowcount
        written.updated = run(_UPDATE, (feed_id,)).rowcount
        written.added = run(_INSERT, (feed_id, feed_id)).rowcount
        written.unchanged = self.count - written.added - written.updated
        return written
