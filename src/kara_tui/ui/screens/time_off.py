"""Block time off (holiday, illness): a range that refuses bookings."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static
from textual.worker import Worker

from kara_tui.clock import Clock
from kara_tui.dayspan import describe, typed_span
from kara_tui.domain import DomainError, Session, TimeOff
from kara_tui.ui import format as fmt
from kara_tui.ui.privacy import privacy_on
from kara_tui.ui.resolved import day_or_moment_echo
from kara_tui.ui.workers import USER_ERRORS, WorkerErrors

if TYPE_CHECKING:
    from kara_tui.services.practice import Practice


class TimeOffForm(WorkerErrors, ModalScreen[TimeOff | None]):
    BINDINGS = [
        Binding("escape", "dismiss(None)", "Back", id="dialog_back"),
        Binding("ctrl+s", "submit", "Block", id="dialog_confirm", priority=True),
    ]

    class Previewed(Message):
        def __init__(self, key: tuple[datetime, datetime], sessions: list[Session]) -> None:
            self.key = key
            self.sessions = sessions
            super().__init__()

    class Blocked(Message):
        def __init__(self, time_off: TimeOff) -> None:
            self.time_off = time_off
            super().__init__()

    def __init__(self, practice: Practice, tz: ZoneInfo, clock: Clock, *, day: date) -> None:
        super().__init__()
        self.practice = practice
        self.tz = tz
        self.clock = clock
        self.day = day
        self._key: tuple[datetime, datetime] | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as box:
            box.border_title = "Block time off"
            box.border_subtitle = "enter or ctrl+s blocks · escape back"
            with Horizontal(classes="field"):
                yield Label("From")
                yield Input(f"{self.day:%Y-%m-%d}", placeholder="YYYY-MM-DD", id="from")
                yield Static("", classes="echo", id="from-echo")
            with Horizontal(classes="field"):
                yield Label("To (incl.)")
                yield Input(f"{self.day:%Y-%m-%d}", placeholder="YYYY-MM-DD", id="to")
                yield Static("", classes="echo", id="to-echo")
            with Horizontal(classes="field"):
                yield Label("Reason")
                yield Input(placeholder="holiday, illness, training…", id="reason")
            yield Static("", classes="note", id="range-echo")
            yield Static("", classes="conflicts", id="range-sessions")
            yield Static("", classes="error", id="error")
            with Horizontal(classes="buttons"):
                yield Button("Back", id="back")
                yield Button("Block", id="save", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#from", Input).focus()
        self._update()

    def _range(self) -> tuple[datetime, datetime]:
        return typed_span(
            self.query_one("#from", Input).value,
            self.query_one("#to", Input).value,
            self.tz,
            self.clock.today(),
            backwards="time off must end after it starts",
        )

    def on_input_changed(self, event: Input.Changed) -> None:
        self.query_one("#error", Static).update("")
        if event.input.id in ("from", "to"):
            self._update()

    def _update(self) -> None:
        now = self.clock.now()
        for name in ("from", "to"):
            typed = self.query_one(f"#{name}", Input).value
            self.query_one(f"#{name}-echo", Static).update(
                Text(day_or_moment_echo(typed, self.tz, now))
            )
        echo = self.query_one("#range-echo", Static)
        try:
            start, end = self._range()
        except DomainError as exc:
            echo.update(Text(str(exc), style="italic"))
            self.query_one("#range-sessions", Static).update("")
            self._key = None
            return
        echo.update(Text(f"Blocks {describe(start, end, self.tz)} ({self.tz.key})"))
        self._key = (start, end)
        self._preview(start, end)

    @work(thread=True, exclusive=True, group="preview", exit_on_error=False)
    def _preview(self, start: datetime, end: datetime) -> None:
        self.post_message(self.Previewed((start, end), self.practice.preview_range(start, end)))

    def on_time_off_form_previewed(self, message: Previewed) -> None:
        if message.key != self._key:
            return
        out = self.query_one("#range-sessions", Static)
        if not message.sessions:
            out.update("")
            return
        n = len(message.sessions)
        text = Text(
            f"{fmt.CONFLICT} {n} booked session{'s' if n != 1 else ''} in this range stay booked; "
            "to call them off, use 'sessions: cancel range' (ctrl+p):\n",
            style="bold",
        )
        for s in message.sessions[:5]:
            text.append(f"  {fmt.session_line(s, self.tz, privacy_on(self))}\n", style="")
        if n > 5:
            text.append(f"  and {n - 5} more\n")
        out.update(text)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "save":
            self.action_submit()
        else:
            self.dismiss(None)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_submit()

    def action_submit(self) -> None:
        try:
            start, end = self._range()
        except DomainError as exc:
            self.query_one("#error", Static).update(Text(str(exc)))
            return
        self._block(start, end, self.query_one("#reason", Input).value)

    @work(thread=True, exclusive=True, group="save", exit_on_error=False)
    def _block(self, start: datetime, end: datetime, reason: str) -> None:
        self.post_message(self.Blocked(self.practice.add_time_off(start, end, reason)))

    def on_time_off_form_blocked(self, message: Blocked) -> None:
        t = message.time_off
        self.app.notify(f"Time off blocked: {describe(t.start, t.end, self.tz)}", markup=False)
        self.dismiss(t)

    def on_service_failed(self, worker: Worker[Any], error: BaseException | None) -> bool:
        if worker.group == "save" and isinstance(error, USER_ERRORS):
            self.query_one("#error", Static).update(Text(str(error)))
            return True
        return False
