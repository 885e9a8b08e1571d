"""Whether marking a session attended charges it for itself, and how (DESIGN.md section 9).

The professional who wants the ledger complete ("everything owed") turns on the practice
setting ``charge_attended_sessions``; then an attended session is charged once, kind
``session``, for the session's fee:

- a sponsored credit spent on the session pays the whole session, as it does for a late
  cancellation: the charge is the fee, by ``sponsored_credit``, and already paid;
- a prepaid session is paid by its prepayment: the charge is the fee, already paid;
- otherwise the fee is owed: a pending charge, method left for when it is paid.

The late-fee percentage is not applied: it prices a session that was missed, and this one
was held (its fee is what the client agreed to pay for it). A session without a fee is not
charged, nor one that already has a session charge that is not void.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from kara_tui.domain import (
    Charge,
    ChargeKind,
    ChargeStatus,
    Money,
    PaymentMethod,
    Professional,
    Session,
)


@dataclass(frozen=True, slots=True)
class SessionCharge:
    """The charge to record for an attended session, with why it is paid or pending."""

    amount: Money
    method: PaymentMethod | None
    status: ChargeStatus
    why: str


def attended_charge(
    session: Session,
    professional: Professional,
    *,
    credit_spent: bool,
    charges: Iterable[Charge] = (),
) -> SessionCharge | None:
    """The ``session`` charge marking ``session`` attended makes, or None for none.

    ``credit_spent``: attendance spent a sponsored credit held for the session.
    ``charges``: the session's charges so far (a live session charge means none again).
    """
    if not professional.charge_attended_sessions or session.fee.minor <= 0:
        return None
    if any(c.kind is ChargeKind.SESSION and c.status is not ChargeStatus.VOID for c in charges):
        return None
    if credit_spent:
        return SessionCharge(
            session.fee,
            PaymentMethod.SPONSORED_CREDIT,
            ChargeStatus.PAID,
            "paid by a sponsored credit",
        )
    if session.prepaid:
        return SessionCharge(session.fee, None, ChargeStatus.PAID, "paid by the prepayment")
    return SessionCharge(session.fee, None, ChargeStatus.PENDING, "owed")
