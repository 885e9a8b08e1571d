"""Sponsored credit at booking: a client with none left may still book, paying directly."""

from __future__ import annotations

from kara_tui.domain import Client, Programme


def booking_credit_warning(client: Client) -> str:
    """Words for booking ``client`` when no sponsored credit is left, or "" when there is no
    need for them. The booking goes ahead: the session is paid directly."""
    if client.programme is not Programme.SPONSORED or client.sponsored_credit > 0:
        return ""
    return (
        "no sponsored credit left: the session can be booked, but the programme will not "
        "cover it (to be paid directly)"
    )
