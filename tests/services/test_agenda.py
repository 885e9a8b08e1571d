"""The professional's day: the quick reads (stdlib sqlite3) give exactly the agenda the
Practice's reads give, with what each client owes; days are practice-zone days (DST too)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from calendar_kit import at, seed_week
from kara_tui.db.quick_reads import QuickReader
from kara_tui.domain import Money, PaymentMethod, Reason, SessionStatus
from kara_tui.domain.series import Repeat, SeriesRule
from kara_tui.services.agenda import PracticeReads, agenda, bounds
from kara_tui.services.practice import ChargeRequest, Practice
from kara_tui.services.series import SeriesBook

LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def quick(practice: Practice, db_url: str):
    reader = QuickReader.open(db_url)
    assert reader is not None
    yield reader
    reader.close()


def test_the_quick_reads_give_the_practices_agenda_day_by_day(
    practice: Practice, quick: QuickReader
) -> None:
    ids = seed_week(practice)
    anna = practice.find_client("Anna Smith")
    # Anna owes for a no-show; a prepaid session cancelled by the professional is refunded.
    no_show = practice.book(anna.id, at(24, 10), force=True)
    chloe = practice.find_client("Chloe Patel")
    prepaid = practice.book(chloe.id, at(25, 10), prepaid=True, force=True)
    practice.cancel(prepaid.id, Reason.PROFESSIONAL)
    practice.clock.advance(days=8, hours=3)  # Tue 24 Nov 11:00
    practice.no_show(no_show.id, charge=ChargeRequest(method=PaymentMethod.CARD))
    for offset in range(10):
        day = date(2026, 11, 16) + timedelta(days=offset)
        assert agenda(quick, day, LONDON) == agenda(PracticeReads(practice), day, LONDON)
    monday = agenda(quick, date(2026, 11, 23), LONDON)
    [entry] = monday.entries
    assert (entry.session.id, entry.series) == (ids["next_week"], None)
    assert entry.balance == (Money(9000, "GBP"),)  # the no-show's charge, not yet paid
    tuesday = agenda(quick, date(2026, 11, 24), LONDON)
    assert [e.session.status for e in tuesday.entries] == [SessionStatus.NO_SHOW]
    [refunded] = agenda(quick, date(2026, 11, 25), LONDON).entries
    assert (refunded.session.status, refunded.balance) == (
        SessionStatus.CANCELLED,
        (Money(-8000, "GBP"),),  # a refund Chloe is due
    )


def test_a_day_is_the_practice_zones_even_when_the_clocks_change(
    practice: Practice, quick: QuickReader
) -> None:
    anna = practice.add_client("Anna Smith", email="a@example.com", fee=Money(9000, "GBP"))
    # Sunday 28 March 2027: London goes from GMT to BST at 01:00 UTC, a 23-hour day.
    first = practice.book(anna.id, datetime(2027, 3, 28, 0, 30, tzinfo=UTC), force=True)
    last = practice.book(anna.id, datetime(2027, 3, 28, 22, 0, tzinfo=UTC), force=True)  # 23:00
    practice.book(anna.id, datetime(2027, 3, 28, 23, 15, tzinfo=UTC), force=True)  # Mon 00:15
    practice.book(anna.id, datetime(2027, 3, 27, 23, 45, tzinfo=UTC), force=True)  # Sat 23:45
    start, end = bounds(date(2027, 3, 28), LONDON)
    assert end - start == timedelta(hours=23)
    day = agenda(quick, date(2027, 3, 28), LONDON)
    assert [e.session.id for e in day.entries] == [first.id, last.id]
    assert day == agenda(PracticeReads(practice), date(2027, 3, 28), LONDON)


def test_a_session_that_began_the_day_before_is_not_on_this_days_agenda(
    practice: Practice, quick: QuickReader
) -> None:
    anna = practice.add_client("Anna Smith", fee=Money(9000, "GBP"))
    late = practice.book(anna.id, at(20, 23, 30), minutes=60, force=True)
    assert agenda(quick, date(2026, 11, 21), LONDON).entries == ()
    assert [e.session.id for e in agenda(quick, date(2026, 11, 20), LONDON).entries] == [late.id]


def test_a_reader_that_knows_series_positions_shows_them(
    practice: Practice, quick: QuickReader
) -> None:
    """The hook recurring sessions (DESIGN.md section 6) fill: a position only where known."""
    anna = practice.add_client("Anna Smith", fee=Money(9000, "GBP"))
    a = practice.book(anna.id, at(20, 9), force=True)
    b = practice.book(anna.id, at(20, 11), force=True)

    class WithSeries(PracticeReads):
        def series_positions(self, session_ids: list[int], now: datetime) -> dict[int, str]:
            return {a.id: "weekly, session 5 of 12"} if a.id in session_ids else {}

    day = agenda(WithSeries(practice), date(2026, 11, 20), LONDON)
    assert [(e.session.id, e.series) for e in day.entries] == [
        (a.id, "weekly, session 5 of 12"),
        (b.id, None),
    ]


def test_both_readers_give_the_same_series_positions_with_the_few_left_flag(
    practice: Practice, quick: QuickReader
) -> None:
    """Issue 17 item 3: "session 2 of 4", "⚑ 2 left" from the quick reads as from the Practice."""
    anna = practice.add_client("Anna Smith", fee=Money(9000, "GBP"))
    ben = practice.add_client("Ben Jones", fee=Money(9000, "GBP"))
    tue = datetime(2026, 11, 17, 10, 0, tzinfo=UTC)
    four = SeriesBook(practice).book(anna.id, tue, SeriesRule(Repeat.WEEKLY, count=4))
    SeriesBook(practice).book(ben.id, tue + timedelta(hours=2), SeriesRule(Repeat.WEEKLY))
    practice.cancel(four.sessions[2].id, Reason.CLIENT)  # the third: no longer to come
    days = [date(2026, 11, 17) + timedelta(weeks=n) for n in range(4)]
    for day in days:
        now = datetime.combine(day, datetime.min.time(), tzinfo=UTC)
        assert agenda(quick, day, LONDON, now) == agenda(PracticeReads(practice), day, LONDON, now)
    first = agenda(quick, days[0], LONDON, datetime(2026, 11, 16, tzinfo=UTC))
    assert [e.series for e in first.entries] == [
        "weekly on Tuesday, session 1 of 4",  # three still to come: not flagged
        "weekly on Tuesday, session 1, no end",
    ]
    second = agenda(quick, days[1], LONDON, datetime(2026, 11, 23, tzinfo=UTC))
    assert second.entries[0].series == "weekly on Tuesday, session 2 of 4 · ⚑ 2 left"
    assert second.entries[1].series == "weekly on Tuesday, session 2, no end"
