"""Whether a client can be sent a notice at all: one reason, said the same way everywhere."""

from __future__ import annotations

from kara_tui.domain import Client

NO_EMAIL = "no email address for this client"


def why_not_notified(client: Client) -> str:
    """Why no notice can go to ``client`` ("" when one can): the dialogs untick and disable
    "Notify client" with these words, and the service queues nothing."""
    return "" if client.email.strip() else NO_EMAIL
