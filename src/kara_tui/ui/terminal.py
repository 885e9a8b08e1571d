"""Textual's Linux driver plus a watch that notices when the terminal goes away, whoever the parent.

When a terminal dies (an ssh connection drops, a tmux session or a window is killed) the
kernel sends SIGHUP to the session leader only. An interactive shell passes it on to
kara-tui; `make`, `sh -c`, `uv run` or a systemd unit do not, and kara-tui must notice by
itself. Textual's driver does not (checked with Textual 8.2.8; to report upstream):

- its input thread takes the empty read of a hung-up terminal for "stdin is piped" and
  goes back to ``select()``, which answers at once, for ever: a core at 100 %; a read that
  fails with EIO instead (a pseudo-terminal whose other end closed) makes the app panic;
- its output thread dies on the first write that fails (EIO), after which every write
  blocks the event loop on a full queue, signals included.

``KaraDriver`` waits for the terminal to hang up (``poll()`` in a thread, which costs
nothing meanwhile), then stops the input thread, sends output to /dev/null and asks the app
to leave the way q does (see ``KaraApp.leave_soon``).
"""

from __future__ import annotations

import contextlib
import errno
import os
import select
import signal
import stat
import threading
from collections.abc import Callable
from typing import Any

from textual.drivers.linux_driver import LinuxDriver

_HUNG_UP = select.POLLHUP | select.POLLERR | select.POLLNVAL


class TerminalWatch:
    """Calls ``gone`` once, from its own daemon thread, when the terminal (or pipe) on ``fd``
    hangs up; it blocks in ``poll()`` until then, so it never spins."""

    def __init__(self, fd: int, gone: Callable[[], None]) -> None:
        self._fd = fd
        self._gone = gone
        self._wake_read, self._wake_write = os.pipe()
        self._thread = threading.Thread(target=self._watch, name="kara-terminal", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """Stop watching (the app is leaving, or suspended with ctrl+z)."""
        with contextlib.suppress(OSError):
            os.write(self._wake_write, b"x")
        self._thread.join(1.0)
        for fd in (self._wake_read, self._wake_write):
            with contextlib.suppress(OSError):
                os.close(fd)

    def _watch(self) -> None:
        poller = select.poll()
        poller.register(self._fd, 0)  # hang-ups and errors are always reported
        poller.register(self._wake_read, select.POLLIN)
        while True:
            for fd, events in poller.poll():
                if fd == self._wake_read:
                    return
                if events & _HUNG_UP:
                    self._gone()
                    return


def same_terminal(fd: int, other: int) -> bool:
    """Whether ``fd`` and ``other`` are open on the same terminal device."""
    try:
        a, b = os.fstat(fd), os.fstat(other)
    except OSError:
        return False
    return stat.S_ISCHR(a.st_mode) and stat.S_ISCHR(b.st_mode) and a.st_rdev == b.st_rdev


class KaraDriver(LinuxDriver):
    """Textual's Linux driver that also leaves when its terminal has gone (see the module)."""

    def __init__(self, app: Any, **kwargs: Any) -> None:
        super().__init__(app, **kwargs)
        self._kara_app = app
        self._watch: TerminalWatch | None = None
        # The standard streams that are the terminal itself (output goes to stderr).
        self._outputs = [fd for fd in (1, 2) if same_terminal(fd, self.fileno)]
        self._gone_lock = threading.Lock()
        self.gone = threading.Event()
        """The terminal has hung up: nothing is read from it or written to it any more."""

    def start_application_mode(self) -> None:
        super().start_application_mode()
        if self._watch is None and not self.gone.is_set():
            self._watch = TerminalWatch(self.fileno, self._terminal_gone)
            self._watch.start()

    def stop_application_mode(self) -> None:
        if self._watch is not None:
            self._watch.stop()
            self._watch = None
        super().stop_application_mode()

    def run_input_thread(self) -> None:
        try:
            super().run_input_thread()
        except OSError as error:
            # EIO: the terminal hung up under a read (before the watch said so). Textual
            # would panic with a traceback; this is the terminal gone, nothing else.
            if error.errno != errno.EIO:
                raise
            self._terminal_gone()

    def write(self, data: str) -> None:
        if not self.gone.is_set():  # nobody can see it, and the output thread may be dead
            super().write(data)

    def close(self) -> None:
        if not self.gone.is_set():  # a dead output thread would block the exit for ever
            super().close()

    def _terminal_gone(self) -> None:
        """In the watch or the input thread: stop reading and writing, then ask the app to
        leave (once)."""
        with self._gone_lock:
            if self.gone.is_set():
                return
            self.gone.set()
        self.exit_event.set()  # the input thread ends instead of reading end-of-file for ever
        # Whatever is still queued or printed after the app (a crash line) goes nowhere
        # instead of failing with EIO.
        null = os.open(os.devnull, os.O_WRONLY)
        try:
            for fd in self._outputs:
                os.dup2(null, fd)
        finally:
            os.close(null)
        leave = getattr(self._kara_app, "leave_soon", None)
        if callable(leave):
            leave(128 + signal.SIGHUP)  # as if the SIGHUP had come through
