"""The cancellation terms a client is told at booking and in reminders, from the same window the
cancel dialog uses (``cancellation.window_for``), so the words and the charge never disagree."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from kara_tui.domain import Client, Money, Professional, Programme
from kara_tui.domain.timeshow import clock
from kara_tui.policy.cancel_money import late_fee
from kara_tui.policy.cancellation import window_for


def free_until(client: Client, professional: Professional, start: datetime) -> datetime:
    """The last moment the client may cancel without a charge (real hours before the start)."""
    return start - timedelta(hours=window_for(client, professional).hours)


def _when(at: datetime, tz: ZoneInfo) -> str:
    local = at.astimezone(tz)
    return f"{local:%A} {local.day} {local:%B} {clock(local)}"


def terms_line(
    client: Client,
    professional: Professional,
    start: datetime,
    fee: Money,
    tz: ZoneInfo,
    now: datetime | None = None,
) -> str:
    """'Free cancellation until Monday 7 December 15:00; later cancellations may be charged
    (90.00 GBP).' Sponsored clients are told their programme's rule instead of a fee; past
    the deadline (``now``), that a cancellation from now on may be charged."""
    window = window_for(client, professional)
    deadline = free_until(client, professional, start)
    if client.programme is Programme.SPONSORED:
        charge = "may use one session of your sponsored credit or be charged"
    else:
        amount = late_fee(fee, professional.late_fee_percent)
        charge = "may be charged" + (f" ({amount})" if amount.minor > 0 else "")
    if now is not None and deadline <= now:
        return (
            f"This appointment is less than {window.hours} hours away: a cancellation now {charge}."
        )
    later = (
        "a later cancellation" if client.programme is Programme.SPONSORED else "later cancellations"
    )
    return f"Free cancellation until {_when(deadline, tz)}; {later} {charge}."
