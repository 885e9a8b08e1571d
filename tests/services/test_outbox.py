"""Client notices leave through a real SMTP server on 127.0.0.1, or as private .eml files."""

from __future__ import annotations

import stat
from collections.abc import Iterator
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

import pytest
from icalendar import Calendar

from kara_smtp import SmtpServer, self_signed
from kara_tui.config import Settings, SmtpSettings
from kara_tui.db.rows import ClientRow, NotificationRow
from kara_tui.domain import DomainError, Money, NotificationStatus, Reason
from kara_tui.ical import itip
from kara_tui.services.outbox import Outbox, OutboxError
from kara_tui.services.practice import Practice

NOW = datetime(2026, 11, 16, 8, 0, tzinfo=UTC)  # the clock fixture's time
TUESDAY_10 = datetime(2026, 11, 17, 10, 0, tzinfo=UTC)
THURSDAY_14 = datetime(2026, 11, 19, 14, 0, tzinfo=UTC)


@pytest.fixture
def server() -> Iterator[SmtpServer]:
    smtp = SmtpServer().start()
    yield smtp
    smtp.stop()


@pytest.fixture
def setup(practice: Practice) -> Practice:
    practice.set_setting("name", "Dr Ada Byrne")
    practice.set_setting("email", "ada@practice.example")
    practice.add_client(
        "Zoë Quinn", email="zoe@client.example", fee=Money(9000, "GBP"), window_hours=24
    )
    return practice


def smtp_settings(server: SmtpServer, **changes: object) -> Settings:
    smtp = SmtpSettings(host="127.0.0.1", port=server.port, starttls=False)
    return Settings(smtp=SmtpSettings(**{**_fields(smtp), **changes}))


def _fields(smtp: SmtpSettings) -> dict[str, object]:
    return {name: getattr(smtp, name) for name in SmtpSettings.__slots__}


def calendar_part(msg: EmailMessage) -> tuple[EmailMessage, Calendar]:
    parts = [p for p in msg.walk() if p.get_content_type() == "text/calendar"]
    assert len(parts) == 1
    part = parts[0]
    assert isinstance(part, EmailMessage)
    return part, Calendar.from_ical(part.get_content())


def row(practice: Practice, notification_id: int) -> NotificationRow:
    with practice.reading() as db:
        found = db.get(NotificationRow, notification_id)
        assert found is not None
        return found


def test_a_cancellation_reaches_the_client_as_an_update_of_the_same_event(
    setup: Practice, server: SmtpServer
) -> None:
    booked = setup.book("Zoë Quinn", TUESDAY_10, service="Therapy session")
    cancelled = setup.cancel(booked.id, Reason.CLIENT)
    outbox = Outbox(setup, smtp_settings(server))

    report = outbox.send_all()

    assert (report.sent, report.failed, report.errors) == (1, 0, [])
    assert len(server.received) == 1
    got = server.received[0]
    assert got.sender == "ada@practice.example"
    assert got.recipients == ["zoe@client.example"]
    msg = got.message
    assert msg["From"] == "Dr Ada Byrne <ada@practice.example>"
    assert msg["To"] == "zoe@client.example"
    assert msg["Subject"] == "Appointment cancelled: Tue 17 Nov 10:00"  # no kind of care
    assert msg["Date"] is not None and msg["Message-ID"].endswith("@practice.example>")
    text = msg.get_body(preferencelist=("plain",))
    assert text is not None
    assert "Dear Zoë Quinn" in text.get_content()
    assert "Tuesday 17 November 2026 at 10:00" in text.get_content()

    part, cal = calendar_part(msg)
    assert part.get_param("method") == "CANCEL"
    assert part.get_content_charset() == "utf-8"
    assert part.get_content().startswith("BEGIN:VCALENDAR\r\n")  # CRLF kept (base64)
    assert cal["METHOD"] == "CANCEL"
    (event,) = cal.walk("VEVENT")
    assert str(event["UID"]) == booked.uid
    assert int(event["SEQUENCE"]) == cancelled.sequence > booked.sequence
    assert event["STATUS"] == "CANCELLED"
    assert str(event["ATTENDEE"]) == "mailto:zoe@client.example"
    attached = [p for p in msg.iter_attachments() if p.get_filename() == "invite.ics"]
    assert len(attached) == 1

    stored = row(setup, report.outcomes[0].notification_id)
    assert stored.status == "sent"
    assert stored.sent_at == NOW
    assert stored.attempts == 1
    assert stored.message_id == msg["Message-ID"]

    # Nothing is sent twice.
    assert outbox.send_all().sent == 0
    assert len(server.received) == 1


