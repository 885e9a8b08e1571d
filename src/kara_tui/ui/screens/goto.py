"""Go to a date: '2026-12-03', 'tomorrow', 'next monday', '+3d'."""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from kara_tui.domain import DomainError
from kara_tui.timeparse import UnreadableDate, parse_date
from kara_tui.ui import format as fmt
from kara_tui.ui.screens._dialog import dialog_box


class GotoDialog(ModalScreen[date | None]):
    BINDINGS = [Binding("escape", "dismiss(None)", "Back", id="dialog_back")]

    def __init__(self, today: date) -> None:
        super().__init__()
        self._today = today

    def compose(self) -> ComposeResult:
        with dialog_box("Go to date", "enter goes · escape goes back"):
            yield Input(placeholder="2026-12-03, tomorrow, next monday, +2w", id="goto-input")
            yield Static("", classes="note", id="goto-echo")

    def on_input_changed(self, event: Input.Changed) -> None:
        echo = self.query_one("#goto-echo", Static)
        echo.remove_class("error")
        if not event.value.strip():
            echo.update("")
            return
        try:
            day = parse_date(event.value, self._today)
        except UnreadableDate:
            echo.update(Text("…", style="dim"))  # not a date yet: maybe still being typed
            return
        except DomainError as exc:  # a date that cannot be: 2026-02-30, the year 10000
            echo.update(Text(str(exc)))
            echo.add_class("error")
            return
        echo.update(Text(fmt.long_day(day)))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value.strip()
        if not text:
            self.dismiss(None)
            return
        try:
            day = parse_date(text, self._today)
        except DomainError as exc:
            echo = self.query_one("#goto-echo", Static)
            echo.update(Text(str(exc)))
            echo.add_class("error")
            return
        self.dismiss(day)
