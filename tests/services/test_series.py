"""Booking a series, keeping it booked ahead, ending it; each occurrence an ordinary session."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from kara_tui.db.rows import AuditRow, SessionRow
from kara_tui.domain import DomainError, Money, Reason, SessionStatus
from kara_tui.domain.series import Repeat, SeriesRule
from kara_tui.services.practice import ChargeRequest
from kara_tui.services.series import SeriesBook, SeriesConflictError
from kara_tui.services.series_changes import Scope, SeriesChanges

LONDON = ZoneInfo("Europe/London")
TUE = datetime(2026, 11, 17, 10, 0, tzinfo=UTC)  # Tue 17 Nov 2026 10:00 GMT
WEEKLY_12 = SeriesRule(Repeat.WEEKLY, count=12)


@pytest.fixture
def anna(practice):
    return practice.add_client("Anna Smith", email="anna@example.com", fee=Money(9000, "GBP"))


@pytest.fixture
def book(practice) -> SeriesBook:
    return SeriesBook(practice)


def _holiday(practice) -> datetime:
    day = datetime(2026, 12, 22, tzinfo=LONDON)  # the sixth Tuesday
    practice.add_time_off(day, day + timedelta(days=1), "holiday")
    return day


def test_a_series_over_a_holiday_is_refused_with_the_date_and_nothing_is_written(
    practice, book, anna
) -> None:
    _holiday(practice)
    with pytest.raises(SeriesConflictError) as err:
        book.book(anna.id, TUE, WEEKLY_12)
    assert [s for s, _ in err.value.by_date] == [datetime(2026, 12, 22, 10, tzinfo=UTC)]
    assert "Tue 22 Dec 2026 10:00: falls in time off (holiday)" in str(err.value)
    assert practice.list_sessions() == []


def test_skipping_makes_the_clashing_date_an_exception_that_is_never_booked(
    practice, book, anna
) -> None:
    _holiday(practice)
    booked = book.book(anna.id, TUE, WEEKLY_12, on_conflict="skip")
    holiday = datetime(2026, 12, 22, 10, tzinfo=UTC)
    assert booked.skipped == [holiday]
    assert booked.series.exceptions == (holiday,)
    assert len(booked.sessions) == 11
    assert holiday not in {s.start for s in booked.sessions}
    assert all(s.series_id == booked.series.id for s in booked.sessions)
    assert all(s.original_start == s.start for s in booked.sessions)
    assert book.extend_all() == 0  # the exception stays an exception


def test_booking_a_series_records_it_once_in_the_audit_trail(practice, book, anna, clock) -> None:
    _holiday(practice)
    booked = book.book(anna.id, TUE, WEEKLY_12, on_conflict="skip")
    with practice.reading() as db:
        [event] = db.scalars(
            select(AuditRow).where(AuditRow.entity == "series", AuditRow.action == "book")
        ).all()
        event = event.to_domain()
    assert event.entity_id == booked.series.id
    assert event.at == clock.now()
    assert event.after is not None
    assert event.after["sessions"] == 11
    assert event.after["skipped"] == ["2026-12-22T10:00:00+00:00"]


def test_force_books_every_date(practice, book, anna) -> None:
    _holiday(practice)
    booked = book.book(anna.id, TUE, WEEKLY_12, on_conflict="force")
    assert len(booked.sessions) == 12


def test_ten_oclock_stays_ten_across_the_clock_change(practice, book, anna) -> None:
    booked = book.book(anna.id, TUE, SeriesRule(Repeat.WEEKLY, until=date(2027, 4, 30)))
    local = {s.start.astimezone(LONDON).strftime("%a %H:%M") for s in booked.sessions}
    assert local == {"Tue 10:00"}
    assert booked.sessions[-1].start == datetime(2027, 4, 27, 9, 0, tzinfo=UTC)  # BST


def test_an_open_ended_series_is_booked_to_the_horizon_and_extended_once(
    practice, book, anna, clock
) -> None:
    booked = book.book(anna.id, TUE, SeriesRule(Repeat.WEEKLY))
    assert len(booked.sessions) == 26  # 26 weeks ahead of Mon 16 Nov
    clock.advance(weeks=3)
    assert book.extend_all() == 3
    assert book.extend_all() == 0
    assert len(book.sessions(booked.series.id)) == 29


def test_a_shorter_horizon_setting_books_less(practice, book, anna) -> None:
    practice.set_setting("series_horizon_weeks", "4")
    booked = book.book(anna.id, TUE, SeriesRule(Repeat.WEEKLY))
    assert len(booked.sessions) == 4


@pytest.mark.slow  # a race of two processes: seconds of interpreter start-up and locking
def test_two_processes_extending_at_once_book_each_session_once(
    practice, book, anna, db_url: str, tmp_path: Path
) -> None:
    booked = book.book(anna.id, TUE, SeriesRule(Repeat.WEEKLY))
    later = (datetime(2026, 11, 16, 8, tzinfo=UTC) + timedelta(weeks=10)).isoformat()
    go = tmp_path / "go"
    child = Path(__file__).with_name("series_child.py")
    procs = [
        subprocess.Popen(
            [sys.executable, str(child), db_url, later, str(go)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    go.touch()
    outs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    assert sorted(int(out.strip()) for out, _ in outs) == [0, 10]
    with practice.reading() as db:
        starts = list(
            db.scalars(
                select(SessionRow.original_start).where(SessionRow.series_id == booked.series.id)
            )
        )
    assert len(starts) == len(set(starts)) == 36


def test_each_session_is_ordinary_cancel_charge_and_the_series_goes_on(
    practice, book, anna, clock
) -> None:
    booked = book.book(anna.id, TUE, WEEKLY_12)
    third = booked.sessions[2]
    clock.advance(days=14, hours=14)  # Mon 30 Nov 22:00: under 24 h to the third
    cancelled = practice.cancel(
        third.id, Reason.CLIENT, charge=ChargeRequest(), notified_at=clock.now()
    )
    assert cancelled.status is SessionStatus.CANCELLED
    assert cancelled.cancellation is not None and cancelled.cancellation.late
    assert [c.amount for c in cancelled.charges] == [Money(9000, "GBP")]
    assert cancelled.series_id == booked.series.id
    assert book.extend_all() == 0  # a cancelled occurrence is not booked again
    place = book.place(booked.sessions[3].id)
    assert place is not None
    assert place.description == "weekly on Tuesday, session 4 of 12"
    assert place.left == 9


def test_rescheduling_one_session_moves_that_occurrence(practice, book, anna) -> None:
    booked = book.book(anna.id, TUE, WEEKLY_12)
    second = booked.sessions[1]
    moved = practice.reschedule(second.id, second.start + timedelta(days=1), by=Reason.CLIENT)
    assert (moved.series_id, moved.original_start) == (booked.series.id, second.start)
    old = practice.get_session(second.id)
    assert (old.status, old.series_id, old.original_start) == (
        SessionStatus.CANCELLED,
        booked.series.id,
        None,
    )
    assert book.extend_all() == 0


def test_deleting_one_session_makes_it_an_exception(practice, book, anna) -> None:
    booked = book.book(anna.id, TUE, WEEKLY_12)
    practice.delete(booked.sessions[4].id)
    series = book.get(booked.series.id)
    assert series.exceptions == (booked.sessions[4].start,)
    assert book.extend_all() == 0
    assert len(book.sessions(booked.series.id)) == 11


def test_ending_removes_scheduled_sessions_from_the_date_and_keeps_the_record(
    practice, book, anna, clock
) -> None:
    booked = book.book(anna.id, TUE, WEEKLY_12)
    s = booked.sessions
    practice.cancel(s[9].id, Reason.PROFESSIONAL)
    clock.advance(weeks=4)
    practice.attend(s[0].id)
    # from the ninth Tuesday
    removed = SeriesChanges(practice).end(booked.series.id, date(2027, 1, 12))
    assert removed == [s[8].id, s[10].id, s[11].id]
    left = book.sessions(booked.series.id)
    assert [x.id for x in left] == [x.id for x in s[:8]] + [s[9].id]
    assert practice.get_session(s[9].id).status is SessionStatus.CANCELLED
    with practice.reading() as db:
        actions = db.scalars(
            select(AuditRow.action).where(AuditRow.entity_id.in_([*removed, booked.series.id]))
        ).all()
    assert actions.count("series_remove") == 3 and "end" in actions
    series = book.get(booked.series.id)
    assert series.ended_from == datetime(2027, 1, 12, tzinfo=UTC)
    place = book.place(s[7].id)
    assert place is not None and place.description.endswith("session 8 of 9")
    assert place.left == 4 and not place.few_left
    with pytest.raises(DomainError):
        SeriesChanges(practice).end(booked.series.id, date(2027, 1, 20))


def test_the_last_sessions_are_flagged(practice, book, anna) -> None:
    booked = book.book(anna.id, TUE, SeriesRule(Repeat.WEEKLY, count=3))
    place = book.place(booked.sessions[0].id)
    assert place is not None and place.left == 3 and not place.few_left
    practice.delete(booked.sessions[2].id)
    place = book.place(booked.sessions[0].id)
    assert place is not None and place.few_left
    assert place.left_text == "2 sessions left in this series"


def test_bad_series_are_refused_in_one_line(practice, book, anna, clock) -> None:
    with pytest.raises(DomainError, match="starts in the future"):
        book.book(anna.id, clock.now() - timedelta(days=1), WEEKLY_12)
    with pytest.raises(DomainError, match="end before its first"):
        book.book(anna.id, TUE, SeriesRule(Repeat.WEEKLY, until=date(2026, 11, 1)))
    with pytest.raises(DomainError, match="no client"):
        book.book("Nobody", TUE, WEEKLY_12)
    with practice.reading() as db:
        assert db.scalar(select(func.count()).select_from(SessionRow)) == 0


def test_moving_this_and_following_splits_the_series_and_leaves_the_past(
    practice, book, anna, clock
) -> None:
    booked = book.book(anna.id, TUE, WEEKLY_12)
    s = booked.sessions
    clock.advance(weeks=1)
    practice.attend(s[0].id)
    practice.cancel(s[7].id, Reason.CLIENT)  # week 8 cancelled: it stays where it was
    sixth = s[5]
    new_start = sixth.start + timedelta(days=1, hours=1)  # Wed 11:00 from week 6
    moved = SeriesChanges(practice).reschedule(sixth.id, new_start, Scope.FOLLOWING)
    old = book.get(booked.series.id)
    assert old.ended_from == sixth.start
    new_id = moved[0].series_id
    assert new_id != old.id
    new = book.get(new_id)
    assert (new.split_from, new.rule.count) == (old.id, 7)
    assert new.first_start == new_start
    assert new.exceptions == (s[7].start + timedelta(days=1, hours=1),)
    assert [m.id for m in moved] == [x.id for x in s[5:] if x.id != s[7].id]
    assert {m.start.astimezone(LONDON).strftime("%a %H:%M") for m in moved} == {"Wed 11:00"}
    assert practice.get_session(s[0].id).status is SessionStatus.ATTENDED
    assert practice.get_session(s[7].id).start == s[7].start  # cancelled: never moves
    assert [x.id for x in book.sessions(old.id)] == [x.id for x in s[:5]] + [s[7].id]
    assert book.extend_all() == 0


def test_moving_the_whole_series_before_it_starts_keeps_one_series(practice, book, anna) -> None:
    booked = book.book(anna.id, TUE, WEEKLY_12)
    first = booked.sessions[0]
    moved = SeriesChanges(practice).reschedule(
        booked.sessions[3].id, booked.sessions[3].start + timedelta(hours=2), Scope.ALL
    )
    assert len(moved) == 12
    series = book.get(booked.series.id)
    assert series.first_start == first.start + timedelta(hours=2)
    assert {m.series_id for m in moved} == {series.id}
    assert {m.start.astimezone(LONDON).strftime("%H:%M") for m in moved} == {"12:00"}


def test_moving_following_into_a_clash_is_refused_unless_skipped(practice, book, anna) -> None:
    booked = book.book(anna.id, TUE, WEEKLY_12)
    s = booked.sessions
    block = datetime(2027, 1, 13, tzinfo=LONDON)  # the Wednesday of week 9
    practice.add_time_off(block, block + timedelta(days=1), "conference")
    changes = SeriesChanges(practice)
    with pytest.raises(SeriesConflictError) as err:
        changes.reschedule(s[5].id, s[5].start + timedelta(days=1), Scope.FOLLOWING)
    assert [d for d, _ in err.value.by_date] == [s[8].start + timedelta(days=1)]
    assert practice.get_session(s[5].id).start == s[5].start  # nothing moved
    moved = changes.reschedule(
        s[5].id, s[5].start + timedelta(days=1), Scope.FOLLOWING, on_conflict="skip"
    )
    assert len(moved) == 6
    with pytest.raises(Exception, match="no session"):
        practice.get_session(s[8].id)


def test_editing_following_and_all(practice, book, anna) -> None:
    booked = book.book(anna.id, TUE, WEEKLY_12, location="Room 1")
    s = booked.sessions
    changes = SeriesChanges(practice)
    edited = changes.edit(s[6].id, Scope.FOLLOWING, location="Room 2")
    assert [e.id for e in edited] == [x.id for x in s[6:]]
    assert practice.get_session(s[5].id).location == "Room 1"
    assert practice.get_session(s[6].id).location == "Room 2"
    edited = changes.edit(s[2].id, Scope.ALL, fee=Money(10000, "GBP"))
    assert [e.fee for e in edited] == [Money(10000, "GBP")] * 6  # the first series' sessions
    one = changes.edit(s[0].id, Scope.THIS, service="Intake")
    assert one[0].service == "Intake" and practice.get_session(s[1].id).service == ""


def test_a_split_series_carries_over_the_old_ones_terms(practice, book, anna) -> None:
    booked = book.book(
        anna.id,
        TUE,
        WEEKLY_12,
        fee=Money(12000, "EUR"),
        service="Couples",
        location="Room 1",
        prepaid=True,
    )
    s = booked.sessions
    moved = SeriesChanges(practice).reschedule(
        s[4].id, s[4].start + timedelta(hours=2), Scope.FOLLOWING
    )
    old, new = book.get(booked.series.id), book.get(moved[0].series_id)
    assert new.id != old.id
    kept = ("client_id", "zone", "fee", "service", "location", "prepaid", "horizon_reached")
    assert {k: getattr(new, k) for k in kept} == {k: getattr(old, k) for k in kept}
    assert (new.rule.repeat, new.rule.interval) == (old.rule.repeat, old.rule.interval)
    assert {(m.fee, m.service, m.location, m.prepaid) for m in moved} == {
        (Money(12000, "EUR"), "Couples", "Room 1", True)
    }


def test_deleting_following_ends_the_series_there(practice, book, anna) -> None:
    booked = book.book(anna.id, TUE, WEEKLY_12)
    s = booked.sessions
    removed = SeriesChanges(practice).delete(s[9].id, Scope.FOLLOWING)
    assert removed == [x.id for x in s[9:]]
    assert book.get(booked.series.id).ended_from == s[9].start
    assert book.extend_all() == 0


def test_a_past_or_cancelled_session_never_moves(practice, book, anna, clock) -> None:
    booked = book.book(anna.id, TUE, WEEKLY_12)
    s = booked.sessions
    practice.cancel(s[3].id, Reason.CLIENT)
    changes = SeriesChanges(practice)
    with pytest.raises(DomainError, match="never moves"):
        changes.reschedule(s[3].id, s[3].start + timedelta(days=1), Scope.FOLLOWING)
    clock.advance(weeks=1)
    with pytest.raises(DomainError, match="never moves"):
        changes.reschedule(s[0].id, s[0].start + timedelta(days=1), Scope.FOLLOWING)
    with pytest.raises(DomainError, match="not part of a series"):
        single = practice.book(anna.id, datetime(2026, 11, 27, 14, tzinfo=UTC))
        changes.reschedule(single.id, single.start, Scope.ALL)


def test_sessions_left_read_quickly_are_the_practices(practice, book, anna, db_url, clock) -> None:
    from kara_tui.db.quick_reads import QuickReader

    ending = book.book(anna.id, TUE, SeriesRule(Repeat.WEEKLY, count=4))
    open_ended = book.book(anna.id, TUE + timedelta(hours=3), SeriesRule(Repeat.WEEKLY))
    practice.cancel(ending.sessions[1].id, Reason.PROFESSIONAL)
    ids = [ending.series.id, open_ended.series.id]
    now = clock.now() + timedelta(days=8)
    reader = QuickReader.open(db_url)
    assert reader is not None
    try:
        assert (
            reader.series_left(ids, now) == practice.series_left(ids, now) == {ending.series.id: 2}
        )
    finally:
        reader.close()


def test_an_archived_clients_open_series_is_not_extended(practice, book, anna, clock) -> None:
    from kara_tui.services.clients import ClientBook

    booked = book.book(anna.id, TUE, SeriesRule(Repeat.WEEKLY))
    ClientBook(practice).archive(anna.id, cancel_future=True, notify=False)
    clock.advance(weeks=4)
    assert book.extend_all() == 0  # and no error: every command runs it
    assert len(book.sessions(booked.series.id)) == 26


def test_cancel_range_cancels_the_occurrences_in_it_and_the_series_goes_on(
    practice, book, anna
) -> None:
    booked = book.book(anna.id, TUE, SeriesRule(Repeat.WEEKLY), notify=True)
    ill_from, ill_to = datetime(2026, 12, 1, tzinfo=UTC), datetime(2026, 12, 9, tzinfo=UTC)
    cancelled = practice.cancel_range(ill_from, ill_to, Reason.PROFESSIONAL, note="ill")
    assert [s.start for s in cancelled] == [booked.sessions[2].start, booked.sessions[3].start]
    assert book.extend_all() == 0  # the cancelled dates are not booked again
    after = [s for s in book.sessions(booked.series.id) if s.start >= ill_to]
    assert after and all(s.status is SessionStatus.SCHEDULED for s in after)
    kinds = [n.kind.value for n in practice.list_notifications()]
    assert kinds == ["confirmation", "cancellation", "cancellation"]


def test_a_series_keeps_its_terms_as_its_sessions_do(practice, book, anna) -> None:
    # One settling of the terms (services/booking_terms.py) for a series and its sessions:
    # the series row holds the service and place checked and stripped, as each session does.
    booked = book.book(anna.id, TUE, SeriesRule(Repeat.WEEKLY, count=2), service="  Couples ")
    assert booked.series.service == "Couples"
    assert {s.service for s in booked.sessions} == {"Couples"}
    with pytest.raises(DomainError, match="the location"):
        book.book(anna.id, TUE + timedelta(days=1), WEEKLY_12, location="Room\x071")
    with pytest.raises(DomainError, match="at least one minute"):
        book.book(anna.id, TUE + timedelta(days=1), WEEKLY_12, minutes=0)
    assert len(practice.list_sessions()) == 2


def test_a_series_booked_with_a_weekday_position_keeps_it(practice, book, anna) -> None:
    rule = SeriesRule(Repeat.MONTHLY_BY_WEEKDAY, count=2, position=-1)  # the last Tuesday
    booked = book.book(anna.id, datetime(2026, 11, 24, 10, tzinfo=UTC), rule)
    assert booked.series.rule.position == -1
    assert [s.start.day for s in booked.sessions] == [24, 29]  # 24 Nov, 29 Dec
