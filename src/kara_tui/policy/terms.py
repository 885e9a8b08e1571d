"""The cancellation terms a client is told at booking and in reminders, from the same window the
cancel dialog uses (``cancellation.window_for``), so the words and the charge never disagree."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from kara_tui.domain import Client, Money, Professional, Programme
from kara_tui.policy.cancellation import window_for


def free_until(client: Client, professional: Professional, start: datetime) -> datetime:
    """The last moment the client may cancel without a charge (real hours before the start)."""
    return start - timedelta(hours=window_for(client, professional).hours)


def _when(at: datetime, tz: ZoneInfo) -> str:
    local = at.astimezone(tz)
    return f"{local:%A} {local.day} {local:%B %H:%M}"


def terms_line(
    client: Client, professional: Professional, start: datetime, fee: Money, tz: ZoneInfo
) -> str:
    """'Free cancellation until Monday 7 December 15:00; later cancellations may be charged
    (up to £90.00).' Sponsored clients are told their programme's rule instead of a fee."""
    until = _when(free_until(client, professional, start), tz)
    if client.programme is Programme.SPONSORED:
        return (
            f"Free cancellation until {until}; a later cancellation may use one session of "
            "your sponsored credit or be charged."
        )
    amount = fee.percent(professional.late_fee_percent)
    if amount.minor <= 0:
        return f"Free cancellation until {until}; later cancellations may be charged."
    return f"Free cancellation until {until}; later cancellations may be charged ({amount})."
