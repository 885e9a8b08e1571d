"""External calendars: add, list and remove feeds, and sync them safely into external_events."""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
import re
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import delete, func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session as DbSession

from kara_tui import __version__
from kara_tui.config import Settings
from kara_tui.db.bulk import Bulk
from kara_tui.db.engine import StorageError
from kara_tui.db.rows import ExternalEventRow, FeedGroupRow, FeedRow, date_to_utc_midnight
from kara_tui.domain import DomainError, ExternalEvent, Feed
from kara_tui.domain.text import check_text
from kara_tui.ical.caldav_fetch import fetch_caldav_in, is_caldav
from kara_tui.ical.fetch import FetchCancelled, FetchError, fetch_feed, mask_source
from kara_tui.ical.outline import Outline, outline
from kara_tui.ical.parse import (
    NOTE_PREFIX,
    PARSE_REVISION,
    FeedUnreadable,
    Occurrence,
    ParseResult,
    parse_feed,
)
from kara_tui.services.errors import NotFound
from kara_tui.services.practice import Practice

KEYRING_SERVICE = "kara-tui-feed"
KEYRING_PREFIX = "keyring:"
MAX_NAME = 200
MAX_UID = 500  # the external_events.uid column
# A re-sync parses only the changed UID groups when they are at most this share of the
# feed's groups; beyond it the whole parse costs about the same, and is simpler.
PARTIAL_SHARE = 0.5

_EVENTS = ExternalEventRow.__table__
_GROUPS = FeedGroupRow.__table__
_BODY = ""  # the feed_groups row that stands for the body: the parse key and its own problems
# Every column of an occurrence, in the order the store writes them; an update rewrites
# the columns from "start" on.
_COLUMNS = (
    "feed_id",
    "uid",
    "recurrence_id",
    "start",
    "end",
    "all_day",
    "summary",
    "location",
    "busy",
    "cancelled",
    "component_hash",
)
_REWRITTEN = _COLUMNS[3:]
_SCHEMES = ("http", "https", "webcal", "caldav+http", "caldav+https")
# A new feed takes the first of these no other feed has, so two calendars never look alike
# (blue first: the column's default). Readable on dark and light backgrounds; no red, which
# reads as an error.
FEED_COLOURS = ("#5f87af", "#d7875f", "#5faf87", "#af87d7", "#afaf5f", "#5fafaf", "#d787af")


@dataclass(frozen=True, slots=True)
class FeedProblem:
    """One event of a feed that was skipped, and why; with no ``uid``, a note about the feed
    as a whole (a time zone read as another, say): nothing was skipped for it."""

    feed: str
    uid: str
    reason: str

    @property
    def is_note(self) -> bool:
        # An event that was imported after a repair carries a note ("imported, but ...").
        return not self.uid or self.reason.startswith(NOTE_PREFIX)


@dataclass(frozen=True, slots=True)
class SyncReport:
    """What one feed's sync did. ``ok`` is False when the feed could not be read or stored."""

    feed: str
    ok: bool
    message: str
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    problems: tuple[FeedProblem, ...] = ()
    stale: bool = False
    # The feed now looks empty while events are stored: sync again with accept_empty=True
    # to clear them.
    needs_confirmation: bool = False
    # Nothing was parsed: the server said 304, or the body (and window) were the same.
    skipped: bool = False

    @property
    def skipped_events(self) -> int:
        return sum(not p.is_note for p in self.problems)

    def problems_said(self) -> str:
        """'2 events skipped', '1 note', '2 events skipped, 1 note' or ''."""
        return _problems_said(self.problems)


def _problems_said(problems: Iterable[FeedProblem]) -> str:
    notes = skipped = 0
    for p in problems:
        notes += p.is_note
        skipped += not p.is_note
    parts = [f"{_plural(skipped, 'event')} skipped"] if skipped else []
    if notes:
        parts.append(_plural(notes, "note"))
    return ", ".join(parts)


@dataclass(frozen=True, slots=True)
class FeedAdded:
    feed: Feed
    # Said once, at add time, when the secret address had to go into the database.
    note: str = ""


@dataclass(frozen=True, slots=True)
class _Target:
    """A feed as a sync needs it, read before any network or parsing work."""

    id: int
    name: str
    source: str  # the real URL or path: never put this in a message
    etag: str | None
    last_modified: str | None
    sync_key: str | None


@dataclass
class _Written:
    """What one store did to the stored occurrences."""

    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0


# A stored occurrence as the diff needs it: id, component hash, and start and end as the
# database keeps them (Bulk.form).
_Stored = tuple[int, str, Any, Any]


@dataclass(frozen=True, slots=True)
class _Window:
    """A sync's horizon in UTC, and the practice zone it was worked out in (reading the
    zone is a query: once a sync is enough)."""

    start: datetime
    end: datetime
    tz: tzinfo