def test_a_reschedule_sends_the_cancellation_then_the_new_booking(
    setup: Practice, server: SmtpServer
) -> None:
    old = setup.book("Zoë Quinn", TUESDAY_10)
    new = setup.reschedule(old.id, THURSDAY_14, by=Reason.CLIENT)

    report = Outbox(setup, smtp_settings(server)).send_all()

    assert report.sent == 2
    first, second = (calendar_part(r.message)[1] for r in server.received)
    assert first["METHOD"] == "CANCEL"
    assert str(first.walk("VEVENT")[0]["UID"]) == old.uid
    assert second["METHOD"] == "REQUEST"
    event = second.walk("VEVENT")[0]
    assert str(event["UID"]) == new.uid != old.uid
    assert event["STATUS"] == "CONFIRMED"
    assert event.decoded("DTSTART") == THURSDAY_14
    assert server.received[1].message["Subject"] == "Appointment confirmed: Thu 19 Nov 14:00"
    part, _ = calendar_part(server.received[1].message)
    assert part.get_param("method") == "REQUEST"


def test_a_refused_message_stays_queued_and_a_retry_sends_it_once(
    setup: Practice, server: SmtpServer
) -> None:
    session = setup.book("Zoë Quinn", TUESDAY_10)
    setup.cancel(session.id, Reason.PROFESSIONAL)
    outbox = Outbox(setup, smtp_settings(server))
    server.reject = "550 5.1.1 mailbox unavailable"

    report = outbox.send_all()

    assert (report.sent, report.failed) == (0, 1)
    assert "rejected the message (550 5.1.1 mailbox unavailable)" in report.errors[0]
    (notice,) = setup.list_notifications()
    assert notice.status is NotificationStatus.QUEUED
    assert "550 5.1.1 mailbox unavailable" in notice.error
    assert notice.attempts == 1
    first_id = row(setup, notice.id).message_id
    assert first_id

    server.reject = ""
    again = outbox.retry(notice.id)

    assert (again.sent, again.failed) == (1, 0)
    assert len(server.received) == 1
    assert server.received[0].message["Message-ID"] == first_id  # the same message, resent
    after = row(setup, notice.id)
    assert (after.status, after.error, after.attempts) == ("sent", "", 2)
    assert outbox.send_all().sent == 0
    with pytest.raises(DomainError, match="already sent"):
        outbox.retry(notice.id)
    assert len(server.received) == 1


def test_a_stopped_server_leaves_everything_queued_until_it_is_back(setup: Practice) -> None:
    server = SmtpServer()  # not started: its port refuses connections
    first = setup.book("Zoë Quinn", TUESDAY_10)
    setup.reschedule(first.id, THURSDAY_14, by=Reason.PROFESSIONAL)
    outbox = Outbox(setup, smtp_settings(server))

    report = outbox.send_all()

    assert (report.sent, report.failed) == (0, 2)
    assert report.errors == [
        f"cannot connect to the mail server at 127.0.0.1:{server.port}: connection refused; "
        "2 messages stay queued"
    ]
    assert [(n.status, n.attempts) for n in setup.list_notifications()] == [
        (NotificationStatus.QUEUED, 1),
        (NotificationStatus.QUEUED, 1),
    ]
    assert "connection refused" in setup.list_notifications()[0].error

    server.start()
    try:
        assert outbox.send_all().sent == 2
        assert outbox.send_all().sent == 0
    finally:
        server.stop()
    assert [calendar_part(r.message)[1]["METHOD"] for r in server.received] == [
        "CANCEL",
        "REQUEST",
    ]


