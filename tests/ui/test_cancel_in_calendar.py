"""Issue 4 as a user meets it: the real app (make_app), keys in the calendar, the database after.

Each write is checked against a twin practice (the same seed in another SQLite file) where the
same thing was done with the real `kara-tui` CLI: both databases must then hold the same rows,
apart from the random iCal UIDs. That is "Confirm writes exactly what the CLI would write".
"""

from __future__ import annotations

import email
import sqlite3
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
from icalendar import Calendar
from textual.widgets import Checkbox, Select

from calendar_kit import UI_NOW, at, notices, screen_text, seed_week, settle
from kara_tui.clock import FixedClock
from kara_tui.config import Settings
from kara_tui.db.engine import make_engine
from kara_tui.db.schema import upgrade
from kara_tui.domain import PaymentMethod, Reason, SessionStatus
from kara_tui.services.practice import Practice
from kara_tui.ui.screens.calendar import CalendarScreen
from kara_tui.ui.screens.cancel import CancelDialog
from kara_tui.ui.screens.cancel_range import CancelRangeDialog
from kara_tui.ui.screens.details import DetailsScreen
from kara_tui.ui.screens.outbox import OutboxScreen
from kara_tui.ui.screens.reschedule import RescheduleDialog
from support.pilot import type_text


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """The calendar's settings, with notices written as .eml files under tmp_path."""
    return Settings(
        path=tmp_path / "config.toml", theme="kara-dark", outbox_dir=tmp_path / "outbox"
    )


class Twin:
    """The same practice in another database, changed only through the `kara-tui` CLI."""

    def __init__(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any) -> None:
        self.file = tmp_path / "twin" / "kara.db"
        self.file.parent.mkdir(parents=True, exist_ok=True)
        self.url = f"sqlite:///{self.file}"
        self.engine = make_engine(self.url)
        upgrade(self.engine)
        self.practice = Practice(self.engine, FixedClock(UI_NOW, "Europe/London"))
        self.practice.ensure_professional()
        self.ids = seed_week(self.practice)
        self._monkeypatch = monkeypatch
        self._capsys = capsys
        self._tmp = tmp_path

    def kara(self, *args: str) -> str:
        from kara_tui.cli import main

        with self._monkeypatch.context() as env:
            env.setenv("KARA_DB", self.url)
            env.setenv("KARA_NOW", UI_NOW.isoformat())
            env.setenv("KARA_CONFIG", str(self._tmp / "twin" / "config.toml"))
            env.setenv("XDG_STATE_HOME", str(self._tmp / "twin" / "state"))
            self._capsys.readouterr()
            code = main(list(args))
            out, err = self._capsys.readouterr()
        assert code == 0, err
        return out


@pytest.fixture
def twin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any) -> Any:
    t = Twin(tmp_path, monkeypatch, capsys)
    yield t
    t.engine.dispose()


def database(db_url: str) -> Path:
    return Path(db_url.removeprefix("sqlite:///"))


def everything(db_file: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table, with each session's random UID replaced by its id."""
    con = sqlite3.connect(db_file)
    try:
        uids = {
            uid: f"<uid of session {sid}>"
            for uid, sid in con.execute("SELECT uid, id FROM sessions")
        }

        def plain(value: object) -> object:
            if isinstance(value, str):
                for uid, name in uids.items():
                    value = value.replace(uid, name)
            return value

        tables = [
            name
            for (name,) in con.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                "ORDER BY name"
            )
        ]
        return {
            table: [
                tuple(plain(v) for v in row)
                for row in con.execute(f'SELECT * FROM "{table}" ORDER BY rowid')
            ]
            for table in tables
        }
    finally:
        con.close()


def assert_same_records(ui_db: Path, cli_db: Path) -> None:
    ours, theirs = everything(ui_db), everything(cli_db)
    assert ours.keys() == theirs.keys()
    for table in ours:
        assert ours[table] == theirs[table], f"table {table} differs"


def calendar(app: Any) -> CalendarScreen:
    screen = app.screen
    assert isinstance(screen, CalendarScreen), type(screen).__name__
    return screen


def block(app: Any, heading: str) -> list[str]:
    """A session's block in the week: the lines under its heading, cut to its column."""
    lines = screen_text(app).splitlines()
    [(row, col)] = [(i, line.index(heading)) for i, line in enumerate(lines) if heading in line]
    end = lines[row].find("│", col)
    return [line[col:end].rstrip() for line in lines[row : row + 3]]


