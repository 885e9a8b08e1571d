"""`--json` as DESIGN.md section 4 describes it, and the whole lifecycle from the command line."""

from __future__ import annotations

import re

import pytest

OFFSET_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$")
DECIMAL = re.compile(r"^-?\d+\.\d\d$")
SESSION_KEYS = {
    "id",
    "uid",
    "client",
    "client_id",
    "start",
    "end",
    "status",
    "fee",
    "currency",
    "cancellation",
    "charges",
    "rescheduled_from",
}
CANCELLATION_KEYS = {"reason", "note", "notified_at", "notice_hours", "late", "charged"}
CHARGE_KEYS = {"amount", "currency", "method", "kind", "status"}


def check_session(doc: dict) -> None:
    assert set(doc) >= SESSION_KEYS, SESSION_KEYS - set(doc)
    assert isinstance(doc["id"], int) and isinstance(doc["client_id"], int)
    assert OFFSET_TIME.match(doc["start"]) and OFFSET_TIME.match(doc["end"])
    assert isinstance(doc["fee"], str) and DECIMAL.match(doc["fee"])
    assert doc["currency"] == "GBP"
    assert doc["status"] in {"scheduled", "attended", "no_show", "cancelled"}
    c = doc["cancellation"]
    if c is not None:
        assert set(c) >= CANCELLATION_KEYS
        assert c["reason"] in {"professional", "client", "no_show", "other"}
        assert OFFSET_TIME.match(c["notified_at"])
        assert isinstance(c["notice_hours"], int | float)
        assert isinstance(c["late"], bool) and isinstance(c["charged"], bool)
    for ch in doc["charges"]:
        assert set(ch) >= CHARGE_KEYS
        assert DECIMAL.match(ch["amount"])
        assert ch["method"] in {
            None,
            "card",
            "cash",
            "bank_transfer",
            "invoice",
            "sponsored_credit",
        }
        assert ch["kind"] in {"late_cancellation", "cancellation", "no_show", "session", "refund"}
        assert ch["status"] in {"pending", "paid", "void"}


@pytest.fixture
def anna(cli) -> int:
    added = cli("clients", "add", "Anna Smith", "--email", "anna@example.com", "--fee", "90")
    assert added.code == 0, added.err
    return int(added.out)


def test_session_json_shape(cli, anna) -> None:
    added = cli(
        "sessions", "add", "--client", "Anna Smith", "--start", "2026-11-17 10:00", "--json"
    )
    assert added.code == 0, added.err
    doc = added.json()
    check_session(doc)
    assert doc["client"] == "Anna Smith" and doc["client_id"] == anna
    assert (doc["start"], doc["end"]) == ("2026-11-17T10:00:00+00:00", "2026-11-17T10:50:00+00:00")
    assert (doc["fee"], doc["currency"], doc["status"]) == ("90.00", "GBP", "scheduled")
    assert (doc["cancellation"], doc["charges"], doc["rescheduled_from"]) == (None, [], None)
    assert cli("sessions", "show", str(doc["id"]), "--json").json()["uid"] == doc["uid"]


def test_summer_times_carry_their_offset(cli, anna) -> None:
    added = cli("sessions", "add", "--client", "1", "--start", "2027-07-13 10:00", "--json")
    assert added.json()["start"] == "2027-07-13T10:00:00+01:00"
    other_zone = cli(
        "sessions", "add", "--client", "1", "--start", "2027-07-14T10:00+02:00", "--json"
    )
    assert other_zone.json()["start"] == "2027-07-14T09:00:00+01:00"  # shown in the practice zone


def test_the_whole_lifecycle_in_json(cli, anna) -> None:
    first = cli("sessions", "add", "--client", "Anna", "--start", "2026-11-16 10:00", "--prepaid")
    sid = first.out.strip()
    assert first.out == f"{sid}\n"

    moved = cli(
        "sessions", "reschedule", sid, "--start", "2026-11-18 11:00", "--by", "client", "--json"
    )
    assert moved.code == 0, moved.err
    new = moved.json()
    check_session(new)
    assert new["rescheduled_from"] == int(sid)
    assert new["start"] == "2026-11-18T11:00:00+00:00"
    old = cli("sessions", "show", sid, "--json").json()
    check_session(old)
    assert old["status"] == "cancelled"
    assert old["cancellation"]["reason"] == "client"
    assert old["cancellation"]["late"] is True  # 2 h notice is recorded...
    assert old["cancellation"]["charged"] is False  # ...but nothing is charged for the user
    assert old["charges"] == []
    assert [h["action"] for h in old["history"]] == ["book", "reschedule"]

    cancelled = cli(
        "sessions", "cancel", str(new["id"]), "--reason", "professional", "--note", "ill", "--json"
    )
    doc = cancelled.json()
    check_session(doc)
    assert doc["cancellation"]["note"] == "ill"
    assert [(c["amount"], c["kind"], c["method"]) for c in doc["charges"]] == [
        ("-90.00", "refund", None)
    ]

    notices = cli("outbox", "list", "--json").json()
    assert [(n["kind"], n["session_id"]) for n in notices] == [
        ("confirmation", int(sid)),  # issue 17: booking from the CLI invites the client
        ("cancellation", int(sid)),
        ("confirmation", new["id"]),
        ("cancellation", new["id"]),
    ]


