"""How sessions read on screen: glyphs and words for every state, names, times (no Textual here)."""

from __future__ import annotations

import unicodedata
from datetime import date, datetime
from zoneinfo import ZoneInfo

from rich.cells import cell_len

from kara_tui.domain import ExternalEvent, Reason, Session, SessionStatus
from kara_tui.domain.privacy import initials
from kara_tui.domain.timeshow import clock_span, moment

# Each state has a glyph AND a word, so it reads without colour.
GLYPHS = {
    SessionStatus.SCHEDULED: "●",
    SessionStatus.ATTENDED: "✓",
    SessionStatus.NO_SHOW: "✗",
    SessionStatus.CANCELLED: "⊘",
}
MOVED = "↷"  # a session cancelled by a reschedule: it moved, nothing was charged
CONFLICT = "⚠"
EXTERNAL = "◇"
STALE = "◌"  # an event of a feed that could not be read lately: it may be out of date
TIME_OFF = "▨"
SERIES = "↻"  # a session of a series (DESIGN.md section 6)

REASON_SHORT = {
    Reason.PROFESSIONAL: "by you",
    Reason.CLIENT: "by client",
    Reason.NO_SHOW: "no-show",
    Reason.OTHER: "other",
}


def clean(text: str) -> str:
    """Text from outside (names, feed summaries) without control characters or line breaks."""
    if text.isprintable():  # the usual case, at C speed: nothing of the kind to take out
        return text
    return "".join(
        " " if ch in "\t\n\r" else ch for ch in text if ch in "\t\n\r" or not _is_control(ch)
    )


def clipped(text: str, width: int) -> str:
    """``text`` in at most ``width`` cells, its end replaced by '…' when longer (a table cell;
    the whole text is in the record it opens)."""
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def _is_control(ch: str) -> bool:
    return unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp")


def display_name(name: str, privacy: bool = False) -> str:
    """The client's name, or initials in privacy mode (a screen someone else may see)."""
    name = clean(name)
    return initials(name) if privacy else name


def event_summary(event: ExternalEvent, privacy: bool = False) -> str:
    """An external event's title, or only 'busy'/'free' in privacy mode: a personal calendar
    may name a client ("Call Anna Smith") or say something private."""
    if privacy:
        return "busy" if event.busy else "free"
    return clean(event.summary) or "busy"


def glyph(session: Session, moved_to: datetime | None = None) -> str:
    """The session's state glyph (↷ for one a reschedule replaced)."""
    if moved_to is not None and session.status is SessionStatus.CANCELLED:
        return MOVED
    return GLYPHS[session.status] + (SERIES if session.series_id is not None else "")


def status_word(
    session: Session, moved_to: datetime | None = None, tz: ZoneInfo | None = None
) -> str:
    """'● scheduled', '✓ attended', '✗ no-show', '⊘ cancelled · by client', '⊘ late · by client',
    or '↷ moved · Tue 24 Nov' for a session a reschedule replaced (``moved_to``: the new start);
    a session of a series ends with ' ↻'."""
    word = _status_word(session, moved_to, tz)
    return f"{word} {SERIES}" if session.series_id is not None else word


def _status_word(session: Session, moved_to: datetime | None, tz: ZoneInfo | None) -> str:
    glyph = GLYPHS[session.status]
    if session.status is SessionStatus.CANCELLED and moved_to is not None:
        local = moved_to.astimezone(tz) if tz is not None else moved_to
        return f"{MOVED} moved · {local:%a} {local.day} {local:%b}"
    if session.status is SessionStatus.CANCELLED:
        c = session.cancellation
        if c is None:
            return f"{glyph} cancelled"
        what = "late" if c.late else "cancelled"
        return f"{glyph} {what} · {REASON_SHORT[c.reason]}"
    if session.status is SessionStatus.NO_SHOW:
        return f"{glyph} no-show"
    return f"{glyph} {session.status.value}"


def status_style(session: Session, conflict: bool = False, moved: bool = False) -> str:
    """The name of the component style for a session's state (conflict wins for live ones;
    a ``moved`` session, cancelled by a reschedule, is never drawn as a late one)."""
    if conflict and session.status is not SessionStatus.CANCELLED:
        return "conflict"
    if session.status is SessionStatus.CANCELLED:
        if moved:
            return "cancelled"
        c = session.cancellation
        return "late" if c is not None and c.late else "cancelled"
    return {
        SessionStatus.SCHEDULED: "scheduled",
        SessionStatus.ATTENDED: "attended",
        SessionStatus.NO_SHOW: "no-show",
    }[session.status]


def hm(value: datetime, tz: ZoneInfo) -> str:
    local = value.astimezone(tz)
    return f"{local.hour:02d}:{local.minute:02d}"  # strftime's "%H:%M", in a third of its time


time_range = clock_span  # '10:00-10:50'; '01:30 BST-01:20 GMT' across a clock change


def long_day(day: date) -> str:
    """'Monday 16 November 2026'."""
    return f"{day:%A} {day.day} {day:%B %Y}"


when = moment  # 'Mon 16 Nov 2026 10:00' ('... 01:30 GMT' when that time happens twice)


def session_line(session: Session, tz: ZoneInfo, privacy: bool = False) -> str:
    """One line naming a session, for confirmations and search results."""
    local = session.start.astimezone(tz)
    name = display_name(session.client_name, privacy)
    return (
        f"{local:%a} {local.day} {local:%b %Y} {time_range(session.start, session.end, tz)} {name}"
    )


GAP = 3  # cells between a bar's left and right texts: '2026   121 sessions', not '2026 121'


def fit_bar(
    lefts: list[str], rights: list[str], plan: list[int | None], width: int
) -> tuple[str, str]:
    """A one-line bar's left and right texts that fit ``width`` cells, ``GAP`` apart.

    ``lefts`` are the left text from fullest to barest; ``rights`` the right parts in the
    order shown (joined with ' · '). ``plan`` says what to give up, in turn, until they fit:
    an index of ``rights`` drops that part, None takes the next barer left text. A part goes
    whole, never cut into something that reads as another word ('7-132 sessions' was
    '7-13 December 2026' run into '2 sessions'); only when the plan is spent is the left
    text cut, with an ellipsis.
    """
    level, dropped = 0, set()

    def right() -> str:
        return " · ".join(r for i, r in enumerate(rights) if i not in dropped and r)

    def fits() -> bool:
        shown = right()
        gap = GAP if shown else 0
        return cell_len(lefts[level]) + gap + cell_len(shown) <= width

    for move in [*plan, "end"]:
        if fits():
            return lefts[level], right()
        if move is None:
            level = min(level + 1, len(lefts) - 1)
        elif isinstance(move, int):
            dropped.add(move)
    room = max(width - cell_len(right()) - GAP, 0) if right() else width
    left = lefts[level]
    return (left[: max(room - 1, 0)] + "…" if room else ""), right()[:width]
