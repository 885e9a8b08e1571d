"""A sponsored credit pays a whole session; a direct payment follows the late-fee percent."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from kara_tui.domain import ChargeKind, DomainError, Money, PaymentMethod, Programme, Reason
from kara_tui.services.practice import ChargeRequest, Practice

# The conftest clock: Mon 16 Nov 2026 08:00 UTC; this session is 6 h away (late).
SOON = datetime(2026, 11, 16, 14, tzinfo=UTC)
FEE = Money(5500, "GBP")


@pytest.fixture
def ben(practice: Practice):
    practice.set_setting("late_fee_percent", "50")
    return practice.add_client(
        "Ben Jones", programme=Programme.SPONSORED, fee=FEE, sponsored_credit=3
    )


def test_a_late_cancellation_paid_by_credit_is_charged_the_whole_fee(practice, ben) -> None:
    s = practice.book(ben.id, SOON, force=True)
    assert practice.find_client(ben.id).sponsored_credit == 2  # one held for the session
    done = practice.cancel(
        s.id, Reason.CLIENT, charge=ChargeRequest(method=PaymentMethod.SPONSORED_CREDIT)
    )
    [charge] = done.charges
    assert (charge.amount, charge.method, charge.kind) == (
        FEE,
        PaymentMethod.SPONSORED_CREDIT,
        ChargeKind.LATE_CANCELLATION,
    )
    assert practice.find_client(ben.id).sponsored_credit == 2  # the held credit is spent


def test_part_of_the_fee_cannot_be_paid_with_a_whole_credit(practice, ben) -> None:
    s = practice.book(ben.id, SOON, force=True)
    with pytest.raises(DomainError, match="a sponsored credit pays the whole session"):
        practice.cancel(
            s.id,
            Reason.CLIENT,
            charge=ChargeRequest(Money(2750, "GBP"), PaymentMethod.SPONSORED_CREDIT),
        )
    assert practice.get_session(s.id).charges == ()
    assert practice.find_client(ben.id).sponsored_credit == 2


def test_a_direct_payment_by_a_sponsored_client_follows_the_percent(practice, ben) -> None:
    s = practice.book(ben.id, SOON, force=True)
    done = practice.cancel(s.id, Reason.CLIENT, charge=ChargeRequest(method=PaymentMethod.CARD))
    [charge] = done.charges
    assert (charge.amount, charge.method) == (Money(2750, "GBP"), PaymentMethod.CARD)
    assert practice.find_client(ben.id).sponsored_credit == 3  # the held credit goes back


def test_a_charge_paid_by_credit_carries_its_payment_date(practice, ben) -> None:
    """DESIGN section 9: a charge is paid "with the date and method". The demo's credit
    charges were paid with no date: lists showed "paid" without a day."""
    s = practice.book(ben.id, SOON, force=True)
    done = practice.cancel(
        s.id, Reason.CLIENT, charge=ChargeRequest(method=PaymentMethod.SPONSORED_CREDIT)
    )
    [charge] = done.charges
    assert (charge.status.value, charge.paid_at) == ("paid", practice.clock.now())
