"""Issue 15 end to end in a real terminal (tmux): edit a client's window in the app, book and
cancel late with a charge from the command line, mark the charge paid in the app, see the
balance go to zero, print a statement."""

from __future__ import annotations

import json

import pytest

from support.tmux import Terminal, kara, kara_command

pytestmark = [pytest.mark.e2e]


def test_edit_window_cancel_late_pay_and_statement(env, terminal: Terminal, tmp_path) -> None:
    db = f"sqlite:///{tmp_path / 'kara.db'}"
    env = {**env, "KARA_DB": db}
    kara(env, "clients", "add", "Anna Smith", "--email", "anna@example.com", "--fee", "90")
    terminal.env = env
    terminal.start(kara_command())
    terminal.wait("Week 47")
    terminal.keys("C")
    terminal.wait("practice's")  # Anna uses the practice's 24 h window
    terminal.keys("e")
    terminal.wait("Edit client (id 1)")
    terminal.keys(*["Tab"] * 6)
    terminal.wait_cursor_on("Window      hours")
    terminal.keys("48", "C-s")
    terminal.wait("48 h")
    assert json.loads(kara(env, "clients", "show", "Anna", "--json"))["window_hours"] == 48

    # Friday 10:00 is 45.5 hours away: late only because of the client's own 48 h window.
    kara(env, "sessions", "add", "--client", "Anna", "--start", "2026-11-20 10:00")
    cancelled = json.loads(
        kara(env, "sessions", "cancel", "1", "--reason", "client", "--charge", "--method",
             "card", "--no-notify", "--json")
    )  # fmt: skip
    assert cancelled["cancellation"]["late"] is True
    balance = json.loads(kara(env, "clients", "show", "Anna", "--json"))["balance"]
    assert balance == [{"amount": "90.00", "currency": "GBP"}]

    terminal.keys("Escape")
    terminal.wait("Week 47")
    terminal.keys("C")
    terminal.wait("owes 90.00 GBP")
    terminal.keys("m")
    terminal.wait("Balance: owes 90.00 GBP")
    terminal.keys("m")
    terminal.wait("Charge paid: 90.00 GBP")
    terminal.wait_cursor_on("Paid on")
    terminal.keys("Enter")
    terminal.wait("Balance: nothing pending")
    terminal.keys("Escape", "Escape")
    terminal.wait("Week 47")
    terminal.keys("R")  # the reports screen's "Who owes" tab agrees
    terminal.wait("Who owes (o)")
    terminal.wait("Payments · by payment date")
    terminal.keys("o")
    terminal.wait("Nobody owes anything")
    terminal.keys("Escape")
    terminal.wait("Week 47")
    terminal.keys("q")

    assert json.loads(kara(env, "clients", "show", "Anna", "--json"))["balance"] == []
    out = kara(env, "statement", "Anna", "--from", "2026-11-01", "--to", "2026-12-01")
    assert "Fri 20 Nov 2026 10:00, 50 min: cancelled by the client, late, fee 90.00 GBP" in out
    assert "18 Nov 2026: paid 90.00 GBP by card" in out
    assert "Owed at the end of the period: nothing" in out
