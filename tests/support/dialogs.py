"""One dialog on its own: a host app, what its lines say, times typed as the user types them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from textual.app import App
from textual.content import Content
from textual.screen import Screen

from kara_tui.services.practice import Practice
from kara_tui.timeparse import parse_datetime

# tests/ui/conftest.py sets its own "now" for the calendar's week; the dialog cases are
# written for Monday 16 November 2026, 08:00 in London, so their modules pin that.
DIALOG_NOW = datetime(2026, 11, 16, 8, 0, tzinfo=UTC)


class Host(App[None]):
    """A bare app that opens one dialog and keeps what it dismissed with."""

    def __init__(self, make_screen: Callable[[], Screen[object]]) -> None:
        super().__init__()
        self.make_screen = make_screen
        self.results: list[object] = []

    def on_mount(self) -> None:
        self.push_screen(self.make_screen(), callback=self.results.append)


def said(screen: Screen[object], selector: str) -> str:
    """What a line of the dialog says; empty when it is hidden."""
    widget = screen.query_one(selector)
    if not widget.display or widget.has_class("-empty"):
        return ""
    content = widget.content  # type: ignore[attr-defined]
    return content.plain if isinstance(content, Content) else str(content)


def at(practice: Practice, text: str) -> datetime:
    """A time typed as in the dialog ('2026-11-17 10:00'), in the practice's zone."""
    return parse_datetime(text, practice.tz, practice.clock.today())
