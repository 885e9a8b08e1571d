"""The session lifecycle: clients, booking, cancelling, charging, rescheduling, attendance."""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session as DbSession

from kara_tui.clock import Clock
from kara_tui.db.engine import StorageError, explain, reader, writer
from kara_tui.db.rows import (
    AuditRow,
    CancellationRow,
    ChargeRow,
    ClientRow,
    ExternalEventRow,
    FeedRow,
    NotificationRow,
    ProfessionalRow,
    SessionRow,
    TimeOffRow,
)
from kara_tui.domain import (
    AuditEvent,
    ChargeKind,
    ChargeStatus,
    Client,
    DomainError,
    ExternalEvent,
    Feed,
    Money,
    Notification,
    NotificationKind,
    NotificationStatus,
    PaymentMethod,
    Professional,
    Programme,
    Reason,
    Session,
    SessionStatus,
    TimeOff,
)
from kara_tui.domain import text as lengths
from kara_tui.domain.currencies import check_iso_currency
from kara_tui.domain.money import MoneyError
from kara_tui.domain.text import check_text
from kara_tui.policy import cancellation as policy
from kara_tui.policy import records
from kara_tui.policy.conflicts import Busy, Conflict, event_blocks, find_conflicts
from kara_tui.policy.settings import MAX_SESSION_MINUTES, check_setting
from kara_tui.policy.time_off import block_for
from kara_tui.services import audit, invitations, notice_text, reminders, session_charges
from kara_tui.services.clients import refuse_duplicate_name
from kara_tui.services.errors import ConflictError, NotFound
from kara_tui.timeparse import check_year

MAX_ID = 2**31 - 1  # ids are 32-bit integers on PostgreSQL: a larger one names nothing
MAX_CREDIT = 1000  # sponsored sessions of credit held for one client


@dataclass(frozen=True, slots=True)
class ChargeRequest:
    """What the user asked to charge; None fields take the policy's defaults."""

    amount: Money | None = None
    method: PaymentMethod | None = None


def _session_snapshot(row: SessionRow) -> dict[str, object]:
    return {
        "start": row.start.isoformat(),
        "end": row.end.isoformat(),
        "status": row.status,
        "service": row.service,
        "location": row.location,
        "fee": str(Money(row.fee_minor, row.currency)),
        "prepaid": row.prepaid,
        "sequence": row.sequence,
    }


# Snapshot keys that may hold client details, dropped from the audit when a session is deleted.
PRIVATE_SNAPSHOT_KEYS = frozenset({"location", "service"})


