"""The reliability report: cancellations, no-shows and charges over a period, per client and week.

What each figure means (the CLI, the JSON/CSV and the reports screen all show these):

- A session belongs to the period when it *starts* in [start, end) (local days in the
  practice time zone, the end day not included). Deleted sessions are gone and not counted.
- ``booked`` = every such session, whatever became of it. It splits with no overlap into
  ``attended`` + ``scheduled`` (nothing recorded yet; ``unmarked`` of them have already
  started) + ``cancelled`` (a cancellation for any reason but no-show) + ``no_shows``
  (reason "Client did not show up", whether recorded after the start or ahead of it).
- ``by_reason`` counts all four reasons, no-shows included, with how many were late.
  ``by_side``: the client's side is ``client`` + ``no_show``, the professional's side is
  ``professional``; ``other`` stays apart. A reschedule is a cancellation by whoever asked
  (DESIGN.md section 2), and ``rescheduled`` says how many cancellations were rebooked.
- ``late`` = cancellations (not no-shows) flagged late by the policy when they were made.
- Charges count by the *charge's* date: those made in the period, whatever their session's
  date (a charge made today for a session next week is in the period containing today), void
  ones left out. ``charged`` totals the late-cancellation, not-late cancellation (charged
  outside the window), no-show and session charges per currency, each kind also apart, and
  splits into ``charged_paid`` and ``charged_pending`` by their status now; refunds (stored
  negative) made in the period are shown apart as positive amounts, ``refunds_pending`` of
  them not paid out yet.
- Payments count by the *payment's* date: ``payments`` are charges paid in the period, and
  ``refunds_paid`` refunds paid out in it, whenever they were made. A charge settled when it
  was made (by a sponsored credit or a prepayment) records that moment as its payment date;
  one recorded before it did is paid on the day it was made.
- ``COUNTED_BY`` names the date each part counts by; every format says it.
- ``waived`` = late cancellations and no-shows by the client's side or "other" that were not
  charged; the amount is what the policy's default would have been (the session fee times
  the practice's late-fee percentage as set *now*). Professional cancellations are never
  chargeable, so they are never "waived".
- ``professional_rate`` = professional cancellations / booked, in percent with one decimal
  (None when nothing was booked).
- ``weeks``: Monday-started weeks covering the period; each counts only the period's sessions.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from kara_tui.db.rows import SessionRow
from kara_tui.domain import (
    Charge,
    ChargeKind,
    ChargeStatus,
    Client,
    Money,
    Reason,
    Session,
    SessionStatus,
)

# The one initials helper (privacy mode), also imported from here by the report CLI.
from kara_tui.domain.privacy import initials as initials
from kara_tui.policy import charges as charge_rules
from kara_tui.policy.cancel_money import late_fee
from kara_tui.services.charges import ChargeLine, Ledger
from kara_tui.services.practice import Practice
from kara_tui.services.report_model import (
    CHARGED_KINDS,
    COUNT_FIELDS,
    COUNTED_BY,
    DEFAULT_DAYS,
    Amounts,
    ClientLine,
    KindAmounts,
    Period,
    ReasonCount,
    Report,
    Sides,
    Week,
    default_period,
    make_period,
    totals,
)
from kara_tui.timeparse import day_start

# The report's values and periods live in report_model.py; they stay importable from here,
# where the CLI, the screen and the tests find them.
__all__ = [
    "CHARGED_KINDS",
    "COUNTED_BY",
    "COUNT_FIELDS",
    "DEFAULT_DAYS",
    "Amounts",
    "ClientLine",
    "KindAmounts",
    "Period",
    "ReasonCount",
    "Report",
    "Sides",
    "Week",
    "build_report",
    "compute_report",
    "default_period",
    "initials",
    "make_period",
    "totals",
]

# -- building -----------------------------------------------------------------------------


def build_report(
    practice: Practice,
    *,
    start: date | None = None,
    end: date | None = None,
    client_id: int | None = None,
    series_id: int | None = None,
) -> Report:
    """Read the period's sessions (one read transaction each) and compute the report;
    ``series_id`` keeps one client's series (and the series it was split into)."""
    pro = practice.professional()
    tz = ZoneInfo(pro.timezone)
    now = practice.clock.now()
    period = make_period(start, end, today=now.astimezone(tz).date(), timezone=pro.timezone)
    family: set[int] | None = None
    if series_id is not None:
        from kara_tui.services.series import SeriesBook

        family = SeriesBook(practice).family(series_id)
        client_id = SeriesBook(practice).get(series_id).client_id
    client: Client | None = practice.find_client(client_id) if client_id is not None else None
    lo, hi = day_start(period.start, tz), day_start(period.end, tz)
    sessions = practice.list_sessions(start=lo, end=hi, client_id=client_id)
    charges = Ledger(practice).lines(client_id=client_id, touching=(lo, hi))
    if family is not None:  # one series: its sessions, and the charges made for them
        sessions = [s for s in sessions if s.series_id in family]
        in_series = {
            s.id for s in practice.list_sessions(client_id=client_id) if s.series_id in family
        }
        charges = [line for line in charges if line.charge.session_id in in_series]
    cancelled_ids = [s.id for s in sessions if s.cancellation is not None]
    rebooked: set[int] = set()
    if cancelled_ids:
        with practice.reading() as db:
            rebooked = {
                i
                for i in db.scalars(
                    select(SessionRow.rescheduled_from).where(
                        SessionRow.rescheduled_from.in_(cancelled_ids)
                    )
                )
                if i is not None
            }
    return compute_report(
        sessions,
        period=period,
        now=now,
        late_fee_percent=pro.late_fee_percent,
        client=client,
        rebooked=rebooked,
        charges=charges,
    )


