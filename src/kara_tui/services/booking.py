"""Booking a session, editing its details, and moving it (a reschedule)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Unpack

from sqlalchemy.orm import Session as DbSession

from kara_tui.db.rows import ClientRow, ProfessionalRow, SessionRow
from kara_tui.domain import (
    DomainError,
    Money,
    NotificationKind,
    Reason,
    SessionStatus,
)
from kara_tui.domain import text as lengths
from kara_tui.domain.text import check_text
from kara_tui.policy.sessions import check_fee, check_minutes
from kara_tui.policy.sponsored import holds_credit_at_booking
from kara_tui.services import invitations, reminders, series_links, series_notices
from kara_tui.services.booking_terms import SessionTerms, Terms, kept
from kara_tui.services.cancelling import cancel_row
from kara_tui.services.lookup import (
    client_row,
    scheduled_row,
    session_row,
    session_snapshot,
    utc,
)
from kara_tui.services.notices import queue_notice
from kara_tui.services.settings import professional_row
from kara_tui.services.slots import refuse_conflicts
from kara_tui.services.uow import UnitOfWork


def book(
    uow: UnitOfWork,
    client: str | int,
    start: datetime,
    *,
    force: bool = False,
    notify: bool = False,
    rescheduled_from: int | None = None,
    reason: str = "",
    series_id: int | None = None,
    original_start: datetime | None = None,
    **given: Unpack[Terms],
) -> SessionRow:
    """Book a session for ``client`` (a name or an id) on the ``given`` terms; unless
    ``force``, a clash refuses it. ``notify`` queues the client's invitation (the CLI and the
    booking form pass it; nothing is queued for a client without an email)."""
    start = utc(start, "start")
    pro_row = professional_row(uow)
    pro = pro_row.to_domain()
    client_r = bookable_client(uow.db, client)
    terms = SessionTerms.settle(pro, client_r, **given)
    end = start + timedelta(minutes=terms.minutes)
    if not force:
        refuse_conflicts(uow, pro, start, end)
    now = uow.clock.now()
    reserve = holds_credit_at_booking(client_r.to_domain())
    if reserve:
        client_r.sponsored_credit -= 1
    row = SessionRow(
        **terms.new_row(pro_row, client_r, now),
        start=start,
        end=end,
        status=SessionStatus.SCHEDULED.value,
        credit_reserved=reserve,
        rescheduled_from=rescheduled_from,
        series_id=series_id,  # an occurrence of a series (services/series.py)
        original_start=original_start,
    )
    uow.db.add(row)
    uow.db.flush()
    reminders.plan(uow.db, row, pro, now)
    action = "reschedule_to" if rescheduled_from else "book"
    uow.audit("session", row.id, action, after=session_snapshot(row), reason=reason, at=now)
    if notify:
        confirm(uow, row)
    return row


def bookable_client(db: DbSession, client: str | int) -> ClientRow:
    """The client a session or a series is booked for; an archived one is refused."""
    row = client_row(db, client)
    if row.archived:
        raise DomainError(f"{row.name} is archived; restore the client to book")
    return row


@dataclass(frozen=True, slots=True)
class PastBooking:
    """A session booked at ``booked_at``, for record_bookings."""

    client_id: int
    start: datetime
    minutes: int
    service: str
    location: str
    booked_at: datetime
    prepaid: bool
    uid: str


def record_bookings(
    uow: UnitOfWork, pro: ProfessionalRow, bookings: list[PastBooking]
) -> list[SessionRow]:
    """Record many bookings at once, as ``book`` would (held credit, audit at ``booked_at``),
    in one flush: no conflict check, no text checks and no reminders. For the demo's
    history, where hundreds of sessions booked one by one would take seconds."""
    db = uow.db
    rows = []
    with db.no_autoflush:
        for b in bookings:
            client = db.get(ClientRow, b.client_id)
            if client is None:
                raise DomainError(f"no client with id {b.client_id}")
            reserve = holds_credit_at_booking(client.to_domain())
            if reserve:
                client.sponsored_credit -= 1
            rows.append(
                SessionRow(
                    uid=b.uid,
                    professional_id=pro.id,
                    client_id=client.id,
                    client=client,
                    start=b.start,
                    end=b.start + timedelta(minutes=b.minutes),
                    service=b.service,
                    location=b.location,
                    fee_minor=client.fee_minor,
                    currency=client.currency,
                    status=SessionStatus.SCHEDULED.value,
                    prepaid=b.prepaid,
                    credit_reserved=reserve,
                    sequence=0,
                    rescheduled_from=None,
                    created_at=b.booked_at,
                    updated_at=b.booked_at,
                )
            )
        db.add_all(rows)
    db.flush()
    for row, b in zip(rows, bookings, strict=True):
        uow.audit("session", row.id, "book", after=session_snapshot(row), at=b.booked_at)
    return rows


def confirm(uow: UnitOfWork, row: SessionRow) -> None:
    """Queue the client's invitation to a booked session (nothing without an email)."""
    queue_notice(uow, row, NotificationKind.CONFIRMATION, professional_row(uow).to_domain())


