"""Block time off (holiday, illness): a range that refuses bookings."""

from __future__ import annotations

from datetime import datetime, timedelta

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.widgets import Input, Static

from kara_tui.dayspan import counted_from_typed, describe, typed_span
from kara_tui.domain import DomainError, Session, TimeOff
from kara_tui.ui import format as fmt
from kara_tui.ui.privacy import privacy_on
from kara_tui.ui.resolved import day_or_moment_echo
from kara_tui.ui.screens import _dialog
from kara_tui.ui.screens._dialog import FormScreen, error_line, field, form_bindings, form_buttons


class TimeOffForm(_dialog.PracticeDay, FormScreen[TimeOff | None]):
    BINDINGS = form_bindings("Block")

    _key: tuple[datetime, datetime] | None = None  # the span last looked up

    def compose(self) -> ComposeResult:
        with _dialog.dialog_box("Block time off", "enter or ctrl+s blocks · escape back"):
            for label, name in (("From", "from"), ("To (incl.)", "to")):
                yield field(
                    label,
                    Input(f"{self.day:%Y-%m-%d}", placeholder="YYYY-MM-DD", id=name),
                    Static("", classes="echo", id=f"{name}-echo"),
                )
            yield field("Reason", Input(placeholder="holiday, illness, training…", id="reason"))
            yield Static("", classes="note", id="range-echo")
            yield Static("", classes="conflicts", id="range-sessions")
            yield error_line()
            yield form_buttons("Block")

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

    def input_changed(self, event: Input.Changed) -> None:
        super().input_changed(event)
        if event.input.id in ("from", "to"):
            self._update()

    def _update(self) -> None:
        now = self.clock.now()
        typed_from, typed_to = (
            self.query_one("#from", Input).value,
            self.query_one("#to", Input).value,
        )
        today = now.astimezone(self.tz).date()
        base = counted_from_typed(typed_from, typed_to, self.tz, today)  # "fri" to "mon"
        to_now = now + timedelta(days=(base - today).days)
        for name, typed, on in (("from", typed_from, now), ("to", typed_to, to_now)):
            self.query_one(f"#{name}-echo", Static).update(
                Text(day_or_moment_echo(typed, self.tz, on))
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
        self.post_message(_dialog.SpanRead((start, end), self.practice.preview_range(start, end)))

    def on_span_read(self, message: _dialog.SpanRead) -> None:
        if message.key != self._key:
            return
        sessions: list[Session] = message.found
        out = self.query_one("#range-sessions", Static)
        if not sessions:
            out.update("")
            return
        n = len(sessions)
        text = Text(
            f"{fmt.CONFLICT} {n} booked session{'s' if n != 1 else ''} in this range stay booked; "
            "to call them off, use 'sessions: cancel range' (ctrl+p):\n",
            style="bold",
        )
        for s in sessions[:5]:
            text.append(f"  {fmt.session_line(s, self.tz, privacy_on(self))}\n", style="")
        if n > 5:
            text.append(f"  and {n - 5} more\n")
        out.update(text)

    def action_submit(self) -> None:
        try:
            start, end = self._range()
        except DomainError as exc:
            self.query_one("#range-echo", Static).update("")  # said once, in the error line
            self.show_error(str(exc))
            return
        self._block(start, end, self.query_one("#reason", Input).value)

    @work(thread=True, exclusive=True, group="save", exit_on_error=False)
    def _block(self, start: datetime, end: datetime, reason: str) -> None:
        self.post_message(self.Done(self.practice.add_time_off(start, end, reason)))

    def said(self, result: TimeOff) -> str:
        return f"Time off blocked: {describe(result.start, result.end, self.tz)}"
