"""Issue 18 end to end in a real terminal (tmux): add a CalDAV target from the app, see its
state, then a cancellation made from the command line reaches the calendar on its own."""

from __future__ import annotations

import json
import time

import pytest

from support.tmux import Terminal, kara, kara_command

pytestmark = [pytest.mark.e2e]


def _wait_for(check, screen, seconds: float = 30) -> None:
    """Wait until ``check()`` holds (the app publishes a few seconds after a change)."""
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, f"the change did not reach the calendar:\n{screen()}"
        time.sleep(0.2)


def test_add_a_target_in_the_app_and_see_changes_published(
    env,
    terminal: Terminal,
    tmp_path,
    radicale_server,
    caldav_url,
) -> None:
    env = {**env, "KARA_DB": f"sqlite:///{tmp_path / 'kara.db'}"}
    kara(env, "clients", "add", "Anna Smith", "--fee", "90")
    for start in ("2026-11-23 10:00", "2026-11-24 10:00"):
        kara(env, "sessions", "add", "--client", "Anna", "--start", start, "--no-notify")
    terminal.env = env
    terminal.start(kara_command())
    terminal.wait("Week 47")
    terminal.keys("F")
    terminal.wait("Targets · your sessions out")
    terminal.keys("t")
    terminal.wait("Publish your sessions to a calendar")
    terminal.keys("Phone", "Tab", caldav_url, "C-s")
    terminal.wait("✓ ok")  # published at once (by the form, or the app's first tick)
    _wait_for(lambda: len(radicale_server.resources(caldav_url)) == 2, screen=terminal.screen)
    assert "Anna" not in radicale_server.stored_text(caldav_url)

    kara(env, "sessions", "cancel", "1", "--reason", "client", "--no-notify")
    _wait_for(lambda: len(radicale_server.resources(caldav_url)) == 1, screen=terminal.screen)
    terminal.keys("Escape", "q")
    (listed,) = json.loads(kara(env, "publish", "list", "--json"))
    assert (listed["name"], listed["published"], listed["last_error"]) == ("Phone", 1, "")
