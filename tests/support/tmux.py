"""A real terminal for the e2e tests: tmux on its own socket, driven the way a person types."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
import time
import uuid
from pathlib import Path


def kara_command() -> list[str]:
    """The installed kara-tui beside this Python, else ``python -m kara_tui``."""
    script = Path(sys.executable).with_name("kara-tui")
    return [str(script)] if script.exists() else [sys.executable, "-m", "kara_tui"]


class Tmux:
    """One tmux server on its own socket with one pane, ``target``."""

    target = "kara"
    prefix = "kara-e2e"
    wait_seconds: float = 20

    def __init__(self, env: dict[str, str]) -> None:
        self.socket = f"{self.prefix}-{uuid.uuid4().hex[:8]}"
        self.env = env

    def tmux(self, *args: str) -> str:
        result = subprocess.run(
            ["tmux", "-L", self.socket, *args], capture_output=True, text=True, check=False
        )
        return result.stdout

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", self.target)

    def wait(self, text: str, seconds: float | None = None) -> str:
        seconds = self.wait_seconds if seconds is None else seconds
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            shown = self.screen()
            if text in shown:
                return shown
            time.sleep(0.1)
        raise AssertionError(f"{text!r} not on screen after {seconds}s:\n{self.screen()}")

    def keys(self, *keys: str) -> None:
        for key in keys:
            self.tmux("send-keys", "-t", self.target, key)
            time.sleep(0.1)

    def flag(self, name: str) -> str:
        """A tmux format variable of the pane ('pane_dead', 'cursor_y', ...)."""
        return self.tmux("display-message", "-p", "-t", self.target, f"#{{{name}}}").strip()

    def stop(self) -> None:
        self.tmux("kill-server")


class Terminal(Tmux):
    """kara-tui (or any command) alone in a pane that stays after it ends."""

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
        self.tmux(
            "new-session", "-d", "-s", self.target, "-x", str(size[0]), "-y", str(size[1]), line
        )
        self.tmux("set-option", "-t", self.target, "remain-on-exit", "on")

    def type(self, text: str) -> None:
        self.tmux("send-keys", "-t", self.target, "-l", text)
        time.sleep(0.2)

    def wait_cursor_on(self, text: str, seconds: float = 15) -> None:
        """Wait until the terminal cursor is on the line showing ``text``.

        Textual puts the cursor in the focused input, so this is how a test sees that focus
        has arrived there before typing on: a key typed ahead goes to whatever had focus
        when the app read it, as it would for a person typing faster than the app.
        """
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            rows = [i for i, line in enumerate(self.screen().splitlines()) if text in line]
            if rows and self.flag("cursor_y") == str(rows[0]):
                return
            time.sleep(0.1)
        raise AssertionError(f"the cursor never reached {text!r}:\n{self.screen()}")

    def wait_focused(self, label: str, seconds: float = 15) -> None:
        """Wait until the toggle labelled ``label`` has focus (Textual draws it in bold)."""
        focused = re.compile(r"\x1b\[1m(?:\x1b\[[0-9;]*m)* ?" + re.escape(label))
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if focused.search(self.tmux("capture-pane", "-e", "-p", "-t", self.target)):
                return
            time.sleep(0.1)
        raise AssertionError(f"{label!r} never had focus:\n{self.screen()}")

    def exited(self) -> bool:
        return self.flag("pane_dead") == "1"


class Shell(Tmux):
    """An interactive bash in a tmux pane, where kara-tui is typed like a person would."""

    target = "sh"
    prefix = "kara-graceful"

    def __init__(self, env: dict[str, str]) -> None:
        super().__init__(env)
        self.marks = 0

    def start(self) -> None:
        self.tmux(
            "new-session",
            "-d",
            "-s",
            self.target,
            "-x",
            "120",
            "-y",
            "40",
            "env -u COLUMNS -u LINES TERM=xterm-256color PS1='READY$ ' bash --norc --noprofile -i",
        )
        self.wait("READY$")

    def screen(self, history: bool = False) -> str:
        # -J joins lines the terminal wrapped, so a long path reads whole
        return self.tmux(
            "capture-pane", "-p", "-t", self.target, *(["-J", "-S", "-"] if history else [])
        )

    def run(self, line: str) -> None:
        self.tmux("send-keys", "-t", self.target, "-l", line)
        self.tmux("send-keys", "-t", self.target, "Enter")

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


def kara(env: dict[str, str], *args: str) -> str:
    """Run a kara-tui command; it must succeed without a traceback. Returns its stdout."""
    result = subprocess.run(
        [*kara_command(), *args], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return result.stdout
