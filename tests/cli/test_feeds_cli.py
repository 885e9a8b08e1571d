"""`kara-tui feeds ...`, `import` and `export` as a user or a script runs them."""

from __future__ import annotations

import stat
import warnings
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import icalendar
import keyring as keyring_module
import pytest
from keyring.backends import fail
from pytest_httpserver import HTTPServer

from feedkit import Ev, MemoryKeyring, ics, week_of_events

TOKEN = "s3cr3t-0a1b2c3d4e5f"
PATH = f"/calendar/{TOKEN}/basic.ics"


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[MemoryKeyring]:
    """The CLI uses the user's keyring; tests use one in memory instead."""
    previous = keyring_module.get_keyring()
    kr = MemoryKeyring()
    keyring_module.set_keyring(kr)
    yield kr
    keyring_module.set_keyring(previous)


@pytest.fixture
def work_ics(tmp_path: Path) -> Path:
    path = tmp_path / "work.ics"
    path.write_bytes(
        ics(
            *week_of_events(3),
            Ev(
                "free@example.com",
                datetime(2026, 11, 18, 16, 0, tzinfo=UTC),
                summary="Maybe gym",
                transparent=True,
            ),
            Ev("allday@example.com", datetime(2026, 11, 19).date(), summary="Conference"),
        )
    )
    return path


def test_add_sync_list_events_remove(cli, work_ics, memory_keyring) -> None:
    added = cli("feeds", "add", "Work", str(work_ics))
    assert added.code == 0, added.err
    assert "feeds sync 'Work'" in added.out

    synced = cli("feeds", "sync")
    assert synced.code == 0, synced.err
    assert synced.out.startswith("Work: 5 added, 0 updated, 0 removed, 0 unchanged")

    listed = cli("feeds", "list", "--json").json()
    assert listed == [
        {
            "name": "Work",
            "source": listed[0]["source"],
            "enabled": True,
            "refresh_minutes": 60,
            "last_attempt": "2026-11-16T08:00:00+00:00",
            "last_success": "2026-11-16T08:00:00+00:00",
            "last_error": "",
            "stale": False,
            "event_count": 5,
            "block_all_day": False,
        }
    ]
    assert "work.ics" in listed[0]["source"]
    assert "Work" in cli("feeds", "list").out

    events = cli("feeds", "events", "--from", "2026-11-16", "--to", "2026-11-23", "--json").json()
    assert len(events) == 5
    first = events[0]
    assert first == {
        "feed": "Work",
        "uid": "ev-0@example.com",
        "recurrence_id": first["recurrence_id"],
        "start": "2026-11-17T14:00:00+00:00",
        "end": "2026-11-17T15:00:00+00:00",
        "all_day": False,
        "summary": "Event 0",
        "location": "",
        "busy": True,
        "cancelled": False,
    }
    by_uid = {e["uid"]: e for e in events}
    assert by_uid["free@example.com"]["busy"] is False
    assert by_uid["allday@example.com"]["all_day"] is True
    assert by_uid["allday@example.com"]["start"] == "2026-11-19"
    assert by_uid["allday@example.com"]["end"] == "2026-11-20"
    text = cli("feeds", "events", "Work", "--from", "2026-11-16", "--to", "2026-11-23").out
    assert "Conference" in text and "all day" in text and "(free)" in text

    assert cli("feeds", "disable", "Work").code == 0
    assert cli("feeds", "events", "--from", "2026-11-16", "--json").json() == []
    assert len(cli("feeds", "events", "Work", "--from", "2026-11-16", "--json").json()) == 5
    assert cli("feeds", "enable", "Work").code == 0

    removed = cli("feeds", "remove", "Work")
    assert removed.code == 0 and "untouched" in removed.out
    assert cli("feeds", "list", "--json").json() == []
    assert memory_keyring.secrets == {}


