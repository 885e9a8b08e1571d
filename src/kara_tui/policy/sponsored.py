"""Sponsored credit: when a booking holds one, when a client has one to spend, and the words
for booking a sponsored client with none left (the session may still be booked, paid directly)."""

from __future__ import annotations

from kara_tui.domain import Client, DomainError, Programme


def holds_credit_at_booking(client: Client) -> bool:
    """A booking holds one session of credit for a sponsored client who has some left."""
    return client.programme is Programme.SPONSORED and client.sponsored_credit > 0


def has_credit_to_spend(client: Client, *, credit_reserved: bool) -> bool:
    """A sponsored client can pay by credit with the one held for the session, or one left."""
    return client.programme is Programme.SPONSORED and (
        credit_reserved or client.sponsored_credit > 0
    )


def check_credit_to_spend(client: Client, *, credit_reserved: bool) -> None:
    """Raise DomainError when a sponsored client would pay by credit with none to give."""
    if client.programme is Programme.SPONSORED and not has_credit_to_spend(
        client, credit_reserved=credit_reserved
    ):
        raise DomainError(f"{client.name} has no sponsored credit left")


def booking_credit_warning(client: Client) -> str:
    """Words for booking ``client`` when no sponsored credit is left, or "" when there is no
    need for them. The booking goes ahead: the session is paid directly."""
    if client.programme is not Programme.SPONSORED or holds_credit_at_booking(client):
        return ""
    return (
        "no sponsored credit left: the session can be booked, but the programme will not "
        "cover it (to be paid directly)"
    )


def check_credit_allowed(name: str, programme: Programme) -> None:
    """Raise DomainError when ``name`` would be given sponsored credit without being a
    sponsored client: a private client's credit would be held, hidden, and never spent."""
    if programme is not Programme.SPONSORED:
        raise DomainError(f"{name} is a private client; sponsored credit is for sponsored clients")


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
