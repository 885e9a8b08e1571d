"""What a feed sync says: the problems it found and the report of one feed's sync."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

from kara_tui.ical.expand.occurrence import NOTE_PREFIX
from kara_tui.services.run_report import RunReport

if TYPE_CHECKING:  # an annotation only: a first `feeds sync` never builds domain/model.py
    from kara_tui.domain import Feed


@dataclass(frozen=True, slots=True)
class FeedProblem:
    """One event of a feed that was skipped, and why; with no ``uid``, a note about the feed
    as a whole (a time zone read as another, say): nothing was skipped for it."""

    feed: str
    uid: str
    reason: str

    @property
    def is_note(self) -> bool:
        # An event that was imported after a repair carries a note ("imported, but ...").
        return not self.uid or self.reason.startswith(NOTE_PREFIX)


@dataclass(frozen=True, slots=True)
class SyncReport(RunReport):
    """What one feed's sync did. ``ok`` is False when the feed could not be read or stored."""

    feed: str
    added: int = 0
    updated: int = 0
    removed: int = 0
    problems: tuple[FeedProblem, ...] = ()
    stale: bool = False
    # The feed now looks empty while events are stored: sync again with accept_empty=True
    # to clear them.
    needs_confirmation: bool = False
    # Nothing was parsed: the server said 304, or the body (and window) were the same.
    skipped: bool = False

    @property
    def skipped_events(self) -> int:
        return sum(not p.is_note for p in self.problems)

    def problems_said(self) -> str:
        """'2 events skipped', '1 note', '2 events skipped, 1 note' or ''."""
        return problems_said(self.problems)


# Never compared, hashed or shown: no generated __eq__, __hash__ or __repr__ (each is
# compiled at import; issue 19).
@dataclass(frozen=True, slots=True, eq=False, repr=False)
class FeedAdded:
    feed: Feed
    # Said once, at add time, when the secret address had to go into the database.
    note: str = ""


@dataclass
class Written:
    """What one store did to the stored occurrences."""

    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0


def problems_said(problems: Iterable[FeedProblem]) -> str:
    notes = skipped = 0
    for p in problems:
        notes += p.is_note
        skipped += not p.is_note
    parts = [f"{plural(skipped, 'event')} skipped"] if skipped else []
    if notes:
        parts.append(plural(notes, "note"))
    return ", ".join(parts)


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def written_report(name: str, written: Written, problems: list[FeedProblem]) -> SyncReport:
    """The report of a store that went through: the counts, then the problems said briefly."""
    counts = asdict(written)  # added, updated, removed, unchanged: the report's own fields
    message = f"{name}: {', '.join(f'{n} {label}' for label, n in counts.items())}"
    said = problems_said(problems)
    if said:
        message += f"; {said}"
    return SyncReport(name, ok=True, message=message, problems=tuple(problems), **counts)
