"""The feed list: add, look up, change and remove feeds, and read their stored events."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy import delete, select
from sqlalchemy.orm import Session as DbSession

from kara_tui.db.rows import ExternalEventRow, FeedRow
from kara_tui.domain import DomainError, ExternalEvent, Feed
from kara_tui.domain.text import check_text
from kara_tui.ical.fetch import mask_source
from kara_tui.services.errors import NotFound
from kara_tui.services.feed_reports import FeedAdded
from kara_tui.services.feed_secrets import KEYRING_PREFIX, FeedSecrets
from kara_tui.services.feed_store import EVENTS, GROUPS
from kara_tui.services.practice import Practice

MAX_NAME = 200
SCHEMES = ("http", "https", "webcal")
# A new feed takes the first of these no other feed has, so two calendars never look alike
# (blue first: the column's default). Readable on dark and light backgrounds; no red, which
# reads as an error.
FEED_COLOURS = ("#5f87af", "#d7875f", "#5faf87", "#af87d7", "#afaf5f", "#5fafaf", "#d787af")


class FeedList:
    """The feeds of one practice, each with its settings; sources are shown masked."""

    def __init__(
        self, practice: Practice, secrets: FeedSecrets, forget: Callable[[int], None]
    ) -> None:
        """``forget(feed_id)`` drops what the syncing side remembers of a removed feed."""
        self.practice = practice
        self._secrets = secrets
        self._forget = forget

    def add(
        self, name: str, source: str, *, refresh_minutes: int = 60, block_all_day: bool = False
    ) -> FeedAdded:
        clean = check_name(name)
        where, secret = check_source(source)
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

    def all_feeds(self) -> list[Feed]:
        """Every feed, its source masked: the secret address never leaves this service."""
        with self.practice.reading() as db:
            rows = list(db.scalars(select(FeedRow).order_by(FeedRow.name)))
            return [r.to_domain(source=self._secrets.shown(r.source)) for r in rows]

    def get(self, name: str) -> Feed:
        with self.practice.reading() as db:
            row = feed_row(db, name)
            return row.to_domain(source=self._secrets.shown(row.source))

    def remove(self, name: str) -> None:
        """The feed and its stored events; the professional's sessions are not touched."""
        with self.practice.writing() as db:
            row = feed_row(db, name)
            in_keyring = row.source.startswith(KEYRING_PREFIX)
            key = row.source[len(KEYRING_PREFIX) :]
            db.execute(delete(EVENTS).where(EVENTS.c.feed_id == row.id))
            db.execute(delete(GROUPS).where(GROUPS.c.feed_id == row.id))
            db.delete(row)
            self._forget(row.id)
        if in_keyring:
            self._secrets.drop(key)

    def set_block_all_day(self, name: str, block: bool) -> Feed:
        """Whether the feed's all-day events make conflicts (policy.conflicts.event_blocks)."""
        with self.practice.writing() as db:
            row = feed_row(db, name)
            row.block_all_day = block
            return row.to_domain(source=self._secrets.shown(row.source))

    def set_enabled(self, name: str, enabled: bool) -> Feed:
        with self.practice.writing() as db:
            row = feed_row(db, name)
            row.enabled = enabled
            return row.to_domain(source=self._secrets.shown(row.source))

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
                stmt = stmt.where(FeedRow.id == feed_row(db, name).id)
            events = [r.to_domain() for r in db.scalars(stmt)]
        tz = self.practice.tz
        return [e for e in events if e.overlaps(start, end, tz)]

    def due(self) -> list[Feed]:
        """Enabled feeds whose refresh interval has passed: what a background refresh syncs."""
        now = self.practice.clock.now()
        return [
            f
            for f in self.all_feeds()
            if f.enabled
            and f.refresh_minutes > 0
            and (
                f.last_attempt is None
                or f.last_attempt + timedelta(minutes=f.refresh_minutes) <= now
            )
        ]


def feed_row(db: DbSession, name: str) -> FeedRow:
    row = db.scalars(select(FeedRow).where(FeedRow.name == name.strip())).first()
    if row is None:
        raise NotFound(f"no feed called '{name.strip()}'")
    return row


def is_url(source: str) -> bool:
    return source.partition(":")[0].strip().lower() in SCHEMES


def check_name(name: str) -> str:
    clean = check_text(name, "a feed name", MAX_NAME)
    if not clean:
        raise DomainError("a feed needs a name")
    return clean


def check_source(source: str) -> tuple[str, bool]:
    """The source to keep and whether it is a URL (a secret) rather than a local file."""
    text = source.strip()
    if not text:
        raise DomainError("a feed needs a source: an https or webcal address, or an .ics file")
    try:
        parts = urlsplit(text)
    except ValueError:  # urllib's only complaint here: a '[' without its ']'
        raise DomainError("the feed address has a broken IPv6 host (a '[' without ']')") from None
    scheme = parts.scheme.lower()
    if scheme in SCHEMES:
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
