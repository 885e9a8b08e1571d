"""A realistic practice around today, for `kara-tui --demo`: clients, regulars, history, a conflict.

History is recorded truthfully: each booking, attendance and cancellation carries the moment it
happened, and goes through the public use cases with the unit of work's clock set back to that
moment, so notice hours, late flags, charges and the audit trail read as they would have.
Everything after the clients is one unit of work with the bookings recorded in bulk (hundreds
of sessions would otherwise cost one transaction, and one fsync, each).
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from kara_tui.clock import Clock, FixedClock
from kara_tui.db.rows import NotificationRow, ProfessionalRow, SessionRow
from kara_tui.domain import (
    Money,
    NotificationStatus,
    PaymentMethod,
    Programme,
    Reason,
    SessionStatus,
)
from kara_tui.policy.sponsored import has_credit_to_spend
from kara_tui.services import attendance, booking, cancelling, settings, time_off
from kara_tui.services.booking import PastBooking
from kara_tui.services.cancelling import ChargeRequest
from kara_tui.services.practice import Practice
from kara_tui.services.uow import UnitOfWork

NAMES = (
    "Anna Smith", "Ben Jones", "Chloe Patel", "Daniel Okafor", "Emma Wilson", "Farid Haddad",
    "Grace Chen", "Harry Evans", "Isla Murphy", "Jack Thompson", "Kemi Adeyemi", "Liam O'Brien",
    "Maya Rossi", "Noah Fischer", "Olivia Brown", "Priya Sharma", "Quentin Dubois",
    "Rosa Martinez", "Samuel Green", "Tara Nolan", "Uma Kaur", "Victor Novak", "Wendy Hughes",
    "Yusuf Demir", "Zoe Campbell",
)  # fmt: skip
SLOTS = [(day, hour) for day in range(5) for hour in (9, 10, 11, 12, 14, 15, 16, 17)]
WEEKS_BACK = 13
WEEKS_AHEAD = 9


@dataclass(frozen=True, slots=True)
class Regular:
    client_id: int
    weekday: int
    hour: int
    every: int  # weeks between sessions: 1 or 2
    parity: int
    since_week: int  # first week (negative = in the past) relative to this week
    sponsored: bool
    late_window: int  # hours of the client's cancellation window
    location: str


@dataclass(frozen=True, slots=True)
class Planned:
    """One session of a regular's, booked at ``booked_at``; ``roll``, ``hours`` and ``coin``
    are the draws that decide how it goes (see ``_outcome``)."""

    start: datetime
    regular: Regular
    roll: float
    hours: float
    coin: float
    booked_at: datetime


def seed(practice: Practice) -> None:
    """Fill an empty database with a demo practice around ``practice.clock``'s today."""
    pro = practice.ensure_professional()
    tz = ZoneInfo(pro.timezone)
    now = practice.clock.now()
    today = now.astimezone(tz).date()
    rng = random.Random(f"kara-demo-{today.isoformat()}")
    regulars = _clients(practice, rng)
    with practice.unit_of_work() as uow:
        _Seeder(uow, tz, now, today, rng).run(regulars)
        uow.commit()


