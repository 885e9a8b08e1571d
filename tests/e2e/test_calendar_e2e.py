"""The real kara-tui in a real terminal (tmux): navigate, book through the form, mark attended,
then check the database with `kara-tui sessions list --json`."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from support.tmux import kara_command

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="needs tmux (apt-get install tmux)"),
]

NOW = "2026-11-18T12:30:00+00:00"  # a Wednesday afternoon in London


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
