"""The calendar app (placeholder until the Calendar issue lands)."""

from __future__ import annotations

from typing import Any

from textual.app import App, ComposeResult
from textual.widgets import Footer, Header, Static


class KaraApp(App[int]):
    TITLE = "kara-tui"
    BINDINGS = [("q", "quit", "Quit")]

    def __init__(self, practice: Any, settings: Any, clock: Any) -> None:
        super().__init__()
        self.practice = practice
        self.settings = settings
        self.clock = clock

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("The calendar is coming. Press q to quit.")
        yield Footer()


def make_app(*, practice: Any, settings: Any, clock: Any) -> KaraApp:
    return KaraApp(practice, settings, clock)
