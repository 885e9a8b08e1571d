"""The reports screen: how the practice went over a period, as figures, a weekly chart and a table."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, ClassVar

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.color import Color, ColorParseError
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.reactive import reactive
from textual.screen import ModalScreen, Screen
from textual.widget import Widget
from textual.widgets import (
    DataTable,
    Footer,
    Header,
    Input,
    Label,
    Static,
    TabbedContent,
    TabPane,
)
from textual.worker import Worker, WorkerState

from kara_tui.dayspan import counted_from_typed, days_to_span, describe, is_bare_date, typed_days
from kara_tui.domain import DomainError, Money
from kara_tui.domain.privacy import initials
from kara_tui.services.errors import StorageError
from kara_tui.services.report import (
    COUNTED_BY,
    ClientLine,
    Period,
    Report,
    Week,
    build_report,
    make_period,
    totals,
)
from kara_tui.ui import compat, keys
from kara_tui.ui.privacy import privacy_on
from kara_tui.ui.resolved import UNREAD, day_echo

CANCEL_GLYPH = "█"
NO_SHOW_GLYPH = "▒"
KIND_WORDS = {
    "late_cancellation": "late cancellation",
    "cancellation": "cancel (not late)",
    "no_show": "no-show",
    "session": "session",
}


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _amounts(amounts: tuple[Money, ...]) -> str:
    return ", ".join(str(m) for m in amounts) or "-"


def _clean(text: str) -> str:
    """A name as data: no control characters a terminal would obey."""
    return "".join(ch for ch in text if ch.isprintable())


# -- the chart ----------------------------------------------------------------------------


class WeeklyChart(Widget):
    """Cancellations and no-shows per week as paired bars, with a legend and counts on top.

    Each series has its own glyph (solid and shaded) as well as its colour, so the chart
    reads in a monochrome terminal and in every theme. When the weeks do not fit the width,
    neighbouring weeks share a bar and the title says so.
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "weekly-chart--cancelled",
        "weekly-chart--no-show",
        "weekly-chart--axis",
    }
    DEFAULT_CSS = """
    WeeklyChart { height: 12; }
    WeeklyChart > .weekly-chart--cancelled { color: $error; }
    WeeklyChart > .weekly-chart--no-show { color: $warning; }
    WeeklyChart > .weekly-chart--axis { color: $text-muted; }
    """

    weeks: reactive[tuple[Week, ...]] = reactive(tuple, layout=False)

    def render(self) -> Text:
        width, height = self.size.width, self.size.height
        cancel_style, no_show_style = self._series_styles()
        axis = self.get_component_rich_style("weekly-chart--axis")
        out = Text(no_wrap=True, overflow="crop")
        weeks = list(self.weeks)
        if not weeks or width < 12 or height < 5:
            return out
        top = max(max(w.cancelled, w.no_shows) for w in weeks)
        gutter = len(str(top)) + 2
        # Group weeks until each bar pair and its gap fit (3 columns at least per group).
        group = 1
        while -(-len(weeks) // group) * 3 > width - gutter:
            group += 1
        buckets = [_merge(weeks[i : i + group]) for i in range(0, len(weeks), group)]
        col = max(3, min(9, (width - gutter) // len(buckets)))
        bar = max(1, min(3, (col - 1) // 2))
        rows = max(1, height - 4)  # legend, count headroom, axis, labels

        out.append(CANCEL_GLYPH * 2, cancel_style)
        out.append(" cancellations  ")
        out.append(NO_SHOW_GLYPH * 2, no_show_style)
        out.append(" no-shows")
        if group > 1:
            out.append(f"   (a bar per {group} weeks)", axis)
        if top == 0:
            out.append("   none in this period", axis)
        out.append("\n")

        def height_of(value: int) -> int:
            if value == 0 or top == 0:
                return 0
            return max(1, round(value * rows / top))

        heights = [(height_of(b.cancelled), height_of(b.no_shows)) for b in buckets]
        for level in range(rows + 1, 0, -1):  # the extra level holds the counts
            label = str(top) if level == rows and top else ""
            out.append(f"{label:>{gutter - 2}} ", axis)
            out.append("│" if level <= rows else " ", axis)
            for b, (hc, hn) in zip(buckets, heights, strict=True):
                out.append(_cell(b.cancelled, hc, level, bar, CANCEL_GLYPH), cancel_style)
                out.append(_cell(b.no_shows, hn, level, bar, NO_SHOW_GLYPH), no_show_style)
                out.append(" " * (col - 2 * bar))
            out.append("\n")
        out.append(" " * (gutter - 2) + "0 └" + "─" * (col * len(buckets)) + "\n", axis)
        out.append(" " * gutter)
        labels = ""
        for i, b in enumerate(buckets):
            text = f"{b.start:%d %b}"
            if len(labels) <= i * col:
                labels = labels.ljust(i * col) + text + " "
        out.append(labels[: width - gutter].rstrip(), axis)
        return out

    def _series_styles(self) -> tuple[Style, Style]:
        """The theme's own session colours when it has them, else the CSS defaults."""
        cancel = self.get_component_rich_style("weekly-chart--cancelled")
        no_show = self.get_component_rich_style("weekly-chart--no-show")
        try:
            variables = self.app.get_css_variables()
        except Exception:  # no app yet (rendering outside a running app)
            return cancel, no_show
        return (
            _themed(variables.get("session-cancelled"), cancel),
            _themed(variables.get("session-no-show"), no_show),
        )


def _themed(value: str | None, fallback: Style) -> Style:
    if not value:
        return fallback
    try:
        return Style(color=Color.parse(value).rich_color)
    except ColorParseError:
        return fallback


def _merge(weeks: list[Week]) -> Week:
    return Week(
        weeks[0].start,
        sum(w.attended for w in weeks),
        sum(w.cancelled for w in weeks),
        sum(w.no_shows for w in weeks),
    )


def _cell(value: int, bar_height: int, level: int, width: int, glyph: str) -> str:
    if level <= bar_height:
        return glyph * width
    if level == bar_height + 1 and value:
        text = str(value)
        return text.center(width) if len(text) <= width else text[:width]
    return " " * width


# -- the client table ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    label: str
    sort_key: Callable[[ClientLine], Any]
    numeric: bool = True


COLUMNS: tuple[Column, ...] = (
    Column("client", "Client", lambda c: c.name.casefold(), numeric=False),
    Column("sessions", "Booked", lambda c: c.sessions),
    Column("attended", "Held", lambda c: c.attended),
    Column("cancelled", "Cancelled", lambda c: c.cancelled),
    Column("late", "Late", lambda c: c.late),
    Column("no_shows", "No-shows", lambda c: c.no_shows),
    Column("waived", "Waived", lambda c: c.waived),
    # Mixed currencies cannot be compared; a practice nearly always has one, so order by the
    # amounts per currency code.
    Column("charged", "Charged", lambda c: tuple((m.currency, m.minor) for m in c.charged)),
)


# -- the period dialog --------------------------------------------------------------------


class PeriodDialog(ModalScreen[Period | None]):
    """Type a period: first and last day, both included ('2026-08-01', '-30d', 'today'),
    read as every range of days is (dayspan.typed_days), each echoed as the day it means."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(None)", "Back", id="period.back"),
        Binding("ctrl+s", "apply", "Apply", id="period.apply"),
    ]
    DEFAULT_CSS = """
    PeriodDialog { align: center middle; }
    PeriodDialog > Vertical {
        width: 70; height: auto; border: round $primary; padding: 1 2; background: $surface;
    }
    PeriodDialog Horizontal { height: auto; margin-bottom: 1; }
    PeriodDialog Horizontal Input { width: 1fr; }
    PeriodDialog .echo { width: 22; padding: 1 0 0 1; color: $text-muted; }
    PeriodDialog #period-span { height: auto; }
    PeriodDialog #period-error { color: $text-error; height: auto; }
    """

    def __init__(self, period: Period, today: date) -> None:
        super().__init__()
        self.period = period
        self.today = today

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Period: first and last day, both included")
            yield Label("From")
            with Horizontal():
                yield Input(f"{self.period.start:%Y-%m-%d}", id="period-from")
                yield Static("", classes="echo", id="period-from-echo")
            yield Label("To (last day)")
            with Horizontal():
                yield Input(f"{self.period.last_day:%Y-%m-%d}", id="period-to")
                yield Static("", classes="echo", id="period-to-echo")
            yield Static("", id="period-span")
            yield Static("", id="period-error")
            yield Label("2026-08-01, -30d, today, monday · enter: apply · escape: back")

    def on_mount(self) -> None:
        self._echo()

    def on_input_changed(self) -> None:
        self.query_one("#period-error", Static).update("")
        self._echo()

    def _typed(self) -> tuple[str, str]:
        return (
            self.query_one("#period-from", Input).value,
            self.query_one("#period-to", Input).value,
        )

    def _echo(self) -> None:
        """Each field's day beside it, and the whole period (or what is wrong) below."""
        first, last = self._typed()
        on = {
            "from": self.today,
            "to": counted_from_typed(first, last, _zone(self.period), self.today),
        }
        for name, text in (("from", first), ("to", last)):
            self.query_one(f"#period-{name}-echo", Static).update(
                Text(day_echo(text, on[name]) if is_bare_date(text) else UNREAD)
            )
        span = self.query_one("#period-span", Static)
        try:
            days = typed_days(first, last, self.today)
        except DomainError as exc:
            span.update(Text(str(exc), style="italic"))
            return
        zone = _zone(self.period)
        span.update(Text(f"Reports on {describe(*days_to_span(*days, zone), zone)}"))

    @on(Input.Submitted, "#period-from")
    def _next(self) -> None:
        self.query_one("#period-to", Input).focus()

    @on(Input.Submitted, "#period-to")
    def action_apply(self) -> None:
        try:
            first, last = typed_days(*self._typed(), self.today)
            period = make_period(
                first, last + timedelta(days=1), today=self.today, timezone=self.period.timezone
            )
        except DomainError as exc:
            self.query_one("#period-error", Static).update(Text(str(exc)))
            # The live line below the fields may already say it: one sentence, said once.
            span = self.query_one("#period-span", Static)
            if str(span.render()) == str(exc):
                span.update("")
            return
        self.dismiss(period)


# -- the screen ---------------------------------------------------------------------------


class ReportsScreen(Screen[None]):
    """Figures, a weekly chart and a sortable per-client table for a period (default: the
    last 90 days). Database work runs in a thread worker; results come back as messages."""

    TITLE = "Reports"
    BINDINGS: ClassVar[list[BindingType]] = keys.bindings("reports")
    DEFAULT_CSS = """
    ReportsScreen #reports-tabs { height: 1fr; }
    ReportsScreen #reports-tabs ContentSwitcher { height: 1fr; }
    ReportsScreen TabPane { padding: 0; height: 1fr; }
    ReportsScreen #reports-period { height: 1; padding: 0 1; background: $boost; }
    ReportsScreen #reports-body { height: 1fr; scrollbar-gutter: stable; }
    ReportsScreen #reports-figures {
        grid-size: 3; grid-columns: 34 44 1fr; grid-rows: auto; height: auto;
    }
    ReportsScreen.-narrow #reports-figures { grid-size: 2; grid-columns: 34 1fr; }
    ReportsScreen.-narrow #reports-money { column-span: 2; }
    ReportsScreen .figures {
        height: auto; border: round $panel-lighten-2; padding: 0 1; margin-right: 1;
    }
    ReportsScreen WeeklyChart { border: round $panel-lighten-2; padding: 0 1; height: 14; }
    ReportsScreen DataTable { height: auto; max-height: 24; border: round $panel-lighten-2; }
    ReportsScreen #reports-message { height: auto; padding: 0 1; color: $text-error; }
    """
    # Side by side, the Charges box gets what the other two (34 + 44 columns) and the body's
    # scrollbar gutter (2) leave, less its border, padding and margin (5): when its widest
    # line does not fit, the boxes stack, for a wrapped line would also be cut off the box
    # (the grid sizes its rows before the wrap).
    BESIDE = 34 + 44 + 2 + 5

    @dataclass(eq=False)
    class ReportRead(Message):
        """What request ``serial`` read: the ``report``, or why it could not (``failure``)."""

        serial: int
        report: Report | None
        failure: str = ""

    def __init__(self, practice: Any, settings: Any) -> None:
        super().__init__()
        self.practice = practice
        self.settings = settings
        self.report: Report | None = None
        self._wanted: Period | None = None  # None: the rolling default
        self._serial = 0
        self._sort = 0  # index in COLUMNS
        self._reverse = False
        self._money_width = 36  # the Charges box's widest line, once a report is shown

    def compose(self) -> ComposeResult:
        from kara_tui.ui.screens.outstanding import OutstandingPane

        yield Header(icon="")  # no "⭘": it read as a stray mark, and the palette is ctrl+p
        with TabbedContent(initial="reports-tab", id="reports-tabs"):
            with TabPane("Report", id="reports-tab"):
                yield Static(Text("Loading the report…"), id="reports-period")
                with VerticalScroll(id="reports-body"):
                    yield Static("", id="reports-message")
                    with Grid(id="reports-figures"):
                        yield Static(classes="figures", id="reports-sessions")
                        yield Static(classes="figures", id="reports-reasons")
                        yield Static(classes="figures", id="reports-money")
                    yield WeeklyChart(id="reports-chart")
                    # The screen reads like a page: the body scrolls (arrows, page keys) and
                    # the table takes no focus; s/S and header clicks sort it.
                    table: DataTable[Text] = DataTable(
                        id="reports-clients", zebra_stripes=True, show_cursor=False
                    )
                    table.can_focus = False
                    yield table
            with TabPane("Who owes (o)", id="owes-tab"):
                yield OutstandingPane(self.practice, id="reports-owes")
        yield Footer()

    def on_mount(self) -> None:
        for panel, title in (
            ("#reports-sessions", f"Sessions · by {COUNTED_BY['sessions']}"),
            ("#reports-reasons", f"Cancellations · by {COUNTED_BY['cancellations']}"),
            ("#reports-money", f"Charges · by {COUNTED_BY['charges']}"),
        ):
            self.query_one(panel).border_title = title
        self.query_one(WeeklyChart).border_title = "Cancellations and no-shows per week"
        self.query_one(DataTable).border_title = (
            "Per client: sessions by session date, charged by charge date "
            "(s: sort column, S: reverse)"
        )
        self.query_one("#reports-body").focus()
        self._load()

    def on_resize(self) -> None:
        self._fit_boxes()
        if self.report is not None:
            self._fill_table()

    def _fit_boxes(self) -> None:
        self.set_class(self.size.width < self.BESIDE + self._money_width, "-narrow")

    # -- loading ----------------------------------------------------------------------

    def _load(self) -> None:
        self._serial += 1
        if self.report is not None:
            self.query_one("#reports-period", Static).update(
                Text(f"Loading {self._wanted.describe() if self._wanted else 'the report'}…")
            )
        self._fetch(self._wanted, self._serial)

    @work(thread=True, exclusive=True, exit_on_error=False, group="reports")
    def _fetch(self, period: Period | None, serial: int) -> None:
        try:
            report = build_report(
                self.practice,
                start=period.start if period else None,
                end=period.end if period else None,
            )
        except (DomainError, StorageError) as exc:
            self.post_message(self.ReportRead(serial, None, str(exc)))
            return
        self.post_message(self.ReportRead(serial, report))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "reports" and event.state is WorkerState.ERROR:
            self._show_error("The report could not be made (an unexpected error); try again.")

    def _show_error(self, text: str) -> None:
        self.query_one("#reports-message", Static).update(Text(text))
        self.query_one("#reports-period", Static).update(
            Text(self.report.period.describe() if self.report else "No report")
        )

    def on_reports_screen_report_read(self, message: ReportRead) -> None:
        if message.serial != self._serial:
            return  # an older request finished after a newer one was made
        if message.report is None:
            self._show_error(message.failure)
            return
        self.report = message.report
        self.query_one("#reports-message", Static).update("")
        self._show(message.report)

    # -- showing ----------------------------------------------------------------------

    @property
    def privacy(self) -> bool:
        return privacy_on(self, bool(getattr(self.settings, "privacy", False)))

    def privacy_changed(self) -> None:
        from kara_tui.ui.screens.outstanding import OutstandingPane

        if self.report is not None:
            self._show(self.report)
        self.query_one(OutstandingPane).privacy_changed()

    def _display(self, name: str) -> str:
        return _clean(initials(name) if self.privacy else name)

    def _show(self, r: Report) -> None:
        who = "all clients" if r.client is None else self._display(r.client.name)
        self.query_one("#reports-period", Static).update(
            Text.assemble((r.period.describe(), "bold"), f"  ·  {who}")
        )
        self.query_one("#reports-sessions", Static).update(_sessions_text(r))
        self.query_one("#reports-reasons", Static).update(_reasons_text(r))
        money = _money_text(r)
        self._money_width = max(cell_len(line) for line in money.plain.split("\n"))
        self._fit_boxes()
        self.query_one("#reports-money", Static).update(money)
        self.query_one(WeeklyChart).weeks = r.weeks
        self._fill_table()

    def _fill_table(self) -> None:
        table = self.query_one(DataTable)
        table.clear(columns=True)
        for i, column in enumerate(COLUMNS):
            arrow = (" ▼" if self._reverse else " ▲") if i == self._sort else ""
            label = Text(column.label + arrow, style="bold" if i == self._sort else "")
            table.add_column(label, key=column.key)
        if self.report is None:
            return
        name_width = self._name_width()
        by_name = sorted(self.report.clients, key=lambda c: (c.name.casefold(), c.client_id))
        # Stable: equal values stay in name order whichever way the column is sorted.
        lines = sorted(by_name, key=COLUMNS[self._sort].sort_key, reverse=self._reverse)
        for line in lines:
            name = _cut(self._display(line.name), name_width)
            table.add_row(
                *_cells(name, line), key=str(line.client_id), height=max(1, len(line.charged))
            )
        if lines:
            total = ClientLine(
                0,
                "TOTAL",
                *(sum(getattr(c, f) for c in lines) for f in _COUNT_FIELDS),
                charged=totals(m for c in lines for m in c.charged),
            )
            table.add_row(
                *_cells("TOTAL", total, bold=True), key="total", height=max(1, len(total.charged))
            )
        compat.measure_rows_now(table)

    def _name_width(self) -> int:
        """Room left for names once the numbers fit, so that the table needs no sideways
        scrolling in an 80-column terminal (borders, scrollbars and cell padding counted)."""
        if self.report is None:
            return 24
        amounts = [m for c in self.report.clients for m in c.charged]
        charged = max([len("Charged"), *(len(str(m)) for m in totals(amounts))])
        fixed = sum(len(c.label) for c in COLUMNS[1:-1]) + charged + 2 * len(COLUMNS) + 2
        return max(8, min(32, self.size.width - 4 - fixed))

    # -- actions ----------------------------------------------------------------------

    def action_close(self) -> None:
        self.dismiss(None)

    def action_shift(self, direction: int) -> None:
        if self.report is None:
            return
        self._wanted = (self._wanted or self.report.period).shifted(direction * keys.SHIFT_DAYS)
        self._load()

    def action_rolling(self) -> None:
        self._wanted = None
        self._load()

    def action_outstanding(self) -> None:
        """o: the "Who owes" tab (read again), or back to the report from it."""
        from kara_tui.ui.screens.outstanding import OutstandingPane

        tabs = self.query_one(TabbedContent)
        if tabs.active == "owes-tab":
            tabs.active = "reports-tab"
            self.query_one("#reports-body").focus()
            return
        tabs.active = "owes-tab"
        pane = self.query_one(OutstandingPane)
        pane.reload()
        pane.query_one(DataTable).focus()

    # The period and sort keys act on the report tab; on "Who owes" they are hidden rather
    # than left to change, unseen, a report nobody is looking at.
    REPORT_TAB_ACTIONS = frozenset({"shift", "period", "rolling", "sort_next", "sort_reverse"})

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in self.REPORT_TAB_ACTIONS:
            return all(tabs.active != "owes-tab" for tabs in self.query(TabbedContent))
        return True

    @on(TabbedContent.TabActivated)
    def _tab_shown(self) -> None:
        self.refresh_bindings()

    def action_period(self) -> None:
        if self.report is None:
            return
        today = self.practice.clock.now().astimezone(_zone(self.report.period)).date()

        def chosen(period: Period | None) -> None:
            if period is not None:
                self._wanted = period
                self._load()

        self.app.push_screen(PeriodDialog(self._wanted or self.report.period, today), chosen)

    def action_sort_next(self) -> None:
        self._sort = (self._sort + 1) % len(COLUMNS)
        self._reverse = COLUMNS[self._sort].numeric  # the most first, names A to Z
        self._fill_table()

    def action_sort_reverse(self) -> None:
        self._reverse = not self._reverse
        self._fill_table()

    @on(DataTable.HeaderSelected)
    def _header(self, event: DataTable.HeaderSelected) -> None:
        index = next(i for i, c in enumerate(COLUMNS) if c.key == event.column_key.value)
        if index == self._sort:
            self._reverse = not self._reverse
        else:
            self._sort = index
            self._reverse = COLUMNS[index].numeric
        self._fill_table()

    @property
    def sort_state(self) -> tuple[str, bool]:
        """The sorted column's key and whether it is reversed (for tests and the help)."""
        return COLUMNS[self._sort].key, self._reverse


_COUNT_FIELDS = ("sessions", "attended", "scheduled", "cancelled", "late", "no_shows", "waived")


def _zone(period: Period) -> Any:
    from zoneinfo import ZoneInfo

    return ZoneInfo(period.timezone)


def _cells(name: str, line: ClientLine, *, bold: bool = False) -> list[Text]:
    style = "bold" if bold else ""
    return [
        Text(name, style=style),
        *(Text(str(n), style=style, justify="right") for n in line.counts()),
        Text("\n".join(str(m) for m in line.charged) or "-", style=style, justify="right"),
    ]


def _line(label: str, value: object, note: str = "") -> Text:
    text = Text(f"{label:<12}{value!s:>5}")
    if note:
        text.append(f"  {note}", "dim")
    return text


def _sessions_text(r: Report) -> Text:
    rate = "-" if r.professional_rate is None else f"{r.professional_rate} %"
    parts = [
        _line("Booked", r.booked),
        _line("  held", r.attended),
        _line("  scheduled", r.scheduled, f"{r.unmarked} unmarked" if r.unmarked else ""),
        _line("  cancelled", r.cancelled, f"{r.late} late"),
        _line("  no-shows", r.no_shows),
        Text(""),
        Text("Your cancellation rate", "bold"),
        Text.assemble((rate, "bold"), (f"  {r.by_side.professional} of {r.booked} by you", "dim")),
        Text(""),
    ]
    # Waived amounts belong to sessions (late ones not charged), so they count by session date.
    first, *rest = [str(m) for m in r.waived.totals] or ["-"]
    parts.append(Text(f"{'Waived':<12}{r.waived.count:>5}  {first}", "bold"))
    parts.extend(Text(f"{'':<19}{m}", "bold") for m in rest)
    parts.append(Text(f"  not charged, {r.late_fee_percent} % of fee", "dim"))
    return Text("\n").join(parts)


def _reasons_text(r: Report) -> Text:
    parts = [Text(f"{'By reason':<30}{'n':>4}{'late':>5}", "bold")]
    for c in r.by_reason:
        parts.append(Text(f"{c.reason.label:<30}{c.count:>4}{c.late:>5}"))
    parts.append(Text("By who", "bold"))
    parts.append(Text(f"{'client (incl. no-shows)':<30}{r.by_side.client:>4}"))
    parts.append(Text(f"{'you':<30}{r.by_side.professional:>4}"))
    parts.append(Text(f"{'other':<30}{r.by_side.other:>4}"))
    if r.rescheduled:
        parts.append(Text(f"{r.rescheduled} of these were rescheduled", "dim"))
    return Text("\n").join(parts)


def _money_text(r: Report) -> Text:
    parts = [Text(f"{'':<19}{'n':>3}  total", "bold")]

    def row(label: str, count: int, amounts: tuple[Money, ...], style: str = "") -> None:
        first, *rest = [str(m) for m in amounts] or ["-"]
        parts.append(Text(f"{label:<19}{count:>3}  {first}", style))
        parts.extend(Text(f"{'':<24}{m}", style) for m in rest)

    row("Charged", r.charged.count, r.charged.totals, "bold")
    for k in r.charged_by_kind:
        row(f"  {KIND_WORDS[k.kind.value]}", k.amounts.count, k.amounts.totals)
    row("  paid now", r.charged_paid.count, r.charged_paid.totals)
    row("  pending", r.charged_pending.count, r.charged_pending.totals)
    row("Refunds", r.refunds.count, r.refunds.totals, "bold")
    if r.refunds.count:  # a line of zeros under no refunds says nothing
        row("  not paid out", r.refunds_pending.count, r.refunds_pending.totals)
    parts.append(Text(f"Payments · by {COUNTED_BY['payments']}", "bold"))
    row("  received", r.payments.count, r.payments.totals)
    if r.refunds_paid.count:
        row("  refunds paid out", r.refunds_paid.count, r.refunds_paid.totals)
    return Text("\n").join(parts)
