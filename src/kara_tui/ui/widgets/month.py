"""The month view: six weeks of days, each with its count and its first sessions."""

from __future__ import annotations

from datetime import date, timedelta

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.strip import Strip

from kara_tui.domain import Session, SessionStatus
from kara_tui.ui import format as fmt
from kara_tui.ui.calendar_data import CalendarData
from kara_tui.ui.layout import NAME_ROOM, day_shades
from kara_tui.ui.widgets.canvas import CalendarCanvas
from kara_tui.ui.widgets.cells import cell, fit, right

WEEKS = 6


class MonthGrid(CalendarCanvas):
    """Days of the cursor's month (and the edges of its neighbours, dimmed)."""

    DEFAULT_CSS = """
    MonthGrid { height: 1fr; overflow: hidden; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._by_day: dict[date, list[Session]] = {}

    def watch_data(self, data: CalendarData | None) -> None:
        self._by_day = {}
        for s in data.sessions if data is not None else ():
            self._by_day.setdefault(data.local_day(s.start), []).append(s)  # type: ignore[union-attr]
        self.refresh()

    def _geometry(self) -> tuple[list[int], int]:
        """Column widths (days off with nothing on them get half) and the height of a week."""
        width, height = self.size
        weights = [2] * 7
        if self.data is not None:
            working = self.data.professional.working_hours.days
            used = {day.weekday() for day in self._by_day}
            weights = [2 if d in working or d in used else 1 for d in range(7)]
        unit = sum(weights)
        widths = [width * w // unit for w in weights]
        for i in range(width - sum(widths)):
            widths[i] += 1
        return widths, max(2, (height - 1) // WEEKS)

    def _month(self) -> tuple[int, int] | None:
        if self.cursor is not None:
            return self.cursor.year, self.cursor.month
        if self.data is not None:
            middle = self.data.span.first + timedelta(days=14)
            return middle.year, middle.month
        return None

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        data = self.data
        if data is None or data.span.days != WEEKS * 7:
            return Strip.blank(width)
        widths, cell_height = self._geometry()
        dim = self.style("dim")
        if y == 0:
            names = [data.span.first + timedelta(days=i) for i in range(7)]
            segments = []
            for day, w in zip(names, widths, strict=True):
                name = f" {day:%A}" if w > 11 else f" {day:%a}"
                segments += [Segment("│", dim), cell(name, w - 1, self.style("heading"))]
            return Strip(segments, width)
        week, line = divmod(y - 1, cell_height)
        if week >= WEEKS:
            return Strip.blank(width)
        segments = []
        for col, w in enumerate(widths):
            day = data.span.first + timedelta(days=week * 7 + col)
            segments.append(Segment("│", dim))
            segments.extend(self._cell(data, day, line, cell_height, w - 1))
        return Strip(segments, width)

    def _cell(
        self, data: CalendarData, day: date, line: int, height: int, width: int
    ) -> list[Segment]:
        in_month = (day.year, day.month) == self._month()
        base = Style() if in_month else self.style("dim")
        sessions = self._by_day.get(day, [])
        if line == 0:
            return [self._day_line(data, day, sessions, width, base)]
        items = self._items(data, day, sessions)
        room = height - 1
        index = line - 1
        # "+N more" only below at least one item: in a one-line cell (a short terminal) the
        # first item shows, and the day line above already counts them all.
        if len(items) > room > 1 and index == room - 1:
            hidden = len(items) - room + 1
            return [cell(f" +{hidden} more", width, self.style("more"))]
        if index >= len(items):
            return [cell("", width, base)]
        item = items[index]
        if isinstance(item, str):
            return [cell(item, width, self.style("time-off"))]
        conflict = item.id in data.conflicts
        moved_to = data.moved_to(item)
        state = fmt.status_style(item, conflict, moved_to is not None)
        style = self.style(state)
        if item.id == self.selected:
            style += self.style("selected")
        mark = fmt.CONFLICT if conflict else fmt.glyph(item, moved_to)
        name = fmt.display_name(item.client_name, self.privacy)
        text = f"{mark} {fmt.hm(item.start, data.tz)} {name}"
        if width - 1 - len(f"{mark} 00:00 ") < NAME_ROOM:  # narrow: the name, not the time
            text = f"{mark} {name}"
        return [Segment("▌", style + self.style(f"{state}-edge")), cell(text, width - 1, style)]

    def _day_line(
        self, data: CalendarData, day: date, sessions: list[Session], width: int, base: Style
    ) -> Segment:
        live = sum(1 for s in sessions if s.status is not SessionStatus.CANCELLED)
        label = f" {day.day}" if day.day != 1 else f" {day.day} {day:%b}"
        if day == data.today:
            label += " today"
        count = f"{live} ●" if live else ""
        text = fit(label, width - len(count) - 1) + right(count, len(count) + 1) if count else label
        style = base + self.style("heading")
        if day == data.today:
            style += self.style("today")
        if day == self.cursor:
            style += self.style("cursor")
        return cell(text, width, style)

    def _items(self, data: CalendarData, day: date, sessions: list[Session]) -> list[str | Session]:
        items: list[str | Session] = []
        shades = day_shades(day, data.tz, data.time_off)
        if shades:
            reason = fmt.clean(shades[0].reason)
            items.append(f" {fmt.TIME_OFF} time off" + (f": {reason}" if reason else ""))
        items.extend(sessions)
        return items

    def on_click(self, event: events.Click) -> None:
        data = self.data
        if data is None or event.y == 0:
            return
        widths, cell_height = self._geometry()
        week, line = divmod(event.y - 1, cell_height)
        x = 0
        for col, w in enumerate(widths):
            if x <= event.x < x + w and week < WEEKS:
                day = data.span.first + timedelta(days=week * 7 + col)
                items = self._items(data, day, self._by_day.get(day, []))
                if 0 < line <= len(items) and isinstance(items[line - 1], Session):
                    self.post_message(self.Clicked(day, items[line - 1].id))  # type: ignore[union-attr]
                else:
                    self.post_message(self.Clicked(day))
                return
            x += w
