"""Charges and refunds after they are made: listing, marking paid or void, balances; all audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session as DbSession

from kara_tui.db.rows import ChargeRow, ClientRow, SessionRow
from kara_tui.domain import Charge, ChargeStatus, Client, Money, PaymentMethod
from kara_tui.policy import charges as policy
from kara_tui.services import audit
from kara_tui.services.errors import NotFound
from kara_tui.services.practice import MAX_ID

if TYPE_CHECKING:
    from kara_tui.services.practice import Practice


@dataclass(frozen=True, slots=True)
class ChargeLine:
    """A charge with what a list needs to say about it."""

    charge: Charge
    client_name: str
    session_start: datetime | None  # None for a charge without a session


@dataclass(frozen=True, slots=True)
class Outstanding:
    """What one client owes: pending totals per currency, and since when."""

    client: Client
    balance: list[Money]
    oldest: datetime  # the creation time of the oldest pending charge


def _snapshot(row: ChargeRow) -> dict[str, object]:
    return {
        "status": row.status,
        "method": row.method,
        "paid_at": row.paid_at.isoformat() if row.paid_at else None,
        "reference": row.reference,
        "void_reason": row.void_reason,
    }


class Ledger:
    """The practice's charges and refunds; each public method is one unit of work."""

    def __init__(self, practice: Practice) -> None:
        self.practice = practice

    def _row(self, db: DbSession, charge_id: int) -> ChargeRow:
        # Larger than any id (32-bit on PostgreSQL): the driver would overflow, and it names nothing.
        row = db.get(ChargeRow, charge_id) if 0 < charge_id <= MAX_ID else None
        if row is None:
            raise NotFound(f"no charge with id {charge_id}")
        return row

    def lines(
        self,
        *,
        client_id: int | None = None,
        status: ChargeStatus | None = None,
        touching: tuple[datetime, datetime] | None = None,
    ) -> list[ChargeLine]:
        """Charges oldest first, with their client's name and their session's start.

        ``touching`` [start, end): only charges made or paid in it (what a report counts).
        """
        with self.practice.reading() as db:
            stmt = (
                select(ChargeRow, ClientRow.name, SessionRow.start)
                .join(ClientRow, ChargeRow.client_id == ClientRow.id)
                .outerjoin(SessionRow, ChargeRow.session_id == SessionRow.id)
                .order_by(ChargeRow.created_at, ChargeRow.id)
            )
            if client_id is not None:
                stmt = stmt.where(ChargeRow.client_id == client_id)
            if status is not None:
                stmt = stmt.where(ChargeRow.status == status.value)
            if touching is not None:
                lo, hi = touching
                stmt = stmt.where(
                    or_(
                        and_(ChargeRow.created_at >= lo, ChargeRow.created_at < hi),
                        and_(ChargeRow.paid_at >= lo, ChargeRow.paid_at < hi),
                    )
                )
            return [
                ChargeLine(row.to_domain(), name, start) for row, name, start in db.execute(stmt)
            ]

    def get(self, charge_id: int) -> Charge:
        with self.practice.reading() as db:
            return self._row(db, charge_id).to_domain()

    def balance(self, client_id: int) -> list[Money]:
        """Pending charges minus pending refunds, per currency (policy.balance)."""
        return policy.balance(line.charge for line in self.lines(client_id=client_id))

    def outstanding(self) -> list[Outstanding]:
        """Who owes what, the longest-waiting first; clients who owe nothing are left out."""
        pending = self.lines(status=ChargeStatus.PENDING)
        by_client: dict[int, list[Charge]] = {}
        for line in pending:
            by_client.setdefault(line.charge.client_id, []).append(line.charge)
        result = []
        for client_id, charges in by_client.items():
            owed = policy.balance(charges)
            if owed:
                client = self.practice.find_client(client_id)
                result.append(Outstanding(client, owed, min(c.created_at for c in charges)))
        return sorted(result, key=lambda o: (o.oldest, o.client.id))

    def pay(
        self,
        charge_id: int,
        *,
        method: PaymentMethod | None = None,
        at: datetime | None = None,
        reference: str = "",
    ) -> Charge:
        """Mark a pending charge paid (a refund paid out) on ``at`` (default: now)."""
        now = self.practice.clock.now()
        at = at or now
        with self.practice.writing() as db:
            row = self._row(db, charge_id)
            policy.check_payable(row.to_domain(), method, at, now)
            with audit.tracked(db, row, "pay", _snapshot, at=now):
                row.status = ChargeStatus.PAID.value
                row.method = method.value if method else row.method
                row.paid_at = at
                row.reference = " ".join(reference.split())
            db.flush()
            return row.to_domain()

    def void(self, charge_id: int, reason: str) -> Charge:
        """Void a charge with a reason; a paid one too (then it is entered again if need be)."""
        now = self.practice.clock.now()
        with self.practice.writing() as db:
            row = self._row(db, charge_id)
            policy.check_voidable(row.to_domain(), reason)
            with audit.tracked(db, row, "void", _snapshot, at=now, reason=reason.strip()):
                row.status = ChargeStatus.VOID.value
                row.void_reason = reason.strip()
            db.flush()
            return row.to_domain()
