"""The time off blocked so far: a list, block more, and remove a block after a confirmation."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.message import Message
from textual.widgets import DataTable, Footer, Static

from kara_tui.dayspan import describe
from kara_tui.domain import TimeOff
from kara_tui.ui import compat, keys
from kara_tui.ui import format as fmt
from kara_tui.ui.screens._dialog import ListScreen, ListTitle, PracticeDay
from kara_tui.ui.workers import WorkerErrors

if TYPE_CHECKING:
    pass


class TimeOffScreen(PracticeDay, WorkerErrors, ListScreen[None]):
    """Every block of time off, oldest first; the cursor starts on the first one still to come."""

    BINDINGS = keys.bindings("time_off_list")

    blocks: Sequence[TimeOff] = ()  # as the last load read them

    @dataclass(eq=False)
    class Loaded(Message):
        blocks: list[TimeOff]

    @dataclass(eq=False)
    class Removed(Message):
        said: str

    def compose(self) -> ComposeResult:
        yield ListTitle(f" Time off ({self.tz.key})", id="time-off-title")
        yield DataTable(id="time-off-table", cursor_type="row", zebra_stripes=True)
        yield Static("Loading…", id="time-off-status", classes="list-note")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns("Days", "Reason")
        self._load()

    @work(thread=True, exclusive=True, group="load", exit_on_error=False)
    def _load(self) -> None:
        self.post_message(self.Loaded(self.practice.list_time_off()))

    def on_time_off_screen_loaded(self, message: Loaded) -> None:
        self.blocks = message.blocks
        table = self.query_one(DataTable)
        table.clear()
        now = self.clock.now()
        for b in self.blocks:
            past = b.end <= now
            table.add_row(
                Text(describe(b.start, b.end, self.tz), style="dim" if past else ""),
                Text(fmt.clean(b.reason), style="dim" if past else ""),
                key=str(b.id),
            )
        compat.measure_rows_now(table)
        upcoming = [i for i, b in enumerate(self.blocks) if b.end > now]
        if upcoming:
            table.move_cursor(row=upcoming[0])
        n = len(self.blocks)
        self.query_one("#time-off-status", Static).update(
            "No time off blocked. Press b to block some."
            if not n
            else f"{n} block{'s' if n != 1 else ''} · b blocks more · d removes the selected "
            "one · escape goes back"
        )
        table.focus()

    def _selected(self) -> TimeOff | None:
        table = self.query_one(DataTable)
        if not self.blocks or table.cursor_row is None:
            return None
        return self.blocks[min(table.cursor_row, len(self.blocks) - 1)]

    def action_block(self) -> None:
        from kara_tui.ui.screens.time_off import TimeOffForm

        def done(block: TimeOff | None) -> None:
            if block is not None:
                self._load()

        self.app.push_screen(TimeOffForm(self.practice, self.tz, self.clock, day=self.day), done)

    def action_remove(self) -> None:
        from kara_tui.ui.screens.confirm import ConfirmDialog

        block = self._selected()
        if block is None:
            self.notify("There is no time off to remove.", severity="warning")
            return
        days = describe(block.start, block.end, self.tz)
        reason = f" ({fmt.clean(block.reason)})" if block.reason else ""
        body = Text.assemble(
            (f"{days}{reason}", "bold"),
            "\n\nThese days take bookings again. Sessions cancelled with them stay cancelled.",
        )

        def done(yes: bool | None) -> None:
            if yes:
                self._remove(block.id, f"Time off removed: {days}{reason}")

        self.app.push_screen(
            ConfirmDialog("Remove this time off?", body, confirm="Remove", danger=True), done
        )

    @work(thread=True, exclusive=True, group="remove", exit_on_error=False)
    def _remove(self, time_off_id: int, said: str) -> None:
        self.practice.remove_time_off(time_off_id)
        self.post_message(self.Removed(said))

    def on_time_off_screen_removed(self, message: Removed) -> None:
        self.notify(message.said, markup=False)
        self._load()
