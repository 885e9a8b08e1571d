"""How a claimed message leaves the machine: an SMTP server, or private .eml files."""

from __future__ import annotations

import os
import re
import smtplib
import socket
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

from kara_tui import paths
from kara_tui.config import Settings
from kara_tui.domain import DomainError, NotificationKind
from kara_tui.files import write_private
from kara_tui.services.keyring_secrets import KeyringSecrets

SMTP_TIMEOUT_SECONDS = 30.0
KEYRING_SERVICE = "kara-tui"


class OutboxError(DomainError):
    """The outbox cannot send at all (no From: address, no password); one plain sentence."""


@dataclass(frozen=True, slots=True)
class Claimed:
    """A message taken for sending, copied out of its row (no ORM object leaves a transaction)."""

    id: int
    kind: NotificationKind
    recipient: str
    subject: str
    body: str
    ical: str
    message_id: str


class Stop(Exception):
    """A failure that concerns every message (connection, login, sender, outbox folder)."""


class Refused(Exception):
    """A failure of this message only; the next one may still go."""


def method_of(n: Claimed) -> str:
    found = re.search(r"^METHOD:(\w+)", n.ical, re.MULTILINE)
    if found:
        return found.group(1).upper()
    return "CANCEL" if n.kind is NotificationKind.CANCELLATION else "REQUEST"


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "message"


def one_line(text: str) -> str:
    return " ".join(text.split())


def server_text(exc: smtplib.SMTPResponseException) -> str:
    raw = exc.smtp_error
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
    return f"{exc.smtp_code} {one_line(text)}".strip()


class SmtpTransport:
    def __init__(self, settings: Settings, password: str | None) -> None:
        self.host = settings.smtp.host
        self.port = settings.smtp.port
        self.starttls = settings.smtp.starttls
        self.user = settings.smtp.user
        self._password = password
        self._smtp: smtplib.SMTP | None = None

    @property
    def where(self) -> str:
        return f"{self.host}:{self.port}"

    def _scrub(self, text: str) -> str:
        return text.replace(self._password, "***") if self._password else text

    def open(self) -> None:
        try:
            if self.port == 465:  # implicit TLS (SMTPS): the usual meaning of port 465
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                    self.host,
                    self.port,
                    timeout=SMTP_TIMEOUT_SECONDS,
                    context=ssl.create_default_context(),
                )
            else:
                smtp = smtplib.SMTP(self.host, self.port, timeout=SMTP_TIMEOUT_SECONDS)
            self._smtp = smtp
            smtp.ehlo_or_helo_if_needed()
            if self.starttls and self.port != 465:
                if not smtp.has_extn("starttls"):
                    raise Stop(
                        f"the mail server at {self.where} does not offer STARTTLS "
                        "(set smtp.starttls = false only for a server on a trusted network)"
                    )
                smtp.starttls(context=ssl.create_default_context())
                smtp.ehlo()
            if self.user:
                assert self._password is not None
                smtp.login(self.user, self._password)
        except Stop:
            self.close()
            raise
        except Exception as exc:
            self.close()
            raise Stop(self._scrub(self._explain(exc))) from None

    def _explain(self, exc: BaseException) -> str:
        where = self.where
        if isinstance(exc, ConnectionRefusedError):
            return f"cannot connect to the mail server at {where}: connection refused"
        if isinstance(exc, socket.gaierror):
            return f"cannot find the mail server '{self.host}' (check smtp.host in the config)"
        if isinstance(exc, TimeoutError):
            return f"the mail server at {where} did not answer in time"
        if isinstance(exc, smtplib.SMTPAuthenticationError):
            return (
                f"the mail server at {where} refused the login for '{self.user}' "
                f"({server_text(exc)}); check the password"
            )
        if isinstance(exc, smtplib.SMTPNotSupportedError) and self.user:
            return f"the mail server at {where} does not accept a login (AUTH) on this connection"
        if isinstance(exc, smtplib.SMTPServerDisconnected):
            return f"the mail server at {where} closed the connection"
        if isinstance(exc, smtplib.SMTPConnectError):
            return f"the mail server at {where} refused the connection ({server_text(exc)})"
        if isinstance(exc, smtplib.SMTPResponseException):
            return f"the mail server at {where} answered with an error ({server_text(exc)})"
        if isinstance(exc, ssl.SSLError):
            return f"a secure connection to the mail server at {where} failed ({exc.reason})"
        if isinstance(exc, OSError):
            return f"cannot reach the mail server at {where} ({exc.strerror or exc})"
        return f"sending through {where} failed ({type(exc).__name__})"

    def send(self, msg: EmailMessage, sender: str, recipient: str, claimed: Claimed) -> str:
        del claimed
        if self._smtp is None:
            raise Stop(f"the mail server at {self.where} closed the connection")
        try:
            self._smtp.send_message(msg, from_addr=sender, to_addrs=[recipient])
        except smtplib.SMTPRecipientsRefused as exc:
            code, text = exc.recipients.get(recipient, (0, b""))
            shown = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
            raise Refused(
                f"the mail server refused the recipient {recipient} ({code} {one_line(shown)})"
            ) from None
        except smtplib.SMTPSenderRefused as exc:
            raise Stop(
                f"the mail server refused the sender address {sender} ({server_text(exc)})"
            ) from None
        except smtplib.SMTPDataError as exc:
            raise Refused(f"the mail server rejected the message ({server_text(exc)})") from None
        except smtplib.SMTPNotSupportedError:
            raise Refused(
                f"the mail server at {self.where} cannot take the non-ASCII address {recipient}"
            ) from None
        except Exception as exc:
            self.close()
            raise Stop(self._scrub(self._explain(exc))) from None
        return f"sent via {self.where}"

    def close(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is None:
            return
        try:
            smtp.quit()
        except Exception:  # the connection is going away anyway
            smtp.close()


class FileTransport:
    """With no SMTP server configured, each message becomes a private .eml file to send by hand."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    @property
    def where(self) -> str:
        return str(self.folder)

    def open(self) -> None:
        try:
            paths.private_dir(self.folder)
        except OSError as exc:
            raise Stop(f"cannot create the outbox folder {self.folder} ({exc.strerror})") from None

    def send(self, msg: EmailMessage, sender: str, recipient: str, claimed: Claimed) -> str:
        del sender, recipient
        path = self.folder / f"{claimed.id}-{slug(claimed.subject)}.eml"
        try:
            write_private(path, msg.as_bytes(policy=msg.policy.clone(linesep="\r\n")))
        except OSError as exc:
            raise Stop(
                f"cannot write to the outbox folder {self.folder} ({exc.strerror})"
            ) from None
        return f"written to {path}"

    def close(self) -> None:
        pass


class MailPasswords(KeyringSecrets):
    """The SMTP password in the user's keyring, by mail user."""

    service = KEYRING_SERVICE


def smtp_password(settings: Settings) -> str | None:
    """From the environment variable named in the config, else the keyring; never the file."""
    user = settings.smtp.user
    if not user:
        return None
    env_name = settings.smtp.password_env
    if env_name and os.environ.get(env_name):
        return os.environ[env_name]
    password = MailPasswords().get(user)
    if password:
        return password
    where = f"in the environment variable {env_name} or " if env_name else ""
    raise OutboxError(
        f"no password for the mail user '{user}': put it {where}in the keyring "
        f"(keyring set {KEYRING_SERVICE} {user})"
    )