def test_a_secret_address_is_masked_everywhere(cli, httpserver: HTTPServer, memory_keyring) -> None:
    httpserver.expect_request(PATH).respond_with_data("oops", status=500)
    url = httpserver.url_for(PATH)
    added = cli("feeds", "add", "Work", url)
    assert added.code == 0, added.err
    assert list(memory_keyring.secrets.values()) == [url]
    synced = cli("feeds", "sync", "Work")
    assert synced.code == 1
    listed = cli("feeds", "list")
    listed_json = cli("feeds", "list", "--json")
    for output in (added.out, added.err, synced.out, synced.err, listed.out, listed_json.out):
        assert TOKEN not in output
    assert listed_json.json()[0]["last_error"]


def test_without_a_keyring_the_user_is_told_once(cli, tmp_path) -> None:
    keyring_module.set_keyring(fail.Keyring())
    added = cli("feeds", "add", "Work", "https://calendar.example.com/secret/basic.ics")
    assert added.code == 0
    assert "No keyring" in added.err


def test_sync_failure_exits_non_zero_and_says_what_was_kept(cli, work_ics) -> None:
    cli("feeds", "add", "Work", str(work_ics))
    assert cli("feeds", "sync", "Work").code == 0
    work_ics.write_bytes(ics())
    result = cli("feeds", "sync", "Work")
    assert result.code == 1
    assert "empty calendar" in result.err
    assert "kept the 5 stored events" in result.err
    assert "warning: 'Work' is stale" in result.err
    assert "kara-tui feeds sync 'Work' --accept-empty" in result.err
    assert cli("feeds", "list", "--json").json()[0]["stale"] is True
    accepted = cli("feeds", "sync", "Work", "--accept-empty")
    assert accepted.code == 0, accepted.err
    assert "5 removed" in accepted.out


def test_skipped_events_are_listed_with_feed_and_uid(cli, tmp_path) -> None:
    path = tmp_path / "mixed.ics"
    good = ics(*week_of_events(2)).decode()
    broken = (
        "BEGIN:VEVENT\r\nUID:broken@example.com\r\nDTSTAMP:20261101T000000Z\r\n"
        "DTSTART:not-a-date\r\nSUMMARY:Broken\r\nEND:VEVENT\r\n"
    )
    path.write_text(good.replace("END:VCALENDAR", broken + "END:VCALENDAR"))
    result = cli("import", str(path))
    assert result.code == 0, result.err
    assert "2 added" in result.out
    assert "skipped: mixed, UID broken@example.com:" in result.out


def test_bad_input_is_one_sentence(cli) -> None:
    result = cli("feeds", "add", "Work", "gopher://example.com/cal")
    assert result.code == 2
    assert result.err.strip() == (
        "kara-tui: 'gopher:' addresses are not supported: use https, webcal or a local .ics file"
    )
    assert cli("feeds", "sync", "Nope").err.strip() == "kara-tui: no feed called 'Nope'"
    assert "Traceback" not in cli("feeds", "events", "--from", "someday").err


def test_import_an_unreadable_file(cli, tmp_path) -> None:
    path = tmp_path / "page.ics"
    path.write_text("<html><body>Sign in</body></html>")
    result = cli("import", str(path))
    assert result.code == 1
    assert result.err.startswith("page: ")
    assert cli("feeds", "list", "--json").json() == []


def _book_three(cli) -> None:
    cli("clients", "add", "Anna Smith", "--email", "anna@example.com", "--fee", "90")
    for start in ("2026-11-17 10:00", "2026-11-18 10:00", "2026-11-19 10:00"):
        assert (
            cli(
                "sessions",
                "add",
                "--client",
                "Anna Smith",
                "--start",
                start,
                "--location",
                "Room 2",
            ).code
            == 0
        )
    assert cli("sessions", "cancel", "2", "--reason", "professional", "--no-notify").code == 0


