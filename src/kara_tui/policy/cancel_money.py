"""The money of a cancellation or no-show: the default charge, how a charge is recorded, the
sponsored credit held or returned, and what a prepaid session refunds (DESIGN.md section 2).

``cancellation.decide`` says whether a charge is allowed and why; these say what it moves.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from kara_tui.domain import (
    ChargeKind,
    ChargeStatus,
    Client,
    DomainError,
    Money,
    PaymentMethod,
    Programme,
    Session,
)
from kara_tui.policy.sponsored import check_credit_to_spend

if TYPE_CHECKING:
    from kara_tui.policy.cancellation import ChargeDecision

# Notice "given" up to a minute ahead of the clock is a clock's drift, not the future.
NOTICE_SLACK = timedelta(minutes=1)


def late_fee(fee: Money, late_fee_percent: int) -> Money:
    """What a late cancellation or a no-show costs by default: the practice's late-fee
    percentage (``Professional.late_fee_percent``, DEFAULT_LATE_FEE_PERCENT) of the fee."""
    return fee.percent(late_fee_percent)


def check_notice_time(notified_at: datetime, now: datetime) -> None:
    """Raise DomainError when notice is said to have been given after ``now``."""
    if notified_at > now + NOTICE_SLACK:
        raise DomainError("notice cannot have been given in the future")


def check_charge(
    decision: ChargeDecision,
    amount: Money,
    method: PaymentMethod,
    *,
    client: Client,
    session: Session,
) -> None:
    """Raise DomainError with the policy's words when this charge may not be made: a credit
    to spend first (for a sponsored client paying by credit), then the decision's rules."""
    if method is PaymentMethod.SPONSORED_CREDIT:
        check_credit_to_spend(client, credit_reserved=session.credit_reserved)
    decision.check_charge(amount, method, session.fee)


def charge_status(method: PaymentMethod) -> ChargeStatus:
    """A charge paid by sponsored credit is settled at once; any other is pending."""
    return ChargeStatus.PAID if method is PaymentMethod.SPONSORED_CREDIT else ChargeStatus.PENDING


def credit_change(charged_by: PaymentMethod | None, *, credit_reserved: bool) -> int:
    """Sessions of credit the client gains (+1) or spends (-1) when the session is cancelled
    with a charge by ``charged_by`` (None: no charge). A credit held at booking pays a
    charge by credit, else goes back; without one held, paying by credit spends one."""
    if charged_by is PaymentMethod.SPONSORED_CREDIT:
        return 0 if credit_reserved else -1
    return 1 if credit_reserved else 0


def credit_line(
    client: Client, session: Session, charged_by: PaymentMethod | None, fee: Money
) -> str:
    """What the cancel dialog says about the sponsored credit ("" for a private client)."""
    if client.programme is not Programme.SPONSORED:
        return ""
    by_credit = charged_by is PaymentMethod.SPONSORED_CREDIT
    line = ""
    if session.credit_reserved:
        line = (
            "The sponsored credit reserved at booking pays this charge."
            if by_credit
            else "The sponsored credit reserved at booking goes back to the client."
        )
    elif by_credit:
        line = f"This uses one of the client's {client.sponsored_credit} sponsored credits."
    if by_credit:
        line += " " + credit_note(fee)
    return line


def credit_note(fee: Money) -> str:
    """What the dialog says when a sponsored credit pays (DESIGN.md section 2)."""
    return (
        f"A sponsored credit pays the whole session: the charge is the fee ({fee}); "
        "the late-fee percentage applies only to a direct payment."
    )


def prepaid_refund(
    fee: Money, charges: Iterable[tuple[Money, ChargeKind, ChargeStatus]]
) -> Money | None:
    """What goes back to a client who prepaid ``fee``: whatever the charges made for the
    session keep (refunds and voided charges keep nothing). None when they keep it all."""
    kept = sum(
        amount.minor
        for amount, kind, status in charges
        if kind is not ChargeKind.REFUND and status is not ChargeStatus.VOID
    )
    return Money(fee.minor - kept, fee.currency) if fee.minor - kept > 0 else None


def paid_by_prepayment(amount: Money, status: ChargeStatus) -> bool:
    """A pending charge on a prepaid session is paid by the prepayment."""
    return status is ChargeStatus.PENDING and amount.minor > 0
