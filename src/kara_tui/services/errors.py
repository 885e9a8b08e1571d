"""Errors a service raises for the user to read."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from kara_tui.domain import DomainError
from kara_tui.errors import StorageError as StorageError  # for the UI, which imports no db/
from kara_tui.policy.conflicts import Conflict


class NotFound(DomainError):
    """No such client, session or feed."""


class ConflictError(DomainError):
    """The slot clashes with something; ``force`` books it anyway."""

    def __init__(self, conflicts: list[Conflict]) -> None:
        self.conflicts = conflicts
        reasons = "; ".join(c.message for c in conflicts)
        super().__init__(f"this time {reasons}")


class SeriesConflictError(DomainError):
    """Some occurrences clash with something; nothing was written. ``by_date`` lists them."""

    def __init__(
        self, by_date: list[tuple[datetime, list[Conflict]]], tz: ZoneInfo, total: int = 0
    ) -> None:
        self.by_date = by_date
        self.total = total or len(by_date)  # the sessions checked
        self.lines = [
            f"{start.astimezone(tz):%a %d %b %Y %H:%M}: " + "; ".join(c.message for c in found)
            for start, found in by_date
        ]
        n = len(by_date)
        super().__init__(
            f"{n} session{'s' if n > 1 else ''} of the series clash{'' if n > 1 else 'es'}: "
            + " | ".join(self.lines)
        )
