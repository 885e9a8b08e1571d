"""The CLI refuses a time that happens twice and says how to give the offset (issue 11)."""

from __future__ import annotations


def test_sessions_add_refuses_a_time_that_happens_twice_and_takes_an_offset(cli) -> None:
    assert cli("clients", "add", "Anna Smith", "--fee", "90").code == 0
    result = cli("sessions", "add", "--client", "Anna", "--start", "2027-10-31 01:30", "--force")
    assert result.code != 0
    assert result.err == (
        "kara-tui: 2027-10-31 01:30 happens twice in Europe/London (the clocks go back): "
        "say which with its offset, '2027-10-31 01:30+01:00' (BST) or "
        "'2027-10-31 01:30+00:00' (GMT)\n"
    )
    assert cli("sessions", "list", "--json").json() == []
    for start, shown in (
        ("2027-10-31 01:30+00:00", ("2027-10-31T01:30:00+00:00", "2027-10-31T02:20:00+00:00")),
        ("2027-10-31 01:30 BST", ("2027-10-31T01:30:00+01:00", "2027-10-31T01:20:00+00:00")),
    ):
        sid = cli("sessions", "add", "--client", "Anna", "--start", start, "--force").out.strip()
        doc = cli("sessions", "show", sid, "--json").json()
        assert (doc["start"], doc["end"]) == shown


def test_notified_at_and_ranges_use_the_same_parser(cli) -> None:
    assert cli("clients", "add", "Anna Smith").code == 0
    sid = cli("sessions", "add", "--client", "Anna", "--start", "2026-11-17 10:00").out.strip()
    cancel = cli(
        "sessions", "cancel", sid, "--reason", "client", "--notified-at", "2026-10-25 01:30"
    )
    assert cancel.code != 0 and "happens twice in Europe/London" in cancel.err
    listing = cli("sessions", "list", "--from", "2027-10-31 01:30", "--to", "2027-11-01")
    assert listing.code != 0 and "happens twice" in listing.err


def test_the_command_line_says_which_0130_wherever_it_shows_one(cli, tmp_path) -> None:
    """On the night the clocks go back, a listed time in the repeated hour names its zone."""
    assert cli("clients", "add", "Anna Smith", "--fee", "90").code == 0
    start = "2027-10-31 01:30+00:00"  # the second 01:30, GMT
    sid = cli("sessions", "add", "--client", "Anna", "--start", start, "--force").out.strip()
    listed = cli("sessions", "list", "--from", "2027-10-31", "--to", "2027-11-01").out
    assert "Sun 2027-10-31 01:30 GMT" in listed
    assert "when:   Sunday 31 October 2027 01:30 GMT (50 min)" in cli("sessions", "show", sid).out
    feed = tmp_path / "night.ics"
    feed.write_text(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\nBEGIN:VEVENT\r\n"
        "UID:night@example.com\r\nDTSTAMP:20261101T000000Z\r\n"
        "DTSTART:20271031T003000Z\r\nDTEND:20271031T012000Z\r\nSUMMARY:Night shift\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    assert cli("import", str(feed), "--name", "Night").code == 0
    events = cli("feeds", "events", "--from", "2027-10-31", "--to", "2027-11-01").out
    assert "Sun 2027-10-31 01:30 BST–01:20 GMT" in events  # 50 minutes across the change
