"""Series on the command line: add --repeat, end-series, scopes, clients show; bad input."""

from __future__ import annotations

import sqlite3

import pytest


def _rows(db_url: str) -> dict[str, int]:
    conn = sqlite3.connect(db_url.removeprefix("sqlite:///"))
    try:
        return {
            t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("sessions", "session_series", "notifications", "audit_events")
        }
    finally:
        conn.close()


def test_a_series_over_a_holiday_is_refused_with_the_dates(
    cli, anna, add_series, db_url: str
) -> None:
    before = _rows(db_url)
    r = add_series("Anna", "2026-11-17 10:00", "weekly", "--count", "12")
    assert r.code == 2
    assert "1 session of the series clash" in r.err
    assert "Tue 22 Dec 2026 10:00: falls in time off (holiday)" in r.err
    assert "Traceback" not in r.err
    assert _rows(db_url) == before


def test_skip_conflicts_books_the_rest_and_json_prints_the_series(cli, anna_weekly) -> None:
    doc = anna_weekly
    assert doc["rule"] == "weekly on Tuesday" and doc["count"] == 12
    assert doc["exceptions"] == ["2026-12-22T10:00:00+00:00"]
    assert len(doc["sessions"]) == 11
    assert {s["series_id"] for s in doc["sessions"]} == {doc["id"]}
    listed = cli("sessions", "list", "--from", "2026-11-16", "--to", "2027-03-01", "--json").json()
    assert [s["id"] for s in listed] == [s["id"] for s in doc["sessions"]]
    assert all(s["series_id"] == doc["id"] for s in listed)
    show = cli("clients", "show", "Anna")
    assert "↻ series 1: weekly on Tuesday at 10:00 from 2026-11-17, 12 sessions" in show.out
    assert cli("clients", "show", "Anna", "--json").json()["series"][0]["id"] == doc["id"]
    one = cli("sessions", "show", str(doc["sessions"][4]["id"]))
    assert "series: 1, weekly on Tuesday, session 5 of 11" in one.out


def test_end_series_and_scoped_changes(cli, anna, add_series) -> None:
    doc = add_series(
        "Anna", "2026-11-17 10:00", "2w", "--until", "2027-02-28", "--force", "--json"
    ).json()
    ids = [s["id"] for s in doc["sessions"]]
    assert len(ids) == 8
    r = cli(
        "sessions",
        "reschedule",
        str(ids[2]),
        "--start",
        "2026-12-16 11:00",
        "--by",
        "professional",
        "--scope",
        "following",
        "--json",
    )
    assert r.code == 0, r.err
    moved = r.json()
    assert [m["start"] for m in moved][:2] == [
        "2026-12-16T11:00:00+00:00",
        "2026-12-30T11:00:00+00:00",
    ]
    new_series = moved[0]["series_id"]
    r = cli("sessions", "edit", str(ids[3]), "--location", "Room 2", "--scope", "all")
    assert r.code == 0, r.err
    r = cli("sessions", "end-series", str(new_series), "--from", "2027-02-01")
    assert r.code == 0, r.err
    assert "2 scheduled session(s) removed" in r.out
    r = cli("sessions", "delete", str(ids[1]), "--scope", "following", "--yes")
    assert r.code == 0, r.err


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--repeat", "daily"], "'daily' is not a repeat"),
        (["--repeat", "weekly", "--count", "x"], "--count must be a whole number"),
        (["--repeat", "weekly", "--count", "0"], "a series has 1 to 520 sessions"),
        (["--repeat", "weekly", "--count", "3", "--until", "2027-01-01"], "not both"),
        (["--repeat", "weekly", "--until", "someday"], "someday"),
        (["--repeat", "weekly", "--until", "2026-11-01"], "end before its first"),
        (["--count", "3"], "go with --repeat"),
        (["--repeat", "weekly", "--force", "--skip-conflicts"], "not both"),
    ],
)
def test_bad_series_input_is_one_line_and_writes_nothing(
    cli, anna, db_url: str, args: list[str], says: str
) -> None:
    before = _rows(db_url)
    r = cli("sessions", "add", "--client", "Anna", "--start", "2026-11-17 10:00", *args)
    assert r.code == 2
    assert says in r.err
    assert len(r.err.strip().splitlines()) == 1
    assert _rows(db_url) == before


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["sessions", "end-series", "99", "--from", "2027-01-01"], "no series with id 99"),
        (["sessions", "end-series", "x", "--from", "2027-01-01"], "a series id must be"),
        (
            [
                "sessions",
                "reschedule",
                "1",
                "--start",
                "2027-01-01 10:00",
                "--by",
                "client",
                "--scope",
                "some",
            ],
            "--scope must be this, following or all",
        ),
        (["sessions", "delete", "1", "--scope", "all", "--yes"], "not part of a series"),
        (["sessions", "edit", "1", "--prepaid", "maybe"], "--prepaid must be yes or no"),
    ],
)
def test_bad_series_commands_are_one_line(cli, anna, args: list[str], says: str) -> None:
    assert cli("sessions", "add", "--client", "Anna", "--start", "2026-11-18 10:00").code == 0
    r = cli(*args)
    assert r.code == 2, r.out
    assert says in r.err
    assert len(r.err.strip().splitlines()) == 1


def test_the_report_can_keep_one_series(cli, anna, add_series) -> None:
    doc = add_series(
        "Anna", "2026-11-17 10:00", "weekly", "--count", "6", "--skip-conflicts", "--json"
    ).json()
    assert cli("sessions", "add", "--client", "Anna", "--start", "2026-11-19 10:00").code == 0
    ids = [s["id"] for s in doc["sessions"]]
    assert cli("sessions", "cancel", str(ids[1]), "--reason", "client").code == 0
    assert (
        cli(
            "sessions",
            "reschedule",
            str(ids[3]),
            "--start",
            "2026-12-09 11:00",
            "--by",
            "professional",
            "--scope",
            "following",
        ).code
        == 0
    )
    period = ["--from", "2026-11-16", "--to", "2027-01-31", "--json"]
    whole = cli("report", *period).json()
    one = cli("report", *period, "--series", str(doc["id"])).json()
    # Everything but the single session: the split-off part counts with its series.
    assert one["sessions"]["booked"] == whole["sessions"]["booked"] - 1
    assert one["sessions"]["scheduled"] == whole["sessions"]["scheduled"] - 1 == 4
    assert one["sessions"]["cancelled"] == 1
    assert one["client"]["client"] == "Anna Smith"
    r = cli("report", *period, "--series", "x")
    assert r.code == 2 and "--series must be a series id" in r.err
    r = cli("report", *period, "--series", "42")
    assert r.code == 2 and "no series with id 42" in r.err
