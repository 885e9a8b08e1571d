"""Open-ended series are booked ahead only by what books or lists sessions (cli/context.py)."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

import pytest

NOW = datetime(2026, 11, 16, 8, 0, tzinfo=UTC)  # the cli fixture's KARA_NOW


def _sessions(db_url: str) -> int:
    conn = sqlite3.connect(db_url.removeprefix("sqlite:///"))
    try:
        return int(conn.execute("SELECT count(*) FROM sessions").fetchone()[0])
    finally:
        conn.close()


@pytest.fixture
def weeks_later(cli, db_url: str, monkeypatch: pytest.MonkeyPatch) -> int:
    """An open-ended weekly series booked now; the clock then moved ten weeks on."""
    assert cli("clients", "add", "Anna Smith", "--email", "anna@example.com").code == 0
    r = cli(
        "sessions", "add", "--client", "Anna", "--start", "2026-11-17 10:00", "--repeat", "weekly"
    )
    assert r.code == 0, r.err
    booked = _sessions(db_url)
    assert booked > 0
    monkeypatch.setenv("KARA_NOW", (NOW + timedelta(weeks=10)).isoformat())
    return booked


@pytest.mark.parametrize(
    "args",
    [
        ("feeds", "list"),
        ("settings", "show"),
        ("clients", "list"),
        ("outbox", "list"),
        ("charges", "list"),
    ],
)
def test_commands_that_show_no_sessions_leave_series_as_they_are(
    cli, db_url: str, weeks_later: int, args: tuple[str, ...]
) -> None:
    r = cli(*args)
    assert r.code == 0, r.err
    assert _sessions(db_url) == weeks_later


@pytest.mark.parametrize(
    "args",
    [
        ("sessions", "list", "--client", "Anna"),
        ("sessions", "add", "--client", "Anna", "--start", "2026-12-02 15:00"),
        ("clients", "show", "Anna"),
    ],
)
def test_commands_that_list_sessions_book_series_ahead_first(
    cli, db_url: str, weeks_later: int, args: tuple[str, ...]
) -> None:
    r = cli(*args)
    assert r.code == 0, r.err
    assert _sessions(db_url) >= weeks_later + 10
