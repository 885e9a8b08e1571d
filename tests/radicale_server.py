"""A real Radicale CalDAV server on 127.0.0.1, started by the tests in a subprocess.

Each server has its own storage folder (which tests grep for what must never leave the
machine) and either no authentication or an htpasswd file with one user.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx

from support.servers import ServerProcess, free_port

USER, PASSWORD = "kara", "s3cret-pass"


class Radicale:
    """One Radicale process; ``calendar(name)`` makes a calendar collection and gives its URL."""

    def __init__(self, folder: Path, *, auth: bool, tls: bool = False) -> None:
        self.folder = folder
        self.storage = folder / "collections"
        self.auth = auth
        self.tls = tls
        self.port = free_port()
        self.server: ServerProcess | None = None

    @property
    def base(self) -> str:
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}"

    @property
    def credentials(self) -> tuple[str, str] | None:
        return (USER, PASSWORD) if self.auth else None

    def start(self) -> Radicale:
        self.folder.mkdir(parents=True, exist_ok=True)
        args = [
            sys.executable,
            "-m",
            "radicale",
            "--server-hosts",
            f"127.0.0.1:{self.port}",
            "--storage-filesystem-folder",
            str(self.storage),
            "--rights-type",
            "owner_only" if self.auth else "authenticated",
            "--logging-level",
            "warning",
        ]
        if self.auth:
            htpasswd = self.folder / "users"
            htpasswd.write_text(f"{USER}:{PASSWORD}\n")
            args += [
                "--auth-type",
                "htpasswd",
                "--auth-htpasswd-filename",
                str(htpasswd),
                "--auth-htpasswd-encryption",
                "plain",
                "--auth-delay",
                "0",
            ]
        else:
            args += ["--auth-type", "none"]
        if self.tls:  # a self-signed certificate nobody trusts (tests/feedservers.py)
            from feedservers import tls_certificate

            tls_certificate(self.folder, "127.0.0.1")
            args += ["--ssl", "True", "--certificate", str(self.folder / "cert.pem"),
                     "--key", str(self.folder / "key.pem")]  # fmt: skip
        env = {k: v for k, v in os.environ.items() if not k.startswith("RADICALE")}
        self.server = ServerProcess(
            "radicale", args, port=self.port, log=self.folder / "radicale.log", env=env
        ).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()

    def calendar(self, name: str) -> str:
        """Make the calendar /kara/NAME/ (MKCALENDAR) and return its URL."""
        url = f"{self.base}/{USER}/{name}/"
        with httpx.Client(auth=self.credentials) as http:
            http.request("MKCOL", f"{self.base}/{USER}/")
            response = http.request("MKCALENDAR", url)
            assert response.status_code in (201, 405), response.text
        return url

    def put(self, url: str, body: str) -> None:
        with httpx.Client(auth=self.credentials) as http:
            response = http.put(url, content=body, headers={"Content-Type": "text/calendar"})
            assert response.status_code in (201, 204), response.text

    def get(self, url: str) -> httpx.Response:
        with httpx.Client(auth=self.credentials) as http:
            return http.get(url)

    def folder_of(self, calendar_url: str) -> Path:
        path = calendar_url.removeprefix(self.base).strip("/")
        return self.storage / "collection-root" / path

    def stored_text(self, calendar_url: str) -> str:
        """Every byte the server keeps for a calendar (its caches too), as text."""
        chunks = [
            path.read_bytes().decode("utf-8", "replace")
            for path in sorted(self.folder_of(calendar_url).rglob("*"))
            if path.is_file()
        ]
        return "\n".join(chunks)

    def resources(self, calendar_url: str) -> dict[str, str]:
        """name -> text of every .ics in the calendar, read from the storage folder."""
        folder = self.folder_of(calendar_url)
        return {p.name: p.read_text() for p in sorted(folder.glob("*.ics"))}


@contextlib.contextmanager
def running(folder: Path, *, auth: bool = False, tls: bool = False) -> Iterator[Radicale]:
    server = Radicale(folder, auth=auth, tls=tls).start()
    try:
        yield server
    finally:
        server.stop()
