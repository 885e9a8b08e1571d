"""A booking's terms: what booking one session and booking a series both agree with the client
besides whom and when (length, fee, service, place, paid ahead), and the columns a new session
and a new series share."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypedDict, Unpack

from kara_tui.db.rows import ClientRow, ProfessionalRow, SeriesRow, SessionRow
from kara_tui.domain import Money, Professional
from kara_tui.domain import text as lengths
from kara_tui.domain.text import check_text
from kara_tui.policy.sessions import check_fee, check_minutes


class Terms(TypedDict, total=False):
    """The terms as the book calls take them, by keyword; one left out is the practice's
    length, the client's fee, no service or place, not paid ahead."""

    minutes: int | None
    fee: Money | None
    service: str
    location: str
    prepaid: bool


@dataclass(frozen=True, slots=True)
class SessionTerms:
    """Terms settled for one client: every one known, and checked."""

    minutes: int
    fee: Money
    service: str
    location: str
    prepaid: bool

    @classmethod
    def settle(cls, pro: Professional, client: ClientRow, **given: Unpack[Terms]) -> SessionTerms:
        minutes, fee = given.get("minutes"), given.get("fee")
        if minutes is None:
            minutes = pro.default_minutes
        if fee is None:
            fee = Money(client.fee_minor, client.currency)
        check_minutes(minutes)
        check_fee(fee)
        return cls(
            minutes,
            fee,
            check_text(given.get("service", ""), "the service", lengths.LABEL),
            check_text(given.get("location", ""), "the location", lengths.LABEL),
            given.get("prepaid", False),
        )

    def new_row(self, pro: ProfessionalRow, client: ClientRow, now: datetime) -> dict[str, Any]:
        """The columns of a new session or series on these terms: a fresh iCalendar uid at
        SEQUENCE 0, whose it is, and made ``now``."""
        return {
            "uid": f"{uuid.uuid4()}@kara-tui",
            "sequence": 0,
            "professional_id": pro.id,
            "client_id": client.id,
            "client": client,
            "fee_minor": self.fee.minor,
            "currency": self.fee.currency,
            "service": self.service,
            "location": self.location,
            "prepaid": self.prepaid,
            "created_at": now,
            "updated_at": now,
        }


def kept(row: SessionRow | SeriesRow, minutes: int) -> Terms:
    """The terms of a session or series on record, for the session booked in its place or as
    its occurrence."""
    return Terms(
        minutes=minutes,
        fee=Money(row.fee_minor, row.currency),
        service=row.service,
        location=row.location,
        prepaid=row.prepaid,
    )
