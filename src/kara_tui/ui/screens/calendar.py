"""The calendar screen: navigation, selection, and every session action, with DB work in workers."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal

from rich.text import Text
from textual import events, work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import ContentSwitcher, Label, Static
from textual.worker import Worker

from kara_tui.clock import Clock
from kara_tui.config import Settings
from kara_tui.domain import ChargeKind, Money, Session, SessionStatus
from kara_tui.policy.heads_up import minutes_until, next_session_soon
from kara_tui.policy.marking import need_attendance_words
from kara_tui.timeparse import day_start
from kara_tui.ui import format as fmt
from kara_tui.ui import keys
from kara_tui.ui.calendar_data import (
    CalendarData,
    Span,
    View,
    add_months,
    free_start,
    load,
    span_for,
)
from kara_tui.ui.commands import CalendarCommands
from kara_tui.ui.deps import AppServices, UsesServices
from kara_tui.ui.feed_sync import FeedsSynced, FeedSync, SyncProgress
from kara_tui.ui.privacy import privacy_on
from kara_tui.ui.widgets.canvas import CalendarCanvas
from kara_tui.ui.widgets.keys_footer import KeysFooter
from kara_tui.ui.widgets.week import WeekView
from kara_tui.ui.workers import ServiceWorkers, report_error

if TYPE_CHECKING:
    from kara_tui.policy.records import Decision

# After a (re)load, which session to select: keep one by id, the first on the cursor's day,
# or the first / last of the new range (j/k walking past its edge).
Pick = tuple[Literal["keep"], int] | tuple[Literal["day", "first", "last"], None]

NEEDS_SESSION = {
    "details",
    "edit",
    "cancel",
    "reschedule",
    "attend",
    "no_show",
    "delete",
    "unmark",
}
# Editing is only offered for a scheduled session. Cancel, reschedule, attended and no-show
# stay on the keys for any selected session: on one that is past them, the key says why
# (a key that silently does nothing reads as a broken key).
NEEDS_SCHEDULED = {"edit"}
# Undo attendance applies (and shows in the footer) only on a session marked one way or the other.
MARKED = {SessionStatus.ATTENDED, SessionStatus.NO_SHOW}
SWITCHER = {View.DAY: "week", View.WEEK: "week", View.MONTH: "month", View.AGENDA: "agenda"}
WATCH_SECONDS = 2.0  # how often to ask whether someone else changed the database
HEADS_UP_SECONDS = 30.0  # how often to look whether the next session is about to start
PREPARE_AFTER_SECONDS = 0.5  # still this long, build the services (see _prepare_when_still)


def needs_practice(
    action: Callable[[CalendarScreen], None],
) -> Callable[[CalendarScreen], None]:
    """For a key that uses the Practice on the UI thread: build it first (the key waits for
    it; nothing is lost), or say in one line why it cannot be built, never a traceback."""

    @functools.wraps(action)
    def run(screen: CalendarScreen) -> None:
        try:
            screen.services.practice  # noqa: B018 - built (or waited for) here
        except Exception as exc:
            screen.notify(report_error(exc), severity="error", markup=False, timeout=8)
            return
        action(screen)

    return run


def _series_actions() -> Any:
    """The series dialogs, loaded by the keys that open them: the calendar's first frame
    does without them (tests/test_startup_imports.py)."""
    from kara_tui.ui.screens import series_actions

    return series_actions


class CalendarScreen(UsesServices, ServiceWorkers, Screen[None]):
    """Day, week, month and agenda over the practice's sessions. Only this screen calls services."""

    BINDINGS = keys.bindings()
    COMMANDS = {CalendarCommands}
    AUTO_FOCUS = None

    @dataclass(eq=False)
    class RangeLoaded(Message):
        data: CalendarData
        generation: int

    @dataclass(eq=False)
    class AttendanceCounted(Message):
        count: int  # past sessions still only scheduled

    @dataclass(eq=False)
    class SessionSoon(Message):
        session: Session  # the next session, about to start
        minutes: int  # how many minutes from now

    class DatabaseChanged(Message):
        """Something was written to the database since the last look (by anyone)."""

    @dataclass(eq=False)
    class SessionSought(Message):
        """Where j/k found the next (``step`` 1) or previous (-1) session past the page:
        ``found`` is its (id, start), None when there is none."""

        step: int
        found: tuple[int, datetime] | None
        generation: int

    @dataclass(eq=False)
    class SessionChanged(Message):
        """A write finished: say so, reload, and select ``session`` if there is one."""

        session: Session | None
        said: str

    def __init__(self, services: AppServices, settings: Settings, clock: Clock) -> None:
        super().__init__(id="calendar")
        self.services = services
        self.settings = settings
        self.clock = clock
        self.view = View.WEEK
        self.cursor: date = clock.today()
        self.selected: int | None = None
        self.data: CalendarData | None = None
        self._first_page: CalendarData | None = None  # read by compose, shown by on_mount
        self._agenda_first: date | None = None
        self._pick: Pick = ("day", None)
        self._generation = 0
        self._welcomed = False
        self._prepare_timer: Timer | None = None
        self._steps: list[int] = []  # j/k pressed while a page was loading (see _step)
        self._prepared = False
        self._db_token: object = None  # the database's change token when last looked at
        # What check_action saw when the footer was last built: it is first built with no
        # session selected (so the first page, with none selected, needs no rebuild).
        self._keys_apply: object = (False, False)
        self._headed_up: set[int] = set()  # sessions already announced as starting soon
        self._resumed = False  # shown once already (see on_screen_resume)

    @property
    def privacy(self) -> bool:
        """The app's privacy mode (key p): initials instead of client names."""
        return privacy_on(self, self.settings.privacy)

    def privacy_changed(self) -> None:
        self._show()

    # -- layout -----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        # Read before the footer is composed: it is made with the keys of the session the
        # first week selects, rather than rebuilt for them (a layout of the whole screen).
        self._first_page = self._read_first_page()
        with Horizontal(id="title-bar"):
            yield Label("Loading the calendar…", id="title")
            yield Label("", id="title-right")
        # The month and the agenda are mounted when first shown (_switch): fewer widgets to
        # mount and style on the way to the first week.
        with ContentSwitcher(initial="week", id="views"):
            yield WeekView(id="week")
        with Horizontal(id="status-bar"):
            yield Static("", id="selection")
            yield Label("", id="attendance-due")
            yield Label("", id="sync-status")
        yield KeysFooter()

    def on_mount(self) -> None:
        first, self._first_page = self._first_page, None
        if first is None:
            self.reload()
            self._check_changes()  # the token the first page is read at
        else:
            self._generation += 1
            self._loaded(first)
        # A practice's day moves on: refresh quietly.
        self.set_interval(60, self._refresh_quietly)
        # The CLI, a script or a colleague writes to the same database: redraw when it changes.
        self.set_interval(WATCH_SECONDS, self._watch)
        if self.settings.notify_before_session_minutes > 0:  # off unless set in the config
            self.set_timer(2.0, self.heads_up)  # opened just before a session: say it soon
            self.set_interval(HEADS_UP_SECONDS, self.heads_up)

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        # Runs before Screen's own handler. The first showing follows the mounting, which
        # styled every widget: restyling them all again (~9 ms of the start-up) changes
        # nothing. Later showings (after a dialog) are restyled as Textual asks.
        if not self._resumed:
            self._resumed = True
            event.refresh_styles = False

    def _watch(self) -> None:
        if self.data is not None:
            self._check_changes()

    @work(thread=True, exclusive=True, group="watch", exit_on_error=False)
    def _check_changes(self) -> None:
        try:
            token = self.services.reads.change_token()
        except Exception:  # a page read says what is wrong; a timer stays quiet
            return
        known, self._db_token = self._db_token, token
        if known is not None and token != known:
            self.post_message(self.DatabaseChanged())

    def on_calendar_screen_database_changed(self, message: DatabaseChanged) -> None:
        # A page asked for with its own pick (a write of ours selecting what it made) keeps it.
        self.reload(keep=self._pick[0] == "day")
        self._recount()

    def _refresh_quietly(self) -> None:
        if self.data is not None and self.data.today != self.clock.today():
            self.cursor = self.clock.today()
        self.reload(keep=True)
        self._recount()

    # -- past sessions still unmarked (DESIGN.md section 7) ----------------------------------

    def _recount(self) -> None:
        """Count them again, once the services are built (never before the first paint)."""
        if self._prepared:
            self._count_unmarked()

    @work(thread=True, exclusive=True, group="unmarked", exit_on_error=False)
    def _count_unmarked(self) -> None:
        self.post_message(self.AttendanceCounted(len(self.practice.sessions_to_mark())))

    def on_calendar_screen_attendance_counted(self, message: AttendanceCounted) -> None:
        words = need_attendance_words(message.count)
        key = keys.shown_key(keys.BY_ID["attendance"], self.settings.keys)
        self.query_one("#attendance-due", Label).update(Text(f" {words} ({key}) " if words else ""))

    # -- the next session, a few minutes before it starts ----------------------------------------

    def heads_up(self) -> None:
        """Say once, a few minutes before (config: notify_before_session_minutes), which
        session starts next."""
        if self.data is not None:
            self._look_ahead()

    @work(thread=True, exclusive=True, group="heads_up", exit_on_error=False)
    def _look_ahead(self) -> None:
        minutes = self.settings.notify_before_session_minutes
        now = self.clock.now()
        sessions = self.services.reads.list_sessions(
            start=now, end=now + timedelta(minutes=minutes + 1)
        )
        soon = next_session_soon(sessions, now, minutes)
        if soon is not None and soon.id not in self._headed_up:
            self.post_message(self.SessionSoon(soon, minutes_until(soon.start, now)))

    def on_calendar_screen_session_soon(self, message: SessionSoon) -> None:
        s = message.session
        if s.id in self._headed_up:
            return
        self._headed_up.add(s.id)
        tz = self._tz()
        place = f" · {fmt.clean(s.location)}" if s.location else ""
        name = fmt.display_name(s.client_name, self.privacy)
        when = f"in {message.minutes} min" if message.minutes else "now"
        self.notify(
            f"{fmt.time_range(s.start, s.end, tz)} {name}{place}",
            title=f"Next session {when}",
            timeout=60,
            markup=False,
        )

    def action_attendance(self) -> None:
        from kara_tui.ui.screens.attendance import AttendanceScreen

        def done(changed: bool | None) -> None:
            if changed:
                self.reload(keep=True)
            self._recount()

        if self.data is not None:
            self.app.push_screen(AttendanceScreen(self.practice, self.data.tz, self.privacy), done)

    # -- loading ----------------------------------------------------------------------------

    @property
    def span(self) -> Span:
        return span_for(self.view, self.cursor, self._agenda_first)

    def reload(self, *, keep: bool = False) -> None:
        """Read the visible range again (in a worker); ``keep`` the selection if it is still there."""
        if keep and self.selected is not None:
            self._pick = ("keep", self.selected)
        self._generation += 1
        self._load(self.span, self._generation, self.data is None)

    @work(thread=True, exclusive=True, group="load", exit_on_error=False)
    def _load(self, span: Span, generation: int, first: bool) -> None:
        data = load(self.services.reads, span, self.clock, first=first)
        self.post_message(self.RangeLoaded(data, generation))

    def _read_first_page(self) -> CalendarData | None:
        """Read the first page now, before the first paint, when the practice has the quick
        SQLite reads (AppServices.quick): about 10 ms, and the screen is drawn once,
        with its data, rather than empty and then again. The session it selects is the
        screen's from here on, so the keys that apply to it are known when the footer is
        composed; on_mount shows the page.

        None when there are no quick reads, or they fail: the worker then reads the page
        (and reports the failure as any page read's).
        """
        reads = self.services.quick
        if reads is None:
            return None
        try:
            self._db_token = reads.change_token()  # a pragma: no table is read
            data = load(reads, self.span, self.clock, first=True)
        except Exception:  # the worker reads it again and says what is wrong
            self._db_token = None
            return None
        self.data = data
        self.selected = self._resolve(data, self._pick)  # as _loaded will select it
        return data

    def on_calendar_screen_range_loaded(self, message: RangeLoaded) -> None:
        if message.generation != self._generation:
            return  # the user has moved on since this was asked for
        self._loaded(message.data)

    def _loaded(self, data: CalendarData) -> None:
        """Show a page just read, selecting what ``_pick`` asked for."""
        self.data = data
        learn = getattr(self.app, "learn_names", None)
        if learn is not None:  # names a colleague added meanwhile are redacted too
            learn({s.client_name for s in data.sessions})
        if self.view is View.AGENDA:
            self._agenda_first = data.span.first
        self.selected = self._resolve(data, self._pick)
        self._pick = ("day", None)
        if self.selected is not None:
            chosen = data.session(self.selected)
            if chosen is not None:
                self.cursor = data.local_day(chosen.start)
        self._switch()
        self._show()
        steps, self._steps = self._steps, []
        for step in steps:
            self._step(step)
        if data.empty_practice and not self._welcomed:
            self._welcomed = True
            self._welcome()

    def _switch(self) -> None:
        """Show the widget of the current view, mounting the month or agenda on first use."""
        switcher = self.query_one("#views", ContentSwitcher)
        wanted = SWITCHER[self.view]
        if switcher.current == wanted:
            return
        if not switcher.query_children(f"#{wanted}"):
            switcher.mount(_month_or_agenda(wanted))
        switcher.current = wanted

    def _resolve(self, data: CalendarData, pick: Pick) -> int | None:
        kind, value = pick
        if kind == "keep" and data.session(value) is not None:
            return value
        if kind == "first" and data.sessions:
            return data.sessions[0].id
        if kind == "last" and data.sessions:
            return data.sessions[-1].id
        first = data.first_session_on(self.cursor)
        return first.id if first is not None else None

    def _show(self) -> None:
        """Hand the current state down to the visible view, the title and the selection line."""
        data = self.data
        if data is None:
            return
        view: CalendarCanvas | WeekView
        if self.view in (View.DAY, View.WEEK):
            view = self.query_one(WeekView)
        elif self.view is View.MONTH:
            view = self.query_one("#month", CalendarCanvas)
        else:
            view = self.query_one("#agenda", CalendarCanvas)
        with self.app.batch_update():
            view.privacy = self.privacy
            view.data = data
            view.cursor = self.cursor
            view.selected = self.selected
            self._title(data)
            self._selection_line(data)
        # The footer is rebuilt (a full layout) on every refresh_bindings: only when the keys
        # that apply have changed, not on every page turn.
        session = data.session(self.selected)
        keys_apply = (session is not None, session is not None and session.status)
        if keys_apply != self._keys_apply:
            self._keys_apply = keys_apply
            self.refresh_bindings()
        self._prepare_when_still()

    def _prepare_when_still(self) -> None:
        """Once the calendar has been still for a moment, build the services the other keys
        need, in the background (AppServices.prepare; a Practice already built has nothing to
        prepare).

        The build holds the interpreter for a few tenths of a second: the first paint, and
        the keys of someone paging through weeks, should not share it. A key that needs the
        services sooner builds them itself, in its worker.
        """
        if self._prepared:
            return
        if self._prepare_timer is not None:
            self._prepare_timer.reset()  # not still yet
            return
        if self.services.built:
            self._prepared = True
            self._recount()
            return
        self._prepare_timer = self.set_timer(PREPARE_AFTER_SECONDS, self._prepare)

    def _prepare(self) -> None:
        self._prepared = True
        self.services.prepare()
        self._recount()  # its worker waits for the services being built

    def _title(self, data: CalendarData) -> None:
        span = data.span
        if self.view is View.DAY:
            day = span.first
            lefts = [
                fmt.long_day(day),
                f"{day:%a} {day.day} {day:%b %Y}",
                f"{day:%a} {day.day} {day:%b}",
            ]
        elif self.view is View.WEEK:
            week = f"Week {span.first.isocalendar().week}"
            lefts = [
                f"{week} · {_range_words(span.first, span.last)}",
                f"{week} · {_range_words_short(span.first, span.last)}",
                week,
            ]
        elif self.view is View.MONTH:
            lefts = [f"{self.cursor:%B %Y}", f"{self.cursor:%b %Y}"]
        else:
            lefts = [
                f"Agenda · {_range_words(span.first, span.last)}",
                f"Agenda · {_range_words_short(span.first, span.last)}",
                "Agenda",
            ]
        live = [s for s in data.sessions if s.status is not SessionStatus.CANCELLED]
        conflicts = len([s for s in live if s.id in data.conflicts])
        name = data.professional.name
        rights = [
            f"{len(live)} session{'s' if len(live) != 1 else ''}",
            f"{fmt.CONFLICT} {conflicts} conflict{'s' if conflicts != 1 else ''}"
            if conflicts
            else "",
            "privacy" if self.privacy else "",
            fmt.clean(name) if name and name != "My practice" else "",
            data.tz.key,
        ]
        # Narrow terminals give up the practice's name and zone first, then the long dates,
        # then the rest; parts go whole, never cut into each other (issue 11).
        width = self.size.width or self.app.size.width
        left, right = fmt.fit_bar(lefts, rights, [3, 4, None, 1, None, 2, 0], width - 2)
        # The bars are one line high and #title and #selection fill the width: redrawing them
        # needs no layout of the screen, only #title-right (auto width) when its width changes.
        # A title that reads the same is not redrawn (each resize asks, three on opening).
        title = self.query_one("#title", Label)
        if str(title.content) != " " + left:
            title.update(Text(" " + left), layout=False)
        right_text = right + " " if right else ""
        title_right = self.query_one("#title-right", Label)
        if str(title_right.content) != right_text:
            same_width = len(right_text) == len(str(title_right.content))
            title_right.update(Text(right_text), layout=not same_width)

    def on_resize(self) -> None:
        if self.data is not None:
            self._title(self.data)

    def _selection_line(self, data: CalendarData) -> None:
        s = data.session(self.selected)
        line = self.query_one("#selection", Static)
        if s is None:
            day = f"{self.cursor:%a} {self.cursor.day} {self.cursor:%b}"
            n = len(data.sessions_on(self.cursor)) if self.cursor in data.span else 0
            hint = "n books one" if not n else "j/k select one"
            text = f" {day}: {n or 'no'} session{'s' if n != 1 else ''} · {hint}"
            line.update(Text(text, style="dim"), layout=False)
            return
        parts = [
            fmt.session_line(s, data.tz, self.privacy),
            fmt.status_word(s, data.moved_to(s), data.tz),
            *(x for x in (fmt.clean(s.service), fmt.clean(s.location)) if x),
            str(s.fee) + (" prepaid" if s.prepaid else ""),
        ]
        if s.id in data.conflicts and s.status is not SessionStatus.CANCELLED:
            parts.append(f"{fmt.CONFLICT} conflict")
        line.update(Text(" ▶ " + " · ".join(parts) + "   ⏎ details"), layout=False)

    # -- selection and navigation -------------------------------------------------------------

    def _go(self, day: date, pick: Pick = ("day", None)) -> None:
        """Put the cursor on ``day``: redraw if it is already loaded, else load its range."""
        self.cursor = day
        if self.view is View.AGENDA and self.data is not None and day not in self.data.span:
            self._agenda_first = day if day > self.data.span.last else day - timedelta(days=27)
        if self.data is not None and self.span == self.data.span:
            self.selected = self._resolve(self.data, pick)
            self._show()
        else:
            self._pick = pick
            self.reload()

    def select(self, session: Session) -> None:
        """Select ``session``, moving to its day (and its range) if need be."""
        tz = self.data.tz if self.data is not None else self.clock.tz
        self._go(session.start.astimezone(tz).date(), ("keep", session.id))

    def action_prev_day(self) -> None:
        self._go(self.cursor - timedelta(days=1))

    def action_next_day(self) -> None:
        self._go(self.cursor + timedelta(days=1))

    def action_prev_page(self) -> None:
        self._page(-1)

    def action_next_page(self) -> None:
        self._page(1)

    def _page(self, step: int) -> None:
        if self.view is View.MONTH:
            self._go(add_months(self.cursor, step))
        else:
            self._go(self.cursor + timedelta(days=7 * step))

    def action_today(self) -> None:
        today = self.data.today if self.data is not None else self.clock.today()
        self._agenda_first = today
        self._go(today)

    def action_next_session(self) -> None:
        self._step(1)

    def action_prev_session(self) -> None:
        self._step(-1)

    def _step(self, step: int) -> None:
        data = self.data
        if data is None or data.span != self.span:
            # Another page is on its way (] then j, typed quickly): the step is taken on
            # that page when it arrives, not on the one still shown.
            self._steps.append(step)
            return
        ordered = list(data.sessions)
        ids = [s.id for s in ordered]
        if self.selected in ids:
            index = ids.index(self.selected) + step
        elif step > 0:
            index = next(
                (i for i, s in enumerate(ordered) if data.local_day(s.start) >= self.cursor),
                len(ordered),
            )
        else:
            index = max(
                (i for i, s in enumerate(ordered) if data.local_day(s.start) <= self.cursor),
                default=-1,
            )
        if 0 <= index < len(ordered):
            self.selected = ordered[index].id
            self.cursor = data.local_day(ordered[index].start)
            self._show()
            return
        # Past the page's edge: ask the database where the next (previous) session is, however
        # many empty weeks lie between, rather than walking into them a page at a time.
        if step > 0:
            moment = day_start(data.span.last + timedelta(days=1), data.tz)
        else:
            moment = day_start(data.span.first, data.tz)
            if ordered:
                moment = min(moment, ordered[0].start)
        self._seek(step, moment, self._generation)

    @work(thread=True, exclusive=True, group="seek", exit_on_error=False)
    def _seek(self, step: int, moment: datetime, generation: int) -> None:
        reads = self.services.reads
        found = reads.session_after(moment) if step > 0 else reads.session_before(moment)
        self.post_message(self.SessionSought(step, found, generation))

    def on_calendar_screen_session_sought(self, message: SessionSought) -> None:
        if message.generation != self._generation:
            return  # the user has moved on since
        if message.found is None:
            later = "later" if message.step > 0 else "earlier"
            self.notify(f"No {later} session.", markup=False)
            return
        session_id, start = message.found
        tz = self._tz()
        if self.view is View.AGENDA:
            self._agenda_first = start.astimezone(tz).date()
        self._go(start.astimezone(tz).date(), ("keep", session_id))

    def action_view(self, name: str) -> None:
        view = View(name)
        if view is View.AGENDA and self.view is not View.AGENDA:
            self._agenda_first = self.cursor
        self.view = view
        if self.selected is not None:
            self._pick = ("keep", self.selected)
        self.reload()

    def on_calendar_canvas_clicked(self, message: CalendarCanvas.Clicked) -> None:
        if message.session_id is None:
            self._go(message.day)
        elif self.data is not None and (s := self.data.session(message.session_id)) is not None:
            self.select(s)

    # -- which keys apply now ----------------------------------------------------------------

    def selected_session(self) -> Session | None:
        return self.data.session(self.selected) if self.data is not None else None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in NEEDS_SESSION:
            session = self.selected_session()
            if session is None:
                return False
            if action in NEEDS_SCHEDULED and session.status is not SessionStatus.SCHEDULED:
                return False
            if action == "unmark" and session.status not in MARKED:
                return False
        return True

    # -- session actions ---------------------------------------------------------------------

    def _require(self) -> Session | None:
        session = self.selected_session()
        if session is None:
            self.notify("Select a session first (j/k or ↑/↓).", severity="warning")
        return session

    def _require_scheduled(self, action: str) -> Session | None:
        """The selected session if ``action`` applies to it; else a notice saying why not."""
        if (s := self._require()) is None:
            return None
        why = _why_not(s, action)
        if why is not None:
            self.notify(why, severity="warning", markup=False)
            return None
        return s

    @needs_practice
    def action_details(self) -> None:
        from kara_tui.ui.screens.details import DetailsScreen

        if (s := self._require()) is not None and self.data is not None:
            self.app.push_screen(DetailsScreen(self.practice, s.id, self.data.tz, self.privacy))

    @needs_practice
    def action_new(self) -> None:
        from kara_tui.ui.screens.session_form import SessionForm

        if self.data is None:
            return
        self.app.push_screen(
            SessionForm(
                self.practice,
                self.data.professional,
                self.clock,
                start=free_start(self.data, self.cursor, self.data.professional.default_minutes),
                privacy=self.privacy,
            ),
            self._after_dialog,
        )

    @needs_practice
    def action_edit(self) -> None:
        if (s := self._require()) is not None and s.series_id is not None:
            _series_actions().ask_scope(self, s, "edit", self._edit_one)  # this/following/all
        elif s is not None:
            self._edit_one(s)

    def _edit_one(self, s: Session) -> None:
        from kara_tui.ui.screens.session_form import SessionForm

        if self.data is not None:
            self.app.push_screen(
                SessionForm(
                    self.practice,
                    self.data.professional,
                    self.clock,
                    session=s,
                    privacy=self.privacy,
                ),
                self._after_dialog,
            )

    def action_cancel(self) -> None:
        if (s := self._require_scheduled("cancel")) is None:
            return
        from kara_tui.ui.screens.cancel import CancelDialog

        self._open(lambda: CancelDialog(self.practice, s.id), "cancel dialog", self._said_cancelled)

    def _started(self, s: Session, rule: str) -> bool:
        """Whether ``s`` has started; if not, says so and ``rule`` (what waits for the start)."""
        if s.start <= self.clock.now():
            return True
        when = fmt.session_line(s, self._tz(), self.privacy)
        self.notify(f"{when} has not started yet: {rule}", severity="warning", markup=False)
        return False

    def action_no_show(self) -> None:
        if (s := self._require_scheduled("no_show")) is None or not self._started(
            s, "a no-show can be recorded only after the start. To call it off, cancel it (c)."
        ):
            return
        from kara_tui.ui.screens.cancel import CancelDialog

        self._open(
            lambda: CancelDialog(self.practice, s.id, no_show=True),
            "no-show dialog",
            self._said_cancelled,
        )

    def action_reschedule(self) -> None:
        if (s := self._require_scheduled("reschedule")) is None:
            return
        if s.series_id is not None:  # this session / this and following / whole series
            _series_actions().ask_scope(self, s, "reschedule", self._reschedule_one)
            return
        self._reschedule_one(s)

    def _reschedule_one(self, s: Session) -> None:
        from kara_tui.ui.screens.reschedule import RescheduleDialog

        self._open(
            lambda: RescheduleDialog(self.practice, s.id), "reschedule dialog", self._said_moved
        )

    def action_cancel_range(self) -> None:
        from kara_tui.ui.screens.cancel_range import CancelRangeDialog

        self._open(
            lambda: CancelRangeDialog(self.practice, start=self.cursor),
            "range dialog",
            self._said_range,
        )

    def action_attend(self) -> None:
        if (s := self._require_scheduled("attend")) is None or not self._started(
            s, "a session can be marked attended only after it has started."
        ):
            return
        said = f"Marked attended: {fmt.session_line(s, self._tz(), self.privacy)}"
        self.run_service(lambda: self.practice.attend(s.id), said)

    @needs_practice
    def action_delete(self) -> None:
        if (s := self._require()) is None:
            return
        if s.series_id is not None:  # this session / this and following / whole series
            _series_actions().ask_scope(self, s, "delete", self._ask_delete)
            return
        self._ask_delete(s)

    def action_end_series(self) -> None:
        _series_actions().end_series(self)

    @work(thread=True, group="read", exit_on_error=False)
    def _ask_delete(self, s: Session) -> None:
        """The policy's word on deleting ``s`` (it needs the outbox), then the question."""
        decision = self.practice.deletion(s.id)
        self.app.call_from_thread(self._confirm_delete, s, decision)

    def _confirm_delete(self, s: Session, decision: Decision) -> None:
        from kara_tui.ui.screens.confirm import ConfirmDialog

        line = fmt.session_line(s, self._tz(), self.privacy)
        if not decision.allowed:
            instead = _DELETE_INSTEAD.get(decision.instead, "")
            body = Text.assemble(
                (line, "bold"), "\n\n", fmt_sentence(decision.why), instead and f" {instead}"
            )
            self.app.push_screen(
                ConfirmDialog("This session cannot be deleted", body, confirm=None)
            )
            return
        body = Text.assemble(
            (line, "bold"),
            "\n\n",
            fmt_sentence(decision.why),
            "\n\nDelete is only for a session booked by mistake: it disappears from the "
            "calendar and its record keeps no client details.\n\nIf the session was called "
            "off, cancel it instead (c): that keeps the reason, any charge and the client's notice.",
        )

        def done(confirmed: bool | None) -> None:
            if confirmed:
                self.run_service(
                    lambda: self.practice.delete(s.id), f"Deleted (booked by mistake): {line}"
                )

        self.app.push_screen(
            ConfirmDialog("Delete this session?", body, confirm="Delete", danger=True), done
        )

    def action_unmark(self) -> None:
        if (s := self._require()) is None:
            return
        if s.status not in MARKED:
            self.notify(
                "This session is not marked attended or no-show: nothing to undo.",
                severity="warning",
            )
            return
        said = (
            f"Attendance undone, scheduled again: {fmt.session_line(s, self._tz(), self.privacy)}"
        )
        self.run_service(lambda: self.practice.unmark(s.id), said)

    @needs_practice
    def action_time_off(self) -> None:
        from kara_tui.ui.screens.time_off import TimeOffForm

        self._open_time_off(TimeOffForm, self._after_dialog)

    @needs_practice
    def action_time_off_list(self) -> None:
        from kara_tui.ui.screens.time_off_list import TimeOffScreen

        self._open_time_off(TimeOffScreen, lambda _: self.reload(keep=True))

    def _open_time_off(
        self, screen: Callable[..., Screen[Any]], then: Callable[[Any], None]
    ) -> None:
        """Block time off or list it, from the cursor's day."""
        if self.data is not None:
            opened = screen(self.practice, self.data.tz, self.clock, day=self.cursor)
            self.app.push_screen(opened, then)

    @needs_practice
    def action_settings(self) -> None:
        from kara_tui.ui.screens.settings import SettingsScreen

        def done(professional: object) -> None:
            if professional is not None:
                self.reload(keep=True)

        self.app.push_screen(SettingsScreen(self.practice), done)

    def action_goto(self) -> None:
        from kara_tui.ui.screens.goto import GotoDialog

        today = self.data.today if self.data is not None else self.clock.today()

        def done(day: date | None) -> None:
            if day is not None:
                if self.view is View.AGENDA:
                    self._agenda_first = day
                self._go(day)

        self.app.push_screen(GotoDialog(today), done)

    @needs_practice
    def action_search(self) -> None:
        from kara_tui.ui.screens.search import SearchScreen

        def done(session: Session | None) -> None:
            if session is not None:
                if self.view is View.AGENDA:
                    self._agenda_first = self._tz_day(session)
                self.select(session)

        self.app.push_screen(SearchScreen(self.practice, self._tz(), self.privacy), done)

    def action_help(self) -> None:
        from kara_tui.ui.screens.help import HelpScreen

        self.app.push_screen(HelpScreen(self.settings.keys))

    @needs_practice
    def action_clients(self) -> None:
        from kara_tui.ui.screens.clients import ClientsScreen

        self.app.push_screen(
            ClientsScreen(self.practice, self.privacy), lambda _: self.reload(keep=True)
        )

    @needs_practice
    def action_add_client(self) -> None:
        from kara_tui.ui.screens.clients import ClientForm

        self.app.push_screen(ClientForm(self.practice), lambda _: self.reload(keep=True))

    def action_outbox(self) -> None:
        from kara_tui.ui.screens.outbox import OutboxScreen

        self._open(lambda: OutboxScreen(self.practice, self.settings), "outbox")

    # -- feeds ------------------------------------------------------------------------------

    @property
    def feed_sync(self) -> FeedSync:
        """The app's one FeedSync, so this key, the feeds screen and the background refresh
        never sync at the same time."""
        found = getattr(self.app, "feed_sync", None)
        if not isinstance(found, FeedSync):
            found = FeedSync(self.services, self.settings)
            self.app.feed_sync = found  # type: ignore[attr-defined]
        return found

    def action_sync(self) -> None:
        self.sync_feeds()

    def sync_feeds(self, name: str | None = None, *, accept_empty: bool = False) -> None:
        if self.feed_sync.start_for(self, name, accept_empty, "feeds"):
            self._sync_status("⟳ Syncing feeds…")

    def on_service_failed(self, worker: Worker[Any], error: BaseException | None) -> bool:
        if worker.group == "feeds":
            self._sync_status("")
        return False  # shown as a notice

    def on_sync_progress(self, message: SyncProgress) -> None:
        self._sync_status(f"⟳ {message.text}")

    def on_feeds_synced(self, message: FeedsSynced) -> None:
        from kara_tui.ui.screens.feeds import after_user_sync

        if message.background:  # quiet: the app has told any failure once already
            if message.changed:
                self.reload(keep=True)
            return
        self._sync_status("")
        nothing = (
            "No feeds to sync. Press F to add one (an https or webcal address, or an .ics file)."
        )
        again = functools.partial(self.sync_feeds, accept_empty=True)
        if after_user_sync(self, self.feed_sync, message.reports, nothing, again):
            self.reload(keep=True)

    def _sync_status(self, text: str) -> None:
        self.query_one("#sync-status", Label).update(Text(f" {text} " if text else ""))

    def action_feeds(self) -> None:
        from kara_tui.ui.screens.feeds import FeedsScreen

        self._open(
            lambda: FeedsScreen(self.practice, self.settings, self.feed_sync), "feeds screen"
        )

    def action_reports(self) -> None:
        from kara_tui.ui.screens.reports import ReportsScreen

        self._open(lambda: ReportsScreen(self.practice, self.settings), "reports screen")

    # -- helpers -----------------------------------------------------------------------------

    def _tz(self) -> Any:
        return self.data.tz if self.data is not None else self.clock.tz

    def _tz_day(self, session: Session) -> date:
        return session.start.astimezone(self._tz()).date()

    def _open(
        self,
        build: Callable[[], Screen[Any]],
        what: str,
        said: Callable[[object, Screen[Any]], str] | None = None,
    ) -> None:
        """Open another engineer's dialog; if it cannot be built, say so instead of crashing.

        ``said`` words what a confirmed dialog did, for a notice: without one, the only sign
        that ctrl+s worked was a block changing somewhere in the week.
        """
        try:
            screen = build()
        except Exception as exc:  # a dialog still being built must not take the calendar down
            self.notify(f"The {what} could not open ({type(exc).__name__}).", severity="error")
            return

        def done(result: object) -> None:
            if said is not None and result is not None and result is not False:
                text = said(result, screen)
                if text:
                    self.notify(text, markup=False)
            self._after_dialog(result)

        self.app.push_screen(screen, done)

    def _said_cancelled(self, result: object, dialog: Screen[Any]) -> str:
        """'Cancelled by the client: Wed 18 Nov 2026 16:00-16:50 Anna Smith; charged ...'."""
        if not isinstance(result, Session) or result.cancellation is None:
            return ""
        head = (
            "Marked no-show"
            if result.status is SessionStatus.NO_SHOW
            else result.cancellation.reason.label
        )
        parts = [f"{head}: {fmt.session_line(result, self._tz(), self.privacy)}"]
        for charge in result.charges:
            if charge.kind is ChargeKind.REFUND:
                refund = Money(abs(charge.amount.minor), charge.amount.currency)
                parts.append(f"a refund of {refund} is recorded")
            else:
                method = f" by {charge.method.label.lower()}" if charge.method else ""
                parts.append(f"charged {charge.amount}{method}")
        text = "; ".join(parts) + "."
        request = getattr(dialog, "request", None)
        if getattr(request, "notify", False) and result.status is SessionStatus.CANCELLED:
            text += " The client's notice waits in the outbox (O to send it)."
        return text

    def _said_moved(self, result: object, dialog: Screen[Any]) -> str:
        if not isinstance(result, Session):
            return ""
        from textual.widgets import Checkbox

        line = fmt.session_line(result, self._tz(), self.privacy)
        text = f"Moved to {line}; the old time is kept as cancelled."
        if dialog.query_one("#notify", Checkbox).value:  # unticked, or no email: none queued
            text += " Notices go out from O."
        return text

    def _said_range(self, result: object, dialog: Screen[Any]) -> str:
        if not isinstance(result, list):
            return ""
        n = len(result)
        refunds = sum(1 for s in result if any(c.kind is ChargeKind.REFUND for c in s.charges))
        text = f"Cancelled {n} session{'s' if n != 1 else ''}"
        if refunds:
            text += f" ({refunds} refund{'s' if refunds != 1 else ''} recorded)"
        text += "; the days are blocked as time off."
        notified = getattr(dialog, "notified", None)
        return text + (" Notices go out from O." if notified and notified(result) else "")

    def _after_dialog(self, result: object) -> None:
        """A dialog changed something: reload, selecting the session it returned."""
        if result is None or result is False:
            return
        self._reload_selecting(result if isinstance(result, Session) else None)
        self._recount()

    def _reload_selecting(self, session: Session | None) -> None:
        if session is None:
            self.reload(keep=True)
            return
        self.cursor = self._tz_day(session)  # a rescheduled session may be in another week
        self._pick = ("keep", session.id)
        self.reload()

    def on_calendar_screen_session_changed(self, message: SessionChanged) -> None:
        self.notify(message.said, markup=False)
        self._reload_selecting(message.session)
        self._recount()

    def changed(self, result: object, said: str) -> Message:
        return self.SessionChanged(result if isinstance(result, Session) else None, said)

    def _welcome(self) -> None:
        from kara_tui.ui.screens.welcome import WelcomeScreen

        def done(action: str | None) -> None:
            if action:
                self.call_later(self.run_action, action)

        professional = self.data.professional if self.data is not None else None
        self.app.push_screen(WelcomeScreen(professional), done)


