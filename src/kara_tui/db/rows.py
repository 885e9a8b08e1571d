"""Typed SQLAlchemy rows; each converts to its frozen domain value with ``to_domain()``."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from kara_tui import domain as d
from kara_tui.db import codec
from kara_tui.db.codec import date_to_utc_midnight as date_to_utc_midnight  # kept here for callers
from kara_tui.db.types import UTCDateTime
from kara_tui.domain.model import DEFAULT_LATE_FEE_PERCENT
from kara_tui.domain.money import audit_amount
from kara_tui.domain.series import Repeat, SeriesRule
from kara_tui.domain.series import Series as SeriesValue

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


# Tables whose ids the user sees (in the calendar, the CLI, the audit, the outbox, their own
# notes): an id is never given again after a delete (AUTOINCREMENT on SQLite; PostgreSQL's
# serial columns never reuse one). Migration 0004_ids_never_reused brought older files here.
NEVER_REUSED = {"sqlite_autoincrement": True}


class NumberedRow(Base):
    """A table of such ids: its ``id`` primary key, first among its columns, never reused."""

    __abstract__ = True
    __table_args__: Any = NEVER_REUSED  # a table with more args lists NEVER_REUSED among them

    id: Mapped[int] = mapped_column(primary_key=True, sort_order=-1)


class ProfessionalRow(Base):
    __tablename__ = "professionals"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(320), default="")
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/London")
    cancellation_window_hours: Mapped[int] = mapped_column(Integer, default=24)
    late_fee_percent: Mapped[int] = mapped_column(Integer, default=DEFAULT_LATE_FEE_PERCENT)
    payment_methods: Mapped[str] = mapped_column(
        String(200), default="card,cash,bank_transfer,invoice"
    )
    working_hours: Mapped[str] = mapped_column(String(100), default="mon-fri 09:00-18:00")
    buffer_minutes: Mapped[int] = mapped_column(Integer, default=10)
    default_currency: Mapped[str] = mapped_column(String(3), default="GBP")
    default_minutes: Mapped[int] = mapped_column(Integer, default=50)
    reminder_leads: Mapped[str] = mapped_column(String(20), default="24", server_default="24")
    quiet_hours: Mapped[str] = mapped_column(
        String(20), default="21:00-08:00", server_default="21:00-08:00"
    )
    # How far ahead an open-ended series keeps sessions booked (DESIGN.md section 6).
    series_horizon_weeks: Mapped[int] = mapped_column(Integer, default=26, server_default="26")
    charge_attended_sessions: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )

    to_domain = codec.professional


class ClientRow(NumberedRow):
    __tablename__ = "clients"

    professional_id: Mapped[int] = mapped_column(ForeignKey("professionals.id"), index=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    email: Mapped[str] = mapped_column(String(320), default="")
    phone: Mapped[str] = mapped_column(String(50), default="")
    programme: Mapped[str] = mapped_column(String(20), default="private")
    fee_minor: Mapped[int] = mapped_column(Integer, default=0)
    currency: Mapped[str] = mapped_column(String(3), default="GBP")
    window_hours: Mapped[int | None] = mapped_column(Integer, nullable=True)
    sponsored_credit: Mapped[int] = mapped_column(Integer, default=0)
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    reminder_leads: Mapped[str | None] = mapped_column(String(20), nullable=True)

    to_domain = codec.client


class SessionRow(NumberedRow):
    __tablename__ = "sessions"
    __table_args__ = (
        Index("ix_sessions_start_end", "start", "end"),
        # One session per occurrence of a series: what makes extending a series idempotent.
        Index("uq_sessions_series_original", "series_id", "original_start", unique=True),
        NEVER_REUSED,
    )

    uid: Mapped[str] = mapped_column(String(255), unique=True)
    professional_id: Mapped[int] = mapped_column(ForeignKey("professionals.id"), index=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), index=True)
    start: Mapped[datetime] = mapped_column(UTCDateTime)
    end: Mapped[datetime] = mapped_column(UTCDateTime)
    service: Mapped[str] = mapped_column(String(200), default="")
    location: Mapped[str] = mapped_column(String(500), default="")
    fee_minor: Mapped[int] = mapped_column(Integer, default=0)
    currency: Mapped[str] = mapped_column(String(3), default="GBP")
    status: Mapped[str] = mapped_column(String(20), default="scheduled", index=True)
    prepaid: Mapped[bool] = mapped_column(Boolean, default=False)
    # A sponsored client's credit is held for the session when booked and given back if the
    # session is cancelled without a charge.
    credit_reserved: Mapped[bool] = mapped_column(Boolean, default=False)
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    # Indexed: the calendar asks which sessions replaced the ones it shows (Practice.rescheduled_to).
    rescheduled_from: Mapped[int | None] = mapped_column(
        ForeignKey("sessions.id", ondelete="SET NULL"), nullable=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # A session of a series, and the start the series' rule gave it (its RECURRENCE-ID).
    # No foreign key (migration 0008 says why); series are never deleted.
    series_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    original_start: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    client: Mapped[ClientRow] = relationship(lazy="joined")
    cancellation: Mapped[CancellationRow | None] = relationship(
        lazy="selectin", cascade="all, delete-orphan", uselist=False
    )
    charges: Mapped[list[ChargeRow]] = relationship(
        lazy="selectin", cascade="all, delete-orphan", order_by="ChargeRow.id"
    )

    def to_domain(self) -> d.Session:
        return codec.session(
            self,
            client_name=self.client.name,
            cancellation=self.cancellation.to_domain() if self.cancellation else None,
            charges=tuple(c.to_domain() for c in self.charges),
        )


class SeriesRow(NumberedRow):
    """A series of sessions: its rule and end; its occurrences are SessionRows (series_id)."""

    __tablename__ = "session_series"

    uid: Mapped[str] = mapped_column(String(255), unique=True)
    professional_id: Mapped[int] = mapped_column(ForeignKey("professionals.id"), index=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), index=True)
    first_start: Mapped[datetime] = mapped_column(UTCDateTime)
    minutes: Mapped[int] = mapped_column(Integer)
    zone: Mapped[str] = mapped_column(String(64))
    repeat: Mapped[str] = mapped_column(String(30))
    interval: Mapped[int] = mapped_column(Integer, default=1)
    count: Mapped[int | None] = mapped_column(Integer, nullable=True)
    until: Mapped[date | None] = mapped_column(Date, nullable=True)
    position: Mapped[int | None] = mapped_column(Integer, nullable=True)  # see SeriesRule
    # Original starts (UTC ISO, comma-separated) the series skips: conflicts skipped at booking.
    exceptions: Mapped[str] = mapped_column(Text, default="", server_default="")
    horizon_reached: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    ended_from: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    split_from: Mapped[int | None] = mapped_column(ForeignKey("session_series.id"), nullable=True)
    fee_minor: Mapped[int] = mapped_column(Integer, default=0)
    currency: Mapped[str] = mapped_column(String(3), default="GBP")
    service: Mapped[str] = mapped_column(String(200), default="")
    location: Mapped[str] = mapped_column(String(500), default="")
    prepaid: Mapped[bool] = mapped_column(Boolean, default=False)
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    client: Mapped[ClientRow] = relationship(lazy="joined")

    def exception_starts(self) -> tuple[datetime, ...]:
        return tuple(datetime.fromisoformat(x) for x in self.exceptions.split(",") if x)

    def to_domain(self) -> SeriesValue:
        return SeriesValue(
            **codec.kept(self, "id", "uid", "client_id", "first_start", "minutes", "zone"),
            **codec.kept(self, "service", "location", "prepaid", "horizon_reached"),
            **codec.kept(self, "ended_from", "split_from", "sequence"),
            client_name=self.client.name,
            rule=SeriesRule(
                Repeat(self.repeat), self.interval, self.count, self.until, self.position
            ),
            fee=d.Money(self.fee_minor, self.currency),
            exceptions=self.exception_starts(),
        )


class CancellationRow(Base):
    __tablename__ = "cancellations"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("sessions.id", ondelete="CASCADE"), unique=True
    )
    reason: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    notified_at: Mapped[datetime] = mapped_column(UTCDateTime)
    notice_hours: Mapped[float] = mapped_column(Float)
    late: Mapped[bool] = mapped_column(Boolean)
    charged: Mapped[bool] = mapped_column(Boolean)
    cancelled_at: Mapped[datetime] = mapped_column(UTCDateTime)

    to_domain = codec.cancellation


class ChargeRow(NumberedRow):
    __tablename__ = "charges"

    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("sessions.id", ondelete="CASCADE"), nullable=True, index=True
    )
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), index=True)
    amount_minor: Mapped[int] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(3))
    method: Mapped[str | None] = mapped_column(String(30), nullable=True)
    kind: Mapped[str] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(20), default="pending")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Set when the charge is paid (a refund paid out) or voided; see services/charges.py.
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    reference: Mapped[str] = mapped_column(String(200), default="", server_default="")
    void_reason: Mapped[str] = mapped_column(Text, default="", server_default="")

    to_domain = codec.charge


class ReminderRow(NumberedRow):
    """One client reminder per (session, kind, lead): the unique key is what makes it go once."""

    __tablename__ = "reminders"
    __table_args__ = (
        UniqueConstraint("session_id", "kind", "lead_minutes", name="uq_reminders_key"),
        NEVER_REUSED,
    )

    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("sessions.id", ondelete="SET NULL"), nullable=True, index=True
    )
    kind: Mapped[str] = mapped_column(String(20), default="client")
    lead_minutes: Mapped[int] = mapped_column(Integer)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    # The start it was planned for: a session moved since is not reminded of at the old time.
    session_start: Mapped[datetime] = mapped_column(UTCDateTime)
    # pending -> queued (a notification made, see notification_id) -> sent; or obsolete
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    notification_id: Mapped[int | None] = mapped_column(
        ForeignKey("notifications.id", ondelete="SET NULL"), nullable=True
    )
    note: Mapped[str] = mapped_column(Text, default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class NotificationRow(NumberedRow):
    __tablename__ = "notifications"

    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("sessions.id", ondelete="SET NULL"), nullable=True, index=True
    )
    kind: Mapped[str] = mapped_column(String(20))
    recipient: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(500))
    body: Mapped[str] = mapped_column(Text)
    ical: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="queued", index=True)
    error: Mapped[str] = mapped_column(Text, default="")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    message_id: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # Where a sent notice went, in words: "written to FILE" or "sent via HOST:PORT".
    outcome: Mapped[str] = mapped_column(Text, default="", server_default="")

    def to_domain(self) -> d.Notification:
        return d.Notification(
            **codec.kept(self, "id", "session_id", "recipient", "subject", "body", "ical"),
            **codec.kept(self, "error", "created_at", "sent_at", "attempts", "outcome"),
            kind=d.NotificationKind(self.kind),
            status=d.NotificationStatus(self.status),
        )


class TimeOffRow(NumberedRow):
    __tablename__ = "time_off"

    professional_id: Mapped[int] = mapped_column(ForeignKey("professionals.id"), index=True)
    start: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    end: Mapped[datetime] = mapped_column(UTCDateTime)
    reason: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    to_domain = codec.time_off


class AuditRow(Base):
    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_entity", "entity", "entity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(40))
    before: Mapped[str | None] = mapped_column(Text, nullable=True)
    after: Mapped[str | None] = mapped_column(Text, nullable=True)
    reason: Mapped[str] = mapped_column(Text, default="")

    def to_domain(self) -> d.AuditEvent:
        return d.AuditEvent(
            **codec.kept(self, "id", "at", "entity", "entity_id", "action", "reason"),
            before=_audit_document(self.before),
            after=_audit_document(self.after),
        )


def _audit_document(stored: str | None) -> dict[str, object] | None:
    """A stored before/after document, its fee read as a decimal amount (issue 11)."""
    if not stored:
        return None
    document = json.loads(stored)
    if isinstance(document, dict) and "fee" in document:
        document["fee"] = audit_amount(document["fee"])
    return document  # type: ignore[no-any-return]  # json.loads is Any; we wrote a dict


class FeedRow(NumberedRow):
    __tablename__ = "feeds"

    name: Mapped[str] = mapped_column(String(200), unique=True)
    # The URL itself, or "keyring:<key>" when the secret lives in the user's keyring.
    source: Mapped[str] = mapped_column(Text)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    refresh_minutes: Mapped[int] = mapped_column(Integer, default=60)
    colour: Mapped[str] = mapped_column(String(20), default="#5f87af")
    etag: Mapped[str | None] = mapped_column(String(500), nullable=True)
    last_modified: Mapped[str | None] = mapped_column(String(100), nullable=True)
    body_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    last_attempt: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_success: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_error: Mapped[str] = mapped_column(Text, default="")
    stale: Mapped[bool] = mapped_column(Boolean, default=False)
    event_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Whether this feed's all-day events make conflicts (a holiday feed's need not).
    block_all_day: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    def to_domain(self, source: str | None = None) -> d.Feed:
        return codec.feed(self, source=source if source is not None else self.source)


class ExternalEventRow(Base):
    """One occurrence of a feed's event. All-day events keep UTC midnight of their dates."""

    __tablename__ = "external_events"
    __table_args__ = (
        UniqueConstraint("feed_id", "uid", "recurrence_id", name="uq_external_events_key"),
        Index("ix_external_events_start_end", "start", "end"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Not indexed on its own: uq_external_events_key starts with feed_id, and one index less
    # makes every bulk insert cheaper.
    feed_id: Mapped[int] = mapped_column(ForeignKey("feeds.id", ondelete="CASCADE"))
    uid: Mapped[str] = mapped_column(String(500))
    recurrence_id: Mapped[str] = mapped_column(String(40), default="")
    start: Mapped[datetime] = mapped_column(UTCDateTime)
    end: Mapped[datetime] = mapped_column(UTCDateTime)
    all_day: Mapped[bool] = mapped_column(Boolean, default=False)
    summary: Mapped[str] = mapped_column(Text, default="")
    location: Mapped[str] = mapped_column(Text, default="")
    busy: Mapped[bool] = mapped_column(Boolean, default=True)
    cancelled: Mapped[bool] = mapped_column(Boolean, default=False)
    # The parser's digest of the event's VEVENTs: with start and end, what decides whether a
    # stored occurrence must be rewritten.
    component_hash: Mapped[str] = mapped_column(String(64), default="")

    feed: Mapped[FeedRow] = relationship(lazy="joined")

    def to_domain(self) -> d.ExternalEvent:
        return codec.external_event(self, feed_name=self.feed.name)


class FeedGroupRow(Base):
    """What the last parse of a feed saw of one UID group (a VEVENT and its overrides).

    A re-sync whose body changed parses only the groups whose digest changed, and keeps
    the stored occurrences and problems of the others. The row whose uid is "" stands
    for the body itself: its digest is the key of the last whole parse (the calendar's
    head, the window, the parser's revision), and its problems are those of no one group.
    A feed without that row is parsed whole.
    """

    __tablename__ = "feed_groups"

    feed_id: Mapped[int] = mapped_column(
        ForeignKey("feeds.id", ondelete="CASCADE"), primary_key=True
    )
    uid: Mapped[str] = mapped_column(String(500), primary_key=True)
    digest: Mapped[str] = mapped_column(String(64))
    # JSON: [[uid, reason], ...] of what the parse skipped in this group; "" when nothing.
    problems: Mapped[str] = mapped_column(Text, default="")


class PublishTargetRow(NumberedRow):
    """Where the practice calendar is published (DESIGN.md section 8): a CalDAV collection or
    an .ics file. The password is never here: an environment variable's name, or the keyring."""

    __tablename__ = "publish_targets"

    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(20))  # "caldav" or "file"
    url: Mapped[str] = mapped_column(Text)  # a secret in every message (masked)
    detail: Mapped[str] = mapped_column(String(20), default="busy")
    username: Mapped[str] = mapped_column(String(200), default="")
    password_env: Mapped[str] = mapped_column(String(200), default="")
    from_days: Mapped[int] = mapped_column(Integer, default=90)
    to_days: Mapped[int] = mapped_column(Integer, default=365)
    time_off: Mapped[bool] = mapped_column(Boolean, default=False)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    last_attempt: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_success: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_error: Mapped[str] = mapped_column(Text, default="")
    # What the last run noticed without failing (a resource changed by someone else).
    last_note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class PublishStateRow(Base):
    """What kara-tui last wrote to a target, one row per event: a run writes only what differs,
    and deletes only what it wrote."""

    __tablename__ = "publish_state"

    target_id: Mapped[int] = mapped_column(
        ForeignKey("publish_targets.id", ondelete="CASCADE"), primary_key=True
    )
    uid: Mapped[str] = mapped_column(String(255), primary_key=True)
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    digest: Mapped[str] = mapped_column(String(64))
    href: Mapped[str] = mapped_column(Text, default="")
    etag: Mapped[str] = mapped_column(String(500), default="")
