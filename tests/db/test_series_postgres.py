"""Series on PostgreSQL (a group practice's shared server): book, top up, split, end, notices."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from kara_tui.clock import FixedClock
from kara_tui.db.engine import make_engine
from kara_tui.db.schema import upgrade
from kara_tui.domain import Money, Reason
from kara_tui.domain.series import Repeat, SeriesRule
from kara_tui.services import booking
from kara_tui.services.practice import Practice
from kara_tui.services.series import SeriesBook, fill, series_row
from kara_tui.services.series_changes import Scope, SeriesChanges
from kara_tui.services.settings import professional_row

pytestmark = pytest.mark.slow  # a PostgreSQL server of its own, as test_postgres.py

TUE = datetime(2026, 11, 17, 10, tzinfo=UTC)


@pytest.fixture
def pg_practice(pg_url: str, clock: FixedClock):
    engine = make_engine(pg_url)
    upgrade(engine)
    practice = Practice(engine, FixedClock(clock.now(), "Europe/London"))
    practice.ensure_professional()
    practice.set_setting("timezone", "Europe/London")
    yield practice
    engine.dispose()


def test_a_series_lives_on_postgresql(pg_practice) -> None:
    p = pg_practice
    anna = p.add_client("Anna Smith", email="anna@example.com", fee=Money(9000, "GBP"))
    book, changes = SeriesBook(p), SeriesChanges(p)
    booked = book.book(anna.id, TUE, SeriesRule(Repeat.WEEKLY), notify=True)
    assert len(booked.sessions) == 26
    with p.unit_of_work() as uow:  # filling again finds every occurrence there: nothing twice
        row = series_row(uow.db, booked.series.id)
        assert fill(uow, row, professional_row(uow).to_domain()) == []
    p.cancel(booked.sessions[1].id, Reason.CLIENT)
    moved = changes.reschedule(
        booked.sessions[5].id, booked.sessions[5].start + timedelta(days=1), Scope.FOLLOWING
    )
    assert len(moved) == 21
    removed = changes.end(moved[0].series_id, date(2027, 2, 1))
    assert removed and all(s.start < datetime(2027, 2, 1, tzinfo=UTC) for s in p.list_sessions())
    assert [n.kind.value for n in p.list_notifications()] == [
        "confirmation",
        "cancellation",
        "update",
        "confirmation",
        "update",
    ]


def test_a_session_another_process_books_meanwhile_is_left_as_it_is(
    pg_practice, pg_url: str, monkeypatch
) -> None:
    """The insert-or-ignore of a top-up: between reading what is booked and booking it,
    another process commits the same occurrence; the unique index refuses the second, and
    the top-up skips it (its savepoint) instead of failing or booking it twice."""
    from sqlalchemy import text

    p = pg_practice
    p.set_setting("series_horizon_weeks", "2")
    anna = p.add_client("Anna Smith", fee=Money(9000, "GBP"))
    booked = SeriesBook(p).book(anna.id, TUE, SeriesRule(Repeat.WEEKLY))
    assert len(booked.sessions) == 2
    p.clock.advance(weeks=1)
    other = make_engine(pg_url)
    real_book = booking.book
    raced: list[datetime] = []

    def racing_book(uow, client, start, **kwargs):
        if not raced:  # the other process, on its own connection, gets there first
            raced.append(start)
            with other.begin() as conn:
                conn.execute(
                    text(
                        'INSERT INTO sessions (uid, professional_id, client_id, start, "end", '
                        "service, location, fee_minor, currency, status, prepaid, "
                        "credit_reserved, sequence, created_at, updated_at, series_id, "
                        "original_start) SELECT 'other@kara-tui', professional_id, client_id, "
                        ":start, :end, '', '', 9000, 'GBP', 'scheduled', false, false, 0, "
                        ":start, :start, id, :start FROM session_series WHERE id = :series"
                    ),
                    {
                        "start": start,
                        "end": start + timedelta(minutes=50),
                        "series": kwargs["series_id"],
                    },
                )
        return real_book(uow, client, start, **kwargs)

    monkeypatch.setattr(booking, "book", racing_book)
    try:
        assert SeriesBook(p).extend_all() == 0  # the one new occurrence was the other's
    finally:
        other.dispose()
    starts = [s.original_start for s in SeriesBook(p).sessions(booked.series.id)]
    assert raced and raced[0] in starts
    assert len(starts) == len(set(starts)) == 3
