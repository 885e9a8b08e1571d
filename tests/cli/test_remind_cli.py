"""`kara-tui remind` (issue 17): due reminders go once, even from two processes at the same time,
to a real SMTP server on 127.0.0.1; KARA_NOW chooses the moment."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from kara_smtp import SmtpServer

LATER = "2026-11-20T20:00:00+00:00"  # Friday 20:00: every Saturday reminder below is due


@pytest.fixture
def server() -> Iterator[SmtpServer]:
    smtp = SmtpServer().start()
    yield smtp
    smtp.stop()


def _practice(cli: Callable[..., Any], tmp_path: Path, port: int, sessions: int) -> None:
    (tmp_path / "config.toml").write_text(
        f'[smtp]\nhost = "127.0.0.1"\nport = {port}\nstarttls = false\n', encoding="utf-8"
    )
    assert cli("settings", "set", "email", "ada@practice.example").code == 0
    for i in range(sessions):
        assert cli("clients", "add", f"Client {i}", "--email", f"c{i}@example.com").code == 0
        start = f"2026-11-21 {8 + i // 2:02d}:{(i % 2) * 30:02d}"
        booked = cli(
            "sessions", "add", "--client", f"Client {i}", "--start", start, "--minutes", "25",
            "--force", "--no-notify",
        )  # fmt: skip
        assert booked.code == 0, booked.err


def _env(db_url: str, tmp_path: Path, now: str) -> dict[str, str]:
    return {
        **os.environ,
        "KARA_DB": db_url,
        "KARA_NOW": now,
        "KARA_CONFIG": str(tmp_path / "config.toml"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
    }


def test_dry_run_lists_and_sends_nothing(cli, db_url: str, tmp_path: Path, server) -> None:
    _practice(cli, tmp_path, server.port, 2)
    out = subprocess.run(
        [sys.executable, "-m", "kara_tui", "remind", "--dry-run", "--json"],
        env=_env(db_url, tmp_path, LATER),
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert doc["dry_run"] is True
    assert [d["lead_hours"] for d in doc["due"]] == [24, 24]
    assert server.received == []
    early = subprocess.run(
        [sys.executable, "-m", "kara_tui", "remind"],
        env=_env(db_url, tmp_path, "2026-11-16T08:00:00+00:00"),
        capture_output=True,
        text=True,
        check=False,
    )
    assert (early.returncode, early.stdout) == (0, "0 reminder(s) sent, 0 not sent\n")


@pytest.mark.slow  # a race of two kara-tui processes: seconds of interpreter start-up and locking
def test_two_processes_at_once_send_each_reminder_exactly_once(
    cli, db_url: str, tmp_path: Path, server: SmtpServer
) -> None:
    count = 12
    _practice(cli, tmp_path, server.port, count)
    env = _env(db_url, tmp_path, LATER)
    command = [sys.executable, "-m", "kara_tui", "remind", "--json"]
    procs = [
        subprocess.Popen(
            command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    results = [p.communicate(timeout=120) for p in procs]
    for p, (_out, err) in zip(procs, results, strict=True):
        assert p.returncode == 0, err
    sent = [json.loads(out)["sent"] for out, _ in results]
    assert sum(sent) == count
    recipients = sorted(r.recipients[0] for r in server.received)
    assert recipients == sorted(f"c{i}@example.com" for i in range(count))
    subjects = {r.message["Subject"] for r in server.received}
    assert all(s.startswith("Appointment reminder: Sat 21 Nov ") for s in subjects)
    again = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    assert json.loads(again.stdout)["sent"] == 0
    assert len(server.received) == count


def test_outbox_send_sends_due_reminders_too(
    cli, db_url: str, tmp_path: Path, server: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    _practice(cli, tmp_path, server.port, 1)
    assert cli("outbox", "send").out == "Nothing to send: no message is queued.\n"
    monkeypatch.setenv("KARA_NOW", LATER)
    sent = cli("outbox", "send")
    assert sent.code == 0, sent.err
    [received] = server.received
    assert received.message["Subject"] == "Appointment reminder: Sat 21 Nov 08:00"
    assert not any(p.get_content_type() == "text/calendar" for p in received.message.walk())
    assert cli("remind", "--json").json()["sent"] == 0
    assert len(server.received) == 1


def test_remind_sends_the_queued_invitation_first_so_a_cron_line_is_all_the_setup(
    cli, tmp_path: Path, server: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    _practice(cli, tmp_path, server.port, 0)
    assert cli("clients", "add", "Ann", "--email", "ann@example.com").code == 0
    assert (
        cli("sessions", "add", "--client", "Ann", "--start", "2026-11-21 08:00", "--force").code
        == 0
    )
    monkeypatch.setenv("KARA_NOW", LATER)
    r = cli("remind")
    assert r.code == 0, r.err
    assert r.out.endswith(
        "1 reminder(s) sent (and 1 other notice(s) that were queued), 0 not sent\n"
    )
    assert [m.message["Subject"] for m in server.received] == [
        "Appointment confirmed: Sat 21 Nov 08:00",
        "Appointment reminder: Sat 21 Nov 08:00",
    ]
    assert cli("remind", "--json").json()["notices_sent"] == 0  # nothing goes twice


def test_only_reminders_leaves_the_other_notices_queued(
    cli, tmp_path: Path, server: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    _practice(cli, tmp_path, server.port, 0)
    assert cli("clients", "add", "Ann", "--email", "ann@example.com").code == 0
    assert (
        cli("sessions", "add", "--client", "Ann", "--start", "2026-11-21 08:00", "--force").code
        == 0
    )
    monkeypatch.setenv("KARA_NOW", LATER)
    doc = cli("remind", "--only-reminders", "--json").json()
    assert (doc["sent"], doc["notices_sent"]) == (1, 0)
    assert [
        n["status"] for n in cli("outbox", "list", "--json").json() if n["kind"] != "reminder"
    ] == ["queued"]


def test_outbox_show_of_a_reminder_has_no_calendar_part(
    cli, tmp_path: Path, server: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    _practice(cli, tmp_path, server.port, 1)
    monkeypatch.setenv("KARA_NOW", LATER)
    assert cli("remind").code == 0
    [note] = cli("outbox", "list", "--json").json()
    assert note["kind"] == "reminder"
    shown = cli("outbox", "show", str(note["id"])).out
    assert "Subject: Appointment reminder: Sat 21 Nov 08:00" in shown
    assert "calendar part" not in shown


def test_a_refused_reminder_keeps_its_error_and_is_retried_after_a_wait(
    cli, tmp_path: Path, server: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    _practice(cli, tmp_path, server.port, 1)
    server.reject = "451 try again later"
    monkeypatch.setenv("KARA_NOW", LATER)
    failed = cli("remind", "--json")
    assert failed.code == 1
    assert failed.json()["sent"] == 0
    [note] = cli("outbox", "list", "--json").json()
    assert note["status"] == "queued"
    assert "451" in note["error"]
    server.reject = ""
    monkeypatch.setenv("KARA_NOW", "2026-11-20T20:02:00+00:00")  # too soon: backing off
    assert cli("remind", "--json").json()["sent"] == 0
    monkeypatch.setenv("KARA_NOW", "2026-11-20T20:06:00+00:00")
    assert cli("remind", "--json").json()["sent"] == 1
    assert len(server.received) == 1
    monkeypatch.setenv("KARA_NOW", "2026-11-21T09:00:00+00:00")  # after the start: nothing
    assert cli("remind", "--json").json()["sent"] == 0


def test_a_reminder_never_sent_is_given_up_once_the_session_starts(
    cli, tmp_path: Path, server: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    _practice(cli, tmp_path, server.port, 1)
    server.reject = "451 try again later"
    monkeypatch.setenv("KARA_NOW", LATER)
    assert cli("remind").code == 1
    server.reject = ""
    monkeypatch.setenv("KARA_NOW", "2026-11-21T08:05:00+00:00")  # the session began at 08:00
    given_up = cli("remind", "--json").json()
    assert given_up["sent"] == 0
    assert given_up["not_sent"][0]["why"] == "the session has started"
    [note] = cli("outbox", "list", "--json").json()
    assert note["status"] == "discarded"
    assert server.received == []


def test_clients_add_takes_reminders_and_refuses_a_bad_lead_adding_nothing(
    cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    added = cli("clients", "add", "Ann", "--email", "a@example.com", "--reminders", "none")
    assert added.code == 0, added.err
    assert (
        cli("sessions", "add", "--client", "Ann", "--start", "2026-11-20 21:00", "--force").code
        == 0
    )
    bad = cli("clients", "add", "Bea", "--reminders", "12")
    assert bad.code != 0
    assert "'12' is not a reminder lead" in bad.err
    assert [c["name"] for c in cli("clients", "list", "--json").json()] == ["Ann"]
    monkeypatch.setenv("KARA_NOW", LATER)
    assert cli("remind", "--dry-run", "--json").json()["due"] == []  # Ann opted out


@pytest.mark.parametrize(
    ("key", "value", "said"),
    [
        (
            "reminder_leads",
            "5",
            "'5' is not a reminder lead (choose from 48, 24, 2 hours, or none)",
        ),
        ("reminder_leads", "24,abc", "'abc' is not a reminder lead"),
        ("quiet_hours", "25:00-08:00", "quiet hours are two times like 21:00-08:00"),
        ("quiet_hours", "08:00-08:00", "quiet hours need a start and an end that differ"),
    ],
)
def test_reminder_settings_refuse_bad_values_in_one_line(cli, key: str, value: str, said: str):
    refused = cli("settings", "set", key, value)
    assert refused.code != 0
    assert said in refused.err
    assert refused.err.count("\n") == 1
    assert "Traceback" not in refused.err
    shown = cli("settings", "show", "--json").json()
    assert (shown["reminder_leads"], shown["quiet_hours"]) == ("24", "21:00-08:00")


def test_reminder_settings_are_stored_as_read_back(cli) -> None:
    assert cli("settings", "set", "reminder_leads", "2, 48h").code == 0
    assert cli("settings", "set", "quiet_hours", "none").code == 0
    shown = cli("settings", "show", "--json").json()
    assert (shown["reminder_leads"], shown["quiet_hours"]) == ("48,2", "none")
