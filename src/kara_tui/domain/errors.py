"""The error the practice's rules raise, in a module of its own so that catching it loads
nothing else."""

from __future__ import annotations


class DomainError(ValueError):
    """A request the practice's rules refuse; the message is shown to the user as is."""
