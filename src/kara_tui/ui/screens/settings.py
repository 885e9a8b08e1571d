"""The practice settings in the app: every key of `settings show`, checked as the CLI checks it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Input, Static

from kara_tui.domain import DomainError, Professional
from kara_tui.policy.settings import SETTINGS_KEYS, check_setting, settings_text
from kara_tui.ui.privacy import redacted
from kara_tui.ui.screens._dialog import FormScreen, field, form_bindings, form_buttons

if TYPE_CHECKING:
    from kara_tui.services.practice import Practice

LABELS = {
    "name": ("Name", "the practice's name"),
    "email": ("Email", "where notices come from"),
    "timezone": ("Time zone", "Europe/London"),
    "cancellation_window_hours": ("Window (h)", "hours of notice a client owes"),
    "late_fee_percent": ("Late fee %", "0-100, of the session fee"),
    "payment_methods": ("Payments", "card,cash,bank_transfer,invoice"),
    "working_hours": ("Work hours", "mon-thu 09:00-19:00; fri 09:00-15:00"),
    "buffer_minutes": ("Buffer min", "between sessions"),
    "default_currency": ("Currency", "GBP"),
    "default_minutes": ("Session min", "a new session's length"),
    "reminder_leads": ("Reminder h", "48, 24, 2 (comma-separated) or none"),
    "quiet_hours": ("Quiet hours", "21:00-08:00 or none: no reminder then"),
    "series_horizon_weeks": ("Series wks", "an open-ended series is booked this far ahead"),
    "charge_attended_sessions": ("Session fees", "yes: marking attended charges the fee"),
}


class SettingsScreen(FormScreen[Professional | None]):
    """Edit every setting; ctrl+s checks them all and saves them together, escape discards."""

    BINDINGS = form_bindings("Save", back="Discard")

    DEFAULT_CSS = """
    SettingsScreen .dialog .field-error { padding-left: 14; color: $error; height: auto; }
    SettingsScreen .dialog .field-error.-empty { display: none; }
    """

    @dataclass(eq=False)
    class Loaded(Message):
        professional: Professional

    def __init__(self, practice: Practice) -> None:
        super().__init__()
        self.practice = practice
        self.stored: dict[str, str] | None = None
        self.saving: list[str] = []

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog -wide", id="settings-form") as box:
            box.border_title = "Settings"
            box.border_subtitle = "ctrl+s saves · escape discards · tab next field"
            for key in SETTINGS_KEYS:
                label, hint = LABELS[key]
                yield field(label, Input(placeholder=hint, id=key, disabled=True))
                yield Static("", classes="field-error -empty", id=f"{key}-error")
            yield Static("Loading…", classes="note", id="status")
            yield form_buttons("Save", back="Discard")

    def on_mount(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, group="load", exit_on_error=False)
    def _load(self) -> None:
        self.post_message(self.Loaded(self.practice.professional()))

    def on_settings_screen_loaded(self, message: Loaded) -> None:
        self.stored = settings_text(message.professional)
        for key, value in self.stored.items():
            field = self.query_one(f"#{key}", Input)
            field.value = value
            field.disabled = False
        self.query_one("#status", Static).update(
            "The same settings as 'kara-tui settings show'; each is checked as you type."
        )
        self.query_one(f"#{SETTINGS_KEYS[0]}", Input).focus()

    # -- checking ---------------------------------------------------------------------------

    def _check(self, key: str) -> str:
        """The field's problem in one sentence ('' when it is fine), shown beside it."""
        value = self.query_one(f"#{key}", Input).value
        try:
            check_setting(key, value)
        except DomainError as exc:
            problem = str(exc)
        else:
            problem = ""
        line = self.query_one(f"#{key}-error", Static)
        line.update(Text(problem))
        line.set_class(not problem, "-empty")
        return problem

    def input_changed(self, event: Input.Changed) -> None:
        if self.stored is not None and event.input.id in SETTINGS_KEYS:
            self._check(event.input.id)
            self.query_one("#status", Static).update("")

    def changes(self) -> dict[str, str]:
        if self.stored is None:
            return {}
        return {
            key: self.query_one(f"#{key}", Input).value
            for key in SETTINGS_KEYS
            if self.query_one(f"#{key}", Input).value != self.stored[key]
        }

    # -- saving -----------------------------------------------------------------------------

    def action_submit(self) -> None:
        if self.stored is None:
            return
        status = self.query_one("#status", Static)
        wrong = [key for key in SETTINGS_KEYS if self._check(key)]
        if wrong:
            self.query_one(f"#{wrong[0]}", Input).focus()
            status.update(Text(f"Not saved: fix {LABELS[wrong[0]][0]} first.", style="bold"))
            return
        changes = self.changes()
        if not changes:
            self.dismiss(None)
            return
        status.update("Saving…")
        self.saving = list(changes)
        self._save(changes)

    @work(thread=True, exclusive=True, group="save", exit_on_error=False)
    def _save(self, changes: dict[str, str]) -> None:
        self.post_message(self.Done(self.practice.set_settings(changes)))

    def said(self, result: Professional) -> str:
        return "Settings saved: " + ", ".join(LABELS[key][0] for key in self.saving)

    def show_error(self, message: str) -> None:
        """The settings' error line is the status line."""
        self.query_one("#status", Static).update(Text(f"Not saved: {redacted(self, message)}"))