def selection(app: Any) -> str:
    return str(app.screen.query_one("#selection").render())


async def select(app: Any, pilot: Any, session_id: int, *keys: str) -> None:
    """Walk to a session with j/k, as a user does, and check it is the one selected."""
    await pilot.press(*keys)
    await settle(app, pilot)
    assert calendar(app).selected == session_id


# -- c: cancel -------------------------------------------------------------------------------


async def test_c_cancels_as_the_client_with_a_card_charge_as_the_cli_does(
    app, ids, cal_practice, db_url, twin
) -> None:
    # Anna at 16:00 today: 3 h 30 min of notice, inside her 24 h window.
    session = cal_practice.book(ids["anna"], at(18, 16), service="Therapy")
    assert twin.practice.book(twin.ids["anna"], at(18, 16), service="Therapy").id == session.id

    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        # Today's first session is selected; j walks past Chloe's 14:00 to Anna's 16:00.
        assert calendar(app).selected == ids["past"]
        await select(app, pilot, session.id, "j", "j")
        await pilot.press("c")
        await settle(app, pilot)
        dialog = app.screen
        assert isinstance(dialog, CancelDialog)
        await pilot.press("2")  # Cancelled by the client
        await settle(app, pilot)
        assert dialog.reason is Reason.CLIENT
        text = screen_text(app)
        assert "Late cancellation: 3 h 30 min notice, your policy is 24 h." in text
        assert "a penalty may apply under" in text
        # Tab leaves the reasons for the notice time, then the charge box.
        await pilot.press("tab", "tab")
        assert dialog.focused is dialog.query_one("#charge")
        assert dialog.query_one("#charge", Checkbox).value is False  # never ticked for the user
        await pilot.press("space")
        await settle(app, pilot)
        assert dialog.query_one("#charge", Checkbox).value is True
        # Amount (the fee at 100 %), then the method: pick cash, then card, with the keys.
        await pilot.press("tab")
        assert dialog.focused is dialog.query_one("#amount")
        assert dialog.query_one("#amount").value == "90.00"
        await pilot.press("tab")
        method = dialog.query_one("#method", Select)
        assert dialog.focused is method
        await pilot.press("enter", "down", "enter")
        await settle(app, pilot)
        assert method.value is PaymentMethod.CASH
        await pilot.press("enter", "up", "enter")
        await settle(app, pilot)
        assert method.value is PaymentMethod.CARD
        assert dialog.query_one("#notify", Checkbox).value is True
        await pilot.press("ctrl+s")
        await settle(app, pilot)

        # Back on the calendar: the block and the selection line say cancelled, late, by client.
        screen = calendar(app)
        assert screen.selected == session.id
        assert "Wed 18 Nov 2026 16:00–16:50 Anna Smith · ⊘ late · by client" in selection(app)
        assert block(app, "16:00 Anna Smith")[1].startswith("⊘ late · by cl")
        assert (
            "Cancelled by the client: Wed 18 Nov 2026 16:00–16:50 Anna Smith; charged 90.00 GBP "
            "by card. The client's notice waits in the outbox (O to send it)."
        ) in notices(app)

        # enter: the details show the cancellation and the charge.
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, DetailsScreen)
        details = screen_text(app)
        assert "Cancelled by the client" in details
        assert "3 h 30 min · late" in details
        assert "Charged       yes" in details
        assert "90.00 GBP  late cancellation  Card  pending" in details
        await pilot.press("escape")
        await settle(app, pilot)
        calendar(app)

    stored = cal_practice.get_session(session.id)
    assert stored.status is SessionStatus.CANCELLED
    assert stored.cancellation is not None and stored.cancellation.charged

    twin.kara(
        "sessions", "cancel", str(session.id), "--reason", "client", "--charge", "--method", "card"
    )
    assert_same_records(database(db_url), twin.file)


