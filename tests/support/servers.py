"""Test servers in a subprocess: a free port, start one and wait for its port, stop it."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import time
from collections.abc import Callable, Sequence
from pathlib import Path


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.create_server(("127.0.0.1", 0)) as sock:
        return int(sock.getsockname()[1])


def wait_until(condition: Callable[[], object], seconds: float = 5.0) -> bool:
    """Poll ``condition()`` until it is true or ``seconds`` pass; its last value."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return bool(condition())


def port_open(port: int) -> bool:
    """Whether something accepts a TCP connection on 127.0.0.1:``port``."""
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
    except OSError:
        return False
    return True


class ServerProcess:
    """One server program run by the tests: its output goes to ``log``; ``start()`` returns
    once it accepts connections on ``port``, or raises with what it wrote."""

    def __init__(
        self,
        name: str,
        args: Sequence[str],
        *,
        port: int,
        log: Path,
        env: dict[str, str] | None = None,
        seconds: float = 30,
    ) -> None:
        self.name = name
        self.args = list(args)
        self.port = port
        self.log = log
        self.env = env
        self.seconds = seconds
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> ServerProcess:
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(self.args, stdout=out, stderr=out, env=self.env)
        process = self.process
        if not wait_until(lambda: process.poll() is not None or port_open(self.port), self.seconds):
            self.stop()
            raise RuntimeError(
                f"{self.name} did not accept connections on port {self.port} within "
                f"{self.seconds:g} s:\n{self.output()}"
            )
        if process.poll() is not None:
            raise RuntimeError(
                f"{self.name} ended at start (exit {process.returncode}):\n{self.output()}"
            )
        return self

    def output(self) -> str:
        """What the server wrote to its stdout and stderr so far."""
        with contextlib.suppress(OSError):
            return self.log.read_text(errors="replace")
        return ""

    def stop(self) -> None:
        """Terminate it, and kill it if it has not ended within 10 s."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)
