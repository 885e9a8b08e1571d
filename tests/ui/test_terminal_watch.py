"""The watch that tells kara-tui its terminal has gone, on a real pseudo-terminal."""

from __future__ import annotations

import os
import pty
import threading

from kara_tui.ui.terminal import TerminalWatch, same_terminal


def test_the_watch_says_once_that_the_terminal_hung_up() -> None:
    master, slave = pty.openpty()
    gone: list[str] = []
    said = threading.Event()
    watch = TerminalWatch(slave, lambda: (gone.append(threading.current_thread().name), said.set()))
    watch.start()
    try:
        assert not said.wait(0.3)  # a live terminal: nothing to say
        os.close(master)  # the terminal emulator (tmux, sshd) has gone
        assert said.wait(5)
        assert gone == ["kara-terminal"]
    finally:
        watch.stop()
        os.close(slave)


def test_a_stopped_watch_says_nothing() -> None:
    master, slave = pty.openpty()
    said = threading.Event()
    watch = TerminalWatch(slave, said.set)
    watch.start()
    watch.stop()
    os.close(master)
    assert not said.wait(0.3)
    os.close(slave)


def test_the_end_of_a_pipe_counts_as_the_terminal_gone() -> None:
    read, write = os.pipe()
    said = threading.Event()
    watch = TerminalWatch(read, said.set)
    watch.start()
    try:
        os.close(write)
        assert said.wait(5)
    finally:
        watch.stop()
        os.close(read)


def test_same_terminal() -> None:
    master, slave = pty.openpty()
    other = os.dup(slave)
    read, write = os.pipe()
    try:
        assert same_terminal(slave, other)
        assert not same_terminal(slave, read)
        assert not same_terminal(slave, master)
    finally:
        for fd in (master, slave, other, read, write):
            os.close(fd)


def test_a_stuck_shutdown_leaves_a_private_log_of_where_each_thread_was(
    tmp_path, monkeypatch
) -> None:
    import stat

    from kara_tui import crash

    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    held = threading.Event()
    stuck = threading.Thread(target=held.wait, name="stuck-writer", daemon=True)
    stuck.start()
    client = "Anna Smith"  # a local variable of a frame on the stack: never written
    try:
        log = crash.report_stuck("kara-tui did not finish leaving within 5 s")
    finally:
        held.set()
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    text = log.read_text(encoding="utf-8")
    assert text.startswith("kara-tui did not finish leaving within 5 s; where each thread was:")
    assert "Thread stuck-writer:" in text and "in wait" in text
    assert "in test_a_stuck_shutdown_leaves_a_private_log_of_where_each_thread_was" in text
    assert client not in text


def test_what_kara_driver_relies_on_in_textuals_linux_driver() -> None:
    """KaraDriver ends Textual's input thread through ``exit_event`` and watches ``fileno``:
    if an upgrade of Textual changes either, this fails before a dead terminal spins again."""
    import inspect

    from textual.drivers.linux_driver import LinuxDriver

    from kara_tui.ui.terminal import KaraDriver

    assert "self.run_input_thread()" in inspect.getsource(LinuxDriver._run_input_thread)
    source = inspect.getsource(LinuxDriver.run_input_thread)
    assert "while not self.exit_event.is_set():" in source
    assert "selector.register(self.fileno" in source
    init = inspect.getsource(LinuxDriver.__init__)
    assert "self.exit_event = Event()" in init and "self.fileno = " in init
    assert issubclass(KaraDriver, LinuxDriver)


class _App:
    """What KaraDriver asks of the app: to leave soon."""

    def __init__(self) -> None:
        self.left: list[int] = []

    def leave_soon(self, return_code: int) -> None:
        self.left.append(return_code)


async def test_eio_under_the_input_thread_is_the_terminal_gone_not_a_panic() -> None:
    import signal

    from kara_tui.ui.terminal import KaraDriver

    before = {s: signal.getsignal(s) for s in (signal.SIGTSTP, signal.SIGCONT)}
    master, slave = pty.openpty()
    app = _App()
    try:
        driver = KaraDriver(app)
        # A read that fails with EIO: the master side of a pseudo-terminal whose other end
        # has closed (a hung-up terminal's own side reads end-of-file, which the watch hears).
        driver.fileno = master
        driver._outputs = []  # the test's own stdout and stderr stay as they are
        os.close(slave)
        driver.run_input_thread()  # returns instead of raising
        assert driver.gone.is_set() and driver.exit_event.is_set()
        assert app.left == [128 + signal.SIGHUP]
        driver.write("\x1b[?1049l")  # dropped: nothing can show it
    finally:
        os.close(master)
        for signum, handler in before.items():
            signal.signal(signum, handler)