def test_cancel_with_charge_text_and_json(cli, anna) -> None:
    sid = cli("sessions", "add", "--client", "Anna", "--start", "2026-11-16 10:00").out.strip()
    done = cli(
        "sessions",
        "cancel",
        sid,
        "--reason",
        "client",
        "--notified-at",
        "2026-11-15 20:00",
        "--charge",
        "--amount",
        "45",
        "--method",
        "cash",
    )
    assert done.out == f"Session {sid} cancelled (Cancelled by the client, charged 45.00 GBP).\n"
    doc = cli("sessions", "show", sid, "--json").json()
    check_session(doc)
    assert doc["cancellation"] == {
        "reason": "client",
        "note": "",
        "notified_at": "2026-11-15T20:00:00+00:00",
        "notice_hours": 14.0,
        "late": True,
        "charged": True,
    }
    (charge,) = doc["charges"]
    assert (charge["amount"], charge["currency"], charge["method"], charge["kind"]) == (
        "45.00",
        "GBP",
        "cash",
        "late_cancellation",
    )


def test_attend_no_show_and_delete(cli, anna) -> None:
    a = cli("sessions", "add", "--client", "Anna", "--start", "2026-11-16 06:00", "--force")
    b = cli("sessions", "add", "--client", "Anna", "--start", "2026-11-16 07:00", "--force")
    c = cli("sessions", "add", "--client", "Anna", "--start", "2026-11-17 10:00")
    a_id, b_id, c_id = (r.out.strip() for r in (a, b, c))
    assert cli("sessions", "attend", a_id).out == f"Session {a_id} marked attended.\n"
    no_show = cli("sessions", "no-show", b_id, "--charge", "--method", "card")
    assert no_show.out == f"Session {b_id} marked no-show, charged 90.00 GBP.\n"
    doc = cli("sessions", "show", b_id, "--json").json()
    check_session(doc)
    assert doc["status"] == "no_show"
    assert doc["charges"][0]["kind"] == "no_show"
    assert cli("sessions", "list", "--status", "no-show", "--json").json()[0]["id"] == int(b_id)
    assert cli("sessions", "delete", c_id, "--yes").out == f"Session {c_id} deleted.\n"
    assert [s["id"] for s in cli("sessions", "list", "--json").json()] == [int(a_id), int(b_id)]


def test_list_ranges_are_half_open_in_the_practice_zone(cli, anna) -> None:
    ids = [
        int(cli("sessions", "add", "--client", "Anna", "--start", t, "--force").out)
        for t in ("2026-11-17 10:00", "2026-11-18 10:00", "2026-11-19 10:00")
    ]

    def listed(*args: str) -> list[int]:
        return [s["id"] for s in cli("sessions", "list", *args, "--json").json()]

    assert listed("--from", "2026-11-18", "--to", "2026-11-19") == [ids[1]]
    assert listed("--from", "2026-11-17 10:50") == ids[1:]
    assert listed("--to", "tomorrow") == []  # before Tue 17 00:00
    assert listed("--from", "tomorrow", "--to", "+3d") == ids[:2]
    assert listed("--client", "Anna") == ids
    assert listed("--status", "scheduled") == ids
    assert listed("--status", "cancelled") == []


def test_cancel_range_json_and_time_off(cli, anna) -> None:
    for t in ("2026-11-17 10:00", "2026-11-18 10:00", "2026-11-24 10:00"):
        cli("sessions", "add", "--client", "Anna", "--start", t, "--force")
    done = cli(
        "sessions",
        "cancel-range",
        "--from",
        "2026-11-16",
        "--to",
        "2026-11-20",
        "--reason",
        "professional",
        "--note",
        "ill",
        "--json",
    )
    assert done.code == 0, done.err
    docs = done.json()
    assert [d["start"][:10] for d in docs] == ["2026-11-17", "2026-11-18"]
    for d in docs:
        check_session(d)
        assert d["cancellation"]["reason"] == "professional"
    (block,) = cli("timeoff", "list", "--json").json()
    assert block == {
        "id": 1,
        "start": "2026-11-16T00:00:00+00:00",
        "end": "2026-11-21T00:00:00+00:00",  # --to is the last day, included
        "reason": "ill",
    }
    refused = cli("sessions", "add", "--client", "Anna", "--start", "2026-11-19 10:00")
    assert refused.code == 2
    assert "falls in time off (ill)" in refused.err


