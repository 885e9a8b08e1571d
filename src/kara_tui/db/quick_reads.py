"""The calendar's reads of a SQLite database through the stdlib ``sqlite3`` driver.

Opening the calendar must draw the week quickly, and SQLAlchemy's import alone takes longer
than the whole first screen may. ``QuickReader`` answers the few questions a calendar page
asks (the professional, a range's sessions, time off and feed events, the feeds, the clients'
names) with plain SQL against the schema of ``db.rows``, and gives the same domain values the
``Practice`` methods of the same names give: tests/db/test_quick_reads.py compares the two on
one database. Everything else, writes above all, still goes through the Practice.

It only opens a database that needs nothing done first: an existing SQLite file at the
schema's HEAD revision with its professional. ``open`` returns None for anything else (a new
file, a migration due, PostgreSQL, an unusual URL, a file it cannot read), and the caller
takes the ordinary path, which creates, migrates or explains.
"""

from __future__ import annotations

import sqlite3
import threading
from collections import namedtuple
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from kara_tui import domain as d
from kara_tui.db import codec
from kara_tui.db.codec import instant_from_sqlite, sqlite_instant
from kara_tui.db.engine import BUSY_TIMEOUT_MS, StorageError, explain
from kara_tui.db.schema import HEAD

Row = tuple[Any, ...]


# Never compared, hashed or shown: no generated __eq__, __hash__ or __repr__ (each is
# compiled at import; issue 19).
@dataclass(frozen=True, slots=True, eq=False, repr=False)
class FeedState:
    """What deciding that a feed is unchanged needs of its row."""

    id: int
    name: str
    source: str
    body_hash: str | None
    event_count: int


_SQLITE_PREFIXES = ("sqlite:///", "sqlite+pysqlite:///")


def sqlite_path(url: str) -> Path | None:
    """The file of a plain SQLite URL (``sqlite:///relative`` or ``sqlite:////absolute``).

    None for anything this module does not read itself: other backends, memory databases,
    URLs with options or escapes, paths with a ``~``.
    """
    prefix = next((p for p in _SQLITE_PREFIXES if url.startswith(p)), None)
    if prefix is None:
        return None
    database = url[len(prefix) :]
    if not database or database == ":memory:" or any(c in database for c in "?%~#"):
        return None
    if database.startswith("file:"):
        return None
    return Path(database)


def _db_time(value: datetime) -> str:
    """A time as SQLAlchemy keeps it in SQLite (db/codec.py)."""
    text = sqlite_instant(value)
    assert text is not None  # a datetime was given
    return text


def _overlapping(table: str, start: datetime | None, end: datetime | None) -> tuple[str, list[str]]:
    """' WHERE ...' (or "") and its parameters for the rows of ``table`` (an alias and its
    dot, or "") that overlap [start, end); either bound may be open."""
    where, params = [], []
    if start is not None:
        where.append(f'{table}"end" > ?')
        params.append(_db_time(start))
    if end is not None:
        where.append(f"{table}start < ?")
        params.append(_db_time(end))
    return (" WHERE " + " AND ".join(where) if where else ""), params


_utc = instant_from_sqlite


def _marks(n: int) -> str:
    return ",".join("?" * n)


def _utc_or_none(text: str | None) -> datetime | None:
    return None if text is None else _utc(text)


def _stored(names: Sequence[str], rows: Sequence[Row]) -> list[Any]:
    """Rows as the attributes codec's mappings read (their columns by name), their times
    decoded as the ORM's are. Which columns are times is found once per query, not per row:
    the calendar reads a week's hundreds of events at each key."""
    times = [i for i, name in enumerate(names) if name in codec.TIME_COLUMNS]
    shape = _shape(tuple(names))
    stored: list[Any] = []
    for row in rows:
        values = list(row)
        for i in times:
            if values[i] is not None:
                values[i] = _utc(values[i])
        stored.append(shape._make(values))
    return stored


@lru_cache(maxsize=64)
def _shape(names: tuple[str, ...]) -> Any:
    """A query's rows as a named tuple: read by attribute as codec does, and built far
    faster than a namespace of keywords."""
    return namedtuple("Stored", names)


