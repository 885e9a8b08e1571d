"""The series' questions: clashes by date at booking, this / following / whole series, end from."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from kara_tui.domain import DomainError
from kara_tui.domain.series import SeriesRule
from kara_tui.services.errors import SeriesConflictError
from kara_tui.timeparse import parse_date
from kara_tui.ui import format as fmt
from kara_tui.ui.resolved import day_echo
from kara_tui.ui.screens._dialog import OneFieldDialog, dialog_box, form_bindings
from kara_tui.ui.widgets.hanging import hanging

if TYPE_CHECKING:
    from kara_tui.domain import Money, Session
    from kara_tui.policy.conflicts import Conflict
    from kara_tui.services.practice import Practice
    from kara_tui.services.series import Booked

__all__ = ["SeriesConflictError"]

# What the conflict list answers: book them anyway, skip those dates, change the form, stop.
FORCE, SKIP, CHANGE, STOP = "force", "skip", "change", "stop"


class SeriesConflictsDialog(ModalScreen[str]):
    """The occurrences that clash, by date; a: book all anyway, s: skip those dates,
    c (or escape): change the form, x: stop (close the form, nothing booked)."""

    BINDINGS = [
        Binding("a", "answer('force')", "Book all anyway", id="series_force"),
        Binding("s", "answer('skip')", "Skip those dates", id="series_skip"),
        Binding("c,escape", "answer('change')", "Change", id="series_change"),
        Binding("x", "answer('stop')", "Stop", id="series_stop"),
    ]

    DEFAULT_CSS = """
    SeriesConflictsDialog #series-clashes { height: auto; max-height: 20; }
    """

    def __init__(
        self, by_date: list[tuple[datetime, list[Conflict]]], total: int, tz: ZoneInfo
    ) -> None:
        super().__init__()
        self._by_date = by_date
        self._total = total
        self._tz = tz

    def compose(self) -> ComposeResult:
        n = len(self._by_date)
        with dialog_box(
            f"{n} of {self._total} sessions clash",
            "a books all · s skips those dates · c changes · x stops",
            id="series-conflicts",
            wide=True,
        ):
            text = Text()
            for start, found in self._by_date:
                local = start.astimezone(self._tz)
                text.append(f"{local:%a %d %b %Y %H:%M}\n", style="bold")
                for c in found:
                    text.append(f"  {fmt.CONFLICT} {fmt.clean(c.message)}\n")
            text.rstrip()
            with VerticalScroll(id="series-clashes"):
                yield Static(hanging(text), id="series-clash-list")
            with Horizontal(classes="buttons"):
                yield Button("Stop", id=STOP)
                yield Button("Change", id=CHANGE)
                yield Button("Skip those dates", id=SKIP, variant="primary")
                yield Button("Book all anyway", id=FORCE)

    def on_mount(self) -> None:
        self.query_one(f"#{SKIP}", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id or CHANGE)

    def action_answer(self, answer: str) -> None:
        self.dismiss(answer)


class ScopeDialog(ModalScreen["str | None"]):
    """Which sessions a change is for: 1 this session, 2 this and following, 3 the whole
    series (past, attended, no-show and cancelled sessions never move); escape: none."""

    BINDINGS = [
        Binding("escape", "dismiss(None)", "Back", id="dialog_back"),
        Binding("1", "answer('this')", "This session", show=False),
        Binding("2", "answer('following')", "This and following", show=False),
        Binding("3", "answer('all')", "Whole series", show=False),
    ]

    def __init__(self, what: str, description: str) -> None:
        super().__init__()
        self._what = what
        self._description = description

    def compose(self) -> ComposeResult:
        with dialog_box(
            f"{self._what}: a session of a series",
            "1 / 2 / 3 or enter chooses · escape goes back",
            id="scope",
        ):
            yield Static(
                Text(
                    f"{fmt.SERIES} {self._description}\n\nPast, attended, no-show and cancelled "
                    "sessions never move."
                ),
                id="scope-body",
            )
            with Vertical(classes="buttons"):
                yield Button("1 This session", id="this", variant="primary")
                yield Button("2 This and following", id="following")
                yield Button("3 Whole series", id="all")

    def on_mount(self) -> None:
        self.query_one("#this", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id)

    def action_answer(self, scope: str) -> None:
        self.dismiss(scope)


class EndSeriesDialog(OneFieldDialog["date | None"]):
    """End a series ("therapy ended") from a date: its scheduled sessions from that day on are
    removed; what happened stays on record. ctrl+s ends it, escape changes nothing."""

    BINDINGS = form_bindings("End series")
    BOX, TITLE_TEXT = "end-series", "End series"
    KEYS = "ctrl+s or enter ends it · escape goes back"
    LABEL, FIELD, ERROR_LINE = "From", "end-from", "end-error"
    EXPLAIN = (
        "Scheduled sessions from that day on are removed; attended, no-show and "
        "cancelled ones stay on record."
    )
    GO = ("end", "End series", "error")

    def __init__(self, description: str, default: date, today: date) -> None:
        super().__init__()
        self._description = description
        self._default = default
        self._today = today

    def lead(self) -> ComposeResult:
        yield Static(Text(f"{fmt.SERIES} {self._description}"))

    def first_value(self) -> str:
        return self._default.isoformat()

    def read(self, typed: str) -> date:
        return parse_date(typed, self._today)

    def echo(self, typed: str) -> str:
        return day_echo(typed, self._today)


def rule_from_fields(repeat: str, ends: str, today: date) -> SeriesRule | None:
    """The form's Repeat and Ends, read as the CLI's --repeat and --count / --until are: None
    for a single session; a DomainError in words for anything else."""
    words = repeat.strip().lower()
    if words in ("", "none", "no"):
        if ends.strip():
            raise DomainError("Ends goes with Repeat (weekly, 2w, monthly...)")
        return None
    end = ends.strip().lower()
    if end in ("", "never", "no end"):
        return SeriesRule.parse(words)
    if end.isdigit():
        return SeriesRule.parse(words, count=int(end))
    return SeriesRule.parse(words, until=parse_date(end, today))


def book(
    practice: Practice, client_id: int, request: Any, fee: Money | None, force: bool | str
) -> Booked:
    """Book the form's series (in the form's worker): its sessions and the dates skipped."""
    from kara_tui.services.series import SeriesBook

    on_conflict = "force" if force in (True, FORCE) else "skip" if force == SKIP else "refuse"
    booked = SeriesBook(practice).book(
        client_id,
        request.start,
        request.rule,
        fee=fee,
        on_conflict=on_conflict,  # type: ignore[arg-type]  # one of the three
        **request.booking(),
    )
    return booked


def booked_words(booked: Booked) -> str:
    """'5 sessions booked (1 clashing date skipped)': what a series' booking did."""
    n, skipped = len(booked.sessions), len(booked.skipped)
    said = f"{n} session{'' if n == 1 else 's'} booked"
    if skipped:
        said += f" ({skipped} clashing date{'' if skipped == 1 else 's'} skipped)"
    return said


def edit(
    practice: Practice, session: Session, request: Any, fee: Money | None, scope: str
) -> Session:
    """Edit the form's session and the following ones (or all still to come)."""
    from kara_tui.services.series_changes import Scope, SeriesChanges

    edited = SeriesChanges(practice).edit(
        session.id,
        Scope(scope),
        service=request.service,
        location=request.location,
        fee=fee,
        prepaid=request.prepaid,
    )
    return edited[0] if edited else session
