"""What a client notice says (issue 11): a neutral subject, nothing clinical, the fee or the
refund, and the professional's own line."""

from __future__ import annotations

from datetime import UTC, datetime

from icalendar import Calendar

from kara_tui.domain import Money, PaymentMethod, Programme, Reason
from kara_tui.services.practice import ChargeRequest, Practice

# The conftest clock: Mon 16 Nov 2026 08:00 UTC (London).
TUE_15 = datetime(2026, 11, 17, 15, tzinfo=UTC)
SOON = datetime(2026, 11, 16, 15, tzinfo=UTC)


def _anna(practice: Practice):
    return practice.add_client(
        "Anna Smith", email="anna@example.com", fee=Money(9000, "GBP"), notes="PTSD, EMDR"
    )


def _summary(ical: str) -> str:
    [event] = Calendar.from_ical(ical).walk("VEVENT")
    return str(event["SUMMARY"])


def test_a_cancellation_names_only_the_time_and_says_the_fee(practice: Practice) -> None:
    anna = _anna(practice)
    s = practice.book(anna.id, SOON, service="Trauma therapy", force=True)
    practice.cancel(
        s.id,
        Reason.CLIENT,
        charge=ChargeRequest(Money(4500, "GBP"), PaymentMethod.CARD),
        message="Hope you feel better soon.\x07",
    )
    [note] = practice.list_notifications()
    assert note.subject == "Appointment cancelled: Mon 16 Nov 15:00"
    assert note.body == (
        "Dear Anna Smith,\n\n"
        "Your appointment on Monday 16 November 2026 at 15:00 (Europe/London) has been "
        "cancelled.\n\n"
        "A cancellation fee of 45.00 GBP applies.\n\n"
        "Hope you feel better soon.\n\n"
        "My practice\n"
    )
    assert _summary(note.ical) == "Appointment"
    for clinical in ("Trauma", "therapy", "PTSD", "EMDR"):
        assert clinical not in note.subject + note.body + note.ical


def test_a_prepaid_cancellation_by_the_professional_says_a_refund_is_due(
    practice: Practice,
) -> None:
    anna = _anna(practice)
    s = practice.book(anna.id, TUE_15, prepaid=True, force=True)
    practice.cancel(s.id, Reason.PROFESSIONAL)
    [note] = practice.list_notifications()
    assert "A refund of 90.00 GBP is due to you." in note.body


def test_a_cancellation_without_a_charge_says_no_fee_applies(practice: Practice) -> None:
    anna = _anna(practice)
    s = practice.book(anna.id, TUE_15, force=True)
    practice.cancel(s.id, Reason.CLIENT)
    [note] = practice.list_notifications()
    assert "No fee applies." in note.body


def test_a_sponsored_credit_is_named_as_such_not_as_an_amount(practice: Practice) -> None:
    ben = practice.add_client(
        "Ben Jones",
        email="ben@example.com",
        programme=Programme.SPONSORED,
        fee=Money(6000, "GBP"),
        sponsored_credit=2,
    )
    s = practice.book(ben.id, SOON, force=True)
    practice.cancel(
        s.id, Reason.CLIENT, charge=ChargeRequest(method=PaymentMethod.SPONSORED_CREDIT)
    )
    [note] = practice.list_notifications()
    assert "uses one session of your sponsored credit" in note.body
    assert "fee of" not in note.body


def test_a_reschedule_message_goes_into_the_first_notice(practice: Practice) -> None:
    anna = _anna(practice)
    s = practice.book(anna.id, TUE_15, service="Therapy", force=True)
    practice.reschedule(
        s.id, datetime(2026, 11, 18, 11, tzinfo=UTC), by=Reason.PROFESSIONAL, message="Sorry!"
    )
    moved, confirmed = practice.list_notifications()
    assert moved.subject == "Appointment moved: Tue 17 Nov 15:00"
    assert confirmed.subject == "Appointment confirmed: Wed 18 Nov 11:00"
    assert "Sorry!" in moved.body and "Sorry!" not in confirmed.body
    assert _summary(moved.ical) == _summary(confirmed.ical) == "Appointment"
