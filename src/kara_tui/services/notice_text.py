"""What a client notice says: neutral subjects, no kind of care, the fee or refund, a personal line.

Client data is health data: a subject, body or calendar title must not tell a reader (a
shared inbox, a lock screen, a family calendar) what kind of care the appointment is. So
the service label, notes and reasons never appear; the subject names only the time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from kara_tui.domain import Money, PaymentMethod
from kara_tui.domain.timeshow import clock

# What the client's calendar shows for the appointment (the iCalendar SUMMARY).
SUMMARY = "Appointment"
# Control characters other than a line break have no place in a plain-text email.
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f]")


@dataclass(frozen=True, slots=True)
class NoticeText:
    subject: str
    body: str


@dataclass(frozen=True, slots=True)
class Charged:
    """A charge or refund as the notice tells it (refunds as positive amounts)."""

    amount: Money
    method: PaymentMethod | None


@dataclass(frozen=True, slots=True)
class Letter:
    """What every notice to a client shares: whom it greets, who signs it, the zone its times
    are told in, and the professional's personal line (kept as typed, cleaned when written)."""

    client_name: str
    professional_name: str
    tz: ZoneInfo
    message: str = ""

    def body(self, *paragraphs: str) -> str:
        """The greeting, the paragraphs (an empty one left out), the personal line, the name."""
        greeting = f"Dear {self.client_name},"
        parts = [greeting, *paragraphs, clean_message(self.message), self.professional_name]
        return "\n\n".join(p for p in parts if p) + "\n"

    def notice(self, subject: str, *paragraphs: str) -> NoticeText:
        """The notice with ``subject`` and this letter's ``body`` of the paragraphs."""
        return NoticeText(subject, self.body(*paragraphs))


def short_when(at: datetime, tz: ZoneInfo) -> str:
    """'Tue 8 Dec 15:00': the time a subject names."""
    local = at.astimezone(tz)
    return f"{local:%a} {local.day} {local:%b} {clock(local)}"


def _long_when(at: datetime, tz: ZoneInfo) -> str:
    local = at.astimezone(tz)
    return f"{local:%A} {local.day} {local:%B %Y} at {clock(local)} ({tz.key})"


def clean_message(message: str) -> str:
    """The professional's personal line: trimmed, control characters removed."""
    return _CONTROL.sub("", message.replace("\r\n", "\n")).strip()


def money_line(charges: list[Charged], refunds: list[Charged]) -> str:
    """Whether a fee applies (and how much) or a refund is due, in one or two sentences."""
    parts = []
    by_credit = [c for c in charges if c.method is PaymentMethod.SPONSORED_CREDIT]
    direct = [c for c in charges if c.method is not PaymentMethod.SPONSORED_CREDIT]
    if by_credit:
        parts.append("This appointment uses one session of your sponsored credit.")
    if direct:
        parts.append(f"A cancellation fee of {_total(direct)} applies.")
    if refunds:
        parts.append(f"A refund of {_total(refunds)} is due to you.")
    return " ".join(parts) or "No fee applies."


def _total(items: list[Charged]) -> str:
    by_currency: dict[str, int] = {}
    for c in items:
        by_currency[c.amount.currency] = by_currency.get(c.amount.currency, 0) + c.amount.minor
    return " and ".join(str(Money(minor, cur)) for cur, minor in sorted(by_currency.items()))


def cancellation(
    letter: Letter, start: datetime, money: str, *, missed: bool = False
) -> NoticeText:
    """A cancellation, or (``missed``) the record of an appointment the client did not come to."""
    tz = letter.tz
    if missed:
        subject = f"Missed appointment: {short_when(start, tz)}"
        what = f"You did not come to your appointment on {_long_when(start, tz)}."
    else:
        subject = f"Appointment cancelled: {short_when(start, tz)}"
        what = f"Your appointment on {_long_when(start, tz)} has been cancelled."
    return letter.notice(subject, what, money)


def moved(letter: Letter, start: datetime, to: datetime) -> NoticeText:
    tz = letter.tz
    return letter.notice(
        f"Appointment moved: {short_when(start, tz)}",
        f"Your appointment on {_long_when(start, tz)} has been moved to "
        f"{_long_when(to, tz)}. A new invitation for that time follows; this message "
        "removes the old one from your calendar.",
    )


def confirmed(
    letter: Letter, start: datetime, location: str, terms: str, *, updated: bool = False
) -> NoticeText:
    """A booking (or, ``updated``, a change to one) with the client's cancellation ``terms``."""
    where = f", at {location}" if location else ""
    verb = "updated" if updated else "confirmed"
    what = "has been updated: it is" if updated else "is booked"
    return letter.notice(
        f"Appointment {verb}: {short_when(start, letter.tz)}",
        f"Your appointment {what} for {_long_when(start, letter.tz)}{where}.",
        terms,
    )
