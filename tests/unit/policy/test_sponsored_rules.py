"""Sponsored credit and a session's length and fee, each rule in one place."""

from __future__ import annotations

import pytest

from kara_tui.domain import Client, DomainError, Money, Programme
from kara_tui.policy.sessions import check_fee, check_minutes
from kara_tui.policy.settings import MAX_SESSION_MINUTES
from kara_tui.policy.sponsored import (
    booking_credit_warning,
    check_credit_to_spend,
    has_credit_to_spend,
    holds_credit_at_booking,
)


def client(programme: Programme, credit: int) -> Client:
    return Client(id=1, name="Ben Jones", programme=programme, sponsored_credit=credit)


@pytest.mark.parametrize(
    ("programme", "credit", "holds"),
    [
        (Programme.SPONSORED, 1, True),
        (Programme.SPONSORED, 0, False),
        (Programme.PRIVATE, 5, False),  # credit on a private client is not spent
    ],
)
def test_a_booking_holds_a_credit_for_a_sponsored_client_with_some_left(
    programme: Programme, credit: int, holds: bool
) -> None:
    c = client(programme, credit)
    assert holds_credit_at_booking(c) is holds
    assert (booking_credit_warning(c) == "") is (holds or programme is Programme.PRIVATE)


def test_credit_to_spend_is_the_one_held_or_one_left() -> None:
    none_left = client(Programme.SPONSORED, 0)
    assert has_credit_to_spend(none_left, credit_reserved=True)
    assert not has_credit_to_spend(none_left, credit_reserved=False)
    assert not has_credit_to_spend(client(Programme.PRIVATE, 3), credit_reserved=True)
    check_credit_to_spend(none_left, credit_reserved=True)
    with pytest.raises(DomainError, match="Ben Jones has no sponsored credit left"):
        check_credit_to_spend(none_left, credit_reserved=False)


def test_a_fee_is_never_negative() -> None:
    check_fee(Money(0, "GBP"))
    with pytest.raises(DomainError, match="a fee cannot be negative"):
        check_fee(Money(-1, "GBP"))


@pytest.mark.parametrize("minutes", [0, -5])
def test_a_session_lasts_at_least_a_minute(minutes: int) -> None:
    with pytest.raises(DomainError, match="must last at least one minute"):
        check_minutes(minutes)


def test_a_session_lasts_at_most_the_maximum() -> None:
    check_minutes(1)
    check_minutes(MAX_SESSION_MINUTES)
    with pytest.raises(DomainError, match="cannot last more than 12 hours"):
        check_minutes(MAX_SESSION_MINUTES + 1)
