"""What counts as an email address: one rule for a client's, the practice's and the outbox's."""

from __future__ import annotations


def is_email_address(address: str) -> bool:
    """``someone@example.com``: one @, a name before it, a dotted domain after it, no spaces.

    The outbox refuses to send to anything else, so a form must refuse to store it.
    """
    local, at, domain = address.rpartition("@")
    return (
        bool(at and local and "." in domain.strip("."))
        and "@" not in local
        and not any(c.isspace() for c in address)
    )
