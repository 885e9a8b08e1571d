"""The real kara-tui in tmux (issue 16, item 7): book a 12-week series over a holiday and skip
the holiday, cancel one session as late by the client with a charge, move the series from
week 6, end it at week 10. After each step `sessions list --json` and the outbox are checked,
and the client's calendar rebuilt from every notice in order matches the sessions on record."""

from __future__ import annotations

import json
import shutil
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from icalendar import Calendar

from client_calendar import ClientCalendar
from kara_tui.clock import FixedClock
from kara_tui.db.engine import make_engine
from kara_tui.services.practice import Practice
from support.tmux import Terminal, kara, kara_command

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="needs tmux (apt-get install tmux)"),
]

NOW = "2026-11-16T12:00:00+00:00"  # Monday noon in London: Tuesday 10:00 is under 24 h away
HOLIDAY = "2026-12-08"  # the fourth Tuesday


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    import os

    config = tmp_path / "config.toml"
    config.write_text(f"outbox_dir = {json.dumps(str(tmp_path / 'outbox'))}\n")
    return {
        **os.environ,
        "KARA_NOW": NOW,
        "KARA_CONFIG": str(config),
        "KARA_DB": f"sqlite:///{tmp_path / 'kara.db'}",
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
    }


@pytest.fixture
def terminal(env):
    term = Terminal(env)
    yield term
    term.stop()


def _sessions(env) -> list[dict]:
    return json.loads(
        kara(env, "sessions", "list", "--from", "2026-11-01", "--to", "2027-06-01", "--json")
    )


def _notices(env) -> list:
    engine = make_engine(env["KARA_DB"])
    try:
        practice = Practice(engine, FixedClock(datetime.fromisoformat(NOW), "Europe/London"))
        return sorted(practice.list_notifications(), key=lambda n: n.id)
    finally:
        engine.dispose()


def _agrees(env) -> None:
    """The client's calendar, rebuilt from every notice in order, shows the sessions on record."""
    calendar = ClientCalendar()
    for n in _notices(env):
        calendar.apply(n.ical)
    shown = [
        (a, b)
        for a, b, _ in calendar.shown(
            datetime(2026, 11, 1, tzinfo=UTC), datetime(2027, 6, 1, tzinfo=UTC)
        )
    ]
    on_record = sorted(
        (
            datetime.fromisoformat(s["start"]).astimezone(UTC),
            datetime.fromisoformat(s["end"]).astimezone(UTC),
        )
        for s in _sessions(env)
        if s["status"] != "cancelled"
    )
    assert shown == on_record


def _method(ical: str) -> tuple[str, bool]:
    cal = Calendar.from_ical(ical)
    (event, *_) = cal.walk("VEVENT")
    return str(cal["METHOD"]), "RECURRENCE-ID" in event


def _local(s: dict) -> str:
    return datetime.fromisoformat(s["start"]).strftime("%a %Y-%m-%d %H:%M")


