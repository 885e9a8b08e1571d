"""A series' notices to its client (RFC 5546): the whole series, or one occurrence of it.

The whole series (booked, split, ended, changed) goes as METHOD:REQUEST with its RRULE, the
EXDATEs of every original start that has no live session, and an override for each session
that differs from the rule; one occurrence cancelled or moved goes with its RECURRENCE-ID.
Every message raises the series' SEQUENCE, so the client's calendar takes the newest.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session as DbSession

from kara_tui.db import codec
from kara_tui.db.rows import NotificationRow, ProfessionalRow, SeriesRow, SessionRow
from kara_tui.domain import NotificationKind, NotificationStatus, Professional, SessionStatus
from kara_tui.domain.series import Repeat, SeriesRule
from kara_tui.policy import series as rules
from kara_tui.policy.terms import terms_line
from kara_tui.services import notice_text
from kara_tui.services.lookup import rows_of

if TYPE_CHECKING:
    from kara_tui.ical.series import People, SeriesEvent

_LIVE = (
    NotificationStatus.QUEUED.value,
    NotificationStatus.SENDING.value,
    NotificationStatus.SENT.value,
    NotificationStatus.FAILED.value,
)


def series_event(db: DbSession, series: SeriesRow, summary: str) -> SeriesEvent:
    """The series as it stands, for a notice or the export (ical/series.py's SeriesEvent)."""
    from kara_tui.ical.series import Override, SeriesEvent

    value = series.to_domain()
    length = timedelta(minutes=series.minutes)
    last = ended_last(series)
    starts = occurrences_on_record(series)
    skipped = set(series.exception_starts())
    live = {
        r.original_start: r
        for r in rows_of(db, series.id)
        if r.original_start is not None
        and r.original_start not in skipped
        and r.status != SessionStatus.CANCELLED.value
    }
    exdates = tuple(s for s in starts if s not in live)
    overrides = tuple(
        Override(s, r.start, r.end, r.location)
        for s, r in sorted(live.items())
        if s in starts
        and (r.start != s or r.end - r.start != length or r.location != series.location)
    )
    return codec.copied(  # uid, sequence, first start, length, zone and place: the row's
        SeriesEvent,
        series,
        rrule=rules.rrule_parts(series.first_start, series.zone, value.rule, last=last),
        exdates=exdates,
        overrides=overrides,
        summary=summary,
    )


def occurrences_on_record(series: SeriesRow) -> list[datetime]:
    """Every original start of the series up to its end, or up to the horizon it is booked
    to when it has none; exceptions included."""
    rule = rule_of(series)
    if series.ended_from is not None:
        bound: datetime | None = series.ended_from
    elif rule.open_ended:
        bound = series.horizon_reached or series.first_start + timedelta(seconds=1)
    else:
        bound = None
    return rules.occurrences(series.first_start, series.zone, rule, before=bound)


def rule_of(series: SeriesRow) -> SeriesRule:
    return SeriesRule(
        Repeat(series.repeat), series.interval, series.count, series.until, series.position
    )


def rule_columns(rule: SeriesRule) -> dict[str, Any]:
    """The series row's columns that hold ``rule`` (what ``rule_of`` reads back)."""
    return {
        "repeat": rule.repeat.value,
        "interval": rule.interval,
        "count": rule.count,
        "until": rule.until,
        "position": rule.position,
    }


def is_gone(series: SeriesRow) -> bool:
    """Ended before its first session: nothing of it is on a calendar."""
    return series.ended_from is not None and series.ended_from <= series.first_start


def ended_last(series: SeriesRow) -> datetime | None:
    """The last original start of an ended (or split) series: its UNTIL."""
    if series.ended_from is None:
        return None
    before = rules.occurrences(
        series.first_start, series.zone, rule_of(series), before=series.ended_from
    )
    return before[-1] if before else series.first_start


def _about(series: SeriesRow) -> ColumnElement[bool]:
    """Notices carrying the series' calendar part (its UID is unique, and never folded)."""
    return NotificationRow.ical.contains(f"UID:{series.uid}\r\n", autoescape=True)


def was_invited(db: DbSession, series_id: int) -> bool:
    """Whether the client has (or is about to have) this series in their calendar."""
    series = db.get(SeriesRow, series_id)
    if series is None:
        return False
    found = db.scalars(
        select(NotificationRow.id)
        .where(
            _about(series),
            NotificationRow.kind.in_(
                (NotificationKind.CONFIRMATION.value, NotificationKind.UPDATE.value)
            ),
            NotificationRow.status.in_(_LIVE),
        )
        .limit(1)
    ).first()
    return found is not None


def sent_about(db: DbSession, session_id: int) -> int:
    """How many notices of a session's series went (or may have gone) to the client: a
    session of an announced series is on the client's calendar."""
    row = db.get(SessionRow, session_id)
    if row is None or row.series_id is None:
        return 0
    series = db.get(SeriesRow, row.series_id)
    if series is None:
        return 0
    gone = (NotificationStatus.SENT.value, NotificationStatus.SENDING.value)
    return len(
        db.scalars(
            select(NotificationRow.id).where(
                _about(series),
                NotificationRow.status.in_(gone),
            )
        ).all()
    )


def refresh_queued(db: DbSession, series: SeriesRow) -> None:
    """A queued (not yet sent) invitation of the whole series is written again from the
    series as it now stands, so that it never announces a session deleted meanwhile."""
    from kara_tui.ical import series as ical

    pro_row = db.scalars(select(ProfessionalRow).limit(1)).first()
    if pro_row is None:
        return
    for notice in db.scalars(
        select(NotificationRow).where(
            _about(series),
            NotificationRow.status == NotificationStatus.QUEUED.value,
        )
    ):
        if "RRULE:" in notice.ical:
            event = series_event(db, series, notice_text.SUMMARY)
            people = _people(series, pro_row.to_domain())
            notice.ical = ical.request(event, people, notice.created_at)


def _people(series: SeriesRow, pro: Professional) -> People:
    from kara_tui.ical.series import People

    return People(pro.name, pro.email, series.client.name, series.client.email)


def _text(
    series: SeriesRow, pro: Professional, now: datetime, *, updated: bool, message: str
) -> notice_text.NoticeText:
    tz = ZoneInfo(pro.timezone)
    value = series.to_domain()
    first_local = series.first_start.astimezone(tz)
    how = value.rule.describe(first_local)
    last = ended_last(series)
    if last is not None:
        ends = f", the last on {notice_text.short_when(last, tz)}"
    elif value.rule.open_ended:
        ends = ", with no end date"
    else:
        ends = f", {value.rule.ends_text()}"
    where = f", at {series.location}" if series.location else ""
    terms = terms_line(series.client.to_domain(), pro, series.first_start, value.fee, tz, now)
    verb = "updated" if updated else "confirmed"
    what = "have been updated: they are" if updated else "are booked"
    letter = notice_text.Letter(series.client.name, pro.name, tz, message)
    return letter.notice(
        f"Appointments {verb}: {how} at {first_local:%H:%M}",
        f"Your appointments {what} {how} at {first_local:%H:%M} ({tz.key}), from "
        f"{notice_text.short_when(series.first_start, tz)}{ends}{where}.",
        terms,
    )


def queue_series(
    db: DbSession,
    series: SeriesRow,
    pro: Professional,
    now: datetime,
    *,
    updated: bool = False,
    message: str = "",
) -> bool:
    """Queue the whole series (METHOD:REQUEST); False when the client has no email or the
    series has no session to attach the notice to."""
    from kara_tui.ical import series as ical

    if not series.client.email:
        return False
    series.sequence += 1
    db.flush()
    event = series_event(db, series, notice_text.SUMMARY)
    gone = is_gone(series)
    text = _text(series, pro, now, updated=updated, message=message)
    if gone:
        text = notice_text.NoticeText(
            subject=f"Appointments cancelled: {text.subject.split(': ', 1)[1]}",
            body=text.body.replace("have been updated: they are", "have been cancelled: they were"),
        )
    db.add(
        NotificationRow(
            session_id=None,  # about the series (its UID), not one session
            kind=(
                NotificationKind.CANCELLATION
                if gone
                else NotificationKind.UPDATE
                if updated
                else NotificationKind.CONFIRMATION
            ).value,
            recipient=series.client.email,
            subject=text.subject,
            body=text.body,
            ical=(
                ical.cancel(event, _people(series, pro), now)
                if gone
                else ical.request(event, _people(series, pro), now)
            ),
            status=NotificationStatus.QUEUED.value,
            error="",
            attempts=0,
            created_at=now,
        )
    )
    return True


def occurrence_ical(
    db: DbSession, row: SessionRow, method: str, pro: Professional, now: datetime, *, moved: bool
) -> str | None:
    """The calendar part of a notice about one session of a series: CANCEL or REQUEST with
    its RECURRENCE-ID; None when there is nothing to say (the moved-from session of a move:
    the moved-to session's REQUEST names the same occurrence)."""
    from kara_tui.ical import series as ical

    if moved or row.series_id is None or row.original_start is None:
        return None
    series = db.get(SeriesRow, row.series_id)
    if series is None:
        return None
    series.sequence += 1
    event = series_event(db, series, notice_text.SUMMARY)
    return ical.occurrence(
        method,
        event,
        _people(series, pro),
        now,
        recurrence_id=row.original_start,
        start=row.start,
        end=row.end,
        location=row.location,
    )
