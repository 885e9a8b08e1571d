"""The balance rule and which charges may be paid or voided (pure, no database)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from kara_tui.domain import Charge, ChargeKind, ChargeStatus, DomainError, Money, PaymentMethod
from kara_tui.policy.charges import balance, balance_words, check_payable, check_voidable, owes

NOW = datetime(2026, 11, 16, 8, tzinfo=UTC)


def charge(minor: int, currency: str = "GBP", status: ChargeStatus = ChargeStatus.PENDING,
           kind: ChargeKind = ChargeKind.LATE_CANCELLATION,
           method: PaymentMethod | None = PaymentMethod.CARD, **kw: object) -> Charge:  # fmt: skip
    return Charge(1, 1, 1, Money(minor, currency), method, kind, status, NOW, **kw)  # type: ignore[arg-type]


def test_balance_is_pending_charges_minus_pending_refunds_per_currency() -> None:
    charges = [
        charge(9000),
        charge(-4000, kind=ChargeKind.REFUND, method=None),
        charge(5000, "EUR"),
        charge(7000, status=ChargeStatus.PAID),
        charge(1000, status=ChargeStatus.VOID),
        charge(2000, "USD"),
        charge(-2000, "USD", kind=ChargeKind.REFUND),
    ]
    assert balance(charges) == [Money(5000, "EUR"), Money(5000, "GBP")]
    assert balance([]) == []


@pytest.mark.parametrize(
    ("minors", "words", "owing"),
    [
        ([], "nothing pending", False),
        ([(9000, "GBP")], "owes 90.00 GBP", True),
        ([(-8000, "GBP")], "is owed 80.00 GBP", False),  # a refund not yet paid out
        ([(-2050, "EUR"), (9000, "GBP")], "is owed 20.50 EUR, owes 90.00 GBP", True),
        ([(0, "GBP")], "nothing pending", False),
    ],
)
def test_a_balance_says_who_owes_whom(
    minors: list[tuple[int, str]], words: str, owing: bool
) -> None:
    money = [Money(minor, currency) for minor, currency in minors]
    assert (balance_words(money), owes(money)) == (words, owing)


def test_only_a_pending_charge_with_a_method_and_a_past_date_may_be_paid() -> None:
    check_payable(charge(9000), None, NOW, NOW)
    with pytest.raises(DomainError, match="charge 1 is void \\(typo\\); a void charge cannot be"):
        check_payable(charge(9000, status=ChargeStatus.VOID, void_reason="typo"), None, NOW, NOW)
    with pytest.raises(DomainError, match="already paid on 2026-11-16"):
        check_payable(charge(9000, status=ChargeStatus.PAID, paid_at=NOW), None, NOW, NOW)
    with pytest.raises(DomainError, match="say how refund 1 was paid"):
        check_payable(charge(-10, kind=ChargeKind.REFUND, method=None), None, NOW, NOW)
    with pytest.raises(DomainError, match="cannot be dated in the future"):
        check_payable(charge(9000), None, NOW + timedelta(days=1), NOW)


def test_a_void_needs_a_reason_and_happens_once() -> None:
    check_voidable(charge(9000, status=ChargeStatus.PAID), "entered twice")
    with pytest.raises(DomainError, match="say why"):
        check_voidable(charge(9000), " ")
    with pytest.raises(DomainError, match="already void"):
        check_voidable(charge(9000, status=ChargeStatus.VOID), "again")


def test_a_credit_change_is_a_signed_whole_number_of_sessions() -> None:
    from kara_tui.policy.sponsored import parse_credit_change

    assert (parse_credit_change(" +10 "), parse_credit_change("-2")) == (10, -2)
    with pytest.raises(DomainError, match="like \\+10 or -2, not 'ten'"):
        parse_credit_change("ten")
    with pytest.raises(DomainError, match="0 sessions changes nothing"):
        parse_credit_change("+0")
