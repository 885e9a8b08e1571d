"""Incremental re-sync: find the UID groups that changed since the last store, and store only
theirs (tests/services/test_feeds_resync.py holds it to a whole parse and a cold import)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import delete

from kara_tui.db.bulk import Bulk
from kara_tui.db.rows import FeedRow
from kara_tui.ical.outline import Outline, outline
from kara_tui.ical.outline_delta import outline_after
from kara_tui.ical.parse import Occurrence, ParseResult
from kara_tui.services.feed_groups import (
    BODY,
    StoredGroups,
    in_file_order,
    parse_key,
    problems_by_uid,
    read_group_digests,
    write_changed_digests,
)
from kara_tui.services.feed_reports import FeedProblem, SyncReport, written_report
from kara_tui.services.feed_rows import keyed_occurrences
from kara_tui.services.feed_store import (
    EVENTS,
    GROUPS,
    Delivery,
    StoredRow,
    Target,
    read_stored,
    record_store,
    stored_count,
    write_occurrences,
)
from kara_tui.services.feed_window import Window
from kara_tui.services.practice import Practice

# A re-sync parses only the changed UID groups when they are at most this share of the
# feed's groups; beyond it the whole parse costs about the same, and is simpler.
PARTIAL_SHARE = 0.5
# A process keeps the last body it stored of a feed up to this size, so that the next
# re-sync outlines only the stretch that changed (ical/outline_delta.py).
REMEMBER_BODY_BYTES = 16_000_000


@dataclass(frozen=True, slots=True)
class Changes:
    """A body whose UID groups were outlined and compared with the stored digests.

    ``changed`` are the groups that are new or whose digest differs, ``vanished`` those
    stored and no longer in the body; every other group is unchanged, and its stored
    occurrences and problems stand.
    """

    outline: Outline
    changed: list[str]
    vanished: list[str]
    stored: StoredGroups


def read_groups(practice: Practice, feed_id: int) -> StoredGroups | None:
    """The feed's stored groups; None when it has none (or only some: no body row)."""
    with practice.reading() as db:
        return read_group_digests(Bulk(db.connection(), GROUPS), GROUPS.c.feed_id == feed_id)


def find_changes(
    stored: StoredGroups | None,
    body: bytes,
    window: Window,
    previous: tuple[bytes, Outline] | None = None,
) -> Changes | Outline | None:
    """Which UID groups changed since the stored parse: a Changes when a partial parse
    can do, else the body's outline (None when it has none or none was needed).
    ``previous`` is the body ``stored`` is of and its outline, when the process kept them."""
    if stored is None:
        return None  # nothing stored to compare with: the whole parse outlines the body
    body_outline = None if previous is None else outline_after(*previous, body)
    if body_outline is None:
        body_outline = outline(body)
    if body_outline is None:
        return None
    key = parse_key(body_outline.head_digest, window)
    if stored.parse_key != key or BODY in stored.problems:
        return body_outline  # another head, window or parser; or the body's own problems
    groups = body_outline.groups
    digests = stored.digests
    get = digests.get
    changed = [uid for uid, digest in groups.items() if get(uid) != digest]
    new = sum(1 for uid in changed if uid not in digests)
    # Usually no group vanished, which the counts show without comparing every key.
    gone = len(digests) != len(groups) - new
    vanished = list(digests.keys() - groups.keys()) if gone else []
    if len(changed) + len(vanished) > PARTIAL_SHARE * max(len(groups), 1):
        return body_outline
    return Changes(body_outline, changed, vanished, stored)


def store_changes(
    practice: Practice,
    target: Target,
    changes: Changes,
    delivery: Delivery,
    result: ParseResult | None,
) -> tuple[SyncReport, StoredGroups | None] | None:
    """Store the parse of only the changed groups (``result``; None when none changed), and
    the groups now stored (None: nothing was committed). None when the whole body must be
    parsed after all (the partial parse reported something it cannot place, the feed would
    end up empty, or another sync stored this feed meanwhile)."""
    name = target.name
    only = set(changes.changed)
    occurrences: list[Occurrence] = []
    found: list[FeedProblem] = []
    if result is not None:
        occurrences = result.occurrences
        found = [FeedProblem(name, p.uid, p.reason) for p in result.problems]
        if any(o.uid not in only for o in occurrences):
            return None
    fresh = keyed_occurrences(name, occurrences, found)
    if any(p.uid not in only for p in found):
        return None  # a problem of the whole body: only a whole parse reports it right
    standing = {
        uid: [FeedProblem(name, *pair) for pair in pairs]
        for uid, pairs in changes.stored.problems.items()
        if uid not in only
    }
    problems = in_file_order(
        [*found, *(p for ps in standing.values() for p in ps)], changes.outline
    )
    touched = [*changes.changed, *changes.vanished]
    now = practice.clock.now()
    with practice.writing() as db:
        feed = db.get(FeedRow, target.id)
        if feed is None:
            return SyncReport(name, ok=False, message=f"{name}: the feed was removed"), None
        if feed.body_hash != target.sync_key:
            return None  # stored by another sync since the digests were read
        bulk = Bulk(db.connection(), EVENTS)
        stored: dict[tuple[str, str], StoredRow] = {}
        for chunk in _chunks(touched, 500):
            stored.update(
                read_stored(bulk, (EVENTS.c.feed_id == target.id) & EVENTS.c.uid.in_(chunk))
            )
        total = stored_count(db, target.id)
        count = total - len(stored) + len(fresh)
        if count == 0 and total > 0:
            return None  # the feed looks empty now: the whole store's rules decide
        written = write_occurrences(bulk, target.id, fresh, stored)
        written.unchanged += total - len(stored)
        for chunk in _chunks(touched, 500):
            db.execute(delete(GROUPS).where(GROUPS.c.feed_id == target.id, GROUPS.c.uid.in_(chunk)))
        by_uid = problems_by_uid(found)
        write_changed_digests(
            Bulk(db.connection(), GROUPS), target.id, changes.outline, changes.changed, by_uid
        )
        record_store(feed, delivery, now, count)
    return written_report(name, written, problems), _updated(changes, by_uid)


def _updated(changes: Changes, found: dict[str, list[FeedProblem]]) -> StoredGroups:
    """The stored groups after a partial store of ``changes`` that found ``found``."""
    digests = dict(changes.stored.digests)
    problems = dict(changes.stored.problems)
    for uid in changes.vanished:
        digests.pop(uid, None)
        problems.pop(uid, None)
    for uid in changes.changed:
        digests[uid] = changes.outline.groups[uid]
        problems.pop(uid, None)
        if uid in found:
            problems[uid] = [(p.uid, p.reason) for p in found[uid]]
    return StoredGroups(changes.stored.parse_key, digests, problems)


def _chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]
