"""Notices of a series (RFC 5546): whatever was changed, the client's calendar rebuilt from
every message they received, in order, shows exactly the sessions on record."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from icalendar import Calendar

from client_calendar import ClientCalendar
from kara_tui.db.rows import NotificationRow
from kara_tui.domain import DomainError, Money, Reason, SessionStatus
from kara_tui.domain.series import Repeat, SeriesRule
from kara_tui.services.series import SeriesBook
from kara_tui.services.series_changes import Scope, SeriesChanges
from support.examples import examples

FAR = datetime(2030, 1, 1, tzinfo=UTC)
_names = itertools.count()


def _calendar_of(practice, email: str) -> ClientCalendar:
    calendar = ClientCalendar()
    for n in sorted(practice.list_notifications(), key=lambda n: n.id):
        if n.recipient == email and n.ical:
            calendar.apply(n.ical)
    return calendar


def _on_record(practice, client_id: int) -> list[tuple[datetime, datetime, str]]:
    return sorted(
        (s.start, s.end, s.location)
        for s in practice.list_sessions(client_id=client_id)
        if s.status is not SessionStatus.CANCELLED
    )


def _pick(practice, client_id: int, index: int):
    coming = [
        s
        for s in practice.list_sessions(client_id=client_id, status=SessionStatus.SCHEDULED)
        if s.start > practice.clock.now() and s.series_id is not None
    ]
    return coming[index % len(coming)] if coming else None


OPS = st.lists(
    st.tuples(
        st.sampled_from(
            [
                "cancel",
                "move_one",
                "move_following",
                "move_all",
                "edit",
                "end",
                "delete_one",
                "delete_following",
            ]
        ),
        st.integers(0, 50),
        st.sampled_from(list(Scope)),
    ),
    max_size=6,
)


@settings(
    max_examples=examples(15),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    repeat=st.sampled_from(list(Repeat)),
    interval=st.integers(1, 2),
    count=st.integers(2, 10),
    day=st.integers(1, 120),
    ops=OPS,
)
def test_the_clients_calendar_rebuilt_from_the_notices_matches_the_record(
    practice, repeat, interval, count, day, ops
) -> None:
    n = next(_names)
    email = f"c{n}@example.com"
    client = practice.add_client(f"Client {n}", email=email, fee=Money(9000, "GBP"))
    first = datetime(2026, 11, 16, 10, tzinfo=UTC) + timedelta(days=day)
    book, changes = SeriesBook(practice), SeriesChanges(practice)
    booked = book.book(
        client.id,
        first,
        SeriesRule(repeat, interval, count=count),
        on_conflict="force",
        notify=True,
        location="Room 1",
    )
    for op, index, scope in ops:
        s = _pick(practice, client.id, index)
        if s is None:
            break
        try:
            if op == "cancel":
                practice.cancel(s.id, Reason.CLIENT if index % 2 else Reason.PROFESSIONAL)
            elif op == "move_one":
                practice.reschedule(s.id, s.start + timedelta(days=1), by=Reason.CLIENT, force=True)
            elif op in ("move_following", "move_all"):
                scope = Scope.FOLLOWING if op == "move_following" else Scope.ALL
                changes.reschedule(s.id, s.start + timedelta(hours=2), scope, on_conflict="force")
            elif op == "edit":
                changes.edit(s.id, scope, location=f"Room {index}")
            elif op == "end":
                changes.end(s.series_id, s.start.date())
            elif op == "delete_one":
                practice.delete(s.id)
            else:
                changes.delete(s.id, Scope.FOLLOWING)
        except DomainError:
            continue  # refused (e.g. nothing left to change): nothing was written
        shown = _calendar_of(practice, email).shown(first - timedelta(days=1), FAR)
        assert shown == _on_record(practice, client.id), (op, booked.series.id)
    shown = _calendar_of(practice, email).shown(first - timedelta(days=1), FAR)
    assert shown == _on_record(practice, client.id)


def test_booking_queues_one_invitation_with_rrule_exdate_and_the_zone(practice) -> None:
    anna = practice.add_client("Anna", email="anna@example.com", fee=Money(9000, "GBP"))
    day = datetime(2026, 12, 22, tzinfo=UTC)
    practice.add_time_off(day, day + timedelta(days=1), "holiday")
    first = datetime(2026, 11, 17, 10, tzinfo=UTC)
    SeriesBook(practice).book(
        anna.id, first, SeriesRule(Repeat.WEEKLY, count=12), on_conflict="skip", notify=True
    )
    (notice,) = practice.list_notifications()
    assert notice.subject == "Appointments confirmed: weekly on Tuesday at 10:00"
    cal = Calendar.from_ical(notice.ical)
    assert str(cal["METHOD"]) == "REQUEST"
    (event,) = cal.walk("VEVENT")
    assert event["RRULE"].to_ical() == b"FREQ=WEEKLY;COUNT=12;INTERVAL=1"
    assert event["DTSTART"].params["TZID"] == "Europe/London"
    assert [str(t["TZID"]) for t in cal.walk("VTIMEZONE")] == ["Europe/London"]
    assert event["EXDATE"].dts[0].dt == datetime(
        2026, 12, 22, 10, tzinfo=event["DTSTART"].dt.tzinfo
    )
    assert "Service" not in notice.body and "Anna" in notice.body


def test_cancelling_one_session_sends_cancel_with_its_recurrence_id(practice) -> None:
    anna = practice.add_client("Anna", email="anna@example.com", fee=Money(9000, "GBP"))
    booked = SeriesBook(practice).book(
        anna.id,
        datetime(2026, 11, 17, 10, tzinfo=UTC),
        SeriesRule(Repeat.WEEKLY, count=4),
        notify=True,
    )
    third = booked.sessions[2]
    practice.cancel(third.id, Reason.CLIENT)
    invite, cancel = sorted(practice.list_notifications(), key=lambda n: n.id)
    cal = Calendar.from_ical(cancel.ical)
    assert str(cal["METHOD"]) == "CANCEL"
    (event,) = cal.walk("VEVENT")
    assert event["RECURRENCE-ID"].dt.astimezone(UTC) == third.start
    assert str(event["UID"]) == booked.series.uid
    first_seq = Calendar.from_ical(invite.ical).walk("VEVENT")[0]["SEQUENCE"]
    assert int(event["SEQUENCE"]) > int(first_seq)
    with practice.writing() as db:  # the invitation went: the series is on their calendar
        db.get(NotificationRow, invite.id).status = "sent"
    with pytest.raises(DomainError):
        practice.delete(booked.sessions[1].id)
    assert practice.get_session(booked.sessions[1].id).status is SessionStatus.SCHEDULED


@pytest.mark.parametrize(
    ("email", "notify", "queued"),
    [("anna@example.com", True, True), ("anna@example.com", False, False), ("", True, False)],
)
def test_a_series_change_answers_whether_it_queued_the_clients_notice(
    practice, email: str, notify: bool, queued: bool
) -> None:
    # The screens say "notices go out from O" on this answer alone: it must match the outbox.
    anna = practice.add_client("Anna", email=email, fee=Money(9000, "GBP"))
    booked = SeriesBook(practice).book(
        anna.id,
        datetime(2026, 11, 17, 10, tzinfo=UTC),
        SeriesRule(Repeat.WEEKLY, count=8),
        notify=notify,
    )
    changes, s = SeriesChanges(practice), booked.sessions
    before = len(practice.list_notifications())

    moved = changes.reschedule_noticed(
        s[2].id, s[2].start + timedelta(hours=2), Scope.FOLLOWING, notify=notify
    )
    assert [m.start for m in moved.sessions] == [x.start + timedelta(hours=2) for x in s[2:]]
    assert moved.notice_queued is queued
    assert (len(practice.list_notifications()) > before) is queued

    before = len(practice.list_notifications())
    deleted = changes.delete_noticed(moved.sessions[-1].id, Scope.FOLLOWING)
    assert deleted.removed == [moved.sessions[-1].id]
    assert deleted.notice_queued is queued
    assert (len(practice.list_notifications()) > before) is queued


def test_one_session_is_not_moved_or_deleted_through_the_series_answers(practice) -> None:
    anna = practice.add_client("Anna", email="anna@example.com", fee=Money(9000, "GBP"))
    first = datetime(2026, 11, 17, 10, tzinfo=UTC)
    booked = SeriesBook(practice).book(anna.id, first, SeriesRule(Repeat.WEEKLY, count=3))
    changes, one = SeriesChanges(practice), booked.sessions[1]
    with pytest.raises(ValueError, match=r"Practice\.reschedule"):
        changes.reschedule_noticed(one.id, one.start + timedelta(hours=1), Scope.THIS)
    with pytest.raises(ValueError, match=r"Practice\.delete"):
        changes.delete_noticed(one.id, Scope.THIS)
    assert practice.get_session(one.id).start == one.start
