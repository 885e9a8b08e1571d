"""What the series tests on the command line share: a client with a holiday, and booking a series."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest


@pytest.fixture
def anna(cli) -> None:
    """Anna Smith (with an email address, £90 a session) and a holiday on Tue 22 Dec 2026."""
    assert (
        cli("clients", "add", "Anna Smith", "--email", "anna@example.com", "--fee", "90").code == 0
    )
    assert (
        cli(
            "timeoff", "add", "--from", "2026-12-22", "--to", "2026-12-22", "--reason", "holiday"
        ).code
        == 0
    )


@pytest.fixture
def add_series(cli) -> Callable[..., Any]:
    """``add_series(client, start, repeat, *more)`` runs ``sessions add --repeat``."""

    def add(client: str, start: str, repeat: str, *more: str) -> Any:
        return cli(
            "sessions", "add", "--client", client, "--start", start, "--repeat", repeat, *more
        )

    return add


@pytest.fixture
def anna_weekly(anna, add_series) -> dict[str, Any]:
    """Anna's weekly series of 12 from Tue 17 Nov 2026 10:00, the holiday skipped: its JSON."""
    r = add_series("Anna", "2026-11-17 10:00", "weekly", "--count", "12", "--skip-conflicts",
                   "--json")  # fmt: skip
    assert r.code == 0, r.err
    return r.json()
