"""Day and week views: a header per day and the hour grid with sessions, events and time off."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.geometry import Region, Size
from textual.reactive import reactive
from textual.strip import Strip

from kara_tui.domain import ExternalEvent, Session, SessionStatus
from kara_tui.ui import format as fmt
from kara_tui.ui.calendar_data import CalendarData
from kara_tui.ui.layout import (
    NAME_ROOM,
    ROWS_PER_DAY,
    ROWS_PER_HOUR,
    Block,
    Shade,
    day_blocks,
    day_shades,
    events_by_day,
    first_working_row,
    row_of,
    working_rows,
)
from kara_tui.ui.widgets.canvas import CalendarCanvas
from kara_tui.ui.widgets.cells import cell, fit, split_widths

GUTTER = 6
WIDE = 36  # a column this wide (the day view) shows more of each session


def columns(width: int, weights: list[int]) -> list[tuple[int, int]]:
    """(x, width) of each day column after the time gutter; each starts with a separator."""
    total = max(width - GUTTER, 0)
    unit = sum(weights) or 1
    widths = [total * w // unit for w in weights]
    for i in range(total - sum(widths)):
        widths[i % len(widths)] += 1
    out, x = [], GUTTER
    for w in widths:
        out.append((x, w))
        x += w
    return out


def timed_by_day(data: CalendarData) -> Counter[date]:
    """How many timed events start on each local day of the page."""
    return Counter(data.local_day(e.start) for e in data.events if isinstance(e.start, datetime))


def day_weights(data: CalendarData, timed: Counter[date] | None = None) -> list[int]:
    """Days off with nothing on them get half a column: the week's space goes to working days.
    (``timed``: timed_by_day's count, when it is known.)"""
    hours = data.professional.working_hours
    busy = {data.local_day(s.start) for s in data.sessions}
    busy.update(timed_by_day(data) if timed is None else timed)
    return [
        2 if day.weekday() in hours.days or day in busy or day == data.today else 1
        for day in data.span.dates()
    ]


@dataclass(frozen=True, slots=True)
class DayLayout:
    day: date
    blocks: list[Block]  # sessions
    events: list[Block]  # timed external events, kept apart so they never squeeze sessions
    shades: list[Shade]
    working: range
    # For each row of the day, the blocks (and the events) covering it, in the lists' order:
    # drawing a row needs no scan of the whole day.
    blocks_by_row: list[list[Block]] = field(default_factory=list)
    events_by_row: list[list[Block]] = field(default_factory=list)
    # In the week view an event's title is drawn across the column where no session is:
    # for each event (by id of its block), the first such row, where its lines begin.
    event_tops: dict[int, int] = field(default_factory=dict)


def by_row(blocks: list[Block]) -> list[list[Block]]:
    """The blocks covering each row of a day, in ``blocks``' order."""
    rows: list[list[Block]] = [[] for _ in range(ROWS_PER_DAY)]
    for block in blocks:
        for row in range(max(block.top, 0), min(block.bottom, ROWS_PER_DAY)):
            rows[row].append(block)
    return rows


def day_layout(
    day: date, data: CalendarData, day_events: list[ExternalEvent] | None = None
) -> DayLayout:
    """``day``'s column; ``day_events``, when given, holds at least the events touching it
    (layout.events_by_day), else all the page's are looked at."""
    blocks = day_blocks(day, data.tz, data.sessions_on(day))
    events = day_blocks(day, data.tz, (), data.events if day_events is None else day_events)
    blocks_by_row = by_row(blocks)
    return DayLayout(
        day,
        blocks,
        events,
        day_shades(day, data.tz, data.time_off),
        working_rows(day, data.professional.working_hours),
        blocks_by_row,
        by_row(events),
        event_tops(events, blocks_by_row),
    )


def event_tops(events: list[Block], blocks_by_row: list[list[Block]]) -> dict[int, int]:
    """For each event block, the first of its rows that no session covers (or its top)."""
    tops = {}
    for event in events:
        rows = range(max(event.top, 0), min(event.bottom, ROWS_PER_DAY))
        tops[id(event)] = next((r for r in rows if not blocks_by_row[r]), event.top)
    return tops


def event_width(width: int) -> int:
    """Room for external events at the right of a day column: a one-cell strip in the week view,
    readable blocks in the (wide) day view."""
    return max(width * 2 // 5, 12) if width >= WIDE else 1


class DayHeader(CalendarCanvas):
    """Two lines over each day column: the date (today and the cursor marked) and a summary."""

    DEFAULT_CSS = """
    DayHeader { height: 2; overflow: hidden; padding-right: 1; }
    """

    # The page last drawn, with its timed events by day and its columns' weights: counted
    # once a page, not once a line and a day (a busy week holds hundreds of events).
    _counted: tuple[CalendarData, Counter[date], list[int]] | None = None

    def _counts(self, data: CalendarData) -> tuple[CalendarData, Counter[date], list[int]]:
        if self._counted is None or self._counted[0] is not data:
            timed = timed_by_day(data)
            self._counted = (data, timed, day_weights(data, timed))
        return self._counted

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        data = self.data
        if data is None:
            return Strip.blank(width)
        days = data.span.dates()
        base = self.style("dim")
        segments = [cell(self._gutter(data, y), GUTTER, base)]
        for day, (_, w) in zip(days, columns(width, self._counts(data)[2]), strict=True):
            segments.append(Segment("│", base))
            text, style = self._label(data, day, y, w - 1)
            segments.append(cell(text, w - 1, style))
        return Strip(segments, width)

    def _gutter(self, data: CalendarData, y: int) -> str:
        if y == 0:
            return datetime.combine(data.span.first, time(12), tzinfo=data.tz).tzname() or ""
        return ""

    def _label(self, data: CalendarData, day: date, y: int, width: int) -> tuple[str, Style]:
        is_today = day == data.today
        if y == 0:
            if data.span.days == 1:
                options = [fmt.long_day(day) + (" · today" if is_today else "")]
            elif is_today:
                options = [f"{day:%a} {day.day} {day:%b} · today", f"{day:%a} {day.day} · today"]
                options.append(f"{day:%a} {day.day} •")
            else:
                options = [f"{day:%a} {day.day} {day:%b}", f"{day:%a} {day.day}"]
            text = next((o for o in options if len(o) < width), options[-1])
            style = self.style("heading")
            if is_today:
                style += self.style("today")
            if day == self.cursor:
                style += self.style("cursor")
            return " " + text, style
        timed = self._counts(data)[1][day]
        return " " + _summary(data, day, width - 1, timed, self.privacy), self.style("dim")


def _summary(data: CalendarData, day: date, width: int, timed: int, privacy: bool = False) -> str:
    """What the day holds: '3 sessions · ⚠ 1 · ◇ 2 · ▨ time off', or '3 ● ⚠ 1 ◇ 2 ▨' when narrow
    (``timed``: how many timed events start on the day)."""
    live = [s for s in data.sessions_on(day) if s.status is not SessionStatus.CANCELLED]
    conflicts = sum(1 for s in live if s.id in data.conflicts)
    off = bool(day_shades(day, data.tz, data.time_off))
    all_day = [
        fmt.event_summary(e, privacy)
        for e in data.events
        if e.all_day and not isinstance(e.start, datetime) and e.start <= day < e.end  # type: ignore[operator]
    ]
    long = [f"{len(live)} session{'s' if len(live) != 1 else ''}"] if live else []
    short = [f"{len(live)} ●"] if live else []
    if conflicts:
        long.append(f"{fmt.CONFLICT} {conflicts}")
        short.append(f"{fmt.CONFLICT} {conflicts}")
    if timed and data.span.days > 1:
        long.append(f"{fmt.EXTERNAL} {timed}")
        short.append(f"{fmt.EXTERNAL} {timed}")
    if off:
        long.append(f"{fmt.TIME_OFF} time off")
        short.append(fmt.TIME_OFF)
    long += [f"{fmt.EXTERNAL} {summary}" for summary in all_day]
    text = " · ".join(long)
    if len(text) <= width or not short:
        return text
    return " ".join(short) + (f" {fmt.EXTERNAL} {all_day[0]}" if all_day else "")


class WeekGrid(CalendarCanvas):
    """The hour grid: 20-minute rows over the whole day, scrolled to the working hours."""

    DEFAULT_CSS = """
    WeekGrid { overflow-y: scroll; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._layouts: list[DayLayout] = []
        self._weights: list[int] = []
        self._with_events = False
        self._scrolled_for: object = None
        self._lines: dict[tuple[int, int, bool], list[str]] = {}  # a block's text, drawn once
        # An event's lines as drawn, by block and width (until the privacy switch changes):
        # its edge and text segments for each line of its text, then its rows' below it.
        self._event_drawn: dict[tuple[int, int], list[list[Segment]]] = {}

    def on_mount(self) -> None:
        self.virtual_size = Size(0, ROWS_PER_DAY)

    def watch_data(self, data: CalendarData | None) -> None:
        self._layouts = []
        self._lines = {}
        self._event_drawn = {}
        if data is not None:
            self._weights = day_weights(data)
            hours = data.professional.working_hours
            days = data.span.dates()
            by_day = events_by_day(days, data.tz, data.events)
            self._layouts = [day_layout(day, data, by_day[day]) for day in days]
            self._with_events = any(layout.events for layout in self._layouts)
            key = (data.span.days, data.professional.working_hours)
            if self._scrolled_for != key:
                self._scrolled_for = key
                # At once, not after a refresh: the first page arrives before the first
                # layout (its virtual size is known from on_mount), and scrolling after the
                # paint would draw the whole grid twice.
                self.scroll_to(y=first_working_row(hours), animate=False, immediate=True)
        self.call_after_refresh(self.show_selected)
        self.refresh()

    def show_selected(self) -> None:
        """Scroll the selected session into view (the rest of the day stays where it was)."""
        block = self._block(self.selected)
        if block is not None:
            top = max(block.top - 1, 0)
            if not self.size.height and top < self.scroll_y:
                # Not laid out yet (the first page is read before the first paint): a session
                # starting at (or before) the first working row is scrolled to now, rather
                # than after the first paint, which drew the whole grid a second time.
                self.scroll_to(y=top, animate=False, immediate=True)
                return
            self.scroll_to_region(
                Region(0, top, 1, block.bottom - top + 1), animate=False, immediate=True
            )

    def _block(self, session_id: int | None) -> Block | None:
        if session_id is None:
            return None
        for layout in self._layouts:
            for block in layout.blocks:
                if block.is_session and block.item.id == session_id and not block.starts_before:
                    return block
        return None

    # -- drawing ---------------------------------------------------------------------------

    def _columns(self, width: int) -> list[tuple[int, int]]:
        return columns(width, self._weights) if self._layouts else []

    def render_line(self, y: int) -> Strip:
        region = self.scrollable_content_region
        width = region.width
        data = self.data
        if data is None or not self._layouts:
            return Strip.blank(width)
        top = int(self.scroll_offset.y)
        row = top + y
        if row >= ROWS_PER_DAY:
            return Strip.blank(width)
        now_row = row_of(data.now, data.tz)
        today = data.today
        segments = [self._gutter(row, now_row if today in data.span else -1)]
        dim = self.style("dim")
        for layout, (_, w) in zip(self._layouts, self._columns(width), strict=True):
            segments.append(Segment("│", dim))
            more = self._more(layout, y, w - 1, top, region.height)
            if more is not None:
                segments.append(more)
                continue
            is_now = layout.day == today and row == now_row
            segments.extend(self._cell(data, layout, row, w - 1, is_now, top))
        return Strip(segments, width)

    def _gutter(self, row: int, now_row: int) -> Segment:
        if row == now_row:
            return cell(" now▸ ", GUTTER, self.style("now"))
        if row % ROWS_PER_HOUR == 0:
            return cell(f"{row // ROWS_PER_HOUR:02d}:00 ", GUTTER, self.style("gutter"))
        return cell("", GUTTER, self.style("gutter"))

    def _more(self, layout: DayLayout, y: int, width: int, top: int, height: int) -> Segment | None:
        """'▲ 2 earlier' / '▼ 1 later' on the edge rows when sessions are out of view
        (``top`` is the first row shown, ``height`` how many are)."""
        if y == 0 and top > 0:
            hidden = sum(1 for b in layout.blocks if b.bottom <= top and not b.starts_before)
            if hidden:
                return cell(f" ▲ {hidden} earlier", width, self.style("more"))
        if y == height - 1 and top + height < ROWS_PER_DAY:
            hidden = sum(1 for b in layout.blocks if b.top >= top + height)
            if hidden:
                return cell(f" ▼ {hidden} later", width, self.style("more"))
        return None

    def _background(
        self, layout: DayLayout, row: int, width: int, is_now: bool, top: int
    ) -> tuple[str, Style]:
        for shade in layout.shades:
            if shade.top <= row < shade.bottom:
                label_row = max(shade.top, top)
                if row == label_row:
                    reason = fmt.clean(shade.reason)
                    text = f" {fmt.TIME_OFF} time off" + (f": {reason}" if reason else "")
                    return fit(text, width), self.style("time-off")
                return "╱" * width, self.style("time-off")
        if is_now:
            return "─" * width, self.style("now")
        style = self.style("off-hours") if row not in layout.working else Style()
        if row % ROWS_PER_HOUR == 0:
            return "┈" * width, style + self.style("hour")
        return " " * width, style

    def _cell(
        self, data: CalendarData, layout: DayLayout, row: int, width: int, is_now: bool, top: int
    ) -> list[Segment]:
        text, style = self._background(layout, row, width, is_now, top)
        events_w = event_width(width) if self._with_events else 0
        out = self._lanes(data, layout.blocks_by_row[row], row, text, style, 0, width - events_w)
        if events_w == 1:
            events_here = layout.events_by_row[row]
            if events_here and not layout.blocks_by_row[row]:
                # No session in this row: the events' titles have the whole column.
                return self._lanes(data, events_here, row, text, style, 0, width, layout, top)
            out.append(self._strip(data, layout, row, text[-1:], style))
        elif events_w:
            covering = layout.events_by_row[row]
            out += self._lanes(data, covering, row, text, style, width - events_w, events_w)
        return out

    def _lanes(
        self,
        data: CalendarData,
        covering: list[Block],
        row: int,
        text: str,
        style: Style,
        x0: int,
        width: int,
        titled: DayLayout | None = None,
        first_shown: int = 0,
    ) -> list[Segment]:
        """``width`` cells from ``x0``: the blocks ``covering`` ``row`` side by side, else
        the background. A block's lines start at its top; for events drawn over a day
        (``titled``), at the first row shown that no session covers (an event that began
        above the view, or under a session, still shows its title)."""
        if not covering:
            return [Segment(text[x0 : x0 + width], style)]
        by_lane = {b.lane: b for b in covering}
        out: list[Segment] = []
        x = x0
        for lane, lane_width in enumerate(split_widths(width, covering[0].lanes)):
            block = by_lane.get(lane)
            if block is None:
                out.append(Segment(text[x : x + lane_width], style))
            else:
                top = block.top
                if titled is not None:
                    top = max(titled.event_tops.get(id(block), block.top), first_shown)
                    while top < row and titled.blocks_by_row[top]:
                        top += 1
                out.extend(self._block_line(data, block, row - top, lane_width))
            x += lane_width
        return out

    def _strip(
        self, data: CalendarData, layout: DayLayout, row: int, text: str, style: Style
    ) -> Segment:
        """The week view's one-cell sign of external events: ◇ where one starts, ┊ while busy."""
        covering = layout.events_by_row[row]
        if not covering:
            return Segment(text, style)
        starting = [b for b in covering if b.top == row]
        block = (starting or covering)[0]
        feed = data.feed_of(block.item)  # type: ignore[arg-type]
        stale = feed is not None and feed.stale
        mark = (fmt.STALE if stale else fmt.EXTERNAL) if starting else "┊"
        return Segment(mark, self.feed_edge(data, block.item))  # type: ignore[arg-type]

    def _event_line(
        self, data: CalendarData, block: Block, event: ExternalEvent, line: int, width: int
    ) -> list[Segment]:
        """An event's line: its segments are made once per page (a busy week draws
        hundreds of event rows now that they carry their titles; each row below its text
        is the same)."""
        key = (id(block), width)
        drawn = self._event_drawn.get(key)
        if drawn is None:
            text_style = self.style("external")
            feed = data.feed_of(event)
            if feed is not None and feed.stale:
                text_style += self.style("stale")
            edge = Segment("┊", self.feed_edge(data, event))
            height = block.bottom - block.top
            lines = [*event_lines(event, data, height, width - 1, self.privacy), ""]
            drawn = [[edge, cell(text, width - 1, text_style)] for text in lines]
            self._event_drawn[key] = drawn
        return drawn[line] if 0 <= line < len(drawn) else drawn[-1]

    def notify_style_update(self) -> None:
        self._event_drawn = {}  # a theme changed: the event styles again
        super().notify_style_update()

    def watch_privacy(self) -> None:
        self._event_drawn = {}  # the events' titles shown or hidden
        super().watch_privacy()

    def _block_line(self, data: CalendarData, block: Block, line: int, width: int) -> list[Segment]:
        if width <= 0:
            return []
        item = block.item
        if isinstance(item, ExternalEvent):
            return self._event_line(data, block, item, line, width)
        privacy = self.privacy
        key = (id(block), width, privacy)  # the blocks live as long as the cache (watch_data)
        if isinstance(item, Session):
            conflict = item.id in data.conflicts
            state = fmt.status_style(item, conflict, item.id in data.moved)
            lines = self._lines.get(key)
            if lines is None:
                height = block.bottom - block.top
                lines = session_lines(item, data, height, width - 1, conflict, privacy)
                self._lines[key] = lines
            edge = "▌"
        else:
            state = "external"
            lines = self._lines.get(key)
            if lines is None:
                lines = event_lines(item, data, block.bottom - block.top, width - 1, privacy)
                self._lines[key] = lines
            edge = "┊"
        body = self.style(state)
        text = lines[line] if 0 <= line < len(lines) else ""
        text_style = body
        edge_style = body + self.style(f"{state}-edge")
        if state in ("cancelled", "late") and line == 0:
            text_style = body + Style(strike=True)
        if isinstance(item, Session) and item.id == self.selected:
            body = text_style = edge_style = body + self.style("selected")
            edge = "█"
        elif isinstance(item, ExternalEvent):
            edge_style = self.feed_edge(data, item)
            feed = data.feed_of(item)
            if feed is not None and feed.stale:
                text_style += self.style("stale")
        return [Segment(edge, edge_style), cell(text, width - 1, text_style)]

    # -- mouse -----------------------------------------------------------------------------

    def on_click(self, event: events.Click) -> None:
        width = self.scrollable_content_region.width
        row = int(self.scroll_offset.y) + event.y
        for layout, (x, w) in zip(self._layouts, self._columns(width), strict=True):
            if x <= event.x < x + w:
                lanes = [b for b in layout.blocks if b.top <= row < b.bottom]
                if lanes:
                    offset = event.x - x - 1
                    session_w = w - 1 - (event_width(w - 1) if self._with_events else 0)
                    widths = split_widths(session_w, lanes[0].lanes)
                    for block in lanes:
                        start = sum(widths[: block.lane])
                        if start <= offset < start + widths[block.lane]:
                            self.post_message(self.Clicked(layout.day, block.item.id))
                            return
                self.post_message(self.Clicked(layout.day))
                return


def session_lines(
    s: Session, data: CalendarData, height: int, width: int, conflict: bool, privacy: bool
) -> list[str]:
    """The lines of a session block: time and client, state in words, then the details."""
    tz = data.tz
    name = fmt.display_name(s.client_name, privacy)
    mark = f"{fmt.CONFLICT} " if conflict else ""
    moved_to = data.moved_to(s)
    status = fmt.status_word(s, moved_to, tz)
    # Too narrow for the time and a readable part of the name: the name, not the time.
    narrow = width - len(f"{mark}{fmt.hm(s.start, tz)} ") < NAME_ROOM
    if height == 1:
        if narrow:  # the name, not the time: the gutter says the hour
            return [f"{mark}{fmt.glyph(s, moved_to)} {name}"]
        return [f"{mark}{fmt.glyph(s, moved_to)} {fmt.hm(s.start, tz)} {name}"]
    extras = [x for x in (fmt.clean(s.service), fmt.clean(s.location)) if x]
    if s.prepaid:
        extras.append("prepaid")
    if width >= WIDE:
        first = f"{mark}{fmt.time_range(s.start, s.end, tz)}  {name}"
        second = status
        if conflict:
            second += f"  {fmt.CONFLICT} conflict"
        if s.cancellation and s.cancellation.charged:
            second += " · charged"
        third = " · ".join([*extras, str(s.fee)])
        return [first, second, third]
    if narrow:
        # '10:00 …' said nothing: the name goes first, the time with the state's glyph.
        when = f"{fmt.glyph(s, moved_to)} {fmt.hm(s.start, tz)}"
        return [f"{mark}{name}", when, " · ".join(extras)]
    return [f"{mark}{fmt.hm(s.start, tz)} {name}", status, " · ".join(extras)]


def event_lines(
    e: ExternalEvent, data: CalendarData, height: int, width: int, privacy: bool = False
) -> list[str]:
    """External events look unlike sessions: a dotted edge, italics and the feed's name."""
    at = fmt.hm(e.start, data.tz) if isinstance(e.start, datetime) else "all day"
    summary = fmt.event_summary(e, privacy)
    feed = data.feed_of(e)
    stale = feed is not None and feed.stale
    glyph = fmt.STALE if stale else fmt.EXTERNAL
    if height == 1:
        return [f"{glyph} {at} {summary}"]
    kind = "busy" if e.busy else "free"
    return [
        f"{at} {summary}",
        f"{glyph} {fmt.clean(e.feed_name)} · {kind}" + (" · stale" if stale else ""),
    ]


class WeekView(Vertical):
    """The day view (one column) and the week view (seven): header over a scrolling grid."""

    DEFAULT_CSS = """
    WeekView { height: 1fr; }
    """

    data: reactive[CalendarData | None] = reactive(None)
    selected: reactive[int | None] = reactive(None)
    cursor: reactive[date | None] = reactive(None)
    privacy: reactive[bool] = reactive(False)

    def compose(self) -> ComposeResult:
        binding = (WeekView.data, WeekView.selected, WeekView.cursor, WeekView.privacy)
        yield DayHeader().data_bind(*binding)
        yield WeekGrid(id="week-grid").data_bind(*binding)
