"""Stored text cannot drive the terminal: an old database may hold a client name with ESC or
BEL in it (set the window title, clear the screen); every command shows it escaped."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime

import pytest

from kara_tui.domain import Money
from kara_tui.services.practice import Practice

EVIL = "Evil\x1b]0;pwned\x07\x1b[2J\r\u202eName\x7f\x9b"


@pytest.fixture
def old_data(practice: Practice, db_url: str) -> None:
    """Text written before issue 12, straight into the file (the service refuses it now)."""
    client = practice.add_client("Placeholder", email="p@example.com", fee=Money(9000, "GBP"))
    session = practice.book(client.id, datetime(2026, 11, 17, 10, tzinfo=UTC))
    practice.add_time_off(datetime(2026, 12, 1, tzinfo=UTC), datetime(2026, 12, 2, tzinfo=UTC))
    conn = sqlite3.connect(db_url.removeprefix("sqlite:///"))
    with conn:
        conn.execute("UPDATE clients SET name = ?, email = ?", (EVIL, "a@b.c\x1b[31m"))
        conn.execute("UPDATE sessions SET service = ?, location = ?", (EVIL, EVIL))
        conn.execute("UPDATE time_off SET reason = ?", (EVIL,))
    conn.close()
    assert session.id == 1


@pytest.mark.parametrize(
    "args",
    [
        ("clients", "list"),
        ("clients", "show", "1"),
        ("sessions", "list", "--from", "2026-11-16", "--to", "2026-11-23"),
        ("sessions", "list", "--client", "1"),
        ("sessions", "show", "1"),
        ("timeoff", "list"),
    ],
)
def test_stored_control_characters_are_shown_escaped(cli, old_data, args) -> None:
    result = cli(*args)
    assert result.code == 0, result.err
    for raw in ("\x1b", "\x07", "\r", "\u202e", "\x7f", "\x9b"):
        assert raw not in result.out
    assert "Evil\\x1b]0;pwned\\x07\\x1b[2J\\x0d\\u202eName" in result.out


def test_json_output_stays_json_and_holds_the_same_text(cli, old_data) -> None:
    result = cli("clients", "list", "--json")
    assert result.code == 0, result.err
    assert not {"\x1b", "\u202e", "\x7f", "\x9b"} & set(result.out)
    assert json.loads(result.out)[0]["name"] == EVIL  # escaped the JSON way, read back whole


def test_csv_keeps_its_line_endings(cli, old_data) -> None:
    result = cli("report", "--from", "2026-11-01", "--to", "2026-12-01", "--csv")
    assert result.code == 0, result.err
    assert "\r\n" in result.out and "\x1b" not in result.out


def test_an_error_quoting_what_was_typed_is_one_line(cli, old_data) -> None:
    result = cli("clients", "show", "no such\r\nperson")
    assert result.code == 2
    assert result.err.count("\n") == 1 and "\r" not in result.err
