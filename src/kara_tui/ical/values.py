"""Date and time helpers of the parser that load no library (cheap to import)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

ONE_DAY = timedelta(days=1)


def is_date_only(value: Any) -> bool:
    """A date that is not a datetime."""
    return isinstance(value, date) and not isinstance(value, datetime)
