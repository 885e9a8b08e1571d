"""A small practice with one of everything, the app built by the real factory, and Pilot helpers."""

from __future__ import annotations

from pathlib import Path

import pytest
from ui_helpers import UI_NOW, at

from kara_tui.clock import FixedClock
from kara_tui.config import Settings
from kara_tui.db.rows import ExternalEventRow, FeedRow
from kara_tui.domain import Money, PaymentMethod, Programme, Reason
from kara_tui.services.practice import ChargeRequest, Practice
from kara_tui.ui.app import KaraApp, make_app
from kara_tui.ui.themes import shipped_themes_dir


# The calendar's own "now" and practice, so that other tests in this folder keep the suite's
# clock (Monday 08:00) from tests/conftest.py.
@pytest.fixture
def cal_clock() -> FixedClock:
    return FixedClock(UI_NOW, "Europe/London")


@pytest.fixture
def cal_practice(engine, cal_clock: FixedClock) -> Practice:
    p = Practice(engine, cal_clock)
    p.ensure_professional()
    return p


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(path=tmp_path / "config.toml", theme="kara-dark")


@pytest.fixture
def ids(cal_practice: Practice) -> dict[str, int]:
    """The week of 16-22 November 2026, plus Monday 23, with every state the calendar shows."""
    p = cal_practice
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


@pytest.fixture
def app(
    cal_practice: Practice, settings: Settings, cal_clock: FixedClock, ids: dict[str, int]
) -> KaraApp:
    return make_app(
        practice=cal_practice, settings=settings, clock=cal_clock, theme_dirs=[shipped_themes_dir()]
    )


@pytest.fixture
def empty_app(cal_practice: Practice, settings: Settings, cal_clock: FixedClock) -> KaraApp:
    return make_app(
        practice=cal_practice, settings=settings, clock=cal_clock, theme_dirs=[shipped_themes_dir()]
    )
