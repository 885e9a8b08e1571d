"""Money as integer minor units plus an ISO 4217 code, never a float."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

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
MAX_MINOR = 2**31 - 1  # the largest amount stored, in minor units (a 32-bit column)
_CODE = re.compile(r"^[A-Z]{3}$")
_AMOUNT = re.compile(r"^\d+(\.\d+)?$")


class MoneyError(ValueError):
    """An amount or currency a person typed that cannot be money."""


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
        """Read '90', '90.5' or '90.50' as an amount in ``currency``; refuse anything else."""
        currency = check_currency(currency)
        cleaned = text.strip().replace(",", "")
        if not _AMOUNT.match(cleaned):
            raise MoneyError(f"'{text}' is not an amount (write it like 90.00)")
        exp = exponent(currency)
        try:
            value = Decimal(cleaned)
        except InvalidOperation as exc:  # pragma: no cover - the regex already guards this
            raise MoneyError(f"'{text}' is not an amount") from exc
        if value.as_tuple().exponent < -exp:  # type: ignore[operator]
            raise MoneyError(f"'{text}' has more decimals than {currency} allows ({exp})")
        minor = int(value.scaleb(exp))
        if minor > MAX_MINOR:  # a typing slip; and ids and amounts are 32-bit on PostgreSQL
            raise MoneyError(
                f"'{text}' is too large (the most kara-tui keeps is {cls(MAX_MINOR, currency)})"
            )
        return cls(minor, currency)

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(0, currency)

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

    def __str__(self) -> str:
        return f"{self.amount_str()} {self.currency}"