def _month_or_agenda(name: str) -> CalendarCanvas:
    """The month grid or the agenda list, imported when first shown (not at start-up)."""
    if name == "month":
        from kara_tui.ui.widgets.month import MonthGrid

        return MonthGrid(id="month")
    from kara_tui.ui.widgets.agenda import AgendaList

    return AgendaList(id="agenda")


# What to do instead of a refused delete, in the calendar's keys.
_DELETE_INSTEAD = {
    "cancel": "(c cancels it.)",
    "unmark": "(u undoes the mark.)",
}


def fmt_sentence(text: str) -> str:
    """A policy's reason as a sentence: capital first letter and a full stop."""
    text = text.strip()
    return (text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")) if text else text


# What each key would do, for the notice when the session is past it.
_VERB = {
    "cancel": "cancel",
    "reschedule": "reschedule",
    "attend": "mark attended",
    "no_show": "mark as a no-show",
}


def _why_not(session: Session, action: str) -> str | None:
    """Why ``action`` cannot apply to ``session`` (one sentence), or None when it can."""
    status = session.status
    if status is SessionStatus.SCHEDULED:
        return None
    if status is SessionStatus.CANCELLED:
        c = session.cancellation
        why = f" ({c.reason.label})" if c is not None else ""
        return f"This session is already cancelled{why}."
    if status is SessionStatus.ATTENDED:
        if action == "attend":
            return "This session is already marked attended."
        return f"This session was attended; nothing to {_VERB[action]}."
    if action == "no_show":
        return "This session is already marked as a no-show."
    if action == "attend":
        return "This session is recorded as a no-show, so it cannot be marked attended."
    return f"This session was a no-show; nothing to {_VERB[action]}."


def _range_words_short(first: date, last: date) -> str:
    """'16-22 Nov', '30 Nov - 6 Dec' (with en dashes; the year is in the long form only)."""
    if first.month != last.month:
        return f"{first.day} {first:%b} – {last.day} {last:%b}"
    return f"{first.day}–{last.day} {last:%b}"


def _range_words(first: date, last: date) -> str:
    """'16-22 November 2026', '30 Nov - 6 Dec 2026', '28 Dec 2026 - 3 Jan 2027' (en dashes)."""
    if first.year != last.year:
        return f"{first.day} {first:%b %Y} – {last.day} {last:%b %Y}"
    if first.month != last.month:
        return f"{first.day} {first:%b} – {last.day} {last:%b %Y}"
    return f"{first.day}–{last.day} {last:%B %Y}"