def compute_report(
    sessions: Iterable[Session],
    *,
    period: Period,
    now: datetime,
    late_fee_percent: int,
    client: Client | None = None,
    rebooked: set[int] | frozenset[int] = frozenset(),
    charges: Iterable[ChargeLine] | None = None,
) -> Report:
    """The pure part: figures from domain sessions (those not starting in the period are
    ignored) and charges (those neither made nor paid in it are ignored; None: the given
    sessions' charges), so that every definition can be tested without a database."""
    tz = ZoneInfo(period.timezone)
    lo, hi = day_start(period.start, tz), day_start(period.end, tz)
    chosen = [s for s in sessions if lo <= s.start < hi]

    status_count: dict[str, int] = defaultdict(int)
    reason_count: dict[Reason, int] = defaultdict(int)
    reason_late: dict[Reason, int] = defaultdict(int)
    waived: list[Money] = []
    unmarked = 0
    rescheduled = 0
    per_client: dict[int, _ClientTally] = {}
    weeks: dict[date, list[int]] = {}

    monday = period.start - timedelta(days=period.start.weekday())
    while monday < period.end:
        weeks[monday] = [0, 0, 0]  # attended, cancelled, no-shows
        monday += timedelta(days=7)

    for s in chosen:
        kind = _kind(s)
        status_count[kind] += 1
        tally = per_client.setdefault(s.client_id, _ClientTally(s.client_id, s.client_name))
        tally.sessions += 1
        local_day = s.start.astimezone(tz).date()
        week = weeks[local_day - timedelta(days=local_day.weekday())]
        if kind == "scheduled":
            tally.scheduled += 1
            unmarked += s.start <= now
        elif kind == "attended":
            tally.attended += 1
            week[0] += 1
        elif kind == "cancelled":
            tally.cancelled += 1
            week[1] += 1
        else:
            tally.no_shows += 1
            week[2] += 1
        c = s.cancellation
        if c is not None:
            reason_count[c.reason] += 1
            rescheduled += s.id in rebooked
            if c.late:
                reason_late[c.reason] += 1
                if c.reason is not Reason.NO_SHOW:
                    tally.late += 1
            if c.late and not c.charged and c.reason is not Reason.PROFESSIONAL:
                waived.append(late_fee(s.fee, late_fee_percent))
                tally.waived += 1

    if charges is None:
        charges = [ChargeLine(c, s.client_name, s.start) for s in sessions for c in s.charges]
    money = _MoneyTally()
    for line in charges:
        ch = line.charge
        if ch.status is ChargeStatus.VOID:
            continue
        tally = per_client.setdefault(ch.client_id, _ClientTally(ch.client_id, line.client_name))
        paid = charge_rules.paid_on(ch)
        for counted in (money, tally.money):
            if lo <= ch.created_at < hi:
                counted.made(ch)
            if paid is not None and lo <= paid < hi:
                counted.paid(ch)

    booked = len(chosen)
    professional = reason_count[Reason.PROFESSIONAL]
    rate = None
    if booked:
        rate = (Decimal(100 * professional) / Decimal(booked)).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )
    lines = tuple(
        t.line() for t in sorted(per_client.values(), key=lambda t: (t.name.casefold(), t.id))
    )
    client_line = None
    if client is not None:
        client_line = next(
            (line for line in lines if line.client_id == client.id),
            ClientLine(client.id, client.name, 0, 0, 0, 0, 0, 0, 0, ()),
        )
    return Report(
        period=period,
        client=client_line,
        booked=booked,
        attended=status_count["attended"],
        scheduled=status_count["scheduled"],
        unmarked=unmarked,
        cancelled=status_count["cancelled"],
        no_shows=status_count["no_show"],
        late=sum(n for r, n in reason_late.items() if r is not Reason.NO_SHOW),
        rescheduled=rescheduled,
        by_reason=tuple(ReasonCount(r, reason_count[r], reason_late[r]) for r in Reason),
        by_side=Sides(
            client=reason_count[Reason.CLIENT] + reason_count[Reason.NO_SHOW],
            professional=professional,
            other=reason_count[Reason.OTHER],
        ),
        charged=_amounts(money.charged),
        charged_by_kind=tuple(KindAmounts(k, _amounts(money.of_kind(k))) for k in CHARGED_KINDS),
        waived=_amounts(waived),
        late_fee_percent=late_fee_percent,
        refunds=_amounts(money.refunds),
        professional_rate=rate,
        clients=lines,
        weeks=tuple(Week(d, *counts) for d, counts in weeks.items()),
        charged_paid=_amounts(money.charged_paid),
        charged_pending=_amounts(money.charged_pending),
        refunds_pending=_amounts(money.refunds_pending),
        payments=_amounts(money.payments),
        refunds_paid=_amounts(money.refunds_paid),
    )


