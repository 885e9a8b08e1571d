"""The real kara-tui in a real terminal (tmux): navigate, book through the form, mark attended,
then check the database with `kara-tui sessions list --json`."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="needs tmux (apt-get install tmux)"),
]

NOW = "2026-11-18T12:30:00+00:00"  # a Wednesday afternoon in London


def kara_command() -> list[str]:
    script = Path(sys.executable).with_name("kara-tui")
    return [str(script)] if script.exists() else [sys.executable, "-m", "kara_tui"]


class Terminal:
    """One tmux session on its own socket, driven the way a person types."""

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
        line = " ".join(
            [
                "env",
                "-u",
                "COLUMNS",
                "-u",
                "LINES",
                "TERM=xterm-256color",
                *assignments,
                *map(shlex.quote, command),
            ]
        )
        # COLUMNS/LINES from the test runner would override the pane's real size in Textual.
        # remain-on-exit keeps the pane (and what it printed) after the program ends.
        self.tmux("new-session", "-d", "-s", "kara", "-x", str(size[0]), "-y", str(size[1]), line)
        self.tmux("set-option", "-t", "kara", "remain-on-exit", "on")

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", "kara")

    def wait(self, text: str, seconds: float = 20) -> str:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            shown = self.screen()
            if text in shown:
                return shown
            time.sleep(0.1)
        raise AssertionError(f"{text!r} not on screen after {seconds}s:\n{self.screen()}")

    def keys(self, *keys: str) -> None:
        for key in keys:
            self.tmux("send-keys", "-t", "kara", key)
            time.sleep(0.1)

    def type(self, text: str) -> None:
        self.tmux("send-keys", "-t", "kara", "-l", text)
        time.sleep(0.2)

    def exited(self) -> bool:
        return self.tmux("display-message", "-p", "-t", "kara", "#{pane_dead}").strip() == "1"

    def stop(self) -> None:
        self.tmux("kill-server")


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "KARA_DB": f"sqlite:///{tmp_path / 'kara.db'}",
        "KARA_NOW": NOW,
        "KARA_CONFIG": str(tmp_path / "config.toml"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
    }


@pytest.fixture
def terminal(env: dict[str, str]) -> Iterator[Terminal]:
    term = Terminal(env)
    yield term
    term.stop()


def kara(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [*kara_command(), *args], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_book_and_mark_attended_in_the_real_calendar(env, terminal) -> None:
    kara(env, "clients", "add", "Anna Smith", "--email", "anna@example.com", "--fee", "90")
    kara(env, "clients", "add", "Ben Jones", "--fee", "70")
    morning = kara(env, "sessions", "add", "--client", "Ben Jones", "--start", "2026-11-18 10:00")
    morning_id = int(morning.strip())

    terminal.start(kara_command())
    terminal.wait("Week 47 · 16–22 November 2026")
    terminal.wait("10:00 Ben Jones")

    # Look around: next week, back, the month, back to the week.
    terminal.keys("]")
    terminal.wait("Week 48")
    terminal.keys("[")
    terminal.wait("Week 47")
    terminal.keys("3")
    terminal.wait("November 2026")
    terminal.keys("2")
    terminal.wait("Week 47")

    # Book Anna at the first free hour this afternoon (13:00) through the form.
    terminal.keys("n")
    terminal.wait("New session")
    terminal.type("Anna Smith")
    terminal.wait("the time is free")
    terminal.keys("Enter")
    terminal.wait("13:00 Anna Smith")

    # Select Ben's morning session (it has started) and mark it attended.
    terminal.keys("k")
    terminal.wait("▶ Wed 18 Nov 2026 10:00–10:50 Ben Jones · ● scheduled")
    terminal.keys("a")
    terminal.wait("Ben Jones · ✓ attended")

    terminal.keys("q")
    deadline = time.monotonic() + 15
    while not terminal.exited() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert terminal.exited(), terminal.screen()
    assert "Traceback" not in terminal.screen()

    sessions = json.loads(kara(env, "sessions", "list", "--json"))
    by_client = {s["client"]: s for s in sessions}
    assert by_client["Ben Jones"]["id"] == morning_id
    assert by_client["Ben Jones"]["status"] == "attended"
    assert by_client["Anna Smith"]["status"] == "scheduled"
    assert by_client["Anna Smith"]["start"] == "2026-11-18T13:00:00+00:00"
    assert by_client["Anna Smith"]["fee"] == "90.00"
