"""External calendars: the Feeds service, and syncing a feed (fetch, parse, store).

The use cases live beside it: the feed list (feed_list.py), keyring secrets
(feed_secrets.py), diff-and-store (feed_store.py), UID-group digests (feed_groups.py) and
the incremental re-sync (feed_resync.py). Network and parsing happen outside any
transaction.
"""

from __future__ import annotations

import builtins
import hashlib
import threading
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from kara_tui.config import Settings
from kara_tui.db import codec
from kara_tui.db.engine import StorageError
from kara_tui.db.rows import FeedRow
from kara_tui.domain import DomainError, ExternalEvent, Feed
from kara_tui.ical.caldav_fetch import fetch_caldav_in, is_caldav
from kara_tui.ical.fetch import FetchCancelled, FetchError, FetchResult, fetch_feed
from kara_tui.ical.outline import Outline, outline
from kara_tui.ical.parse import FeedUnreadable, ParseResult, parse_feed
from kara_tui.services.errors import NotFound
from kara_tui.services.feed_groups import RememberedGroups, StoredGroups, groups_to_store
from kara_tui.services.feed_import import import_file
from kara_tui.services.feed_in_parts import Sink, StoreFailed, store_in_parts
from kara_tui.services.feed_list import (
    FEED_COLOURS,
    MAX_NAME,
    FeedList,
    feed_row,
)
from kara_tui.services.feed_reports import FeedAdded, FeedProblem, SyncReport
from kara_tui.services.feed_resync import (
    PARTIAL_SHARE,
    REMEMBER_BODY_BYTES,
    Changes,
    find_changes,
    read_groups,
    store_changes,
)
from kara_tui.services.feed_rows import MAX_UID
from kara_tui.services.feed_secrets import KEYRING_PREFIX, KEYRING_SERVICE, FeedSecrets
from kara_tui.services.feed_store import (
    Delivery,
    Target,
    record_failure,
    record_success,
    store_whole_parse,
)
from kara_tui.services.feed_window import Window, parse_options, sync_key, sync_window
from kara_tui.services.feed_wording import scrub, worded
from kara_tui.services.practice import Practice

__all__ = [  # today's public names, wherever they live now
    "FEED_COLOURS",
    "KEYRING_PREFIX",
    "KEYRING_SERVICE",
    "MAX_NAME",
    "MAX_UID",
    "PARTIAL_SHARE",
    "FeedAdded",
    "FeedProblem",
    "Feeds",
    "SyncReport",
]


