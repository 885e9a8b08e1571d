"""Sending queued client notices: over SMTP when configured, else as .eml files in the outbox."""

from __future__ import annotations

from dataclasses import dataclass, field
from email.utils import formataddr, make_msgid
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import CursorResult, Update, select, update
from sqlalchemy.orm import Session as DbSession

from kara_tui import paths
from kara_tui.config import Settings
from kara_tui.db import codec
from kara_tui.db.rows import NotificationRow, SessionRow
from kara_tui.domain import DomainError, Notification, NotificationKind, NotificationStatus
from kara_tui.policy.addresses import is_email_address
from kara_tui.services.errors import NotFound
from kara_tui.services.outbox_message import build_message, with_attendee
from kara_tui.services.outbox_transport import (
    KEYRING_SERVICE,
    SMTP_TIMEOUT_SECONDS,
    Claimed,
    FileTransport,
    OutboxError,
    Refused,
    SmtpTransport,
    Stop,
    method_of,
    one_line,
    smtp_password,
)

if TYPE_CHECKING:
    from kara_tui.services.practice import Practice

# Kept importable from here, where callers and tests have always found them.
__all__ = [
    "KEYRING_SERVICE",
    "SMTP_TIMEOUT_SECONDS",
    "Outbox",
    "OutboxError",
    "Outcome",
    "SendReport",
]

QUEUED = NotificationStatus.QUEUED.value
SENDING = NotificationStatus.SENDING.value
SENT = NotificationStatus.SENT.value
DISCARDED = NotificationStatus.DISCARDED.value
FAILED = NotificationStatus.FAILED.value
# Shown on a message while it is being sent: if kara-tui stops mid-send (^C, a crash), it
# stays so, since nobody knows whether the server took it; the user decides with a retry.
INTERRUPTED = "being sent; if this stays, sending was interrupted and it may have gone: retry it"


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


class Outbox:
    """The notices the practice owes its clients, and the one way they leave the machine."""

    def __init__(self, practice: Practice, settings: Settings) -> None:
        self.practice = practice
        self.settings = settings

    # -- reading -------------------------------------------------------------------------

    def messages(self, *, status: NotificationStatus | None = None) -> list[Notification]:
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
        ]
        if claimed.ical:  # a reminder has none
            lines += [
                "",
                f"-- calendar part (text/calendar; method={method_of(claimed)}) --",
                claimed.ical.replace("\r\n", "\n").rstrip("\n"),
            ]
        if not sender:
            lines += ["", self._no_sender_sentence()]
        return "\n".join(lines)

    def discard(self, notification_id: int) -> Notification:
        """Drop a notice that should not go (queued or failed), with an audit entry."""
        with self.practice.unit_of_work() as uow:
            row = uow.db.get(NotificationRow, notification_id)
            if row is None:
                raise NotFound(f"no message with id {notification_id}")
            if row.status not in (QUEUED, FAILED):
                raise DomainError(
                    f"message {row.id} is {row.to_domain().status_words()}: only a queued or "
                    "failed message can be discarded"
                )
            before = {"status": row.status, "subject": row.subject}
            row.status = DISCARDED
            after = {"status": DISCARDED, "subject": row.subject}
            uow.audit("notification", row.id, "discard", before=before, after=after)
            discarded = row.to_domain()
            uow.commit()
            return discarded

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

    def send(self, ids: list[int]) -> SendReport:
        """Send these queued messages (the reminders a ``remind`` run claimed), in order."""
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
                    row.ical = with_attendee(row.ical, email)
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
        except Stop as exc:
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
                    msg = build_message(
                        claimed, sender, pro.name, pro.email, self.practice.clock.now()
                    )
                except (ValueError, TypeError) as exc:  # e.g. an address email cannot carry
                    why = f"the message cannot be written ({one_line(str(exc))})"
                    self._unclaim(claimed.id, why, permanent=True)
                    outcomes.append(
                        Outcome(claimed.id, claimed.recipient, claimed.subject, False, why)
                    )
                    errors.append(f"message {claimed.id}: {why}")
                    continue
                try:
                    detail = transport.send(msg, sender, claimed.recipient, claimed)
                except Refused as exc:
                    self._unclaim(claimed.id, str(exc))
                    outcomes.append(
                        Outcome(claimed.id, claimed.recipient, claimed.subject, False, str(exc))
                    )
                    errors.append(f"message {claimed.id} to {claimed.recipient}: {exc}")
                    continue
                except Stop as exc:
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

    def _claim(self, notification_id: int, sender: str) -> Claimed | str | None:
        """Take a queued message for sending; None if someone else has it or it is done.

        Returns a sentence instead when the message can never be sent (it is marked failed).
        """
        with self.practice.writing() as db:
            taken = _changed(
                db,
                update(NotificationRow)
                .where(NotificationRow.id == notification_id, NotificationRow.status == QUEUED)
                .values(status=SENDING, attempts=NotificationRow.attempts + 1, error=INTERRUPTED)
                .execution_options(synchronize_session=False),
            )
            if taken.rowcount != 1:
                return None
            row = db.get(NotificationRow, notification_id)
            assert row is not None
            db.refresh(row)
            if not is_email_address(row.recipient):
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
    def _copy(row: NotificationRow) -> Claimed:
        return codec.copied(Claimed, row, kind=NotificationKind(row.kind))

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
            result = _changed(
                db,
                update(NotificationRow)
                .where(NotificationRow.id.in_(ids), NotificationRow.status == QUEUED)
                .values(error=error, attempts=NotificationRow.attempts + 1)
                .execution_options(synchronize_session=False),
            )
            return int(result.rowcount or 0)

    def _outcome_for(self, notification_id: int, error: str) -> Outcome:
        n = self.get(notification_id)
        return Outcome(notification_id, n.recipient, n.subject, False, error)

    # -- building ---------------------------------------------------------------------------

    def _transport(self) -> SmtpTransport | FileTransport:
        if not self.uses_smtp:
            return FileTransport(self.folder())
        return SmtpTransport(self.settings, smtp_password(self.settings))

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

    # The old name, kept for callers; last in the class, so that no annotation above reads
    # it in place of the builtin.
    list = messages


def _changed(db: DbSession, statement: Update) -> CursorResult[Any]:
    """Run an UPDATE; its result tells how many rows it changed (``rowcount``)."""
    return cast("CursorResult[Any]", db.execute(statement))
