"""A big body's parse stored part by part: a cold import, or a big feed parsed whole again.

Each part of the parse (ical/parts.py: a few thousand VEVENTs of whole UID groups) is
stored as soon as it is read and then let go, so a 100,000-event feed's half a million
occurrences are never held at once. A body of one part is not read here: it is parsed
whole before the write transaction, as any small feed.

On SQLite the parts go to a private temporary table (services/feed_stage.py) while the
database stays unlocked, and one short write transaction at the end makes the feed's rows
those staged: an app writing meanwhile (a booking) is never kept waiting for the parse.
On PostgreSQL the parts are written in the feed's own transaction as they are read: its
rows are locked there, no table is, so the app's writes go on beside it. Either way a feed
refused half-way (its limits, a broken body) changes nothing, as a whole parse would.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from kara_tui.db.bulk import DELETE_CHUNK, Bulk
from kara_tui.db.rows import FeedRow
from kara_tui.ical import parts
from kara_tui.ical.outline import Outline
from kara_tui.ical.parse import Occurrence, ParseResult
from kara_tui.services.feed_groups import StoredGroups, in_file_order
from kara_tui.services.feed_reports import FeedProblem, SyncReport, Written, written_report
from kara_tui.services.feed_rows import keyed_occurrences
from kara_tui.services.feed_stage import Stage
from kara_tui.services.feed_store import (
    EVENTS,
    Delivery,
    StoredRow,
    Target,
    finish_store,
    read_stored,
    stored_count,
    write_occurrences,
)
from kara_tui.services.practice import Practice
from kara_tui.services.uow import UnitOfWork

Sink = Callable[[list[Occurrence]], None]


class StoreFailed(Exception):
    """Writing a part failed (not reading it): ``error`` is what the database said."""

    def __init__(self, error: Exception) -> None:
        super().__init__(str(error))
        self.error = error


class _WholeAfterAll(Exception):
    """The feed turned out empty with events stored: the whole path asks the user."""


@dataclass(frozen=True, slots=True)
class Stored:
    """What a store in parts did: its report and the UID groups now stored."""

    report: SyncReport
    groups: StoredGroups | None


def store_in_parts(
    practice: Practice,
    target: Target,
    parse: Callable[[Sink], ParseResult],
    *,
    outline: Outline | None,
    delivery: Delivery,
    groups_of: Callable[[Outline | None], tuple[Outline, str] | None],
) -> Stored | None:
    """Parse (``parse(sink)`` hands its occurrences to ``sink``) and store the whole body
    of ``outline``; ``groups_of`` gives the digests to keep. None (the caller then parses
    whole, then stores, as for any small feed) when the body is one part, or when it
    turned out to have no occurrence in the window while the feed has events stored.

    Raises:
        StoreFailed: a part could not be staged or written (nothing is changed).
        SQLAlchemyError, StorageError: the last transaction failed (nothing is changed).
        Whatever ``parse`` raises (FeedUnreadable, ...), after rolling back.
    """
    if outline is None or parts.read_whole(outline.event_count):
        return None  # one part: parsed whole before the write transaction, as any feed
    store = _staged if practice.engine.dialect.name == "sqlite" else _in_transaction
    try:
        return store(_Import(practice, target, parse, delivery, groups_of))
    except _WholeAfterAll:
        return None


@dataclass(frozen=True, slots=True)
class _Import:
    """One store in parts: what store_in_parts was given."""

    practice: Practice
    target: Target
    parse: Callable[[Sink], ParseResult]
    delivery: Delivery
    groups_of: Callable[[Outline | None], tuple[Outline, str] | None]

    def finish(
        self,
        db: Any,
        feed: FeedRow,
        result: ParseResult,
        kept: list[FeedProblem],
        count: int,
        now: datetime,
    ) -> tuple[list[FeedProblem], StoredGroups | None]:
        """The problems to report, in file order, and the groups stored with the feed row."""
        name = self.target.name
        problems = [FeedProblem(name, p.uid, p.reason) for p in result.problems] + kept
        groups = self.groups_of(result.outline)
        if groups is not None:
            problems = in_file_order(problems, groups[0])
        return problems, finish_store(db, feed, self.delivery, now, count, groups, problems)


def _staged(job: _Import) -> Stored | None:
    """SQLite: the parse staged on a connection of its own, then moved in one transaction."""
    practice, target, name = job.practice, job.target, job.target.name
    kept: list[FeedProblem] = []  # occurrences that cannot be stored (a UID too long)
    with practice.engine.connect() as conn:
        try:
            stage = Stage(conn)

            def store(part: list[Occurrence]) -> None:
                fresh = keyed_occurrences(name, part, kept)
                try:
                    stage.add(fresh.items())
                except Exception as error:
                    raise StoreFailed(error) from error

            result = job.parse(store)
            stage.ready()
            now = practice.clock.now()
            conn.execution_options(kara_write=True)  # BEGIN IMMEDIATE: the write lock, now
            # A unit of work on this connection: its failures in words (a busy database).
            with UnitOfWork(sessionmaker(bind=conn, expire_on_commit=False), practice.clock) as uow:
                db = uow.db
                feed = db.get(FeedRow, target.id)
                if feed is None:
                    report = SyncReport(name, ok=False, message=f"{name}: the feed was removed")
                    return Stored(report, None)
                if not stage.count and stored_count(db, target.id):
                    raise _WholeAfterAll  # the whole path holds the events and asks
                written = stage.move(target.id)
                problems, now_stored = job.finish(db, feed, result, kept, stage.count, now)
                uow.commit()
        finally:
            conn.invalidate()  # the TEMP table and its file go with the connection
    return Stored(written_report(name, written, problems), now_stored)


def _in_transaction(job: _Import) -> Stored | None:
    """PostgreSQL: each part diffed against its UIDs' stored rows and written as it is read."""
    practice, target, name = job.practice, job.target, job.target.name
    now = practice.clock.now()
    kept: list[FeedProblem] = []  # occurrences that cannot be stored (a UID too long)
    written = Written()
    count = 0
    seen: set[str] = set()
    with practice.writing() as db:
        feed = db.get(FeedRow, target.id)
        if feed is None:
            return Stored(SyncReport(name, ok=False, message=f"{name}: the feed was removed"), None)
        before = stored_count(db, target.id)
        bulk = Bulk(db.connection(), EVENTS)

        def store(part: list[Occurrence]) -> None:
            nonlocal count
            try:
                fresh = keyed_occurrences(name, part, kept)
                uids = {uid for uid, _ in fresh}
                stored = _stored_of(bulk, target.id, uids) if before else {}
                _add(written, write_occurrences(bulk, target.id, fresh, stored))
            except Exception as error:
                raise StoreFailed(error) from error
            count += len(fresh)
            seen.update(uids)

        result = job.parse(store)
        if before and not count:
            raise _WholeAfterAll  # rolls back; the whole path holds the events and asks
        if before:
            written.removed += _remove_others(db, bulk, target.id, seen)
        problems, now_stored = job.finish(db, feed, result, kept, count, now)
    return Stored(written_report(name, written, problems), now_stored)


