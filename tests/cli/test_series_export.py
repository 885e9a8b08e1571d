"""`export` writes a series as one VEVENT with RRULE, EXDATEs and RECURRENCE-ID overrides: a
calendar reading it (recurring-ical-events) shows exactly the sessions not cancelled."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import recurring_ical_events
from icalendar import Calendar

WINDOW = (datetime(2026, 11, 1, tzinfo=UTC), datetime(2028, 1, 1, tzinfo=UTC))


def _shown(path: Path) -> list[tuple[datetime, datetime]]:
    cal = Calendar.from_ical(path.read_bytes())
    return sorted(
        (e["DTSTART"].dt.astimezone(UTC), e["DTEND"].dt.astimezone(UTC))
        for e in recurring_ical_events.of(cal).between(*WINDOW)
        if str(e.get("STATUS", "")) != "CANCELLED"
    )


def _on_record(cli) -> list[tuple[datetime, datetime]]:
    listed = cli("sessions", "list", "--from", "2026-11-01", "--to", "2028-01-01", "--json").json()
    return sorted(
        (
            datetime.fromisoformat(s["start"]).astimezone(UTC),
            datetime.fromisoformat(s["end"]).astimezone(UTC),
        )
        for s in listed
        if s["status"] != "cancelled"
    )


@pytest.mark.parametrize("private", [False, True])
def test_the_export_of_changed_series_reads_back_as_the_database(
    cli, anna_weekly, add_series, tmp_path: Path, private: bool
) -> None:
    anna = anna_weekly
    assert cli("clients", "add", "Ben Jones", "--fee", "60").code == 0
    # Ben's monthly series is open-ended: to the horizon.
    ben = add_series("Ben", "2026-11-19 15:00", "monthly", "--json").json()
    assert cli("sessions", "add", "--client", "Ben", "--start", "2026-11-20 09:00").code == 0
    a = [s["id"] for s in anna["sessions"]]
    assert cli("sessions", "cancel", str(a[2]), "--reason", "client").code == 0
    assert (
        cli(
            "sessions",
            "reschedule",
            str(a[3]),
            "--start",
            "2026-12-10 11:00",
            "--by",
            "client",
            "--force",
        ).code
        == 0
    )
    assert cli("sessions", "edit", str(a[4]), "--location", "Room 9").code == 0
    assert (
        cli(
            "sessions",
            "reschedule",
            str(a[6]),
            "--start",
            "2027-01-13 12:00",
            "--by",
            "professional",
            "--scope",
            "following",
            "--force",
        ).code
        == 0
    )
    assert cli("sessions", "end-series", str(ben["id"]), "--from", "2027-03-01").code == 0
    out = tmp_path / "kara.ics"
    args = ["export", "--out", str(out)] + (["--private"] if private else [])
    r = cli(*args)
    assert r.code == 0, r.err
    assert _shown(out) == _on_record(cli)
    text = out.read_text()
    assert "RRULE:FREQ=WEEKLY" in text and "RECURRENCE-ID;TZID=Europe/London" in text
    assert "EXDATE;TZID=Europe/London" in text
    assert ("Anna" in text) is (not private)
    assert ("Room 9" in text) is (not private)
