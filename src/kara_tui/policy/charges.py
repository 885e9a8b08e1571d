"""What a client owes (pending charges minus pending refunds, per currency) and which charge may be settled."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from kara_tui.domain import Charge, ChargeKind, ChargeStatus, DomainError, Money, PaymentMethod


def balance(charges: Iterable[Charge]) -> list[Money]:
    """The pending total per currency (refunds are stored negative), currencies in order.

    A currency whose pending charges and refunds cancel out is left out: nothing is owed in it.
    """
    totals: dict[str, int] = {}
    for c in charges:
        if c.status is ChargeStatus.PENDING:
            totals[c.amount.currency] = totals.get(c.amount.currency, 0) + c.amount.minor
    return [Money(minor, cur) for cur, minor in sorted(totals.items()) if minor != 0]


def balance_words(balance: Iterable[Money]) -> str:
    """A balance as the professional reads it: 'owes 90.00 GBP', 'is owed 20.00 EUR' (a refund
    not yet paid out), both for two currencies, or 'nothing pending'."""
    parts = [
        f"owes {m}" if m.minor > 0 else f"is owed {Money(-m.minor, m.currency)}"
        for m in balance
        if m.minor != 0
    ]
    return ", ".join(parts) or "nothing pending"


def owes(balance: Iterable[Money]) -> bool:
    """Whether the client owes something in some currency (a pending refund is not owing)."""
    return any(m.minor > 0 for m in balance)


def paid_on(charge: Charge) -> datetime | None:
    """When a paid charge was paid: its payment date, or the moment it was made for one settled
    as it was made (by a sponsored credit or a prepayment) and recorded before such charges
    carried their payment date."""
    if charge.status is not ChargeStatus.PAID:
        return None
    return charge.paid_at or charge.created_at


def _what(charge: Charge) -> str:
    return "refund" if charge.kind is ChargeKind.REFUND else "charge"


def check_payable(
    charge: Charge, method: PaymentMethod | None, at: datetime, now: datetime
) -> None:
    """Refuse to mark ``charge`` paid unless it is pending, has a method and is not dated ahead."""
    what = _what(charge)
    if charge.status is ChargeStatus.VOID:
        reason = f" ({charge.void_reason})" if charge.void_reason else ""
        raise DomainError(f"{what} {charge.id} is void{reason}; a void {what} cannot be paid")
    if charge.status is ChargeStatus.PAID:
        when = f" on {charge.paid_at:%Y-%m-%d}" if charge.paid_at else ""
        raise DomainError(f"{what} {charge.id} is already paid{when}")
    if method is None and charge.method is None:
        raise DomainError(f"say how {what} {charge.id} was paid (--method card, cash, ...)")
    if at > now:
        raise DomainError("a payment cannot be dated in the future")


def check_voidable(charge: Charge, reason: str) -> None:
    """A void needs a reason; a paid charge may be voided (then re-entered), a void one not again."""
    if not reason.strip():
        raise DomainError(f"say why {_what(charge)} {charge.id} is void")
    if charge.status is ChargeStatus.VOID:
        raise DomainError(f"{_what(charge)} {charge.id} is already void")
