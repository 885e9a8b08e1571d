"""Every way out of the real kara-tui in a real terminal (tmux) leaves the shell usable: q,
ctrl+c, a crash, SIGTERM and SIGHUP. A crash says one line, names its 0600 crash log, and
neither the terminal nor the log shows a client's name."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import signal
import sqlite3
import stat
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

NOW = "2026-11-18T12:30:00+00:00"
NAME_PARTS = ("Anna", "Smith", "Ben", "Jones")


def kara_command() -> list[str]:
    script = Path(sys.executable).with_name("kara-tui")
    return [str(script)] if script.exists() else [sys.executable, "-m", "kara_tui"]


class Shell:
    """An interactive bash in a tmux pane, where kara-tui is typed like a person would."""

    def __init__(self, env: dict[str, str]) -> None:
        self.socket = f"kara-graceful-{uuid.uuid4().hex[:8]}"
        self.env = env
        self.marks = 0

    def tmux(self, *args: str) -> str:
        return subprocess.run(
            ["tmux", "-L", self.socket, *args], capture_output=True, text=True, check=False
        ).stdout

    def start(self) -> None:
        self.tmux(
            "new-session",
            "-d",
            "-s",
            "sh",
            "-x",
            "120",
            "-y",
            "40",
            "env -u COLUMNS -u LINES TERM=xterm-256color PS1='READY$ ' bash --norc --noprofile -i",
        )
        self.wait("READY$")

    def screen(self, history: bool = False) -> str:
        # -J joins lines the terminal wrapped, so a long path reads whole
        return self.tmux("capture-pane", "-p", "-t", "sh", *(["-J", "-S", "-"] if history else []))

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
            self.tmux("send-keys", "-t", "sh", key)
            time.sleep(0.1)

    def run(self, line: str) -> None:
        self.tmux("send-keys", "-t", "sh", "-l", line)
        self.tmux("send-keys", "-t", "sh", "Enter")

    def flag(self, name: str) -> str:
        return self.tmux("display-message", "-p", "-t", "sh", f"#{{{name}}}").strip()

    def child_pid(self) -> int:
        shell = self.flag("pane_pid")
        out = subprocess.run(
            ["ps", "-o", "pid=", "--ppid", shell], capture_output=True, text=True, check=False
        ).stdout.split()
        assert out, "kara-tui is not running under the shell"
        return int(out[0])

    def wait_for_prompt(self, seconds: float = 20) -> None:
        """The app has gone: the pane is back on the normal screen, at a fresh prompt."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.flag("alternate_on") == "0" and self.screen().rstrip().endswith("READY$"):
                return
            time.sleep(0.1)
        raise AssertionError(f"no prompt after {seconds}s:\n{self.screen()}")

    def assert_terminal_restored(self) -> None:
        assert self.flag("alternate_on") == "0"  # the alternate screen was left
        assert self.flag("cursor_flag") == "1"  # the cursor shows again
        assert self.flag("mouse_any_flag") == "0"  # mouse reporting is off
        self.marks += 1
        mark = f"MARK{self.marks}"
        # Typed text must echo and lines be read whole: the shell is usable.
        self.run(
            f"stty -a | tr ' ;' '\\n\\n' | grep -x -e echo -e icanon -e -echo -e -icanon; echo {mark}"
        )
        shown = self.wait(f"\n{mark}")
        settings = shown.split(f"echo {mark}", 1)[1].split(mark, 1)[0].split()
        assert settings == ["icanon", "echo"], shown
        assert f"echo {mark}" in shown  # what was typed was echoed

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
def shell(env: dict[str, str]) -> Iterator[Shell]:
    sh = Shell(env)
    sh.start()
    yield sh
    sh.stop()


def kara(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [*kara_command(), *args], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def open_calendar(shell: Shell, env: dict[str, str], *, crash: bool = False) -> None:
    kara(env, "clients", "add", "Anna Smith", "--email", "anna@example.com", "--fee", "90")
    kara(env, "clients", "add", "Ben Jones", "--fee", "70")
    kara(env, "sessions", "add", "--client", "Ben Jones", "--start", "2026-11-18 10:00")
    assigned = {k: v for k, v in env.items() if k.startswith(("KARA_", "XDG_"))}
    if crash:
        assigned["KARA_DEBUG_CRASH"] = "1"
    line = " ".join([*(f"{k}={shlex.quote(v)}" for k, v in assigned.items()), *kara_command()])
    shell.run(line)
    shell.wait("10:00 Ben Jones")
    assert shell.flag("alternate_on") == "1"


def running(pid: int) -> bool:
    """Alive, not merely a zombie that nobody has reaped yet."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return False
    return state != "Z"


def database_is_whole(env: dict[str, str]) -> None:
    with sqlite3.connect(env["KARA_DB"].removeprefix("sqlite:///")) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert db.execute("SELECT count(*) FROM sessions").fetchone() == (1,)


@pytest.mark.parametrize("how", ["q", "C-c"])
def test_quitting_restores_the_terminal(shell: Shell, env: dict[str, str], how: str) -> None:
    open_calendar(shell, env)
    shell.keys(how)
    shell.wait_for_prompt()
    shell.assert_terminal_restored()
    assert "Traceback" not in shell.screen(history=True)
    database_is_whole(env)


@pytest.mark.parametrize("signal_name", ["TERM", "HUP"])
def test_sigterm_and_sighup_end_the_app_cleanly(
    shell: Shell, env: dict[str, str], signal_name: str
) -> None:
    open_calendar(shell, env)
    subprocess.run(["kill", f"-{signal_name}", str(shell.child_pid())], check=True)
    shell.wait_for_prompt()
    shell.run("echo status=$?")
    shown = shell.wait("status=1")
    code = {"TERM": 143, "HUP": 129}[signal_name]
    assert f"status={code}" in shown
    shell.assert_terminal_restored()
    assert "Traceback" not in shell.screen(history=True)
    database_is_whole(env)


def test_a_crash_says_one_line_writes_a_private_log_and_leaks_no_name(
    shell: Shell, env: dict[str, str], tmp_path: Path
) -> None:
    open_calendar(shell, env, crash=True)
    shell.keys("F12")
    shell.wait_for_prompt()
    shell.assert_terminal_restored()
    after = shell.screen(history=True)  # the typed command line holds paths, not names
    assert "kara-tui: something went wrong (RuntimeError); nothing half-written was kept." in after
    assert "Traceback" not in after and "KARA_DEBUG_CRASH with" not in after
    assert not any(part in after for part in NAME_PARTS), after
    found = re.search(r"Details \(without client data\) are in (\S+)", after)
    assert found, after
    log = Path(found.group(1))
    assert log.is_relative_to(tmp_path / "state")
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    text = log.read_text(encoding="utf-8")
    assert "builtins.RuntimeError" in text
    assert not any(part in text for part in NAME_PARTS), text
    database_is_whole(env)


def test_a_dropped_connection_ends_the_app_and_keeps_the_database(
    shell: Shell, env: dict[str, str]
) -> None:
    """The terminal itself goes away (ssh dropped): the app must not hang on a dead tty."""
    open_calendar(shell, env)
    pid = shell.child_pid()
    shell.stop()  # the pane and its tty are gone: SIGHUP, then writes fail
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and running(pid):
        time.sleep(0.1)
    hung = running(pid)
    if hung:
        os.kill(pid, signal.SIGKILL)  # leave no orphan behind a failed test
    assert not hung, "kara-tui kept running without its terminal"
    database_is_whole(env)
