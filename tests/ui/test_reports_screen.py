"""The reports screen in a tiny host app, driven with Pilot on a practice with known figures."""

from __future__ import annotations

import shutil
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from rich.cells import cell_len
from textual.app import App, ComposeResult
from textual.widgets import DataTable, Input, Static

from kara_tui.clock import FixedClock
from kara_tui.config import Settings
from kara_tui.db.engine import make_engine
from kara_tui.domain import Money, Reason
from kara_tui.services.practice import ChargeRequest, Practice
from kara_tui.services.report import Week
from kara_tui.ui.screens.reports import PeriodDialog, ReportsScreen, WeeklyChart
from report_world import build, charged_outside_the_window
from support.pilot import settle


class Host(App[None]):
    def __init__(self, practice: Practice, settings: Settings) -> None:
        super().__init__()
        self.practice = practice
        self.settings = settings

    def on_mount(self) -> None:
        self.push_screen(ReportsScreen(self.practice, self.settings))


def text_of(screen: ReportsScreen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


def table_rows(screen: ReportsScreen) -> list[list[str]]:
    table = screen.query_one(DataTable)
    return [[cell.plain for cell in table.get_row_at(i)] for i in range(table.row_count)]


@pytest.fixture
def world(practice, clock):
    return build(practice, clock)


async def test_shows_the_figures_of_the_last_90_days(practice, world):
    app = Host(practice, Settings())
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, ReportsScreen)
        assert screen.report is not None and screen.report.booked == 13
        assert "Wed 19 Aug 2026 – Mon 16 Nov 2026 (90 days)" in text_of(screen, "#reports-period")
        sessions = text_of(screen, "#reports-sessions").split("\n")
        assert sessions[0].split() == ["Booked", "13"]
        assert sessions[2].split() == ["scheduled", "2", "1", "unmarked"]
        assert sessions[3].split() == ["cancelled", "8", "5", "late"]
        assert "15.4 %  2 of 13 by you" in text_of(screen, "#reports-sessions")
        reasons = [line.split() for line in text_of(screen, "#reports-reasons").split("\n")]
        assert ["Cancelled", "by", "the", "client", "5", "3"] in reasons
        assert ["client", "(incl.", "no-shows)", "7"] in reasons
        money = [line.split() for line in text_of(screen, "#reports-money").split("\n")]
        assert ["Charged", "3", "50.00", "EUR"] in money
        assert ["135.00", "GBP"] in money
        # Waived (late, not charged) counts by session date: in the sessions panel.
        assert sessions[-2].split() == ["Waived", "3", "250.00", "GBP"]
        assert sessions[-1].split() == ["not", "charged,", "100", "%", "of", "fee"]
        assert ["Refunds", "1", "60.00", "GBP"] in money
        assert ["paid", "now", "0", "-"] in money
        assert ["pending", "3", "50.00", "EUR"] in money
        assert ["Payments", "·", "by", "payment", "date"] in money
        assert ["received", "0", "-"] in money
        assert screen.query_one("#reports-money").border_title == "Charges · by charge date"

        rows = table_rows(screen)
        assert [r[0] for r in rows] == ["Ann Archer", "Bob Baker", "Cara Cole", "Dee Dunn", "TOTAL"]
        assert rows[0] == ["Ann Archer", "6", "1", "3", "3", "1", "1", "135.00 GBP"]
        assert rows[-1] == ["TOTAL", "13", "1", "8", "5", "2", "3", "50.00 EUR\n135.00 GBP"]

        chart = screen.query_one(WeeklyChart)
        assert chart.weeks == screen.report.weeks
        drawn = str(chart.render())
        assert "█ cancellations" in drawn and "▒ no-shows" in drawn  # legend, not colour only
        assert "02 Nov" in drawn


async def test_the_table_fits_an_80_column_terminal(practice, world):
    long = practice.add_client("Maximiliana Fitzgerald-Worthington")
    practice.book(long.id, world_start(practice), force=True)
    app = Host(practice, Settings())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        table = app.screen.query_one(DataTable)
        assert table.virtual_size.width <= table.scrollable_content_region.width
        names = [r[0] for r in table_rows(app.screen)]
        assert "Maximilian…" in names
        assert app.screen.has_class("-narrow")


def world_start(practice: Practice):
    return practice.clock.now() - timedelta(days=2)


async def test_s_cycles_the_sort_column_and_shift_s_reverses(practice, world):
    app = Host(practice, Settings())
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        screen = app.screen
        assert screen.sort_state == ("client", False)
        await pilot.press("s")
        assert screen.sort_state == ("sessions", True)
        names = [r[0] for r in table_rows(screen)]
        # Most sessions first; Cara and Dee tie on 2 and stay in name order; TOTAL stays last.
        assert names == ["Ann Archer", "Bob Baker", "Cara Cole", "Dee Dunn", "TOTAL"]
        header = screen.query_one(DataTable).ordered_columns[1].label.plain
        assert header == "Booked ▼"
        await pilot.press("S")
        assert screen.sort_state == ("sessions", False)
        names = [r[0] for r in table_rows(screen)]
        assert names == ["Cara Cole", "Dee Dunn", "Bob Baker", "Ann Archer", "TOTAL"]
        await pilot.press("s", "s")  # attended, then cancelled
        assert screen.sort_state == ("cancelled", True)
        names = [r[0] for r in table_rows(screen)]
        assert names == ["Ann Archer", "Bob Baker", "Cara Cole", "Dee Dunn", "TOTAL"]


