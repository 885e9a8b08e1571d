"""The Practice facade: one engine and clock; each method runs one use case in its own unit
of work. The use cases live by what they do (settings, clients, booking, cancelling,
attendance, deleting, time_off, notices, slots, queries) and take the unit of work, so
callers that need several in one transaction (the demo, an archive) compose them directly.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Concatenate, ParamSpec, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import Engine
from sqlalchemy.orm import Session as DbSession

from kara_tui.clock import Clock
from kara_tui.db.engine import reader, writer
from kara_tui.db.rows import SessionRow
from kara_tui.domain import ExternalEvent, Professional, Reason, Session, TimeOff
from kara_tui.policy import cancellation as policy
from kara_tui.policy.conflicts import Conflict
from kara_tui.policy.settings import MAX_SESSION_MINUTES as MAX_SESSION_MINUTES
from kara_tui.services import (
    attendance,
    attendance_due,
    booking,
    cancelling,
    clients,
    deleting,
    queries,
    settings,
    slots,
    time_off,
)
from kara_tui.services.cancelling import ChargeRequest as ChargeRequest
from kara_tui.services.clients import MAX_CREDIT as MAX_CREDIT
from kara_tui.services.deleting import PRIVATE_SNAPSHOT_KEYS as PRIVATE_SNAPSHOT_KEYS
from kara_tui.services.lookup import MAX_ID as MAX_ID
from kara_tui.services.uow import UnitOfWork

P = ParamSpec("P")
T = TypeVar("T")


def _reads(
    use_case: Callable[Concatenate[UnitOfWork, P], T],
) -> Callable[Concatenate[Practice, P], T]:
    """A method running ``use_case`` in a read-only unit of work."""

    def method(self: Practice, /, *args: P.args, **kwargs: P.kwargs) -> T:
        with self.unit_of_work(read_only=True) as uow:
            return use_case(uow, *args, **kwargs)

    return _named(method, use_case)


def _writes(
    use_case: Callable[Concatenate[UnitOfWork, P], T],
) -> Callable[Concatenate[Practice, P], T]:
    """A method running ``use_case`` in a unit of work committed when it returns."""

    def method(self: Practice, /, *args: P.args, **kwargs: P.kwargs) -> T:
        with self.unit_of_work() as uow:
            result = use_case(uow, *args, **kwargs)
            uow.commit()
            return result

    return _named(method, use_case)


def _writes_session(
    use_case: Callable[Concatenate[UnitOfWork, P], SessionRow],
) -> Callable[Concatenate[Practice, P], Session]:
    """``_writes`` for a use case that returns the session it changed, as a domain value."""

    def as_value(uow: UnitOfWork, /, *args: P.args, **kwargs: P.kwargs) -> Session:
        return use_case(uow, *args, **kwargs).to_domain()

    return _named(_writes(as_value), use_case)


def _named(
    method: Callable[Concatenate[Practice, P], T], use_case: Callable[..., object]
) -> Callable[Concatenate[Practice, P], T]:
    method.__name__ = method.__qualname__ = use_case.__name__
    method.__doc__ = use_case.__doc__
    return method


class Practice:
    """One practice's data behind one engine. Every public method is one unit of work."""

    def __init__(self, engine: Engine, clock: Clock) -> None:
        self.engine = engine
        self.clock = clock
        self._write = writer(engine)
        self._read = reader(engine)

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

    # -- settings -------------------------------------------------------------------------

    def ensure_professional(self) -> Professional:
        # Read first: every command calls this, and a reader must not wait for (or be refused
        # by) another kara-tui holding the write lock.
        pro = self._stored_professional()
        return pro if pro is not None else self._new_professional()

    _stored_professional = _reads(settings.stored_professional)
    _new_professional = _writes(settings.new_professional)

    def professional(self) -> Professional:
        return self.ensure_professional()

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.professional().timezone)

    set_settings = _writes(settings.set_settings)

    def set_setting(self, key: str, value: str) -> Professional:
        return self.set_settings({key: value})

    # -- clients and the read model -------------------------------------------------------

    add_client = _writes(clients.add_client)
    list_clients = _reads(queries.list_clients)
    find_client = _reads(queries.find_client)
    get_session = _reads(queries.get_session)
    list_sessions = _reads(queries.list_sessions)
    session_after = _reads(queries.session_after)
    session_before = _reads(queries.session_before)
    change_token = _reads(queries.change_token)
    search_sessions = _reads(queries.search_sessions)
    rescheduled_to = _reads(queries.rescheduled_to)
    history = _reads(queries.history)
    list_time_off = _reads(queries.list_time_off)
    calendar_feeds = _reads(queries.calendar_feeds)
    list_notifications = _reads(queries.list_notifications)
    is_empty = _reads(queries.is_empty)
    preview_range = _reads(queries.preview_range)

    def external_events(self, start: datetime, end: datetime) -> list[ExternalEvent]:
        """Stored feed occurrences overlapping [start, end), from enabled feeds."""
        tz = self.tz
        return self._read_events(start, end, tz)

    _read_events = _reads(queries.external_events)
    _visible_events = _reads(queries.visible_events)

    def visible_events(
        self, start: datetime, end: datetime, tz: ZoneInfo | None = None
    ) -> list[ExternalEvent]:
        """``external_events`` without the cancelled ones, for drawing a calendar page."""
        return self._visible_events(start, end, tz or self.tz)

    # -- conflicts ------------------------------------------------------------------------

    _conflicts = _reads(slots.conflicts)
    _busy_clashes = _reads(queries.sessions_overlapping_busy_events)

    def check_slot(
        self, start: datetime, end: datetime, *, ignore_session_id: int | None = None
    ) -> list[Conflict]:
        return self._conflicts(self.professional(), start, end, ignore_session_id)

    def sessions_overlapping_busy_events(self, start: datetime, end: datetime) -> set[int]:
        """Ids of live sessions in [start, end) that clash with a blocking external event."""
        return self._busy_clashes(start, end, self.tz)

    # -- sessions -------------------------------------------------------------------------

    book = _writes_session(booking.book)
    edit_session = _writes_session(booking.edit_session)
    reschedule = _writes_session(booking.reschedule)
    cancel = _writes_session(cancelling.cancel_row)
    no_show = _writes_session(cancelling.no_show)
    attend = _writes_session(attendance.attend)
    unmark = _writes_session(attendance.unmark)
    sessions_to_mark = _reads(attendance_due.sessions_to_mark)
    deletion = _reads(deleting.deletion)
    delete = _writes(deleting.delete)
    _preview_cancel = _reads(cancelling.preview_cancel)

    def preview_cancel(
        self, session_id: int, reason: Reason, *, notified_at: datetime | None = None
    ) -> policy.ChargeDecision:
        """The policy's decision for the dialog, without writing anything."""
        pro = self.professional()
        return self._preview_cancel(pro, session_id, reason, notified_at=notified_at)

    # -- emergencies and time off ---------------------------------------------------------

    cancel_range = _writes(cancelling.cancel_range)

    def add_time_off(self, start: datetime, end: datetime, reason: str = "") -> TimeOff:
        with self.unit_of_work() as uow:
            added = time_off.add_time_off(uow, start, end, reason).to_domain()
            uow.commit()
            return added

    remove_time_off = _writes(time_off.remove_time_off)

    # -- series (services/series.py: booking, top-up, changes and ending live there) ------

    def series_left(self, series_ids: list[int], now: datetime) -> dict[int, int]:
        """Scheduled sessions still to come of each series that ends, by series id."""
        from kara_tui.services.series_place import left_in

        with self.reading() as db:
            return left_in(db, series_ids, now)