@dataclass(frozen=True, slots=True)
class _Delivery:
    """What a fetch brought that the store records with the events."""

    etag: str | None
    last_modified: str | None
    sync_key: str


@dataclass(frozen=True, slots=True)
class _Groups:
    """A feed's stored UID groups as a re-sync compares them: what feed_groups holds.

    ``digests`` has every group but the body's row, whose digest is ``parse_key``;
    ``problems`` has the groups (and the body, under "") that the parse found any in.
    """

    parse_key: str
    digests: dict[str, str]
    problems: dict[str, list[tuple[str, str]]]


@dataclass(frozen=True, slots=True)
class _Kept:
    """The groups this process last stored for a feed, and the feed's body_hash then.

    While the feed's body_hash is still that, feed_groups holds exactly these, so a re-sync
    in the same process (the app's background refresh) compares with them instead of
    reading ten thousand rows back.
    """

    sync_key: str
    groups: _Groups


@dataclass(frozen=True, slots=True)
class _Changes:
    """A body whose UID groups were outlined and compared with the stored digests.

    ``changed`` are the groups that are new or whose digest differs, ``vanished`` those
    stored and no longer in the body; every other group is unchanged, and its stored
    occurrences and problems stand.
    """

    outline: Outline
    changed: list[str]
    vanished: list[str]
    stored: _Groups


class _Secrets:
    """Feed URLs in the user's keyring, when one that can keep secrets is installed."""

    def __init__(self, backend: Any = None) -> None:
        self._backend = backend

    def backend(self) -> Any:
        if self._backend is not None:
            return self._backend
        import keyring

        return keyring.get_keyring()

    def usable(self) -> bool:
        try:
            # The "fail" backend has priority 0 and the "null" one -1: neither keeps anything.
            return float(getattr(self.backend(), "priority", 0)) > 0
        except Exception:
            return False

    def put(self, key: str, secret: str) -> bool:
        if not self.usable():
            return False
        try:
            self.backend().set_password(KEYRING_SERVICE, key, secret)
        except Exception:  # a locked or broken keyring: fall back to the database
            return False
        return True

    def get(self, key: str) -> str | None:
        try:
            return self.backend().get_password(KEYRING_SERVICE, key)
        except Exception:
            return None

    def drop(self, key: str) -> None:
        # Already gone, or no keyring: nothing to clean.
        with contextlib.suppress(Exception):
            self.backend().delete_password(KEYRING_SERVICE, key)


def _is_url(source: str) -> bool:
    return source.partition(":")[0].strip().lower() in _SCHEMES


def _check_name(name: str) -> str:
    clean = check_text(name, "a feed name", MAX_NAME)
    if not clean:
        raise DomainError("a feed needs a name")
    return clean


def _check_source(source: str) -> tuple[str, bool]:
    """The source to keep and whether it is a URL (a secret) rather than a local file."""
    text = source.strip()
    if not text:
        raise DomainError("a feed needs a source: an https or webcal address, or an .ics file")
    try:
        parts = urlsplit(text)
    except ValueError:  # urllib's only complaint here: a '[' without its ']'
        raise DomainError("the feed address has a broken IPv6 host (a '[' without ']')") from None
    scheme = parts.scheme.lower()
    if scheme in _SCHEMES:
        if any(ch.isspace() or not ch.isprintable() for ch in text):
            raise DomainError("a feed address cannot contain spaces or control characters")
        if not parts.hostname:
            raise DomainError("the feed address has no host name")
        try:
            port = parts.port
        except ValueError:  # not a number, or above 65535
            port = -1
        if port is not None and not 0 < port <= 65535:
            raise DomainError("the feed address has a port that is not a number from 1 to 65535")
        return text, True
    if scheme == "file":
        text = urlsplit(text).path
    elif scheme and len(scheme) > 1:  # one letter is a Windows drive, not a scheme
        raise DomainError(
            f"'{scheme}:' addresses are not supported: use https, webcal or a local .ics file"
        )
    path = Path(text).expanduser()
    if not path.is_file():
        raise DomainError(f"no such file: {path}")
    return str(path.resolve()), False


def _instant(value: datetime | date) -> datetime:
    if isinstance(value, datetime):
        return value.astimezone(UTC)
    return date_to_utc_midnight(value)