async def test_clicking_a_header_sorts_by_it(practice, world):
    app = Host(practice, Settings())
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        screen = app.screen
        table = screen.query_one(DataTable)
        # The money panel (paid, pending, payments) is taller now: bring the table into view.
        screen.query_one("#reports-body").scroll_to_widget(table, animate=False, top=True)
        await pilot.pause()
        columns = table.ordered_columns
        x = sum(c.get_render_width(table) for c in columns[:5]) + 2  # into "No-shows"
        await pilot.click(table, offset=(x + 1, 1))  # y=1: the header, under the border
        await pilot.pause()
        assert screen.sort_state == ("no_shows", True)
        names = [r[0] for r in table_rows(screen)]
        assert names[:2] == ["Ann Archer", "Bob Baker"]  # one no-show each, then zeros
        await pilot.click(table, offset=(x + 1, 1))
        await pilot.pause()
        assert screen.sort_state == ("no_shows", False)


async def test_brackets_shift_the_period_by_30_days_and_t_goes_back(practice, world):
    app = Host(practice, Settings())
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        screen = app.screen
        await pilot.press("left_square_bracket")
        await settle(app, pilot)
        assert screen.report.period.start == date(2026, 7, 20)
        assert screen.report.period.last_day == date(2026, 10, 17)
        assert screen.report.booked == 1  # only #13, on 12 Aug
        assert [r[0] for r in table_rows(screen)] == ["Bob Baker", "TOTAL"]
        await pilot.press("right_square_bracket", "right_square_bracket")
        await settle(app, pilot)
        assert screen.report.period.start == date(2026, 9, 18)
        await pilot.press("t")
        await settle(app, pilot)
        assert screen.report.period.start == date(2026, 8, 19)
        assert screen.report.booked == 13


async def test_p_types_a_period_with_both_days_included(practice, world):
    app = Host(practice, Settings())
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        screen = app.screen
        await pilot.press("p")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, PeriodDialog)
        dialog.query_one("#period-from", Input).value = "2026-11-09"
        dialog.query_one("#period-to", Input).value = "2026-11-08"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is dialog  # refused: last day before the first
        assert "before the first" in str(dialog.query_one("#period-error", Static).render())
        said = [str(s.render()) for s in dialog.query(Static)]
        assert len([line for line in said if "before the first" in line]) == 1  # said once
        dialog.query_one("#period-to", Input).value = "2026-11-15"
        dialog.query_one("#period-to", Input).focus()
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.screen is screen
        assert (screen.report.period.start, screen.report.period.last_day) == (
            date(2026, 11, 9),
            date(2026, 11, 15),
        )
        assert screen.report.booked == 7
        assert "(7 days)" in text_of(screen, "#reports-period")
        # [ ] then move the typed period, not the rolling one.
        await pilot.press("right_square_bracket")
        await settle(app, pilot)
        assert screen.report.period.start == date(2026, 12, 9)


async def test_escape_in_the_period_dialog_changes_nothing(practice, world):
    app = Host(practice, Settings())
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        screen = app.screen
        await pilot.press("p")
        await pilot.pause()
        app.screen.query_one("#period-from", Input).value = "nonsense"
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.screen is screen
        assert screen.report.period.start == date(2026, 8, 19)


async def test_privacy_mode_shows_initials_and_names_are_never_markup(practice, clock):
    build(practice, clock)
    odd = practice.add_client("[bold]Mal[/bold] Lory")
    practice.book(odd.id, clock.now() - timedelta(days=3), force=True)
    app = Host(practice, Settings())
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert table_rows(app.screen)[0][0] == "[bold]Mal[/bold] Lory"
    app = Host(practice, Settings(privacy=True))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        names = [r[0] for r in table_rows(app.screen)]
        assert names == ["Lo.", "A.Ar.", "B.Ba.", "C.Co.", "D.Du.", "TOTAL"]
        assert not any("Archer" in n or "Lory" in n for n in names)


async def test_a_broken_database_is_one_sentence_on_screen(tmp_path: Path, clock: FixedClock):
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not a database" * 200)
    engine = make_engine(f"sqlite:///{junk}")
    app = Host(Practice(engine, clock), Settings())
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(app, pilot)
            message = text_of(app.screen, "#reports-message")
            assert "not a kara-tui database" in message
            assert app.screen.report is None
    finally:
        engine.dispose()


class ChartHost(App[None]):
    def __init__(self, weeks: tuple[Week, ...]) -> None:
        super().__init__()
        self.weeks = weeks

    def compose(self) -> ComposeResult:
        yield WeeklyChart()

    def on_mount(self) -> None:
        self.query_one(WeeklyChart).weeks = self.weeks


