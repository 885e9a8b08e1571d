"""The test servers' helper: a server that cannot start is reported with what it wrote."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from support.servers import ServerProcess, free_port


def test_a_server_that_ends_at_start_is_reported_with_its_stderr(tmp_path: Path) -> None:
    server = ServerProcess(
        "broken",
        [sys.executable, "-c", "import sys; sys.exit('no such option: --bogus')"],
        port=free_port(),
        log=tmp_path / "broken.log",
    )
    with pytest.raises(RuntimeError, match=r"broken ended at start \(exit 1\)") as raised:
        server.start()
    assert "no such option: --bogus" in str(raised.value)


def test_a_server_that_never_listens_is_stopped_and_reported(tmp_path: Path) -> None:
    port = free_port()
    server = ServerProcess(
        "mute",
        ["sh", "-c", "echo listening soon; exec sleep 60"],
        port=port,
        log=tmp_path / "mute.log",
        seconds=1,
    )
    with pytest.raises(RuntimeError, match=f"mute did not accept connections on port {port}") as e:
        server.start()
    assert "listening soon" in str(e.value)
    assert server.process is not None and server.process.poll() is not None


def test_a_server_that_listens_is_up_and_stops(tmp_path: Path) -> None:
    port = free_port()
    server = ServerProcess(
        "http", [sys.executable, "-m", "http.server", "--bind", "127.0.0.1", str(port)],
        port=port, log=tmp_path / "http.log",
    ).start()  # fmt: skip
    assert server.process is not None and server.process.poll() is None
    server.stop()
    assert server.process.poll() is not None
