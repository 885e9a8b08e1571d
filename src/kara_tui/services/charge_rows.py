"""A new charge or refund row: the one place a charge is made (cancelling, attendance)."""

from __future__ import annotations

from datetime import datetime

from kara_tui.db.rows import ChargeRow
from kara_tui.domain import ChargeKind, ChargeStatus, Money, PaymentMethod


def made(
    client_id: int,
    amount: Money,
    kind: ChargeKind,
    *,
    method: PaymentMethod | None,
    status: ChargeStatus,
    at: datetime,
) -> ChargeRow:
    """A charge made at ``at`` (a refund: a negative amount). One paid as it is made (by a
    sponsored credit, by the prepayment) is paid at that moment: a paid charge always has its
    payment date (DESIGN.md section 9)."""
    return ChargeRow(
        client_id=client_id,
        amount_minor=amount.minor,
        currency=amount.currency,
        method=method.value if method is not None else None,
        kind=kind.value,
        status=status.value,
        created_at=at,
        paid_at=at if status is ChargeStatus.PAID else None,
    )
