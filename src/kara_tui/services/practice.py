"""The Practice facade: one engine and clock, each method one unit of work over a use case.

The use cases live by what they do (settings, clients, booking, cancelling, attendance,
deleting, time_off, notices, queries); this class opens the transaction, calls one, commits.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from typing import Concatenate, ParamSpec, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import Engine
from sqlalchemy.orm import Session as DbSession

from kara_tui.clock import Clock
from kara_tui.db.engine import reader, writer
from kara_tui.domain import (
    AuditEvent,
    Client,
    ExternalEvent,
    Feed,
    Money,
    Notification,
    NotificationStatus,
    Professional,
    Programme,
    Reason,
    Session,
    SessionStatus,
    TimeOff,
)
from kara_tui.policy import cancellation as policy
from kara_tui.policy import records
from kara_tui.policy.conflicts import Conflict
from kara_tui.policy.settings import MAX_SESSION_MINUTES
from kara_tui.services import (
    attendance,
    booking,
    cancelling,
    clients,
    deleting,
    queries,
    settings,
    slots,
    time_off,
)
from kara_tui.services.cancelling import ChargeRequest
from kara_tui.services.clients import MAX_CREDIT
from kara_tui.services.deleting import PRIVATE_SNAPSHOT_KEYS
from kara_tui.services.lookup import MAX_ID
from kara_tui.services.uow import UnitOfWork

__all__ = [
    "MAX_CREDIT",
    "MAX_ID",
    "MAX_SESSION_MINUTES",
    "PRIVATE_SNAPSHOT_KEYS",
    "ChargeRequest",
    "Practice",
]

P = ParamSpec("P")
T = TypeVar("T")


class Practice:
    """One practice's data behind one engine. Every public method is one unit of work."""

    def __init__(self, engine: Engine, clock: Clock) -> None:
        self.engine = engine
        self.clock = clock
        self._write = writer(engine)
        self._read = reader(engine)

    # -- units of work --------------------------------------------------------------------

    def unit_of_work(self, *, read_only: bool = False) -> UnitOfWork:
        """A new unit of work on the practice's clock (``with uow: ...; uow.commit()``)."""
        return UnitOfWork(self._read if read_only else self._write, self.clock)

    @contextmanager
    def writing(self) -> Iterator[DbSession]:
        """A write transaction, committed when the block ends without an error."""
        with self.unit_of_work() as uow:
            yield uow.db
            uow.commit()

    @contextmanager
    def reading(self) -> Iterator[DbSession]:
        with self.unit_of_work(read_only=True) as uow:
            yield uow.db

    def _write_with(
        self, use_case: Callable[Concatenate[UnitOfWork, P], T], *args: P.args, **kw: P.kwargs
    ) -> T:
        with self.unit_of_work() as uow:
            result = use_case(uow, *args, **kw)
            uow.commit()
            return result

    def _read_with(
        self, use_case: Callable[Concatenate[UnitOfWork, P], T], *args: P.args, **kw: P.kwargs
    ) -> T:
        with self.unit_of_work(read_only=True) as uow:
            return use_case(uow, *args, **kw)

    # -- settings -------------------------------------------------------------------------

    def ensure_professional(self) -> Professional:
        # Read first: every command calls this, and a reader must not wait for (or be refused
        # by) another kara-tui holding the write lock.
        pro = self._read_with(settings.stored_professional)
        if pro is not None:
            return pro
        return self._write_with(lambda uow: settings.professional_row(uow).to_domain())

    def professional(self) -> Professional:
        pro = self._read_with(settings.stored_professional)
        return pro if pro is not None else self.ensure_professional()

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.professional().timezone)

    def set_setting(self, key: str, value: str) -> Professional:
        return self.set_settings({key: value})

    def set_settings(self, typed: Mapping[str, str]) -> Professional:
        """Check every typed value first, then store them all in one transaction, or none."""
        return self._write_with(settings.set_settings, typed)

    # -- clients --------------------------------------------------------------------------

    def add_client(
        self,
        name: str,
        *,
        email: str = "",
        phone: str = "",
        programme: Programme = Programme.PRIVATE,
        fee: Money | None = None,
        window_hours: int | None = None,
        sponsored_credit: int = 0,
        notes: str = "",
    ) -> Client:
        return self._write_with(
            clients.add_client,
            name,
            email=email,
            phone=phone,
            programme=programme,
            fee=fee,
            window_hours=window_hours,
            sponsored_credit=sponsored_credit,
            notes=notes,
        )

    def list_clients(self, *, include_archived: bool = False) -> list[Client]:
        return self._read_with(queries.list_clients, include_archived=include_archived)

    def find_client(self, name_or_id: str | int) -> Client:
        return self._read_with(queries.find_client, name_or_id)

    # -- reading sessions -----------------------------------------------------------------

    def get_session(self, session_id: int) -> Session:
        return self._read_with(queries.get_session, session_id)

    def list_sessions(
        self,
        *,
        start: datetime | None = None,
        end: datetime | None = None,
        client_id: int | None = None,
        status: SessionStatus | None = None,
    ) -> list[Session]:
        """Sessions overlapping [start, end), in start order."""
        return self._read_with(
            queries.list_sessions, start=start, end=end, client_id=client_id, status=status
        )

    def session_after(self, moment: datetime) -> tuple[int, datetime] | None:
        return self._read_with(queries.session_after, moment)

    def session_before(self, moment: datetime) -> tuple[int, datetime] | None:
        return self._read_with(queries.session_before, moment)

    def change_token(self) -> object:
        return self._read_with(queries.change_token)

    def search_sessions(self, text: str, *, limit: int = 50) -> list[Session]:
        return self._read_with(queries.search_sessions, text, limit=limit)

    def rescheduled_to(self, session_ids: list[int]) -> dict[int, datetime]:
        if not session_ids:
            return {}
        return self._read_with(queries.rescheduled_to, session_ids)

    def history(self, session_id: int) -> list[AuditEvent]:
        return self._read_with(queries.history, session_id)

    def list_time_off(
        self, *, start: datetime | None = None, end: datetime | None = None
    ) -> list[TimeOff]:
        return self._read_with(queries.list_time_off, start=start, end=end)

    def calendar_feeds(self) -> list[Feed]:
        return self._read_with(queries.calendar_feeds)

    def external_events(self, start: datetime, end: datetime) -> list[ExternalEvent]:
        tz = self.tz
        return self._read_with(queries.external_events, start, end, tz)

    def visible_events(
        self, start: datetime, end: datetime, tz: ZoneInfo | None = None
    ) -> list[ExternalEvent]:
        zone = tz or self.tz
        return self._read_with(queries.visible_events, start, end, zone)

    def list_notifications(self, *, status: NotificationStatus | None = None) -> list[Notification]:
        return self._read_with(queries.list_notifications, status=status)

    def is_empty(self) -> bool:
        return self._read_with(queries.is_empty)

    # -- conflicts ------------------------------------------------------------------------

    def check_slot(
        self, start: datetime, end: datetime, *, ignore_session_id: int | None = None
    ) -> list[Conflict]:
        pro = self.professional()
        return self._read_with(slots.conflicts, pro, start, end, ignore_session_id)

    def sessions_overlapping_busy_events(self, start: datetime, end: datetime) -> set[int]:
        tz = self.tz
        return self._read_with(queries.sessions_overlapping_busy_events, start, end, tz)

    # -- booking --------------------------------------------------------------------------

    def book(
        self,
        client: str | int,
        start: datetime,
        *,
        minutes: int | None = None,
        fee: Money | None = None,
        service: str = "",
        location: str = "",
        prepaid: bool = False,
        force: bool = False,
        notify: bool = False,
    ) -> Session:
        """Book a session; ``notify`` queues the client's invitation (the CLI and the booking
        form pass it; nothing is queued for a client without an email)."""
        with self.unit_of_work() as uow:
            row = booking.book(
                uow,
                client,
                start,
                minutes=minutes,
                fee=fee,
                service=service,
                location=location,
                prepaid=prepaid,
                force=force,
            )
            if notify:
                booking.confirm(uow, row)
            session = row.to_domain()
            uow.commit()
            return session

    def edit_session(
        self,
        session_id: int,
        *,
        start: datetime | None = None,
        minutes: int | None = None,
        service: str | None = None,
        location: str | None = None,
        fee: Money | None = None,
        prepaid: bool | None = None,
        force: bool = False,
    ) -> Session:
        """Change details of a scheduled session, never its time (see booking.edit_session)."""
        del force  # nothing an edit may change can clash
        return self._write_with(
            lambda uow: booking.edit_session(
                uow,
                session_id,
                start=start,
                minutes=minutes,
                service=service,
                location=location,
                fee=fee,
                prepaid=prepaid,
            ).to_domain()
        )

    def reschedule(
        self,
        session_id: int,
        start: datetime,
        *,
        by: Reason,
        minutes: int | None = None,
        force: bool = False,
        notify: bool = True,
        note: str = "",
        message: str = "",
    ) -> Session:
        """Cancel the session (by whoever asked) and book a linked one; two notices, in order."""
        return self._write_with(
            lambda uow: booking.reschedule(
                uow,
                session_id,
                start,
                by=by,
                minutes=minutes,
                force=force,
                notify=notify,
                note=note,
                message=message,
            ).to_domain()
        )

    # -- cancelling and attendance --------------------------------------------------------

    def preview_cancel(
        self, session_id: int, reason: Reason, *, notified_at: datetime | None = None
    ) -> policy.ChargeDecision:
        """The policy's decision for the dialog, without writing anything."""
        pro = self.professional()
        return self._read_with(
            cancelling.preview_cancel, pro, session_id, reason, notified_at=notified_at
        )

    def cancel(
        self,
        session_id: int,
        reason: Reason,
        *,
        note: str = "",
        notified_at: datetime | None = None,
        charge: ChargeRequest | None = None,
        notify: bool = True,
        message: str = "",
    ) -> Session:
        """Cancel with a reason; charge only what the policy allows; queue the client's notice
        (with ``message``, the professional's personal line) when the client has an email."""
        return self._write_with(
            lambda uow: cancelling.cancel_row(
                uow,
                session_id,
                reason,
                note=note,
                notified_at=notified_at,
                charge=charge,
                notify=notify,
                message=message,
            ).to_domain()
        )

    def no_show(
        self,
        session_id: int,
        *,
        charge: ChargeRequest | None = None,
        note: str = "",
        message: str = "",
    ) -> Session:
        """Record that the client did not come (see cancelling.no_show)."""
        return self._write_with(
            lambda uow: cancelling.no_show(
                uow, session_id, charge=charge, note=note, message=message
            ).to_domain()
        )

    def attend(self, session_id: int) -> Session:
        return self._write_with(lambda uow: attendance.attend(uow, session_id).to_domain())

    def unmark(self, session_id: int) -> Session:
        """Undo an attended or no-show mark (see attendance.unmark)."""
        return self._write_with(lambda uow: attendance.unmark(uow, session_id).to_domain())

    def deletion(self, session_id: int) -> records.Decision:
        """Whether ``session_id`` may be deleted as booked by mistake, and why (or why not)."""
        return self._read_with(deleting.deletion, session_id)

    def delete(self, session_id: int) -> None:
        """Remove a session booked by mistake (see deleting.delete)."""
        self._write_with(deleting.delete, session_id)

    # -- emergencies and time off ---------------------------------------------------------

    def preview_range(self, start: datetime, end: datetime) -> list[Session]:
        return self._read_with(queries.preview_range, start, end)

    def cancel_range(
        self,
        start: datetime,
        end: datetime,
        reason: Reason,
        *,
        note: str = "",
        notify: bool = True,
        block: bool = True,
    ) -> list[Session]:
        """Cancel every upcoming session in [start, end) at once and block the range."""
        return self._write_with(
            lambda uow: [
                r.to_domain()
                for r in cancelling.cancel_range(
                    uow, start, end, reason, note=note, notify=notify, block=block
                )
            ]
        )

    def add_time_off(self, start: datetime, end: datetime, reason: str = "") -> TimeOff:
        return self._write_with(
            lambda uow: time_off.add_time_off(uow, start, end, reason).to_domain()
        )

    def remove_time_off(self, time_off_id: int) -> None:
        self._write_with(time_off.remove_time_off, time_off_id)
