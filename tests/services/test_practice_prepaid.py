"""Prepaid sessions: the prepayment covers a charge, the rest is refunded, a reschedule carries it."""

from __future__ import annotations

from datetime import UTC, datetime

import icalendar

from kara_tui.domain import ChargeKind, ChargeStatus, Money, PaymentMethod, Reason
from kara_tui.services.practice import ChargeRequest, Practice

TUE_10 = datetime(2026, 11, 17, 10, 0, tzinfo=UTC)  # 26 h after the fixed clock
WED_10 = datetime(2026, 11, 18, 10, 0, tzinfo=UTC)


def _anna(practice: Practice) -> int:
    return practice.add_client("Anna Smith", email="anna@example.com", fee=Money(9000, "GBP")).id


def _money(session) -> list[tuple[str, int, str]]:
    return [(c.kind.value, c.amount.minor, c.status.value) for c in session.charges]


def test_client_cancels_prepaid_without_charge_gets_everything_back(practice: Practice) -> None:
    s = practice.book(_anna(practice), TUE_10, prepaid=True)
    done = practice.cancel(s.id, Reason.CLIENT)
    assert _money(done) == [("refund", -9000, "pending")]


def test_a_late_charge_is_taken_from_the_prepayment_and_the_rest_refunded(
    practice: Practice,
) -> None:
    s = practice.book(_anna(practice), TUE_10, prepaid=True)
    done = practice.cancel(
        s.id,
        Reason.CLIENT,
        charge=ChargeRequest(amount=Money(4500, "GBP"), method=PaymentMethod.CARD),
    )
    # The charge is already paid (by the prepayment); half comes back. 26 h notice is not
    # late under the 24 h policy, so the charge is a (not late) cancellation charge.
    assert _money(done) == [("cancellation", 4500, "paid"), ("refund", -4500, "pending")]


def test_a_full_charge_on_a_prepaid_session_leaves_nothing_to_refund(practice: Practice) -> None:
    s = practice.book(_anna(practice), TUE_10, prepaid=True)
    done = practice.cancel(s.id, Reason.CLIENT, charge=ChargeRequest(method=PaymentMethod.CARD))
    assert _money(done) == [("cancellation", 9000, "paid")]


def test_professional_cancelling_prepaid_refunds_in_full(practice: Practice) -> None:
    s = practice.book(_anna(practice), TUE_10, prepaid=True)
    done = practice.cancel(s.id, Reason.PROFESSIONAL)
    assert [(c.kind, c.amount.minor) for c in done.charges] == [(ChargeKind.REFUND, -9000)]


def test_a_reschedule_carries_the_prepayment_instead_of_refunding_it(practice: Practice) -> None:
    s = practice.book(_anna(practice), TUE_10, prepaid=True)
    new = practice.reschedule(s.id, WED_10, by=Reason.PROFESSIONAL)
    assert new.prepaid is True
    assert practice.get_session(s.id).charges == ()
    assert all(c.status is not ChargeStatus.VOID for c in new.charges)


def test_a_reschedule_notice_says_where_the_session_went(practice: Practice) -> None:
    s = practice.book(_anna(practice), TUE_10)
    new = practice.reschedule(s.id, WED_10, by=Reason.CLIENT)
    cancel_notice, confirm_notice = practice.list_notifications()
    assert cancel_notice.subject.startswith("Appointment moved:")  # no service (issue 11)
    assert "moved to Wednesday 18 November 2026 at 10:00" in cancel_notice.body
    old_event = icalendar.Calendar.from_ical(cancel_notice.ical)
    assert old_event["METHOD"] == "CANCEL"
    assert next(iter(old_event.walk("VEVENT")))["UID"] == s.uid
    new_event = icalendar.Calendar.from_ical(confirm_notice.ical)
    assert new_event["METHOD"] == "REQUEST"
    assert next(iter(new_event.walk("VEVENT")))["UID"] == new.uid


def test_a_voided_no_show_charge_keeps_none_of_the_prepayment(practice: Practice, clock) -> None:
    # Charged as a no-show, the mark undone (the charge voided), then cancelled without a
    # charge: the voided charge keeps nothing, so the whole prepayment comes back.
    s = practice.book(_anna(practice), datetime(2026, 11, 16, 10, 0, tzinfo=UTC), prepaid=True)
    clock.advance(hours=3)
    practice.no_show(s.id, charge=ChargeRequest(method=PaymentMethod.CARD))
    practice.unmark(s.id)
    done = practice.cancel(s.id, Reason.OTHER, note="the practice closed for the day")
    assert _money(done) == [("no_show", 9000, "void"), ("refund", -9000, "pending")]


def test_a_charge_the_prepayment_pays_carries_its_payment_date(practice: Practice) -> None:
    """Paid by the prepayment when the session is cancelled: paid that moment, with the date
    (DESIGN section 9), as a session charge paid by the prepayment already was."""
    s = practice.book(_anna(practice), TUE_10, prepaid=True)
    done = practice.cancel(s.id, Reason.CLIENT, charge=ChargeRequest(method=PaymentMethod.CARD))
    [charge] = done.charges
    assert (charge.status, charge.paid_at) == (ChargeStatus.PAID, practice.clock.now())
