"""Issue 17 part 1: booking invites the client (METHOD:REQUEST with VTIMEZONE), a changed place
updates it (SEQUENCE raised), and invitation then cancellation leave nothing in a calendar."""

from __future__ import annotations

from datetime import UTC, date, datetime

import recurring_ical_events
from icalendar import Calendar

from kara_tui.domain import Money, NotificationKind, Programme, Reason
from kara_tui.services.practice import Practice

# The conftest clock: Mon 16 Nov 2026 08:00 UTC (London).
TUE_15 = datetime(2026, 11, 17, 15, tzinfo=UTC)


def _anna(practice: Practice):
    return practice.add_client(
        "Anna Smith", email="anna@example.com", fee=Money(9000, "GBP"), notes="PTSD, EMDR"
    )


def _event(ical: str):
    cal = Calendar.from_ical(ical)
    [event] = cal.walk("VEVENT")
    return cal, event


def test_booking_with_notify_queues_a_request_with_the_terms(practice: Practice) -> None:
    practice.set_setting("email", "me@practice.example")
    anna = _anna(practice)
    s = practice.book(
        anna.id, TUE_15, service="Trauma therapy", location="Room 2", force=True, notify=True
    )
    [note] = practice.list_notifications()
    assert note.kind is NotificationKind.CONFIRMATION
    assert note.subject == "Appointment confirmed: Tue 17 Nov 15:00"
    assert "Free cancellation until Monday 16 November 15:00" in note.body
    assert "later cancellations may be charged (90.00 GBP)" in note.body
    assert "Room 2" in note.body
    cal, event = _event(note.ical)
    assert str(cal["METHOD"]) == "REQUEST"
    assert str(event["UID"]) == s.uid
    assert int(event["SEQUENCE"]) == 0
    assert event["DTSTART"].params["TZID"] == "Europe/London"
    assert event.decoded("DTSTART") == TUE_15
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Europe/London"]
    assert str(event["LOCATION"]) == "Room 2"
    assert str(event["ORGANIZER"]) == "mailto:me@practice.example"
    assert str(event["ATTENDEE"]) == "mailto:anna@example.com"
    for clinical in ("Trauma", "therapy", "PTSD", "EMDR"):
        assert clinical not in note.subject + note.body + note.ical


def test_booking_without_notify_queues_nothing(practice: Practice) -> None:
    practice.book(_anna(practice).id, TUE_15, force=True, notify=False)
    assert practice.list_notifications() == []


def test_a_client_without_email_gets_nothing_queued(practice: Practice) -> None:
    bo = practice.add_client("Bo", fee=Money(9000, "GBP"))
    practice.book(bo.id, TUE_15, force=True, notify=True)
    assert practice.list_notifications() == []


def test_a_sponsored_client_is_told_the_programme_rule(practice: Practice) -> None:
    ben = practice.add_client(
        "Ben Jones",
        email="ben@example.com",
        programme=Programme.SPONSORED,
        fee=Money(6000, "GBP"),
        sponsored_credit=2,
    )
    practice.book(ben.id, TUE_15, force=True, notify=True)
    [note] = practice.list_notifications()
    assert (
        "Free cancellation until Monday 16 November 15:00; a later cancellation may use one "
        "session of your sponsored credit or be charged." in note.body
    )


def test_a_client_window_sets_the_deadline(practice: Practice) -> None:
    cy = practice.add_client("Cy", email="cy@example.com", fee=Money(9000, "GBP"), window_hours=48)
    practice.book(cy.id, TUE_15.replace(day=19), force=True, notify=True)
    [note] = practice.list_notifications()
    assert "Free cancellation until Tuesday 17 November 15:00" in note.body


def test_moving_the_place_of_a_notified_session_sends_an_update(practice: Practice) -> None:
    s = practice.book(_anna(practice).id, TUE_15, location="Room 2", force=True, notify=True)
    practice.edit_session(s.id, location="https://video.example/abc")
    first, update = practice.list_notifications()
    assert update.kind is NotificationKind.UPDATE
    assert update.subject == "Appointment updated: Tue 17 Nov 15:00"
    cal, event = _event(update.ical)
    assert str(cal["METHOD"]) == "REQUEST"
    assert str(event["UID"]) == s.uid
    assert int(event["SEQUENCE"]) > int(_event(first.ical)[1]["SEQUENCE"])
    assert str(event["LOCATION"]) == "https://video.example/abc"


def test_an_edit_of_an_uninvited_session_or_of_the_fee_sends_nothing(
    practice: Practice,
) -> None:
    anna = _anna(practice)
    quiet = practice.book(anna.id, TUE_15, location="Room 2", force=True)
    practice.edit_session(quiet.id, location="Room 3")
    assert practice.list_notifications() == []
    told = practice.book(anna.id, TUE_15.replace(hour=17), force=True, notify=True)
    practice.edit_session(told.id, fee=Money(8000, "GBP"))
    assert len(practice.list_notifications()) == 1


def _apply(messages: list[str]) -> Calendar:
    """A client's calendar program: REQUEST adds or replaces by UID (higher SEQUENCE wins),
    CANCEL removes."""
    held: dict[str, tuple[int, object]] = {}
    for text in messages:
        cal, event = _event(text)
        uid, seq = str(event["UID"]), int(event.get("SEQUENCE", 0))
        if uid in held and held[uid][0] > seq:
            continue
        if str(cal["METHOD"]) == "CANCEL":
            held.pop(uid, None)
        else:
            held[uid] = (seq, event)
    out = Calendar()
    for _, event in held.values():
        out.add_component(event)
    return out


def test_invitation_then_cancellation_leave_nothing(practice: Practice) -> None:
    s = practice.book(_anna(practice).id, TUE_15, force=True, notify=True)
    practice.cancel(s.id, Reason.CLIENT)
    notes = practice.list_notifications()
    assert [n.kind for n in notes] == [NotificationKind.CONFIRMATION, NotificationKind.CANCELLATION]
    calendar = _apply([n.ical for n in notes])
    assert recurring_ical_events.of(calendar).between(date(2026, 11, 1), date(2026, 12, 1)) == []


def test_invitation_update_and_reschedule_leave_exactly_the_new_session(
    practice: Practice,
) -> None:
    s = practice.book(_anna(practice).id, TUE_15, force=True, notify=True)
    practice.edit_session(s.id, location="Room 9")
    new = practice.reschedule(s.id, TUE_15.replace(day=19), by=Reason.CLIENT, force=True)
    calendar = _apply([n.ical for n in practice.list_notifications()])
    [event] = recurring_ical_events.of(calendar).between(date(2026, 11, 1), date(2026, 12, 1))
    assert str(event["UID"]) == new.uid
    assert event.decoded("DTSTART") == new.start


def test_a_booking_inside_the_window_says_a_cancellation_now_may_be_charged(
    practice: Practice,
) -> None:
    soon = datetime(2026, 11, 16, 15, tzinfo=UTC)  # 7 h after the conftest clock
    practice.book(_anna(practice).id, soon, force=True, notify=True)
    [note] = practice.list_notifications()
    assert (
        "This appointment is less than 24 hours away: a cancellation now may be charged "
        "(90.00 GBP)." in note.body
    )
    assert "Free cancellation until" not in note.body
