"""The README's promise: add a client, book, cancel with a reason and a charge, see it in JSON."""

from __future__ import annotations


def test_newcomer_flow(cli) -> None:
    assert (
        cli("clients", "add", "Anna Smith", "--email", "anna@example.com", "--fee", "90").code == 0
    )
    booked = cli("sessions", "add", "--client", "Anna Smith", "--start", "2026-11-17 10:00")
    assert booked.code == 0, booked.err
    session_id = booked.out.strip()

    cancelled = cli(
        "sessions",
        "cancel",
        session_id,
        "--reason",
        "client",
        "--notified-at",
        "2026-11-16 08:00",
        "--charge",
        "--method",
        "card",
    )
    assert cancelled.code == 0, cancelled.err

    shown = cli("sessions", "show", session_id, "--json").json()
    assert shown["status"] == "cancelled"
    assert shown["client"] == "Anna Smith"
    assert shown["start"] == "2026-11-17T10:00:00+00:00"
    assert shown["cancellation"]["reason"] == "client"
    assert shown["cancellation"]["late"] is False  # 26 h notice, 24 h policy
    assert shown["cancellation"]["charged"] is True
    assert shown["charges"] == [
        {
            "id": 1,
            "amount": "90.00",
            "currency": "GBP",
            "method": "card",
            "kind": "cancellation",  # 26 h notice is not late: its own kind (issue 11)
            "status": "pending",
            "created_at": "2026-11-16T08:00:00+00:00",
            "paid_at": None,  # settled later with 'charges pay' (issue 15)
            "reference": "",
            "void_reason": "",
        }
    ]
    assert [h["action"] for h in shown["history"]] == ["book", "cancel"]


def test_user_error_is_one_line_and_writes_nothing(cli) -> None:
    cli("clients", "add", "Anna Smith", "--fee", "90")
    result = cli("sessions", "add", "--client", "Nobody", "--start", "2026-11-17 10:00")
    assert result.code == 2
    assert result.err.strip() == "kara-tui: no client called 'Nobody'"
    assert "Traceback" not in result.err
    assert cli("sessions", "list", "--json").json() == []