def _clients(practice: Practice, rng: random.Random) -> list[Regular]:
    slots = SLOTS.copy()
    rng.shuffle(slots)
    regulars = []
    for i, name in enumerate(NAMES):
        sponsored = i % 4 == 1
        own_window = not sponsored and i % 5 == 2
        first, last = name.lower().replace("'", "").split()
        email = "" if i in (7, 19) else f"{first}.{last}@example.com"
        fee = (
            Money(6000, "GBP") if sponsored else Money(rng.choice((7000, 8000, 9000, 9500)), "GBP")
        )
        client = practice.add_client(
            name,
            email=email,
            phone=f"07700 900{100 + i:03d}",
            programme=Programme.SPONSORED if sponsored else Programme.PRIVATE,
            fee=fee,
            window_hours=48 if own_window else None,
            # Each booking holds one credit: enough for the quarter shown, with some left over.
            sponsored_credit=rng.randint(30, 36) if sponsored else 0,
        )
        # 16 weekly clients, 8 fortnightly ones sharing 4 slots, and one who starts next week.
        if i < 16:
            slot, every, parity = slots[i], 1, 0
        elif i < 24:
            slot, every, parity = slots[16 + (i - 16) // 2], 2, i % 2
        else:
            slot, every, parity = slots[20], 1, 0
        since = 1 if i == 24 else -rng.choice((WEEKS_BACK, WEEKS_BACK, WEEKS_BACK, 8, 5))
        location = "Video call" if i % 6 == 3 else "Room 2"
        regulars.append(
            Regular(
                client.id,
                slot[0],
                slot[1],
                every,
                parity,
                since,
                sponsored,
                24 if sponsored else (48 if own_window else 24),
                location,
            )
        )
    return regulars


class _Seeder:
    def __init__(
        self,
        uow: UnitOfWork,
        tz: ZoneInfo,
        now: datetime,
        today: date,
        rng: random.Random,
    ) -> None:
        self.uow = uow
        self.db = uow.db
        self.tz = tz
        self.now = now
        self.monday = today - timedelta(days=today.weekday())
        self.rng = rng
        self.off: list[tuple[datetime, datetime]] = []

    @contextmanager
    def at(self, moment: datetime) -> Iterator[None]:
        """Let the use cases believe it is ``moment`` (never later than the real now)."""
        self.uow.clock = FixedClock(min(moment, self.now), self.tz.key)
        try:
            yield
        finally:
            self.uow.clock = Clock(self.tz.key)

    def local(self, day: date, hour: int, minute: int = 0) -> datetime:
        return datetime.combine(day, time(hour, minute), tzinfo=self.tz)

    def run(self, regulars: list[Regular]) -> None:
        pro = settings.professional_row(self.uow)
        pro.name = "Dr Sam Rivera (demo)"
        pro.email = "sam.rivera@example.com"
        self._time_off()
        plan = self._plan(regulars)
        rows = self._insert(
            pro,
            [
                (p.regular.client_id, p.start, 50, "Therapy", p.regular.location, p.booked_at,
                 not p.regular.sponsored and p.coin < 0.15)
                for p in plan
            ],
        )  # fmt: skip
        for planned, row in zip(plan, rows, strict=True):
            self._outcome(planned, row)
        self._extras(
            pro,
            regulars,
            dict(zip(((p.regular.client_id, p.start) for p in plan), rows, strict=True)),
        )

    def _plan(self, regulars: list[Regular]) -> list[Planned]:
        occurrences = []
        for week in range(-WEEKS_BACK, WEEKS_AHEAD):
            for r in regulars:
                if week < r.since_week or week % r.every != r.parity:
                    continue
                day = self.monday + timedelta(weeks=week, days=r.weekday)
                occurrences.append((self.local(day, r.hour), r))
        occurrences.sort(key=lambda o: (o[0], o[1].client_id))
        plan = []
        for start, r in occurrences:
            # Draw the same numbers whatever the time of day, so a day's demo is always the same.
            roll, hours, coin = self.rng.random(), self.rng.uniform(3, 22), self.rng.random()
            booked = start - timedelta(days=self.rng.choice((7, 14, 21)))
            if any(a < start + timedelta(minutes=50) and start < b for a, b in self.off):
                continue
            plan.append(Planned(start, r, roll, hours, coin, min(booked, self.now)))
        return plan

    def _time_off(self) -> None:
        blocks = (
            (self.monday - timedelta(weeks=6) + timedelta(days=2), 3, "conference"),
            (self.monday + timedelta(weeks=5), 5, "holiday"),
        )
        for first, days, reason in blocks:
            start = self.local(first, 0)
            end = self.local(first + timedelta(days=days), 0)
            with self.at(start - timedelta(weeks=4)):
                time_off.add_time_off(self.uow, start, end, reason)
            self.off.append((start, end))

    def _insert(
        self,
        pro: ProfessionalRow,
        bookings: list[tuple[int, datetime, int, str, str, datetime, bool]],
    ) -> list[SessionRow]:
        """Book many sessions as booking.book would (held credit, audit), in one flush."""
        return booking.record_bookings(
            self.uow,
            pro,
            [
                PastBooking(
                    client_id, start, minutes, service, location, booked_at, prepaid,
                    uid=f"{uuid.UUID(int=self.rng.getrandbits(128), version=4)}@kara-tui",
                )
                for client_id, start, minutes, service, location, booked_at, prepaid in bookings
            ],
        )  # fmt: skip

    def _outcome(self, p: Planned, row: SessionRow) -> None:
        start, roll, hours, coin = p.start, p.roll, p.hours, p.coin
        end = start + timedelta(minutes=50)
        if end > self.now:
            if roll < 0.04 and start - self.now > timedelta(days=3):
                self._cancel(row, Reason.CLIENT, self.now - timedelta(hours=hours))
            return
        if end > self.now - timedelta(hours=20):
            return  # recent: left for the user to mark (press a)
        if roll < 0.03:
            self._cancel(row, Reason.PROFESSIONAL, start - timedelta(days=3), note="unwell")
        elif roll < 0.06:
            self._cancel(row, Reason.CLIENT, start - timedelta(days=2, hours=hours))
        elif roll < 0.10:
            late = start - timedelta(hours=hours * (p.regular.late_window / 24))
            self._cancel(row, Reason.CLIENT, late, charge=coin < 0.7)
        elif roll < 0.11:
            self._cancel(row, Reason.OTHER, start - timedelta(hours=30), note="client in hospital")
        elif roll < 0.15:
            with self.at(start + timedelta(minutes=20)):
                cancelling.no_show(
                    self.uow,
                    row.id,
                    charge=ChargeRequest(method=_method(row)) if coin < 0.6 else None,
                )
        else:
            self._attend(row, end + timedelta(minutes=5))

    def _cancel(
        self,
        row: SessionRow,
        reason: Reason,
        notified: datetime,
        *,
        charge: bool = False,
        note: str = "",
    ) -> None:
        with self.at(notified + timedelta(minutes=self.rng.choice((5, 40, 180)))):
            cancelling.cancel_row(
                self.uow,
                row.id,
                reason,
                note=note,
                notified_at=notified,
                charge=ChargeRequest(method=_method(row)) if charge else None,
                notify=True,
            )
        if row.start < self.now:
            self._sent(row)

    def _sent(self, row: SessionRow) -> None:
        """A past session's notice went out back then: an outbox full of months-old queued
        notices is not a believable practice. Upcoming sessions' notices stay queued, so the
        outbox still has something to send."""
        queued = self.db.scalars(
            select(NotificationRow).where(
                NotificationRow.session_id == row.id,
                NotificationRow.status == NotificationStatus.QUEUED.value,
            )
        )
        for notice in queued:
            notice.status = NotificationStatus.SENT.value
            notice.attempts = 1
            notice.sent_at = notice.created_at + timedelta(minutes=self.rng.choice((1, 2, 10)))

    def _attend(self, row: SessionRow, when: datetime) -> None:
        with self.at(when):
            attendance.attend(self.uow, row.id)

    def _extras(
        self,
        pro: ProfessionalRow,
        regulars: list[Regular],
        booked: dict[tuple[int, datetime], SessionRow],
    ) -> None:
        """The deliberate double booking, an evening session, and a prepaid one the practice cancels."""
        next_week = self.monday + timedelta(weeks=1)
        taken = next(r for r in regulars if r.every == 1 and r.since_week < 0)
        booked_at = self.now - timedelta(hours=2)
        self._insert(
            pro,
            [
                (regulars[-1].client_id,
                 self.local(next_week + timedelta(days=taken.weekday), taken.hour, 20),
                 60, "Intake (double-booked by mistake)", "Room 2", booked_at, False),
                (regulars[2].client_id, self.local(next_week + timedelta(days=3), 19, 0),
                 50, "Therapy (evening, by exception)", "Video call", booked_at, False),
            ],
        )  # fmt: skip
        later = self.monday + timedelta(weeks=2)
        for r in regulars:
            row = booked.get((r.client_id, self.local(later + timedelta(days=r.weekday), r.hour)))
            if not r.sponsored and row is not None and row.status == SessionStatus.SCHEDULED.value:
                row.prepaid = True
                self._cancel(
                    row, Reason.PROFESSIONAL, self.now - timedelta(hours=3), note="training day"
                )
                break


def _method(row: SessionRow) -> PaymentMethod:
    """Sponsored credit when the client has some to give (held or left), else a card."""
    if has_credit_to_spend(row.client.to_domain(), credit_reserved=row.credit_reserved):
        return PaymentMethod.SPONSORED_CREDIT
    return PaymentMethod.CARD
