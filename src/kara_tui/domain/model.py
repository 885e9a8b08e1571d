"""Entities of a practice: clients, sessions, cancellations, charges and the rest."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from enum import StrEnum

from kara_tui.domain.money import Money


class DomainError(ValueError):
    """A request the practice's rules refuse; the message is shown to the user as is."""


class Programme(StrEnum):
    PRIVATE = "private"
    SPONSORED = "sponsored"


class SessionStatus(StrEnum):
    SCHEDULED = "scheduled"
    ATTENDED = "attended"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"


class Reason(StrEnum):
    PROFESSIONAL = "professional"
    CLIENT = "client"
    NO_SHOW = "no_show"
    OTHER = "other"

    @property
    def label(self) -> str:
        return _REASON_LABELS[self]


_REASON_LABELS = {
    Reason.PROFESSIONAL: "Cancelled by the professional",
    Reason.CLIENT: "Cancelled by the client",
    Reason.NO_SHOW: "Client did not show up",
    Reason.OTHER: "Other",
}


class PaymentMethod(StrEnum):
    CARD = "card"
    CASH = "cash"
    BANK_TRANSFER = "bank_transfer"
    INVOICE = "invoice"
    SPONSORED_CREDIT = "sponsored_credit"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class ChargeKind(StrEnum):
    LATE_CANCELLATION = "late_cancellation"
    NO_SHOW = "no_show"
    SESSION = "session"
    REFUND = "refund"


class ChargeStatus(StrEnum):
    PENDING = "pending"
    PAID = "paid"
    VOID = "void"


class NotificationKind(StrEnum):
    CANCELLATION = "cancellation"
    CONFIRMATION = "confirmation"


class NotificationStatus(StrEnum):
    QUEUED = "queued"
    SENDING = "sending"  # claimed by a sender; left so if it stopped mid-send (may have gone)
    SENT = "sent"
    FAILED = "failed"


WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True, slots=True)
class WorkingHours:
    """The same hours on each working day: enough for a solo practice, and easy to say."""

    start: time = time(9, 0)
    end: time = time(18, 0)
    days: frozenset[int] = frozenset({0, 1, 2, 3, 4})  # Monday is 0

    def __str__(self) -> str:
        days = ",".join(WEEKDAYS[d] for d in sorted(self.days))
        return f"{days} {self.start:%H:%M}-{self.end:%H:%M}"

    @classmethod
    def parse(cls, text: str) -> WorkingHours:
        """Read 'mon-fri 09:00-18:00' or 'mon,tue,thu 08:30-16:00'."""
        try:
            day_part, hour_part = text.strip().lower().split()
            start_s, end_s = hour_part.split("-")
            start, end = time.fromisoformat(start_s), time.fromisoformat(end_s)
            days: set[int] = set()
            for chunk in day_part.split(","):
                if "-" in chunk:
                    a, b = chunk.split("-")
                    i, j = WEEKDAYS.index(a), WEEKDAYS.index(b)
                    days.update(range(i, j + 1))
                else:
                    days.add(WEEKDAYS.index(chunk))
        except ValueError as exc:
            raise DomainError(
                f"'{text}' is not working hours (write it like 'mon-fri 09:00-18:00')"
            ) from exc
        if end <= start:
            raise DomainError(f"working hours end ({end:%H:%M}) before they start ({start:%H:%M})")
        return cls(start, end, frozenset(days))


ALL_METHODS = (
    PaymentMethod.CARD,
    PaymentMethod.CASH,
    PaymentMethod.BANK_TRANSFER,
    PaymentMethod.INVOICE,
)


@dataclass(frozen=True, slots=True)
class Professional:
    id: int
    name: str
    email: str = ""
    timezone: str = "Europe/London"
    cancellation_window_hours: int = 24
    late_fee_percent: int = 100
    payment_methods: tuple[PaymentMethod, ...] = ALL_METHODS
    working_hours: WorkingHours = field(default_factory=WorkingHours)
    buffer_minutes: int = 10
    default_currency: str = "GBP"
    default_minutes: int = 50


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


@dataclass(frozen=True, slots=True)
class ExternalEvent:
    id: int
    feed_id: int
    feed_name: str
    uid: str
    recurrence_id: str
    start: datetime | date
    end: datetime | date
    all_day: bool
    summary: str
    location: str
    busy: bool
    cancelled: bool
