"""Find sessions by client name as you type; enter jumps to the chosen one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from kara_tui.domain import Session, SessionStatus
from kara_tui.ui import format as fmt
from kara_tui.ui.client_pick import Pickable, confusable_ids
from kara_tui.ui.screens._dialog import ShowsClients, dialog_box
from kara_tui.ui.workers import WorkerErrors

if TYPE_CHECKING:
    from kara_tui.services.practice import Practice


class SearchScreen(ShowsClients, WorkerErrors, ModalScreen[Session | None]):
    BINDINGS = [
        Binding("escape", "dismiss(None)", "Back", id="dialog_back"),
        Binding("down", "into_results", "Results", show=False),
    ]

    DEFAULT_CSS = """
    SearchScreen OptionList { height: auto; max-height: 20; border: none; margin-top: 1; }
    """

    @dataclass(eq=False)
    class Found(Message):
        query: str
        sessions: list[Session]
        moved: dict[int, datetime]  # session id -> the new start, for those a reschedule replaced

    def __init__(self, practice: Practice, tz: ZoneInfo, privacy: bool = False) -> None:
        super().__init__()
        self.practice = practice
        self.tz = tz
        self._privacy = privacy
        self._results: list[Session] = []
        self._moved: dict[int, datetime] = {}
        self._query = ""

    def on_mount(self) -> None:
        self.privacy_changed()

    def privacy_changed(self) -> None:
        """In privacy mode the typed name is hidden too: only initials are on screen."""
        self.query_one("#search-input", Input).password = self.privacy
        self._show(self._query, self._results)

    def compose(self) -> ComposeResult:
        keys = "type a client's name · ↓ results · enter jumps · escape back"
        with dialog_box("Search sessions", keys, wide=True):
            yield Input(placeholder="client name", id="search-input")
            yield Static("", classes="note", id="search-note")
            yield OptionList(id="search-results")

    def on_input_changed(self, event: Input.Changed) -> None:
        text = event.value.strip()
        if not text:
            self._show(text, [])
            return
        self._search(text)

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def _search(self, text: str) -> None:
        sessions = self.practice.search_sessions(text, limit=50)
        cancelled = [s.id for s in sessions if s.status is SessionStatus.CANCELLED]
        moved = self.practice.rescheduled_to(cancelled) if cancelled else {}
        self.post_message(self.Found(text, sessions, moved))

    def on_search_screen_found(self, message: Found) -> None:
        if message.query == self.query_one("#search-input", Input).value.strip():
            self._moved = message.moved
            self._show(message.query, message.sessions)

    def _show(self, query: str, sessions: list[Session]) -> None:
        self._results = sessions
        self._query = query
        options = self.query_one("#search-results", OptionList)
        options.clear_options()
        # Two clients whose names could be taken for each other: say whose session it is.
        alike = confusable_ids({Pickable(s.client_id, s.client_name) for s in sessions})
        options.add_options(
            [
                Option(
                    Text.assemble(
                        fmt.session_line(s, self.tz, self.privacy),
                        (f" (client id {s.client_id})" if s.client_id in alike else "", "dim"),
                        "  ",
                        (fmt.status_word(s, self._moved.get(s.id), self.tz), "dim"),
                    ),
                    id=str(s.id),
                )
                for s in sessions
            ]
        )
        if sessions:
            options.highlighted = 0
        note = self.query_one("#search-note", Static)
        if not query:
            note.update("")
        elif not sessions:
            asked = "what you typed" if self.privacy else f"a client called “{query}”"
            note.update(Text(f"No sessions for {asked}."))
        else:
            note.update(
                Text(
                    f"{len(sessions)} session{'s' if len(sessions) != 1 else ''}, next upcoming first"
                )
            )

    def action_into_results(self) -> None:
        if self._results:
            self.query_one("#search-results", OptionList).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        options = self.query_one("#search-results", OptionList)
        index = options.highlighted
        if self._results and index is not None:
            self.dismiss(self._results[index])

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self._results[event.option_index])
