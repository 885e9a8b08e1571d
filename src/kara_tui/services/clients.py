"""Keeping clients current: edit, archive and restore, sponsored credit; every change audited."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.orm import Session as DbSession

from kara_tui.db.rows import ClientRow, SessionRow
from kara_tui.domain import Client, DomainError, Money, Programme, Reason, Session, SessionStatus
from kara_tui.domain import text as lengths
from kara_tui.domain.currencies import check_iso_currency
from kara_tui.domain.money import MoneyError
from kara_tui.domain.text import check_text
from kara_tui.policy import reminders
from kara_tui.policy.addresses import is_email_address
from kara_tui.policy.sessions import check_fee
from kara_tui.policy.sponsored import check_credit_allowed
from kara_tui.services import audit
from kara_tui.services.cancelling import cancel_row
from kara_tui.services.lookup import client_row
from kara_tui.services.reminders import replan
from kara_tui.services.settings import professional_row
from kara_tui.services.uow import UnitOfWork

if TYPE_CHECKING:
    from kara_tui.services.practice import Practice

MAX_WINDOW_HOURS = 24 * 14
MAX_CREDIT = 1000  # sponsored sessions of credit held for one client


@dataclass(frozen=True, slots=True)
class ClientChanges:
    """What an edit changes; None leaves a field as it is. ``clear_window`` drops the own window."""

    name: str | None = None
    email: str | None = None
    phone: str | None = None
    programme: Programme | None = None
    fee: Money | None = None
    window_hours: int | None = None
    clear_window: bool = False
    notes: str | None = None
    reminders: str | None = None  # own reminder leads: "48,2", "none" (opted out) or "default"


@dataclass(frozen=True, slots=True)
class Archived:
    client: Client
    cancelled: list[Session]  # the future sessions cancelled as by the professional


def count_cancellations(sessions: list[Session]) -> dict[Reason, tuple[int, int]]:
    """Per reason (all four, in their order): how many of ``sessions`` were cancelled so, and
    how many of those late. A no-show counts under its reason, as the reports count it."""
    counts = {r: [0, 0] for r in Reason}
    for s in sessions:
        if s.cancellation is not None:
            counts[s.cancellation.reason][0] += 1
            counts[s.cancellation.reason][1] += int(s.cancellation.late)
    return {r: (n, late) for r, (n, late) in counts.items()}


# The client's columns the audit trail keeps as they are (the fee is kept as text, and the
# notes, which are private, only by their length: enough to see that they changed).
AUDITED = (
    "name",
    "email",
    "phone",
    "programme",
    "window_hours",
    "sponsored_credit",
    "archived",
    "reminder_leads",
)


def snapshot(row: ClientRow) -> dict[str, object]:
    """A client's fields for the audit trail; notes are private, so only whether they changed."""
    kept: dict[str, object] = {column: getattr(row, column) for column in AUDITED}
    kept["fee"] = str(Money(row.fee_minor, row.currency))
    kept["notes_length"] = len(row.notes or "")
    return kept


def _credit(row: ClientRow) -> dict[str, object]:
    return {"sponsored_credit": row.sponsored_credit}


def _fee(row: SessionRow) -> dict[str, object]:
    return {"fee": str(Money(row.fee_minor, row.currency))}


def describe(row: ClientRow) -> str:
    """Enough of a client to tell two of the same name apart."""
    fee = Money(row.fee_minor, row.currency)
    contact = row.email or row.phone or "no email"
    return f"id {row.id}, {contact}, {row.programme}, fee {fee}"


def refuse_duplicate_name(db: DbSession, name: str, *, except_id: int | None = None) -> None:
    """Names stay unique among active clients (DESIGN.md section 9), ignoring case."""
    stmt = select(ClientRow).where(
        func.lower(ClientRow.name) == name.lower(), ClientRow.archived.is_(False)
    )
    if except_id is not None:
        stmt = stmt.where(ClientRow.id != except_id)
    other = db.scalars(stmt.limit(1)).first()
    if other is not None:
        raise DomainError(
            f"an active client is already called '{other.name}' ({describe(other)}); "
            "use a name that tells them apart (an initial, a middle name)"
        )


def clean_name(name: str) -> str:
    """The rules add_client applies to a new name (one text check, then spaces collapsed)."""
    name = " ".join(check_text(name, "a client's name", lengths.NAME).split())
    if not name:
        raise DomainError("a client needs a name")
    if name.isdigit():
        raise DomainError("a client's name cannot be only digits (it would look like an id)")
    return name


