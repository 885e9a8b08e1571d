"""The agenda: the coming weeks as a list, one line per session, grouped by day."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.geometry import Region, Size
from textual.strip import Strip

from kara_tui.domain import ExternalEvent, Session, TimeOff
from kara_tui.ui import format as fmt
from kara_tui.ui.calendar_data import CalendarData
from kara_tui.ui.layout import day_shades
from kara_tui.ui.widgets.canvas import CalendarCanvas
from kara_tui.ui.widgets.cells import cell, fit


@dataclass(frozen=True, slots=True)
class Line:
    kind: str  # "day", "session", "event", "time_off", "empty", "blank"
    day: date
    item: Session | ExternalEvent | TimeOff | None = None


def agenda_lines(data: CalendarData) -> list[Line]:
    """Days with something on them (and today), each followed by its sessions and events."""
    lines: list[Line] = []
    for day in data.span.dates():
        sessions = [s for s in data.sessions if data.local_day(s.start) == day]
        events = [e for e in data.events if _event_day(e, data) == day]
        offs = [t for t in data.time_off if day_shades(day, data.tz, [t])]
        if not (sessions or events or offs or day == data.today):
            continue
        if lines:
            lines.append(Line("blank", day))
        lines.append(Line("day", day))
        lines += [Line("time_off", day, t) for t in offs]
        timed: list[Session | ExternalEvent] = [*sessions, *events]
        timed.sort(key=lambda i: (_start(i, data), isinstance(i, ExternalEvent)))
        lines += [Line("session" if isinstance(i, Session) else "event", day, i) for i in timed]
        if not timed and not offs:
            lines.append(Line("empty", day))
    return lines


def _start(item: Session | ExternalEvent, data: CalendarData) -> datetime:
    if isinstance(item.start, datetime):
        return item.start
    return datetime.combine(item.start, datetime.min.time(), tzinfo=data.tz)


def _event_day(event: ExternalEvent, data: CalendarData) -> date:
    if isinstance(event.start, datetime):
        return data.local_day(event.start)
    return event.start


class AgendaList(CalendarCanvas):
    """Four weeks from the cursor's day; the selected session stays in view."""

    DEFAULT_CSS = """
    AgendaList { overflow-y: auto; }
    """

    # Only ever replaced (by watch_data), never changed in place: the empty default is shared.
    _lines: Sequence[Line] = ()

    def watch_data(self, data: CalendarData | None) -> None:
        self._lines = agenda_lines(data) if data is not None else []
        self.virtual_size = Size(0, len(self._lines))
        self.call_after_refresh(self.show_selected)
        self.refresh()

    def show_selected(self) -> None:
        for y, line in enumerate(self._lines):
            if line.kind == "session" and line.item.id == self.selected:  # type: ignore[union-attr]
                top = y - 1 if y and self._lines[y - 1].kind == "day" else y
                self.scroll_to_region(Region(0, top, 1, y - top + 1), animate=False, immediate=True)
                return

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        index = int(self.scroll_offset.y) + y
        data = self.data
        if data is None or index >= len(self._lines):
            if data is not None and not self._lines and y == 1:
                return Strip([cell("  Nothing in these four weeks.", width, self.style("dim"))])
            return Strip.blank(width)
        line = self._lines[index]
        if line.kind == "day":
            text = " " + fmt.long_day(line.day) + (" · today" if line.day == data.today else "")
            style = self.style("heading")
            if line.day == data.today:
                style += self.style("today")
            if line.day == self.cursor:
                style += self.style("cursor")
            return Strip([cell(text, width, style)], width)
        if line.kind == "empty":
            return Strip([cell("     no sessions", width, self.style("dim"))], width)
        if line.kind == "time_off":
            t = line.item
            assert isinstance(t, TimeOff)
            reason = fmt.clean(t.reason)
            span = fmt.time_range(t.start, t.end, data.tz)
            text = f"   {fmt.TIME_OFF} {span:<13} time off" + (f": {reason}" if reason else "")
            return Strip([cell(text, width, self.style("time-off"))], width)
        if line.kind == "event":
            return Strip(self._event(data, line.item, width), width)  # type: ignore[arg-type]
        if line.kind == "session":
            return Strip(self._session(data, line.item, width), width)  # type: ignore[arg-type]
        return Strip.blank(width)

    def _session(self, data: CalendarData, s: Session, width: int) -> list[Segment]:
        conflict = s.id in data.conflicts
        moved_to = data.moved_to(s)
        state = fmt.status_style(s, conflict, moved_to is not None)
        body = self.style(state)
        edge = body + self.style(f"{state}-edge")
        if s.id == self.selected:
            body = edge = body + self.style("selected")
        name = fmt.display_name(s.client_name, self.privacy)
        details = " · ".join(
            x for x in (fmt.clean(s.service), fmt.clean(s.location), str(s.fee)) if x
        )
        mark = f" {fmt.CONFLICT} conflict" if conflict else ""
        name_style = body + Style(strike=True) if state in ("cancelled", "late") else body
        time_text = f" {fmt.time_range(s.start, s.end, data.tz):<13}"
        status = f" {fmt.status_word(s, moved_to, data.tz)}{mark}"
        left = data.few_left(s)
        if left is not None and not mark:  # the series is nearly over: offer the next block
            status += f" ⚑ {left} left"
        name_w = max(min(28, width - 50), 12)
        return [
            Segment("  ▌", edge),
            cell(time_text, 14, body),
            cell(name, name_w, name_style),
            cell(status, 28, body),
            cell("  " + details, max(width - 3 - 14 - name_w - 28, 0), body),
        ]

    def _event(self, data: CalendarData, e: ExternalEvent, width: int) -> list[Segment]:
        body = self.style("external")
        edge = self.feed_edge(data, e)
        if isinstance(e.start, datetime) and isinstance(e.end, datetime):
            at = fmt.time_range(e.start, e.end, data.tz)
        else:
            at = "all day"
        kind = "busy" if e.busy else "free"
        summary = fmt.event_summary(e, self.privacy)
        feed = data.feed_of(e)
        stale = feed is not None and feed.stale
        glyph = fmt.STALE if stale else fmt.EXTERNAL
        text = f" {at:<13}{fit(summary, 28)}{glyph} {fmt.clean(e.feed_name)} · {kind}"
        if stale:
            text += " · stale"
            body += self.style("stale")
        return [Segment("  ┊", edge), cell(text, width - 3, body)]

    def on_click(self, event: events.Click) -> None:
        index = int(self.scroll_offset.y) + event.y
        if 0 <= index < len(self._lines):
            line = self._lines[index]
            if line.kind == "session":
                self.post_message(self.Clicked(line.day, line.item.id))  # type: ignore[union-attr]
            else:
                self.post_message(self.Clicked(line.day))
