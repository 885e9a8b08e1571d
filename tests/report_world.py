"""A practice with known cancellation and charge figures, built through the real services.

The report tests (service, CLI, screen) check every figure against this one history, so the
expected numbers live here next to the story that produces them.

Clock at the end: Mon 16 Nov 2026 08:00 London (= UTC in November). Default period:
Wed 19 Aug 2026 - Mon 16 Nov 2026 (90 days). Sessions (10:00 UTC unless said):

  #1  Ann  Mon 02 Nov  attended
  #2  Ann  Tue 03 Nov  client, 4 h notice (late), charged 90 GBP (policy default, card)
  #3  Bob  Wed 04 Nov  client, 72 h notice (Bob's window 48 h: not late), no charge
  #4  Cara Thu 05 Nov  professional, prepaid: refund 60 GBP; 73 h notice, not late
  #5  Bob  Fri 06 Nov  no-show, not charged (waived: 80 GBP)
  #6  Ann  Mon 09 Nov  no-show, charged 45 GBP cash
  #7  Bob  Tue 10 Nov  client, 24 h notice (late for Bob's 48 h), not charged (waived 80 GBP)
  #8  Ann  Wed 11 Nov  other ("car broke down"), 1 h notice (late), not charged (waived 90)
  #9  Cara Thu 12 Nov  rescheduled by the client to Thu 19 Nov (outside the period)
  #10 Dee  Fri 13 Nov  client, 2 h notice (late), charged 50 EUR card
  #11 Dee  Mon 16 Nov  scheduled, still ahead
  #12 Ann  Thu 12 Nov  scheduled, started, attendance not recorded ("unmarked")
  #13 Bob  Wed 12 Aug  attended (before the period)
  #14 Ann  Fri 13 Nov 14:00  professional, 2 h notice (late), nothing to charge
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from kara_tui.clock import FixedClock
from kara_tui.domain import Client, Money, PaymentMethod, Programme, Reason, Session
from kara_tui.services.practice import ChargeRequest, Practice

END = datetime(2026, 11, 16, 8, 0, tzinfo=UTC)


def at(clock: FixedClock, when: datetime) -> None:
    """Move the fixed clock to ``when`` (backwards too)."""
    clock.advance(seconds=(when - clock.now()).total_seconds())


def utc(month: int, day: int, hour: int = 10) -> datetime:
    return datetime(2026, month, day, hour, 0, tzinfo=UTC)


@dataclass
class World:
    ann: Client
    bob: Client
    cara: Client
    dee: Client
    ids: dict[int, int]  # story number -> session id


def build(practice: Practice, clock: FixedClock) -> World:
    at(clock, utc(8, 1, 8))
    ann = practice.add_client("Ann Archer", email="ann@example.org", fee=Money(9000, "GBP"))
    bob = practice.add_client("Bob Baker", fee=Money(8000, "GBP"), window_hours=48)
    cara = practice.add_client(
        "Cara Cole",
        programme=Programme.SPONSORED,
        fee=Money(6000, "GBP"),
        sponsored_credit=5,
    )
    dee = practice.add_client("Dee Dunn", fee=Money(10000, "EUR"))
    plan = {
        1: (ann, utc(11, 2)),
        2: (ann, utc(11, 3)),
        3: (bob, utc(11, 4)),
        4: (cara, utc(11, 5)),
        5: (bob, utc(11, 6)),
        6: (ann, utc(11, 9)),
        7: (bob, utc(11, 10)),
        8: (ann, utc(11, 11)),
        9: (cara, utc(11, 12)),
        10: (dee, utc(11, 13)),
        11: (dee, utc(11, 16)),
        12: (ann, utc(11, 12, 12)),
        13: (bob, utc(8, 12)),
        14: (ann, utc(11, 13, 14)),
    }
    ids = {
        n: practice.book(c.id, start, force=True, prepaid=(n == 4)).id
        for n, (c, start) in plan.items()
    }

    at(clock, utc(8, 12, 11))
    practice.attend(ids[13])
    at(clock, utc(11, 1, 10))
    practice.cancel(ids[3], Reason.CLIENT)
    at(clock, utc(11, 2, 9))
    practice.cancel(ids[4], Reason.PROFESSIONAL)
    at(clock, utc(11, 2, 11))
    practice.attend(ids[1])
    at(clock, utc(11, 3, 6))
    practice.cancel(ids[2], Reason.CLIENT, charge=ChargeRequest())
    at(clock, utc(11, 6, 11))
    practice.no_show(ids[5])
    at(clock, utc(11, 6, 12))
    practice.reschedule(ids[9], utc(11, 19), by=Reason.CLIENT, force=True)
    at(clock, utc(11, 9, 10))
    practice.cancel(ids[7], Reason.CLIENT)
    at(clock, utc(11, 9, 11))
    practice.no_show(
        ids[6], charge=ChargeRequest(amount=Money(4500, "GBP"), method=PaymentMethod.CASH)
    )
    at(clock, utc(11, 11, 9))
    practice.cancel(ids[8], Reason.OTHER, note="car broke down")
    at(clock, utc(11, 13, 8))
    practice.cancel(
        ids[10],
        Reason.CLIENT,
        charge=ChargeRequest(amount=Money(5000, "EUR"), method=PaymentMethod.CARD),
    )
    at(clock, utc(11, 13, 12))
    practice.cancel(ids[14], Reason.PROFESSIONAL)
    at(clock, END)
    return World(ann, bob, cara, dee, ids)


def charged_outside_the_window(practice: Practice) -> Session:
    """Issue 11: a client cancels with 249 h notice (48 h window) and is charged anyway."""
    client = practice.add_client("Nia Noble", fee=Money(9000, "GBP"), window_hours=48)
    start = datetime(2026, 11, 16, 10, tzinfo=UTC)
    session = practice.book(client.id, start, force=True)
    return practice.cancel(
        session.id,
        Reason.CLIENT,
        notified_at=start - timedelta(hours=249),
        charge=ChargeRequest(method=PaymentMethod.CARD),
    )
