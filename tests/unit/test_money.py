"""Money typed by a person becomes integer minor units, or a sentence saying why not."""

from __future__ import annotations

import pytest

from kara_tui.domain import Money
from kara_tui.domain.money import MoneyError, check_currency


@pytest.mark.parametrize(
    ("text", "currency", "minor"),
    [
        ("90", "GBP", 9000),
        ("90.5", "GBP", 9050),
        ("90.50", "GBP", 9050),
        (" 1,250.00 ", "gbp", 125000),
        ("0", "EUR", 0),
        ("0.01", "EUR", 1),
        ("1500", "JPY", 1500),
        ("1.234", "KWD", 1234),
    ],
)
def test_parse(text: str, currency: str, minor: int) -> None:
    assert Money.parse(text, currency) == Money(minor, currency.upper())


@pytest.mark.parametrize(
    ("text", "currency", "message"),
    [
        ("abc", "GBP", "'abc' is not an amount (write it like 90.00)"),
        ("", "GBP", "is not an amount"),
        ("-5", "GBP", "'-5' is not an amount"),
        ("1e3", "GBP", "is not an amount"),
        ("NaN", "GBP", "is not an amount"),
        ("90.001", "GBP", "'90.001' has more decimals than GBP allows (2)"),
        ("100.5", "JPY", "more decimals than JPY allows (0)"),
        ("90", "pounds", "is not a currency code (three letters, like GBP or EUR)"),
        ("90", "G1P", "is not a currency code"),
    ],
)
def test_parse_refuses_in_words(text: str, currency: str, message: str) -> None:
    with pytest.raises(MoneyError, match=message.replace("(", r"\(").replace(")", r"\)")):
        Money.parse(text, currency)


@pytest.mark.parametrize(
    ("money", "text"),
    [
        (Money(9000, "GBP"), "90.00"),
        (Money(5, "GBP"), "0.05"),
        (Money(0, "EUR"), "0.00"),
        (Money(1500, "JPY"), "1500"),
        (Money(1234, "KWD"), "1.234"),
        (Money(-9000, "GBP"), "-90.00"),  # a refund
    ],
)
def test_amount_str(money: Money, text: str) -> None:
    assert money.amount_str() == text
    assert str(money) == f"{text} {money.currency}"


@pytest.mark.parametrize(
    ("minor", "pct", "expected"),
    [(9000, 50, 4500), (9000, 100, 9000), (9000, 0, 0), (1, 50, 1), (3, 33, 1), (9999, 50, 5000)],
)
def test_percent_rounds_half_up(minor: int, pct: int, expected: int) -> None:
    assert Money(minor, "GBP").percent(pct) == Money(expected, "GBP")


def test_check_currency() -> None:
    assert check_currency(" eur ") == "EUR"
    with pytest.raises(MoneyError):
        check_currency("EURO")


def test_money_is_never_a_float() -> None:
    m = Money.parse("0.10", "GBP")
    assert isinstance(m.minor, int)
    assert Money.parse("0.20", "GBP").minor + m.minor == 30
