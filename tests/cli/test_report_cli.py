"""`kara-tui report` as text, JSON and CSV, on a database built with known counts."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest

from kara_tui.domain import Reason
from report_world import build, charged_outside_the_window


@pytest.fixture
def world(practice, clock):
    return build(practice, clock)


def test_json_has_every_figure(cli, world):
    result = cli("report", "--json")
    assert result.code == 0, result.err
    doc = result.json()
    assert doc["period"] == {
        "from": "2026-08-19",
        "to": "2026-11-17",
        "last_day": "2026-11-16",
        "days": 90,
        "timezone": "Europe/London",
    }
    assert doc["client"] is None
    assert doc["counted_by"] == {
        "sessions": "session_date",
        "cancellations": "session_date",
        "waived": "session_date",
        "charges": "charge_date",
        "refunds": "charge_date",
        "payments": "payment_date",
    }
    assert doc["sessions"] == {
        "counted_by": "session_date",
        "booked": 13,
        "attended": 1,
        "scheduled": 2,
        "unmarked": 1,
        "cancelled": 8,
        "no_shows": 2,
    }
    assert doc["cancellations"] == {
        "late": 5,
        "rescheduled": 1,
        "by_reason": {
            "professional": {"count": 2, "late": 1},
            "client": {"count": 5, "late": 3},
            "no_show": {"count": 2, "late": 2},
            "other": {"count": 1, "late": 1},
        },
        "by_side": {"client": 7, "professional": 2, "other": 1},
    }
    assert doc["professional_cancellation_rate"] == 15.4
    eur50 = {"amount": "50.00", "currency": "EUR"}
    gbp135 = {"amount": "135.00", "currency": "GBP"}
    assert doc["charges"] == {
        "counted_by": "charge_date",
        "count": 3,
        "totals": [eur50, {"amount": "135.00", "currency": "GBP"}],
        "by_kind": {
            "late_cancellation": {
                "count": 2,
                "totals": [eur50, {"amount": "90.00", "currency": "GBP"}],
            },
            "cancellation": {"count": 0, "totals": []},
            "no_show": {"count": 1, "totals": [{"amount": "45.00", "currency": "GBP"}]},
            "session": {"count": 0, "totals": []},
        },
        "paid": {"count": 0, "totals": []},
        "pending": {"count": 3, "totals": [eur50, gbp135]},
    }
    assert doc["waived"] == {
        "counted_by": "session_date",
        "count": 3,
        "totals": [{"amount": "250.00", "currency": "GBP"}],
        "late_fee_percent": 100,
    }
    gbp60 = {"amount": "60.00", "currency": "GBP"}
    assert doc["refunds"] == {
        "counted_by": "charge_date",
        "count": 1,
        "totals": [gbp60],
        "pending": {"count": 1, "totals": [gbp60]},
    }
    assert doc["payments"] == {
        "counted_by": "payment_date",
        "count": 0,
        "totals": [],
        "refunds_paid_out": {"count": 0, "totals": []},
    }
    ann = doc["clients"][0]
    assert ann == {
        "client_id": world.ann.id,
        "client": "Ann Archer",
        "sessions": 6,
        "attended": 1,
        "scheduled": 1,
        "cancelled": 3,
        "late": 3,
        "no_shows": 1,
        "waived": 1,
        "charged": [gbp135],
        "paid": [],
        "pending": [gbp135],
        "payments": [],
    }
    assert [c["client"] for c in doc["clients"]] == [
        "Ann Archer",
        "Bob Baker",
        "Cara Cole",
        "Dee Dunn",
    ]
    weeks = {w["week_start"]: w for w in doc["weeks"]}
    assert len(weeks) == 14
    assert weeks["2026-11-09"] == {
        "week_start": "2026-11-09",
        "attended": 0,
        "cancelled": 5,
        "no_shows": 1,
    }


def test_json_for_one_client_and_a_period(cli, world):
    result = cli(
        "report", "--json", "--client", "bob", "--from", "2026-11-01", "--to", "2026-11-08"
    )
    assert result.code == 0, result.err
    doc = result.json()
    assert doc["period"]["from"] == "2026-11-01"
    assert doc["period"]["days"] == 7
    assert doc["client"]["client_id"] == world.bob.id
    # Bob's #3 (not late) and #5 (no-show) in that week; #7 is on 10 Nov.
    assert doc["sessions"]["booked"] == 2
    assert (doc["sessions"]["cancelled"], doc["sessions"]["no_shows"]) == (1, 1)
    assert doc["waived"]["totals"] == [{"amount": "80.00", "currency": "GBP"}]
    assert [c["client"] for c in doc["clients"]] == ["Bob Baker"]


def test_csv_parses_back_with_one_row_per_client_and_a_total(cli, world):
    result = cli("report", "--csv")
    assert result.code == 0, result.err
    assert not result.out.startswith("\ufeff")
    assert result.out.endswith("\r\n")
    rows = list(csv.reader(io.StringIO(result.out, newline="")))
    assert rows[0] == [
        "client_id",
        "client",
        "sessions",
        "attended",
        "scheduled",
        "cancelled",
        "late",
        "no_shows",
        "waived",
        "late_cancellation_charges",
        "cancellation_charges",
        "no_show_charges",
        "session_charges",
        "charged_EUR",
        "charged_GBP",
        "paid_EUR",
        "paid_GBP",
        "pending_EUR",
        "pending_GBP",
        "payments_EUR",
        "payments_GBP",
    ]
    assert rows[1][0] == str(world.ann.id)
    ann, bob, dee, total = rows[1][1:], rows[2][1:], rows[4][1:], rows[-1]
    # charged, paid, pending and payments, in EUR then GBP: nothing is paid in this story.
    assert ann == ["Ann Archer", "6", "1", "1", "3", "3", "1", "1", *"1010",
                   "0.00", "135.00", "0.00", "0.00", "0.00", "135.00", "0.00", "0.00"]  # fmt: skip
    assert bob == ["Bob Baker", "3", "0", "0", "2", "1", "1", "2", *"0000", *["0.00"] * 8]
    assert dee == ["Dee Dunn", "2", "0", "1", "1", "1", "0", "0", *"1000",
                   "50.00", "0.00", "0.00", "0.00", "50.00", "0.00", "0.00", "0.00"]  # fmt: skip
    assert total == ["", "TOTAL", "13", "1", "2", "8", "5", "2", "3", *"2010",
                     "50.00", "135.00", "0.00", "0.00", "50.00", "135.00", "0.00", "0.00"]  # fmt: skip
    assert len(rows) == 1 + 4 + 1
    assert all(len(r) == len(rows[0]) for r in rows)


def test_csv_of_an_empty_practice_still_has_header_and_total(cli):
    result = cli("report", "--csv")
    assert result.code == 0, result.err
    rows = list(csv.reader(io.StringIO(result.out, newline="")))
    assert rows[0][-4:] == ["charged_GBP", "paid_GBP", "pending_GBP", "payments_GBP"]
    assert rows[1:] == [["", "TOTAL", "0", "0", "0", "0", "0", "0", "0", *"0000", *["0.00"] * 4]]


@pytest.mark.parametrize(
    "name",
    ['=HYPERLINK("http://evil.example","x")', "+44 friend", "-2+3", "@SUM(A1)"],
)
def test_csv_guards_against_formula_injection(cli, practice, clock, name):
    client = practice.add_client(name)
    session = practice.book(client.id, datetime(2026, 11, 30, 10, tzinfo=UTC), force=True)
    practice.cancel(session.id, Reason.CLIENT)
    result = cli("report", "--csv", "--to", "2026-12-01")
    assert result.code == 0, result.err
    rows = list(csv.reader(io.StringIO(result.out, newline="")))
    assert rows[1][1] == "'" + name
    # Only text is guarded: the JSON keeps the name as typed.
    doc = cli("report", "--json", "--to", "2026-12-01").json()
    assert doc["clients"][0]["client"] == name


def test_csv_quotes_commas_and_quotes(cli, practice):
    name = 'O\'Neill, Mary "Mo"'
    client = practice.add_client(name)
    practice.book(client.id, datetime(2026, 11, 10, 10, tzinfo=UTC), force=True)
    result = cli("report", "--csv")
    assert '"O\'Neill, Mary ""Mo"""' in result.out
    rows = list(csv.reader(io.StringIO(result.out, newline="")))
    assert rows[1][1] == name