def test_clients_json(cli, anna) -> None:
    cli("clients", "add", "Ben Jones", "--programme", "sponsored", "--fee", "60.5", "--credit", "3")
    docs = cli("clients", "list", "--json").json()
    assert docs == [
        {
            "id": anna,
            "name": "Anna Smith",
            "email": "anna@example.com",
            "phone": "",
            "programme": "private",
            "fee": "90.00",
            "currency": "GBP",
            "window_hours": None,
            "sponsored_credit": 0,
            "archived": False,
            "reminder_leads": None,
        },
        {
            "id": 2,
            "name": "Ben Jones",
            "email": "",
            "phone": "",
            "programme": "sponsored",
            "fee": "60.50",
            "currency": "GBP",
            "window_hours": None,
            "sponsored_credit": 3,
            "archived": False,
            "reminder_leads": None,
        },
    ]
    shown = cli("clients", "show", "ben", "--json").json()
    assert shown["name"] == "Ben Jones" and shown["sessions"] == []


def test_settings_json_and_set(cli) -> None:
    assert cli("settings", "set", "late_fee_percent", "50").out == "late_fee_percent set.\n"
    doc = cli("settings", "show", "--json").json()
    assert doc["late_fee_percent"] == 50
    assert doc["payment_methods"] == ["card", "cash", "bank_transfer", "invoice"]
    assert doc["working_hours"] == "mon,tue,wed,thu,fri 09:00-18:00"
    assert doc["timezone"] == "Europe/London"
    text = cli("settings", "show").out
    assert "late_fee_percent = 50\n" in text


def test_empty_lists_are_empty_json(cli) -> None:
    for args in (("clients", "list"), ("sessions", "list"), ("timeoff", "list")):
        result = cli(*args, "--json")
        assert (result.code, result.json()) == (0, [])


def test_time_off_blocked_by_mistake_can_be_removed(cli, anna) -> None:
    assert cli("timeoff", "add", "--from", "2026-11-19", "--to", "2026-11-20").code == 0
    (block,) = cli("timeoff", "list", "--json").json()
    refused = cli("sessions", "add", "--client", "Anna", "--start", "2026-11-19 10:00")
    assert refused.code == 2 and "falls in time off" in refused.err
    removed = cli("timeoff", "remove", str(block["id"]))
    assert removed.code == 0, removed.err
    assert "removed; the range takes bookings again" in removed.out
    assert cli("timeoff", "list", "--json").json() == []
    booked = cli("sessions", "add", "--client", "Anna", "--start", "2026-11-19 10:00")
    assert booked.code == 0, booked.err
    gone = cli("timeoff", "remove", str(block["id"]))
    assert (gone.code, gone.err) == (2, f"kara-tui: no time off with id {block['id']}\n")
    assert cli("timeoff", "remove", "soon").code == 2


def test_time_off_to_is_the_last_day_included(cli, anna) -> None:
    """One meaning for typed ranges: --to names the last day off, as in cancel-range."""
    assert cli("timeoff", "add", "--from", "2026-12-24", "--to", "2026-12-24").code == 0
    assert cli("timeoff", "add", "--from", "2026-12-28", "--to", "2026-12-30 12:00").code == 0
    one, two = cli("timeoff", "list", "--json").json()
    assert (one["start"], one["end"]) == ("2026-12-24T00:00:00+00:00", "2026-12-25T00:00:00+00:00")
    assert (two["start"], two["end"]) == ("2026-12-28T00:00:00+00:00", "2026-12-30T12:00:00+00:00")
    shown = cli("timeoff", "list").out
    assert "Thu 24 Dec 2026, 1 day" in shown
    assert "Mon 28 Dec 00:00 – Wed 30 Dec 12:00" in shown
    refused = cli("sessions", "add", "--client", "Anna", "--start", "2026-12-24 16:00")
    assert refused.code == 2 and "falls in time off" in refused.err
    assert cli("sessions", "add", "--client", "Anna", "--start", "2026-12-23 10:00").code == 0


def test_working_hours_per_weekday_are_set_shown_and_used(cli, anna) -> None:
    done = cli("settings", "set", "working_hours", "mon-thu 09:00-19:00; fri 09:00-15:00")
    assert done.code == 0, done.err
    assert (
        "working_hours = mon,tue,wed,thu 09:00-19:00; fri 09:00-15:00\n"
        in cli("settings", "show").out
    )
    late_thursday = cli("sessions", "add", "--client", "Anna", "--start", "2026-11-19 18:00")
    assert late_thursday.code == 0, late_thursday.err
    late_friday = cli("sessions", "add", "--client", "Anna", "--start", "2026-11-20 15:00")
    assert late_friday.code == 2 and "is outside working hours" in late_friday.err
    bad = cli("settings", "set", "working_hours", "mon-thu 09:00-19:00; fri 9-3")
    assert (bad.code, bad.err.count("\n")) == (2, 1)
    assert "'fri 9-3' is not a day's working hours" in bad.err


def test_notified_at_now_is_the_moment_of_the_command(cli, anna) -> None:
    sid = cli("sessions", "add", "--client", "Anna", "--start", "2026-11-17 10:00").out.strip()
    done = cli("sessions", "cancel", sid, "--reason", "client", "--notified-at", "now")
    assert done.code == 0, done.err
    doc = cli("sessions", "show", sid, "--json").json()
    assert doc["cancellation"]["notified_at"] == "2026-11-16T08:00:00+00:00"
    assert doc["cancellation"]["notice_hours"] == 26.0
