"""Sending queued client notices: over SMTP when configured, else as .eml files in the outbox."""

from __future__ import annotations

import os
import re
import smtplib
import socket
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid
from pathlib import Path
from typing import Any

from icalendar import Calendar, vCalAddress
from sqlalchemy import select, update

from kara_tui import paths
from kara_tui.config import Settings
from kara_tui.db.rows import NotificationRow, SessionRow
from kara_tui.domain import DomainError, Notification, NotificationKind, NotificationStatus
from kara_tui.files import write_private
from kara_tui.services import audit
from kara_tui.services.errors import NotFound

SMTP_TIMEOUT_SECONDS = 30.0
KEYRING_SERVICE = "kara-tui"

QUEUED = NotificationStatus.QUEUED.value
SENDING = NotificationStatus.SENDING.value
SENT = NotificationStatus.SENT.value
DISCARDED = NotificationStatus.DISCARDED.value
FAILED = NotificationStatus.FAILED.value
# Shown on a message while it is being sent: if kara-tui stops mid-send (^C, a crash), it
# stays so, since nobody knows whether the server took it; the user decides with a retry.
INTERRUPTED = "being sent; if this stays, sending was interrupted and it may have gone: retry it"


class OutboxError(DomainError):
    """The outbox cannot send at all (no From: address, no password); one plain sentence."""


@dataclass(frozen=True, slots=True)
class Outcome:
    """What happened to one message in a run: sent (detail says where) or not (detail says why)."""

    notification_id: int
    recipient: str
    subject: str
    sent: bool
    detail: str


@dataclass(frozen=True, slots=True)
class SendReport:
    sent: int
    failed: int
    errors: list[str]
    outcomes: list[Outcome] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Claimed:
    """A message taken for sending, copied out of its row (no ORM object leaves a transaction)."""

    id: int
    kind: NotificationKind
    recipient: str
    subject: str
    body: str
    ical: str
    message_id: str


class _Stop(Exception):
    """A failure that concerns every message (connection, login, sender, outbox folder)."""


class _Refused(Exception):
    """A failure of this message only; the next one may still go."""


def _valid_address(address: str) -> bool:
    local, at, domain = address.rpartition("@")
    return bool(at and local and "." in domain) and not any(c.isspace() for c in address)


def _method(n: _Claimed) -> str:
    found = re.search(r"^METHOD:(\w+)", n.ical, re.MULTILINE)
    if found:
        return found.group(1).upper()
    return "CANCEL" if n.kind is NotificationKind.CANCELLATION else "REQUEST"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "message"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _with_attendee(ical: str, email: str) -> str:
    """The same iTIP message addressed to ``email`` (when the client's address came later)."""
    cal = Calendar.from_ical(ical)
    for event in cal.walk("VEVENT"):
        old = event.get("attendee")
        new = vCalAddress(f"mailto:{email}")
        if isinstance(old, vCalAddress):
            new.params.update(old.params)
        event["attendee"] = new
    return cal.to_ical().decode("utf-8")


def _server_text(exc: smtplib.SMTPResponseException) -> str:
    raw = exc.smtp_error
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
    return f"{exc.smtp_code} {_one_line(text)}".strip()


