"""The reliability report's values (the tree every format shows) and its periods of local days."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from kara_tui.domain import ChargeKind, DomainError, Money, Reason

DEFAULT_DAYS = 90
# Which date each part of the report counts by (the words every format shows).
COUNTED_BY = {
    "sessions": "session date",
    "cancellations": "session date",
    "waived": "session date",
    "charges": "charge date",
    "refunds": "charge date",
    "payments": "payment date",
}
# ClientLine's counts, in its order (by session date; the amounts follow them).
COUNT_FIELDS = ("sessions", "attended", "scheduled", "cancelled", "late", "no_shows", "waived")
CHARGED_KINDS = (
    ChargeKind.LATE_CANCELLATION,
    ChargeKind.CANCELLATION,
    ChargeKind.NO_SHOW,
    ChargeKind.SESSION,
)


# -- the report tree ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Period:
    """Local days [start, end) in the practice time zone."""

    start: date
    end: date  # not included
    timezone: str

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)

    def shifted(self, days: int) -> Period:
        delta = timedelta(days=days)
        return Period(self.start + delta, self.end + delta, self.timezone)

    def describe(self) -> str:
        """The first and last day included, and how many days: what a person checks."""
        n = self.days
        return (
            f"{self.start:%a %d %b %Y} – {self.last_day:%a %d %b %Y} "
            f"({n} day{'' if n == 1 else 's'})"
        )


@dataclass(frozen=True, slots=True)
class ReasonCount:
    reason: Reason
    count: int
    late: int


@dataclass(frozen=True, slots=True)
class Sides:
    """Who cancelled: the client's side (client + no-show), the professional, or other."""

    client: int
    professional: int
    other: int


@dataclass(frozen=True, slots=True)
class Amounts:
    """How many, and their totals per currency (sorted by currency code)."""

    count: int
    totals: tuple[Money, ...]

    def describe(self) -> str:
        return ", ".join(str(m) for m in self.totals) if self.totals else "0"


@dataclass(frozen=True, slots=True)
class KindAmounts:
    kind: ChargeKind
    amounts: Amounts


@dataclass(frozen=True, slots=True)
class ClientLine:
    client_id: int
    name: str
    sessions: int
    attended: int
    scheduled: int
    cancelled: int
    late: int
    no_shows: int
    waived: int
    charged: tuple[Money, ...]
    charged_kinds: tuple[ChargeKind, ...] = ()  # one per charge counted in ``charged``
    paid: tuple[Money, ...] = ()  # of ``charged``, paid now
    pending: tuple[Money, ...] = ()  # of ``charged``, still pending
    payments: tuple[Money, ...] = ()  # charges paid in the period (by payment date)

    def charges_of(self, kind: ChargeKind) -> int:
        return self.charged_kinds.count(kind)

    def counts(self) -> tuple[int, int, int, int, int, int]:
        """Sessions, attended, cancelled, late, no-shows, waived: a client row's numbers."""
        return (self.sessions, self.attended, self.cancelled, self.late, self.no_shows, self.waived)


@dataclass(frozen=True, slots=True)
class Week:
    start: date  # a Monday
    attended: int
    cancelled: int
    no_shows: int


@dataclass(frozen=True, slots=True)
class Report:
    period: Period
    client: ClientLine | None  # set when the report is about one client
    booked: int
    attended: int
    scheduled: int
    unmarked: int
    cancelled: int
    no_shows: int
    late: int
    rescheduled: int
    by_reason: tuple[ReasonCount, ...]
    by_side: Sides
    charged: Amounts
    charged_by_kind: tuple[KindAmounts, ...]
    waived: Amounts
    late_fee_percent: int  # the percentage the waived amounts are reckoned at
    refunds: Amounts
    professional_rate: Decimal | None
    clients: tuple[ClientLine, ...]
    weeks: tuple[Week, ...]
    charged_paid: Amounts = Amounts(0, ())
    charged_pending: Amounts = Amounts(0, ())
    refunds_pending: Amounts = Amounts(0, ())
    payments: Amounts = Amounts(0, ())
    refunds_paid: Amounts = Amounts(0, ())

    @property
    def currencies(self) -> tuple[str, ...]:
        """Every currency a client was charged in, for one spreadsheet column each."""
        return tuple(sorted({m.currency for c in self.clients for m in (*c.charged, *c.payments)}))


# -- periods ------------------------------------------------------------------------------


def default_period(today: date, timezone: str) -> Period:
    """The rolling last 90 days, today included."""
    end = today + timedelta(days=1)
    return Period(end - timedelta(days=DEFAULT_DAYS), end, timezone)


def make_period(start: date | None, end: date | None, *, today: date, timezone: str) -> Period:
    """Fill in a missing bound: 90 days before ``end``, or up to today (90 days when ``start``
    is in the future); refuse an empty or backwards range."""
    if end is None:
        tomorrow = today + timedelta(days=1)
        if start is None or start < tomorrow:
            end = tomorrow
        else:
            end = start + timedelta(days=DEFAULT_DAYS)
    if start is None:
        start = end - timedelta(days=DEFAULT_DAYS)
    if end <= start:
        raise DomainError(
            f"the end of the period ({end:%Y-%m-%d}) must be after its start ({start:%Y-%m-%d})"
        )
    return Period(start, end, timezone)


def totals(amounts: Iterable[Money]) -> tuple[Money, ...]:
    by_currency: dict[str, int] = defaultdict(int)
    for m in amounts:
        by_currency[m.currency] += m.minor
    return tuple(Money(by_currency[c], c) for c in sorted(by_currency))
