"""A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps what it receives, for notice tests."""

from __future__ import annotations

import ssl
from collections.abc import Callable
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from support.servers import free_port


@dataclass
class Received:
    sender: str
    recipients: list[str]
    data: bytes

    @property
    def message(self) -> EmailMessage:
        parsed = BytesParser(policy=policy.default).parsebytes(self.data)
        assert isinstance(parsed, EmailMessage)
        return parsed


@dataclass
class SmtpServer:
    """Start, stop and start again on the same port; ``reject`` makes DATA answer 550."""

    port: int = field(default_factory=free_port)
    received: list[Received] = field(default_factory=list)
    reject: str = ""
    logins: list[tuple[str, str]] = field(default_factory=list)
    password: str | None = None  # when set, AUTH is offered and this password required
    on_data: Callable[[], None] | None = None  # runs while a message is in flight
    tls: ssl.SSLContext | None = None  # when set, STARTTLS is offered and required
    _controller: Controller | None = None

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.on_data is not None:
            self.on_data()
        if self.reject:
            return self.reject
        self.received.append(
            Received(envelope.mail_from, list(envelope.rcpt_tos), bytes(envelope.content))
        )
        return "250 OK"

    def _authenticate(
        self, server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any
    ) -> AuthResult:
        if not isinstance(auth_data, LoginPassword):
            return AuthResult(success=False, handled=False)
        login = auth_data.login.decode()
        password = auth_data.password.decode()
        self.logins.append((login, password))
        return AuthResult(success=password == self.password, handled=False)

    def start(self) -> SmtpServer:
        kwargs: dict[str, Any] = {}
        if self.password is not None:
            kwargs = {"authenticator": self._authenticate, "auth_require_tls": self.tls is not None}
        if self.tls is not None:
            kwargs |= {"tls_context": self.tls, "require_starttls": True}
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port, **kwargs)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


def self_signed(folder: Path) -> tuple[Path, ssl.SSLContext]:
    """A certificate for 127.0.0.1 (to trust through SSL_CERT_FILE) and a server context."""
    from feedservers import tls_certificate

    context, _ = tls_certificate(folder, "127.0.0.1")
    return folder / "cert.pem", context
