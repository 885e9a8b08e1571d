"""The professional's day (`kara-tui agenda`, DESIGN.md section 7): its sessions, each with
where it is, its place in a series and what the client owes.

Light on purpose (a login message runs it): it imports no SQLAlchemy and reads through
``DayReads``, which the stdlib-sqlite3 ``QuickReader`` gives on an up-to-date SQLite file and
``PracticeReads`` gives through the Practice everywhere else; tests/services/test_agenda.py
holds the two equal.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from kara_tui.domain import Charge, Money, Session
from kara_tui.policy.charges import balance


class DayReads(Protocol):
    """What the agenda reads. A reader may also offer ``series_positions(session_ids, now) ->
    {session id: "weekly on Tuesday, session 5 of 12"}`` (recurring sessions, DESIGN.md
    section 6; the words from policy/series_place.py, "· ⚑ 2 left" when few are left after
    ``now``): the agenda shows a position only for a session that has one."""

    def list_sessions(
        self, *, start: datetime | None = None, end: datetime | None = None
    ) -> list[Session]: ...

    def pending_charges(self, client_ids: Sequence[int]) -> list[Charge]: ...


@dataclass(frozen=True, slots=True)
class Entry:
    session: Session
    series: str | None  # "weekly, session 5 of 12"; None for a session outside a series
    balance: tuple[Money, ...]  # what the client owes now, per currency; () when nothing


@dataclass(frozen=True, slots=True)
class Day:
    day: date
    tz: ZoneInfo
    entries: tuple[Entry, ...]


def bounds(day: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """The day as an instant range in ``tz``: 23 or 25 hours on a clock-change day."""

    def midnight(d: date) -> datetime:
        return datetime.combine(d, time(0), tzinfo=tz).astimezone(UTC)

    return midnight(day), midnight(day + timedelta(days=1))


def agenda(reads: DayReads, day: date, tz: ZoneInfo, now: datetime | None = None) -> Day:
    """The sessions starting on ``day`` (practice zone), by start, cancelled ones included;
    sessions left in a series are counted after ``now`` (default: the day's start)."""
    start, end = bounds(day, tz)
    sessions = [s for s in reads.list_sessions(start=start, end=end) if start <= s.start < end]
    client_ids = sorted({s.client_id for s in sessions})
    owed: dict[int, list[Charge]] = {}
    for c in reads.pending_charges(client_ids) if client_ids else []:
        owed.setdefault(c.client_id, []).append(c)
    positions_of = getattr(reads, "series_positions", None)
    positions: dict[int, str] = (
        positions_of([s.id for s in sessions], now or start) if positions_of and sessions else {}
    )
    return Day(
        day,
        tz,
        tuple(
            Entry(s, positions.get(s.id), tuple(balance(owed.get(s.client_id, ()))))
            for s in sessions
        ),
    )


class PracticeReads:
    """``DayReads`` through the Practice (PostgreSQL, a database being migrated, the demo)."""

    def __init__(self, practice: Any) -> None:
        self.practice = practice

    def list_sessions(
        self, *, start: datetime | None = None, end: datetime | None = None
    ) -> list[Session]:
        return list(self.practice.list_sessions(start=start, end=end))

    def series_positions(self, session_ids: list[int], now: datetime) -> dict[int, str]:
        from kara_tui.services.series_place import positions

        with self.practice.reading() as db:
            return positions(db, session_ids, now)

    def pending_charges(self, client_ids: Sequence[int]) -> list[Charge]:
        from kara_tui.domain import ChargeStatus
        from kara_tui.services.charges import Ledger

        book = Ledger(self.practice)
        return [
            line.charge
            for client_id in client_ids
            for line in book.lines(client_id=client_id, status=ChargeStatus.PENDING)
        ]
