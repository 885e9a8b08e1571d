"""Recording the `session` charge of an attended session, when the practice asks for it."""

from __future__ import annotations

from datetime import datetime

from kara_tui.db.rows import ChargeRow, SessionRow
from kara_tui.domain import ChargeKind, Money, Professional
from kara_tui.policy.session_charges import attended_charge
from kara_tui.services import charge_rows


def charge_attended(
    row: SessionRow, professional: Professional, now: datetime, *, credit_spent: bool
) -> ChargeRow | None:
    """Add the charge policy.session_charges decides on to ``row`` (just marked attended).

    Returns the new charge, or None when the practice does not charge sessions (or this one).
    Runs inside the caller's unit of work, so the charge and the mark are written together.
    """
    decided = attended_charge(
        row.to_domain(),
        professional,
        credit_spent=credit_spent,
        charges=[c.to_domain() for c in row.charges],
    )
    if decided is None:
        return None
    charge = charge_rows.made(
        row.client_id,
        decided.amount,
        ChargeKind.SESSION,
        method=decided.method,
        status=decided.status,
        at=now,
    )
    row.charges.append(charge)
    return charge


def describe(charge: ChargeRow) -> str:
    """'90.00 GBP (session, pending)': what the audit and the CLI say was charged."""
    return f"{Money(charge.amount_minor, charge.currency)} (session, {charge.status})"