async def test_palette_session_cancel_opens_the_dialog_and_escape_writes_nothing(
    app, ids, db_url, twin
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await select(app, pilot, ids["future"], "j")
        await pilot.press("ctrl+p")
        await type_text(pilot, "session: cancel")
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        dialog = app.screen
        assert isinstance(dialog, CancelDialog)
        assert dialog.session_id == ids["future"]
        await pilot.press("2", "tab", "tab", "space", "escape")
        await settle(app, pilot)
        calendar(app)
    assert_same_records(database(db_url), twin.file)


async def test_ctrl_s_with_a_bad_amount_keeps_the_dialog_and_writes_nothing(
    app, ids, db_url, twin
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await select(app, pilot, ids["future"], "j")
        await pilot.press("c")
        await settle(app, pilot)
        dialog = app.screen
        await pilot.press("2", "tab", "tab", "space", "tab", "ctrl+a", "ctrl+k", *"lots", "ctrl+s")
        await settle(app, pilot)
        assert app.screen is dialog
        text = screen_text(app)
        assert "'lots' is not an amount (write it like 90.00)." in text
        assert "Fix the charge above, or untick it." in text
        assert "Traceback" not in text
    assert_same_records(database(db_url), twin.file)


# -- x: no-show ------------------------------------------------------------------------------


async def test_x_records_a_no_show_with_a_card_charge_as_the_cli_does(
    app, ids, cal_practice, db_url, twin
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert calendar(app).selected == ids["past"]  # Anna at 10:00 this morning
        await pilot.press("x")
        await settle(app, pilot)
        dialog = app.screen
        assert isinstance(dialog, CancelDialog)
        assert dialog.reason is Reason.NO_SHOW
        text = screen_text(app)
        assert "Record a no-show" in text
        assert "A no-show is recorded at the session's start." in text
        assert "No notice is sent for a no-show, unless you write the client a line." in text
        await pilot.press("tab")
        assert dialog.focused is dialog.query_one("#charge")
        await pilot.press("space")
        await settle(app, pilot)
        assert dialog.query_one("#method", Select).value is PaymentMethod.CARD
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        calendar(app)
        assert "Wed 18 Nov 2026 10:00–10:50 Anna Smith · ✗ no-show" in selection(app)
        assert (
            "Marked no-show: Wed 18 Nov 2026 10:00–10:50 Anna Smith; charged 90.00 GBP by card."
        ) in notices(app)

    stored = cal_practice.get_session(ids["past"])
    assert stored.status is SessionStatus.NO_SHOW
    twin.kara("sessions", "no-show", str(ids["past"]), "--charge", "--method", "card")
    assert_same_records(database(db_url), twin.file)


# -- r: reschedule ---------------------------------------------------------------------------


async def test_r_moves_a_session_and_both_show_the_link_as_the_cli_does(
    app, ids, cal_practice, db_url, twin
) -> None:
    old = cal_practice.book(ids["anna"], at(18, 16), service="Therapy")
    twin.practice.book(twin.ids["anna"], at(18, 16), service="Therapy")

    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await select(app, pilot, old.id, "j", "j")
        await pilot.press("r")
        await settle(app, pilot)
        dialog = app.screen
        assert isinstance(dialog, RescheduleDialog)
        assert dialog.focused is dialog.query_one("#start")
        assert "Say who asked for the change: tab down to it, then 1 or 2." in screen_text(app)
        await pilot.press("ctrl+a", "ctrl+k")
        await type_text(pilot, "2026-11-19 15:00")
        await pilot.press("tab", "tab", "1")
        await settle(app, pilot)
        assert "Thu 19 Nov 2026, 15:00–15:50 is free." in screen_text(app)
        await pilot.press("ctrl+s")
        await settle(app, pilot)

        screen = calendar(app)
        new_id = screen.selected
        assert new_id is not None and new_id != old.id
        assert "Thu 19 Nov 2026 15:00–15:50 Anna Smith · ● scheduled" in selection(app)
        assert block(app, "15:00 Anna Smith")[1] == "● scheduled"
        assert block(app, "16:00 Anna Smith")[1].startswith("↷ moved · Thu 1")  # not late
        assert "Moved to Thu 19 Nov 2026 15:00–15:50 Anna Smith" in notices(app)

        await pilot.press("enter")
        await settle(app, pilot)
        details = screen_text(app)
        assert f"Moved from  session {old.id}" in details
        assert f"reschedule to  rescheduled from session {old.id}" in details
        await pilot.press("escape")
        # The old session, two steps back (Ben's Thursday 11:00 lies between).
        await select(app, pilot, old.id, "k", "k")
        assert "Wed 18 Nov 2026 16:00–16:50 Anna Smith · ↷ moved · Thu 19 Nov" in selection(app)
        await pilot.press("enter")
        await settle(app, pilot)
        details = screen_text(app)
        assert "Cancelled by the client" in details
        assert "reschedule" in details.split("History")[1]
        await pilot.press("escape")

    moved = cal_practice.get_session(new_id)
    assert moved.rescheduled_from == old.id
    assert cal_practice.get_session(old.id).status is SessionStatus.CANCELLED
    twin.kara(
        "sessions", "reschedule", str(old.id), "--start", "2026-11-19 15:00", "--by", "client"
    )
    assert_same_records(database(db_url), twin.file)


# -- the palette: cancel a range -------------------------------------------------------------


async def test_palette_cancel_range_cancels_notifies_and_blocks_as_the_cli_does(
    app, ids, cal_practice, db_url, twin
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+p")
        await type_text(pilot, "cancel range")
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        dialog = app.screen
        assert isinstance(dialog, CancelRangeDialog)
        assert dialog.focused is dialog.query_one("#from")
        await pilot.press("ctrl+a", "ctrl+k")
        await type_text(pilot, "2026-11-19")
        await pilot.press("tab", "ctrl+a", "ctrl+k")
        await type_text(pilot, "2026-11-20")
        await settle(app, pilot)
        preview = screen_text(app)
        assert "2 sessions will be cancelled" in preview
        assert "Thu 19 Nov 11:00–11:50  Ben Jones" in preview
        assert "Fri 20 Nov 19:00–19:50  Chloe Patel" in preview
        assert "Thu 19 Nov 2026 to Fri 20 Nov 2026 will be blocked as time off" in preview
        await pilot.press("ctrl+s")
        await settle(app, pilot)

        calendar(app)
        text = screen_text(app)
        assert text.count("▨ time off") >= 2  # Thursday's and Friday's headers
        assert "Cancelled 2 sessions; the days are blocked as time off." in notices(app)

    for name in ("external", "evening"):
        s = cal_practice.get_session(ids[name])
        assert s.status is SessionStatus.CANCELLED
        assert s.cancellation is not None and s.cancellation.reason is Reason.PROFESSIONAL
    queued = [(n.session_id, n.status.value) for n in cal_practice.list_notifications()]
    assert (ids["external"], "queued") in queued
    # Chloe has no email address: nothing is queued for her (issue 11).
    assert [n for n in queued if n[0] == ids["evening"]] == []
    # The dialog's "to (included)" Friday is the CLI's --to Friday: one meaning for both.
    twin.kara(
        "sessions", "cancel-range", "--from", "2026-11-19", "--to", "2026-11-20",
        "--reason", "professional",
    )  # fmt: skip
    assert_same_records(database(db_url), twin.file)


# -- O: the outbox ---------------------------------------------------------------------------


def eml_parts(path: Path) -> tuple[Message, Calendar]:
    msg = email.message_from_bytes(path.read_bytes())
    [part] = [p for p in msg.walk() if p.get_content_type() == "text/calendar"]
    payload = part.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return msg, Calendar.from_ical(payload)


async def test_a_cancellation_is_listed_in_the_outbox_and_s_writes_its_eml(
    app, ids, cal_practice, tmp_path
) -> None:
    cal_practice.set_setting("email", "sam@practice.example")
    anna = cal_practice.get_session(ids["next_week"])
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("right_square_bracket")  # next week: Anna's Monday 10:00
        await settle(app, pilot)
        await select(app, pilot, anna.id, "h", "h")
        await pilot.press("c", "2")
        await settle(app, pilot)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        calendar(app)
        await pilot.press("O")
        await settle(app, pilot)
        assert isinstance(app.screen, OutboxScreen)
        text = screen_text(app)
        assert f"Messages go to files in {tmp_path / 'outbox'}" in text
        assert "anna@example.com" in text
        assert "Appointment cancelled: " in text
        await pilot.press("s")
        await settle(app, pilot)
        assert "written to" in screen_text(app)  # a file, not sent (issue 11)

    mine = [n for n in cal_practice.list_notifications() if n.session_id == anna.id]
    assert [(n.status.value, n.recipient) for n in mine] == [("sent", "anna@example.com")]
    files = sorted((tmp_path / "outbox").glob("*.eml"))
    assert len(files) == len(cal_practice.list_notifications(status=None)) - len(
        [n for n in cal_practice.list_notifications() if n.status.value == "failed"]
    )
    [eml] = [f for f in files if "anna@example.com" in f.read_text()]
    msg, ical = eml_parts(eml)
    assert msg["To"] == "anna@example.com"
    assert ical["METHOD"] == "CANCEL"
    [event] = ical.walk("VEVENT")
    assert str(event["UID"]) == anna.uid
    assert str(event["STATUS"]) == "CANCELLED"
    assert int(event["SEQUENCE"]) == anna.sequence + 1