def test_two_senders_at_once_never_send_a_message_twice(
    setup: Practice, server: SmtpServer, tmp_path: Path
) -> None:
    session = setup.book("Zoë Quinn", TUESDAY_10)
    setup.reschedule(session.id, THURSDAY_14, by=Reason.CLIENT)  # two messages queued
    other = Outbox(setup, Settings(outbox_dir=tmp_path / "other"))
    seen = []

    def second_sender() -> None:  # starts while the first message is in flight
        if not seen:
            seen.append(other.send_all())

    server.on_data = second_sender

    report = Outbox(setup, smtp_settings(server)).send_all()

    # The second sender skipped the message in flight and took the next; the first sender
    # then found that one taken and left it alone.
    assert (report.sent, report.failed) == (1, 0)
    assert [(r.sent, r.failed) for r in seen] == [(1, 0)]
    assert len(server.received) == 1
    assert calendar_part(server.received[0].message)[1]["METHOD"] == "CANCEL"
    assert [p.name[:2] for p in (tmp_path / "other").iterdir()] == ["2-"]
    assert {n.status for n in setup.list_notifications()} == {NotificationStatus.SENT}


def test_a_message_left_in_sending_is_skipped_but_can_be_retried(
    setup: Practice, server: SmtpServer
) -> None:
    session = setup.book("Zoë Quinn", TUESDAY_10)
    setup.cancel(session.id, Reason.CLIENT)
    (notice,) = setup.list_notifications()
    with setup.writing() as db:  # as if kara-tui stopped in the middle of sending it
        stuck = db.get(NotificationRow, notice.id)
        assert stuck is not None
        stuck.status = "sending"
    outbox = Outbox(setup, smtp_settings(server))

    assert outbox.send_all().sent == 0
    assert outbox.list()[0].status is NotificationStatus.SENDING
    assert outbox.retry(notice.id).sent == 1
    assert len(server.received) == 1


def test_a_client_without_an_address_fails_until_one_is_added(
    setup: Practice, server: SmtpServer
) -> None:
    setup.add_client("Ben Ortiz")
    session = setup.book("Ben Ortiz", TUESDAY_10)
    setup.cancel(session.id, Reason.PROFESSIONAL)
    assert setup.list_notifications() == []  # issue 11: nothing is queued without an address
    # A failed notice an older kara-tui queued for him is still shown and can be retried.
    session = setup.book("Ben Ortiz", TUESDAY_10)
    setup.cancel(session.id, Reason.PROFESSIONAL)
    with setup.writing() as db:
        db.add(
            NotificationRow(
                session_id=session.id,
                kind="cancellation",
                recipient="",
                subject="Appointment cancelled: Tue 17 Nov 10:00",
                body="Dear Ben Ortiz,\n",
                ical=itip.build(
                    method="CANCEL",
                    uid=session.uid,
                    sequence=1,
                    start=session.start,
                    end=session.end,
                    summary="Appointment",
                    location="",
                    organizer_name="Dr Ada Byrne",
                    organizer_email="ada@practice.example",
                    attendee_name="Ben Ortiz",
                    attendee_email="",
                    stamp=NOW,
                ),
                status="failed",
                error="the client has no email address",
                attempts=0,
                created_at=NOW,
            )
        )
    outbox = Outbox(setup, smtp_settings(server))

    assert outbox.send_all().sent == 0
    (notice,) = outbox.list()
    assert (notice.status, notice.error) == (
        NotificationStatus.FAILED,
        "the client has no email address",
    )
    with pytest.raises(DomainError, match="no email address"):
        outbox.retry(notice.id)

    with setup.writing() as db:
        client = db.get(ClientRow, session.client_id)
        assert client is not None
        client.email = "ben@client.example"
    report = outbox.retry(notice.id)

    assert report.sent == 1
    assert server.received[0].recipients == ["ben@client.example"]
    event = calendar_part(server.received[0].message)[1].walk("VEVENT")[0]
    assert str(event["ATTENDEE"]) == "mailto:ben@client.example"


