"""Notices from the CLI (issue 11): a personal line, and no notice for a client without email."""

from __future__ import annotations


def _clients(cli) -> None:
    assert cli("clients", "add", "Anna", "--email", "anna@example.com", "--fee", "90").code == 0
    assert cli("clients", "add", "Nomail", "--fee", "90").code == 0


def _book(cli, client: str, start: str) -> str:
    booked = cli("sessions", "add", "--client", client, "--start", start, "--force")
    assert booked.code == 0, booked.err
    return booked.out.strip()


def test_cancel_and_reschedule_carry_the_message(cli) -> None:
    _clients(cli)
    a = _book(cli, "Anna", "2026-11-17 10:00")
    b = _book(cli, "Anna", "2026-11-18 10:00")
    done = cli("sessions", "cancel", a, "--reason", "client", "--message", "See you next week.")
    assert (done.code, done.err) == (0, "")
    moved = cli(
        "sessions", "reschedule", b, "--start", "2026-11-19 10:00", "--by", "professional",
        "--message", "Sorry for the change.",
    )  # fmt: skip
    assert moved.code == 0, moved.err
    notices = cli("outbox", "list", "--json").json()
    assert [n["subject"] for n in notices] == [
        "Appointment cancelled: Tue 17 Nov 10:00",
        "Appointment moved: Wed 18 Nov 10:00",
        "Appointment confirmed: Thu 19 Nov 10:00",
    ]


def test_a_client_without_email_is_not_notified_and_nothing_is_queued(cli) -> None:
    _clients(cli)
    a = _book(cli, "Nomail", "2026-11-17 10:00")
    b = _book(cli, "Nomail", "2026-11-18 10:00")
    done = cli("sessions", "cancel", a, "--reason", "client")
    assert done.code == 0
    assert done.err == "not notified: no email address\n"
    moved = cli("sessions", "reschedule", b, "--start", "2026-11-19 10:00", "--by", "client")
    assert moved.err == "not notified: no email address\n"
    quiet = _book(cli, "Nomail", "2026-11-23 10:00")
    silent = cli("sessions", "cancel", quiet, "--reason", "client", "--no-notify")
    assert silent.err == ""
    assert cli("outbox", "list", "--json").json() == []


def test_cancel_range_says_how_many_were_not_notified(cli) -> None:
    _clients(cli)
    _book(cli, "Anna", "2026-11-17 10:00")
    _book(cli, "Nomail", "2026-11-17 12:00")
    _book(cli, "Nomail", "2026-11-18 12:00")
    done = cli(
        "sessions", "cancel-range", "--from", "2026-11-17", "--to", "2026-11-19",
        "--reason", "professional",
    )  # fmt: skip
    assert done.code == 0, done.err
    assert done.err == "2 session(s) not notified: no email address\n"
    assert len(cli("outbox", "list", "--json").json()) == 1


def test_a_no_show_with_a_message_tells_the_client(cli) -> None:
    _clients(cli)
    a = _book(cli, "Anna", "2026-11-16 07:00")  # the fixed clock is 08:00: it has started
    done = cli("sessions", "no-show", a, "--message", "Call me to rebook.")
    assert done.code == 0, done.err
    [notice] = cli("outbox", "list", "--json").json()
    assert notice["subject"] == "Missed appointment: Mon 16 Nov 07:00"
    b = _book(cli, "Anna", "2026-11-16 06:00")
    assert cli("sessions", "no-show", b).code == 0
    assert len(cli("outbox", "list", "--json").json()) == 1  # none without a message


def test_sessions_show_reads_notice_as_the_dialog_does(cli) -> None:
    _clients(cli)
    a = _book(cli, "Anna", "2026-11-16 19:44")  # 11 h 44 min after the fixed clock's 08:00
    assert cli("sessions", "cancel", a, "--reason", "client", "--no-notify").code == 0
    shown = cli("sessions", "show", a).out
    assert "11 h 44 min before the start (late)" in shown
