"""The calendar's test practice (one of everything in the week of 16 November 2026).

Shared by tests/ui (Pilot), tests/snapshots (appearance) and tests/e2e. The Pilot helpers
live in support.pilot; they are imported here too for the modules that import them from here.
"""

from __future__ import annotations

from datetime import UTC, datetime

from kara_tui.clock import FixedClock
from kara_tui.db.rows import ExternalEventRow, FeedRow
from kara_tui.domain import Money, PaymentMethod, Programme, Reason
from kara_tui.services.practice import ChargeRequest, Practice
from support.pilot import notices, screen_text, settle, shown

__all__ = ["UI_NOW", "at", "notices", "screen_text", "seed_week", "settle", "shown"]

# Wednesday 18 November 2026, 12:30 in London (GMT): the morning is past, the afternoon ahead.
UI_NOW = datetime(2026, 11, 18, 12, 30, tzinfo=UTC)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A time in November 2026, London (GMT = UTC in November)."""
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC)


def seed_week(p: Practice) -> dict[str, int]:
    """The week of 16-22 November 2026, plus Monday 23, with every state the calendar shows."""
    anna = p.add_client("Anna Smith", email="anna@example.com", fee=Money(9000, "GBP"))
    ben = p.add_client(
        "Ben Jones",
        email="ben@example.com",
        programme=Programme.SPONSORED,
        fee=Money(6000, "GBP"),
        sponsored_credit=5,
    )
    chloe = p.add_client("Chloe Patel", fee=Money(8000, "GBP"), window_hours=48)
    real = p.clock
    p.clock = FixedClock(at(10, 9), "Europe/London")  # booked the week before
    s = {
        "attended": p.book(anna.id, at(16, 10), service="Therapy", location="Room 2"),
        "late": p.book(ben.id, at(17, 9), service="Therapy"),
        "past": p.book(anna.id, at(18, 10), service="Therapy"),
        "future": p.book(chloe.id, at(18, 14), service="Therapy"),
        "external": p.book(ben.id, at(19, 11)),
        "evening": p.book(chloe.id, at(20, 19), force=True),
        "next_week": p.book(anna.id, at(23, 10)),
    }
    p.clock = FixedClock(at(16, 11), "Europe/London")
    p.attend(s["attended"].id)
    p.clock = FixedClock(at(17, 0), "Europe/London")
    p.cancel(
        s["late"].id,
        Reason.CLIENT,
        notified_at=at(16, 22),
        charge=ChargeRequest(method=PaymentMethod.SPONSORED_CREDIT),
    )
    p.clock = real
    p.add_time_off(at(20, 13), at(20, 17), "dentist")
    with p.writing() as db:
        feed = FeedRow(
            name="Family",
            source="file:///family.ics",
            enabled=True,
            refresh_minutes=60,
            colour="#5f87af",
            last_error="",
            stale=False,
            event_count=1,
            created_at=at(1, 9),
        )
        db.add(feed)
        db.flush()
        db.add(
            ExternalEventRow(
                feed_id=feed.id,
                uid="school-run@family",
                recurrence_id="",
                start=at(19, 11, 30),
                end=at(19, 12, 30),
                all_day=False,
                summary="School play",
                location="",
                busy=True,
                cancelled=False,
            )
        )
    return {name: session.id for name, session in s.items()} | {
        "anna": anna.id,
        "ben": ben.id,
        "chloe": chloe.id,
    }