def test_without_smtp_messages_become_private_eml_files(setup: Practice, tmp_path: Path) -> None:
    session = setup.book("Zoë Quinn", TUESDAY_10, service="Therapy session")
    setup.reschedule(session.id, THURSDAY_14, by=Reason.CLIENT)
    folder = tmp_path / "outbox"
    outbox = Outbox(setup, Settings(outbox_dir=folder))

    report = outbox.send_all()

    assert report.sent == 2
    files = sorted(folder.iterdir())
    assert [f.name for f in files] == [
        "1-appointment-moved-tue-17-nov-10-00.eml",
        "2-appointment-confirmed-thu-19-nov-14-00.eml",
    ]
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    methods = []
    for path in files:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        msg = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
        assert isinstance(msg, EmailMessage)
        assert msg["To"] == "zoe@client.example"
        assert msg["Message-ID"]
        methods.append(calendar_part(msg)[1]["METHOD"])
    assert methods == ["CANCEL", "REQUEST"]
    assert report.outcomes[0].detail == f"written to {files[0]}"
    assert {n.status for n in outbox.list()} == {NotificationStatus.SENT}
    assert outbox.send_all().sent == 0
    assert len(list(folder.iterdir())) == 2


def test_without_any_from_address_nothing_is_touched(practice: Practice, tmp_path: Path) -> None:
    practice.add_client("Zoë Quinn", email="zoe@client.example")
    session = practice.book("Zoë Quinn", TUESDAY_10)
    practice.cancel(session.id, Reason.CLIENT)
    outbox = Outbox(practice, Settings(outbox_dir=tmp_path / "out"))

    with pytest.raises(OutboxError, match="need a From: address"):
        outbox.send_all()

    (notice,) = outbox.list()
    assert (notice.status, notice.attempts, notice.error) == (NotificationStatus.QUEUED, 0, "")
    sender = Settings(outbox_dir=tmp_path / "out", smtp=SmtpSettings(sender="desk@example.org"))
    assert Outbox(practice, sender).send_all().sent == 1