def _check(changes: ClientChanges) -> ClientChanges:
    """``changes`` with typed text checked as add_client checks it (DomainError naming the rule)."""
    changes = replace(
        changes,
        email=None
        if changes.email is None
        else check_text(changes.email, "an email address", lengths.EMAIL),
        phone=None
        if changes.phone is None
        else check_text(changes.phone, "a phone number", lengths.PHONE),
        notes=None
        if changes.notes is None
        else check_text(changes.notes, "the notes", lengths.NOTE, multiline=True),
    )
    email = changes.email
    if email and not is_email_address(email.strip()):
        raise DomainError(f"'{email}' is not an email address")
    if changes.reminders is not None:
        reminders.client_leads(changes.reminders)  # refused here, before anything is written
    if changes.window_hours is not None and not 0 <= changes.window_hours <= MAX_WINDOW_HOURS:
        raise DomainError(f"a cancellation window must be between 0 and {MAX_WINDOW_HOURS} hours")
    if changes.fee is not None:
        check_fee(changes.fee)
        try:
            check_iso_currency(changes.fee.currency)
        except MoneyError as exc:
            raise DomainError(str(exc)) from None
    return changes


def add_client(
    uow: UnitOfWork,
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
    """A new client, checked as an edit is; the fee defaults to nothing in the practice's
    currency."""
    name = clean_name(name)
    checked = _check(
        ClientChanges(email=email, phone=phone, fee=fee, window_hours=window_hours, notes=notes)
    )
    if sponsored_credit < 0:
        raise DomainError("sponsored credit cannot be negative")
    if sponsored_credit > MAX_CREDIT:
        raise DomainError(f"sponsored credit is at most {MAX_CREDIT} sessions")
    if sponsored_credit:
        check_credit_allowed(name, programme)
    db = uow.db
    refuse_duplicate_name(db, name)
    pro = professional_row(uow)
    row = ClientRow(
        professional_id=pro.id,
        name=name,
        sponsored_credit=sponsored_credit,
        archived=False,
        created_at=uow.clock.now(),
    )
    _write(row, replace(checked, programme=programme, fee=fee or Money(0, pro.default_currency)))
    db.add(row)
    db.flush()
    audit.change(db, row, "add", at=uow.clock.now())
    return row.to_domain()


def _write(row: ClientRow, changes: ClientChanges) -> None:
    """Put checked details into ``row`` (all but the name): a new client's, or an edit's."""
    if changes.email is not None:
        row.email = changes.email.strip()
    if changes.phone is not None:
        row.phone = changes.phone.strip()
    if changes.programme is not None:
        row.programme = changes.programme.value
    if changes.fee is not None:
        row.fee_minor, row.currency = changes.fee.minor, changes.fee.currency
    if changes.clear_window:
        row.window_hours = None
    elif changes.window_hours is not None:
        row.window_hours = changes.window_hours
    if changes.notes is not None:
        row.notes = changes.notes
    if changes.reminders is not None:
        row.reminder_leads = reminders.client_leads(changes.reminders)


class ClientBook:
    """Use cases on one client at a time, each one unit of work on the practice's database."""

    def __init__(self, practice: Practice) -> None:
        self.practice = practice

    def _row(self, db: DbSession, name_or_id: str | int) -> ClientRow:
        return client_row(db, name_or_id)

    def _future_rows(self, db: DbSession, client_id: int) -> list[SessionRow]:
        stmt = (
            select(SessionRow)
            .where(
                SessionRow.client_id == client_id,
                SessionRow.status == SessionStatus.SCHEDULED.value,
                SessionRow.start > self.practice.clock.now(),
            )
            .order_by(SessionRow.start)
        )
        return list(db.scalars(stmt))

    def future_sessions(self, name_or_id: str | int) -> list[Session]:
        """Scheduled sessions still to come: what archiving would have to cancel."""
        with self.practice.reading() as db:
            row = self._row(db, name_or_id)
            return [s.to_domain() for s in self._future_rows(db, row.id)]

    def edit(
        self, name_or_id: str | int, changes: ClientChanges, *, update_future_fees: bool = False
    ) -> Client:
        """Change a client's details. A new fee applies to sessions booked from now on; with
        ``update_future_fees`` the scheduled sessions still to come take it too."""
        changes = _check(changes)
        now = self.practice.clock.now()
        with self.practice.writing() as db:
            row = self._row(db, name_or_id)
            before, old_notes = snapshot(row), row.notes
            if changes.name is not None:
                name = clean_name(changes.name)
                if not row.archived:
                    refuse_duplicate_name(db, name, except_id=row.id)
                row.name = name
            _write(row, changes)
            after = snapshot(row)
            notes_changed = changes.notes is not None and changes.notes != old_notes
            if after == before and not notes_changed:
                raise DomainError(f"nothing to change for {row.name}")
            if notes_changed:
                after["notes"] = "changed"  # private: the trail says only that they changed
            audit.change(db, row, "edit", at=now, before=before, after=after)
            if after["reminder_leads"] != before["reminder_leads"]:
                db.flush()
                replan(db, now, "the client's reminders changed", client_id=row.id)
            if update_future_fees and changes.fee is not None:
                # A prepaid session keeps the fee that was paid.
                why = "the client's fee changed"
                for s in (s for s in self._future_rows(db, row.id) if not s.prepaid):
                    with audit.tracked(db, s, "fee", _fee, at=now, reason=why):
                        s.fee_minor, s.currency, s.updated_at = row.fee_minor, row.currency, now
            db.flush()
            return row.to_domain()

    def archive(
        self, name_or_id: str | int, *, cancel_future: bool = False, notify: bool = True
    ) -> Archived:
        """Close a client who ended therapy; refused while sessions are still to come, unless
        ``cancel_future`` cancels them as by the professional (never a charge)."""
        now = self.practice.clock.now()
        with self.practice.unit_of_work() as uow:
            db = uow.db
            row = self._row(db, name_or_id)
            if row.archived:
                raise DomainError(f"{row.name} (id {row.id}) is already archived")
            future = self._future_rows(db, row.id)
            if future and not cancel_future:
                tz = self.practice.tz
                when = ", ".join(f"{s.start.astimezone(tz):%a %d %b %H:%M}" for s in future[:5])
                more = f" and {len(future) - 5} more" if len(future) > 5 else ""
                raise DomainError(
                    f"{row.name} has {len(future)} session(s) still to come ({when}{more}); "
                    "cancel them first, or archive with --cancel-future to cancel them "
                    "as by the professional"
                )
            cancelled = [
                cancel_row(uow, s.id, Reason.PROFESSIONAL, notify=notify).to_domain()
                for s in future
            ]
            why = f"{len(cancelled)} future session(s) cancelled"
            with audit.tracked(db, row, "archive", snapshot, at=now, reason=why):
                row.archived = True
            db.flush()
            archived = Archived(row.to_domain(), cancelled)
            uow.commit()
            return archived

    def restore(self, name_or_id: str | int) -> Client:
        """Bring an archived client back, if no active client has taken the name since."""
        now = self.practice.clock.now()
        with self.practice.writing() as db:
            row = self._archived_row(db, name_or_id)
            if not row.archived:
                raise DomainError(f"{row.name} (id {row.id}) is not archived")
            refuse_duplicate_name(db, row.name, except_id=row.id)
            with audit.tracked(db, row, "restore", snapshot, at=now):
                row.archived = False
            db.flush()
            return row.to_domain()

    def _archived_row(self, db: DbSession, name_or_id: str | int) -> ClientRow:
        """An archived client by exact name first (an active one may share it), else as usual."""
        text = " ".join(str(name_or_id).split())
        if not text.isdigit():
            rows = list(
                db.scalars(
                    select(ClientRow).where(
                        func.lower(ClientRow.name) == text.lower(), ClientRow.archived.is_(True)
                    )
                )
            )
            if len(rows) == 1:
                return rows[0]
            if len(rows) > 1:
                ids = ", ".join(str(r.id) for r in rows)
                raise DomainError(f"more than one archived client is called '{text}' (ids {ids})")
        return self._row(db, name_or_id)

    def add_credit(self, name_or_id: str | int, sessions: int, note: str = "") -> Client:
        """Top up (or correct, with a negative number) a sponsored client's sessions of credit."""
        if sessions == 0:
            raise DomainError("a credit change of 0 sessions changes nothing")
        now = self.practice.clock.now()
        with self.practice.writing() as db:
            row = self._row(db, name_or_id)
            check_credit_allowed(row.name, Programme(row.programme))
            new = row.sponsored_credit + sessions
            if new > MAX_CREDIT:
                raise DomainError(f"sponsored credit is at most {MAX_CREDIT} sessions")
            if new < 0:
                raise DomainError(
                    f"{row.name} has {row.sponsored_credit} session(s) of credit left; "
                    f"{sessions:+d} would leave {new}, and credit cannot go below zero"
                )
            with audit.tracked(db, row, "credit", _credit, at=now, reason=note.strip()):
                row.sponsored_credit = new
            db.flush()
            return row.to_domain()

    def credit_held(self, client_id: int) -> int:
        """Sessions of credit held by the client's booked (scheduled) sessions."""
        with self.practice.reading() as db:
            stmt = select(func.count(SessionRow.id)).where(
                SessionRow.client_id == client_id,
                SessionRow.status == SessionStatus.SCHEDULED.value,
                SessionRow.credit_reserved.is_(True),
            )
            return int(db.scalar(stmt) or 0)