class _SmtpTransport:
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
                    raise _Stop(
                        f"the mail server at {self.where} does not offer STARTTLS "
                        "(set smtp.starttls = false only for a server on a trusted network)"
                    )
                smtp.starttls(context=ssl.create_default_context())
                smtp.ehlo()
            if self.user:
                assert self._password is not None
                smtp.login(self.user, self._password)
        except _Stop:
            self.close()
            raise
        except Exception as exc:
            self.close()
            raise _Stop(self._scrub(self._explain(exc))) from None

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
                f"({_server_text(exc)}); check the password"
            )
        if isinstance(exc, smtplib.SMTPNotSupportedError) and self.user:
            return f"the mail server at {where} does not accept a login (AUTH) on this connection"
        if isinstance(exc, smtplib.SMTPServerDisconnected):
            return f"the mail server at {where} closed the connection"
        if isinstance(exc, smtplib.SMTPConnectError):
            return f"the mail server at {where} refused the connection ({_server_text(exc)})"
        if isinstance(exc, smtplib.SMTPResponseException):
            return f"the mail server at {where} answered with an error ({_server_text(exc)})"
        if isinstance(exc, ssl.SSLError):
            return f"a secure connection to the mail server at {where} failed ({exc.reason})"
        if isinstance(exc, OSError):
            return f"cannot reach the mail server at {where} ({exc.strerror or exc})"
        return f"sending through {where} failed ({type(exc).__name__})"

    def send(self, msg: EmailMessage, sender: str, recipient: str, claimed: _Claimed) -> str:
        del claimed
        if self._smtp is None:
            raise _Stop(f"the mail server at {self.where} closed the connection")
        try:
            self._smtp.send_message(msg, from_addr=sender, to_addrs=[recipient])
        except smtplib.SMTPRecipientsRefused as exc:
            code, text = exc.recipients.get(recipient, (0, b""))
            shown = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
            raise _Refused(
                f"the mail server refused the recipient {recipient} ({code} {_one_line(shown)})"
            ) from None
        except smtplib.SMTPSenderRefused as exc:
            raise _Stop(
                f"the mail server refused the sender address {sender} ({_server_text(exc)})"
            ) from None
        except smtplib.SMTPDataError as exc:
            raise _Refused(f"the mail server rejected the message ({_server_text(exc)})") from None
        except smtplib.SMTPNotSupportedError:
            raise _Refused(
                f"the mail server at {self.where} cannot take the non-ASCII address {recipient}"
            ) from None
        except Exception as exc:
            self.close()
            raise _Stop(self._scrub(self._explain(exc))) from None
        return f"sent via {self.where}"

    def close(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is None:
            return
        try:
            smtp.quit()
        except Exception:  # the connection is going away anyway
            smtp.close()


class _FileTransport:
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
            raise _Stop(f"cannot create the outbox folder {self.folder} ({exc.strerror})") from None

    def send(self, msg: EmailMessage, sender: str, recipient: str, claimed: _Claimed) -> str:
        del sender, recipient
        path = self.folder / f"{claimed.id}-{_slug(claimed.subject)}.eml"
        try:
            write_private(path, msg.as_bytes(policy=msg.policy.clone(linesep="\r\n")))
        except OSError as exc:
            raise _Stop(
                f"cannot write to the outbox folder {self.folder} ({exc.strerror})"
            ) from None
        return f"written to {path}"

    def close(self) -> None:
        pass


class Outbox:
    """The notices the practice owes its clients, and the one way they leave the machine."""

    def __init__(self, practice: Any, settings: Settings) -> None:
        self.practice = practice
        self.settings = settings

    # -- reading -------------------------------------------------------------------------

    def list(self, *, status: NotificationStatus | None = None) -> list[Notification]:
        return list(self.practice.list_notifications(status=status))

    def get(self, notification_id: int) -> Notification:
        with self.practice.reading() as db:
            row = db.get(NotificationRow, notification_id)
            if row is None:
                raise NotFound(f"no message with id {notification_id}")
            return row.to_domain()

    @property
    def uses_smtp(self) -> bool:
        return bool(self.settings.smtp.host)

    def folder(self) -> Path:
        return self.settings.outbox_dir or paths.outbox_dir()

    def destination(self) -> str:
        """Where messages go, in words: the SMTP server or the outbox folder."""
        if self.uses_smtp:
            return f"the mail server {self.settings.smtp.host}:{self.settings.smtp.port}"
        return f"files in {self.folder()}"

    def preview(self, notification_id: int) -> str:
        """The message as the client will read it: headers, text and the calendar part."""
        with self.practice.reading() as db:
            row = db.get(NotificationRow, notification_id)
            if row is None:
                raise NotFound(f"no message with id {notification_id}")
            claimed = self._copy(row)
            status, said = row.to_domain().status_words(), row.error or row.outcome
        pro = self.practice.professional()
        sender = self.settings.smtp.sender or pro.email
        lines = [
            f"Status:  {said}"
            if status == "written"
            else f"Status:  {status}" + (f" ({said})" if said else ""),
            f"From:    {formataddr((pro.name, sender)) if sender else '(no address: see below)'}",
            f"To:      {claimed.recipient or '(no address)'}",
            f"Subject: {claimed.subject}",
            "",
            claimed.body.rstrip("\n"),
            "",
            f"-- calendar part (text/calendar; method={_method(claimed)}) --",
            claimed.ical.replace("\r\n", "\n").rstrip("\n"),
        ]
        if not sender:
            lines += ["", self._no_sender_sentence()]
        return "\n".join(lines)

    def discard(self, notification_id: int) -> Notification:
        """Drop a notice that should not go (queued or failed), with an audit entry."""
        with self.practice.writing() as db:
            row = db.get(NotificationRow, notification_id)
            if row is None:
                raise NotFound(f"no message with id {notification_id}")
            if row.status not in (QUEUED, FAILED):
                raise DomainError(
                    f"message {row.id} is {row.to_domain().status_words()}: only a queued or "
                    "failed message can be discarded"
                )
            before = {"status": row.status, "subject": row.subject}
            row.status = DISCARDED
            audit.record(
                db,
                at=self.practice.clock.now(),
                entity="notification",
                entity_id=row.id,
                action="discard",
                before=before,
                after={"status": DISCARDED, "subject": row.subject},
            )
            return row.to_domain()

    # -- sending -------------------------------------------------------------------------

    def send_all(self) -> SendReport:
        """Send every queued message, oldest first (a reschedule's cancellation before its booking)."""
        with self.practice.reading() as db:
            ids = list(
                db.scalars(
                    select(NotificationRow.id)
                    .where(NotificationRow.status == QUEUED)
                    .order_by(NotificationRow.id)
                )
            )
        return self._send(ids)

    def retry(self, notification_id: int) -> SendReport:
        """Put one unsent message back in the queue and send it now."""
        with self.practice.writing() as db:
            row = db.get(NotificationRow, notification_id)
            if row is None:
                raise NotFound(f"no message with id {notification_id}")
            if row.status == SENT:
                when = row.sent_at.astimezone(self.practice.tz) if row.sent_at else None
                done = "written" if row.outcome.startswith("written to ") else "sent"
                raise DomainError(
                    f"message {row.id} was already {done}"
                    + (f" on {when:%a %d %b %Y at %H:%M}" if when else "")
                    + "; it is not sent twice"
                )
            if row.status == DISCARDED:
                raise DomainError(f"message {row.id} was discarded; it is not sent")
            if not row.recipient and row.session_id is not None:
                session = db.get(SessionRow, row.session_id)
                email = session.client.email if session is not None else ""
                if email:  # the client's address was added after the message was queued
                    row.recipient = email
                    row.ical = _with_attendee(row.ical, email)
            if not row.recipient:
                raise DomainError(
                    f"message {row.id} cannot be sent: the client has no email address "
                    "(add one to the client, then retry)"
                )
            row.status = QUEUED
        return self._send([notification_id])

    def _send(self, ids: list[int]) -> SendReport:
        if not ids:
            return SendReport(0, 0, [])
        pro = self.practice.professional()
        sender = self.settings.smtp.sender or pro.email
        if not sender:
            raise OutboxError(self._no_sender_sentence())
        transport = self._transport()
        outcomes: list[Outcome] = []
        errors: list[str] = []
        not_tried = 0  # due, but left queued when the connection failed before their turn
        try:
            transport.open()
        except _Stop as exc:
            failed = self._fail_queued(ids, str(exc))
            return SendReport(0, failed, [self._stop_sentence(str(exc), failed)])
        try:
            for position, notification_id in enumerate(ids):
                claimed = self._claim(notification_id, sender)
                if claimed is None:
                    continue  # sent, failed or being sent by another kara-tui meanwhile
                if isinstance(claimed, str):
                    outcome = self._outcome_for(notification_id, claimed)
                    outcomes.append(outcome)
                    errors.append(f"message {notification_id}: {claimed}")
                    continue
                try:
                    msg = self._message(claimed, sender, pro.name, pro.email)
                except (ValueError, TypeError) as exc:  # e.g. an address email cannot carry
                    why = f"the message cannot be written ({_one_line(str(exc))})"
                    self._unclaim(claimed.id, why, permanent=True)
                    outcomes.append(
                        Outcome(claimed.id, claimed.recipient, claimed.subject, False, why)
                    )
                    errors.append(f"message {claimed.id}: {why}")
                    continue
                try:
                    detail = transport.send(msg, sender, claimed.recipient, claimed)
                except _Refused as exc:
                    self._unclaim(claimed.id, str(exc))
                    outcomes.append(
                        Outcome(claimed.id, claimed.recipient, claimed.subject, False, str(exc))
                    )
                    errors.append(f"message {claimed.id} to {claimed.recipient}: {exc}")
                    continue
                except _Stop as exc:
                    self._unclaim(claimed.id, str(exc))
                    not_tried = self._fail_queued(ids[position + 1 :], str(exc))
                    outcomes.append(
                        Outcome(claimed.id, claimed.recipient, claimed.subject, False, str(exc))
                    )
                    errors.append(self._stop_sentence(str(exc), not_tried + 1))
                    break
                self._mark_sent(claimed.id, detail)
                outcomes.append(
                    Outcome(claimed.id, claimed.recipient, claimed.subject, True, detail)
                )
        finally:
            transport.close()
        sent = sum(1 for o in outcomes if o.sent)
        return SendReport(sent, len(outcomes) - sent + not_tried, errors, outcomes)

    # -- the steps, each its own transaction ------------------------------------------------

    def _claim(self, notification_id: int, sender: str) -> _Claimed | str | None:
        """Take a queued message for sending; None if someone else has it or it is done.

        Returns a sentence instead when the message can never be sent (it is marked failed).
        """
        with self.practice.writing() as db:
            taken = db.execute(
                update(NotificationRow)
                .where(NotificationRow.id == notification_id, NotificationRow.status == QUEUED)
                .values(status=SENDING, attempts=NotificationRow.attempts + 1, error=INTERRUPTED)
                .execution_options(synchronize_session=False)
            )
            if taken.rowcount != 1:
                return None
            row = db.get(NotificationRow, notification_id)
            assert row is not None
            db.refresh(row)
            if not _valid_address(row.recipient):
                row.status = FAILED
                row.error = (
                    "the client has no email address"
                    if not row.recipient
                    else f"'{row.recipient}' is not an email address"
                )
                return row.error
            if not row.message_id:  # kept from the first attempt: a resend is the same message
                row.message_id = make_msgid(
                    idstring=f"kara-{row.id}", domain=sender.rpartition("@")[2]
                )
            return self._copy(row)

    @staticmethod
    def _copy(row: NotificationRow) -> _Claimed:
        return _Claimed(
            id=row.id,
            kind=NotificationKind(row.kind),
            recipient=row.recipient,
            subject=row.subject,
            body=row.body,
            ical=row.ical,
            message_id=row.message_id,
        )

    def _mark_sent(self, notification_id: int, outcome: str) -> None:
        with self.practice.writing() as db:
            row = db.get(NotificationRow, notification_id)
            if row is not None:
                row.status = SENT
                row.sent_at = self.practice.clock.now()
                row.error = ""
                row.outcome = outcome

    def _unclaim(self, notification_id: int, error: str, *, permanent: bool = False) -> None:
        with self.practice.writing() as db:
            row = db.get(NotificationRow, notification_id)
            if row is not None and row.status == SENDING:
                row.status = FAILED if permanent else QUEUED
                row.error = error

    def _fail_queued(self, ids: list[int], error: str) -> int:
        """Note a run-wide failure on each message that was due; they stay queued."""
        if not ids:
            return 0
        with self.practice.writing() as db:
            result = db.execute(
                update(NotificationRow)
                .where(NotificationRow.id.in_(ids), NotificationRow.status == QUEUED)
                .values(error=error, attempts=NotificationRow.attempts + 1)
                .execution_options(synchronize_session=False)
            )
            return int(result.rowcount or 0)

    def _outcome_for(self, notification_id: int, error: str) -> Outcome:
        n = self.get(notification_id)
        return Outcome(notification_id, n.recipient, n.subject, False, error)

    # -- building ---------------------------------------------------------------------------

    def _transport(self) -> _SmtpTransport | _FileTransport:
        if not self.uses_smtp:
            return _FileTransport(self.folder())
        return _SmtpTransport(self.settings, self._password())

    def _password(self) -> str | None:
        """From the environment variable named in the config, else the keyring; never the file."""
        user = self.settings.smtp.user
        if not user:
            return None
        env_name = self.settings.smtp.password_env
        if env_name and os.environ.get(env_name):
            return os.environ[env_name]
        try:
            import keyring
            from keyring.errors import KeyringError

            try:
                password = keyring.get_password(KEYRING_SERVICE, user)
            except KeyringError:
                password = None
        except ImportError:
            password = None
        if password:
            return password
        where = f"in the environment variable {env_name} or " if env_name else ""
        raise OutboxError(
            f"no password for the mail user '{user}': put it {where}in the keyring "
            f"(keyring set {KEYRING_SERVICE} {user})"
        )

    def _message(
        self, n: _Claimed, sender: str, practice_name: str, practice_email: str
    ) -> EmailMessage:
        msg = EmailMessage()
        msg["From"] = formataddr((_one_line(practice_name), sender))
        msg["To"] = n.recipient
        if practice_email and practice_email.lower() != sender.lower():
            msg["Reply-To"] = formataddr((_one_line(practice_name), practice_email))
        msg["Subject"] = _one_line(n.subject)
        msg["Date"] = format_datetime(self.practice.clock.now())
        msg["Message-ID"] = n.message_id
        msg["Auto-Submitted"] = "auto-generated"
        msg.set_content(n.body)
        method = _method(n)
        # Mail programs read the inline text/calendar part (Gmail, Outlook); others look
        # for an attached .ics file (Apple Mail): give both, as calendar servers do.
        # As bytes in base64: iCalendar's CRLF line ends and UTF-8 names arrive untouched,
        # whatever the mail servers on the way do with 8-bit text.
        data = n.ical.replace("\r\n", "\n").replace("\n", "\r\n").encode("utf-8")
        msg.add_alternative(
            data,
            maintype="text",
            subtype="calendar",
            cte="base64",
            params={"charset": "utf-8", "method": method},
        )
        msg.make_mixed()
        msg.add_attachment(data, maintype="application", subtype="ics", filename="invite.ics")
        return msg

    @staticmethod
    def _no_sender_sentence() -> str:
        return (
            "messages need a From: address: set the practice's email "
            "(kara-tui settings set email you@example.com) or smtp.sender in the config"
        )

    @staticmethod
    def _stop_sentence(error: str, count: int) -> str:
        if count <= 0:
            return error
        plural = "message stays" if count == 1 else "messages stay"
        return f"{error}; {count} {plural} queued"
