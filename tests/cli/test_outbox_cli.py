"""`kara-tui outbox list/send/retry/show` against a real SMTP server on 127.0.0.1."""

from __future__ import annotations

import stat
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from email import policy
from email.parser import BytesParser
from pathlib import Path
from typing import Any

import pytest
from icalendar import Calendar

from kara_smtp import SmtpServer


@pytest.fixture
def server() -> Iterator[SmtpServer]:
    smtp = SmtpServer().start()
    yield smtp
    smtp.stop()


def write_config(tmp_path: Path, text: str) -> None:
    (tmp_path / "config.toml").write_text(text, encoding="utf-8")


def smtp_config(tmp_path: Path, port: int, extra: str = "") -> None:
    write_config(tmp_path, f'[smtp]\nhost = "127.0.0.1"\nport = {port}\nstarttls = false\n{extra}')


@pytest.fixture
def cancelled(cli: Callable[..., Any]) -> str:
    """A practice with one cancelled session; returns the session id."""
    assert cli("settings", "set", "name", "Dr Ada Byrne").code == 0
    assert cli("settings", "set", "email", "ada@practice.example").code == 0
    assert cli("clients", "add", "Zoë Quinn", "--email", "zoe@client.example").code == 0
    booked = cli(
        "sessions", "add", "--client", "Zoë Quinn", "--start", "2026-11-17 10:00", "--json"
    )
    assert booked.code == 0, booked.err
    session_id = str(booked.json()["id"])
    assert cli("sessions", "cancel", session_id, "--reason", "client").code == 0
    return session_id


def test_list_send_and_list_again(
    cli: Callable[..., Any], cancelled: str, server: SmtpServer, tmp_path: Path
) -> None:
    smtp_config(tmp_path, server.port)

    before = cli("outbox", "list", "--json")
    assert before.code == 0
    (message,) = before.json()
    assert message["status"] == "queued"
    assert message["recipient"] == "zoe@client.example"
    assert message["kind"] == "cancellation"
    assert message["session_id"] == int(cancelled)
    text = cli("outbox", "list")
    assert "queued" in text.out and "zoe@client.example" in text.out

    sent = cli("outbox", "send")

    assert sent.code == 0, sent.err
    assert f"sent via 127.0.0.1:{server.port}" in sent.out
    assert "1 sent, 0 not sent" in sent.out
    assert len(server.received) == 1
    part = next(
        p for p in server.received[0].message.walk() if p.get_content_type() == "text/calendar"
    )
    assert Calendar.from_ical(part.get_content())["METHOD"] == "CANCEL"
    (after,) = cli("outbox", "list", "--json").json()
    assert after["status"] == "sent"
    assert after["sent_at"] == "2026-11-16T08:00:00+00:00"

    again = cli("outbox", "send")
    assert again.code == 0
    assert "Nothing to send" in again.out
    assert len(server.received) == 1


def test_a_refused_message_exits_non_zero_and_retry_sends_it(
    cli: Callable[..., Any], cancelled: str, server: SmtpServer, tmp_path: Path
) -> None:
    smtp_config(tmp_path, server.port)
    server.reject = "550 5.7.1 relaying denied"

    failed = cli("outbox", "send")

    assert failed.code == 1
    assert "rejected the message (550 5.7.1 relaying denied)" in failed.err
    assert "0 sent, 1 not sent" in failed.out
    (message,) = cli("outbox", "list", "--json").json()
    assert message["status"] == "queued"
    assert "550" in message["error"]
    assert message["attempts"] == 1

    server.reject = ""
    retried = cli("outbox", "retry", str(message["id"]))

    assert retried.code == 0, retried.err
    assert len(server.received) == 1
    twice = cli("outbox", "retry", str(message["id"]))
    assert twice.code == 2
    assert "already sent" in twice.err
    assert len(server.received) == 1


def test_a_stopped_server_is_one_sentence(
    cli: Callable[..., Any], cancelled: str, tmp_path: Path
) -> None:
    port = SmtpServer().port  # nothing listens there
    smtp_config(tmp_path, port)

    result = cli("outbox", "send", "--json")

    assert result.code == 1
    report = result.json()
    assert report["sent"] == 0 and report["failed"] == 1
    assert report["errors"] == [
        f"cannot connect to the mail server at 127.0.0.1:{port}: connection refused; "
        "1 message stays queued"
    ]
    assert "Traceback" not in result.err


def test_without_smtp_the_messages_are_eml_files(
    cli: Callable[..., Any], cancelled: str, tmp_path: Path
) -> None:
    folder = tmp_path / "outbox"
    write_config(tmp_path, f'outbox_dir = "{folder}"\n')

    result = cli("outbox", "send")

    assert result.code == 0, result.err
    (path,) = folder.iterdir()
    assert f"written to {path}" in result.out
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    msg = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
    assert msg["To"] == "zoe@client.example"
    assert any(p.get_content_type() == "text/calendar" for p in msg.walk())


