"""The real kara-tui in a real terminal (tmux): open the demo practice, cancel a session as
"Cancelled by the client" with a card charge and a notice, then check it with the CLI:
`sessions show --json`, `outbox list --json`, and the .eml `outbox send` writes."""

from __future__ import annotations

import email
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
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

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="needs tmux (apt-get install tmux)"),
]

NOW = "2026-11-18T12:30:00+00:00"  # a Wednesday afternoon in London


def kara_command() -> list[str]:
    script = Path(sys.executable).with_name("kara-tui")
    return [str(script)] if script.exists() else [sys.executable, "-m", "kara_tui"]


class Terminal:
    """One tmux server on its own socket, driven the way a person types."""

    def __init__(self, env: dict[str, str]) -> None:
        self.socket = f"kara-e2e-{uuid.uuid4().hex[:8]}"
        self.env = env

    def tmux(self, *args: str) -> str:
        result = subprocess.run(
            ["tmux", "-L", self.socket, *args], capture_output=True, text=True, check=False
        )
        return result.stdout

    def start(self, command: list[str], size: tuple[int, int] = (120, 40)) -> None:
        assignments = [
            f"{k}={shlex.quote(v)}" for k, v in self.env.items() if k.startswith(("KARA_", "XDG_"))
        ]
        # COLUMNS/LINES from the test runner would override the pane's real size in Textual;
        # remain-on-exit keeps the pane (and what it printed) after the program ends.
        line = " ".join(
            ["env", "-u", "COLUMNS", "-u", "LINES", "TERM=xterm-256color", *assignments]
            + [shlex.quote(part) for part in command]
        )
        self.tmux("new-session", "-d", "-s", "kara", "-x", str(size[0]), "-y", str(size[1]), line)
        self.tmux("set-option", "-t", "kara", "remain-on-exit", "on")

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", "kara")

    def wait(self, text: str, seconds: float = 15) -> str:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            shown = self.screen()
            if text in shown:
                return shown
            time.sleep(0.1)
        raise AssertionError(f"{text!r} not on screen after {seconds}s:\n{self.screen()}")

    def wait_cursor_on(self, text: str, seconds: float = 15) -> None:
        """Wait until the terminal cursor is on the line showing ``text``.

        Textual puts the cursor in the focused input, so this is how a test sees that focus
        has arrived there before typing on: a key typed ahead goes to whatever had focus
        when the app read it, as it would for a person typing faster than the app.
        """
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            rows = [i for i, line in enumerate(self.screen().splitlines()) if text in line]
            row = self.tmux("display-message", "-p", "-t", "kara", "#{cursor_y}").strip()
            if rows and row == str(rows[0]):
                return
            time.sleep(0.1)
        raise AssertionError(f"the cursor never reached {text!r}:\n{self.screen()}")

    def wait_focused(self, label: str, seconds: float = 15) -> None:
        """Wait until the toggle labelled ``label`` has focus (Textual draws it in bold)."""
        focused = re.compile(r"\x1b\[1m(?:\x1b\[[0-9;]*m)* ?" + re.escape(label))
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if focused.search(self.tmux("capture-pane", "-e", "-p", "-t", "kara")):
                return
            time.sleep(0.1)
        raise AssertionError(f"{label!r} never had focus:\n{self.screen()}")

    def keys(self, *keys: str) -> None:
        for key in keys:
            self.tmux("send-keys", "-t", "kara", key)
            time.sleep(0.1)

    def exited(self) -> bool:
        return self.tmux("display-message", "-p", "-t", "kara", "#{pane_dead}").strip() == "1"

    def stop(self) -> None:
        self.tmux("kill-server")


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    config = tmp_path / "config.toml"
    config.write_text(f"outbox_dir = {json.dumps(str(tmp_path / 'outbox'))}\n")
    return {
        **os.environ,
        "KARA_NOW": NOW,
        "KARA_CONFIG": str(config),
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
    }


@pytest.fixture
def terminal(env: dict[str, str]) -> Iterator[Terminal]:
    term = Terminal(env)
    yield term
    term.stop()


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


def kara(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [*kara_command(), *args], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return result.stdout


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