def test_privacy_shows_initials_everywhere(cli, world):
    for fmt in ("--csv", "--json", None):
        result = cli("--privacy", "report", *([fmt] if fmt else []))
        assert result.code == 0, result.err
        assert "Ann Archer" not in result.out
        assert "A.Ar." in result.out


def test_text_summary(cli, world):
    result = cli("report")
    assert result.code == 0, result.err
    out = result.out
    assert "Report: Wed 19 Aug 2026 – Mon 16 Nov 2026 (90 days), all clients" in out
    lines = [line.split() for line in out.splitlines()]
    assert ["Sessions", "booked", "13", "(by", "session", "date)"] in lines
    assert ["cancelled", "8", "(5", "late,", "1", "rescheduled)"] in lines
    assert ["Client", "did", "not", "show", "up", "2", "2"] in lines
    assert "15.4 %" in out
    assert [
        "Charges",
        "made",
        "3",
        "50.00",
        "EUR,",
        "135.00",
        "GBP",
        "(by",
        "charge",
        "date)",
    ] in lines
    assert ["paid", "0", "-"] in lines
    assert ["pending", "3", "50.00", "EUR,", "135.00", "GBP"] in lines
    assert ["Refunds", "1", "60.00", "GBP", "(by", "charge", "date)"] in lines
    assert ["Payments", "received", "0", "-", "(by", "payment", "date)"] in lines
    assert ["Bob", "Baker", "3", "0", "2", "1", "1", "2", "-"] in lines
    assert ["Mon", "09", "Nov", "2026", "0", "5", "1"] in lines


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--from", "someday"), "--from: 'someday' is not a date"),
        (("--to", "2026-02-30"), "--to: 2026-02-30 is not a day"),
        (("--from", "2026-11-10", "--to", "2026-11-10"), "--to must be after --from"),
        (("--from", "2026-11-10", "--to", "2026-11-01"), "--to must be after --from"),
        (("--client", "Zed"), "no client called 'Zed'"),
    ],
)
def test_bad_input_is_one_line(cli, world, args, message):
    result = cli("report", *args)
    assert result.code == 2
    assert result.out == ""
    assert message in result.err
    assert len(result.err.strip().splitlines()) == 1
    assert "Traceback" not in result.err


