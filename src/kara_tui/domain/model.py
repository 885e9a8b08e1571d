"""Entities of a practice: clients, sessions, cancellations, charges and the rest."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, tzinfo
from enum import StrEnum

from kara_tui.domain.errors import DomainError
from kara_tui.domain.event_instance import EventInstance
from kara_tui.domain.labelled import LabelledEnum
from kara_tui.domain.money import Money
from kara_tui.domain.weekdays import WEEKDAYS

__all__ = [
    "AuditEvent",
    "Cancellation",
    "Charge",
    "ChargeKind",
    "ChargeStatus",
    "Client",
    "DomainError",
    "EventInstance",
    "ExternalEvent",
    "Feed",
    "Notification",
    "NotificationKind",
    "NotificationStatus",
    "PaymentMethod",
    "Professional",
    "Programme",
    "Reason",
    "Session",
    "SessionStatus",
    "TimeOff",
    "WorkingHours",
    "instant",
]


class Programme(StrEnum):
    PRIVATE = "private"
    SPONSORED = "sponsored"


class SessionStatus(LabelledEnum):
    SCHEDULED = "scheduled", "scheduled"
    ATTENDED = "attended", "attended"
    NO_SHOW = "no_show", "no-show"
    CANCELLED = "cancelled", "cancelled"


class Reason(LabelledEnum):
    PROFESSIONAL = "professional", "Cancelled by the professional"
    CLIENT = "client", "Cancelled by the client"
    NO_SHOW = "no_show", "Client did not show up"
    OTHER = "other", "Other"


class PaymentMethod(StrEnum):
    CARD = "card"
    CASH = "cash"
    BANK_TRANSFER = "bank_transfer"
    INVOICE = "invoice"
    SPONSORED_CREDIT = "sponsored_credit"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class ChargeKind(LabelledEnum):
    LATE_CANCELLATION = "late_cancellation", "late cancellation"
    # charged although notice was outside the window
    CANCELLATION = "cancellation", "cancelled, not late"
    NO_SHOW = "no_show", "no-show"
    SESSION = "session", "session"
    REFUND = "refund", "refund"


class ChargeStatus(StrEnum):
    PENDING = "pending"
    PAID = "paid"
    VOID = "void"


class NotificationKind(StrEnum):
    CANCELLATION = "cancellation"
    CONFIRMATION = "confirmation"
    UPDATE = "update"  # a notified session's place changed: REQUEST with SEQUENCE raised
    REMINDER = "reminder"  # plain text, no calendar part (section 7)


class NotificationStatus(StrEnum):
    QUEUED = "queued"
    SENDING = "sending"  # claimed by a sender; left so if it stopped mid-send (may have gone)
    SENT = "sent"  # left kara-tui: over SMTP, or written to an .eml file (see ``outcome``)
    FAILED = "failed"
    DISCARDED = "discarded"  # the professional decided it should not go


DayHours = tuple[time, time]
_NINE_TO_SIX: DayHours = (time(9, 0), time(18, 0))
_EXAMPLE = "mon-thu 09:00-19:00; fri 09:00-15:00"


@dataclass(frozen=True, slots=True)
class WorkingHours:
    """Each weekday's hours, Monday first; a day without hours is not a working day.

    Written 'mon-thu 09:00-19:00; fri 09:00-15:00'. The old single range 'mon-fri 09:00-18:00'
    is the same language with one part, so values stored before per-day hours keep their meaning.
    """

    week: tuple[DayHours | None, ...] = (_NINE_TO_SIX,) * 5 + (None, None)

    def on(self, weekday: int) -> DayHours | None:
        """The hours of ``weekday`` (Monday is 0), None on a day off."""
        return self.week[weekday]

    @property
    def days(self) -> frozenset[int]:
        return frozenset(d for d, hours in enumerate(self.week) if hours is not None)

    @property
    def start(self) -> time:
        """The earliest start of any working day (where the calendar opens its day)."""
        return min((h[0] for h in self.week if h is not None), default=_NINE_TO_SIX[0])

    @property
    def end(self) -> time:
        """The latest end of any working day."""
        return max((h[1] for h in self.week if h is not None), default=_NINE_TO_SIX[1])

    def __str__(self) -> str:
        groups: dict[DayHours, list[int]] = {}
        for d, hours in enumerate(self.week):
            if hours is not None:
                groups.setdefault(hours, []).append(d)
        return "; ".join(
            f"{','.join(WEEKDAYS[d] for d in days)} {a:%H:%M}-{b:%H:%M}"
            for (a, b), days in groups.items()
        )

    @classmethod
    def parse(cls, text: str) -> WorkingHours:
        """Read 'mon-thu 09:00-19:00; fri 09:00-15:00', 'mon-fri 09:00-18:00', 'mon,thu 08:30-16:00'."""
        parts = [part.strip() for part in text.strip().lower().split(";")]
        if not any(parts):
            raise DomainError(f"working hours are empty (write them like '{_EXAMPLE}')")
        week: list[DayHours | None] = [None] * 7
        for part in parts:
            if not part:
                continue
            days, hours = _day_hours(part, whole=text if len(parts) == 1 else None)
            for d in days:
                if week[d] is not None:
                    raise DomainError(f"working hours give {WEEKDAYS[d]} twice in '{text.strip()}'")
                week[d] = hours
        return cls(tuple(week))


def _day_hours(part: str, *, whole: str | None) -> tuple[list[int], DayHours]:
    """One part of working hours: its days and their hours, or a DomainError in words."""
    try:
        day_part, hour_part = part.split()
        start_s, end_s = hour_part.split("-")
        start, end = time.fromisoformat(start_s), time.fromisoformat(end_s)
    except ValueError:
        if whole is not None:
            raise DomainError(
                f"'{whole}' is not working hours (write it like '{_EXAMPLE}')"
            ) from None
        raise DomainError(
            f"'{part}' is not a day's working hours (write it like 'fri 09:00-15:00')"
        ) from None
    days: list[int] = []
    for chunk in day_part.split(","):
        ends = chunk.split("-")
        if len(ends) > 2 or not all(e in WEEKDAYS for e in ends):
            raise DomainError(
                f"'{chunk}' is not a day of the week in working hours ({', '.join(WEEKDAYS)})"
            )
        i, j = WEEKDAYS.index(ends[0]), WEEKDAYS.index(ends[-1])
        if j < i:
            raise DomainError(
                f"'{chunk}' runs backwards in working hours (write {ends[1]}-{ends[0]})"
            )
        days.extend(range(i, j + 1))
    if end <= start:
        raise DomainError(f"working hours end ({end:%H:%M}) before they start ({start:%H:%M})")
    return days, (start, end)


ALL_METHODS = (
    PaymentMethod.CARD,
    PaymentMethod.CASH,
    PaymentMethod.BANK_TRANSFER,
    PaymentMethod.INVOICE,
)


# Of the fee, charged by default for a late cancellation or a no-show (DESIGN.md section 2).
DEFAULT_LATE_FEE_PERCENT = 100


@dataclass(frozen=True, slots=True)
class Professional:
    id: int
    name: str
    email: str = ""
    timezone: str = "Europe/London"
    cancellation_window_hours: int = 24
    late_fee_percent: int = DEFAULT_LATE_FEE_PERCENT
    payment_methods: tuple[PaymentMethod, ...] = ALL_METHODS
    working_hours: WorkingHours = field(default_factory=WorkingHours)
    buffer_minutes: int = 10
    default_currency: str = "GBP"
    default_minutes: int = 50
    reminder_leads: str = "24"  # hours before a session, e.g. "48,2", or "none" (section 7)
    quiet_hours: str = "21:00-08:00"  # practice zone; "none" for none
    series_horizon_weeks: int = 26  # an open-ended series is booked this far ahead (section 6)
    charge_attended_sessions: bool = False  # a `session` charge on marking attended (section 9)


@dataclass(frozen=True, slots=True)
class Client:
    id: int
    name: str
    email: str = ""
    phone: str = ""
    programme: Programme = Programme.PRIVATE
    fee: Money = field(default_factory=lambda: Money(0, "GBP"))
    window_hours: int | None = None
    sponsored_credit: int = 0  # sessions of credit left, for sponsored clients
    archived: bool = False
    notes: str = ""
    reminder_leads: str | None = None  # None: the practice's; "none": opted out; "48,2"


@dataclass(frozen=True, slots=True)
class Cancellation:
    reason: Reason
    note: str
    notified_at: datetime
    notice_hours: float
    late: bool
    charged: bool
    cancelled_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Charge:
    id: int
    session_id: int | None
    client_id: int
    amount: Money
    method: PaymentMethod | None
    kind: ChargeKind
    status: ChargeStatus
    created_at: datetime
    paid_at: datetime | None = None
    reference: str = ""
    void_reason: str = ""


@dataclass(frozen=True, slots=True)
class Session:
    id: int
    uid: str
    professional_id: int
    client_id: int
    client_name: str
    start: datetime  # aware, UTC
    end: datetime  # aware, UTC
    fee: Money
    status: SessionStatus = SessionStatus.SCHEDULED
    service: str = ""
    location: str = ""
    prepaid: bool = False
    credit_reserved: bool = False
    sequence: int = 0
    rescheduled_from: int | None = None
    series_id: int | None = None  # a session of a series (section 6)
    original_start: datetime | None = None  # the start its series gave it (RECURRENCE-ID)
    cancellation: Cancellation | None = None
    charges: tuple[Charge, ...] = ()

    @property
    def minutes(self) -> int:
        return int((self.end - self.start).total_seconds() // 60)


@dataclass(frozen=True, slots=True)
class Notification:
    id: int
    session_id: int | None
    kind: NotificationKind
    recipient: str
    subject: str
    body: str
    ical: str
    status: NotificationStatus
    error: str
    created_at: datetime
    sent_at: datetime | None = None
    attempts: int = 0
    outcome: str = ""  # where a sent notice went: "written to FILE", "sent via HOST:PORT"

    def status_words(self) -> str:
        """The status as a person should read it: writing a file is not sending."""
        if self.status is NotificationStatus.SENT and self.outcome.startswith("written to "):
            return "written"
        return self.status.value


@dataclass(frozen=True, slots=True)
class TimeOff:
    id: int
    start: datetime
    end: datetime
    reason: str = ""


@dataclass(frozen=True, slots=True)
class AuditEvent:
    id: int
    at: datetime
    entity: str
    entity_id: int
    action: str
    before: dict[str, object] | None
    after: dict[str, object] | None
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Feed:
    id: int
    name: str
    source: str
    enabled: bool = True
    refresh_minutes: int = 60
    colour: str = "#5f87af"
    etag: str | None = None
    last_modified: str | None = None
    body_hash: str | None = None
    last_attempt: datetime | None = None
    last_success: datetime | None = None
    last_error: str = ""
    stale: bool = False
    event_count: int = 0
    block_all_day: bool = False  # its all-day events make conflicts (see policy.conflicts)


@dataclass(frozen=True, slots=True)
class ExternalEvent(EventInstance):
    """An event instance stored for the feed ``feed_id`` (named ``feed_name``), row ``id``."""

    id: int
    feed_id: int
    feed_name: str

    def span(self, tz: tzinfo) -> tuple[datetime, datetime]:
        """Start and end as instants; an all-day event's dates are midnights in ``tz`` (the
        practice's zone: a day off is a local day)."""
        return instant(self.start, tz), instant(self.end, tz)

    def overlaps(self, start: datetime, end: datetime, tz: tzinfo) -> bool:
        """Whether it overlaps [start, end), all-day dates taken in ``tz``."""
        first, last = self.span(tz)
        return first < end and start < last


def instant(value: datetime | date, tz: tzinfo) -> datetime:
    """A time as it is; a day (an all-day value) as its midnight in ``tz``."""
    if isinstance(value, datetime):
        return value
    return datetime.combine(value, time(0), tzinfo=tz)
