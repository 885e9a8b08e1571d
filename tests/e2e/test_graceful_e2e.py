"""Every way out of the real kara-tui in a real terminal (tmux) leaves the shell usable: q,
ctrl+c, a crash, SIGTERM, SIGHUP and SIGINT. A crash says one line, names its 0600 crash log,
and neither the terminal nor the log shows a client's name. When the terminal itself dies,
kara-tui ends within seconds whatever started it (a shell, make, sh -c), without spinning."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import signal
import sqlite3
import stat
import subprocess
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from feedkit import ics, week_of_events
from feedservers import TrickleServer
from support.servers import wait_until
from support.tmux import Shell, kara_command

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="needs tmux (apt-get install tmux)"),
]

NOW = "2026-11-18T12:30:00+00:00"
NAME_PARTS = ("Anna", "Smith", "Ben", "Jones")
REPO = Path(__file__).resolve().parents[2]
GONE_WITHIN = 5.0  # seconds from the terminal's death to no kara-tui process
CPU_AFTER_KILL = 1.0  # seconds of CPU it may use meanwhile (a spinning one uses them all)


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
        "HOME": str(tmp_path / "home"),
        # No keyring service in a test: a feed's address is kept in the database.
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
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


def open_calendar(
    shell: Shell, env: dict[str, str], *, crash: bool = False, start: str | None = None
) -> None:
    """The calendar on a small practice, typed in the shell, or (``start``) as the command of
    a new pane in place of the shell."""
    kara(env, "clients", "add", "Anna Smith", "--email", "anna@example.com", "--fee", "90")
    kara(env, "clients", "add", "Ben Jones", "--fee", "70")
    kara(env, "sessions", "add", "--client", "Ben Jones", "--start", "2026-11-18 10:00")
    if start is not None:
        shell.tmux("kill-session", "-t", "sh")
        shell.tmux(
            "new-session", "-d", "-s", "sh", "-x", "120", "-y", "40", f"TERM=xterm-256color {start}"
        )
        shell.wait("10:00 Ben Jones")
        return
    assigned = {
        k: v
        for k, v in env.items()
        if k.startswith(("KARA_", "XDG_", "PYTHON_KEYRING")) or k == "HOME"
    }
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


@pytest.mark.parametrize("signal_name", ["TERM", "HUP", "INT"])
def test_sigterm_sighup_and_sigint_end_the_app_cleanly(
    shell: Shell, env: dict[str, str], signal_name: str
) -> None:
    open_calendar(shell, env)
    subprocess.run(["kill", f"-{signal_name}", str(shell.child_pid())], check=True)
    shell.wait_for_prompt()
    shell.run("echo status=$?")
    shown = shell.wait("status=1")
    code = {"TERM": 143, "HUP": 129, "INT": 130}[signal_name]
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


# -- the terminal dies, whatever started kara-tui ------------------------------------------


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of the whole process (every thread) so far; None once gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def kara_pid(root: int) -> int | None:
    """The kara-tui process among ``root`` (the pane's process) and its descendants."""
    table = subprocess.run(
        ["ps", "-e", "-o", "pid=,ppid=,args="], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    rows = [line.split(None, 2) for line in table if len(line.split(None, 2)) == 3]
    family, grew = {root}, True
    while grew:
        more = {int(pid) for pid, ppid, _ in rows if int(ppid) in family} - family
        family |= more
        grew = bool(more)
    for pid, _, args in rows:
        program = Path(args.split()[0]).name
        if int(pid) in family and program.startswith("python") and "kara" in args:
            return int(pid)
    return None


def start_line(how: str, env: dict[str, str]) -> str:
    """The pane's command for each way of starting kara-tui that the README shows."""
    assigned = " ".join(
        f"{k}={shlex.quote(v)}"
        for k, v in env.items()
        if k.startswith(("KARA_", "XDG_", "PYTHON_KEYRING")) or k == "HOME"
    )
    prefix = f"env -u COLUMNS -u LINES {assigned}"  # the pane's own size, not the test's
    kara = " ".join(shlex.quote(part) for part in kara_command())
    if how == "direct":
        return f"{prefix} {kara}"
    if how == "sh -c":
        return f"{prefix} sh -c {shlex.quote(kara + '; echo left')}"
    if how == "sh -c, ignoring SIGHUP":  # as nohup, or a service manager, would start it
        script = "trap '' HUP; " + kara + "; echo left"
        return f"{prefix} sh -c {shlex.quote(script)}"
    # `make run` in the repository, on its existing .venv: -o keeps make from reinstalling.
    repo = shlex.quote(str(REPO))
    return f"{prefix} make --no-print-directory -C {repo} -o .venv/.installed run"


@pytest.mark.parametrize("how", ["shell", "direct", "make run", "sh -c", "sh -c, ignoring SIGHUP"])
def test_a_dead_terminal_ends_the_app_whatever_started_it(
    shell: Shell, env: dict[str, str], tmp_path: Path, how: str
) -> None:
    """The terminal dies (the tmux session is killed: ssh dropped, a window closed). Only
    an interactive shell passes SIGHUP on; under make or sh -c kara-tui must notice itself,
    and leave within seconds, without spinning, keeping the database whole."""
    if how == "make run":
        if shutil.which("make") is None:
            pytest.skip("needs make")
        if not (REPO / ".venv" / "bin" / "kara-tui").exists():
            pytest.skip("make run needs the repository's .venv (make run creates it)")
    if how == "shell":
        open_calendar(shell, env)
        pid = shell.child_pid()
    else:
        open_calendar(shell, env, start=start_line(how, env))
        found = kara_pid(int(shell.flag("pane_pid")))
        assert found is not None, "kara-tui is not running in the pane"
        pid = found
    before = cpu_seconds(pid)
    assert before is not None
    shell.tmux("kill-session", "-t", "sh")  # the pane and its terminal are gone
    used = 0.0
    deadline = time.monotonic() + GONE_WITHIN
    while time.monotonic() < deadline:
        now = cpu_seconds(pid)
        if now is None or not running(pid):
            break
        used = now - before
        time.sleep(0.02)
    hung = running(pid)
    if hung:
        os.kill(pid, signal.SIGKILL)  # leave no orphan behind a failed test
    assert not hung, f"kara-tui kept running {GONE_WITHIN:g} s after its terminal died ({how})"
    assert used < CPU_AFTER_KILL, f"kara-tui used {used:.2f} s of CPU after the kill ({how})"
    assert not list((tmp_path / "state").rglob("crash-*.log"))  # the usual shutdown path
    database_is_whole(env)


@pytest.mark.parametrize("signal_name", ["TERM", "INT"])
def test_a_signal_during_a_slow_feed_sync_ends_the_app_at_once(
    shell: Shell, env: dict[str, str], tmp_path: Path, signal_name: str
) -> None:
    """The feed server sends a byte at a time, well inside any read timeout, and the deadline
    is two minutes away: SIGTERM or SIGINT still end the app at once, the way q does."""
    (tmp_path / "config.toml").write_text("fetch_deadline_seconds = 120\n")
    with TrickleServer(
        ics(*week_of_events(3, day=datetime(2026, 11, 18, 14, tzinfo=UTC)))
    ) as server:
        kara(env, "feeds", "add", "Work", server.url("/private-0123456789abcdef/basic.ics"))
        kara(env, "feeds", "sync")
        server.mode = "body"
        open_calendar(shell, env)
        shell.keys("s")
        assert wait_until(lambda: server.requests == 2, 20), "the sync did not start"
        shell.wait("Syncing")
        subprocess.run(["kill", f"-{signal_name}", str(shell.child_pid())], check=True)
        shell.wait_for_prompt(seconds=GONE_WITHIN)
        assert wait_until(lambda: server.closed == 2)  # the connection was closed, not left
    shell.run("echo status=$?")
    shown = shell.wait("status=1")
    assert f"status={ {'TERM': 143, 'INT': 130}[signal_name] }" in shown
    shell.assert_terminal_restored()
    assert "Traceback" not in shell.screen(history=True)
    assert not list((tmp_path / "state").rglob("crash-*.log"))
    database_is_whole(env)
    [feed] = json.loads(kara(env, "feeds", "list", "--json"))
    assert not feed["stale"] and feed["event_count"] == 3  # not blamed for being cut off


def test_without_a_terminal_to_read_keys_from_the_calendar_says_so_and_ends(
    env: dict[str, str],
) -> None:
    """Input that is not a terminal (here /dev/null) would end at once and for ever: Textual
    would read its end in a loop, at 100 % of a core."""
    result = subprocess.run(
        kara_command(),
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr == (
        "kara-tui: the calendar reads its keys from a terminal, and the standard input is not "
        "one (the commands work without one: see kara-tui --help)\n"
    )