class Feeds:
    """The feeds of one practice: the list (FeedList's use cases) and syncing them."""

    def __init__(
        self,
        practice: Practice,
        settings: Settings,
        *,
        keyring: Any = None,
        cancel: threading.Event | None = None,
    ) -> None:
        """``cancel``: once set, a fetch under way ends at once and stores nothing (the app
        is closing)."""
        self.practice = practice
        self.settings = settings
        self._cancel = cancel
        self._secrets = FeedSecrets(keyring)
        self._remembered: dict[int, RememberedGroups] = {}  # feed id -> groups last stored
        self._list = FeedList(practice, self._secrets, self._forget)

    # -- the feed list (feed_list.py) ----------------------------------------------------

    def add(
        self, name: str, source: str, *, refresh_minutes: int = 60, block_all_day: bool = False
    ) -> FeedAdded:
        return self._list.add(
            name, source, refresh_minutes=refresh_minutes, block_all_day=block_all_day
        )

    def all_feeds(self) -> builtins.list[Feed]:
        """Every feed, its source masked: the secret address never leaves this service."""
        return self._list.all_feeds()

    list = all_feeds  # today's name, for callers not yet moved to all_feeds()

    def get(self, name: str) -> Feed:
        return self._list.get(name)

    def remove(self, name: str) -> None:
        """The feed and its stored events; the professional's sessions are not touched."""
        self._list.remove(name)

    def set_block_all_day(self, name: str, block: bool) -> Feed:
        return self._list.set_block_all_day(name, block)

    def set_enabled(self, name: str, enabled: bool) -> Feed:
        return self._list.set_enabled(name, enabled)

    def events(
        self, name: str | None = None, *, start: datetime, end: datetime
    ) -> builtins.list[ExternalEvent]:
        """Stored occurrences overlapping [start, end): of one feed (even disabled) or of all
        enabled feeds."""
        return self._list.events(name, start=start, end=end)

    def due(self) -> builtins.list[Feed]:
        """Enabled feeds whose refresh interval has passed: what a background refresh syncs."""
        return self._list.due()

    # -- syncing --------------------------------------------------------------------------

    def sync(
        self,
        name: str | None = None,
        *,
        accept_empty: bool = False,
        on_progress: Callable[[str, int, int], None] | None = None,
    ) -> builtins.list[SyncReport]:
        """Sync one feed, or every enabled feed that refreshes (one-shot imports do not).

        Each feed is its own transaction: one feed failing never undoes another.
        ``on_progress(feed_name, index, total)`` is called before each feed.
        """
        with self.practice.reading() as db:
            if name is not None:
                names = [feed_row(db, name).name]
            else:
                names = builtins.list(
                    db.scalars(
                        select(FeedRow.name)
                        .where(FeedRow.enabled.is_(True), FeedRow.refresh_minutes > 0)
                        .order_by(FeedRow.name)
                    )
                )
        reports = []
        for index, feed_name in enumerate(names):
            if on_progress is not None:
                on_progress(feed_name, index, len(names))
            reports.append(self._sync_one(feed_name, accept_empty=accept_empty))
        return reports

    def import_file(self, path: str | Path, name: str | None = None) -> SyncReport:
        """A one-shot snapshot of an .ics file (feed_import.py)."""
        return import_file(self, path, name)

    def _sync_one(self, name: str, *, accept_empty: bool) -> SyncReport:
        """Fetch, then (unless nothing changed) parse and store: the changed groups only
        when a re-sync can, else the whole body."""
        try:
            target = self._target(name)
        except NotFound:
            return SyncReport(name, ok=False, message=f"{name}: the feed was removed")
        except DomainError as exc:
            return self._fail(name, None, str(exc))
        window = self._window()
        fetched = self._fetch(target)
        if isinstance(fetched, SyncReport):
            return fetched
        if fetched.status == "not_modified":
            return record_success(
                self.practice,
                target,
                fetched.etag,
                fetched.last_modified,
                None,
                "not modified since last sync",
            )
        body = fetched.body or b""
        key = sync_key(fetched.body_hash or hashlib.sha256(body).hexdigest(), window)
        if key == target.sync_key:
            return record_success(
                self.practice, target, fetched.etag, fetched.last_modified, key, "unchanged"
            )
        empty_body = not body or body.isspace()  # strip() would copy a big body
        delivery = Delivery(fetched.etag, fetched.last_modified, key)
        result: ParseResult | None = None
        if empty_body and not accept_empty:
            return self._fail(name, target.id, "the feed returned nothing", confirmable=True)
        body_outline: Outline | None = None
        if not empty_body:
            try:
                changes = self._changes(target, body, window)
            except Exception:  # unreadable digests cost a whole parse, never the sync
                changes = None
            if isinstance(changes, Changes):
                try:
                    partial = self._sync_changes(target, body, changes, delivery, window)
                except Exception as exc:  # the transaction was rolled back: nothing changed
                    return self._store_failed(target, exc)
                if partial is not None:
                    return partial
            body_outline = changes.outline if isinstance(changes, Changes) else changes
            if body_outline is None:  # how many parts it has: outlined once, for the parse too
                body_outline = outline(body)
            in_parts = self._store_in_parts(target, body, window, body_outline, delivery)
            if in_parts is not None:  # a cold import, or a big body: stored part by part
                return in_parts
            try:
                result = self._parse(body, window, outline=body_outline)
            except FeedUnreadable as exc:
                return self._fail(name, target.id, worded(target.source, scrub(str(exc))))
            except Exception as exc:  # a parser bug must not take the other feeds down
                return self._fail(
                    name, target.id, f"the feed could not be read ({type(exc).__name__})"
                )
            body_outline = result.outline
        try:
            report, groups, committed = store_whole_parse(
                self.practice,
                target,
                result,
                accept_empty=accept_empty,
                delivery=delivery,
                groups=groups_to_store(body_outline, window),
            )
        except Exception as exc:  # the transaction was rolled back: nothing changed
            return self._store_failed(target, exc)
        if committed:
            self._remember(target.id, delivery.sync_key, groups)
        return report

    def _store_in_parts(
        self,
        target: Target,
        body: bytes,
        window: Window,
        body_outline: Outline | None,
        delivery: Delivery,
    ) -> SyncReport | None:
        """feed_in_parts.store_in_parts, its failures reported as a whole parse's; None when
        the whole parse and diff are the way (a small feed with events stored)."""
        try:
            stored = store_in_parts(
                self.practice,
                target,
                lambda sink: self._parse(body, window, outline=body_outline, sink=sink),
                outline=body_outline,
                delivery=delivery,
                groups_of=lambda cut: groups_to_store(cut, window),
            )
        except FeedUnreadable as exc:
            return self._fail(target.name, target.id, worded(target.source, scrub(str(exc))))
        except StoreFailed as exc:
            return self._store_failed(target, exc.error)
        except (SQLAlchemyError, StorageError) as exc:  # the commit
            return self._store_failed(target, exc)
        except Exception as exc:  # a parser bug must not take the other feeds down
            return self._fail(
                target.name, target.id, f"the feed could not be read ({type(exc).__name__})"
            )
        if stored is None:
            return None
        if stored.report.ok:
            self._remember(target.id, delivery.sync_key, stored.groups)
        return stored.report

    def _fetch(self, target: Target) -> FetchResult | SyncReport:
        """The feed's body (or "not modified"), or the report of why it could not be had."""
        name = target.name
        if is_caldav(target.source):  # a CalDAV calendar: one calendar-query over the window
            window = self._window()
            fetch = fetch_caldav_in(window.start, window.end)
        else:
            fetch = fetch_feed
        try:
            return fetch(
                target.source,
                etag=target.etag,
                last_modified=target.last_modified,
                deadline_seconds=self.settings.fetch_deadline_seconds,
                max_bytes=self.settings.fetch_max_bytes,
                cancel=self._cancel,
            )
        except FetchCancelled as exc:  # not the feed's fault: it is not marked stale
            return SyncReport(name, ok=False, message=f"{name}: {exc}")
        except FetchError as exc:
            return self._fail(name, target.id, worded(target.source, scrub(str(exc))))
        except Exception as exc:  # a fetcher bug must not take the other feeds down
            return self._fail(
                name, target.id, f"the feed could not be fetched ({type(exc).__name__})"
            )

    def _sync_changes(
        self, target: Target, body: bytes, changes: Changes, delivery: Delivery, window: Window
    ) -> SyncReport | None:
        """Parse and store only the UID groups that changed; None when the whole body must
        be parsed after all (feed_resync.store_changes says when)."""
        result: ParseResult | None = None
        if changes.changed:
            try:
                result = self._parse(
                    body, window, outline=changes.outline, only=set(changes.changed)
                )
            except Exception:  # the whole parse says what is wrong, the same way as ever
                return None
        stored = store_changes(self.practice, target, changes, delivery, result)
        if stored is None:
            return None
        report, groups = stored
        if groups is not None:
            self._remember(target.id, delivery.sync_key, groups, (body, changes.outline))
        return report

    def _changes(self, target: Target, body: bytes, window: Window) -> Changes | Outline | None:
        """Which UID groups changed since the stored parse (feed_resync.find_changes), compared
        with what this process stored when feed_groups still holds just that."""
        remembered = self._remembered.get(target.id)
        previous: tuple[bytes, Outline] | None = None
        if remembered is not None and remembered.sync_key == target.sync_key:
            stored: StoredGroups | None = remembered.groups
            if remembered.body is not None and remembered.outline is not None:
                previous = (remembered.body, remembered.outline)
        else:
            stored = read_groups(self.practice, target.id)
        return find_changes(stored, body, window, previous)

    def _remember(
        self,
        feed_id: int,
        sync_key: str,
        groups: StoredGroups | None,
        body: tuple[bytes, Outline] | None = None,
    ) -> None:
        """Remember what was just committed (only then: a rolled-back store keeps nothing),
        and the body it is of with its outline when given and not too big."""
        if groups is None:
            self._remembered.pop(feed_id, None)
        elif body is not None and len(body[0]) <= REMEMBER_BODY_BYTES:
            self._remembered[feed_id] = RememberedGroups(sync_key, groups, *body)
        else:
            self._remembered[feed_id] = RememberedGroups(sync_key, groups)

    def _forget(self, feed_id: int) -> None:
        self._remembered.pop(feed_id, None)

    def _store_failed(self, target: Target, exc: Exception) -> SyncReport:
        detail = str(exc) if isinstance(exc, StorageError) else type(exc).__name__
        return self._fail(target.name, target.id, f"the events could not be stored ({detail})")

    def _fail(
        self, name: str, feed_id: int | None, reason: str, *, confirmable: bool = False
    ) -> SyncReport:
        return record_failure(self.practice, name, feed_id, reason, confirmable=confirmable)

    # -- helpers --------------------------------------------------------------------------

    def _parse(
        self,
        body: bytes,
        window: Window,
        *,
        outline: Outline | None,
        only: builtins.set[str] | None = None,
        sink: Sink | None = None,
    ) -> ParseResult:
        """The feed's occurrences in the sync window (only the UID groups ``only`` names;
        handed to ``sink`` part by part, when given)."""
        minutes = self.settings.feed_unknown_length_minutes
        return parse_feed(
            body, **parse_options(window, minutes), only=only, outline=outline, sink=sink
        )

    def _window(self) -> Window:
        """The horizon in whole local days, so that a day's syncs share one window."""
        return sync_window(
            self.practice.clock.now(),
            self.practice.tz,
            self.settings.horizon_past_days,
            self.settings.horizon_future_days,
        )

    def _target(self, name: str) -> Target:
        with self.practice.reading() as db:
            row = feed_row(db, name)
            target = codec.copied(Target, row, sync_key=row.body_hash)
        source = self._secrets.real(target.source, target.id)  # raises MissingSecret
        return replace(target, source=source)