def _stored_of(bulk: Bulk, feed_id: int, uids: set[str]) -> dict[tuple[str, str], StoredRow]:
    """The feed's stored occurrences of ``uids``."""
    stored: dict[tuple[str, str], StoredRow] = {}
    chosen = sorted(uids)
    for at in range(0, len(chosen), DELETE_CHUNK):
        chunk = chosen[at : at + DELETE_CHUNK]
        stored.update(read_stored(bulk, (EVENTS.c.feed_id == feed_id) & EVENTS.c.uid.in_(chunk)))
    return stored


def _remove_others(db: Any, bulk: Bulk, feed_id: int, seen: set[str]) -> int:
    """Remove the feed's stored occurrences of UIDs no part had; returns how many."""
    where = EVENTS.c.feed_id == feed_id
    gone = sorted(set(db.scalars(select(EVENTS.c.uid).where(where).distinct())) - seen)
    ids: list[int] = []
    for at in range(0, len(gone), DELETE_CHUNK):
        chunk = gone[at : at + DELETE_CHUNK]
        ids += db.scalars(select(EVENTS.c.id).where(where & EVENTS.c.uid.in_(chunk)))
    return bulk.delete("id", ids)


def _add(total: Written, part: Written) -> None:
    total.added += part.added
    total.updated += part.updated
    total.removed += part.removed
    total.unchanged += part.unchanged
