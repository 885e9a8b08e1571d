"""Records you can trust (issue 11): delete only what was booked by mistake; undo a mark."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from kara_tui.domain import (
    ChargeStatus,
    DomainError,
    Money,
    PaymentMethod,
    Programme,
    Reason,
    SessionStatus,
)
from kara_tui.services.errors import NotFound
from kara_tui.services.practice import ChargeRequest, Practice
from kara_tui.services.report import build_report

MON_10 = datetime(2026, 11, 16, 10, 0, tzinfo=UTC)  # 2 h after the fixed clock
TUE_10 = datetime(2026, 11, 17, 10, 0, tzinfo=UTC)
FEE = Money(9000, "GBP")


@pytest.fixture
def anna(practice: Practice):
    return practice.add_client("Anna Smith", email="anna@example.com", fee=FEE)


@pytest.fixture
def ben(practice: Practice):
    return practice.add_client(
        "Ben Jones", programme=Programme.SPONSORED, fee=Money(6000, "GBP"), sponsored_credit=3
    )


def credit(practice: Practice, client_id: int) -> int:
    return practice.find_client(client_id).sponsored_credit


def charged(practice: Practice) -> str:
    return build_report(practice, start=date(2026, 11, 1), end=date(2026, 12, 1)).charged.describe()


def test_delete_refuses_attended_and_charged_sessions_and_the_report_keeps_them(
    practice: Practice, anna, clock
) -> None:
    cancelled = practice.book(anna.id, MON_10)
    practice.cancel(cancelled.id, Reason.CLIENT, charge=ChargeRequest(Money(3500, "GBP")))
    attended = practice.book(anna.id, MON_10.replace(hour=12))
    clock.advance(hours=5)
    practice.attend(attended.id)
    before = charged(practice)
    assert before == "35.00 GBP"
    with pytest.raises(DomainError, match=r"is cancelled with a charge of 35\.00 GBP"):
        practice.delete(cancelled.id)
    with pytest.raises(DomainError, match="is marked attended"):
        practice.delete(attended.id)
    assert charged(practice) == before
    assert practice.get_session(cancelled.id).charges[0].amount == Money(3500, "GBP")
    assert practice.get_session(attended.id).status is SessionStatus.ATTENDED


def _queue_confirmation(practice: Practice, session_id: int, status: str) -> None:
    """A confirmation notice about the session, as the outbox keeps one (plain SQL)."""
    with practice.writing() as db:
        db.connection().exec_driver_sql(
            "INSERT INTO notifications (session_id, kind, recipient, subject, body, ical, status,"
            " error, attempts, message_id, created_at) VALUES (?, 'confirmation',"
            " 'anna@example.com', 'Booked', 'Dear Anna', '', ?, '', 0, '',"
            " '2026-11-16 08:00:00.000000')",
            (session_id, status),
        )


def test_delete_refuses_a_session_the_client_was_sent_a_notice_about(
    practice: Practice, anna
) -> None:
    s = practice.book(anna.id, TUE_10)
    _queue_confirmation(practice, s.id, "sent")
    with pytest.raises(DomainError, match="was sent a notice about session"):
        practice.delete(s.id)
    assert practice.get_session(s.id).status is SessionStatus.SCHEDULED


def test_delete_refuses_the_new_session_of_a_reschedule(practice: Practice, anna) -> None:
    old = practice.book(anna.id, TUE_10)
    new = practice.reschedule(old.id, TUE_10.replace(hour=14), by=Reason.CLIENT)
    with pytest.raises(DomainError, match=f"replaced session {old.id} in a reschedule"):
        practice.delete(new.id)
    assert len(practice.list_notifications()) == 2


def test_delete_withdraws_a_notice_not_sent_yet(practice: Practice, anna) -> None:
    keep = practice.book(anna.id, TUE_10.replace(hour=16))
    s = practice.book(anna.id, TUE_10)
    _queue_confirmation(practice, keep.id, "queued")
    _queue_confirmation(practice, s.id, "queued")
    practice.delete(s.id)
    with pytest.raises(NotFound):
        practice.get_session(s.id)
    # Nothing announces a session that never was; other sessions' notices stay.
    assert [n.session_id for n in practice.list_notifications()] == [keep.id]
    assert practice.history(s.id)[-1].before["unsent_notices_withdrawn"] == "1"


def test_deletion_names_the_state(practice: Practice, anna) -> None:
    s = practice.book(anna.id, TUE_10)
    decision = practice.deletion(s.id)
    assert decision.allowed
    assert "is scheduled: never attended, charged or announced" in decision.why


def test_unmark_attended_goes_back_to_scheduled_with_an_audit_entry(
    practice: Practice, anna, clock
) -> None:
    s = practice.book(anna.id, MON_10)
    clock.advance(hours=3)
    practice.attend(s.id)
    back = practice.unmark(s.id)
    assert back.status is SessionStatus.SCHEDULED
    event = practice.history(s.id)[-1]
    assert (event.action, event.reason) == ("unmark", "undo attended")
    assert event.before["status"] == "attended"
    assert event.after["status"] == "scheduled"
    # And it can be marked again, the other way.
    assert practice.no_show(s.id).status is SessionStatus.NO_SHOW


def test_unmark_no_show_voids_its_charge_and_the_report_drops_it(
    practice: Practice, anna, clock
) -> None:
    s = practice.book(anna.id, MON_10)
    clock.advance(hours=3)
    practice.no_show(s.id, charge=ChargeRequest(method=PaymentMethod.CARD))
    assert charged(practice) == "90.00 GBP"
    back = practice.unmark(s.id)
    assert back.status is SessionStatus.SCHEDULED
    assert back.cancellation is None
    assert [c.status for c in back.charges] == [ChargeStatus.VOID]
    assert charged(practice) == "0"
    event = practice.history(s.id)[-1]
    assert event.before["charges"] == ["90.00 GBP (no_show)"]
    assert practice.attend(s.id).status is SessionStatus.ATTENDED


def test_unmark_gives_a_sponsored_credit_back_to_the_session(
    practice: Practice, ben, clock
) -> None:
    attended = practice.book(ben.id, MON_10)
    missed = practice.book(ben.id, MON_10.replace(hour=12))
    assert credit(practice, ben.id) == 1  # two held
    clock.advance(hours=5)
    practice.attend(attended.id)
    practice.no_show(missed.id, charge=ChargeRequest(method=PaymentMethod.SPONSORED_CREDIT))
    assert credit(practice, ben.id) == 1  # both spent
    assert practice.unmark(attended.id).credit_reserved
    again = practice.unmark(missed.id)
    assert again.credit_reserved
    assert [c.status for c in again.charges] == [ChargeStatus.VOID]
    assert credit(practice, ben.id) == 1  # held again, not spent and not given twice
    # Cancelling by the professional now gives both back, as for any held credit.
    practice.clock.advance(hours=-5)
    practice.cancel(attended.id, Reason.PROFESSIONAL)
    practice.cancel(missed.id, Reason.PROFESSIONAL)
    assert credit(practice, ben.id) == 3


def test_unmark_refuses_a_session_with_no_mark(practice: Practice, anna) -> None:
    s = practice.book(anna.id, TUE_10)
    with pytest.raises(DomainError, match="is scheduled, not marked attended or no-show"):
        practice.unmark(s.id)