def _kind(s: Session) -> str:
    """Which of the four figures that split ``booked`` this session falls in."""
    if s.cancellation is not None:
        return "no_show" if s.cancellation.reason is Reason.NO_SHOW else "cancelled"
    if s.status is SessionStatus.ATTENDED:
        return "attended"
    # A cancelled or no-show status always comes with its Cancellation; should one ever be
    # missing, count the session by its status rather than lose it.
    if s.status is SessionStatus.NO_SHOW:
        return "no_show"
    if s.status is SessionStatus.CANCELLED:
        return "cancelled"
    return "scheduled"


def _amounts(amounts: list[Money]) -> Amounts:
    return Amounts(len(amounts), totals(amounts))


class _MoneyTally:
    """Charges made in the period (by charge date) and payments in it (by payment date): the
    whole report's, and each client's."""

    def __init__(self) -> None:
        self.charged: list[Money] = []
        self.kinds: list[ChargeKind] = []  # one per charge in ``charged``
        self.charged_paid: list[Money] = []
        self.charged_pending: list[Money] = []
        self.refunds: list[Money] = []
        self.refunds_pending: list[Money] = []
        self.payments: list[Money] = []
        self.refunds_paid: list[Money] = []

    def made(self, ch: Charge) -> None:
        if ch.kind is ChargeKind.REFUND:
            refund = Money(abs(ch.amount.minor), ch.amount.currency)
            self.refunds.append(refund)
            if ch.status is ChargeStatus.PENDING:
                self.refunds_pending.append(refund)
            return
        self.charged.append(ch.amount)
        self.kinds.append(ch.kind)
        if ch.status is ChargeStatus.PAID:
            self.charged_paid.append(ch.amount)
        else:
            self.charged_pending.append(ch.amount)

    def paid(self, ch: Charge) -> None:
        if ch.kind is ChargeKind.REFUND:
            self.refunds_paid.append(Money(abs(ch.amount.minor), ch.amount.currency))
        else:
            self.payments.append(ch.amount)

    def of_kind(self, kind: ChargeKind) -> list[Money]:
        return [m for m, k in zip(self.charged, self.kinds, strict=True) if k is kind]


class _ClientTally:
    """One client's figures as they are counted: the counts by ClientLine's names, and the
    client's own money tally."""

    def __init__(self, client_id: int, name: str) -> None:
        self.id = client_id
        self.name = name
        self.sessions = self.attended = self.scheduled = self.cancelled = 0
        self.late = self.no_shows = self.waived = 0
        self.money = _MoneyTally()

    def line(self) -> ClientLine:
        money = self.money
        counts: dict[str, Any] = {count: getattr(self, count) for count in COUNT_FIELDS}
        return ClientLine(
            self.id,
            self.name,
            **counts,
            charged=totals(money.charged),
            charged_kinds=tuple(money.kinds),
            paid=totals(money.charged_paid),
            pending=totals(money.charged_pending),
            payments=totals(money.payments),
        )
