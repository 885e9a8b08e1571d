"""The rules on deleting a session and undoing its attendance mark, with their reasons."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from kara_tui.domain import (
    Charge,
    ChargeKind,
    ChargeStatus,
    Money,
    PaymentMethod,
    Session,
    SessionStatus,
)
from kara_tui.policy.records import may_delete, may_undo_attendance

START = datetime(2026, 11, 17, 10, 0, tzinfo=UTC)


def session(status: SessionStatus = SessionStatus.SCHEDULED, **kw) -> Session:
    return Session(
        id=36,
        uid="x@kara-tui",
        professional_id=1,
        client_id=1,
        client_name="Anna Smith",
        start=START,
        end=START.replace(hour=11),
        fee=Money(9000, "GBP"),
        status=status,
        **kw,
    )


def charge(minor: int, status: ChargeStatus = ChargeStatus.PENDING) -> Charge:
    return Charge(
        id=1,
        session_id=36,
        client_id=1,
        amount=Money(minor, "GBP"),
        method=PaymentMethod.CARD,
        kind=ChargeKind.LATE_CANCELLATION,
        status=status,
        created_at=START,
    )


def test_a_plain_scheduled_session_may_be_deleted_and_the_answer_names_its_state() -> None:
    decision = may_delete(session(), notices_sent=0)
    assert decision.allowed
    assert decision.why == (
        "session 36 is scheduled: never attended, charged or announced to the client"
    )


@pytest.mark.parametrize(
    ("s", "sent", "words", "instead"),
    [
        (session(SessionStatus.ATTENDED), 0, "is marked attended", "unmark"),
        (session(SessionStatus.NO_SHOW, charges=(charge(3500),)), 0, "no-show with a charge of 35.00 GBP", "unmark"),
        (session(SessionStatus.CANCELLED, charges=(charge(3500),)), 0, "cancelled with a charge of 35.00 GBP", ""),
        (session(SessionStatus.CANCELLED), 0, "is cancelled: a cancelled session stays on record", ""),
        (session(charges=(charge(100),)), 0, "has a charge of 1.00 GBP: cancel it instead", "cancel"),
        (session(prepaid=True), 0, "is prepaid: cancel it instead", "cancel"),
        (session(), 1, "was sent a notice about session 36: cancel it instead", "cancel"),
        (session(rescheduled_from=35), 0, "replaced session 35 in a reschedule", "cancel"),
    ],
)  # fmt: skip
def test_anything_on_record_is_refused_with_what_to_do_instead(
    s: Session, sent: int, words: str, instead: str
) -> None:
    decision = may_delete(s, notices_sent=sent)
    assert not decision.allowed
    assert words in decision.why
    assert decision.instead == instead


def test_a_void_charge_does_not_count() -> None:
    decision = may_delete(
        session(SessionStatus.CANCELLED, charges=(charge(3500, ChargeStatus.VOID),)), 0
    )
    assert "with a charge" not in decision.why


def test_undo_applies_to_attended_and_no_show_only() -> None:
    assert may_undo_attendance(session(SessionStatus.ATTENDED)).allowed
    no_show = may_undo_attendance(session(SessionStatus.NO_SHOW, charges=(charge(9000),)))
    assert no_show.allowed
    assert no_show.why == (
        "session 36 goes back from no-show to scheduled; its charge of 90.00 GBP is voided"
    )
    for status in (SessionStatus.SCHEDULED, SessionStatus.CANCELLED):
        refused = may_undo_attendance(session(status))
        assert not refused.allowed
        assert "nothing to undo" in refused.why
