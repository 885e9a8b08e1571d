"""Money as integer minor units plus an ISO 4217 code, never a float."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from kara_tui.domain.errors import MoneyError as MoneyError  # its home: catching it loads no money

# Currencies whose minor unit is not 1/100. Everything else uses two decimals.
_EXPONENT = {
    "JPY": 0,
    "KRW": 0,
    "ISK": 0,
    "CLP": 0,
    "VND": 0,
    "BHD": 3,
    "KWD": 3,
    "OMR": 3,
    "JOD": 3,
}
_CODE = re.compile(r"^[A-Z]{3}$")
# ASCII digits and the two separators people type; anything else is not an amount.
_SHAPE = re.compile(r"^[0-9][0-9.,]*$", re.ASCII)
# Thousands grouped in threes: "1,000,000" or "1.000.000" (the group mark is filled in).
_GROUPED = r"^[0-9]{{1,3}}(?:{sep}[0-9]{{3}})+$"
# The largest amount kept: minor units fit a 32-bit column on every database.
MAX_MINOR = 999_999_999
_HOW = "write it like 90.00"
# The marks people type before or after an amount, and the currencies each may stand for.
# One that names the amount's currency is read past; any other is refused by name.
_MARKS = {
    "£": ("GBP",),
    "€": ("EUR",),
    "$": ("USD", "AUD", "CAD", "NZD", "SGD", "HKD", "MXN"),
    "¥": ("JPY", "CNY"),
    "₹": ("INR",),
    "kr": ("SEK", "NOK", "DKK", "ISK"),
    "fr": ("CHF",),
}
_MARKED = re.compile(
    r"^(?P<pre>[^\d\s.,-]+)?\s*(?P<amount>[0-9][0-9.,]*)\s*(?P<post>[^\d\s.,-]+)?$"
)
# How audit entries written before issue 11 kept a fee: minor units and a code ("8000 GBP").
_LEGACY_AUDIT = re.compile(r"^(-?[0-9]+) ([A-Z]{3})$", re.ASCII)


def exponent(currency: str) -> int:
    return _EXPONENT.get(currency, 2)


def check_currency(code: str) -> str:
    code = code.strip().upper()
    if not _CODE.match(code):
        raise MoneyError(f"'{code}' is not a currency code (three letters, like GBP or EUR)")
    return code


@dataclass(frozen=True, slots=True, order=True)
class Money:
    minor: int
    currency: str

    @classmethod
    def parse(cls, text: str, currency: str) -> Money:
        """Read an amount a person typed in ``currency``; refuse anything not certain.

        A dot is a decimal point. A comma is a decimal comma ("80,50", "3,5") unless it is
        followed by exactly three digits: "1,000" may be a thousand or one, so it is refused
        with a way to type it. Thousands grouped in threes are read only where the grouping
        cannot be a decimal mark: beside the other separator ("1,000.50", "1.000,50") or
        repeated ("1,000,000"). A currency mark of ``currency`` before or after it ("£90", "90 GBP")
        is read past, any other refused; no digit or separator is ever dropped.
        """
        currency = check_currency(currency)
        digits = _plain_digits(_unmarked(text, currency))
        exp = exponent(currency)
        whole, _, fraction = digits.partition(".")
        if len(fraction) > exp:
            typed_thousands = len(fraction) == 3 and digits == text.strip()
            hint = f"; for {whole}{fraction} type it without the point" if typed_thousands else ""
            raise MoneyError(
                f"'{text.strip()}' has more decimals than {currency} allows ({exp}){hint}"
            )
        largest = f"{Decimal(MAX_MINOR).scaleb(-exp):.{exp}f} {currency}"
        if len(whole.lstrip("0")) > len(str(MAX_MINOR)):
            raise MoneyError(f"'{text.strip()}' is too large (at most {largest})")
        minor = int(Decimal(digits).scaleb(exp))
        if minor > MAX_MINOR:
            raise MoneyError(f"'{text.strip()}' is too large (at most {largest})")
        return cls(minor, currency)

    @property
    def decimal(self) -> Decimal:
        return Decimal(self.minor).scaleb(-exponent(self.currency))

    def amount_str(self) -> str:
        """The decimal string used in JSON and CSV: '90.00'."""
        exp = exponent(self.currency)
        return f"{self.decimal:.{exp}f}"

    def percent(self, pct: int) -> Money:
        value = (Decimal(self.minor) * Decimal(pct) / Decimal(100)).quantize(
            Decimal(1), rounding=ROUND_HALF_UP
        )
        return Money(int(value), self.currency)

    def __neg__(self) -> Money:
        return Money(-self.minor, self.currency)

    def __abs__(self) -> Money:
        return Money(abs(self.minor), self.currency)

    def __str__(self) -> str:
        return f"{self.amount_str()} {self.currency}"


def _unmarked(text: str, currency: str) -> str:
    """The amount without a currency mark typed before or after it ("£90", "90 GBP", "€80,50")
    when the mark names ``currency``; text without a mark as it is; MoneyError for a mark of
    another currency ("€60" for a fee in GBP) or one not known."""
    shown = text.strip()
    m = _MARKED.match(shown)
    if m is None or not (m.group("pre") or m.group("post")):
        return text
    mark = m.group("pre") or m.group("post")
    if (m.group("pre") and m.group("post")) or not (
        mark.lower() in _MARKS or _CODE.match(mark.upper())
    ):
        raise MoneyError(f"'{shown}' is not an amount ({_HOW})")
    if mark.upper() == currency or currency in _MARKS.get(mark.lower(), ()):
        return m.group("amount")
    raise MoneyError(
        f"'{shown}' is not an amount in {currency}: type the amount alone (like 90.00); "
        f"the currency is {currency}"
    )


def _plain_digits(text: str) -> str:
    """The amount as digits with at most one decimal point, or MoneyError in words."""
    shown = text.strip()
    if not _SHAPE.match(shown) or shown[-1] in ".,":
        raise MoneyError(f"'{shown}' is not an amount ({_HOW})")
    commas, dots = shown.count(","), shown.count(".")
    if commas and dots:
        decimal_mark = "," if shown.rfind(",") > shown.rfind(".") else "."
        group_mark = "." if decimal_mark == "," else ","
        whole, _, fraction = shown.rpartition(decimal_mark)
        if decimal_mark in whole or not re.match(_GROUPED.format(sep=re.escape(group_mark)), whole):
            raise MoneyError(
                f"'{shown}' is not an amount: group thousands in threes (1,000.50) "
                "or leave them out (1000.50)"
            )
        return f"{whole.replace(group_mark, '')}.{fraction}"
    mark = "," if commas else "."
    count = commas or dots
    if count > 1:
        if not re.match(_GROUPED.format(sep=re.escape(mark)), shown):
            raise MoneyError(f"'{shown}' is not an amount ({_HOW})")
        return shown.replace(mark, "")
    if mark == ",":
        whole, _, fraction = shown.partition(",")
        if len(fraction) == 3:
            raise MoneyError(
                f"'{shown}' is ambiguous (a thousands comma or a decimal one?): type "
                f"{whole}{fraction} without the comma, or decimals after a point (like 90.50)"
            )
        return f"{whole}.{fraction}"
    return shown


def audit_amount(value: object) -> object:
    """A money value of an audit entry as a decimal string plus currency ("80.00 GBP").

    Entries written before issue 11 hold minor units ("8000 GBP"); without a decimal point in
    a currency that has decimals, the number can only be minor units, so it is read as such.
    Anything else is returned as it was.
    """
    if not isinstance(value, str):
        return value
    old = _LEGACY_AUDIT.match(value)
    if old is None or exponent(old[2]) == 0:
        return value
    return str(Money(int(old[1]), old[2]))
