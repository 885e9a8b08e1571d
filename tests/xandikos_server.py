"""A real Xandikos CalDAV server on 127.0.0.1 (a second implementation beside Radicale),
started by the tests in a subprocess; no authentication. Its storage is git, so what it
holds is read back over HTTP."""

from __future__ import annotations

import contextlib
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urljoin

import httpx

from support.servers import ServerProcess, free_port


class Xandikos:
    credentials = None

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self.server: ServerProcess | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Xandikos:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.server = ServerProcess(
            "xandikos",
            [sys.executable, "-m", "xandikos", "serve", "-d", str(self.folder / "data"),
             "-l", "127.0.0.1", "-p", str(self.port), "--defaults",
             "--state-dir", str(self.folder / "state")],
            port=self.port,
            log=self.folder / "xandikos.log",
        ).start()  # fmt: skip
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()

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
