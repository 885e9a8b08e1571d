"""The base of the calendar views: the data they draw, the state styles, and the clicks they report."""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass
from datetime import date

from rich.style import Style
from textual.color import Color, ColorParseError
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView

from kara_tui.domain import ExternalEvent
from kara_tui.ui.calendar_data import CalendarData

STATES = ("scheduled", "attended", "no-show", "cancelled", "late", "conflict", "external")


class CalendarCanvas(ScrollView, can_focus=False):
    """A Line API view of CalendarData. The screen sets the attributes; clicks go up as messages."""

    COMPONENT_CLASSES = {
        "cal--gutter",
        "cal--hour",
        "cal--off-hours",
        "cal--time-off",
        "cal--now",
        "cal--more",
        "cal--heading",
        "cal--today",
        "cal--cursor",
        "cal--dim",
        "cal--selected",
        "cal--stale",
        *(f"cal--{s}" for s in STATES),
        *(f"cal--{s}-edge" for s in STATES),
    }

    DEFAULT_CSS = """
    CalendarCanvas {
        height: 1fr;
        overflow-x: hidden;
        scrollbar-size-vertical: 1;
        & > .cal--gutter { color: $text-muted; }
        & > .cal--hour { color: $text-muted 40%; }
        & > .cal--off-hours { background: $calendar-off-hours; color: $text-muted 40%; }
        & > .cal--time-off { background: $session-time-off; color: $text-muted; }
        & > .cal--now { color: $calendar-today; text-style: bold; }
        & > .cal--more { color: $text-accent; text-style: bold; }
        & > .cal--heading { text-style: bold; }
        & > .cal--today { color: $calendar-today; text-style: bold; }
        & > .cal--cursor { background: $primary 30%; text-style: bold; }
        & > .cal--dim { color: $text-muted; }
        & > .cal--selected { background: $accent; color: $background; text-style: bold; }
        & > .cal--scheduled { background: $session-scheduled 22%; }
        & > .cal--attended { background: $session-attended 18%; }
        & > .cal--no-show { background: $session-no-show 22%; }
        & > .cal--cancelled { background: $session-cancelled 12%; color: $text-muted; }
        & > .cal--late { background: $session-late 14%; color: $text-muted; }
        & > .cal--conflict { background: $session-conflict 28%; }
        & > .cal--external { background: $session-external 14%; text-style: italic; }
        & > .cal--scheduled-edge { color: $session-scheduled; }
        & > .cal--attended-edge { color: $session-attended; }
        & > .cal--no-show-edge { color: $session-no-show; }
        & > .cal--cancelled-edge { color: $session-cancelled; }
        & > .cal--late-edge { color: $session-late; }
        & > .cal--conflict-edge { color: $session-conflict; }
        & > .cal--external-edge { color: $session-external; }
        & > .cal--stale { text-style: dim italic; }
    }
    """

    # New data repaints; no layout of the screen: the canvases' sizes come from CSS, and the
    # agenda's virtual_size (a layout reactive itself) changes only when its length does.
    data: reactive[CalendarData | None] = reactive(None)
    selected: reactive[int | None] = reactive(None)
    cursor: reactive[date | None] = reactive(None)
    privacy: reactive[bool] = reactive(False)

    @dataclass(eq=False)
    class Clicked(Message):
        """A click on ``day``: on the session ``session_id`` (the keyboard does the same with
        j/k), or on an empty part of the day (None)."""

        day: date
        session_id: int | None = None

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._edges: dict[object, Style] = {}

    def style(self, name: str) -> Style:
        return self.get_component_rich_style(f"cal--{name}")

    def feed_edge(self, data: CalendarData, event: ExternalEvent) -> Style:
        """The edge of an external event in its feed's colour (the theme's if it has none),
        dimmed while the feed is stale."""
        style = self.style("external") + self.style("external-edge")
        feed = data.feed_of(event)
        if feed is None:
            return style
        # A row of a busy week draws dozens of these: each colour is parsed once.
        key = (style, feed.colour, feed.stale and self.style("stale"))
        found = self._edges.get(key)
        if found is None:
            found = style
            with suppress(ColorParseError):  # a colour the database should not hold: the theme's
                found += Style(color=Color.parse(feed.colour).rich_color)
            if feed.stale:
                found += self.style("stale")
            if len(self._edges) > 64:  # themes come and go; feeds are few
                self._edges.clear()
            self._edges[key] = found
        return found

    def show_selected(self) -> None:
        """Scroll the selected session into view; a view that shows all of it at once has none."""

    def watch_selected(self) -> None:
        self.show_selected()
        self.refresh()

    def watch_cursor(self) -> None:
        self.refresh()

    def watch_privacy(self) -> None:
        self.refresh()
