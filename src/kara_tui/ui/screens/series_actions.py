"""The calendar's series actions: ask this / following / whole series, then do it; end a series."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from rich.text import Text

from kara_tui.domain import Session
from kara_tui.timeparse import parse_datetime
from kara_tui.ui import format as fmt
from kara_tui.ui.resolved import echoed, moment_shown
from kara_tui.ui.screens import series_dialogs as dialogs
from kara_tui.ui.screens._dialog import OneFieldDialog, field_text, form_bindings

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from kara_tui.services.series import Place
    from kara_tui.ui.screens.calendar import CalendarScreen

WHAT = {"reschedule": "Reschedule", "edit": "Edit", "delete": "Delete"}


def _place(screen: CalendarScreen, s: Session, then: Callable[[Place], None]) -> None:
    """Read where ``s`` stands in its series (in a worker), then ``then`` on the UI thread."""
    from kara_tui.services.series import SeriesBook

    def read() -> None:
        place = SeriesBook(screen.practice).place(s.id)
        if place is not None:
            screen.app.call_from_thread(then, place)

    screen.run_worker(read, thread=True, group="read", exit_on_error=False)


def ask_scope(
    screen: CalendarScreen, s: Session, what: str, this: Callable[[Session], None]
) -> None:
    """The three-way question; "this session" goes on as for a single session (``this``)."""

    def asked(place: Place) -> None:
        def chosen(scope: str | None) -> None:
            if scope is None:
                return
            if scope == "this":
                this(s)
            elif what == "reschedule":
                _move(screen, s, scope)
            elif what == "edit":
                _edit(screen, s, scope)
            else:
                _delete(screen, s, scope, place)

        screen.app.push_screen(dialogs.ScopeDialog(WHAT[what], place.description), chosen)

    _place(screen, s, asked)


def _scope(scope: str) -> Any:
    from kara_tui.services.series_changes import Scope

    return Scope(scope)


def _noticed(said: str, queued: bool) -> str:
    """``said``, and that notices wait in the outbox only when the change queued one."""
    return said + ("; notices go out from O." if queued else ".")


def _changes(screen: CalendarScreen) -> Any:
    from kara_tui.services.series_changes import SeriesChanges

    return SeriesChanges(screen.practice)


def _move(screen: CalendarScreen, s: Session, scope: str) -> None:
    tz = screen._tz()

    def go(start: datetime | None, on_conflict: str = "refuse") -> None:
        if start is None:
            return

        def write() -> None:
            try:
                moved = _changes(screen).reschedule_noticed(
                    s.id, start, _scope(scope), on_conflict=on_conflict
                )
            except dialogs.SeriesConflictError as clash:
                screen.app.call_from_thread(ask, clash, start)
                return
            n = len(moved.sessions)
            said = _noticed(f"{n} session{'s' if n != 1 else ''} moved", moved.notice_queued)
            screen.post_message(screen.SessionChanged(next(iter(moved.sessions), None), said))

        screen.run_worker(write, thread=True, group="write", exit_on_error=False)

    def ask(clash: dialogs.SeriesConflictError, start: datetime) -> None:
        def answered(answer: str | None) -> None:
            if answer in (dialogs.FORCE, dialogs.SKIP):
                go(start, answer)

        screen.app.push_screen(
            dialogs.SeriesConflictsDialog(clash.by_date, clash.total, tz), answered
        )

    which = "this and the following sessions" if scope == "following" else "the whole series"
    screen.app.push_screen(MoveDialog(s, tz, which, screen.clock.today()), go)


def _edit(screen: CalendarScreen, s: Session, scope: str) -> None:
    from kara_tui.ui.screens.session_form import SessionForm

    if screen.data is None:
        return
    form = SessionForm(
        screen.practice,
        screen.data.professional,
        screen.clock,
        session=s,
        privacy=screen.privacy,
        scope=scope,
    )
    screen.app.push_screen(form, screen._after_dialog)


def _delete(screen: CalendarScreen, s: Session, scope: str, place: Place) -> None:
    from kara_tui.ui.screens.confirm import ConfirmDialog

    which = (
        "this session and the following ones"
        if scope == "following"
        else "every session still to come"
    )
    body = Text.assemble(
        (f"{fmt.SERIES} {place.description}", "bold"),
        f"\n\nRemove {which}? The series ends before them. Attended, no-show and cancelled "
        "sessions stay on record, and the client's calendar is updated.",
    )

    def done(yes: bool | None) -> None:
        if yes:
            screen.run_service(
                lambda: _changes(screen).delete_noticed(s.id, _scope(scope)),
                lambda deleted: _noticed(
                    "Removed from the series; it ends before them", deleted.notice_queued
                ),
            )

    screen.app.push_screen(
        ConfirmDialog("Delete from the series?", body, confirm="Delete", danger=True), done
    )


def end_series(screen: CalendarScreen) -> None:
    """Palette "series: end": the selected session's series, from a date ("therapy ended")."""
    s = screen.selected_session()
    if s is None or s.series_id is None:
        screen.notify("Select a session of a series first (↻).", severity="warning")
        return

    def asked(place: Place) -> None:
        def done(day: Any) -> None:
            if day is None:
                return
            series_id = place.series.id

            def said(ended: Any) -> str:
                n = len(ended.removed)
                words = (
                    f"Series ended from {day:%a %d %b %Y}: "
                    f"{n} scheduled session{'s' if n != 1 else ''} removed."
                )
                if ended.notice_queued:
                    words += " The client's notice waits in the outbox (O to send it)."
                return words

            screen.run_service(lambda: _changes(screen).end_noticed(series_id, day), said)

        today = screen.clock.today()
        start = s.start.astimezone(screen._tz()).date()
        screen.app.push_screen(
            dialogs.EndSeriesDialog(place.description, max(start, today), today), done
        )

    _place(screen, s, asked)


class MoveDialog(OneFieldDialog["datetime | None"]):
    """The new time of the session picked; the following ones move by as much (same time of
    day, the same number of days)."""

    BINDINGS = form_bindings("Move")
    BOX, KEYS = "series-move", "ctrl+s or enter moves · escape goes back"
    LABEL, FIELD, ERROR_LINE = "New time", "move-to", "move-error"
    EXPLAIN = (
        "The following sessions keep the same gap; past, attended, no-show and "
        "cancelled ones never move."
    )
    GO = ("move", "Move", "primary")

    def __init__(self, s: Session, tz: ZoneInfo, which: str, today: Any) -> None:
        super().__init__()
        self._start = s.start
        self._tz = tz
        self._which = which
        self._today = today

    def heading(self) -> str:
        return f"Move {self._which}"

    def first_value(self) -> str:
        return field_text(self._start, self._tz)

    def read(self, typed: str) -> datetime:
        return parse_datetime(typed, self._tz, self._today)

    def echo(self, typed: str) -> str:
        return echoed(typed, self.read, lambda start: moment_shown(start, self._tz))
