"""The errors the practice's rules and its money raise, in a module of their own so that
catching them loads nothing else (a `feeds sync` catches both and uses neither)."""

from __future__ import annotations


class DomainError(ValueError):
    """A request the practice's rules refuse; the message is shown to the user as is."""


class MoneyError(ValueError):
    """An amount or currency a person typed that cannot be money."""