def _recurrence_key(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


# The fetcher and the parser speak of a server; a local file is reported as a file.
_OF_A_FILE = (
    ("the server sent an empty response", "the file is empty"),
    ("a web page, not a calendar (a login page?)", "a web page, not a calendar"),
    ("the server sent a web page", "the file is a web page"),
    ("the server sent", "the file holds"),
)


def _worded(source: str, reason: str) -> str:
    """``reason`` as said of ``source``: of the file, when the feed is a local file."""
    if _is_url(source):
        return reason
    for server, file in _OF_A_FILE:
        reason = reason.replace(server, file)
    return reason


_SECRETISH = re.compile(r"[a-z][a-z0-9+.-]*://\S+", re.IGNORECASE)


def _scrub(text: str) -> str:
    """Last guard for messages from lower layers: no address ever reaches the user or a log."""
    return _SECRETISH.sub(lambda m: mask_source(m.group(0)), text)


class Feeds:
    """The feeds of one practice. Network and parsing happen outside any transaction."""

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
        self._secrets = _Secrets(keyring)
        self._kept: dict[int, _Kept] = {}  # feed id -> the groups this process last stored

    # -- managing feeds -------------------------------------------------------------------

    def add(
        self, name: str, source: str, *, refresh_minutes: int = 60, block_all_day: bool = False
    ) -> FeedAdded:
        clean = _check_name(name)
        where, secret = _check_source(source)
        with self.practice.reading() as db:
            if db.scalars(select(FeedRow.id).where(FeedRow.name == clean)).first() is not None:
                raise DomainError(f"a feed named '{clean}' already exists")
        note = ""
        stored = where
        if secret:
            if self._secrets.put(clean, where):
                stored = KEYRING_PREFIX + clean
            else:
                where_kept = (
                    "a file only you can read"
                    if self.practice.engine.dialect.name == "sqlite"
                    else "on the database server"
                )
                note = (
                    "No keyring is available, so the feed's secret address is kept in the "
                    f"kara-tui database ({where_kept})."
                )
        try:
            with self.practice.writing() as db:
                used = set(db.scalars(select(FeedRow.colour)))
                row = FeedRow(
                    name=clean,
                    source=stored,
                    enabled=True,
                    refresh_minutes=refresh_minutes,
                    block_all_day=block_all_day,
                    colour=next((c for c in FEED_COLOURS if c not in used), FEED_COLOURS[0]),
                    created_at=self.practice.clock.now(),
                )
                db.add(row)
                db.flush()
                feed = row.to_domain(source=mask_source(where))
        except BaseException:
            if stored.startswith(KEYRING_PREFIX):
                self._secrets.drop(clean)
            raise
        return FeedAdded(feed, note)

    def list(self) -> list[Feed]:
        """Every feed, its source masked: the secret address never leaves this service."""
        with self.practice.reading() as db:
            rows = list(db.scalars(select(FeedRow).order_by(FeedRow.name)))
            return [r.to_domain(source=self._shown_source(r)) for r in rows]

    def get(self, name: str) -> Feed:
        with self.practice.reading() as db:
            row = self._row(db, name)
            return row.to_domain(source=self._shown_source(row))

    def remove(self, name: str) -> None:
        """The feed and its stored events; the professional's sessions are not touched."""
        with self.practice.writing() as db:
            row = self._row(db, name)
            in_keyring = row.source.startswith(KEYRING_PREFIX)
            key = row.source[len(KEYRING_PREFIX) :]
            db.execute(delete(_EVENTS).where(_EVENTS.c.feed_id == row.id))
            db.execute(delete(_GROUPS).where(_GROUPS.c.feed_id == row.id))
            db.delete(row)
            self._kept.pop(row.id, None)
        if in_keyring:
            self._secrets.drop(key)

    def set_block_all_day(self, name: str, block: bool) -> Feed:
        """Whether the feed's all-day events make conflicts (policy.conflicts.event_blocks)."""
        with self.practice.writing() as db:
            row = self._row(db, name)
            row.block_all_day = block
            return row.to_domain(source=self._shown_source(row))

    def set_enabled(self, name: str, enabled: bool) -> Feed:
        with self.practice.writing() as db:
            row = self._row(db, name)
            row.enabled = enabled
            return row.to_domain(source=self._shown_source(row))

    def events(
        self, name: str | None = None, *, start: datetime, end: datetime
    ) -> list[ExternalEvent]:
        """Stored occurrences overlapping [start, end): of one feed (even disabled) or of all
        enabled feeds."""
        with self.practice.reading() as db:
            stmt = (
                select(ExternalEventRow)
                .join(FeedRow)
                .where(
                    ExternalEventRow.end > start - timedelta(days=1),
                    ExternalEventRow.start < end + timedelta(days=1),
                )
                .order_by(ExternalEventRow.start, ExternalEventRow.id)
            )
            if name is None:
                stmt = stmt.where(FeedRow.enabled.is_(True))
            else:
                stmt = stmt.where(FeedRow.id == self._row(db, name).id)
            events = [r.to_domain() for r in db.scalars(stmt)]
        tz = self.practice.tz

        def instant(value: datetime | date) -> datetime:
            if isinstance(value, datetime):
                return value
            return datetime.combine(value, time(0), tzinfo=tz)

        return [e for e in events if instant(e.start) < end and start < instant(e.end)]

    def due(self) -> list[Feed]:
        """Enabled feeds whose refresh interval has passed: what a background refresh syncs."""
        now = self.practice.clock.now()
        return [
            f
            for f in self.list()
            if f.enabled
            and f.refresh_minutes > 0
            and (
                f.last_attempt is None
                or f.last_attempt + timedelta(minutes=f.refresh_minutes) <= now
            )
        ]

    # -- syncing --------------------------------------------------------------------------

    def sync(
        self,
        name: str | None = None,
        *,
        accept_empty: bool = False,
        on_progress: Callable[[str, int, int], None] | None = None,
    ) -> list[SyncReport]:
        """Sync one feed, or every enabled feed that refreshes (one-shot imports do not).

        Each feed is its own transaction: one feed failing never undoes another.
        ``on_progress(feed_name, index, total)`` is called before each feed.
        """
        if name is not None:
            with self.practice.reading() as db:
                names = [self._row(db, name).name]
        else:
            with self.practice.reading() as db:
                names = list(
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
        """A one-shot snapshot of an .ics file: a feed that is not refreshed on its own.

        Importing the same file under the same name again updates it. A file that cannot be
        read leaves no feed behind.
        """
        where, secret = _check_source(str(path))
        if secret:
            raise DomainError("import reads a local .ics file; for an address use 'feeds add'")
        clean = _check_name(name if name is not None else Path(where).stem)
        created = False
        with self.practice.reading() as db:
            row = db.scalars(select(FeedRow).where(FeedRow.name == clean)).first()
            if row is not None and row.source != where:
                raise DomainError(
                    f"a feed named '{clean}' already exists; choose another name with --name"
                )
        if row is None:
            self.add(clean, where, refresh_minutes=0)
            created = True
        report = self._sync_one(clean, accept_empty=False)
        if created and not report.ok:
            with self.practice.writing() as db:
                gone = db.scalars(select(FeedRow).where(FeedRow.name == clean)).first()
                if gone is not None and gone.event_count == 0:
                    db.delete(gone)
        return report

    def _sync_one(self, name: str, *, accept_empty: bool) -> SyncReport:
        try:
            target = self._target(name)
        except NotFound:
            return SyncReport(name, ok=False, message=f"{name}: the feed was removed")
        except DomainError as exc:
            return self._fail(name, None, str(exc))
        window = self._window()
        fetch = (
            fetch_caldav_in(window.start, window.end) if is_caldav(target.source) else fetch_feed
        )
        try:
            fetched = fetch(
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
            return self._fail(name, target.id, _worded(target.source, _scrub(str(exc))))
        except Exception as exc:  # a fetcher bug must not take the other feeds down
            return self._fail(
                name, target.id, f"the feed could not be fetched ({type(exc).__name__})"
            )
        if fetched.status == "not_modified":
            return self._record_success(
                target, fetched.etag, fetched.last_modified, None, "not modified since last sync"
            )
        body = fetched.body or b""
        key = self._sync_key(
            fetched.body_hash or hashlib.sha256(body).hexdigest(), window.start, window.end
        )
        if key == target.sync_key:
            return self._record_success(
                target, fetched.etag, fetched.last_modified, key, "unchanged"
            )
        empty_body = not body.strip()
        delivery = _Delivery(fetched.etag, fetched.last_modified, key)
        result: ParseResult | None = None
        if empty_body and not accept_empty:
            return self._fail(name, target.id, "the feed returned nothing", confirmable=True)
        body_outline: Outline | None = None
        if not empty_body:
            try:
                changes = self._changes(target, body, window)
            except Exception:  # unreadable digests cost a whole parse, never the sync
                changes = None
            if isinstance(changes, _Changes):
                try:
                    partial = self._sync_changes(target, body, changes, delivery, window)
                except Exception as exc:  # the transaction was rolled back: nothing changed
                    return self._store_failed(target, exc)
                if partial is not None:
                    return partial
            body_outline = changes.outline if isinstance(changes, _Changes) else changes
            try:
                result = parse_feed(
                    body,
                    window_start=window.start,
                    window_end=window.end,
                    default_tz=window.tz,
                    unknown_length=self._unknown_length(),
                    outline=body_outline,
                )
            except FeedUnreadable as exc:
                return self._fail(name, target.id, _worded(target.source, _scrub(str(exc))))
            except Exception as exc:  # a parser bug must not take the other feeds down
                return self._fail(
                    name, target.id, f"the feed could not be read ({type(exc).__name__})"
                )
            body_outline = result.outline
        try:
            return self._store(
                target,
                result,
                accept_empty=accept_empty,
                delivery=delivery,
                groups=self._groups_of(body_outline, window),
            )
        except Exception as exc:  # the transaction was rolled back: nothing changed
            return self._store_failed(target, exc)

    def _store_failed(self, target: _Target, exc: Exception) -> SyncReport:
        detail = str(exc) if isinstance(exc, StorageError) else type(exc).__name__
        return self._fail(target.name, target.id, f"the events could not be stored ({detail})")

    def _store(
        self,
        target: _Target,
        result: ParseResult | None,
        *,
        accept_empty: bool,
        delivery: _Delivery,
        groups: tuple[Outline, str] | None,
    ) -> SyncReport:
        """Store a whole parse: every occurrence, and the digests of every UID group that
        ``groups`` (the body's outline and parse key) has, for the next re-sync."""
        name = target.name
        occurrences = result.occurrences if result is not None else []
        problems = [FeedProblem(name, p.uid, p.reason) for p in (result.problems if result else [])]
        fresh = self._keyed(name, occurrences, problems)
        if groups is not None:
            problems = _in_file_order(problems, groups[0])
        now = self.practice.clock.now()
        with self.practice.writing() as db:
            feed = db.get(FeedRow, target.id)
            if feed is None:
                return SyncReport(name, ok=False, message=f"{name}: the feed was removed")
            bulk = Bulk(db.connection(), _EVENTS)
            stored = self._stored(bulk, _EVENTS.c.feed_id == target.id)
            if not fresh and stored and not accept_empty:
                why = self._why_empty(result)
                reason = (
                    f"{why}; kept the {_plural(len(stored), 'stored event')} "
                    "until you confirm that the feed is empty now"
                )
                feed.last_attempt = now
                feed.last_error = reason
                feed.stale = True
                return SyncReport(
                    name,
                    ok=False,
                    message=f"{name}: {reason}",
                    problems=tuple(problems),
                    stale=True,
                    needs_confirmation=True,
                )
            written = self._write(bulk, target.id, fresh, stored)
            groups_bulk = Bulk(db.connection(), _GROUPS)
            db.execute(delete(_GROUPS).where(_GROUPS.c.feed_id == target.id))
            kept: _Groups | None = None
            if groups is not None:
                kept = self._write_groups(groups_bulk, target.id, groups[0], groups[1], problems)
            self._record_store(feed, delivery, now, len(fresh))
        self._keep(target.id, delivery.sync_key, kept)
        return self._stored_report(name, written, problems)

    def _keep(self, feed_id: int, sync_key: str, groups: _Groups | None) -> None:
        """Remember what was just committed (only then: a rolled-back store keeps nothing)."""
        if groups is None:
            self._kept.pop(feed_id, None)
        else:
            self._kept[feed_id] = _Kept(sync_key, groups)

    def _sync_changes(
        self,
        target: _Target,
        body: bytes,
        changes: _Changes,
        delivery: _Delivery,
        window: _Window,
    ) -> SyncReport | None:
        """Parse and store only the UID groups that changed; None when the whole body must
        be parsed after all (the partial parse reported something it cannot place, the
        feed would end up empty, or another sync stored this feed meanwhile)."""
        name = target.name
        only = set(changes.changed)
        occurrences: list[Occurrence] = []
        found: list[FeedProblem] = []
        if only:
            try:
                result = parse_feed(
                    body,
                    window_start=window.start,
                    window_end=window.end,
                    default_tz=window.tz,
                    unknown_length=self._unknown_length(),
                    only=only,
                    outline=changes.outline,
                )
            except Exception:  # the whole parse says what is wrong, the same way as ever
                return None
            occurrences = result.occurrences
            found = [FeedProblem(name, p.uid, p.reason) for p in result.problems]
            if any(o.uid not in only for o in occurrences):
                return None
        fresh = self._keyed(name, occurrences, found)
        if any(p.uid not in only for p in found):
            return None  # a problem of the whole body: only a whole parse reports it right
        kept = {
            uid: [FeedProblem(name, *pair) for pair in pairs]
            for uid, pairs in changes.stored.problems.items()
            if uid not in only
        }
        problems = _in_file_order(
            [*found, *(p for ps in kept.values() for p in ps)], changes.outline
        )
        now = self.practice.clock.now()
        with self.practice.writing() as db:
            feed = db.get(FeedRow, target.id)
            if feed is None:
                return SyncReport(name, ok=False, message=f"{name}: the feed was removed")
            if feed.body_hash != target.sync_key:
                return None  # stored by another sync since the digests were read
            bulk = Bulk(db.connection(), _EVENTS)
            stored: dict[tuple[str, str], _Stored] = {}
            for chunk in _chunks([*changes.changed, *changes.vanished], 500):
                stored.update(
                    self._stored(bulk, (_EVENTS.c.feed_id == target.id) & _EVENTS.c.uid.in_(chunk))
                )
            total = (
                db.scalar(
                    select(func.count()).select_from(_EVENTS).where(_EVENTS.c.feed_id == target.id)
                )
                or 0
            )
            count = total - len(stored) + len(fresh)
            if count == 0 and total > 0:
                return None  # the feed looks empty now: the whole store's rules decide
            written = self._write(bulk, target.id, fresh, stored)
            written.unchanged += total - len(stored)
            groups = Bulk(db.connection(), _GROUPS)
            for chunk in _chunks([*changes.changed, *changes.vanished], 500):
                db.execute(
                    delete(_GROUPS).where(_GROUPS.c.feed_id == target.id, _GROUPS.c.uid.in_(chunk))
                )
            by_uid = _by_uid(found)
            digests = changes.outline.groups
            groups.insert(
                ("feed_id", "uid", "digest", "problems"),
                (
                    (target.id, uid, digests[uid], _problems_json(by_uid.get(uid, ())))
                    for uid in changes.changed
                ),
            )
            self._record_store(feed, delivery, now, count)
        self._keep(target.id, delivery.sync_key, _updated(changes, by_uid))
        return self._stored_report(name, written, problems)

    @staticmethod
    def _record_store(feed: FeedRow, delivery: _Delivery, now: datetime, count: int) -> None:
        feed.etag = delivery.etag
        feed.last_modified = delivery.last_modified
        feed.body_hash = delivery.sync_key
        feed.last_attempt = now
        feed.last_success = now
        feed.last_error = ""
        feed.stale = False
        feed.event_count = count

    @staticmethod
    def _write_groups(
        bulk: Bulk, feed_id: int, body: Outline, parse_key: str, problems: list[FeedProblem]
    ) -> _Groups:
        """Every UID group's digest and problems, and the body's row: its key and the
        problems of no one group. Returns what was written."""
        by_uid = _by_uid(problems)
        own = [p for p in problems if p.uid not in body.groups]
        rows = (
            (feed_id, uid, digest, _problems_json(by_uid.get(uid, ())))
            for uid, digest in body.groups.items()
        )
        bulk.insert(
            ("feed_id", "uid", "digest", "problems"),
            itertools.chain([(feed_id, _BODY, parse_key, _problems_json(own))], rows),
        )
        kept = {uid: [(p.uid, p.reason) for p in found] for uid, found in by_uid.items()}
        if own:
            kept = {u: v for u, v in kept.items() if u in body.groups}
            kept[_BODY] = [(p.uid, p.reason) for p in own]
        return _Groups(parse_key, dict(body.groups), kept)

    @staticmethod
    def _stored_report(name: str, written: _Written, problems: list[FeedProblem]) -> SyncReport:
        parts = [
            f"{count} {label}"
            for count, label in (
                (written.added, "added"),
                (written.updated, "updated"),
                (written.removed, "removed"),
                (written.unchanged, "unchanged"),
            )
        ]
        message = f"{name}: {', '.join(parts)}"
        said = _problems_said(problems)
        if said:
            message += f"; {said}"
        return SyncReport(
            name,
            ok=True,
            message=message,
            added=written.added,
            updated=written.updated,
            removed=written.removed,
            unchanged=written.unchanged,
            problems=tuple(problems),
        )

    @staticmethod
    def _why_empty(result: ParseResult | None) -> str:
        if result is None:
            return "the feed returned nothing"
        if result.event_count == 0:
            return "the feed returned an empty calendar"
        if len(result.problems) >= result.event_count:
            return "none of the feed's events could be read"
        return "none of the feed's events fall within the sync window"

    @staticmethod
    def _keyed(
        name: str, occurrences: Iterable[Occurrence], problems: list[FeedProblem]
    ) -> dict[tuple[str, str], Occurrence]:
        fresh: dict[tuple[str, str], Occurrence] = {}
        for occ in occurrences:
            if len(occ.uid) > MAX_UID:
                problems.append(
                    FeedProblem(name, occ.uid[:60] + "…", f"UID longer than {MAX_UID} characters")
                )
                continue
            key = (occ.uid, _recurrence_key(occ.recurrence_id))
            if key in fresh:
                if not any(p.uid == occ.uid and p.reason.startswith("repeated") for p in problems):
                    problems.append(
                        FeedProblem(name, occ.uid, "repeated UID and RECURRENCE-ID; kept the first")
                    )
                continue
            fresh[key] = occ
        return fresh

    @staticmethod
    def _stored(bulk: Bulk, where: Any) -> dict[tuple[str, str], _Stored]:
        """The stored occurrences that ``where`` picks, by (UID, RECURRENCE-ID)."""
        return {
            (uid, rid): (row_id, digest, start, end)
            for row_id, uid, rid, digest, start, end in bulk.read(
                ("id", "uid", "recurrence_id", "component_hash", "start", "end"), where
            )
        }

    @staticmethod
    def _write(
        bulk: Bulk,
        feed_id: int,
        fresh: dict[tuple[str, str], Occurrence],
        stored: dict[tuple[str, str], _Stored],
    ) -> _Written:
        """Make the stored occurrences of ``stored``'s keys those of ``fresh``: delete the gone,
        rewrite the changed in place (their ids stay), insert the new, leave the rest alone.

        The inserts are streamed to the database in chunks, never all built first.
        """
        written = _Written()
        updates: list[tuple[Any, ...]] = []
        form = bulk.form

        def inserts() -> Iterator[tuple[Any, ...]]:
            for key, occ in fresh.items():
                start = _instant(occ.start)
                end = _instant(occ.end)
                old = stored.get(key)
                if old is not None:
                    if (
                        old[1] == occ.component_hash
                        and old[2] == form("start", start)
                        and old[3] == form("end", end)
                    ):
                        written.unchanged += 1
                        continue
                    updates.append(
                        (
                            start,
                            end,
                            occ.all_day,
                            occ.summary or "",
                            occ.location or "",
                            occ.busy,
                            occ.cancelled,
                            occ.component_hash,
                            old[0],
                        )
                    )
                    continue
                yield (
                    feed_id,
                    key[0],
                    key[1],
                    start,
                    end,
                    occ.all_day,
                    occ.summary or "",
                    occ.location or "",
                    occ.busy,
                    occ.cancelled,
                    occ.component_hash,
                )

        written.removed = bulk.delete(
            "id", [old[0] for key, old in stored.items() if key not in fresh]
        )
        written.added = bulk.insert(_COLUMNS, inserts())
        written.updated = bulk.update("id", _REWRITTEN, updates)
        return written

    # -- helpers --------------------------------------------------------------------------

    def _unknown_length(self) -> timedelta:
        """How long a feed event whose end cannot be read is busy (a setting, at least 1 min)."""
        return timedelta(minutes=max(1, self.settings.feed_unknown_length_minutes))

    def _window(self) -> _Window:
        """The horizon in whole local days, so that a day's syncs share one window."""
        tz = self.practice.tz
        today = self.practice.clock.now().astimezone(tz).date()
        first = today - timedelta(days=self.settings.horizon_past_days)
        last = today + timedelta(days=self.settings.horizon_future_days + 1)
        return _Window(
            datetime.combine(first, time(0), tzinfo=tz).astimezone(UTC),
            datetime.combine(last, time(0), tzinfo=tz).astimezone(UTC),
            tz,
        )

    @staticmethod
    def _parse_key(head_digest: str, window: _Window) -> str:
        """What a stored group digest is only good under: the rest of the body (zones, the
        calendar's own zone), the window, the zone floating times are read in, the parser."""
        text = "|".join(
            (
                head_digest,
                window.start.isoformat(),
                window.end.isoformat(),
                str(getattr(window.tz, "key", window.tz)),
                PARSE_REVISION,
                __version__,
            )
        )
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def _groups_of(self, body: Outline | None, window: _Window) -> tuple[Outline, str] | None:
        """The outline to keep digests of, with its key; None when a re-sync must parse whole."""
        if body is None or any(len(uid) > MAX_UID for uid in body.groups):
            return None
        return body, self._parse_key(body.head_digest, window)

    def _changes(self, target: _Target, body: bytes, window: _Window) -> _Changes | Outline | None:
        """Which UID groups changed since the stored parse: a _Changes when a partial parse
        can do, else the body's outline (None when it has none or none was needed)."""
        kept = self._kept.get(target.id)
        if kept is not None and kept.sync_key == target.sync_key:
            stored = kept.groups  # what feed_groups holds: this process stored it
        else:
            stored_or_none = self._read_groups(target.id)
            if stored_or_none is None:
                return None  # nothing stored to compare with: the whole parse outlines the body
            stored = stored_or_none
        body_outline = outline(body)
        if body_outline is None:
            return None
        parse_key = self._parse_key(body_outline.head_digest, window)
        if stored.parse_key != parse_key or _BODY in stored.problems:
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
        return _Changes(body_outline, changed, vanished, stored)

    def _read_groups(self, feed_id: int) -> _Groups | None:
        """The feed's stored groups; None when it has none (or only some: no body row)."""
        with self.practice.reading() as db:
            rows = Bulk(db.connection(), _GROUPS).read(
                ("uid", "digest", "problems"), _GROUPS.c.feed_id == feed_id
            )
        digests = dict(row[:2] for row in rows)
        parse_key = digests.pop(_BODY, None)
        if parse_key is None:
            return None
        problems = {row[0]: [(u, r) for u, r in json.loads(row[2])] for row in rows if row[2]}
        return _Groups(parse_key, digests, problems)

    @staticmethod
    def _sync_key(body_hash: str, start: datetime, end: datetime) -> str:
        # Kept in feeds.body_hash. The window is part of it: the same body read on another day
        # expands to other occurrences, so it is parsed again (once a day at most).
        text = f"{body_hash}|{start.isoformat()}|{end.isoformat()}"
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def _row(self, db: DbSession, name: str) -> FeedRow:
        row = db.scalars(select(FeedRow).where(FeedRow.name == name.strip())).first()
        if row is None:
            raise NotFound(f"no feed called '{name.strip()}'")
        return row

    def _shown_source(self, row: FeedRow) -> str:
        if row.source.startswith(KEYRING_PREFIX):
            secret = self._secrets.get(row.source[len(KEYRING_PREFIX) :])
            return mask_source(secret) if secret else "(in your keyring)"
        return mask_source(row.source)

    def _target(self, name: str) -> _Target:
        with self.practice.reading() as db:
            row = self._row(db, name)
            target = _Target(
                id=row.id,
                name=row.name,
                source=row.source,
                etag=row.etag,
                last_modified=row.last_modified,
                sync_key=row.body_hash,
            )
        if target.source.startswith(KEYRING_PREFIX):
            secret = self._secrets.get(target.source[len(KEYRING_PREFIX) :])
            if not secret:
                raise _MissingSecret(target.id)
            target = _Target(
                target.id,
                target.name,
                secret,
                target.etag,
                target.last_modified,
                target.sync_key,
            )
        return target

    def _record_success(
        self,
        target: _Target,
        etag: str | None,
        last_modified: str | None,
        sync_key: str | None,
        what: str,
    ) -> SyncReport:
        """A 304 or an unchanged body: the stored events are right; no event is written."""
        now = self.practice.clock.now()
        with self.practice.writing() as db:
            feed = db.get(FeedRow, target.id)
            if feed is None:
                return SyncReport(
                    target.name, ok=False, message=f"{target.name}: the feed was removed"
                )
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
            message=f"{target.name}: {what} ({_plural(count, 'event')})",
            unchanged=count,
            skipped=True,
        )

    def _fail(
        self, name: str, feed_id: int | None, reason: str, *, confirmable: bool = False
    ) -> SyncReport:
        """The feed could not be read: keep every stored event and say why.

        ``confirmable``: the feed looks empty, which the user may confirm with accept_empty.
        """
        now = self.practice.clock.now()
        stale = False
        count = 0
        try:
            with self.practice.writing() as db:
                feed = (
                    db.get(FeedRow, feed_id)
                    if feed_id is not None
                    else db.scalars(select(FeedRow).where(FeedRow.name == name)).first()
                )
                if feed is not None:
                    count = (
                        db.scalar(
                            select(func.count())
                            .select_from(_EVENTS)
                            .where(_EVENTS.c.feed_id == feed.id)
                        )
                        or 0
                    )
                    stale = count > 0
                    feed.last_attempt = now
                    feed.last_error = reason
                    feed.stale = stale
        except (SQLAlchemyError, StorageError):
            pass  # the failure itself is what the user needs to hear about
        message = f"{name}: {reason}"
        if stale:
            message += f"; kept the {_plural(count, 'stored event')} (marked stale)"
        return SyncReport(
            name, ok=False, message=message, stale=stale, needs_confirmation=stale and confirmable
        )


class _MissingSecret(DomainError):
    def __init__(self, feed_id: int) -> None:
        self.feed_id = feed_id
        super().__init__(
            "the feed's address is no longer in your keyring; remove the feed and add it again"
        )


def _chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _by_uid(problems: Iterable[FeedProblem]) -> dict[str, list[FeedProblem]]:
    out: dict[str, list[FeedProblem]] = {}
    for problem in problems:
        out.setdefault(problem.uid, []).append(problem)
    return out


def _problems_json(problems: Iterable[FeedProblem]) -> str:
    pairs = [[p.uid, p.reason] for p in problems]
    return json.dumps(pairs, ensure_ascii=False) if pairs else ""


def _in_file_order(problems: list[FeedProblem], body: Outline) -> list[FeedProblem]:
    """Problems of the body itself first, then each UID group's in the order the groups
    appear in the file: the same list whether the groups were parsed together or not."""
    if len(problems) < 2:
        return problems
    order = {uid: index for index, uid in enumerate(body.groups)}
    return sorted(problems, key=lambda p: order.get(p.uid, -1))


def _updated(changes: _Changes, found: dict[str, list[FeedProblem]]) -> _Groups:
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
    return _Groups(changes.stored.parse_key, digests, problems)
