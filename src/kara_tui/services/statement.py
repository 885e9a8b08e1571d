"""A client's statement for a period: sessions, charges, payments and the balance, nothing private.

What counts where (local days [start, end) in the practice time zone, the end day not included):
sessions by their start, charges and refunds by the day they were made, payments by the day
they were paid. The balance is what is pending at the end of the period, counting charges
made before it ends and not paid or voided by then as far as the record says (a charge paid
after the period still counts as owed at its end); void charges are left out everywhere.
Notes, cancellation notes and anything clinical never appear.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import TYPE_CHECKING

from kara_tui.domain import Charge, ChargeStatus, Client, DomainError, Money, Professional, Session
from kara_tui.policy import charges as policy
from kara_tui.timeparse import day_start

if TYPE_CHECKING:
    from kara_tui.services.practice import Practice


@dataclass(frozen=True, slots=True)
class Statement:
    practice: Professional
    client: Client
    start: date
    end: date  # not included
    sessions: list[Session]
    charges: list[Charge]  # made in the period, void ones left out
    payments: list[Charge]  # paid in the period (refunds paid out are negative)
    balance: list[Money]  # pending at the end of the period, per currency
    made_at: datetime


def _owed_at(charge: Charge, moment: datetime) -> bool:
    if charge.status is ChargeStatus.VOID or charge.created_at >= moment:
        return False
    paid = policy.paid_on(charge)
    return charge.status is ChargeStatus.PENDING or (paid is not None and paid >= moment)


def build_statement(practice: Practice, client: str | int, start: date, end: date) -> Statement:
    from kara_tui.services.charges import Ledger

    if end <= start:
        raise DomainError("--to must be after --from (the --to day itself is not included)")
    found = practice.find_client(client)
    tz = practice.tz
    lo, hi = day_start(start, tz), day_start(end, tz)
    sessions = [
        s for s in practice.list_sessions(start=lo, end=hi, client_id=found.id) if s.start >= lo
    ]
    every = [line.charge for line in Ledger(practice).lines(client_id=found.id)]
    made = [c for c in every if lo <= c.created_at < hi and c.status is not ChargeStatus.VOID]
    # Paid by its payment date (policy.paid_on: the day it was made for an old record of a
    # charge settled as it was made, which has none).
    paid = [c for c in every if (on := policy.paid_on(c)) is not None and lo <= on < hi]
    paid.sort(key=lambda c: (policy.paid_on(c) or c.created_at, c.id))
    owed = [replace(c, status=ChargeStatus.PENDING) for c in every if _owed_at(c, hi)]
    return Statement(
        practice=practice.professional(),
        client=found,
        start=start,
        end=end,
        sessions=sessions,
        charges=made,
        payments=paid,
        balance=policy.balance(owed),
        made_at=practice.clock.now(),
    )