class Practice:
    """One practice's data behind one engine. Every public method is one unit of work."""

    def __init__(self, engine: Engine, clock: Clock) -> None:
        self.engine = engine
        self.clock = clock
        self._write = writer(engine)
        self._read = reader(engine)

    # -- plumbing -------------------------------------------------------------------------

    @contextmanager
    def writing(self) -> Iterator[DbSession]:
        """A write transaction; database failures become StorageError with a plain sentence."""
        try:
            with self._write.begin() as db:
                yield db
        except (SQLAlchemyError, sqlite3.Error) as exc:
            message = explain(exc)
            if message is None:
                raise
            raise StorageError(message) from exc

    @contextmanager
    def reading(self) -> Iterator[DbSession]:
        try:
            with self._read() as db:
                yield db
        except (SQLAlchemyError, sqlite3.Error) as exc:
            message = explain(exc)
            if message is None:
                raise
            raise StorageError(message) from exc

    def _professional_row(self, db: DbSession) -> ProfessionalRow:
        row = db.scalars(select(ProfessionalRow).order_by(ProfessionalRow.id).limit(1)).first()
        if row is None:
            # A new database takes the machine's zone and the locale's currency (shown on
            # the welcome screen, with the command that changes them).
            from kara_tui.machine import locale_currency, machine_timezone

            row = ProfessionalRow(
                name="My practice",
                email="",
                timezone=machine_timezone(),
                cancellation_window_hours=24,
                late_fee_percent=100,
                payment_methods="card,cash,bank_transfer,invoice",
                working_hours="mon-fri 09:00-18:00",
                buffer_minutes=10,
                default_currency=locale_currency(),
                default_minutes=50,
            )
            db.add(row)
            db.flush()
        return row

    def ensure_professional(self) -> Professional:
        # Read first: every command calls this, and a reader must not wait for (or be refused
        # by) another kara-tui holding the write lock.
        with self.reading() as db:
            row = db.scalars(select(ProfessionalRow).order_by(ProfessionalRow.id).limit(1)).first()
            if row is not None:
                return row.to_domain()
        with self.writing() as db:
            return self._professional_row(db).to_domain()

    def professional(self) -> Professional:
        with self.reading() as db:
            row = db.scalars(select(ProfessionalRow).order_by(ProfessionalRow.id).limit(1)).first()
        if row is None:
            return self.ensure_professional()
        return row.to_domain()

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.professional().timezone)

    # -- settings -------------------------------------------------------------------------

    def set_setting(self, key: str, value: str) -> Professional:
        return self.set_settings({key: value})

    def set_settings(self, typed: Mapping[str, str]) -> Professional:
        """Check every typed value first, then store them all in one transaction, or none."""
        parsed = {key: check_setting(key, value) for key, value in typed.items()}
        with self.writing() as db:
            row = self._professional_row(db)
            before = {key: getattr(row, key) for key in parsed}
            for key, value in parsed.items():
                setattr(row, key, value)
            audit.record(
                db,
                at=self.clock.now(),
                entity="professional",
                entity_id=row.id,
                action="settings",
                before=before,
                after=dict(parsed),
            )
            return row.to_domain()

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
        name = " ".join(check_text(name, "a client's name", lengths.NAME).split())
        if not name:
            raise DomainError("a client needs a name")
        email = check_text(email, "an email address", lengths.EMAIL)
        phone = check_text(phone, "a phone number", lengths.PHONE)
        notes = check_text(notes, "the notes", lengths.NOTE, multiline=True)
        if name.isdigit():
            raise DomainError("a client's name cannot be only digits (it would look like an id)")
        if email and ("@" not in email or " " in email.strip()):
            raise DomainError(f"'{email}' is not an email address")
        if window_hours is not None and not 0 <= window_hours <= 24 * 14:
            raise DomainError("a cancellation window must be between 0 and 336 hours")
        if fee is not None and fee.minor < 0:
            raise DomainError("a fee cannot be negative")
        if fee is not None:
            try:
                check_iso_currency(fee.currency)
            except MoneyError as exc:
                raise DomainError(str(exc)) from None
        if sponsored_credit < 0:
            raise DomainError("sponsored credit cannot be negative")
        if sponsored_credit > MAX_CREDIT:
            raise DomainError(f"sponsored credit is at most {MAX_CREDIT} sessions")
        with self.writing() as db:
            refuse_duplicate_name(db, name)
            pro = self._professional_row(db)
            fee = fee or Money(0, pro.default_currency)
            row = ClientRow(
                professional_id=pro.id,
                name=name,
                email=email.strip(),
                phone=phone.strip(),
                programme=programme.value,
                fee_minor=fee.minor,
                currency=fee.currency,
                window_hours=window_hours,
                sponsored_credit=sponsored_credit,
                archived=False,
                notes=notes,
                created_at=self.clock.now(),
            )
            db.add(row)
            db.flush()
            audit.record(db, at=self.clock.now(), entity="client", entity_id=row.id, action="add")
            return row.to_domain()

    def list_clients(self, *, include_archived: bool = False) -> list[Client]:
        with self.reading() as db:
            stmt = select(ClientRow).order_by(ClientRow.name)
            if not include_archived:
                stmt = stmt.where(ClientRow.archived.is_(False))
            return [r.to_domain() for r in db.scalars(stmt)]

    def find_client(self, name_or_id: str | int) -> Client:
        with self.reading() as db:
            return self._find_client_row(db, name_or_id).to_domain()

    def _find_client_row(self, db: DbSession, name_or_id: str | int) -> ClientRow:
        text = str(name_or_id).strip()  # not checked as new text: old names may break the rules
        if not text:
            raise DomainError("which client? Give a name or an id")
        if text.isdigit():
            row = db.get(ClientRow, int(text)) if int(text) <= MAX_ID else None
            if row is None:
                raise NotFound(f"no client with id {text}")
            return row
        exact = list(db.scalars(select(ClientRow).where(ClientRow.name == text)))
        if not exact:
            exact = list(
                db.scalars(
                    select(ClientRow).where(ClientRow.name.ilike(_like_literal(text), escape="\\"))
                )
            )
        if len(exact) > 1:  # an archived client may share an active one's name
            exact = [r for r in exact if not r.archived] or exact
        if len(exact) == 1:
            return exact[0]
        if len(exact) > 1:
            ids = ", ".join(str(r.id) for r in exact)
            raise DomainError(f"more than one client is called '{text}' (ids {ids}); use the id")
        partial = list(
            db.scalars(
                select(ClientRow)
                .where(ClientRow.name.ilike(f"%{_like_literal(text)}%", escape="\\"))
                .limit(6)
            )
        )
        if len(partial) == 1:
            return partial[0]
        if partial:
            names = ", ".join(f"{r.name} ({r.id})" for r in partial[:5])
            raise DomainError(f"'{text}' matches several clients: {names}")
        raise NotFound(f"no client called '{text}'")

    # -- reading sessions -----------------------------------------------------------------

    def get_session(self, session_id: int) -> Session:
        with self.reading() as db:
            return self._session_row(db, session_id).to_domain()

    def _session_row(self, db: DbSession, session_id: int) -> SessionRow:
        row = db.get(SessionRow, session_id) if 0 < session_id <= MAX_ID else None
        if row is None:
            raise NotFound(f"no session with id {session_id}")
        return row

    def list_sessions(
        self,
        *,
        start: datetime | None = None,
        end: datetime | None = None,
        client_id: int | None = None,
        status: SessionStatus | None = None,
    ) -> list[Session]:
        """Sessions overlapping [start, end), in start order."""
        with self.reading() as db:
            stmt = select(SessionRow).order_by(SessionRow.start, SessionRow.id)
            if start is not None:
                stmt = stmt.where(SessionRow.end > start)
            if end is not None:
                stmt = stmt.where(SessionRow.start < end)
            if client_id is not None:
                stmt = stmt.where(SessionRow.client_id == client_id)
            if status is not None:
                stmt = stmt.where(SessionRow.status == status.value)
            return [r.to_domain() for r in db.scalars(stmt)]

    def session_after(self, moment: datetime) -> tuple[int, datetime] | None:
        """(id, start) of the first session starting at or after ``moment``: where j goes
        from the end of a page, however many empty weeks lie between."""
        stmt = (
            select(SessionRow.id, SessionRow.start)
            .where(SessionRow.start >= moment)
            .order_by(SessionRow.start, SessionRow.id)
            .limit(1)
        )
        with self.reading() as db:
            row = db.execute(stmt).first()
        return (row[0], row[1]) if row is not None else None

    def session_before(self, moment: datetime) -> tuple[int, datetime] | None:
        """(id, start) of the last session starting before ``moment`` (k from a page's start)."""
        stmt = (
            select(SessionRow.id, SessionRow.start)
            .where(SessionRow.start < moment)
            .order_by(SessionRow.start.desc(), SessionRow.id.desc())
            .limit(1)
        )
        with self.reading() as db:
            row = db.execute(stmt).first()
        return (row[0], row[1]) if row is not None else None

    def change_token(self) -> object:
        """A value that changes when anything the calendar shows is written, by anyone: the
        newest audit record (every session, client, time-off and settings write leaves one)
        and the feeds' state (a sync touches ``last_attempt``). Two indexed reads, cheap
        enough for a timer; on SQLite the quick reads use ``PRAGMA data_version`` instead.
        """
        with self.reading() as db:
            audit = db.scalar(select(func.max(AuditRow.id)))
            feeds = db.execute(
                select(
                    func.count(FeedRow.id),
                    func.max(FeedRow.id),
                    func.max(FeedRow.last_attempt),
                    func.count(FeedRow.id).filter(FeedRow.enabled.is_(True)),
                    func.count(FeedRow.id).filter(FeedRow.block_all_day.is_(True)),
                )
            ).one()
        return (audit, *feeds)

    def search_sessions(self, text: str, *, limit: int = 50) -> list[Session]:
        """Sessions whose client's name contains ``text``, the next upcoming first."""
        needle = f"%{_like_literal(text.strip())}%"
        now = self.clock.now()
        with self.reading() as db:
            stmt = (
                select(SessionRow)
                .join(ClientRow)
                .where(ClientRow.name.ilike(needle, escape="\\"), ClientRow.archived.is_(False))
                .order_by(SessionRow.start)
            )
            rows = [r.to_domain() for r in db.scalars(stmt)]
        upcoming = [s for s in rows if s.end >= now]
        past = [s for s in reversed(rows) if s.end < now]
        return (upcoming + past)[:limit]

    def rescheduled_to(self, session_ids: list[int]) -> dict[int, datetime]:
        """For each of ``session_ids`` that a reschedule replaced: the new session's start."""
        if not session_ids:
            return {}
        with self.reading() as db:
            rows = db.execute(
                select(SessionRow.rescheduled_from, SessionRow.start).where(
                    SessionRow.rescheduled_from.in_(session_ids)
                )
            )
            return {old: start for old, start in rows if old is not None}

    def history(self, session_id: int) -> list[AuditEvent]:
        with self.reading() as db:
            stmt = (
                select(AuditRow)
                .where(AuditRow.entity == "session", AuditRow.entity_id == session_id)
                .order_by(AuditRow.id)
            )
            return [r.to_domain() for r in db.scalars(stmt)]

    def list_time_off(
        self, *, start: datetime | None = None, end: datetime | None = None
    ) -> list[TimeOff]:
        with self.reading() as db:
            stmt = select(TimeOffRow).order_by(TimeOffRow.start)
            if start is not None:
                stmt = stmt.where(TimeOffRow.end > start)
            if end is not None:
                stmt = stmt.where(TimeOffRow.start < end)
            return [r.to_domain() for r in db.scalars(stmt)]

    def calendar_feeds(self) -> list[Feed]:
        """Every feed as the calendar draws its events (colour, stale), without its address:
        no keyring lookup, so it is cheap enough for every page turn."""
        with self.reading() as db:
            return [
                r.to_domain(source="") for r in db.scalars(select(FeedRow).order_by(FeedRow.id))
            ]

    def external_events(self, start: datetime, end: datetime) -> list[ExternalEvent]:
        """Stored feed occurrences overlapping [start, end), from enabled feeds."""
        with self.reading() as db:
            stmt = (
                select(ExternalEventRow)
                .join(FeedRow)
                .where(
                    FeedRow.enabled.is_(True),
                    ExternalEventRow.end > start - timedelta(days=1),
                    ExternalEventRow.start < end + timedelta(days=1),
                )
                .order_by(ExternalEventRow.start)
            )
            events = [r.to_domain() for r in db.scalars(stmt)]
        tz = self.tz
        return [e for e in events if _instant(e.start, tz) < end and start < _instant(e.end, tz)]

    def visible_events(
        self, start: datetime, end: datetime, tz: ZoneInfo | None = None
    ) -> list[ExternalEvent]:
        """``external_events`` without the cancelled ones, for drawing a calendar page.

        One Core query selecting columns (no ORM objects, no joined feed rows): a busy week
        holds hundreds of occurrences, and the calendar reads one on every page turn.
        """
        e, f = ExternalEventRow.__table__.c, FeedRow.__table__.c
        stmt = (
            select(
                e.id,
                e.feed_id,
                f.name,
                e.uid,
                e.recurrence_id,
                e.start,
                e.end,
                e.all_day,
                e.summary,
                e.location,
                e.busy,
            )
            .select_from(ExternalEventRow.__table__.join(FeedRow.__table__, e.feed_id == f.id))
            .where(
                f.enabled.is_(True),
                e.cancelled.is_(False),
                e.end > start - timedelta(days=1),
                e.start < end + timedelta(days=1),
            )
            .order_by(e.start)
        )
        with self.reading() as db:
            rows = db.connection().execute(stmt).all()
        tz = tz or self.tz
        found = []
        for id_, feed_id, name, uid, rid, first, last, all_day, summary, location, busy in rows:
            a: datetime | date = first.date() if all_day else first
            b: datetime | date = last.date() if all_day else last
            if _instant(a, tz) < end and start < _instant(b, tz):
                found.append(
                    ExternalEvent(
                        id=id_,
                        feed_id=feed_id,
                        feed_name=name,
                        uid=uid,
                        recurrence_id=rid,
                        start=a,
                        end=b,
                        all_day=all_day,
                        summary=summary,
                        location=location,
                        busy=busy,
                        cancelled=False,
                    )
                )
        return found

    # -- conflicts ------------------------------------------------------------------------

    def check_slot(
        self, start: datetime, end: datetime, *, ignore_session_id: int | None = None
    ) -> list[Conflict]:
        pro = self.professional()
        with self.reading() as db:
            return self._conflicts(db, pro, start, end, ignore_session_id)

    def _conflicts(
        self,
        db: DbSession,
        pro: Professional,
        start: datetime,
        end: datetime,
        ignore_session_id: int | None,
    ) -> list[Conflict]:
        start, end = _utc(start, "start"), _utc(end, "end")
        pad = timedelta(minutes=pro.buffer_minutes)
        rows = db.scalars(
            select(SessionRow).where(
                SessionRow.status != SessionStatus.CANCELLED.value,
                SessionRow.start < end + pad,
                SessionRow.end > start - pad,
            )
        )
        sessions = [
            Busy(r.start, r.end, f"{r.client.name}'s session", r.id)
            for r in rows
            if r.id != ignore_session_id
        ]
        ext_rows = db.execute(
            select(ExternalEventRow, FeedRow.block_all_day)
            .join(FeedRow)
            .where(
                FeedRow.enabled.is_(True),
                ExternalEventRow.cancelled.is_(False),
                ExternalEventRow.start < end + timedelta(days=1),
                ExternalEventRow.end > start - timedelta(days=1),
            )
        )
        tz = ZoneInfo(pro.timezone)
        external = [
            Busy(*_event_span(r, tz), r.summary or "busy", r.id)
            for r, block_all_day in ext_rows
            if event_blocks(
                r.start, r.end, all_day=r.all_day, busy=r.busy, block_all_day=block_all_day
            )
        ]
        offs = db.scalars(select(TimeOffRow).where(TimeOffRow.start < end, TimeOffRow.end > start))
        time_off = [Busy(r.start, r.end, r.reason, r.id) for r in offs]
        return find_conflicts(
            start,
            end,
            tz=ZoneInfo(pro.timezone),
            working_hours=pro.working_hours,
            buffer_minutes=pro.buffer_minutes,
            sessions=sessions,
            external=external,
            time_off=time_off,
        )

    def sessions_overlapping_busy_events(self, start: datetime, end: datetime) -> set[int]:
        """Ids of live sessions in [start, end) that clash with an external event that blocks
        time (policy.conflicts.event_blocks)."""
        tz = self.tz
        blocking = {f.id: f.block_all_day for f in self.calendar_feeds()}
        events = [
            e
            for e in self.external_events(start, end)
            if not e.cancelled
            and event_blocks(
                e.start,
                e.end,
                all_day=e.all_day,
                busy=e.busy,
                block_all_day=blocking.get(e.feed_id, False),
            )
        ]
        if not events:
            return set()
        spans = [(_instant(e.start, tz), _instant(e.end, tz)) for e in events]
        clashing: set[int] = set()
        for s in self.list_sessions(start=start, end=end):
            if s.status is SessionStatus.CANCELLED:
                continue
            if any(a < s.end and s.start < b for a, b in spans):
                clashing.add(s.id)
        return clashing

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
        with self.writing() as db:
            row = self._book(
                db,
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
                pro = self._professional_row(db).to_domain()
                self._queue_notice(db, row, NotificationKind.CONFIRMATION, pro)
            return row.to_domain()

    def _book(
        self,
        db: DbSession,
        client: str | int,
        start: datetime,
        *,
        minutes: int | None,
        fee: Money | None,
        service: str,
        location: str,
        prepaid: bool,
        force: bool,
        rescheduled_from: int | None = None,
        reason: str = "",
    ) -> SessionRow:
        start = _utc(start, "start")
        service = check_text(service, "the service", lengths.LABEL)
        location = check_text(location, "the location", lengths.LABEL)
        pro_row = self._professional_row(db)
        pro = pro_row.to_domain()
        client_row = self._find_client_row(db, client)
        if client_row.archived:
            raise DomainError(f"{client_row.name} is archived; restore the client to book")
        minutes = minutes if minutes is not None else pro.default_minutes
        if minutes <= 0:
            raise DomainError(
                "a session must last at least one minute (the end is before the start)"
            )
        if minutes > MAX_SESSION_MINUTES:
            raise DomainError(f"a session cannot last more than {MAX_SESSION_MINUTES // 60} hours")
        end = start + timedelta(minutes=minutes)
        fee = fee if fee is not None else Money(client_row.fee_minor, client_row.currency)
        if fee.minor < 0:
            raise DomainError("a fee cannot be negative")
        if not force:
            conflicts = self._conflicts(db, pro, start, end, None)
            if conflicts:
                raise ConflictError(conflicts)
        now = self.clock.now()
        reserve = (
            client_row.programme == Programme.SPONSORED.value and client_row.sponsored_credit > 0
        )
        if reserve:
            client_row.sponsored_credit -= 1
        row = SessionRow(
            uid=f"{uuid.uuid4()}@kara-tui",
            professional_id=pro_row.id,
            client_id=client_row.id,
            client=client_row,
            start=start,
            end=end,
            service=service.strip(),
            location=location.strip(),
            fee_minor=fee.minor,
            currency=fee.currency,
            status=SessionStatus.SCHEDULED.value,
            prepaid=prepaid,
            credit_reserved=reserve,
            sequence=0,
            rescheduled_from=rescheduled_from,
            created_at=now,
            updated_at=now,
        )
        db.add(row)
        db.flush()
        reminders.plan(db, row, pro, now)
        audit.record(
            db,
            at=now,
            entity="session",
            entity_id=row.id,
            action="reschedule_to" if rescheduled_from else "book",
            after=_session_snapshot(row),
            reason=reason,
        )
        return row

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
        """Change details of a scheduled session. Its time is not one of them: a time change is
        a reschedule (the client is told, the old time stays on record), so ``start`` and
        ``minutes`` are accepted only when they leave the time as it is."""
        with self.writing() as db:
            row = self._session_row(db, session_id)
            if row.status != SessionStatus.SCHEDULED.value:
                raise DomainError(
                    f"only a scheduled session can be edited (this one is {row.status})"
                )
            before = _session_snapshot(row)
            length = int((row.end - row.start).total_seconds() // 60)
            moved = start is not None and _utc(start, "start") != row.start
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
                if fee.minor < 0:
                    raise DomainError("a fee cannot be negative")
                row.fee_minor, row.currency = fee.minor, fee.currency
            if prepaid is not None:
                row.prepaid = prepaid
            row.sequence += 1
            row.updated_at = self.clock.now()
            audit.record(
                db,
                at=self.clock.now(),
                entity="session",
                entity_id=row.id,
                action="edit",
                before=before,
                after=_session_snapshot(row),
            )
            if row.location != place_before and invitations.was_invited(db, row.id):
                pro = self._professional_row(db).to_domain()
                self._queue_notice(db, row, NotificationKind.UPDATE, pro)
            return row.to_domain()

    # -- cancelling -----------------------------------------------------------------------

    def preview_cancel(
        self, session_id: int, reason: Reason, *, notified_at: datetime | None = None
    ) -> policy.ChargeDecision:
        """The policy's decision for the dialog, without writing anything."""
        pro = self.professional()
        with self.reading() as db:
            row = self._session_row(db, session_id)
            return policy.decide(
                session=row.to_domain(),
                client=row.client.to_domain(),
                professional=pro,
                reason=reason,
                notified_at=notified_at or self.clock.now(),
                now=self.clock.now(),
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
        with self.writing() as db:
            row = self._cancel(
                db,
                session_id,
                reason,
                note=note,
                notified_at=notified_at,
                charge=charge,
                notify=notify,
                message=message,
            )
            return row.to_domain()

    def _cancel(
        self,
        db: DbSession,
        session_id: int,
        reason: Reason,
        *,
        note: str,
        notified_at: datetime | None,
        charge: ChargeRequest | None,
        notify: bool,
        action: str = "cancel",
        carry_prepayment: bool = False,
        message: str = "",
    ) -> SessionRow:
        row = self._session_row(db, session_id)
        if row.status != SessionStatus.SCHEDULED.value:
            raise DomainError(f"session {row.id} is {row.status.replace('_', '-')}, not scheduled")
        note = check_text(note, "the note", lengths.NOTE, multiline=True)
        if reason is Reason.OTHER and not note.strip():
            raise DomainError("the reason 'other' needs a note saying what happened")
        now = self.clock.now()
        moved = action == "reschedule"
        reminders.obsolete(db, row.id, now, f"the session was {'moved' if moved else 'cancelled'}")
        notified_at = _utc(notified_at or now, "notice time")
        if notified_at > now + timedelta(minutes=1):
            raise DomainError("notice cannot have been given in the future")
        pro = self._professional_row(db).to_domain()
        client = row.client
        decision = policy.decide(
            session=row.to_domain(),
            client=client.to_domain(),
            professional=pro,
            reason=reason,
            notified_at=notified_at,
            now=now,
        )
        if not decision.reason_allowed:
            raise DomainError(decision.reason_why)
        before = _session_snapshot(row)
        fee = Money(row.fee_minor, row.currency)
        charged = False
        if charge is not None:
            method = charge.method or (decision.methods[0] if decision.methods else None)
            if method is None:
                raise DomainError(decision.charge_why)
            amount = charge.amount or decision.amount_for(method)
            spends_credit = method is PaymentMethod.SPONSORED_CREDIT
            sponsored = client.programme == Programme.SPONSORED.value
            if (
                spends_credit
                and sponsored
                and not row.credit_reserved
                and client.sponsored_credit <= 0
            ):
                raise DomainError(f"{client.name} has no sponsored credit left")
            decision.check_charge(amount, method, fee)
            if spends_credit:
                if not row.credit_reserved:
                    client.sponsored_credit -= 1
                row.credit_reserved = False  # held or not, the credit is now spent
            kind = decision.charge_kind
            row.charges.append(
                ChargeRow(
                    client_id=client.id,
                    amount_minor=amount.minor,
                    currency=amount.currency,
                    method=method.value,
                    kind=kind.value,
                    status=(
                        ChargeStatus.PAID
                        if method is PaymentMethod.SPONSORED_CREDIT
                        else ChargeStatus.PENDING
                    ).value,
                    created_at=now,
                )
            )
            charged = True
            if method is not PaymentMethod.SPONSORED_CREDIT and row.credit_reserved:
                client.sponsored_credit += 1
                row.credit_reserved = False
        elif row.credit_reserved:
            client.sponsored_credit += 1
            row.credit_reserved = False
        if row.prepaid and not carry_prepayment:
            # The prepayment covers any charge; what is not charged goes back to the client.
            kept = sum(c.amount_minor for c in row.charges if c.kind != ChargeKind.REFUND.value)
            for c in row.charges:
                if c.status == ChargeStatus.PENDING.value and c.amount_minor > 0:
                    c.status = ChargeStatus.PAID.value
            if row.fee_minor - kept > 0:
                row.charges.append(
                    ChargeRow(
                        client_id=client.id,
                        amount_minor=-(row.fee_minor - kept),
                        currency=row.currency,
                        method=None,
                        kind=ChargeKind.REFUND.value,
                        status=ChargeStatus.PENDING.value,
                        created_at=now,
                    )
                )
        status = (
            SessionStatus.NO_SHOW
            if reason is Reason.NO_SHOW and row.start <= now
            else SessionStatus.CANCELLED
        )
        row.status = status.value
        row.sequence += 1
        row.updated_at = now
        row.cancellation = CancellationRow(
            reason=reason.value,
            note=note.strip(),
            notified_at=notified_at,
            notice_hours=round(decision.notice_hours, 4),
            late=decision.late,
            charged=charged,
            cancelled_at=now,
        )
        db.flush()
        audit.record(
            db,
            at=now,
            entity="session",
            entity_id=row.id,
            action=action if status is SessionStatus.CANCELLED else "no_show",
            before=before,
            after={**_session_snapshot(row), "reason": reason.value, "charged": charged},
            reason=reason.label,
        )
        if notify and (status is SessionStatus.CANCELLED or message.strip()):
            # A no-show sends nothing, unless the professional wrote the client a line.
            self._queue_notice(
                db,
                row,
                NotificationKind.CANCELLATION,
                pro,
                message=message,
                missed=status is SessionStatus.NO_SHOW,
            )
        return row

    def _queue_notice(
        self,
        db: DbSession,
        row: SessionRow,
        kind: NotificationKind,
        pro: Professional,
        *,
        moved_to: datetime | None = None,
        message: str = "",
        missed: bool = False,
    ) -> bool:
        """Queue the client's notice; False (nothing queued) when the client has no email."""
        if not row.client.email:
            return False
        tz = ZoneInfo(pro.timezone)
        people = {"client_name": row.client.name, "professional_name": pro.name}
        if kind is NotificationKind.CANCELLATION and moved_to is not None:
            text = notice_text.moved(**people, start=row.start, to=moved_to, tz=tz, message=message)
            method = "CANCEL"
        elif kind is NotificationKind.CANCELLATION:
            charged = [
                notice_text.Charged(
                    Money(abs(c.amount_minor), c.currency),
                    PaymentMethod(c.method) if c.method else None,
                )
                for c in row.charges
                if c.status != ChargeStatus.VOID.value
            ]
            kinds = [c.kind for c in row.charges if c.status != ChargeStatus.VOID.value]
            money = notice_text.money_line(
                [c for c, k in zip(charged, kinds, strict=True) if k != ChargeKind.REFUND.value],
                [c for c, k in zip(charged, kinds, strict=True) if k == ChargeKind.REFUND.value],
            )
            text = notice_text.cancellation(
                **people, start=row.start, tz=tz, money=money, message=message, missed=missed
            )
            method = "CANCEL"
        else:
            text = invitations.text(
                row, pro, self.clock.now(), updated=kind is NotificationKind.UPDATE, message=message
            )
            method = "REQUEST"
        from kara_tui.ical import itip  # icalendar is heavy: load it when a notice is made

        ical = itip.build(
            method=method,
            uid=row.uid,
            sequence=row.sequence,
            start=row.start,
            end=row.end,
            summary=notice_text.SUMMARY,
            location=row.location,
            organizer_name=pro.name,
            organizer_email=pro.email,
            attendee_name=row.client.name,
            attendee_email=row.client.email,
            stamp=self.clock.now(),
            tz=tz if method == "REQUEST" else None,
        )
        db.add(
            NotificationRow(
                session_id=row.id,
                kind=kind.value,
                recipient=row.client.email,
                subject=text.subject,
                body=text.body,
                ical=ical,
                status=NotificationStatus.QUEUED.value,
                error="",
                attempts=0,
                created_at=self.clock.now(),
            )
        )
        return True

    def no_show(
        self,
        session_id: int,
        *,
        charge: ChargeRequest | None = None,
        note: str = "",
        message: str = "",
    ) -> Session:
        """Record that the client did not come; the same charge decision as a cancellation.
        No notice is sent, unless ``message`` (a line to the client) is given."""
        with self.writing() as db:
            row = self._session_row(db, session_id)
            if row.start > self.clock.now():
                raise DomainError("a session can be marked no-show only after it has started")
            row = self._cancel(
                db,
                session_id,
                Reason.NO_SHOW,
                note=note,
                notified_at=row.start,
                charge=charge,
                notify=bool(message.strip()),
                message=message,
            )
            return row.to_domain()

    def attend(self, session_id: int) -> Session:
        with self.writing() as db:
            row = self._session_row(db, session_id)
            if row.status != SessionStatus.SCHEDULED.value:
                raise DomainError(
                    f"session {row.id} is {row.status.replace('_', '-')}, not scheduled"
                )
            if row.start > self.clock.now():
                raise DomainError("a session can be marked attended only after it has started")
            before = _session_snapshot(row)
            row.status = SessionStatus.ATTENDED.value
            row.updated_at = self.clock.now()
            spent = row.credit_reserved
            if row.credit_reserved:
                row.credit_reserved = False  # the held credit is now spent
            after = _session_snapshot(row)
            if spent:
                after["credit_spent"] = True  # so that undoing the mark holds it again
            pro = self._professional_row(db).to_domain()
            charged = session_charges.charge_attended(
                row, pro, self.clock.now(), credit_spent=spent
            )
            if charged is not None:
                after["charge"] = session_charges.describe(charged)
            audit.record(
                db,
                at=self.clock.now(),
                entity="session",
                entity_id=row.id,
                action="attend",
                before=before,
                after=after,
            )
            return row.to_domain()

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
        """Cancel the session (by whoever asked) and book a linked one; two notices, in order
        (``message``, the professional's personal line, goes into the first)."""
        if by not in (Reason.CLIENT, Reason.PROFESSIONAL):
            raise DomainError("a reschedule is asked for by the client or the professional")
        start = _utc(start, "start")
        with self.writing() as db:
            old = self._session_row(db, session_id)
            if old.status != SessionStatus.SCHEDULED.value:
                raise DomainError(
                    f"session {old.id} is {old.status.replace('_', '-')}, not scheduled"
                )
            if old.start <= self.clock.now():
                raise DomainError(
                    "this session has already started, so it cannot be rescheduled "
                    "(mark it as a no-show, or cancel it as 'other')"
                )
            length = (
                minutes if minutes is not None else int((old.end - old.start).total_seconds() // 60)
            )
            if not force:
                pro = self._professional_row(db).to_domain()
                conflicts = self._conflicts(
                    db, pro, start, start + timedelta(minutes=max(length, 1)), old.id
                )
                if conflicts:
                    raise ConflictError(conflicts)
            client_id = old.client_id
            old = self._cancel(
                db,
                session_id,
                by,
                note=note or "rescheduled",
                notified_at=None,
                charge=None,
                notify=False,
                action="reschedule",
                carry_prepayment=True,
            )
            new = self._book(
                db,
                client_id,
                start,
                minutes=length,
                fee=Money(old.fee_minor, old.currency),
                service=old.service,
                location=old.location,
                prepaid=old.prepaid,
                force=True,
                rescheduled_from=old.id,
                reason=f"rescheduled from session {old.id}",
            )
            if notify:
                pro = self._professional_row(db).to_domain()
                self._queue_notice(
                    db,
                    old,
                    NotificationKind.CANCELLATION,
                    pro,
                    moved_to=new.start,
                    message=message,
                )
                self._queue_notice(db, new, NotificationKind.CONFIRMATION, pro)
            return new.to_domain()

    def deletion(self, session_id: int) -> records.Decision:
        """Whether ``session_id`` may be deleted as booked by mistake, and why (or why not)."""
        with self.reading() as db:
            row = self._session_row(db, session_id)
            return records.may_delete(row.to_domain(), self._notices_sent(db, row.id))

    def _notices_sent(self, db: DbSession, session_id: int) -> int:
        """Notices about the session that went (or may have gone) to the client."""
        gone = (NotificationStatus.SENT.value, NotificationStatus.SENDING.value)
        return len(
            db.scalars(
                select(NotificationRow.id).where(
                    NotificationRow.session_id == session_id, NotificationRow.status.in_(gone)
                )
            ).all()
        )

    def delete(self, session_id: int) -> None:
        """Remove a session booked by mistake; the tombstone keeps no client details.

        Only what ``records.may_delete`` allows: anything attended, charged, cancelled or
        announced stays on record (the reports and the client's history count it).
        """
        with self.writing() as db:
            row = self._session_row(db, session_id)
            decision = records.may_delete(row.to_domain(), self._notices_sent(db, row.id))
            if not decision.allowed:
                raise DomainError(decision.why)
            if row.credit_reserved:
                row.client.sponsored_credit += 1
            tombstone = {"uid": row.uid, "start": row.start.isoformat(), "status": row.status}
            reminders.obsolete(db, row.id, self.clock.now(), "the session was deleted")
            # A notice not sent yet would announce a session that never was.
            withdrawn = db.scalars(
                select(NotificationRow).where(NotificationRow.session_id == row.id)
            ).all()
            for notice in withdrawn:
                db.delete(notice)
            if withdrawn:
                tombstone["unsent_notices_withdrawn"] = str(len(withdrawn))
            db.execute(
                SessionRow.__table__.update()  # type: ignore[attr-defined]  # __table__ is a Table
                .where(SessionRow.rescheduled_from == row.id)
                .values(rescheduled_from=None)
            )
            db.delete(row)
            # The session's earlier audit entries keep what happened and when, but lose the
            # free text (a location can be a client's home address).
            earlier = db.scalars(
                select(AuditRow).where(AuditRow.entity == "session", AuditRow.entity_id == row.id)
            )
            for event in earlier:
                event.before = audit.redact(event.before, PRIVATE_SNAPSHOT_KEYS)
                event.after = audit.redact(event.after, PRIVATE_SNAPSHOT_KEYS)
            audit.record(
                db,
                at=self.clock.now(),
                entity="session",
                entity_id=session_id,
                action="delete",
                before=tombstone,
                reason="booked by mistake",
            )

    def unmark(self, session_id: int) -> Session:
        """Undo an attended or no-show mark: back to scheduled, a no-show's charges voided and
        a spent sponsored credit held for the session again, all in the audit."""
        with self.writing() as db:
            row = self._session_row(db, session_id)
            decision = records.may_undo_attendance(row.to_domain())
            if not decision.allowed:
                raise DomainError(decision.why)
            now = self.clock.now()
            before = _session_snapshot(row)
            was = row.status
            client = row.client
            voided = []
            for charge in row.charges:
                if charge.status == ChargeStatus.VOID.value:
                    continue
                # A session charge's credit is the one attendance spent: held again below.
                session_charge = charge.kind == ChargeKind.SESSION.value
                if charge.method == PaymentMethod.SPONSORED_CREDIT.value and not session_charge:
                    client.sponsored_credit += 1  # the spent credit comes back
                if session_charge:
                    charge.void_reason = "attendance undone"
                voided.append(f"{Money(charge.amount_minor, charge.currency)} ({charge.kind})")
                charge.status = ChargeStatus.VOID.value
            if was == SessionStatus.ATTENDED.value:
                spent = self._attend_spent_credit(db, row.id)
            else:
                spent = False
            if spent:
                row.credit_reserved = True  # the credit attendance spent is held again
            elif (
                not row.credit_reserved
                and client.programme == Programme.SPONSORED.value
                and client.sponsored_credit > 0
            ):
                client.sponsored_credit -= 1  # held again, as when the session was booked
                row.credit_reserved = True
            row.status = SessionStatus.SCHEDULED.value
            row.cancellation = None
            row.updated_at = now
            audit.record(
                db,
                at=now,
                entity="session",
                entity_id=row.id,
                action="unmark",
                before={**before, "charges": voided} if voided else before,
                after=_session_snapshot(row),
                reason=f"undo {was.replace('_', '-')}",
            )
            return row.to_domain()

    def _attend_spent_credit(self, db: DbSession, session_id: int) -> bool:
        last = db.scalars(
            select(AuditRow)
            .where(
                AuditRow.entity == "session",
                AuditRow.entity_id == session_id,
                AuditRow.action == "attend",
            )
            .order_by(AuditRow.id.desc())
            .limit(1)
        ).first()
        event = last.to_domain() if last is not None else None
        return bool(event and event.after and event.after.get("credit_spent"))

    # -- emergencies and time off ---------------------------------------------------------

    def preview_range(self, start: datetime, end: datetime) -> list[Session]:
        return [
            s
            for s in self.list_sessions(start=start, end=end, status=SessionStatus.SCHEDULED)
            if s.start >= self.clock.now()
        ]

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
        if end <= start:
            raise DomainError("the end of the range is before its start")
        if reason not in (Reason.PROFESSIONAL, Reason.OTHER):
            raise DomainError("an emergency cancellation is by the professional or 'other'")
        note = check_text(note, "the note", lengths.NOTE, multiline=True)
        now = self.clock.now()
        with self.writing() as db:
            ids = list(
                db.scalars(
                    select(SessionRow.id)
                    .where(
                        SessionRow.status == SessionStatus.SCHEDULED.value,
                        SessionRow.start < end,
                        SessionRow.end > start,
                        SessionRow.start >= now,
                    )
                    .order_by(SessionRow.start)
                )
            )
            rows = [
                self._cancel(db, i, reason, note=note, notified_at=None, charge=None, notify=notify)
                for i in ids
            ]
            if block:
                label = " ".join(note.split())[: lengths.REASON] or reason.label
                self._block_range(db, start, end, label)
            return [r.to_domain() for r in rows]

    def _block_range(self, db: DbSession, start: datetime, end: datetime, reason: str) -> None:
        """Block [start, end) once: running cancel-range again over the same days reuses the
        block (or widens it), never adds a second one."""
        start, end = _utc(start, "start"), _utc(end, "end")
        existing = db.scalars(
            select(TimeOffRow).where(TimeOffRow.start <= end, TimeOffRow.end >= start)
        )
        rows = {r.id: r for r in existing}
        where = block_for((r.to_domain() for r in rows.values()), start, end)
        if where.reuse is None:
            self._add_time_off(db, start, end, reason)
            return
        row = rows[where.reuse]
        if where.extends(row.to_domain()):
            before = {"start": row.start.isoformat(), "end": row.end.isoformat()}
            row.start, row.end = where.start, where.end
            audit.record(
                db,
                at=self.clock.now(),
                entity="time_off",
                entity_id=row.id,
                action="extend",
                before=before,
                after={"start": row.start.isoformat(), "end": row.end.isoformat()},
                reason=reason,
            )

    def add_time_off(self, start: datetime, end: datetime, reason: str = "") -> TimeOff:
        with self.writing() as db:
            return self._add_time_off(db, start, end, reason).to_domain()

    def _add_time_off(
        self, db: DbSession, start: datetime, end: datetime, reason: str
    ) -> TimeOffRow:
        if end <= start:
            raise DomainError("time off must end after it starts")
        reason = check_text(reason, "the reason", lengths.REASON)
        row = TimeOffRow(
            professional_id=self._professional_row(db).id,
            start=start,
            end=end,
            reason=reason,
            created_at=self.clock.now(),
        )
        db.add(row)
        db.flush()
        audit.record(
            db,
            at=self.clock.now(),
            entity="time_off",
            entity_id=row.id,
            action="add",
            after={"start": start.isoformat(), "end": end.isoformat()},
            reason=reason,
        )
        return row

    def remove_time_off(self, time_off_id: int) -> None:
        with self.writing() as db:
            row = db.get(TimeOffRow, time_off_id) if 0 < time_off_id <= MAX_ID else None
            if row is None:
                raise NotFound(f"no time off with id {time_off_id}")
            db.delete(row)
            audit.record(
                db,
                at=self.clock.now(),
                entity="time_off",
                entity_id=time_off_id,
                action="remove",
                before={"start": row.start.isoformat(), "end": row.end.isoformat()},
            )

    # -- outbox (records; sending lives in services.outbox) -------------------------------

    def list_notifications(self, *, status: NotificationStatus | None = None) -> list[Notification]:
        with self.reading() as db:
            stmt = select(NotificationRow).order_by(NotificationRow.id)
            if status is not None:
                stmt = stmt.where(NotificationRow.status == status.value)
            return [r.to_domain() for r in db.scalars(stmt)]

    def is_empty(self) -> bool:
        """True on a first run: no clients and no sessions yet."""
        with self.reading() as db:
            return db.scalars(select(ClientRow.id).limit(1)).first() is None and (
                db.scalars(select(SessionRow.id).limit(1)).first() is None
            )


def _event_span(row: ExternalEventRow, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """All-day events block whole local days, whatever the zone."""
    if row.all_day:
        return _instant(row.start.date(), tz), _instant(row.end.date(), tz)
    return row.start, row.end


def _like_literal(text: str) -> str:
    """``text`` for a LIKE pattern, matching itself only ('%' and '_' are not wildcards)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _utc(value: datetime, what: str) -> datetime:
    """An aware time on the UTC timeline: arithmetic on a zone's wall clock goes wrong
    across a clock change (01:30 + 50 min on the night the clocks go back is not 02:20)."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise DomainError(f"the {what} must carry a time zone")
    check_year(value.date())
    return value.astimezone(UTC)


def _instant(value: datetime | date, tz: ZoneInfo) -> datetime:
    if isinstance(value, datetime):
        return value
    return datetime.combine(value, time(0), tzinfo=tz)
