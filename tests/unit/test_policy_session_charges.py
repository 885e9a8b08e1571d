"""Whether marking a session attended charges it for itself (pure, no database)."""

from __future__ import annotations

from datetime import UTC, datetime

from kara_tui.domain import (
    Charge,
    ChargeKind,
    ChargeStatus,
    Money,
    PaymentMethod,
    Professional,
    Session,
)
from kara_tui.policy.session_charges import SessionCharge, attended_charge

START = datetime(2026, 11, 16, 10, tzinfo=UTC)
FEE = Money(9000, "GBP")
ON = Professional(1, "Practice", charge_attended_sessions=True, late_fee_percent=50)


def session(fee: Money = FEE, *, prepaid: bool = False) -> Session:
    return Session(1, "u@kara", 1, 1, "Anna Smith", START, START, fee, prepaid=prepaid)


def charge(kind: ChargeKind, status: ChargeStatus) -> Charge:
    return Charge(1, 1, 1, FEE, None, kind, status, START)


def test_off_by_default_nothing_is_charged() -> None:
    assert Professional(1, "Practice").charge_attended_sessions is False
    assert attended_charge(session(), Professional(1, "Practice"), credit_spent=False) is None


def test_the_whole_fee_is_owed_whatever_the_late_fee_percent() -> None:
    assert attended_charge(session(), ON, credit_spent=False) == SessionCharge(
        FEE, None, ChargeStatus.PENDING, "owed"
    )


def test_a_spent_sponsored_credit_pays_the_whole_session() -> None:
    assert attended_charge(session(), ON, credit_spent=True) == SessionCharge(
        FEE, PaymentMethod.SPONSORED_CREDIT, ChargeStatus.PAID, "paid by a sponsored credit"
    )


def test_a_prepaid_session_is_paid_by_its_prepayment() -> None:
    decided = attended_charge(session(prepaid=True), ON, credit_spent=False)
    assert decided == SessionCharge(FEE, None, ChargeStatus.PAID, "paid by the prepayment")


def test_no_charge_without_a_fee_or_when_one_is_already_live() -> None:
    assert attended_charge(session(Money(0, "GBP")), ON, credit_spent=False) is None
    live = [charge(ChargeKind.SESSION, ChargeStatus.PENDING)]
    assert attended_charge(session(), ON, credit_spent=False, charges=live) is None
    voided = [charge(ChargeKind.SESSION, ChargeStatus.VOID)]
    assert attended_charge(session(), ON, credit_spent=False, charges=voided) is not None
    other = [charge(ChargeKind.NO_SHOW, ChargeStatus.PENDING)]
    assert attended_charge(session(), ON, credit_spent=False, charges=other) is not None
