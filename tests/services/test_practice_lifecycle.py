"""The session lifecycle through the Practice service: book, edit, cancel, reschedule, attend, delete."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from kara_tui.domain import (
    ChargeKind,
    ChargeStatus,
    DomainError,
    Money,
    NotificationKind,
    NotificationStatus,
    PaymentMethod,
    Programme,
    Reason,
    SessionStatus,
)
from kara_tui.policy.conflicts import ConflictKind
from kara_tui.services.errors import ConflictError, NotFound
from kara_tui.services.practice import ChargeRequest, Practice

LONDON = ZoneInfo("Europe/London")
FEE = Money(9000, "GBP")


def at(day: int, hh: int, mm: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hh, mm, tzinfo=LONDON)


TUE_10 = at(17, 10)  # 26 h after the fixed clock (Mon 16 Nov 08:00)
MON_10 = at(16, 10)  # 2 h after it


def tables(engine) -> dict[str, list[tuple]]:
    """Every row of every table: to prove that a refused request wrote nothing."""
    with engine.connect() as conn:
        names = [
            r[0]
            for r in conn.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {n: conn.exec_driver_sql(f'SELECT * FROM "{n}" ORDER BY rowid').all() for n in names}


@pytest.fixture
def anna(practice: Practice):
    return practice.add_client("Anna Smith", email="anna@example.com", fee=FEE)


@pytest.fixture
def ben(practice: Practice):
    return practice.add_client(
        "Ben Jones",
        email="ben@example.com",
        programme=Programme.SPONSORED,
        fee=Money(6000, "GBP"),
        sponsored_credit=3,
    )


def ical(text: str) -> tuple[Calendar, object]:
    cal = Calendar.from_ical(text)
    (event,) = cal.walk("VEVENT")
    return cal, event


# -- booking -------------------------------------------------------------------------------


def test_book_stores_utc_and_takes_the_defaults(practice: Practice, anna) -> None:
    s = practice.book("Anna Smith", TUE_10)
    assert s.start == datetime(2026, 11, 17, 10, 0, tzinfo=UTC)
    assert s.start.tzinfo == UTC
    assert s.minutes == 50
    assert s.fee == FEE
    assert s.status is SessionStatus.SCHEDULED
    assert s.sequence == 0
    assert s.uid.endswith("@kara-tui")
    assert practice.get_session(s.id) == s
    assert [(a.action, a.entity_id) for a in practice.history(s.id)] == [("book", s.id)]


def test_booking_across_the_autumn_clock_change_lasts_what_was_asked(
    practice: Practice, anna
) -> None:
    first_0130 = datetime(2026, 10, 25, 1, 30, tzinfo=LONDON)  # BST, an hour before GMT returns
    s = practice.book(anna.id, first_0130, minutes=50, force=True)
    assert s.minutes == 50
    assert s.end - s.start == timedelta(minutes=50)
    assert s.start == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)


def test_a_conflict_is_refused_without_force_and_writes_nothing(
    practice: Practice, engine, anna
) -> None:
    first = practice.book(anna.id, TUE_10)
    before = tables(engine)
    with pytest.raises(ConflictError) as info:
        practice.book(anna.id, TUE_10 + timedelta(minutes=20))
    assert [c.kind for c in info.value.conflicts] == [ConflictKind.OVERLAP]
    assert str(info.value) == ("this time overlaps Anna Smith's session at Tue 17 Nov 10:00")
    assert tables(engine) == before
    forced = practice.book(anna.id, TUE_10 + timedelta(minutes=20), force=True)
    assert [s.id for s in practice.list_sessions()] == [first.id, forced.id]


@pytest.mark.parametrize(
    ("start", "kind"),
    [
        (TUE_10 + timedelta(minutes=55), ConflictKind.BUFFER),
        (at(21, 10), ConflictKind.OUTSIDE_HOURS),  # Saturday
        (at(17, 7), ConflictKind.OUTSIDE_HOURS),
    ],
)
def test_buffer_and_hours_are_refused_unless_forced(
    practice: Practice, anna, start: datetime, kind: ConflictKind
) -> None:
    practice.book(anna.id, TUE_10)
    with pytest.raises(ConflictError) as info:
        practice.book(anna.id, start)
    assert kind in [c.kind for c in info.value.conflicts]
    practice.book(anna.id, start, force=True)


def test_time_off_blocks_booking(practice: Practice, anna) -> None:
    practice.add_time_off(at(17, 0), at(18, 0), "dentist day")
    with pytest.raises(ConflictError, match=r"falls in time off \(dentist day\)"):
        practice.book(anna.id, TUE_10)
    assert practice.book(anna.id, at(18, 10)).start == at(18, 10)


def test_a_cancelled_session_frees_its_slot(practice: Practice, anna) -> None:
    s = practice.book(anna.id, TUE_10)
    practice.cancel(s.id, Reason.PROFESSIONAL)
    again = practice.book(anna.id, TUE_10)
    assert again.id != s.id
    assert practice.check_slot(TUE_10, TUE_10 + timedelta(minutes=50)) != []  # the new one
    assert (
        practice.check_slot(TUE_10, TUE_10 + timedelta(minutes=50), ignore_session_id=again.id)
        == []
    )


@pytest.mark.parametrize(
    ("minutes", "message"),
    [(0, "at least one minute"), (-5, "at least one minute"), (13 * 60, "more than 12 hours")],
)
def test_book_refuses_impossible_lengths(practice: Practice, anna, minutes, message) -> None:
    with pytest.raises(DomainError, match=message):
        practice.book(anna.id, TUE_10, minutes=minutes)
    assert practice.list_sessions() == []


def test_book_refuses_naive_times_and_unknown_clients(practice: Practice, anna) -> None:
    with pytest.raises(DomainError, match="must carry a time zone"):
        practice.book(anna.id, datetime(2026, 11, 17, 10, 0))
    with pytest.raises(NotFound, match="no client called 'Nobody'"):
        practice.book("Nobody", TUE_10)
    with pytest.raises(NotFound, match="no client with id 99"):
        practice.book(99, TUE_10)
    assert practice.list_sessions() == []


# -- editing -------------------------------------------------------------------------------


def test_edit_changes_details_and_raises_the_sequence(practice: Practice, anna) -> None:
    s = practice.book(anna.id, TUE_10)
    edited = practice.edit_session(
        s.id, service="Couples", location="Room 2", fee=Money(10000, "GBP"), prepaid=True
    )
    assert (edited.service, edited.location, edited.fee, edited.prepaid) == (
        "Couples",
        "Room 2",
        Money(10000, "GBP"),
        True,
    )
    assert edited.sequence == 1
    (_book, edit) = practice.history(s.id)
    assert edit.action == "edit"
    assert edit.before is not None and edit.after is not None
    assert (edit.before["service"], edit.after["service"]) == ("", "Couples")
    # Issue 11: a time change through edit is refused with a pointer to reschedule (this
    # test moved the session silently before).
    with pytest.raises(DomainError, match="reschedule it instead"):
        practice.edit_session(s.id, start=at(17, 14), minutes=60)
    with pytest.raises(DomainError, match="kara-tui sessions reschedule"):
        practice.edit_session(s.id, minutes=60)
    same = practice.edit_session(s.id, start=TUE_10, minutes=50, location="Room 3")
    assert (same.start, same.minutes, same.location) == (TUE_10, 50, "Room 3")
    assert practice.list_notifications() == []


def test_edit_refuses_a_conflict_and_a_cancelled_session(practice: Practice, engine, anna) -> None:
    # Issue 11: edit no longer moves a session, so there is no conflict to refuse; a time
    # change is refused whole and writes nothing.
    a = practice.book(anna.id, TUE_10)
    b = practice.book(anna.id, at(17, 14))
    before = tables(engine)
    with pytest.raises(DomainError, match="reschedule it instead"):
        practice.edit_session(b.id, start=at(17, 10, 30))
    with pytest.raises(DomainError, match="reschedule it instead"):
        practice.edit_session(b.id, minutes=0)
    assert tables(engine) == before
    practice.cancel(a.id, Reason.PROFESSIONAL)
    with pytest.raises(DomainError, match="only a scheduled session can be edited"):
        practice.edit_session(a.id, service="x")


# -- cancelling ----------------------------------------------------------------------------


def test_cancel_by_client_outside_the_window_with_a_charge(practice: Practice, anna) -> None:
    s = practice.book(anna.id, TUE_10)
    done = practice.cancel(
        s.id, Reason.CLIENT, charge=ChargeRequest(method=PaymentMethod.CARD), notify=True
    )
    c = done.cancellation
    assert done.status is SessionStatus.CANCELLED
    assert c is not None
    assert (c.reason, c.late, c.charged) == (Reason.CLIENT, False, True)
    assert c.notice_hours == 26
    assert c.notified_at == datetime(2026, 11, 16, 8, 0, tzinfo=UTC)
    (charge,) = done.charges
    assert (charge.amount, charge.method, charge.kind, charge.status) == (
        FEE,
        PaymentMethod.CARD,
        ChargeKind.CANCELLATION,  # not late: not a late-cancellation charge (issue 11)
        ChargeStatus.PENDING,
    )
    assert done.sequence == 1
    assert [a.action for a in practice.history(s.id)] == ["book", "cancel"]


def test_cancel_late_without_a_charge_records_the_notice(practice: Practice, anna) -> None:
    s = practice.book(anna.id, MON_10)
    done = practice.cancel(s.id, Reason.CLIENT, note="flu")
    c = done.cancellation
    assert c is not None
    assert (c.late, c.charged, c.note, c.notice_hours) == (True, False, "flu", 2)
    assert done.charges == ()


def test_notice_given_last_night_is_counted_from_then(practice: Practice, anna) -> None:
    s = practice.book(anna.id, MON_10)
    last_night = at(15, 20)  # Sunday 20:00, recorded on Monday morning
    done = practice.cancel(s.id, Reason.CLIENT, notified_at=last_night)
    assert done.cancellation is not None
    assert done.cancellation.notice_hours == 14
    assert done.cancellation.notified_at == last_night


def test_default_amount_follows_late_fee_percent(practice: Practice, anna) -> None:
    practice.set_setting("late_fee_percent", "50")
    s = practice.book(anna.id, MON_10)
    done = practice.cancel(s.id, Reason.CLIENT, charge=ChargeRequest())
    assert [c.amount for c in done.charges] == [Money(4500, "GBP")]
    assert done.charges[0].method is PaymentMethod.CARD  # the first enabled method


def test_other_needs_a_note(practice: Practice, anna) -> None:
    s = practice.book(anna.id, MON_10)
    with pytest.raises(DomainError, match="'other' needs a note"):
        practice.cancel(s.id, Reason.OTHER, note="   ")
    done = practice.cancel(
        s.id, Reason.OTHER, note="building closed", charge=ChargeRequest(Money(1000, "GBP"))
    )
    assert done.cancellation is not None
    assert done.cancellation.note == "building closed"
    assert [c.amount for c in done.charges] == [Money(1000, "GBP")]


def test_professional_cancels_a_prepaid_session_with_a_refund(practice: Practice, anna) -> None:
    s = practice.book(anna.id, MON_10, prepaid=True)
    done = practice.cancel(s.id, Reason.PROFESSIONAL, note="ill")
    (refund,) = done.charges
    assert (refund.amount, refund.kind, refund.method) == (
        Money(-9000, "GBP"),
        ChargeKind.REFUND,
        None,
    )
    assert done.cancellation is not None
    assert done.cancellation.charged is False


def test_professional_without_prepayment_has_no_charge_rows(practice: Practice, anna) -> None:
    s = practice.book(anna.id, MON_10)
    assert practice.cancel(s.id, Reason.PROFESSIONAL).charges == ()


@pytest.mark.parametrize(
    ("reason", "charge", "message"),
    [
        (Reason.PROFESSIONAL, ChargeRequest(), "you are cancelling: the client cannot be charged"),
        (
            Reason.PROFESSIONAL,
            ChargeRequest(method=PaymentMethod.CARD),
            "the client cannot be charged",
        ),
        (Reason.CLIENT, ChargeRequest(Money(9001, "GBP")), "more than the session fee"),
        (Reason.CLIENT, ChargeRequest(Money(100, "EUR")), "must be in GBP"),
        (
            Reason.CLIENT,
            ChargeRequest(method=PaymentMethod.SPONSORED_CREDIT),
            "'sponsored_credit' is not offered here",
        ),
        (Reason.NO_SHOW, None, "has not started yet"),
    ],
)
def test_a_charge_the_policy_forbids_writes_nothing(
    practice: Practice, engine, anna, reason: Reason, charge, message: str
) -> None:
    s = practice.book(anna.id, MON_10, prepaid=True)
    before = tables(engine)
    with pytest.raises(DomainError, match=message):
        practice.cancel(s.id, reason, charge=charge)
    assert tables(engine) == before


def test_a_disabled_method_is_refused(practice: Practice, engine, anna) -> None:
    practice.set_setting("payment_methods", "card,invoice")
    s = practice.book(anna.id, MON_10)
    before = tables(engine)
    with pytest.raises(DomainError, match=r"'cash' is not offered here \(offered: card, invoice\)"):
        practice.cancel(s.id, Reason.CLIENT, charge=ChargeRequest(method=PaymentMethod.CASH))
    assert tables(engine) == before


def test_notice_in_the_future_and_double_cancel_are_refused(practice: Practice, anna) -> None:
    s = practice.book(anna.id, TUE_10)
    with pytest.raises(DomainError, match="notice cannot have been given in the future"):
        practice.cancel(s.id, Reason.CLIENT, notified_at=at(16, 12))
    practice.cancel(s.id, Reason.CLIENT)
    with pytest.raises(DomainError, match=f"session {s.id} is cancelled, not scheduled"):
        practice.cancel(s.id, Reason.CLIENT)
    with pytest.raises(NotFound, match="no session with id 999"):
        practice.cancel(999, Reason.CLIENT)


def test_a_past_session_can_only_be_a_no_show_or_other(practice: Practice, anna, clock) -> None:
    s = practice.book(anna.id, MON_10)
    clock.advance(hours=2, minutes=5)
    for reason in (Reason.CLIENT, Reason.PROFESSIONAL):
        with pytest.raises(DomainError, match="already started"):
            practice.cancel(s.id, reason)
    done = practice.cancel(s.id, Reason.OTHER, note="ended early: fire alarm", notify=False)
    assert done.status is SessionStatus.CANCELLED


# -- the notice to the client --------------------------------------------------------------


def test_cancellation_notice_is_an_rfc5546_cancel(practice: Practice, anna) -> None:
    s = practice.book(anna.id, TUE_10, service="Therapy", location="Room 1")
    practice.edit_session(s.id, location="Room 2")  # SEQUENCE 1
    done = practice.cancel(s.id, Reason.PROFESSIONAL)
    (note,) = practice.list_notifications()
    assert (note.kind, note.status, note.recipient, note.session_id) == (
        NotificationKind.CANCELLATION,
        NotificationStatus.QUEUED,
        "anna@example.com",
        s.id,
    )
    # Issue 11: neither subject, body nor calendar title names the kind of care.
    assert note.subject == "Appointment cancelled: Tue 17 Nov 10:00"
    assert "Dear Anna Smith" in note.body
    assert "has been cancelled" in note.body
    assert "Therapy" not in note.body and "therapy" not in note.body
    cal, event = ical(note.ical)
    assert str(event["SUMMARY"]) == "Appointment"
    assert cal["METHOD"] == "CANCEL"
    assert str(event["UID"]) == s.uid
    assert int(event["SEQUENCE"]) == done.sequence == 2
    assert str(event["STATUS"]) == "CANCELLED"
    assert event.decoded("DTSTART") == s.start
    assert str(event["ATTENDEE"]) == "mailto:anna@example.com"


def test_no_notify_queues_nothing(practice: Practice, anna) -> None:
    s = practice.book(anna.id, TUE_10)
    practice.cancel(s.id, Reason.CLIENT, notify=False)
    assert practice.list_notifications() == []


def test_a_client_without_email_gets_no_notice_queued(practice: Practice) -> None:
    # Issue 11: a failed outbox row for every cancellation of such a client was noise.
    nomail = practice.add_client("No Mail", fee=FEE)
    s = practice.book(nomail.id, TUE_10)
    practice.cancel(s.id, Reason.PROFESSIONAL)
    assert practice.list_notifications() == []


# -- rescheduling --------------------------------------------------------------------------


def test_reschedule_by_client_inside_the_window(practice: Practice, anna) -> None:
    old = practice.book(anna.id, MON_10, service="Therapy", location="Room 1", prepaid=True)
    new = practice.reschedule(old.id, at(18, 11), by=Reason.CLIENT)
    old_after = practice.get_session(old.id)
    c = old_after.cancellation
    assert old_after.status is SessionStatus.CANCELLED
    assert c is not None
    assert (c.reason, c.late, c.charged, c.notice_hours) == (Reason.CLIENT, True, False, 2)
    assert old_after.charges == ()  # the real notice is recorded, but nothing is charged
    assert new.rescheduled_from == old.id
    assert (new.start, new.minutes, new.status) == (at(18, 11), 50, SessionStatus.SCHEDULED)
    assert (new.service, new.location, new.prepaid, new.fee) == ("Therapy", "Room 1", True, FEE)
    assert new.uid != old.uid
    assert [a.action for a in practice.history(old.id)] == ["book", "reschedule"]
    assert [a.action for a in practice.history(new.id)] == ["reschedule_to"]

    cancel_note, confirm_note = practice.list_notifications()
    assert cancel_note.id < confirm_note.id
    assert (cancel_note.kind, cancel_note.session_id) == (NotificationKind.CANCELLATION, old.id)
    assert (confirm_note.kind, confirm_note.session_id) == (NotificationKind.CONFIRMATION, new.id)
    cal, event = ical(cancel_note.ical)
    assert (cal["METHOD"], str(event["UID"]), int(event["SEQUENCE"])) == ("CANCEL", old.uid, 1)
    assert str(event["STATUS"]) == "CANCELLED"
    cal, event = ical(confirm_note.ical)
    assert (cal["METHOD"], str(event["UID"]), int(event["SEQUENCE"])) == ("REQUEST", new.uid, 0)
    assert str(event["STATUS"]) == "CONFIRMED"
    assert event.decoded("DTSTART") == at(18, 11)
    assert cancel_note.subject == "Appointment moved: Mon 16 Nov 10:00"
    assert confirm_note.subject == "Appointment confirmed: Wed 18 Nov 11:00"
    assert "Therapy" not in cancel_note.body + confirm_note.body


def test_reschedule_by_professional(practice: Practice, anna) -> None:
    old = practice.book(anna.id, TUE_10)
    new = practice.reschedule(old.id, at(17, 14), by=Reason.PROFESSIONAL, minutes=60)
    cancelled = practice.get_session(old.id).cancellation
    assert cancelled is not None
    assert cancelled.reason is Reason.PROFESSIONAL
    assert new.minutes == 60


def test_reschedule_into_an_overlap_with_itself_is_no_conflict(practice: Practice, anna) -> None:
    old = practice.book(anna.id, TUE_10)
    new = practice.reschedule(old.id, TUE_10 + timedelta(minutes=30), by=Reason.CLIENT)
    assert new.start == TUE_10 + timedelta(minutes=30)


def test_reschedule_refusals_write_nothing(practice: Practice, engine, anna) -> None:
    old = practice.book(anna.id, TUE_10)
    practice.book(anna.id, at(17, 14))
    before = tables(engine)
    with pytest.raises(ConflictError, match="overlaps Anna Smith's session"):
        practice.reschedule(old.id, at(17, 14, 10), by=Reason.CLIENT)
    with pytest.raises(DomainError, match="by the client or the professional"):
        practice.reschedule(old.id, at(18, 10), by=Reason.NO_SHOW)
    with pytest.raises(DomainError, match="must carry a time zone"):
        practice.reschedule(old.id, datetime(2026, 11, 18, 10), by=Reason.CLIENT)
    assert tables(engine) == before
    forced = practice.reschedule(old.id, at(17, 14, 10), by=Reason.CLIENT, force=True)
    assert forced.rescheduled_from == old.id
    with pytest.raises(DomainError, match="is cancelled, not scheduled"):
        practice.reschedule(old.id, at(18, 10), by=Reason.CLIENT)


def test_a_started_session_cannot_be_rescheduled(practice: Practice, anna, clock) -> None:
    s = practice.book(anna.id, MON_10)
    clock.advance(hours=2, minutes=10)
    with pytest.raises(DomainError, match="already started, so it cannot be rescheduled"):
        practice.reschedule(s.id, at(18, 10), by=Reason.CLIENT)


def test_reschedule_without_notices(practice: Practice, anna) -> None:
    old = practice.book(anna.id, TUE_10)
    practice.reschedule(old.id, at(18, 10), by=Reason.CLIENT, notify=False)
    assert practice.list_notifications() == []


# -- attendance ----------------------------------------------------------------------------


def test_attend_only_after_the_start(practice: Practice, anna, clock) -> None:
    s = practice.book(anna.id, MON_10)
    with pytest.raises(DomainError, match="only after it has started"):
        practice.attend(s.id)
    clock.advance(hours=2)  # exactly the start
    assert practice.attend(s.id).status is SessionStatus.ATTENDED
    with pytest.raises(DomainError, match="is attended, not scheduled"):
        practice.attend(s.id)
    with pytest.raises(DomainError, match="is attended, not scheduled"):
        practice.no_show(s.id)
    assert [a.action for a in practice.history(s.id)] == ["book", "attend"]


def test_no_show_with_a_charge(practice: Practice, anna, clock) -> None:
    s = practice.book(anna.id, MON_10)
    with pytest.raises(DomainError, match="no-show only after it has started"):
        practice.no_show(s.id)
    clock.advance(hours=2, minutes=15)
    done = practice.no_show(s.id, charge=ChargeRequest(method=PaymentMethod.CASH), note="no word")
    assert done.status is SessionStatus.NO_SHOW
    c = done.cancellation
    assert c is not None
    assert (c.reason, c.notice_hours, c.late, c.charged, c.note) == (
        Reason.NO_SHOW,
        0,
        True,
        True,
        "no word",
    )
    (charge,) = done.charges
    assert (charge.kind, charge.amount, charge.method) == (
        ChargeKind.NO_SHOW,
        FEE,
        PaymentMethod.CASH,
    )
    assert practice.list_notifications() == []  # no notice is sent for a no-show
    assert [a.action for a in practice.history(s.id)] == ["book", "no_show"]


def test_no_show_without_a_charge(practice: Practice, anna, clock) -> None:
    s = practice.book(anna.id, MON_10)
    clock.advance(hours=3)
    done = practice.no_show(s.id)
    assert done.charges == ()
    assert done.cancellation is not None
    assert done.cancellation.charged is False


def test_a_forbidden_no_show_charge_writes_nothing(practice: Practice, engine, anna, clock) -> None:
    s = practice.book(anna.id, MON_10)
    clock.advance(hours=3)
    before = tables(engine)
    with pytest.raises(DomainError, match="more than the session fee"):
        practice.no_show(s.id, charge=ChargeRequest(Money(20000, "GBP")))
    assert tables(engine) == before


# -- deleting ------------------------------------------------------------------------------


def test_delete_leaves_a_tombstone_without_client_details(practice: Practice, engine, anna) -> None:
    # Issue 11: only a scheduled session never charged, attended or announced may be deleted
    # (this test deleted a cancelled, charged one before; that is now refused).
    s = practice.book(anna.id, TUE_10, location="Anna's home, 1 High St", service="Anna's therapy")
    practice.delete(s.id)
    with pytest.raises(NotFound):
        practice.get_session(s.id)
    after = tables(engine)
    assert after["sessions"] == []
    tombstone = practice.history(s.id)[-1]
    assert (tombstone.action, tombstone.reason) == ("delete", "booked by mistake")
    assert tombstone.before == {
        "uid": s.uid,
        "start": s.start.isoformat(),
        "status": "scheduled",
    }
    text = json.dumps([list(map(str, row)) for row in after["audit_events"]])
    for detail in ("Anna", "anna@example.com", "High St"):
        assert detail not in text, detail


def test_delete_refuses_a_rescheduled_session_and_keeps_the_link(practice: Practice, anna) -> None:
    # Issue 11: the old session of a reschedule is cancelled, so it stays on record (this
    # test deleted it and checked the link was cleared before).
    old = practice.book(anna.id, TUE_10)
    new = practice.reschedule(old.id, at(18, 10), by=Reason.CLIENT)
    with pytest.raises(DomainError, match="is cancelled"):
        practice.delete(old.id)
    assert practice.get_session(new.id).rescheduled_from == old.id


def test_delete_unknown_session(practice: Practice) -> None:
    with pytest.raises(NotFound, match="no session with id 5"):
        practice.delete(5)


# -- emergencies ---------------------------------------------------------------------------


def test_cancel_range(practice: Practice, anna, ben, clock) -> None:
    practice.add_client("No Mail", fee=FEE)
    earlier_today = practice.book(anna.id, at(16, 7), force=True)  # already over
    prepaid = practice.book(anna.id, at(17, 10), prepaid=True)
    sponsored = practice.book(ben.id, at(17, 14))
    nomail = practice.book("No Mail", at(18, 10))
    cancelled_already = practice.book(anna.id, at(18, 14))
    practice.cancel(cancelled_already.id, Reason.CLIENT, notify=False)
    outside = practice.book(anna.id, at(20, 10))

    done = practice.cancel_range(at(16, 0), at(19, 0), Reason.PROFESSIONAL, note="ill")
    assert [s.id for s in done] == [prepaid.id, sponsored.id, nomail.id]
    for s in done:
        assert s.status is SessionStatus.CANCELLED
        assert s.cancellation is not None
        assert (s.cancellation.reason, s.cancellation.note) == (Reason.PROFESSIONAL, "ill")
    assert [c.kind for c in practice.get_session(prepaid.id).charges] == [ChargeKind.REFUND]
    assert practice.get_session(earlier_today.id).status is SessionStatus.SCHEDULED
    assert practice.get_session(outside.id).status is SessionStatus.SCHEDULED
    assert practice.find_client(ben.id).sponsored_credit == 3  # the held credit came back

    notes = practice.list_notifications()
    assert [(n.session_id, n.kind, n.status) for n in notes] == [
        (prepaid.id, NotificationKind.CANCELLATION, NotificationStatus.QUEUED),
        (sponsored.id, NotificationKind.CANCELLATION, NotificationStatus.QUEUED),
    ]  # nothing is queued for the client without an email (issue 11)
    (block,) = practice.list_time_off()
    assert (block.start, block.end, block.reason) == (at(16, 0), at(19, 0), "ill")
    with pytest.raises(ConflictError, match="falls in time off"):
        practice.book(anna.id, at(18, 11))


def test_cancel_range_refusals(practice: Practice, engine, anna) -> None:
    practice.book(anna.id, TUE_10)
    before = tables(engine)
    with pytest.raises(DomainError, match="the end of the range is before its start"):
        practice.cancel_range(at(19, 0), at(16, 0), Reason.PROFESSIONAL)
    with pytest.raises(DomainError, match="by the professional or 'other'"):
        practice.cancel_range(at(16, 0), at(19, 0), Reason.CLIENT)
    with pytest.raises(DomainError, match="'other' needs a note"):
        practice.cancel_range(at(16, 0), at(19, 0), Reason.OTHER)
    assert tables(engine) == before


def test_preview_range_lists_what_would_be_cancelled(practice: Practice, anna) -> None:
    s = practice.book(anna.id, TUE_10)
    practice.book(anna.id, at(16, 7), force=True)  # past
    assert [p.id for p in practice.preview_range(at(16, 0), at(19, 0))] == [s.id]


# -- sponsored credit ----------------------------------------------------------------------


def credit(practice: Practice, client_id: int) -> int:
    return practice.find_client(client_id).sponsored_credit


def test_credit_is_reserved_then_returned_when_not_charged(practice: Practice, ben) -> None:
    s = practice.book(ben.id, TUE_10)
    assert s.credit_reserved
    assert credit(practice, ben.id) == 2
    practice.cancel(s.id, Reason.CLIENT)  # 26 h: no charge allowed, the credit goes back
    assert credit(practice, ben.id) == 3
    assert practice.get_session(s.id).credit_reserved is False


def test_sponsored_over_24_h_refuses_a_charge_and_keeps_the_credit(
    practice: Practice, engine, ben
) -> None:
    s = practice.book(ben.id, TUE_10)
    before = tables(engine)
    with pytest.raises(DomainError, match="only with under 24 h notice, and 26 h was given"):
        practice.cancel(s.id, Reason.CLIENT, charge=ChargeRequest())
    assert tables(engine) == before


def test_late_sponsored_charge_by_credit_consumes_the_reserved_credit(
    practice: Practice, ben
) -> None:
    s = practice.book(ben.id, MON_10)
    done = practice.cancel(
        s.id, Reason.CLIENT, charge=ChargeRequest(method=PaymentMethod.SPONSORED_CREDIT)
    )
    (charge,) = done.charges
    assert (charge.method, charge.status, charge.amount) == (
        PaymentMethod.SPONSORED_CREDIT,
        ChargeStatus.PAID,
        Money(6000, "GBP"),
    )
    assert credit(practice, ben.id) == 2  # the held credit was spent
    assert done.credit_reserved is False
    # Issue 11: a charged cancellation can no longer be deleted (this deleted it before).
    with pytest.raises(DomainError, match=r"is cancelled with a charge of 60\.00 GBP"):
        practice.delete(s.id)
    assert credit(practice, ben.id) == 2  # a spent credit is not given back twice


def test_late_sponsored_charge_by_card_returns_the_credit(practice: Practice, ben) -> None:
    s = practice.book(ben.id, MON_10)
    practice.cancel(s.id, Reason.CLIENT, charge=ChargeRequest(method=PaymentMethod.CARD))
    assert credit(practice, ben.id) == 3


def test_attending_spends_the_credit(practice: Practice, ben, clock) -> None:
    s = practice.book(ben.id, MON_10)
    clock.advance(hours=3)
    assert practice.attend(s.id).credit_reserved is False
    assert credit(practice, ben.id) == 2


def test_professional_cancel_returns_the_credit(practice: Practice, ben) -> None:
    s = practice.book(ben.id, MON_10)
    practice.cancel(s.id, Reason.PROFESSIONAL)
    assert credit(practice, ben.id) == 3


def test_delete_returns_a_held_credit(practice: Practice, ben) -> None:
    s = practice.book(ben.id, TUE_10)
    practice.delete(s.id)
    assert credit(practice, ben.id) == 3


def test_reschedule_moves_the_held_credit(practice: Practice, ben) -> None:
    s = practice.book(ben.id, TUE_10)
    new = practice.reschedule(s.id, at(18, 10), by=Reason.CLIENT)
    assert new.credit_reserved
    assert credit(practice, ben.id) == 2


def test_no_credit_left(practice: Practice, engine) -> None:
    poor = practice.add_client(
        "Cal Poor", programme=Programme.SPONSORED, fee=Money(6000, "GBP"), sponsored_credit=0
    )
    s = practice.book(poor.id, MON_10)
    assert s.credit_reserved is False
    before = tables(engine)
    with pytest.raises(DomainError, match="Cal Poor has no sponsored credit left"):
        practice.cancel(
            s.id, Reason.CLIENT, charge=ChargeRequest(method=PaymentMethod.SPONSORED_CREDIT)
        )
    assert tables(engine) == before
    done = practice.cancel(s.id, Reason.CLIENT, charge=ChargeRequest(method=PaymentMethod.CARD))
    assert done.cancellation is not None
    assert done.cancellation.charged


# -- preview for the dialog ----------------------------------------------------------------


def test_preview_cancel_writes_nothing_and_matches_cancel(practice: Practice, engine, anna) -> None:
    s = practice.book(anna.id, MON_10)
    before = tables(engine)
    d = practice.preview_cancel(s.id, Reason.CLIENT)
    assert tables(engine) == before
    assert (d.late, d.may_charge, d.notice_hours) == (True, True, 2)
    assert d.policy_line == "Late cancellation: 2 h notice, your policy is 24 h."
    assert "penalty may apply" in d.penalty_warning
    done = practice.cancel(s.id, Reason.CLIENT)
    assert done.cancellation is not None
    assert done.cancellation.late is d.late
