"""An external calendar's event instance, in a module of its own: parsing a feed needs it
and nothing else of the practice's model (a first ``feeds sync`` builds only this class)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True, slots=True)
class EventInstance:
    """One instance of an external calendar's event, as its feed says it.

    ``uid`` and ``recurrence_id`` are its key (``recurrence_id`` is "" for a lone event, else
    the instance's original start); ``start``/``end`` are aware UTC datetimes, or dates when
    ``all_day``; ``end`` is exclusive. Expanding a feed yields them before they are stored
    (ical.expand's Occurrence); read back from a feed, they are ExternalEvents.
    """

    uid: str
    recurrence_id: str
    start: datetime | date
    end: datetime | date
    all_day: bool
    summary: str
    location: str
    busy: bool
    cancelled: bool
