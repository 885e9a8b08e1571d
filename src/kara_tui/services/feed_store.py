"""Diff-and-store: make a feed's stored occurrences those of a parse, and record the outcome."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, delete, func, select
from sqlalchemy.exc import SQLAlchemyError

from kara_tui.db.bulk import Bulk
from kara_tui.db.codec import stored_instant
from kara_tui.db.engine import StorageError
from kara_tui.db.rows import ExternalEventRow, FeedGroupRow, FeedRow
from kara_tui.ical.outline import Outline
from kara_tui.ical.parse import Occurrence, ParseResult
from kara_tui.services.feed_groups import StoredGroups, in_file_order, write_group_digests
from kara_tui.services.feed_reports import FeedProblem, SyncReport, Written, plural, written_report
from kara_tui.services.feed_rows import COLUMNS, keyed_occurrences, sqlite_row
from kara_tui.services.practice import Practice

# The ORM declares __table__ as a FromClause; these are Tables, which Core's writes need.
EVENTS = cast(Table, ExternalEventRow.__table__)
GROUPS = cast(Table, FeedGroupRow.__table__)
_REWRITTEN = COLUMNS[3:]  # what an update rewrites: the columns from "start" on

# A stored occurrence as the diff needs it: id, component hash, and start and end as the
# database keeps them (Bulk.form).
StoredRow = tuple[int, str, Any, Any]


@dataclass(frozen=True, slots=True)
class Target:
    """A feed as a sync needs it, read before any network or parsing work."""

    id: int
    name: str
    source: str  # the real URL or path: never put this in a message
    etag: str | None
    last_modified: str | None
    sync_key: str | None


@dataclass(frozen=True, slots=True)
class Delivery:
    """What a fetch brought that the store records with the events."""

    etag: str | None
    last_modified: str | None
    sync_key: str


def read_stored(bulk: Bulk, where: Any) -> dict[tuple[str, str], StoredRow]:
    """The stored occurrences that ``where`` picks, by (UID, RECURRENCE-ID)."""
    return {
        (uid, rid): (row_id, digest, start, end)
        for row_id, uid, rid, digest, start, end in bulk.read(
            ("id", "uid", "recurrence_id", "component_hash", "start", "end"), where
        )
    }


def write_occurrences(
    bulk: Bulk,
    feed_id: int,
    fresh: dict[tuple[str, str], Occurrence],
    stored: dict[tuple[str, str], StoredRow],
) -> Written:
    """Make the stored occurrences of ``stored``'s keys those of ``fresh``: delete the gone,
    rewrite the changed in place (their ids stay), insert the new, leave the rest alone.

    The inserts are streamed to the database in chunks, never all built first.
    """
    written = Written()
    updates: list[tuple[Any, ...]] = []
    form = bulk.form
    raw = bulk.raw  # new rows go to the driver as stored (db/codec.py), converted once here

    def inserts() -> Iterator[tuple[Any, ...]]:
        for key, occ in fresh.items():
            old = stored.get(key)
            if old is None and raw:
                yield sqlite_row(feed_id, key, occ)
                continue
            start = stored_instant(occ.start)
            end = stored_instant(occ.end)
            if old is not None:
                if (
                    old[1] == occ.component_hash
                    and old[2] == form("start", start)
                    and old[3] == form("end", end)
                ):
                    written.unchanged += 1
                    continue
                updates.append((*_rewritten(occ, start, end), old[0]))
                continue
            yield (feed_id, key[0], key[1], *_rewritten(occ, start, end))

    written.removed = bulk.delete("id", [old[0] for key, old in stored.items() if key not in fresh])
    written.added = bulk.insert(COLUMNS, inserts(), formed=raw)
    written.updated = bulk.update("id", _REWRITTEN, updates)
    return written


def record_store(feed: FeedRow, delivery: Delivery, now: datetime, count: int) -> None:
    """A store went through: the feed row says so, and what was fetched."""
    feed.etag = delivery.etag
    feed.last_modified = delivery.last_modified
    feed.body_hash = delivery.sync_key
    feed.last_attempt = now
    feed.last_success = now
    feed.last_error = ""
    feed.stale = False
    feed.event_count = count


def why_empty(result: ParseResult | None) -> str:
    if result is None:
        return "the feed returned nothing"
    if result.event_count == 0:
        return "the feed returned an empty calendar"
    if len(result.problems) >= result.event_count:
        return "none of the feed's events could be read"
    return "none of the feed's events fall within the sync window"


def stored_count(db: Any, feed_id: int) -> int:
    return (
        db.scalar(select(func.count()).select_from(EVENTS).where(EVENTS.c.feed_id == feed_id)) or 0
    )


def record_success(
    practice: Practice,
    target: Target,
    etag: str | None,
    last_modified: str | None,
    sync_key: str | None,
    what: str,
) -> SyncReport:
    """A 304 or an unchanged body: the stored events are right; no event is written."""
    now = practice.clock.now()
    with practice.writing() as db:
        feed = db.get(FeedRow, target.id)
        if feed is None:
            return SyncReport(target.name, ok=False, message=f"{target.name}: the feed was removed")
        if etag is not None:
            feed.etag = etag
        if last_modified is not None:
            feed.last_modified = last_modified
        if sync_key is not None:
            feed.body_hash = sync_key
        feed.last_attempt = now
        feed.last_success = now
        feed.last_error = ""
        feed.stale = False
        count = feed.event_count
    return SyncReport(
        target.name,
        ok=True,
        message=f"{target.name}: {what} ({plural(count, 'event')})",
        unchanged=count,
        skipped=True,
    )


def record_failure(
    practice: Practice, name: str, feed_id: int | None, reason: str, *, confirmable: bool = False
) -> SyncReport:
    """The feed could not be read: keep every stored event and say why.

    ``confirmable``: the feed looks empty, which the user may confirm with accept_empty.
    """
    now = practice.clock.now()
    stale = False
    count = 0
    try:
        with practice.writing() as db:
            feed = (
                db.get(FeedRow, feed_id)
                if feed_id is not None
                else db.scalars(select(FeedRow).where(FeedRow.name == name)).first()
            )
            if feed is not None:
                count = stored_count(db, feed.id)
                stale = count > 0
                feed.last_attempt = now
                feed.last_error = reason
                feed.stale = stale
    except (SQLAlchemyError, StorageError):
        pass  # the failure itself is what the user needs to hear about
    message = f"{name}: {reason}"
    if stale:
        message += f"; kept the {plural(count, 'stored event')} (marked stale)"
    return SyncReport(
        name, ok=False, message=message, stale=stale, needs_confirmation=stale and confirmable
    )


def store_whole_parse(
    practice: Practice,
    target: Target,
    result: ParseResult | None,
    *,
    accept_empty: bool,
    delivery: Delivery,
    groups: tuple[Outline, str] | None,
) -> tuple[SyncReport, StoredGroups | None, bool]:
    """Store a whole parse: every occurrence, and the digests of every UID group that
    ``groups`` (the body's outline and parse key) has, for the next re-sync.

    Returns the report, the groups now stored, and whether the store was committed.
    """
    name = target.name
    occurrences = result.occurrences if result is not None else []
    problems = [FeedProblem(name, p.uid, p.reason) for p in (result.problems if result else [])]
    fresh = keyed_occurrences(name, occurrences, problems)
    if groups is not None:
        problems = in_file_order(problems, groups[0])
    now = practice.clock.now()
    with practice.writing() as db:
        feed = db.get(FeedRow, target.id)
        if feed is None:
            return SyncReport(name, ok=False, message=f"{name}: the feed was removed"), None, False
        bulk = Bulk(db.connection(), EVENTS)
        stored = read_stored(bulk, EVENTS.c.feed_id == target.id)
        if not fresh and stored and not accept_empty:
            reason = (
                f"{why_empty(result)}; kept the {plural(len(stored), 'stored event')} "
                "until you confirm that the feed is empty now"
            )
            feed.last_attempt = now
            feed.last_error = reason
            feed.stale = True
            report = SyncReport(
                name,
                ok=False,
                message=f"{name}: {reason}",
                problems=tuple(problems),
                stale=True,
                needs_confirmation=True,
            )
            return report, None, False
        written = write_occurrences(bulk, target.id, fresh, stored)
        now_stored = finish_store(db, feed, delivery, now, len(fresh), groups, problems)
    return written_report(name, written, problems), now_stored, True


def finish_store(
    db: Any,
    feed: FeedRow,
    delivery: Delivery,
    now: datetime,
    count: int,
    groups: tuple[Outline, str] | None,
    problems: list[FeedProblem],
) -> StoredGroups | None:
    """After a whole body's occurrences are written: its UID-group digests replace the
    feed's (for the next re-sync) and the feed row records the store."""
    db.execute(delete(GROUPS).where(GROUPS.c.feed_id == feed.id))
    now_stored: StoredGroups | None = None
    if groups is not None:
        groups_bulk = Bulk(db.connection(), GROUPS)
        now_stored = write_group_digests(groups_bulk, feed.id, groups[0], groups[1], problems)
    record_store(feed, delivery, now, count)
    return now_stored


def _rewritten(occ: Occurrence, start: datetime, end: datetime) -> tuple[object, ...]:
    """An occurrence's values for the columns from "start" on (``_REWRITTEN``)."""
    return (
        start,
        end,
        occ.all_day,
        occ.summary or "",
        occ.location or "",
        occ.busy,
        occ.cancelled,
        occ.component_hash,
    )
