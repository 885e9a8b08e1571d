"""Errors a service raises for the user to read."""

from __future__ import annotations

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