def test_a_twelve_week_series_lived_with_in_the_calendar(env, terminal) -> None:
    kara(env, "settings", "set", "timezone", "Europe/London")
    kara(env, "clients", "add", "Anna Smith", "--email", "anna@example.com", "--fee", "90")
    kara(env, "timeoff", "add", "--from", HOLIDAY, "--to", HOLIDAY, "--reason", "holiday")

    terminal.start([*kara_command()])
    terminal.wait("Week 47 · 16–22 November 2026")

    # 1. Book "every Tuesday 10:00 for 12 weeks" in one form; skip the holiday.
    terminal.keys("n")
    terminal.wait("New session")
    time.sleep(0.5)  # the form gives the client field focus as it opens
    terminal.keys("Anna Smith")
    terminal.wait("Client      Anna Smith")
    terminal.keys("Tab", "C-a", "2026-11-17 10:00")
    terminal.wait("Tue 17 Nov 10:00")
    terminal.keys(*["Tab"] * 6)
    terminal.wait_cursor_on("Repeat")
    terminal.keys("weekly", "Tab", "12")
    terminal.wait("↻ weekly on Tuesday, 12")
    terminal.keys("C-s")
    terminal.wait("1 of 12 sessions clash")
    terminal.wait("Tue 08 Dec 2026 10:00")
    terminal.keys("s")
    terminal.wait("11 sessions booked")  # the notification: how many, then the first
    sessions = _sessions(env)
    assert len(sessions) == 11
    assert {_local(s)[-5:] for s in sessions} == {"10:00"}
    assert HOLIDAY not in {s["start"][:10] for s in sessions}
    series_id = sessions[0]["series_id"]
    assert {s["series_id"] for s in sessions} == {series_id}
    (invite,) = _notices(env)
    assert _method(invite.ical) == ("REQUEST", False)
    assert (
        "RRULE:FREQ=WEEKLY;COUNT=12" in invite.ical and "EXDATE;TZID=Europe/London" in invite.ical
    )
    _agrees(env)

    # 2. Cancel the first session, late, by the client, with a charge.
    terminal.wait("▶ Tue 17 Nov 2026 10:00–10:50 Anna Smith · ● scheduled ↻")
    terminal.keys("c")
    terminal.wait("Choose a reason (keys 1–4).")
    terminal.keys("2")
    terminal.wait("Late cancellation:")
    terminal.keys("Tab")
    terminal.wait_cursor_on("Notice given at 2026-11-16 12:00")
    terminal.keys("Tab")
    terminal.wait_focused("Charge the client for this session")
    terminal.keys("Space")
    terminal.wait("▐X▌ Charge the client for this session")
    terminal.keys("C-s")
    terminal.wait("⊘ late · by client ↻")
    first = _sessions(env)[0]
    assert first["status"] == "cancelled" and first["cancellation"]["late"] is True
    [charge] = first["charges"]
    assert (charge["kind"], charge["amount"]) == ("late_cancellation", "90.00")
    cancel = _notices(env)[-1]
    assert cancel.kind.value == "cancellation"
    assert _method(cancel.ical) == ("CANCEL", True)
    _agrees(env)

    # 3. From week 6 on, Wednesdays at 11:00 ("this and following").
    terminal.keys("g")
    terminal.wait("Go to date")
    terminal.keys("2026-12-22", "Enter")
    terminal.wait("▶ Tue 22 Dec 2026 10:00–10:50 Anna Smith · ● scheduled ↻")
    terminal.keys("r")
    terminal.wait("Reschedule: a session of a series")
    terminal.keys("2")
    terminal.wait("Move this and the following sessions")
    time.sleep(0.5)  # the new time's field has focus as the dialog opens
    terminal.keys("C-a", "2026-12-23 11:00", "Enter")
    terminal.wait("sessions moved")
    sessions = _sessions(env)
    before = [_local(s) for s in sessions if s["start"] < "2026-12-22"]
    after = [_local(s) for s in sessions if s["start"] >= "2026-12-22"]
    assert {t[:3] + t[-5:] for t in before} == {"Tue10:00"}
    assert {t[:3] + t[-5:] for t in after} == {"Wed11:00"}
    assert len(after) == 7  # weeks 6 to 12
    assert len({s["series_id"] for s in sessions}) == 2
    update, new = _notices(env)[-2:]
    assert (update.kind.value, new.kind.value) == ("update", "confirmation")
    assert "UNTIL=" in update.ical and "RRULE:FREQ=WEEKLY;COUNT=7" in new.ical
    _agrees(env)

    # 4. End the series at week 10 (from Wed 20 Jan 2027), from the palette.
    terminal.keys("g")
    terminal.wait("Go to date")
    terminal.keys("2027-01-20", "Enter")
    terminal.wait("▶ Wed 20 Jan 2027 11:00–11:50 Anna Smith · ● scheduled ↻")
    terminal.keys("C-p")
    time.sleep(0.5)
    terminal.keys("series: end")
    terminal.wait("end the selected session's series")
    terminal.keys("Enter")
    terminal.wait("End series")
    time.sleep(0.5)  # the date's field has focus as the dialog opens
    terminal.keys("C-a", "2027-01-20", "Enter")
    terminal.wait("Series ended from Wed 20 Jan 2027")
    sessions = _sessions(env)
    assert max(s["start"] for s in sessions) < "2027-01-20"
    assert (
        len([s for s in sessions if s["status"] == "scheduled"]) == 7
    )  # weeks 2-9 but the holiday
    assert _notices(env)[-1].kind.value == "update"
    _agrees(env)

    terminal.keys("q")
    deadline = time.monotonic() + 15
    while not terminal.exited() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert terminal.exited(), terminal.screen()
    assert "Traceback" not in terminal.screen()
