"""`charges list / pay / void` and the balance in `clients show`: effects and bad input."""

from __future__ import annotations

import pytest
from test_practice_cli_errors import everything


@pytest.fixture
def world(cli) -> None:
    """Anna (48 h window, 90.00): session 1 cancelled late with a 90.00 charge (charge 1);
    session 2 prepaid, cancelled by the professional: a 90.00 refund (charge 2)."""
    cli("clients", "add", "Anna Smith", "--fee", "90", "--window-hours", "48")
    cli("clients", "add", "Ben Jones", "--fee", "60", "--currency", "EUR")
    cli("sessions", "add", "--client", "Anna", "--start", "2026-11-17 10:00")
    cli("sessions", "add", "--client", "Anna", "--start", "2026-11-18 10:00", "--prepaid")
    r = cli("sessions", "cancel", "1", "--reason", "client", "--charge", "--method", "card")
    assert r.code == 0, r.err
    r = cli("sessions", "cancel", "2", "--reason", "professional", "--no-notify")
    assert r.code == 0, r.err


def test_list_pay_and_the_balance(cli, world) -> None:
    doc = cli("charges", "list", "--json").json()
    assert [(c["id"], c["kind"], c["amount"], c["status"]) for c in doc] == [
        (1, "late_cancellation", "90.00", "pending"),
        (2, "refund", "-90.00", "pending"),
    ]
    assert doc[0]["client"] == "Anna Smith" and doc[0]["paid_at"] is None
    # Pending charges minus pending refunds: nothing owed either way.
    assert cli("clients", "show", "Anna", "--json").json()["balance"] == []
    r = cli("charges", "pay", "2", "--method", "bank_transfer", "--ref", "TR-1")
    assert (r.code, r.out) == (0, "refund 2 (90.00 GBP) paid out on 2026-11-16\n")
    show = cli("clients", "show", "Anna", "--json").json()
    assert show["balance"] == [{"amount": "90.00", "currency": "GBP"}]
    text = cli("clients", "show", "Anna").out
    assert "balance: owes 90.00 GBP" in text
    assert (
        "cancellations: cancelled by the professional: 1; cancelled by the client: 1 (1 late)"
        in text
    )
    assert show["cancellations"]["client"] == {"count": 1, "late": 1}
    assert show["cancellations"]["no_show"] == {"count": 0, "late": 0}
    r = cli("charges", "pay", "1", "--date", "2026-11-15")
    assert r.code == 0, r.err
    (charge,) = cli("sessions", "show", "1", "--json").json()["charges"]
    assert (charge["status"], charge["paid_at"]) == ("paid", "2026-11-15T00:00:00+00:00")
    assert cli("clients", "show", "Anna", "--json").json()["balance"] == []
    paid = cli("charges", "list", "--status", "paid", "--client", "Anna", "--json").json()
    assert [(c["id"], c["method"], c["reference"], c["paid_at"]) for c in paid] == [
        (1, "card", "", "2026-11-15T00:00:00+00:00"),
        (2, "bank_transfer", "TR-1", "2026-11-16T08:00:00+00:00"),
    ]
    text = cli("charges", "list").out
    assert "paid 2026-11-15" in text and "Anna Smith" in text


def test_void_with_a_reason_then_it_cannot_be_paid(cli, world, db_url) -> None:
    r = cli("charges", "void", "1", "--reason", "waived: family emergency")
    assert (r.code, r.out) == (0, "charge 1 (90.00 GBP) void: waived: family emergency\n")
    assert cli("charges", "list", "--status", "void", "--json").json()[0]["void_reason"] == (
        "waived: family emergency"
    )
    before = everything(db_url)
    r = cli("charges", "pay", "1")
    assert r.code == 2
    assert "charge 1 is void (waived: family emergency); a void charge cannot be paid" in r.err
    assert everything(db_url) == before


def test_a_paid_charge_can_be_voided_but_not_paid_again(cli, world) -> None:
    assert cli("charges", "pay", "1").code == 0
    r = cli("charges", "pay", "1")
    assert (r.code, r.err) == (2, "kara-tui: charge 1 is already paid on 2026-11-16\n")
    assert cli("charges", "void", "1", "--reason", "entered twice").code == 0


BAD = [
    (("charges", "pay", "99"), "no charge with id 99"),
    (("charges", "pay", "abc"), "a charge id must be a whole number, not 'abc'"),
    (("charges", "pay", "99999999999999999999999"), "no charge with id 99999999999999999999999"),
    (("charges", "void", "0", "--reason", "x"), "no charge with id 0"),
    (("charges", "pay", "1", "--method", "bitcoin"), "'bitcoin' is not a payment method"),
    (("charges", "pay", "1", "--date", "2026-11-20"), "cannot be dated in the future"),
    (("charges", "pay", "1", "--date", "someday"), "'someday' is not a date I can read"),
    (("charges", "pay", "2"), "say how refund 2 was paid (--method card, cash, ...)"),
    (("charges", "void", "1", "--reason", "  "), "say why charge 1 is void"),
    (("charges", "void", "1"), "the following arguments are required: --reason"),
    (("charges", "void", "99", "--reason", "x"), "no charge with id 99"),
    (("charges", "list", "--status", "owed"), "'owed' is not a charge status"),
    (("charges", "list", "--client", "Nobody"), "no client called 'Nobody'"),
    (("charges",), "the following arguments are required: ACTION"),
]


@pytest.mark.parametrize(("args", "message"), BAD, ids=[" ".join(a) for a, _ in BAD])
def test_bad_input_is_one_line_and_changes_nothing(cli, world, db_url, args, message) -> None:
    before = everything(db_url)
    r = cli(*args)
    assert r.code == 2
    assert message in r.err
    assert r.err.count("\n") == 1 and "Traceback" not in r.err
    assert everything(db_url) == before


def test_attended_sessions_are_charged_when_set_and_voided_on_unmark(cli) -> None:
    assert cli("settings", "set", "charge_attended_sessions", "sometimes").err.strip() == (
        "kara-tui: charge_attended_sessions must be yes or no, not 'sometimes'"
    )
    assert "charge_attended_sessions = no" in cli("settings", "show").out
    assert cli("settings", "show", "--json").json()["charge_attended_sessions"] is False
    assert cli("settings", "set", "charge_attended_sessions", "yes").code == 0
    cli("clients", "add", "Anna Smith", "--fee", "90")
    sid = cli("sessions", "add", "--client", "Anna Smith", "--start", "2026-11-13 10:00",
              "--force", "--no-notify").out.strip()  # fmt: skip
    done = cli("sessions", "attend", sid)
    assert done.out.strip() == (
        f"Session {sid} marked attended, charged 90.00 GBP for the session (pending)."
    )
    [charge] = cli("charges", "list", "--json").json()
    assert (charge["kind"], charge["amount"], charge["status"]) == ("session", "90.00", "pending")
    cli("sessions", "unmark", sid)
    [charge] = cli("charges", "list", "--json").json()
    assert (charge["status"], charge["void_reason"]) == ("void", "attendance undone")
