"""`clients edit / archive / restore / credit` from the command line: effects and bad input."""

from __future__ import annotations

import pytest
from test_practice_cli_errors import everything


@pytest.fixture
def world(cli) -> None:
    assert (
        cli("clients", "add", "Anna Smith", "--email", "anna@example.com", "--fee", "90").code == 0
    )
    assert cli("clients", "add", "Ben Jones", "--programme", "sponsored", "--credit", "2").code == 0
    assert cli("sessions", "add", "--client", "Anna Smith", "--start", "2026-11-17 10:00").code == 0


def test_edit_fee_window_and_email(cli, world) -> None:
    r = cli(
        "clients", "edit", "Anna", "--fee", "95", "--window-hours", "48",
        "--email", "a@example.org", "--json",
    )  # fmt: skip
    assert r.code == 0, r.err
    doc = r.json()
    assert (doc["fee"], doc["window_hours"], doc["email"]) == ("95.00", 48, "a@example.org")
    # The booked session keeps its fee; one booked now takes the new one.
    assert cli("sessions", "show", "1", "--json").json()["fee"] == "90.00"
    r = cli("sessions", "add", "--client", "Anna", "--start", "2026-11-18 10:00", "--json")
    assert r.json()["fee"] == "95.00"
    r = cli("clients", "edit", "Anna", "--fee", "100")
    assert r.out == (
        "Anna Smith (id 1) updated\n"
        "booked sessions keep their fee: Tue 17 Nov 10:00 (90.00 GBP), Wed 18 Nov 10:00"
        " (95.00 GBP) (--update-future changes them)\n"
    )
    r = cli("clients", "edit", "Anna", "--fee", "100.5", "--update-future")
    assert r.out == "Anna Smith (id 1) updated\n2 booked session(s) now at 100.50 GBP\n"
    assert cli("sessions", "show", "1", "--json").json()["fee"] == "100.50"
    r = cli("clients", "edit", "1", "--window-hours", "default", "--json")
    assert r.json()["window_hours"] is None


def test_edit_reminders_sets_own_leads_opt_out_or_the_default(cli, world) -> None:
    r = cli("clients", "edit", "Anna", "--reminders", "2,48", "--json")
    assert r.code == 0, r.err
    assert r.json()["reminder_leads"] == "48,2"
    assert "  reminders: 48,2 h before\n" in cli("clients", "show", "Anna").out
    assert cli("clients", "edit", "Anna", "--reminders", "none").code == 0
    assert cli("clients", "show", "Anna", "--json").json()["reminder_leads"] == "none"
    assert "reminders: none (opted out)" in cli("clients", "show", "Anna").out
    assert cli("clients", "edit", "Anna", "--reminders", "default").code == 0
    assert cli("clients", "show", "Anna", "--json").json()["reminder_leads"] is None
    r = cli("clients", "edit", "Anna", "--reminders", "12", "--phone", "0123")
    assert (r.code, r.out) == (2, "")
    assert r.err == "kara-tui: '12' is not a reminder lead (choose from 48, 24, 2 hours, or none)\n"
    assert cli("clients", "show", "Anna", "--json").json()["phone"] == ""


def test_archive_restore_and_the_default_list(cli, world) -> None:
    r = cli("clients", "archive", "Anna", "--yes")
    assert r.code == 2
    assert "Anna Smith has 1 session(s) still to come (Tue 17 Nov 10:00)" in r.err
    assert "--cancel-future" in r.err
    r = cli("clients", "archive", "Anna", "--cancel-future", "--no-notify")
    assert r.code == 0, r.err
    assert "cancelled (by the professional)" in r.out and "Anna Smith (id 1) archived" in r.out
    assert [c["name"] for c in cli("clients", "list", "--json").json()] == ["Ben Jones"]
    everyone = cli("clients", "list", "--all", "--json").json()
    assert [(c["name"], c["archived"]) for c in everyone] == [
        ("Anna Smith", True),
        ("Ben Jones", False),
    ]
    assert cli("sessions", "show", "1", "--json").json()["status"] == "cancelled"
    assert "Anna Smith" not in cli("clients", "list").out
    assert "archived" in next(
        line for line in cli("clients", "list", "--all").out.splitlines() if "Anna" in line
    )
    assert cli("clients", "restore", "Anna").out == "Anna Smith (id 1) restored\n"