def test_a_user_without_a_password_gets_one_clear_sentence(
    setup: Practice, server: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("KARA_TEST_SMTP_PASSWORD", raising=False)
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")
    session = setup.book("Zoë Quinn", TUESDAY_10)
    setup.cancel(session.id, Reason.CLIENT)
    settings = smtp_settings(server, user="ada", password_env="KARA_TEST_SMTP_PASSWORD")

    with pytest.raises(OutboxError) as caught:
        Outbox(setup, settings).send_all()

    assert str(caught.value) == (
        "no password for the mail user 'ada': put it in the environment variable "
        "KARA_TEST_SMTP_PASSWORD or in the keyring (keyring set kara-tui ada)"
    )
    assert setup.list_notifications()[0].attempts == 0


def test_login_uses_the_password_from_the_environment_and_never_shows_it(
    setup: Practice, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = SmtpServer(password="right horse battery").start()
    try:
        session = setup.book("Zoë Quinn", TUESDAY_10)
        setup.cancel(session.id, Reason.CLIENT)
        settings = smtp_settings(server, user="ada", password_env="KARA_TEST_SMTP_PASSWORD")
        outbox = Outbox(setup, settings)

        monkeypatch.setenv("KARA_TEST_SMTP_PASSWORD", "wrong staple")
        refused = outbox.send_all()
        assert refused.sent == 0
        assert "refused the login for 'ada'" in refused.errors[0]
        assert "wrong staple" not in refused.errors[0]
        assert "wrong staple" not in setup.list_notifications()[0].error

        monkeypatch.setenv("KARA_TEST_SMTP_PASSWORD", "right horse battery")
        assert outbox.send_all().sent == 1
    finally:
        server.stop()
    assert server.logins[-1] == ("ada", "right horse battery")
    assert len(server.received) == 1


def test_starttls_is_required_when_configured(setup: Practice, server: SmtpServer) -> None:
    session = setup.book("Zoë Quinn", TUESDAY_10)
    setup.cancel(session.id, Reason.CLIENT)

    report = Outbox(setup, smtp_settings(server, starttls=True)).send_all()

    assert report.sent == 0
    assert "does not offer STARTTLS" in report.errors[0]
    assert server.received == []


def test_preview_shows_what_the_client_will_read(setup: Practice) -> None:
    session = setup.book("Zoë Quinn", TUESDAY_10)
    setup.cancel(session.id, Reason.CLIENT)
    (notice,) = setup.list_notifications()

    text = Outbox(setup, Settings()).preview(notice.id)

    assert "To:      zoe@client.example" in text
    assert "From:    Dr Ada Byrne <ada@practice.example>" in text
    assert "has been cancelled" in text
    assert "METHOD:CANCEL" in text


def test_starttls_then_login_then_send(
    setup: Practice, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("cryptography")
    cert, context = self_signed(tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # trust the test's own certificate
    monkeypatch.setenv("KARA_TEST_SMTP_PASSWORD", "right horse battery")
    server = SmtpServer(password="right horse battery", tls=context).start()
    try:
        session = setup.book("Zoë Quinn", TUESDAY_10)
        setup.cancel(session.id, Reason.CLIENT)
        settings = smtp_settings(
            server, starttls=True, user="ada", password_env="KARA_TEST_SMTP_PASSWORD"
        )
        report = Outbox(setup, settings).send_all()
    finally:
        server.stop()

    assert (report.sent, report.errors) == (1, [])
    assert server.logins == [("ada", "right horse battery")]  # only possible after STARTTLS
    assert len(server.received) == 1


def test_an_untrusted_certificate_is_one_sentence(setup: Practice, tmp_path: Path) -> None:
    pytest.importorskip("cryptography")
    _, context = self_signed(tmp_path)  # not trusted by the client
    server = SmtpServer(tls=context).start()
    try:
        session = setup.book("Zoë Quinn", TUESDAY_10)
        setup.cancel(session.id, Reason.CLIENT)
        report = Outbox(setup, smtp_settings(server, starttls=True)).send_all()
    finally:
        server.stop()

    assert report.sent == 0
    assert report.errors[0].startswith(
        f"a secure connection to the mail server at 127.0.0.1:{server.port} failed ("
    )
    assert "CERTIFICATE_VERIFY_FAILED" in report.errors[0]
    assert server.received == []


def test_messages_lists_by_status_and_the_old_name_still_answers(
    setup: Practice, tmp_path: Path
) -> None:
    session = setup.book("Zoë Quinn", TUESDAY_10, service="Therapy session")
    setup.cancel(session.id, Reason.PROFESSIONAL)
    outbox = Outbox(setup, Settings(outbox_dir=tmp_path / "outbox"))
    queued = outbox.messages(status=NotificationStatus.QUEUED)
    assert queued and all(n.status is NotificationStatus.QUEUED for n in queued)
    assert outbox.list(status=NotificationStatus.QUEUED) == queued
    assert outbox.messages(status=NotificationStatus.SENT) == []


def test_the_mail_password_comes_from_the_keyring_and_a_broken_one_is_a_clear_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The SMTP password is read through the one keyring helper (services/keyring_secrets.py):
    found under the service 'kara-tui'; a keyring that fails is the one-line 'no password'."""
    import keyring as keyring_module
    from keyring.backends import fail

    from feedkit import MemoryKeyring
    from kara_tui.services.outbox_transport import smtp_password

    monkeypatch.delenv("KARA_SMTP_PASSWORD", raising=False)
    settings = Settings(smtp=SmtpSettings(host="127.0.0.1", user="desk"))
    previous = keyring_module.get_keyring()
    try:
        kept = MemoryKeyring()
        kept.set_password("kara-tui", "desk", "s3cret")
        keyring_module.set_keyring(kept)
        assert smtp_password(settings) == "s3cret"
        keyring_module.set_keyring(fail.Keyring())
        with pytest.raises(OutboxError, match="no password for the mail user 'desk'"):
            smtp_password(settings)
    finally:
        keyring_module.set_keyring(previous)
