"""The reschedule dialog: a new time with live conflict warnings, who asked, and the notices."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import ClassVar
from zoneinfo import ZoneInfo

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal
from textual.content import Content
from textual.message import Message
from textual.widgets import Button, Checkbox, Input, Static

from kara_tui.domain import Client, DomainError, Reason, Session, SessionStatus
from kara_tui.policy.conflicts import Conflict
from kara_tui.services.errors import ConflictError, StorageError
from kara_tui.services.practice import MAX_SESSION_MINUTES, Practice
from kara_tui.timeparse import AmbiguousTime, localize, parse_datetime, plus_minutes
from kara_tui.ui import format as fmt
from kara_tui.ui.privacy import redacted
from kara_tui.ui.resolved import moment_shown
from kara_tui.ui.screens import _dialog
from kara_tui.ui.screens._dialog import ERROR, MUTED, SUCCESS, WARNING, Line, plain, sentence
from kara_tui.ui.widgets.fold_choice import FoldChoice
from kara_tui.ui.widgets.toggles import Choice, Tick

ASKED_BY: tuple[tuple[Reason, str], ...] = (
    (Reason.CLIENT, "The client"),
    (Reason.PROFESSIONAL, "The professional"),
)

Slot = tuple[datetime, int]  # start, minutes


SEARCH_DAYS = 14  # how far the suggested new start looks for a free slot


@dataclass(frozen=True, slots=True)
class Loaded:
    session: Session
    client: Client
    tz: ZoneInfo
    suggested: str = ""  # the start field's first value; "" = same time next week


def next_week(start: datetime, tz: ZoneInfo) -> str:
    """The same wall-clock time a week later, as the start field shows it."""
    local = start.astimezone(tz)
    return f"{(local.replace(tzinfo=None) + timedelta(days=7)):%Y-%m-%d %H:%M}"


def first_free(practice: Practice, session: Session, tz: ZoneInfo) -> str:
    """The first day after the session's own with its time of day free (no conflict at all),
    within SEARCH_DAYS, as the start field shows it; else the same time next week.

    "Same time next week" alone usually lands on the client's own next session, so the dialog
    would open on a conflict warning. Runs in the load worker: one check_slot per day tried.
    """
    local = session.start.astimezone(tz).replace(tzinfo=None)
    length = session.end - session.start
    now = practice.clock.now()
    for days in range(1, SEARCH_DAYS + 1):
        try:
            start = localize(local + timedelta(days=days), tz)
        except DomainError:
            continue  # the clocks skip this time that day
        if start <= now:
            continue
        if not practice.check_slot(start, start + length, ignore_session_id=session.id):
            return f"{local + timedelta(days=days):%Y-%m-%d %H:%M}"
    return next_week(session.start, tz)


class RescheduleDialog(_dialog.LiveDialog[Session, Loaded]):
    """Move a session: the old one is cancelled with who asked, a linked one is booked.

    Dismisses with the new Session, or None on Back. Conflicts are checked as the user types;
    a time with conflicts needs a second ctrl+s ("book anyway"), which books with force.
    """

    BINDINGS: ClassVar[list[BindingType]] = _dialog.choice_keys("pick_asker", len(ASKED_BY))

    DEFAULT_CSS = """
    RescheduleDialog #body { margin-top: 1; }
    RescheduleDialog #conflicts { margin-top: 1; }
    RescheduleDialog #notify { margin-top: 1; }
    RescheduleDialog #notify-hint { padding-left: 4; }
    RescheduleDialog #start-echo { padding-left: 10; }
    RescheduleDialog #asked { width: 1fr; }
    """

    TITLE_TEXT = "Reschedule session"
    FIRST_FOCUS = "#start"
    LOOKUP_FAILED = ("#conflicts", "Could not check for conflicts: {}")

    @dataclass(eq=False)
    class Clashed(Message):
        """Something was booked in the slot meanwhile: the save was refused with these."""

        slot: Slot
        conflicts: list[Conflict]

    def __init__(self, practice: Practice, session_id: int) -> None:
        super().__init__()
        self.practice = practice
        self.session_id = session_id
        self.book_anyway: Slot | None = None  # the slot the user agreed to book despite conflicts
        self._saving: Slot | None = None  # the slot the save worker is booking

    @property
    def slot(self) -> Slot | None:
        """The new start and minutes as typed, when they read as a slot."""
        return self.following  # type: ignore[no-any-return]

    @property
    def conflicts(self) -> dict[Slot, list[Conflict]]:
        """The conflicts found so far, by slot."""
        return self.known

    # -- building -------------------------------------------------------------------------

    @property
    def open(self) -> bool:
        """Scheduled and not yet started: a started session is a no-show or 'other' instead."""
        return (
            self.data is not None
            and self.data.session.status is SessionStatus.SCHEDULED
            and self.data.session.start > self.practice.clock.now()
        )

    def closed_why(self) -> str:
        assert self.data is not None
        status = self.data.session.status
        if status is not SessionStatus.SCHEDULED:
            return (
                f"This session is already {status.value.replace('_', '-')}: "
                "only a scheduled session can be rescheduled."
            )
        return (
            "This session has already started, so it cannot be moved: record it as "
            "a no-show (x) or cancel it as 'Other' (c)."
        )

    def form(self) -> ComposeResult:
        assert self.data is not None
        data = self.data
        session = data.session
        with Horizontal(classes="row"):
            yield Static("New start", classes="caption")
            yield Input(
                data.suggested or next_week(session.start, data.tz),
                id="start",
                classes="-short",
                compact=True,
            )
            yield Static(plain(f"({data.tz.key})  Minutes", MUTED), classes="caption")
            yield Input(str(session.minutes), id="minutes", classes="-minutes", compact=True)
        # Under the row, not beside it: beside, an 80-column terminal cut it ('→ Mon 1 Nov 2').
        yield Line(id="start-echo")
        yield Line(id="start-error")
        yield FoldChoice("start", id="start-fold")
        yield Static("Who asked for the change  (keys 1–2, arrows)", classes="label")
        yield _dialog.ChoiceSet(
            *[Choice(label, compact=True) for _, label in ASKED_BY],
            id="asked",
            compact=True,
        )
        yield Line(id="record")
        yield Line(id="conflicts")
        yield Tick("Notify client", value=True, id="notify", compact=True)
        yield Line(id="notify-hint")

    def summary(self) -> Content:
        assert self.data is not None
        data, session = self.data, self.data.session
        return Content.assemble(
            *_dialog.session_head(self, data.client.name, session, data.tz, "  now "),
            f"  {session.minutes} min  fee {session.fee}",
        )

    def read(self) -> Loaded:
        session = self.practice.get_session(self.session_id)
        client = self.practice.find_client(session.client_id)
        tz = self.practice.tz
        suggested = (
            first_free(self.practice, session, tz)
            if session.status is SessionStatus.SCHEDULED
            else ""
        )
        return Loaded(session, client, tz, suggested)

    # -- the live form --------------------------------------------------------------------

    @property
    def asked_by(self) -> Reason | None:
        index = self.query_one("#asked", _dialog.ChoiceSet).pressed_index
        return ASKED_BY[index][0] if index >= 0 else None

    def _read_slot(self) -> tuple[Slot | None, str]:
        assert self.data is not None
        tz = self.data.tz
        now = self.practice.clock.now()
        fold = self.query_one("#start-fold", FoldChoice)
        try:
            start = parse_datetime(
                self.query_one("#start", Input).value, tz, now.astimezone(tz).date()
            )
        except AmbiguousTime as twice:
            fold.show(twice)
            return None, f"{twice.naive:%H:%M} happens twice that night: pick one below."
        except DomainError as exc:
            fold.show(None)
            return None, sentence(str(exc))
        fold.show(None)
        text = self.query_one("#minutes", Input).value.strip()
        if not text.isdigit() or int(text) <= 0:
            return None, "Minutes must be a whole number above zero."
        minutes = int(text)
        if minutes > MAX_SESSION_MINUTES:
            return None, f"A session cannot last more than {MAX_SESSION_MINUTES // 60} hours."
        return (start, minutes), ""

    def refresh_form(self) -> None:
        """Read the fields, start a conflict check when the slot changed, and say what applies."""
        if not self._ready or self.data is None:
            return
        session = self.data.session
        problems: list[str] = []
        slot, error = self._read_slot()
        self.query_one("#start-echo", Line).say(
            moment_shown(slot[0], self.data.tz) if slot is not None else "", MUTED
        )
        if slot is not None and slot[0] == session.start and slot[1] == session.minutes:
            error = "That is the session's current time: choose another."
            slot = None
        start_error = self.query_one("#start-error", Line)
        if slot is None:
            start_error.say(error, ERROR)
            problems.append("Fix the new time above.")
        elif slot[0] < self.practice.clock.now():
            start_error.say("This time is in the past.", WARNING)
        else:
            start_error.say("")
        self.follow(slot)
        self._show_conflicts()

        by = self.asked_by
        if by is None:
            # The time field has focus and takes digits: 1 or 2 typed there is a time.
            problems.append("Say who asked for the change: tab down to it, then 1 or 2.")
            self.query_one("#record", Line).say("")
        else:
            self.query_one("#record", Line).say(
                f"The old session is recorded as cancelled ('{by.label}') and linked to the "
                "new one. No charge is made for a reschedule.",
                MUTED,
            )

        client = self.data.client
        box, blocked = self.notify_box(client)
        if blocked:
            hint = f"Not notified: {blocked}."
        elif not box.value:
            hint = "No notices: tell the client yourself."
        else:
            hint = f"{fmt.clean(client.email)} gets the cancellation, then the new booking."
        self.query_one("#notify-hint", Line).say(plain(hint, MUTED))

        self.problem = problems[0] if problems else ""
        confirm = self.query_one("#confirm", Button)
        confirm.disabled = bool(problems) or self.busy
        anyway = self.slot is not None and self.book_anyway == self.slot
        label = "Book anyway  ctrl+s" if anyway else "Confirm  ctrl+s"
        if str(confirm.label) != label:
            confirm.label = label
            confirm.variant = "warning" if anyway else "primary"
            confirm.refresh(layout=True)
        status = self.query_one("#status", Line)
        if self.problem:
            status.say(self.problem, MUTED)
        elif anyway:
            status.say(
                "This time has conflicts: press ctrl+s again to book anyway, or change the time.",
                f"bold {WARNING}",
            )
        else:
            status.say("")

    def _show_conflicts(self) -> None:
        assert self.data is not None
        line = self.query_one("#conflicts", Line)
        if self.slot is None:
            line.say("")
            return
        found = self.conflicts.get(self.slot)
        start, minutes = self.slot
        when = _dialog.when_text(start, plus_minutes(start, minutes), self.data.tz)
        if found is None:
            line.say(f"Checking {when} for conflicts…", MUTED)
        elif not found:
            line.say(f"✓ {when} is free.", SUCCESS)
        else:
            parts: list[Content | str | tuple[str, str]] = [
                (f"⚠ {when} has {len(found)} conflict{'s' if len(found) > 1 else ''}:", WARNING)
            ]
            for conflict in found:
                parts.append(plain(f"\n  • this time {redacted(self, conflict.message)}", WARNING))
            line.say(Content.assemble(*parts))

    def look_up(self, key: Slot) -> list[Conflict]:
        start, minutes = key
        return self.practice.check_slot(
            start, plus_minutes(start, minutes), ignore_session_id=self.session_id
        )

    # -- events ---------------------------------------------------------------------------

    def action_pick_asker(self, index: int) -> None:
        self.pick("#asked", index)

    def confirmable(self) -> bool:
        return not self.problem and self.slot is not None and self.asked_by is not None

    def held_back(self) -> bool:
        known = self.conflicts.get(self.slot) if self.slot is not None else None
        if known and self.book_anyway != self.slot:
            self.book_anyway = self.slot  # the next ctrl+s books anyway
            self.refresh_form()
            return True
        return False

    def start_save(self) -> None:
        slot, by = self.slot, self.asked_by
        assert slot is not None and by is not None
        start, minutes = self._saving = slot
        force, notify = self.book_anyway == slot, self.query_one("#notify", Checkbox).value
        self.save(
            partial(
                self.practice.reschedule,
                self.session_id,
                start,
                by=by,
                minutes=minutes,
                force=force,
                notify=notify,
            )
        )

    def refused(self, exc: DomainError | StorageError) -> Message:
        if isinstance(exc, ConflictError) and self._saving is not None:
            return self.Clashed(self._saving, exc.conflicts)
        return super().refused(exc)

    def on_reschedule_dialog_clashed(self, message: Clashed) -> None:
        # Something was booked in the meantime: show it and ask again.
        self.busy = False
        self.conflicts[message.slot] = message.conflicts
        self.book_anyway = message.slot
        self.refresh_form()