class QuickReader:
    """Read-only queries for the calendar on one SQLite file; safe to share between threads."""

    def __init__(self, connection: sqlite3.Connection, path: Path) -> None:
        self._conn = connection
        self.path = path
        self._lock = threading.Lock()

    @classmethod
    def open(cls, url: str) -> QuickReader | None:
        """A reader for ``url`` when it is an up-to-date SQLite practice, else None."""
        path = sqlite_path(url)
        if path is None or not path.is_file():
            return None
        try:
            # mode=rw: never create a file (the ordinary path does that, with its permissions).
            conn = sqlite3.connect(
                f"file:{quote(str(path))}?mode=rw",
                uri=True,
                timeout=BUSY_TIMEOUT_MS / 1000,
                check_same_thread=False,
            )
        except sqlite3.Error:
            return None
        reader = cls(conn, path)
        try:
            current = conn.execute("SELECT version_num FROM alembic_version").fetchall()
            ready = current == [(HEAD,)] and reader._professional_row() is not None
        except sqlite3.Error:
            ready = False  # not a kara-tui database, damaged, locked: the ordinary path says so
        if not ready:
            conn.close()
            return None
        return reader

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    @contextmanager
    def writing(self) -> Iterator[sqlite3.Connection]:
        """One write transaction on this reader's connection (db/quick_store.py writes in it):
        committed when the block ends, rolled back if it raises; a database failure is a
        StorageError, as in the Practice."""
        with self._lock:
            try:
                self._conn.execute("PRAGMA foreign_keys = ON")  # as the engine's connections
                self._conn.execute("BEGIN IMMEDIATE")
                try:
                    yield self._conn
                except BaseException:
                    self._conn.rollback()
                    raise
                self._conn.commit()
            except sqlite3.Error as exc:
                message = explain(exc)
                if message is None:
                    raise
                raise StorageError(message) from exc

    def _all(self, sql: str, params: Sequence[object] = ()) -> list[Row]:
        """The rows of one query; a database failure becomes StorageError, as in the Practice."""
        return self._query(sql, params)[1]

    def _stored(self, sql: str, params: Sequence[object] = ()) -> list[Any]:
        """The rows of one query as codec's mappings read them, by column name."""
        names, rows = self._query(sql, params)
        return _stored(names, rows)

    def _query(self, sql: str, params: Sequence[object]) -> tuple[list[str], list[Row]]:
        try:
            with self._lock:
                cursor = self._conn.execute(sql, params)
                rows = cursor.fetchall()
                return [c[0] for c in cursor.description or ()], rows
        except sqlite3.Error as exc:
            message = explain(exc)
            if message is None:
                raise
            raise StorageError(message) from exc

    # -- the professional and the clients --------------------------------------------------

    _PROFESSIONAL = "SELECT * FROM professionals ORDER BY id LIMIT 1"

    def _professional_row(self) -> Row | None:
        rows = self._conn.execute(self._PROFESSIONAL).fetchall()
        return rows[0] if rows else None

    def professional(self) -> d.Professional:
        rows = self._stored(self._PROFESSIONAL)
        if not rows:
            raise StorageError("the practice's settings are missing from the database")
        return codec.professional(rows[0])

    def timezone(self) -> str:
        """The practice's zone name, as ``professional().timezone`` (without building the
        domain's classes: a `feeds sync` needs only this)."""
        rows = self._conn.execute(
            "SELECT timezone FROM professionals ORDER BY id LIMIT 1"
        ).fetchall()
        if not rows:
            raise StorageError("the practice's settings are missing from the database")
        return str(rows[0][0])

    def list_clients(self, *, include_archived: bool = False) -> list[d.Client]:
        sql = "SELECT * FROM clients"
        if not include_archived:
            sql += " WHERE archived = 0"
        return [codec.client(row) for row in self._stored(sql + " ORDER BY name")]

    def is_empty(self) -> bool:
        """True on a first run: no clients and no sessions yet."""
        return not self._all("SELECT id FROM clients LIMIT 1") and not self._all(
            "SELECT id FROM sessions LIMIT 1"
        )

    def change_token(self) -> object:
        """SQLite's ``PRAGMA data_version`` on this connection: it changes when another
        connection (the CLI, a colleague, this app's own Practice) commits, and costs no read
        of any table, so the calendar can ask every few seconds."""
        return self._all("PRAGMA data_version")[0][0]

    # -- a range of the calendar -------------------------------------------------------------

    def list_sessions(
        self, *, start: datetime | None = None, end: datetime | None = None
    ) -> list[d.Session]:
        """Sessions overlapping [start, end), in start order, as ``Practice.list_sessions``."""
        where, params = _overlapping("s.", start, end)
        sql = (
            "SELECT c.name AS client_name, s.* "
            "FROM sessions AS s JOIN clients AS c ON c.id = s.client_id"
            + where
            + " ORDER BY s.start, s.id"
        )
        rows = self._stored(sql, params)
        ids = [r.id for r in rows]
        cancellations = self._cancellations(ids)
        charges = self._charges(ids)
        return [
            codec.session(
                r,
                client_name=r.client_name,
                cancellation=cancellations.get(r.id),
                charges=tuple(charges.get(r.id, ())),
            )
            for r in rows
        ]

    def series_left(self, series_ids: list[int], now: datetime) -> dict[int, int]:
        """As ``Practice.series_left``: scheduled sessions still to come of each series that
        has an end (a count, a date, or ended), by series id."""
        if not series_ids:
            return {}
        rows = self._all(
            "SELECT r.id, (SELECT count(*) FROM sessions AS s WHERE s.series_id = r.id "
            "AND s.status = 'scheduled' AND s.start > ?) FROM session_series AS r "
            f"WHERE r.id IN ({_marks(len(series_ids))}) AND (r.count IS NOT NULL OR "
            "r.until IS NOT NULL OR r.ended_from IS NOT NULL)",
            [_db_time(now), *series_ids],
        )
        return {series_id: left for series_id, left in rows}

    def series_positions(self, session_ids: list[int], now: datetime) -> dict[int, str]:
        """As the Practice's agenda reads: each session of a series among ``session_ids`` in
        the words of policy/series_place.py, by session id."""
        from kara_tui.domain.series import Repeat, SeriesRule
        from kara_tui.policy.series_place import Member, position

        if not session_ids:
            return {}
        wanted = set(session_ids)
        series_ids = sorted(
            {
                r[0]
                for ids in _chunks(sorted(wanted))
                for r in self._all(
                    f"SELECT DISTINCT series_id FROM sessions WHERE id IN ({_marks(len(ids))}) "
                    "AND series_id IS NOT NULL",
                    ids,
                )
            }
        )
        found: dict[int, str] = {}
        for series_id, first, zone, repeat, every, count, until, nth, ended in self._all(
            "SELECT id, first_start, zone, repeat, interval, count, until, position, ended_from "
            f"FROM session_series WHERE id IN ({_marks(len(series_ids))}) ORDER BY id",
            series_ids,
        ):
            rule = SeriesRule(
                Repeat(repeat), every, count, date.fromisoformat(until) if until else None, nth
            )
            members = [
                Member(id_, d.SessionStatus(status), _utc(start), _utc_or_none(original))
                for id_, status, start, original in self._all(
                    "SELECT id, status, start, original_start FROM sessions "
                    "WHERE series_id = ? ORDER BY start, id",
                    (series_id,),
                )
            ]
            first_local = _utc(first).astimezone(ZoneInfo(zone))
            for m in members:
                if m.id in wanted:
                    place = position(rule, first_local, ended is not None, members, m.id, now)
                    found[m.id] = place.agenda_text
        return found

    def session_after(self, moment: datetime) -> tuple[int, datetime] | None:
        """(id, start) of the first session starting at or after ``moment``, as the Practice's."""
        rows = self._all(
            "SELECT id, start FROM sessions WHERE start >= ? ORDER BY start, id LIMIT 1",
            (_db_time(moment),),
        )
        return (rows[0][0], _utc(rows[0][1])) if rows else None

    def session_before(self, moment: datetime) -> tuple[int, datetime] | None:
        """(id, start) of the last session starting before ``moment``, as the Practice's."""
        rows = self._all(
            "SELECT id, start FROM sessions WHERE start < ? ORDER BY start DESC, id DESC LIMIT 1",
            (_db_time(moment),),
        )
        return (rows[0][0], _utc(rows[0][1])) if rows else None

    def _cancellations(self, session_ids: list[int]) -> dict[int, d.Cancellation]:
        found: dict[int, d.Cancellation] = {}
        for chunk in _chunks(session_ids):
            sql = f"SELECT * FROM cancellations WHERE session_id IN ({_marks(len(chunk))})"
            for row in self._stored(sql, chunk):
                found[row.session_id] = codec.cancellation(row)
        return found

    def _charges(self, session_ids: list[int]) -> dict[int, list[d.Charge]]:
        found: dict[int, list[d.Charge]] = {}
        for chunk in _chunks(session_ids):
            sql = f"SELECT * FROM charges WHERE session_id IN ({_marks(len(chunk))}) ORDER BY id"
            for row in self._stored(sql, chunk):
                charge = codec.charge(row)
                assert charge.session_id is not None  # asked for by session
                found.setdefault(charge.session_id, []).append(charge)
        return found

    def pending_charges(self, client_ids: Sequence[int]) -> list[d.Charge]:
        """The clients' pending charges and refunds (what they owe), as ChargeBook reads them."""
        found: list[d.Charge] = []
        for chunk in _chunks(list(client_ids)):
            sql = (
                "SELECT id, session_id, client_id, amount_minor, currency, method, kind, "
                "status, created_at, paid_at, reference, void_reason FROM charges "
                f"WHERE status = 'pending' AND client_id IN ({_marks(len(chunk))}) "
                "ORDER BY created_at, id"
            )
            found += [
                d.Charge(
                    id=id_,
                    session_id=session_id,
                    client_id=client_id,
                    amount=d.Money(minor, currency),
                    method=d.PaymentMethod(method) if method else None,
                    kind=d.ChargeKind(kind),
                    status=d.ChargeStatus(status),
                    created_at=_utc(at),
                    paid_at=_utc_or_none(paid),
                    reference=reference,
                    void_reason=void_reason,
                )
                for (
                    id_,
                    session_id,
                    client_id,
                    minor,
                    currency,
                    method,
                    kind,
                    status,
                    at,
                    paid,
                    reference,
                    void_reason,
                ) in self._all(sql, chunk)
            ]
        return found

    def rescheduled_to(self, session_ids: list[int]) -> dict[int, datetime]:
        """For each of ``session_ids`` that a reschedule replaced: the new session's start."""
        found: dict[int, datetime] = {}
        for chunk in _chunks(session_ids):
            sql = (
                "SELECT rescheduled_from, start FROM sessions "
                f"WHERE rescheduled_from IN ({_marks(len(chunk))})"
            )
            found.update((old, _utc(start)) for old, start in self._all(sql, chunk))
        return found

    def list_time_off(
        self, *, start: datetime | None = None, end: datetime | None = None
    ) -> list[d.TimeOff]:
        where, params = _overlapping("", start, end)
        sql = "SELECT * FROM time_off" + where + " ORDER BY start"
        return [codec.time_off(row) for row in self._stored(sql, params)]

    def calendar_feeds(self) -> list[d.Feed]:
        """Every feed as the calendar draws its events, without its address (as the Practice's)."""
        sql = "SELECT * FROM feeds ORDER BY id"
        return [codec.feed(row, source="") for row in self._stored(sql)]

    def visible_events(
        self, start: datetime, end: datetime, tz: ZoneInfo | None = None
    ) -> list[d.ExternalEvent]:
        """Enabled feeds' occurrences overlapping [start, end), less the cancelled ones.

        As ``Practice.visible_events``: a day of margin in SQL (all-day events keep UTC
        midnight), then the exact test with all-day dates taken in the practice's zone.
        """
        zone = tz or ZoneInfo(self.professional().timezone)
        margin = timedelta(days=1)
        params = (_db_time(start - margin), _db_time(end + margin), _db_time(start), _db_time(end))
        found = []
        for row in self._stored(self._VISIBLE_EVENTS, params):
            event = codec.external_event(row, feed_name=row.feed_name)
            if not event.all_day or event.overlaps(start, end, zone):
                found.append(event)
        return found

    # The columns the codec reads (not the stored digest). A timed event's overlap is
    # decided here already: the times are stored as text in the order of the instants.
    _VISIBLE_EVENTS = (
        "SELECT f.name AS feed_name, "
        + ", ".join(f'e."{name}"' for name in codec.EXTERNAL_EVENT_COLUMNS)
        + " FROM external_events AS e JOIN feeds AS f ON e.feed_id = f.id "
        'WHERE f.enabled = 1 AND e.cancelled = 0 AND e."end" > ? AND e.start < ? '
        'AND (e.all_day = 1 OR (e."end" > ? AND e.start < ?)) '
        "ORDER BY e.start"
    )

    # -- `feeds sync` of unchanged feeds (services/feed_quick.py) ---------------------------

    def feeds_to_sync(self, name: str | None) -> list[FeedState]:
        """The feeds ``Feeds.sync(name)`` syncs, in its order: the one named (None if there
        is none), or every enabled feed that refreshes."""
        sql = "SELECT id, name, source, body_hash, event_count FROM feeds "
        if name is not None:
            rows = self._all(sql + "WHERE name = ?", (name.strip(),))
        else:
            rows = self._all(sql + "WHERE enabled = 1 AND refresh_minutes > 0 ORDER BY name")
        return [FeedState(*row) for row in rows]

    def record_unchanged(self, keys: dict[int, str], now: datetime) -> dict[int, int]:
        """Record a sync that found each feed of ``keys`` (id -> sync key) unchanged, as
        ``Feeds`` records one (feed_store.record_success): the one write of this reader.
        Returns each feed's event count; a feed removed meanwhile is left out."""
        stamp = _db_time(now)
        counts: dict[int, int] = {}
        try:
            with self._lock, self._conn:
                for feed_id, key in keys.items():
                    self._conn.execute(
                        "UPDATE feeds SET body_hash = ?, last_attempt = ?, last_success = ?, "
                        "last_error = '', stale = 0 WHERE id = ?",
                        (key, stamp, stamp, feed_id),
                    )
                    row = self._conn.execute(
                        "SELECT event_count FROM feeds WHERE id = ?", (feed_id,)
                    ).fetchone()
                    if row is not None:
                        counts[feed_id] = row[0]
        except sqlite3.Error as exc:
            message = explain(exc)
            if message is None:
                raise
            raise StorageError(message) from exc
        return counts


def _chunks(ids: list[int], size: int = 500) -> Iterator[list[int]]:
    """``IN`` lists short enough for any SQLite's limit on bound parameters."""
    for i in range(0, len(ids), size):
        yield ids[i : i + size]
