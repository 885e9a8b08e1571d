"""Issue 12 item 5 in the calendar: text an old database holds (ESC, BEL in a client's email
or phone) reaches the screen without its control characters."""

from __future__ import annotations

import io
import sqlite3
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from rich.console import Console

from kara_tui.domain import Money
from kara_tui.services.practice import Practice
from kara_tui.ui.screens.details import Details, render_details

EVIL = "a@b.c\x1b]0;pwned\x07\x1b[2J"


def test_session_details_show_no_control_characters(practice: Practice, db_url: str) -> None:
    client = practice.add_client("Anna Smith", email="a@b.c", fee=Money(9000, "GBP"))
    session = practice.book(client.id, datetime(2026, 11, 17, 10, tzinfo=UTC), service="Therapy")
    conn = sqlite3.connect(db_url.removeprefix("sqlite:///"))
    with conn:
        conn.execute("UPDATE clients SET email = ?, phone = ?", (EVIL, "07\x1b[31m700"))
    conn.close()
    details = Details(
        practice.get_session(session.id), practice.find_client(client.id), practice.history(1)
    )
    out = io.StringIO()
    Console(file=out, width=120, color_system=None).print(
        render_details(details, ZoneInfo("Europe/London"), privacy=False)
    )
    shown = out.getvalue()
    assert "\x1b" not in shown and "\x07" not in shown
    assert "a@b.c]0;pwned[2J" in shown