def edit_session(
    uow: UnitOfWork,
    session_id: int,
    *,
    start: datetime | None = None,
    minutes: int | None = None,
    service: str | None = None,
    location: str | None = None,
    fee: Money | None = None,
    prepaid: bool | None = None,
    force: bool = False,
) -> SessionRow:
    """Change details of a scheduled session. Its time is not one of them: a time change is
    a reschedule (the client is told, the old time stays on record), so ``start`` and
    ``minutes`` are accepted only when they leave the time as it is (``force``, for a
    clash, has nothing to override: nothing an edit may change can clash)."""
    del force
    db = uow.db
    row = session_row(db, session_id)
    if row.status != SessionStatus.SCHEDULED.value:
        raise DomainError(f"only a scheduled session can be edited (this one is {row.status})")
    before = session_snapshot(row)
    length = int((row.end - row.start).total_seconds() // 60)
    moved = start is not None and utc(start, "start") != row.start
    if moved or (minutes is not None and minutes != length):
        raise DomainError(
            f"editing does not change a session's time: reschedule it instead (r in "
            f"the calendar, or kara-tui sessions reschedule {row.id}), so the client "
            "is told and the old time stays on record"
        )
    if service is not None:
        row.service = check_text(service, "the service", lengths.LABEL)
    place_before = row.location
    if location is not None:
        row.location = check_text(location, "the location", lengths.LABEL)
    if fee is not None:
        check_fee(fee)
        row.fee_minor, row.currency = fee.minor, fee.currency
    if prepaid is not None:
        row.prepaid = prepaid
    row.sequence += 1
    row.updated_at = uow.clock.now()
    uow.audit("session", row.id, "edit", before=before, after=session_snapshot(row))
    if row.location != place_before and (
        invitations.was_invited(db, row.id)
        or (row.series_id is not None and series_notices.was_invited(db, row.series_id))
    ):
        pro = professional_row(uow).to_domain()
        queue_notice(uow, row, NotificationKind.UPDATE, pro)
    return row


def reschedule(
    uow: UnitOfWork,
    session_id: int,
    start: datetime,
    *,
    by: Reason,
    minutes: int | None = None,
    force: bool = False,
    notify: bool = True,
    note: str = "",
    message: str = "",
) -> SessionRow:
    """Cancel the session (by whoever asked) and book a linked one; two notices, in order
    (``message``, the professional's personal line, goes into the first)."""
    if by not in (Reason.CLIENT, Reason.PROFESSIONAL):
        raise DomainError("a reschedule is asked for by the client or the professional")
    start = utc(start, "start")
    old = scheduled_row(uow.db, session_id)
    if old.start <= uow.clock.now():
        raise DomainError(
            "this session has already started, so it cannot be rescheduled "
            "(mark it as a no-show, or cancel it as 'other')"
        )
    length = minutes if minutes is not None else int((old.end - old.start).total_seconds() // 60)
    check_minutes(length)
    if not force:
        pro = professional_row(uow).to_domain()
        refuse_conflicts(uow, pro, start, start + timedelta(minutes=length), old.id)
    client_id = old.client_id
    series_id, original_start = old.series_id, old.original_start
    series_links.let_go(uow.db, old)  # the moved-to session becomes that occurrence
    old = cancel_row(
        uow,
        session_id,
        by,
        note=note or "rescheduled",
        notify=False,
        action="reschedule",
        carry_prepayment=True,
    )
    new = book(
        uow,
        client_id,
        start,
        force=True,
        rescheduled_from=old.id,
        reason=f"rescheduled from session {old.id}",
        series_id=series_id,
        original_start=original_start,
        **kept(old, length),
    )
    if notify:
        pro = professional_row(uow).to_domain()
        queue_notice(
            uow, old, NotificationKind.CANCELLATION, pro, moved_to=new.start, message=message
        )
        queue_notice(uow, new, NotificationKind.CONFIRMATION, pro)
    return new