def test_export_to_stdout_and_file_imports_back(cli, tmp_path) -> None:
    _book_three(cli)
    printed = cli("export")
    assert printed.code == 0
    cal = icalendar.Calendar.from_ical(printed.out)
    assert len(cal.walk("VEVENT")) == 3

    out = tmp_path / "sessions.ics"
    written = cli("export", "--out", str(out))
    assert written.code == 0 and "Wrote 3 sessions" in written.out
    assert stat.S_IMODE(out.stat().st_mode) == 0o600  # client names inside

    sessions = cli("sessions", "list", "--json").json()
    imported = cli("import", str(out), "--name", "Round trip")
    assert imported.code == 0, imported.err
    events = cli(
        "feeds", "events", "Round trip", "--from", "2026-11-16", "--to", "2026-11-23", "--json"
    ).json()
    assert [(e["uid"], e["start"], e["end"], e["cancelled"]) for e in events] == [
        (s["uid"], s["start"], s["end"], s["status"] == "cancelled") for s in sessions
    ]
    assert events[0]["summary"] == "Session with Anna Smith"


def test_private_export_has_no_names(cli, tmp_path) -> None:
    _book_three(cli)
    out = tmp_path / "busy.ics"
    assert cli("export", "--private", "--out", str(out)).code == 0
    body = out.read_bytes()
    assert b"Anna" not in body and b"Room 2" not in body
    summaries = {str(e["SUMMARY"]) for e in icalendar.Calendar.from_ical(body).walk("VEVENT")}
    assert summaries == {"Busy"}
    # Still the practice's schedule: readable by its owner only (issue 12: no file is written
    # readable by others; sharing it is a chmod away).
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


def test_export_to_an_unwritable_place_is_one_sentence(cli, tmp_path) -> None:
    result = cli("export", "--out", str(tmp_path / "no" / "such" / "dir" / "x.ics"))
    assert result.code == 2
    assert result.err.startswith("kara-tui: cannot write")


def test_a_vendor_tzid_is_read_quietly_never_as_text_on_the_terminal(cli, tmp_path) -> None:
    """icalendar warns (a Python warning, printed with its source line) the first time a
    process meets a vendor TZID as libical and Mozilla write them. The zone is read by name
    like any other, the event imported, and nothing but the report reaches the terminal."""
    path = tmp_path / "vendor.ics"
    path.write_text(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//tests//EN\r\n"
        "BEGIN:VEVENT\r\nUID:mozilla@example.com\r\nSUMMARY:Lightning\r\n"
        "DTSTART;TZID=/mozilla.org/20070129_1/America/New_York:20261117T140000\r\n"
        "DTEND;TZID=/mozilla.org/20070129_1/America/New_York:20261117T150000\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a warning that escaped parse_feed fails the import
        result = cli("import", str(path))
    assert result.code == 0, result.err
    assert result.out == "vendor: 1 added, 0 updated, 0 removed, 0 unchanged\n"
    assert result.err == ""
    (event,) = cli("feeds", "events", "vendor", "--from", "2026-11-16", "--json").json()
    assert event["start"] == "2026-11-17T19:00:00+00:00"  # 14:00 in New York (EST)


def test_a_feed_blocks_its_all_day_events_only_when_told_to(cli, work_ics) -> None:
    assert cli("feeds", "add", "Work", str(work_ics)).code == 0
    assert cli("feeds", "add", "Holidays", str(work_ics), "--block-all-day").code == 0
    listed = {f["name"]: f["block_all_day"] for f in cli("feeds", "list", "--json").json()}
    assert listed == {"Work": False, "Holidays": True}
    edited = cli("feeds", "edit", "Holidays", "--no-block-all-day")
    assert edited.code == 0, edited.err
    assert "all-day events do not block" in edited.out
    edited = cli("feeds", "edit", "Work", "--block-all-day")
    assert "all-day events block" in edited.out
    listed = {f["name"]: f["block_all_day"] for f in cli("feeds", "list", "--json").json()}
    assert listed == {"Work": True, "Holidays": False}
    assert "blocks all-day" in cli("feeds", "list").out
    nothing = cli("feeds", "edit", "Work")
    assert nothing.code != 0 and nothing.err.count("\n") == 1 and "nothing to change" in nothing.err
    missing = cli("feeds", "edit", "Nope", "--block-all-day")
    assert missing.code != 0 and "no feed called 'Nope'" in missing.err
