"""`statement NAME --from --to [--out]` and `report --outstanding`: what they list, bad input."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest


@pytest.fixture
def world(cli) -> None:
    """Anna: session 1 cancelled late, charged 90.00 (charge 1, paid on the 16th); session 2
    no-show charged 45.00 (charge 2, pending). Cy (EUR): session 3 late, charged 50.00 pending."""
    assert cli("settings", "set", "name", "Dr Kara Example").code == 0
    assert cli("settings", "set", "email", "kara@example.com").code == 0
    cli("clients", "add", "Anna Smith", "--fee", "90", "--window-hours", "48", "--notes", "SECRET")
    cli("clients", "add", "Cy Young", "--fee", "50", "--currency", "EUR", "--window-hours", "48")
    cli("sessions", "add", "--client", "Anna", "--start", "2026-11-17 10:00")
    cli("sessions", "add", "--client", "Anna", "--start", "2026-11-16 07:00", "--force")
    cli("sessions", "add", "--client", "Cy", "--start", "2026-11-17 12:00")
    assert cli("sessions", "cancel", "1", "--reason", "client", "--charge", "--method", "card",
               "--note", "CONFIDENTIAL", "--no-notify").code == 0  # fmt: skip
    assert (
        cli("sessions", "no-show", "2", "--charge", "--method", "cash", "--amount", "45").code == 0
    )
    assert cli("sessions", "cancel", "3", "--reason", "client", "--charge", "--method", "card",
               "--no-notify").code == 0  # fmt: skip
    assert cli("charges", "pay", "1", "--ref", "INV-1").code == 0


def test_statement_lists_sessions_charges_payments_and_balance(cli, world) -> None:
    r = cli("statement", "Anna", "--from", "2026-11-01", "--to", "2026-12-01")
    assert r.code == 0, r.err
    out = r.out
    assert out.startswith("Statement for Anna Smith\n\nFrom Dr Kara Example · kara@example.com\n")
    assert "Period: 01 Nov 2026 to 30 Nov 2026" in out
    assert "Mon 16 Nov 2026 07:00, 50 min: no-show, fee 90.00 GBP" in out, out
    assert "Tue 17 Nov 2026 10:00, 50 min: cancelled by the client, late, fee 90.00 GBP" in out
    assert "16 Nov 2026: late cancellation, 90.00 GBP (paid)" in out
    assert "16 Nov 2026: no show, 45.00 GBP (pending)" in out
    assert "16 Nov 2026: paid 90.00 GBP by card, reference INV-1" in out
    assert "Owed at the end of the period: 45.00 GBP" in out
    assert "SECRET" not in out and "CONFIDENTIAL" not in out and "Cy Young" not in out


def test_a_charge_paid_after_the_period_still_counts_as_owed_at_its_end(cli, world) -> None:
    r = cli("statement", "Anna", "--from", "2026-11-01", "--to", "2026-11-16")
    assert "Sessions\n  none" in r.out and "Payments\n  none" in r.out
    assert "Owed at the end of the period: nothing" in r.out
    r = cli("statement", "Anna", "--from", "2026-11-16", "--to", "2026-11-17")
    assert "Owed at the end of the period: 45.00 GBP" in r.out


def test_statement_out_file_is_private_markdown(cli, world, tmp_path: Path) -> None:
    target = tmp_path / "anna.md"
    r = cli("statement", "1", "--from", "2026-11-01", "--to", "2026-12-01", "--out", str(target))
    assert (r.code, r.out) == (0, f"Wrote the statement to {target}.\n")
    text = target.read_text()
    assert text.startswith("# Statement for Anna Smith\n")
    assert "## Balance\nOwed at the end of the period: 45.00 GBP" in text
    assert target.stat().st_mode & 0o777 == 0o600


def test_report_outstanding_lists_who_owes_what_oldest_first(cli, world) -> None:
    doc = cli("report", "--outstanding", "--json").json()
    assert [(d["client"], d["balance"]) for d in doc] == [
        ("Anna Smith", [{"amount": "45.00", "currency": "GBP"}]),
        ("Cy Young", [{"amount": "50.00", "currency": "EUR"}]),
    ]
    rows = list(csv.reader(io.StringIO(cli("report", "--outstanding", "--csv").out)))
    assert rows[0] == ["client_id", "client", "amount", "currency", "oldest"]
    assert rows[1:] == [["1", "Anna Smith", "45.00", "GBP", "2026-11-16"],
                        ["2", "Cy Young", "50.00", "EUR", "2026-11-16"]]  # fmt: skip
    text = cli("report", "--outstanding").out
    assert "Anna Smith" in text and "45.00 GBP" in text and "50.00 EUR" in text
    cli("charges", "pay", "2")
    cli("charges", "void", "3", "--reason", "goodwill")
    assert cli("report", "--outstanding").out == "Nobody owes anything: no charge is pending.\n"


BAD = [
    (("statement", "Nobody"), "no client called 'Nobody'"),
    (("statement", "Anna", "--from", "2026-12-01", "--to", "2026-11-01"), "--to must be after"),
    (("statement", "Anna", "--from", "someday"), "'someday' is not a date I can read"),
    (("statement", "Anna", "--out", "/dev/null"), "cannot write /dev/null"),
    (("report", "--outstanding", "--client", "Anna"), "--outstanding is what is owed now"),
]


@pytest.mark.parametrize(("args", "message"), BAD, ids=[" ".join(a) for a, _ in BAD])
def test_bad_input_is_one_line(cli, world, args, message) -> None:
    r = cli(*args)
    assert r.code == 2
    assert message in r.err
    assert r.err.count("\n") == 1 and "Traceback" not in r.err


def test_a_charge_paid_by_sponsored_credit_is_a_payment_on_the_day_it_was_made(cli) -> None:
    cli("clients", "add", "Ben Jones", "--programme", "sponsored", "--fee", "60", "--credit", "2")
    cli("sessions", "add", "--client", "Ben", "--start", "2026-11-16 12:00", "--no-notify")
    assert cli("sessions", "cancel", "1", "--reason", "client", "--charge",
               "--method", "sponsored_credit", "--no-notify").code == 0  # fmt: skip
    r = cli("statement", "Ben", "--from", "2026-11-01", "--to", "2026-12-01")
    assert r.code == 0, r.err
    assert "16 Nov 2026: paid 60.00 GBP by sponsored credit" in r.out
    assert "Owed at the end of the period: nothing" in r.out
    doc = cli("report", "--json", "--from", "2026-11-16", "--to", "2026-11-17").json()
    assert doc["payments"]["totals"] == [{"amount": "60.00", "currency": "GBP"}]


def test_a_refund_not_yet_paid_out_is_listed_as_owed_to_the_client(cli, world) -> None:
    """A prepaid session the professional cancels leaves a pending refund: the client is owed
    it. The text says so in words; the JSON and CSV keep the signed amount."""
    cli("clients", "add", "Dee Owens", "--fee", "80")
    cli("sessions", "add", "--client", "Dee", "--start", "2026-11-19 10:00", "--prepaid")
    assert cli("sessions", "cancel", "4", "--reason", "professional", "--no-notify").code == 0
    doc = cli("report", "--outstanding", "--json").json()
    assert ("Dee Owens", [{"amount": "-80.00", "currency": "GBP"}]) in [
        (d["client"], d["balance"]) for d in doc
    ]
    lines = cli("report", "--outstanding").out.splitlines()
    assert lines[0].split() == ["client", "balance", "oldest", "pending", "charge"]
    dee = next(line for line in lines if line.startswith("Dee Owens"))
    assert "is owed 80.00 GBP" in dee and "-80" not in dee
    anna = next(line for line in lines if line.startswith("Anna Smith"))
    assert "owes 45.00 GBP" in anna
    assert "balance: is owed 80.00 GBP" in cli("clients", "show", "Dee").out


def test_a_statement_says_a_refund_is_owed_to_the_client_not_a_negative_debt(cli, world) -> None:
    cli("clients", "add", "Dee Owens", "--fee", "80")
    cli("sessions", "add", "--client", "Dee", "--start", "2026-11-19 10:00", "--prepaid")
    assert cli("sessions", "cancel", "4", "--reason", "professional", "--no-notify").code == 0
    out = cli("statement", "Dee", "--from", "2026-11-01", "--to", "2026-12-01").out
    assert "Owed at the end of the period: nothing\n" in out
    assert "Refund owed to you at the end of the period: 80.00 GBP\n" in out
    assert "-80" not in out.split("Balance")[-1]
