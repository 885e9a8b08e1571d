"""What a session's length and fee may be: the checks booking, editing and clients share."""

from __future__ import annotations

from kara_tui.domain import DomainError, Money
from kara_tui.policy.settings import MAX_SESSION_MINUTES


def check_fee(fee: Money) -> None:
    """A fee is nothing or more; never negative."""
    if fee.minor < 0:
        raise DomainError("a fee cannot be negative")


def check_minutes(minutes: int) -> None:
    """A session lasts at least a minute and at most MAX_SESSION_MINUTES."""
    if minutes <= 0:
        raise DomainError("a session must last at least one minute (the end is before the start)")
    if minutes > MAX_SESSION_MINUTES:
        raise DomainError(f"a session cannot last more than {MAX_SESSION_MINUTES // 60} hours")
