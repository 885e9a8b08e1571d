"""A cold import: a feed with nothing stored, parsed and written part by part.

With nothing stored there is nothing to diff against, so each part of the parse
(ical/parts.py: a few thousand VEVENTs of whole UID groups) is written as soon as it is
read and then let go: a 100,000-event feed's half a million occurrences are never held
at once. The parse runs inside the write transaction, so a feed refused half-way (its
limits, a broken body) leaves nothing behind, as a whole parse would.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from kara_tui.db.bulk import Bulk
from kara_tui.db.rows import FeedRow
from kara_tui.ical.outline import Outline
from kara_tui.ical.parse import Occurrence, ParseResult
from kara_tui.services.feed_groups import StoredGroups, in_file_order
from kara_tui.services.feed_reports import FeedProblem, SyncReport, Written, written_report
from kara_tui.services.feed_store import (
    EVENTS,
    Delivery,
    Target,
    finish_store,
    keyed_occurrences,
    stored_count,
    write_occurrences,
)
from kara_tui.services.practice import Practice

Sink = Callable[[list[Occurrence]], None]


class StoreFailed(Exception):
    """Writing a part failed (not reading it): ``error`` is what the database said."""

    def __init__(self, error: Exception) -> None:
        super().__init__(str(error))
        self.error = error


@dataclass(frozen=True, slots=True)
class Cold:
    """What a cold import did: its report and the UID groups now stored."""

    report: SyncReport
    groups: StoredGroups | None


def store_cold(
    practice: Practice,
    target: Target,
    parse: Callable[[Sink], ParseResult],
    *,
    delivery: Delivery,
    groups_of: Callable[[Outline | None], tuple[Outline, str] | None],
) -> Cold | None:
    """Parse (``parse(sink)``, which hands its occurrences to ``sink``) and store a feed
    that has no events stored; None, before parsing anything, when it has some (the caller
    then parses whole and diffs). ``groups_of`` gives the digests to keep for the outline.

    Raises:
        StoreFailed: a part could not be written (the transaction is rolled back).
        Whatever ``parse`` raises (FeedUnreadable, ...), after rolling back.
    """
    name = target.name
    now = practice.clock.now()
    kept: list[FeedProblem] = []  # occurrences that cannot be stored (a UID too long)
    written = Written()
    count = 0
    with practice.writing() as db:
        feed = db.get(FeedRow, target.id)
        if feed is None:
            return Cold(SyncReport(name, ok=False, message=f"{name}: the feed was removed"), None)
        if stored_count(db, target.id):
            return None
        bulk = Bulk(db.connection(), EVENTS)

        def store(part: list[Occurrence]) -> None:
            nonlocal count
            try:
                fresh = keyed_occurrences(name, part, kept)
                written.added += write_occurrences(bulk, target.id, fresh, {}).added
            except Exception as error:
                raise StoreFailed(error) from error
            count += len(fresh)

        result = parse(store)
        problems = [FeedProblem(name, p.uid, p.reason) for p in result.problems] + kept
        groups = groups_of(result.outline)
        if groups is not None:
            problems = in_file_order(problems, groups[0])
        stored = finish_store(db, feed, delivery, now, count, groups, problems)
    return Cold(written_report(name, written, problems), stored)
