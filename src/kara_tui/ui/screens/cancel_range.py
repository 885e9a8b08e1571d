"""Emergency cancellation: every upcoming session in a range of days, notices, refunds, time off."""

from __future__ import annotations

from datetime import date, datetime
from functools import partial
from typing import ClassVar
from zoneinfo import ZoneInfo

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Button, Checkbox, Input, Static

from kara_tui.dayspan import counted_from_typed, days_to_span
from kara_tui.domain import DomainError, Reason, Session
from kara_tui.domain.timeshow import clock_span
from kara_tui.policy.notices import why_not_notified
from kara_tui.services.practice import Practice
from kara_tui.timeparse import parse_date
from kara_tui.ui.privacy import shown_name
from kara_tui.ui.resolved import day_echo
from kara_tui.ui.screens import _dialog
from kara_tui.ui.screens._dialog import ERROR, MUTED, WARNING, Line, plain, sentence
from kara_tui.ui.widgets.toggles import Choice, Tick

RANGE_REASONS: tuple[Reason, ...] = (Reason.PROFESSIONAL, Reason.OTHER)
PREVIEW_LINES = 40

Span = tuple[datetime, datetime]


class CancelRangeDialog(_dialog.LiveDialog[list[Session], ZoneInfo]):
    """Cancel every upcoming session from one day to another (both included) in one go.

    Dismisses with the cancelled Sessions (possibly none: the days are still blocked as time
    off), or None on Back. The preview is what the service will cancel: scheduled sessions in
    the range that have not started yet.
    """

    BINDINGS: ClassVar[list[BindingType]] = _dialog.choice_keys("pick_reason", len(RANGE_REASONS))

    DEFAULT_CSS = """
    CancelRangeDialog #body { margin-top: 1; }
    CancelRangeDialog #note { margin-top: 1; }
    CancelRangeDialog #count { margin-top: 1; text-style: bold; }
    CancelRangeDialog #preview { padding-left: 2; }
    CancelRangeDialog #notify { margin-top: 1; }
    """

    TITLE_TEXT = "Cancel a range of days"
    LOADING = "Loading…"
    CONFIRM = ("Cancel them all  ctrl+s", "error")
    SAVING = "Cancelling…"
    FIRST_FOCUS = "#from"
    LOOKUP_FAILED = ("#count", "Could not list the sessions: {}")

    def __init__(self, practice: Practice, *, start: date) -> None:
        super().__init__()
        self.practice = practice
        self.first_day = start

    @property
    def tz(self) -> ZoneInfo | None:
        """The practice's zone, once loaded: all this dialog reads before its form."""
        return self.data

    @property
    def span(self) -> Span | None:
        """The days typed, as a span of time, when they read."""
        return self.following  # type: ignore[no-any-return]

    # -- building -------------------------------------------------------------------------

    def summary(self) -> Content:
        return plain(
            "For an emergency such as illness: every upcoming session in these days is "
            "cancelled, each client is told, prepaid sessions get a refund record, and the "
            "days are blocked as time off.",
            MUTED,
        )

    def form(self) -> ComposeResult:
        with Horizontal(classes="row"):
            yield Static("From", classes="caption")
            yield Input(self.first_day.isoformat(), id="from", classes="-date", compact=True)
            yield Static("", classes="caption", id="from-echo")
            yield Static("to (included)", classes="caption")
            yield Input(self.first_day.isoformat(), id="to", classes="-date", compact=True)
            yield Static("", classes="caption", id="to-echo")
        yield Line(id="range-error")
        yield Static("Reason  (keys 1–2, arrows)", classes="label")
        yield _dialog.ChoiceSet(
            *[Choice(r.label, value=r is Reason.PROFESSIONAL, compact=True) for r in RANGE_REASONS],
            id="reasons",
            compact=True,
        )
        yield Input(
            placeholder="Note (private: kept on each cancellation and names the time off)",
            id="note",
            compact=True,
        )
        yield Line(id="note-error")
        yield Line(id="count")
        yield Line(id="preview")
        yield Line(id="time-off")
        yield Tick("Notify clients", value=True, id="notify", compact=True)

    def read(self) -> ZoneInfo:
        return self.practice.tz

    # -- the live form --------------------------------------------------------------------

    @property
    def reason(self) -> Reason:
        index = self.query_one("#reasons", _dialog.ChoiceSet).pressed_index
        return RANGE_REASONS[max(index, 0)]

    def _read_days(self) -> tuple[tuple[date, date] | None, str]:
        assert self.tz is not None
        today = self.practice.clock.now().astimezone(self.tz).date()
        typed_from, typed_to = (
            self.query_one("#from", Input).value,
            self.query_one("#to", Input).value,
        )
        base = counted_from_typed(typed_from, typed_to, self.tz, today)  # "fri" to "mon"
        for name, typed, on in (("from", typed_from, today), ("to", typed_to, base)):
            echo = day_echo(typed, on, short=True)
            self.query_one(f"#{name}-echo", Static).update(plain(f"{echo}  ", MUTED))
        try:
            first = parse_date(typed_from, today)
            last = parse_date(typed_to, base)
        except DomainError as exc:
            return None, sentence(str(exc))
        if last < first:
            return None, "The last day is before the first."
        return (first, last), ""

    def refresh_form(self) -> None:
        if not self._ready or self.tz is None:
            return
        tz = self.tz
        problems: list[str] = []
        days, error = self._read_days()
        self.query_one("#range-error", Line).say(error, ERROR)
        span = None if days is None else days_to_span(*days, tz)
        if days is None:
            problems.append("Fix the days above.")
        self.follow(span)

        note = self.query_one("#note", Input).value.strip()
        missing = self.reason is Reason.OTHER and not note
        self.query_one("#note-error", Line).say(
            "'Other' needs a note saying what happened." if missing else "", ERROR
        )
        if missing:
            problems.append("Write what happened: 'Other' needs a note.")

        # What the service will cancel, and the ids of clients no notice can reach.
        sessions, unreachable = self.known.get(span, (None, frozenset()))
        count, preview, time_off = (
            self.query_one("#count", Line),
            self.query_one("#preview", Line),
            self.query_one("#time-off", Line),
        )
        notify = self.query_one("#notify", Checkbox).value
        if span is None or days is None:
            count.say("")
            preview.say("")
            time_off.say("")
        elif sessions is None:
            count.say("Looking for sessions in these days…", MUTED)
            preview.say("")
            problems.append("Wait for the list of sessions.")
        else:
            count.say(self._count_words(sessions, notify, unreachable))
            preview.say(self._preview_lines(sessions, tz))
            first, last = days
            spell = f"{first:%a %d %b %Y}" + ("" if first == last else f" to {last:%a %d %b %Y}")
            time_off.say(
                plain(f"{spell} will be blocked as time off ({note or self.reason.label}).", MUTED)
            )

        self.problem = problems[0] if problems else ""
        self.query_one("#confirm", Button).disabled = bool(problems) or self.busy
        self.query_one("#status", Line).say(self.problem, MUTED)

    @staticmethod
    def _count_words(
        sessions: list[Session], notify: bool, unreachable: frozenset[int] = frozenset()
    ) -> str:
        n = len(sessions)
        if n == 0:
            return "No upcoming sessions in these days."
        words = f"{n} session{'s' if n > 1 else ''} will be cancelled"
        prepaid = sum(1 for s in sessions if s.prepaid)
        if prepaid:
            words += f", {prepaid} with a refund (prepaid)"
        reached = [s for s in sessions if s.client_id not in unreachable]
        clients = len({s.client_id for s in reached})
        if notify and reached:
            k = len(reached)
            words += f"; {k} notice{'s' if k > 1 else ''} to {clients} client{'s' if clients > 1 else ''}"
        skipped = n - len(reached)
        if notify and skipped:
            words += f"; {skipped} not notified (no email address)"
        return words + "."

    def _preview_lines(self, sessions: list[Session], tz: ZoneInfo) -> Content:
        lines: list[Content] = []
        for s in sessions[:PREVIEW_LINES]:
            a = s.start.astimezone(tz)
            lines.append(
                Content.assemble(
                    f"{a:%a %d %b} {clock_span(s.start, s.end, tz)}  ",
                    (shown_name(self, s.client_name), "bold"),
                    f"  {s.fee}",
                    ("  prepaid: refund" if s.prepaid else "", WARNING),
                )
            )
        if len(sessions) > PREVIEW_LINES:
            lines.append(plain(f"… and {len(sessions) - PREVIEW_LINES} more", MUTED))
        return Content("\n").join(lines)

    def notified(self, cancelled: list[Session]) -> bool:
        """Whether cancelling ``cancelled`` queued a notice: Notify ticked, and a client whom
        one can reach."""
        unreachable = self.known.get(self.span, (None, frozenset()))[1]
        reached = any(s.client_id not in unreachable for s in cancelled)
        return self.query_one("#notify", Checkbox).value and reached

    def look_up(self, key: Span) -> tuple[list[Session], frozenset[int]]:
        sessions = self.practice.preview_range(*key)
        clients = self.practice.list_clients(include_archived=True)
        return sessions, frozenset(c.id for c in clients if why_not_notified(c))

    # -- events ---------------------------------------------------------------------------

    def action_pick_reason(self, index: int) -> None:
        self.pick("#reasons", index)

    def confirmable(self) -> bool:
        return not self.problem and self.span is not None

    def start_save(self) -> None:
        assert self.span is not None
        self.save(
            partial(
                self.practice.cancel_range,
                *self.span,
                self.reason,
                note=self.query_one("#note", Input).value.strip(),
                notify=self.query_one("#notify", Checkbox).value,
            )
        )