def test_credit_top_up_and_show(cli, world) -> None:
    r = cli("clients", "credit", "Ben", "+10", "--note", "PO 4411")
    assert (r.code, r.out) == (0, "Ben Jones (id 2): 12 session(s) of credit\n")
    r = cli("clients", "credit", "Ben", "-2")
    assert r.out == "Ben Jones (id 2): 10 session(s) of credit\n"
    doc = cli("clients", "show", "Ben", "--json").json()
    assert (doc["sponsored_credit"], doc["credit_held"], doc["balance"]) == (10, 0, [])


BAD = [
    (("clients", "edit", "Nobody", "--fee", "90"), "no client called 'Nobody'"),
    (("clients", "edit", "99", "--fee", "90"), "no client with id 99"),
    (("clients", "edit", "Anna", "--fee", "abc"), "'abc' is not an amount"),
    (("clients", "edit", "Anna", "--currency", "pounds"), "is not a currency code"),
    (("clients", "edit", "Anna", "--email", "nope"), "'nope' is not an email address"),
    (("clients", "edit", "Anna", "--window-hours", "x"), "a whole number or 'default'"),
    (("clients", "edit", "Anna", "--programme", "vip"), "'vip' is not a programme"),
    (("clients", "edit", "Anna", "--name", "Ben Jones"), "already called 'Ben Jones' (id 2,"),
    (("clients", "edit", "Anna"), "nothing to change for Anna Smith"),
    (("clients", "edit", "Anna", "--update-future"), "--update-future goes with --fee"),
    (("clients", "edit", "Anna", "--reminders", "3"), "'3' is not a reminder lead"),
    (("clients", "edit", "Anna", "--reminders", "default"), "nothing to change for Anna Smith"),
    (("clients", "archive", "Nobody"), "no client called 'Nobody'"),
    (("clients", "restore", "Anna"), "Anna Smith (id 1) is not archived"),
    (("clients", "credit", "Ben", "ten"), "a whole number of sessions like +10"),
    (("clients", "credit", "Ben", "-3"), "credit cannot go below zero"),
    (("clients", "credit", "Anna", "+1"), "Anna Smith is a private client"),
    (("clients", "credit", "Nobody", "+1"), "no client called 'Nobody'"),
    (("clients", "add", "anna smith"), "an active client is already called 'Anna Smith'"),
    (("clients", "add", "Ian Parr", "--credit", "10"), "Ian Parr is a private client"),
]


@pytest.mark.parametrize(("args", "message"), BAD, ids=[" ".join(a) for a, _ in BAD])
def test_bad_input_is_one_line_and_changes_nothing(cli, world, db_url, args, message) -> None:
    before = everything(db_url)
    r = cli(*args)
    assert r.code == 2
    assert message in r.err
    assert r.err.count("\n") == 1 and "Traceback" not in r.err
    assert everything(db_url) == before


def test_edit_reminder_leads_own_none_and_back_to_the_practices(cli, world) -> None:
    r = cli("clients", "edit", "Anna", "--reminders", "2, 48h", "--json")
    assert r.code == 0, r.err
    assert r.json()["reminder_leads"] == "48,2"
    assert (
        cli("clients", "edit", "Anna", "--reminders", "none", "--json").json()["reminder_leads"]
        == "none"
    )
    assert (
        cli("clients", "edit", "1", "--reminders", "default", "--json").json()["reminder_leads"]
        is None
    )


def test_update_future_says_which_booked_sessions_keep_a_prepaid_fee(cli, world) -> None:
    cli("sessions", "add", "--client", "Anna", "--start", "2026-11-18 10:00", "--prepaid")
    r = cli("clients", "edit", "Anna", "--fee", "99", "--update-future")
    assert r.out == (
        "Anna Smith (id 1) updated\n1 booked session(s) now at 99.00 GBP; 1 prepaid keep the fee paid\n"
    )
    assert cli("sessions", "show", "2", "--json").json()["fee"] == "90.00"