def test_json_and_csv_together_are_refused(cli):
    result = cli("report", "--json", "--csv")
    assert result.code == 2
    assert "not allowed with" in result.err


def test_a_charge_on_a_cancellation_that_was_not_late_is_shown_apart(cli, practice):
    charged_outside_the_window(practice)
    doc = cli("report", "--json").json()
    by_kind = doc["charges"]["by_kind"]
    assert by_kind["late_cancellation"] == {"count": 0, "totals": []}
    assert by_kind["cancellation"] == {
        "count": 1,
        "totals": [{"amount": "90.00", "currency": "GBP"}],
    }
    rows = list(csv.reader(io.StringIO(cli("report", "--csv").out, newline="")))
    header = rows[0]
    nia = dict(zip(header, rows[1], strict=True))
    assert (nia["late_cancellation_charges"], nia["cancellation_charges"]) == ("0", "1")
    text = cli("report").out.splitlines()
    assert next(x for x in text if "late cancellation" in x).split()[-1] == "-"
    assert next(x for x in text if "cancelled, not late" in x).split() == [
        "cancelled,", "not", "late", "1", "90.00", "GBP",
    ]  # fmt: skip


def test_a_charge_made_today_for_next_week_is_in_todays_period(cli, practice):
    cli("clients", "add", "Anna Smith", "--fee", "90", "--window-hours", "240")
    sid = cli("sessions", "add", "--client", "Anna Smith", "--start", "2026-11-23 10:00",
              "--no-notify").out.strip()  # fmt: skip
    cli("sessions", "cancel", sid, "--reason", "client", "--charge", "--method", "card",
        "--no-notify")  # fmt: skip
    today = cli("report", "--json", "--from", "2026-11-16", "--to", "2026-11-17").json()
    assert (today["sessions"]["booked"], today["charges"]["count"]) == (0, 1)
    assert today["charges"]["pending"]["totals"] == [{"amount": "90.00", "currency": "GBP"}]
    [charge] = cli("charges", "list", "--json").json()
    cli("charges", "pay", str(charge["id"]), "--date", "2026-11-16")
    today = cli("report", "--json", "--from", "2026-11-16", "--to", "2026-11-17").json()
    assert today["charges"]["paid"]["count"] == 1
    assert today["payments"]["totals"] == [{"amount": "90.00", "currency": "GBP"}]
    week = cli("report", "--json", "--from", "2026-11-23", "--to", "2026-11-24").json()
    assert (week["sessions"]["booked"], week["charges"]["count"]) == (1, 0)
    text = cli("report", "--from", "2026-11-16", "--to", "2026-11-17").out
    assert "Payments received         1   90.00 GBP   (by payment date)" in text
