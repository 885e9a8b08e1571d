"""Series on a publishing target (issue 18 item 2, DESIGN.md section 8): one resource per
series, named by its UID, with RRULE, EXDATEs for skipped, cancelled and deleted occurrences
and a RECURRENCE-ID override for each moved or changed one, as ``export`` writes a series
(services/series_notices.py builds it). The detail level applies to the overrides too.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session as DbSession

from kara_tui.db.rows import SeriesRow, SessionRow
from kara_tui.domain import SessionStatus
from kara_tui.ical.publish import PublishedSeries
from kara_tui.policy import series as rules
from kara_tui.policy.publishing import Detail, Horizon, is_shown, shown
from kara_tui.services import series_notices


@dataclass(frozen=True, slots=True)
class SeriesPlan:
    events: dict[str, PublishedSeries]  # by series UID: the series with an occurrence to show
    covered: frozenset[int]  # session ids written inside a series resource, not on their own


def series_to_publish(db: DbSession, detail: Detail, window: Horizon) -> SeriesPlan:
    """Every series with a session to show in ``window``, at ``detail``; and the sessions the
    series resources hold (a session moved out of its series is published on its own)."""
    events: dict[str, PublishedSeries] = {}
    covered: set[int] = set()
    for row in db.scalars(select(SeriesRow).order_by(SeriesRow.id)):
        if series_notices.is_gone(row):
            continue
        starts = series_notices.occurrences_on_record(row)
        on_record = set(starts) - set(row.exception_starts())
        mine = [
            r
            for r in db.scalars(select(SessionRow).where(SessionRow.series_id == row.id))
            if r.original_start is not None and r.original_start in on_record
        ]
        covered.update(r.id for r in mine)
        if not any(
            is_shown(SessionStatus(r.status)) and window.holds(r.start, r.end) for r in mine
        ):
            continue
        summary, location, private = shown(row.client.name, row.service, row.location, detail)
        event = series_notices.series_event(db, row, summary)
        length = timedelta(minutes=row.minutes)
        overrides = tuple(
            o if detail is Detail.FULL else replace(o, location="")
            for o in event.overrides
            # Below full, an override that only changed the place says nothing: left out.
            if detail is Detail.FULL or o.start != o.recurrence_id or o.end - o.start != length
        )
        rrule = event.rrule
        rule = series_notices.rule_of(row)
        if row.ended_from is None and rule.open_ended and starts:
            # Open-ended: the calendar shows what is booked (up to the horizon, topped up).
            rrule = rules.rrule_parts(row.first_start, row.zone, rule, last=starts[-1])
        event = replace(event, location=location, overrides=overrides, rrule=rrule)
        events[event.uid] = PublishedSeries(event, private)
    return SeriesPlan(events, frozenset(covered))
