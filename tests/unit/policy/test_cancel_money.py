"""The money of a cancellation as pure rules: default charge, credit moved, refund, status."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from kara_tui.domain import (
    ChargeKind,
    ChargeStatus,
    Client,
    DomainError,
    Money,
    PaymentMethod,
    Professional,
    Programme,
    Reason,
    Session,
)
from kara_tui.domain.model import DEFAULT_LATE_FEE_PERCENT
from kara_tui.policy import cancel_money as money
from kara_tui.policy.cancellation import decide

NOW = datetime(2026, 11, 16, 8, 0, tzinfo=UTC)
START = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
FEE = Money(9000, "GBP")
CARD, CREDIT = PaymentMethod.CARD, PaymentMethod.SPONSORED_CREDIT


def sponsored(credit: int) -> Client:
    return Client(id=2, name="Ben Jones", programme=Programme.SPONSORED, sponsored_credit=credit)


def session(*, reserved: bool = False) -> Session:
    return Session(
        id=1,
        uid="s1@kara-tui",
        professional_id=1,
        client_id=2,
        client_name="Ben Jones",
        start=START,
        end=START + timedelta(minutes=50),
        fee=FEE,
        credit_reserved=reserved,
    )


def test_the_late_fee_is_the_percentage_of_the_fee_by_default_all_of_it() -> None:
    assert Professional(id=1, name="Dr").late_fee_percent == DEFAULT_LATE_FEE_PERCENT == 100
    assert money.late_fee(FEE, DEFAULT_LATE_FEE_PERCENT) == FEE
    assert money.late_fee(FEE, 50) == Money(4500, "GBP")
    assert money.late_fee(Money(9999, "GBP"), 50) == Money(5000, "GBP")  # half up
    assert money.late_fee(FEE, 0) == Money(0, "GBP")


def test_notice_up_to_a_minute_ahead_is_drift_later_is_the_future() -> None:
    money.check_notice_time(NOW + timedelta(minutes=1), NOW)
    with pytest.raises(DomainError, match="notice cannot have been given in the future"):
        money.check_notice_time(NOW + timedelta(minutes=1, seconds=1), NOW)


@pytest.mark.parametrize(
    ("charged_by", "reserved", "change"),
    [
        (None, False, 0),  # nothing held, nothing charged
        (None, True, +1),  # the held credit goes back
        (CARD, True, +1),  # paid directly: the held credit goes back
        (CARD, False, 0),
        (CREDIT, True, 0),  # the held credit pays
        (CREDIT, False, -1),  # none held: one is spent from the balance
    ],
)
def test_credit_held_is_spent_or_returned(
    charged_by: PaymentMethod | None, reserved: bool, change: int
) -> None:
    assert money.credit_change(charged_by, credit_reserved=reserved) == change


def test_a_charge_by_credit_is_paid_at_once_any_other_is_pending() -> None:
    assert money.charge_status(CREDIT) is ChargeStatus.PAID
    assert money.charge_status(CARD) is ChargeStatus.PENDING


def test_a_prepaid_session_refunds_what_the_charges_do_not_keep() -> None:
    assert money.prepaid_refund(FEE, []) == FEE
    kept = [(Money(4500, "GBP"), ChargeKind.LATE_CANCELLATION, ChargeStatus.PAID)]
    assert money.prepaid_refund(FEE, kept) == Money(4500, "GBP")
    assert money.prepaid_refund(FEE, [(FEE, ChargeKind.NO_SHOW, ChargeStatus.PAID)]) is None
    earlier_refund = [(Money(-9000, "GBP"), ChargeKind.REFUND, ChargeStatus.PENDING)]
    assert money.prepaid_refund(FEE, earlier_refund) == FEE  # a refund keeps nothing


def test_a_voided_charge_keeps_none_of_the_prepayment() -> None:
    voided = [(FEE, ChargeKind.NO_SHOW, ChargeStatus.VOID)]
    assert money.prepaid_refund(FEE, voided) == FEE


def test_the_prepayment_pays_pending_charges_only() -> None:
    assert money.paid_by_prepayment(Money(4500, "GBP"), ChargeStatus.PENDING)
    assert not money.paid_by_prepayment(Money(4500, "GBP"), ChargeStatus.PAID)
    assert not money.paid_by_prepayment(Money(-4500, "GBP"), ChargeStatus.PENDING)


def test_paying_by_credit_needs_a_credit_held_or_left() -> None:
    late = NOW  # notice now, START is days away: a client cancellation
    pro = Professional(id=1, name="Dr")
    held = decide(
        session=session(reserved=True),
        client=sponsored(0),
        professional=pro,
        reason=Reason.CLIENT,
        notified_at=START - timedelta(hours=2),
        now=late,
    )
    money.check_charge(held, FEE, CREDIT, client=sponsored(0), session=session(reserved=True))
    with pytest.raises(DomainError, match="Ben Jones has no sponsored credit left"):
        money.check_charge(held, FEE, CREDIT, client=sponsored(0), session=session())


def test_the_credit_line_says_where_the_held_credit_goes() -> None:
    held, none = session(reserved=True), session()
    assert money.credit_line(Client(id=1, name="Anna"), held, CARD, FEE) == ""
    assert money.credit_line(sponsored(3), held, CARD, FEE) == (
        "The sponsored credit reserved at booking goes back to the client."
    )
    pays = money.credit_line(sponsored(3), held, CREDIT, FEE)
    assert pays.startswith("The sponsored credit reserved at booking pays this charge. ")
    assert "the charge is the fee (90.00 GBP)" in pays
    assert money.credit_line(sponsored(3), none, CREDIT, FEE).startswith(
        "This uses one of the client's 3 sponsored credits."
    )
    assert money.credit_line(sponsored(3), none, None, FEE) == ""
