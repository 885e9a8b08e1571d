"""Sponsored credit at booking: a client with none left may still book, paying directly."""

from __future__ import annotations

from kara_tui.domain import Client, DomainError, Programme


def booking_credit_warning(client: Client) -> str:
    """Words for booking ``client`` when no sponsored credit is left, or "" when there is no
    need for them. The booking goes ahead: the session is paid directly."""
    if client.programme is not Programme.SPONSORED or client.sponsored_credit > 0:
        return ""
    return (
        "no sponsored credit left: the session can be booked, but the programme will not "
        "cover it (to be paid directly)"
    )


def parse_credit_change(text: str) -> int:
    """'+10' or '-2': sessions of sponsored credit to add or take away (the service checks the
    limits: never below zero, at most MAX_CREDIT); DomainError in one line otherwise."""
    typed = text.strip()
    try:
        sessions = int(typed)
    except ValueError:
        raise DomainError(
            f"a credit change is a whole number of sessions like +10 or -2, not '{typed}'"
        ) from None
    if sessions == 0:
        raise DomainError("a credit change of 0 sessions changes nothing")
    return sessions
