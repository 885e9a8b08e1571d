"""Marking past sessions one after another: a attended, x no-show, u undo (A in the calendar)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.message import Message
from textual.widgets import DataTable, Footer, Label, Static

from kara_tui.domain import Session, SessionStatus
from kara_tui.policy.marking import need_attendance_words
from kara_tui.ui import compat, keys
from kara_tui.ui import format as fmt
from kara_tui.ui.screens._dialog import ListScreen, ListTitle, ShowsClients
from kara_tui.ui.workers import WorkerErrors

if TYPE_CHECKING:
    from kara_tui.services.practice import Practice


class AttendanceScreen(ShowsClients, WorkerErrors, ListScreen[bool]):
    """Dismisses with True when anything was marked or undone (the calendar reloads)."""

    # The calendar's own ids: a key remapped in the config's [keys] is remapped here too.
    BINDINGS = keys.bindings("attendance")

    DEFAULT_CSS = """
    AttendanceScreen #attendance-hint { padding: 0 1; color: $text-muted; }
    """

    @dataclass(eq=False)
    class Loaded(Message):
        sessions: list[Session]  # the sessions that need marking, oldest first

    @dataclass(eq=False)
    class Marked(Message):
        session: Session  # as it is now
        undone: bool  # True: back to scheduled

    def __init__(self, practice: Practice, tz: ZoneInfo, privacy: bool = False) -> None:
        super().__init__()
        self.practice = practice
        self.tz = tz
        self._privacy = privacy
        self._sessions: dict[str, Session] = {}  # by row key, as last known
        self._order: list[str] = []
        self._undo: list[str] = []  # row keys marked here, the last one last
        self._busy = False  # a mark on its way: a second key waits for it
        self.changed = False

    def compose(self) -> ComposeResult:
        yield ListTitle(" Mark attendance", id="attendance-title")
        yield DataTable(id="attendance-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="attendance-hint")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns("When", "Client", "Attendance")
        self._load()

    @work(thread=True, exclusive=True, group="load", exit_on_error=False)
    def _load(self) -> None:
        self.post_message(self.Loaded(self.practice.sessions_to_mark()))

    def on_attendance_screen_loaded(self, message: Loaded) -> None:
        table = self.query_one(DataTable)
        table.clear()
        self._order = [str(s.id) for s in message.sessions]
        self._sessions = {str(s.id): s for s in message.sessions}
        for s in message.sessions:
            when = f"{fmt.when(s.start, self.tz)}–{fmt.hm(s.end, self.tz)}"
            table.add_row(when, self._client_cell(s), self._status_cell(s), key=str(s.id))
        compat.measure_rows_now(table)
        self._title()
        table.focus()

    def privacy_changed(self) -> None:
        table = self.query_one(DataTable)
        for key, s in self._sessions.items():
            table.update_cell(key, table.ordered_columns[1].key, self._client_cell(s))

    def _client_cell(self, s: Session) -> Text:
        return Text(fmt.display_name(s.client_name, self.privacy))

    def _status_cell(self, s: Session) -> Text:
        if s.status is SessionStatus.SCHEDULED:
            return Text("● to mark", style="bold")
        return Text(fmt.status_word(s))

    def _title(self) -> None:
        left = sum(1 for s in self._sessions.values() if s.status is SessionStatus.SCHEDULED)
        words = need_attendance_words(left) or "every past session is marked"
        self.query_one("#attendance-title", Label).update(Text(f" Mark attendance · {words}"))
        hint = (
            "a attended · x no-show (charge or not) · u undoes the last mark · escape back"
            if self._sessions
            else "No past session waits for its attendance. escape goes back."
        )
        self.query_one("#attendance-hint", Static).update(hint)

    def _selected(self) -> Session | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self._sessions.get(key or "")

    def _to_mark(self) -> Session | None:
        s = self._selected()
        if s is None or self._busy:
            return None
        if s.status is not SessionStatus.SCHEDULED:
            self.notify(f"Already marked {fmt.status_word(s)}: u undoes it.", severity="warning")
            return None
        return s

    def action_attend(self) -> None:
        if (s := self._to_mark()) is not None:
            self._busy = True
            self._write(lambda: self.practice.attend(s.id), undone=False)

    def action_no_show(self) -> None:
        from kara_tui.ui.screens.cancel import CancelDialog

        if (s := self._to_mark()) is None:
            return

        def done(result: object) -> None:
            if isinstance(result, Session):
                self.post_message(self.Marked(result, undone=False))

        # The same dialog as x in the calendar: the charge decision and the client's notice.
        self.app.push_screen(CancelDialog(self.practice, s.id, no_show=True), done)

    def action_unmark(self) -> None:
        if self._busy:
            return
        s = self._selected()
        if s is None or s.status is SessionStatus.SCHEDULED:
            s = self._sessions.get(self._undo[-1]) if self._undo else None
        if s is None:
            self.notify("Nothing marked here yet: nothing to undo.", severity="warning")
            return
        self._busy = True
        session_id = s.id
        self._write(lambda: self.practice.unmark(session_id), undone=True)

    @work(thread=True, group="write", exit_on_error=False)
    def _write(self, call: Any, undone: bool) -> None:
        self.post_message(self.Marked(call(), undone))

    def on_worker_state_changed(self, event: Any) -> None:
        if event.worker.group == "write" and event.worker.is_finished:
            self._busy = False
        super().on_worker_state_changed(event)

    def on_attendance_screen_marked(self, message: Marked) -> None:
        s = message.session
        key = str(s.id)
        self.changed = True
        self._sessions[key] = s
        if key in self._undo:
            self._undo.remove(key)
        if not message.undone:
            self._undo.append(key)
        table = self.query_one(DataTable)
        table.update_cell(key, table.ordered_columns[2].key, self._status_cell(s))
        self._title()
        if message.undone:
            table.move_cursor(row=self._order.index(key))
            return
        # On to the next session still to mark (after this one, else from the top).
        here = self._order.index(key)
        rest = self._order[here + 1 :] + self._order[:here]
        following = [k for k in rest if self._sessions[k].status is SessionStatus.SCHEDULED]
        if following:
            table.move_cursor(row=self._order.index(following[0]))

    def action_back(self) -> None:
        self.dismiss(self.changed)