async def test_a_long_period_shares_bars_between_weeks():
    first = date(2025, 11, 17)
    weeks = tuple(Week(first + timedelta(weeks=i), 0, i % 4, i % 3) for i in range(52))
    app = ChartHost(weeks)
    async with app.run_test(size=(60, 14)) as pilot:
        await pilot.pause()
        lines = str(app.query_one(WeeklyChart).render()).split("\n")
        assert lines[0] == "██ cancellations  ▒▒ no-shows   (a bar per 3 weeks)"
        assert all(len(line) <= 60 for line in lines)
        assert lines[-1].split()[:2] == ["17", "Nov"]


async def test_an_empty_period_says_so():
    weeks = tuple(Week(date(2026, 11, 2) + timedelta(weeks=i), 0, 0, 0) for i in range(3))
    app = ChartHost(weeks)
    async with app.run_test(size=(80, 14)) as pilot:
        await pilot.pause()
        lines = str(app.query_one(WeeklyChart).render()).split("\n")
        assert lines[0].endswith("none in this period")
        assert lines[-1].split() == ["02", "Nov", "09", "Nov", "16", "Nov"]


async def test_a_charge_on_a_cancellation_that_was_not_late_is_shown_apart(practice):
    charged_outside_the_window(practice)
    app = Host(practice, Settings())
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        money = [line.split() for line in text_of(app.screen, "#reports-money").split("\n")]
        assert ["late", "cancellation", "0", "-"] in money
        assert ["cancel", "(not", "late)", "1", "90.00", "GBP"] in money


async def test_d_picks_any_period_with_typed_days_echoed_as_typed(practice, world):
    app = Host(practice, Settings())
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        screen = app.screen
        shown_keys = {
            key: b.binding.description
            for key, b in screen.active_bindings.items()
            if b.binding.show and b.node is screen
        }
        assert shown_keys["d"] == "Period (dates)"  # in the footer (p is the app's privacy key)
        await pilot.press("d")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, PeriodDialog)
        assert "Reports on Wed 19 Aug – Mon 16 Nov 2026, 90 days" in str(
            dialog.query_one("#period-span", Static).render()
        )
        dialog.query_one("#period-from", Input).value = "someday"
        await pilot.pause()
        assert str(dialog.query_one("#period-from-echo", Static).render()) == "?"
        assert "from: 'someday' is not a date I can read" in str(
            dialog.query_one("#period-span", Static).render()
        )
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is dialog  # refused, nothing lost
        assert "from: 'someday'" in str(dialog.query_one("#period-error", Static).render())
        assert dialog.query_one("#period-from", Input).value == "someday"
        dialog.query_one("#period-from", Input).value = "2025-01-01"
        dialog.query_one("#period-to", Input).value = "monday"
        dialog.query_one("#period-to", Input).focus()
        await pilot.pause()
        assert str(dialog.query_one("#period-from-echo", Static).render()) == "→ Wed 1 Jan 2025"
        assert str(dialog.query_one("#period-to-echo", Static).render()) == "→ Mon 16 Nov 2026"
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.screen is screen
        assert (screen.report.period.start, screen.report.period.last_day) == (
            date(2025, 1, 1),
            date(2026, 11, 16),
        )
        assert screen.report.booked == 14  # the whole story, #13 in August included


@pytest.mark.parametrize("size", [(120, 24), (110, 40), (80, 24)])
async def test_each_figure_box_shows_every_line_whole(practice, world, size):
    """The demo's complaint: at 120x24 "GBP" wrapped under "Charged 13 1045.00" and the
    Payments line was cut off the bottom of the Charges box. A box's lines never wrap (the
    boxes stack when the Charges box does not fit beside the others) and are never cut."""
    big = practice.add_client("Ed Eager", fee=Money(100000, "GBP"))
    session = practice.book(big.id, datetime(2026, 11, 16, 10, tzinfo=UTC), force=True)
    practice.cancel(session.id, Reason.CLIENT, charge=ChargeRequest())  # 2 h notice: late
    app = Host(practice, Settings())
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        screen = app.screen
        money = text_of(screen, "#reports-money").split("\n")
        assert ["1135.00", "GBP"] in [line.split() for line in money]  # four digits, as the demo's
        for box in ("#reports-sessions", "#reports-reasons", "#reports-money"):
            widget = screen.query_one(box, Static)
            lines = text_of(screen, box).split("\n")
            assert widget.content_region.width >= max(cell_len(line) for line in lines), box
            assert widget.content_region.height >= len(lines), box


async def test_a_report_that_cannot_be_read_says_why_and_keeps_the_screen(practice, engine):
    """The read fails (the database's folder is gone): one line says why in words, the period
    line says there is no report, and nothing crashes."""
    engine.dispose()
    shutil.rmtree(Path(engine.url.database).parent)
    app = Host(practice, Settings())
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, ReportsScreen)
        assert screen.report is None
        assert text_of(screen, "#reports-message") == (
            "the database file cannot be opened (check the path and permissions)"
        )
        assert text_of(screen, "#reports-period") == "No report"
