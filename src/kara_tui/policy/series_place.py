"""Where a session stands in its series (DESIGN.md section 6), in words: "weekly on Tuesday,
session 5 of 12", and how many are left, flagged when two or fewer. One rule for the details
pane (services/series.py) and both agenda readers (db/quick_reads.py, Practice reads)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from kara_tui.domain import SessionStatus

if TYPE_CHECKING:  # only its methods are called: the calendar reads FEW_LEFT without it
    from kara_tui.domain.series import SeriesRule

FEW_LEFT = 2  # a series with this many sessions left (or fewer) is flagged (section 6)


@dataclass(frozen=True, slots=True)
class Member:
    """A session of the series as the place needs it."""

    id: int
    status: SessionStatus
    start: datetime
    original_start: datetime | None  # None: moved out of the series (not counted)


@dataclass(frozen=True, slots=True)
class Position:
    description: str  # "weekly on Tuesday, session 5 of 12" / "..., session 3, no end"
    left: int | None  # scheduled sessions still to come; None for an open-ended series

    @property
    def few_left(self) -> bool:
        return self.left is not None and self.left <= FEW_LEFT

    @property
    def agenda_text(self) -> str:
        """The agenda's words: the position, and "⚑ 2 left" when the series is nearly over."""
        return f"{self.description} · ⚑ {self.left} left" if self.few_left else self.description


def position(
    rule: SeriesRule,
    first_local: datetime,
    ended: bool,
    members: Sequence[Member],
    session_id: int,
    now: datetime,
) -> Position:
    """``first_local``: the series' first start in its zone; ``ended``: ended from a date."""
    how = rule.describe(first_local)
    kept = sorted(
        (m for m in members if m.original_start is not None),
        key=lambda m: (m.original_start or m.start, m.id),
    )
    ends = ended or not rule.open_ended
    n = next((i + 1 for i, m in enumerate(kept) if m.id == session_id), None)
    if n is None:
        this = next((m for m in members if m.id == session_id), None)
        cancelled = this is not None and this.status == SessionStatus.CANCELLED
        where = "moved out of the series" if cancelled else ""
    elif ends:
        where = f"session {n} of {len(kept)}"
    else:
        where = f"session {n}, no end"
    left = None
    if ends:
        left = sum(1 for m in kept if m.status == SessionStatus.SCHEDULED and m.start > now)
    return Position(f"{how}, {where}" if where else how, left)