def test_a_user_without_a_password_is_told_so(
    cli: Callable[..., Any],
    cancelled: str,
    server: SmtpServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("KARA_SMTP_PASSWORD", raising=False)
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")
    smtp_config(tmp_path, server.port, 'user = "ada"\n')

    result = cli("outbox", "send")

    assert result.code == 2
    assert result.err.strip() == (
        "kara-tui: no password for the mail user 'ada': put it in the environment variable "
        "KARA_SMTP_PASSWORD or in the keyring (keyring set kara-tui ada)"
    )
    assert cli("outbox", "list", "--json").json()[0]["status"] == "queued"


def test_show_and_bad_ids(cli: Callable[..., Any], cancelled: str) -> None:
    (message,) = cli("outbox", "list", "--json").json()

    shown = cli("outbox", "show", str(message["id"]))
    assert shown.code == 0
    assert "METHOD:CANCEL" in shown.out and "Dear Zoë Quinn" in shown.out

    assert cli("outbox", "show", "999").err.strip() == "kara-tui: no message with id 999"
    assert cli("outbox", "retry", "abc").code == 2
    assert "not a status" in cli("outbox", "list", "--status", "lost").err


def test_a_send_killed_mid_message_is_left_for_the_user_to_retry(
    cli: Callable[..., Any], cancelled: str, server: SmtpServer, tmp_path: Path
) -> None:
    """A crash while the server holds the message: nobody knows if it went, so it is
    neither resent by the next `send` nor forgotten; `retry` sends it with the same id."""
    smtp_config(tmp_path, server.port)
    arrived, release = threading.Event(), threading.Event()

    def hold() -> None:
        arrived.set()
        release.wait(30)

    server.on_data = hold
    proc = subprocess.Popen(
        [sys.executable, "-m", "kara_tui", "outbox", "send"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert arrived.wait(60), "the message never reached the server"
        proc.kill()
        proc.wait(30)
    finally:
        release.set()
    server.on_data = None

    (message,) = cli("outbox", "list", "--json").json()
    assert message["status"] == "sending"
    assert "sending was interrupted" in message["error"]
    assert "Nothing to send" in cli("outbox", "send").out

    retried = cli("outbox", "retry", str(message["id"]))

    assert retried.code == 0, retried.err
    assert len(server.received) == 2  # the server did take the first one in the end
    ids = {r.message["Message-ID"] for r in server.received}
    assert len(ids) == 1  # a resend is the same message, so mail programs show it once
    assert cli("outbox", "list", "--json").json()[0]["status"] == "sent"


def test_writing_files_says_written_to_the_file_not_sent(
    cli: Callable[..., Any], cancelled: str, tmp_path: Path
) -> None:
    """Issue 11: '.eml' files were reported as sent."""
    folder = tmp_path / "eml"
    write_config(tmp_path, f'outbox_dir = "{folder}"\n')
    sent = cli("outbox", "send")
    assert sent.code == 0, sent.err
    path = folder / "1-appointment-cancelled-tue-17-nov-10-00.eml"
    assert path.exists()
    assert sent.out.splitlines()[-1] == "1 written to files, 0 not sent"
    assert f"(written to {path})" in sent.out
    listed = cli("outbox", "list")
    assert listed.out.split()[1] == "written"
    assert f"[written to {path}]" in listed.out
    [doc] = cli("outbox", "list", "--json").json()
    assert (doc["status"], doc["outcome"]) == ("sent", f"written to {path}")
    again = cli("outbox", "retry", "1")
    assert again.code != 0
    assert "message 1 was already written" in again.err


def test_discard_drops_a_queued_message_and_records_it(
    cli: Callable[..., Any], cancelled: str, server: SmtpServer, tmp_path: Path
) -> None:
    smtp_config(tmp_path, server.port)
    done = cli("outbox", "discard", "1")
    assert done.code == 0, done.err
    assert done.out == (
        "Message 1 discarded: it will not be sent (Appointment cancelled: Tue 17 Nov 10:00).\n"
    )
    assert cli("outbox", "send").out.strip() == "Nothing to send: no message is queued."
    assert server.received == []
    [doc] = cli("outbox", "list", "--json").json()
    assert doc["status"] == "discarded"
    twice = cli("outbox", "discard", "1")
    assert twice.code != 0
    assert "only a queued or failed message can be discarded" in twice.err
    assert "no message with id 9" in cli("outbox", "discard", "9").err
    assert cli("outbox", "retry", "1").err.strip().endswith("was discarded; it is not sent")
