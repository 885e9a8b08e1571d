"""The real kara-tui in a real terminal (tmux): open the demo practice, cancel a session as
"Cancelled by the client" with a card charge and a notice, then check it with the CLI:
`sessions show --json`, `outbox list --json`, and the .eml `outbox send` writes."""

from __future__ import annotations

import email
import json
import shutil
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from icalendar import Calendar

from kara_tui.clock import FixedClock
from kara_tui.db.engine import make_engine
from kara_tui.db.schema import upgrade
from kara_tui.domain import NotificationStatus, Programme, SessionStatus
from kara_tui.services.demo import seed
from kara_tui.services.practice import Practice
from kara_tui.ui import format as fmt
from support.tmux import kara, kara_command

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="needs tmux (apt-get install tmux)"),
]

NOW = "2026-11-18T12:30:00+00:00"  # a Wednesday afternoon in London


@pytest.fixture
def demo_db(tmp_path: Path) -> str:
    """What `kara-tui --demo` opens, but in a file that outlives the program."""
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    engine = make_engine(url)
    try:
        upgrade(engine)
        seed(Practice(engine, FixedClock(datetime.fromisoformat(NOW), "Europe/London")))
    finally:
        engine.dispose()
    return url


def pick_session(db_url: str) -> tuple[int, str, int, str]:
    """A session later today with a private client who has an email address.

    Returns its id, the calendar's selection line for it, how many `j` presses reach it from
    today's first session (where the calendar opens), and the client's address.
    """
    now = datetime.fromisoformat(NOW)
    engine = make_engine(db_url)
    try:
        practice = Practice(engine, FixedClock(now, "Europe/London"))
        tz = practice.tz
        day = now.astimezone(tz).replace(hour=0, minute=0, second=0, microsecond=0)
        today = sorted(
            practice.list_sessions(start=day, end=day + timedelta(days=1)),
            key=lambda s: (s.start, s.id),
        )
        for steps, s in enumerate(today):
            client = practice.find_client(s.client_id)
            if (
                s.start > now
                and s.status is SessionStatus.SCHEDULED
                and client.email
                and client.programme is Programme.PRIVATE
            ):
                return s.id, f"▶ {fmt.session_line(s, tz)} · ● scheduled", steps, client.email
    finally:
        engine.dispose()
    raise AssertionError("the demo has no session left today with a private client")


def test_cancel_by_the_client_with_a_card_charge_and_a_notice(
    env, terminal, demo_db, tmp_path
) -> None:
    session_id, line, steps, address = pick_session(demo_db)

    terminal.start([*kara_command(), "--db", demo_db])
    terminal.wait("Week 47 · 16–22 November 2026")
    terminal.wait("now▸")
    terminal.keys(*["j"] * steps)
    terminal.wait(line)

    terminal.keys("c")
    terminal.wait("Cancel session")
    terminal.wait("Choose a reason (keys 1–4).")
    terminal.keys("2")  # Cancelled by the client
    terminal.wait("Late cancellation:")
    terminal.keys("Tab")  # the notice time: now, as the dialog proposes
    terminal.wait_cursor_on("Notice given at 2026-11-18 12:30")
    terminal.keys("Tab")
    terminal.wait_focused("Charge the client for this session")
    terminal.keys("Space")
    terminal.wait("▐X▌ Charge the client for this session")
    terminal.keys("Tab")  # the amount: the fee, as proposed
    terminal.wait_cursor_on("Amount")
    terminal.keys("Tab")  # the method: a list that shows no cursor, so give focus a moment
    time.sleep(0.5)
    terminal.keys("Enter")
    terminal.wait("Bank transfer")  # the list is open
    terminal.keys("Down", "Enter")
    terminal.wait("Method Cash")
    terminal.keys("Enter")
    terminal.wait("Bank transfer")
    terminal.keys("Up", "Enter")
    terminal.wait("Method Card")
    assert "▐X▌ Notify client" in terminal.screen()
    terminal.keys("C-s")
    terminal.wait("Cancelled by the client: ")
    terminal.wait(line.replace("● scheduled", "⊘ late · by client"))

    terminal.keys("q")
    deadline = time.monotonic() + 15
    while not terminal.exited() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert terminal.exited(), terminal.screen()
    assert "Traceback" not in terminal.screen()

    shown = json.loads(kara(env, "--db", demo_db, "sessions", "show", str(session_id), "--json"))
    assert shown["status"] == "cancelled"
    cancellation = shown["cancellation"]
    assert cancellation["reason"] == "client"
    assert cancellation["charged"] is True
    assert cancellation["late"] is True
    assert cancellation["notified_at"] == NOW
    [charge] = shown["charges"]
    assert (charge["amount"], charge["method"], charge["kind"], charge["status"]) == (
        shown["fee"],
        "card",
        "late_cancellation",
        "pending",
    )

    outbox = json.loads(kara(env, "--db", demo_db, "outbox", "list", "--json"))
    [notice] = [n for n in outbox if n["session_id"] == session_id]
    assert (notice["kind"], notice["status"]) == ("cancellation", "queued")
    assert notice["recipient"] == address

    # No SMTP configured: `outbox send` writes .eml files to the configured outbox folder.
    kara(env, "--db", demo_db, "outbox", "send")
    [eml] = (tmp_path / "outbox").glob(f"{notice['id']}-*.eml")
    message = email.message_from_bytes(eml.read_bytes())
    assert message["To"] == address
    [part] = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    payload = part.get_payload(decode=True)
    assert isinstance(payload, bytes)
    ical = Calendar.from_ical(payload)
    assert ical["METHOD"] == "CANCEL"
    [event] = ical.walk("VEVENT")
    assert str(event["UID"]) == shown["uid"]
    assert str(event["STATUS"]) == "CANCELLED"
    assert int(event["SEQUENCE"]) == shown["sequence"]

    engine = make_engine(demo_db)
    try:
        practice = Practice(engine, FixedClock(datetime.fromisoformat(NOW), "Europe/London"))
        [sent] = [n for n in practice.list_notifications() if n.id == notice["id"]]
        assert sent.status is NotificationStatus.SENT
    finally:
        engine.dispose()
