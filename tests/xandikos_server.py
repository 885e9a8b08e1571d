"""A real Xandikos CalDAV server on 127.0.0.1 (a second implementation beside Radicale),
started by the tests in a subprocess; no authentication. Its storage is git, so what it
holds is read back over HTTP."""

from __future__ import annotations

import contextlib
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urljoin

import httpx


def _free_port() -> int:
    with socket.create_server(("127.0.0.1", 0)) as sock:
        return int(sock.getsockname()[1])


class Xandikos:
    credentials = None

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = _free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Xandikos:
        self.folder.mkdir(parents=True, exist_ok=True)
        log = (self.folder / "xandikos.log").open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "xandikos", "serve", "-d", str(self.folder / "data"),
             "-l", "127.0.0.1", "-p", str(self.port), "--defaults",
             "--state-dir", str(self.folder / "state")],
            stdout=log, stderr=log,
        )  # fmt: skip
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError((self.folder / "xandikos.log").read_text(errors="replace"))
            with contextlib.suppress(OSError):
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return self
            time.sleep(0.05)
        raise RuntimeError("xandikos did not start within 30 s")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)

    def calendar(self, name: str) -> str:
        url = f"{self.base}/user/calendars/{name}/"
        response = httpx.request("MKCALENDAR", url)
        assert response.status_code in (201, 405), response.text
        return url

    def put(self, url: str, body: str) -> None:
        response = httpx.put(url, content=body, headers={"Content-Type": "text/calendar"})
        assert response.status_code in (201, 204), response.text

    def get(self, url: str) -> httpx.Response:
        return httpx.get(url)

    def resources(self, calendar_url: str) -> dict[str, str]:
        """name -> text of every calendar object in the collection, over HTTP."""
        listing = httpx.request("PROPFIND", calendar_url, headers={"Depth": "1"}).text
        hrefs = re.findall(r"<(?:\w+:)?href>([^<]+\.ics)</", listing)
        return {
            unquote(href.rsplit("/", 1)[-1]): httpx.get(urljoin(calendar_url, href)).text
            for href in sorted(hrefs)
        }


@contextlib.contextmanager
def running(folder: Path) -> Iterator[Xandikos]:
    server = Xandikos(folder).start()
    try:
        yield server
    finally:
        server.stop()
