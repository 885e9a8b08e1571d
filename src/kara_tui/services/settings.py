"""The practice's settings: the professional's row, read or made on first use, and changed."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import select

from kara_tui.db.rows import ProfessionalRow
from kara_tui.domain import Professional
from kara_tui.domain.model import DEFAULT_LATE_FEE_PERCENT
from kara_tui.policy.settings import check_setting
from kara_tui.services import reminders
from kara_tui.services.uow import UnitOfWork


def stored_professional(uow: UnitOfWork) -> Professional | None:
    """The professional, or None on a new database (nothing is written)."""
    row = uow.db.scalars(select(ProfessionalRow).order_by(ProfessionalRow.id).limit(1)).first()
    return None if row is None else row.to_domain()


def professional_row(uow: UnitOfWork) -> ProfessionalRow:
    """The professional's row, made with the machine's defaults on a new database."""
    db = uow.db
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
            late_fee_percent=DEFAULT_LATE_FEE_PERCENT,
            payment_methods="card,cash,bank_transfer,invoice",
            working_hours="mon-fri 09:00-18:00",
            buffer_minutes=10,
            default_currency=locale_currency(),
            default_minutes=50,
        )
        db.add(row)
        db.flush()
    return row


def new_professional(uow: UnitOfWork) -> Professional:
    """The professional, made with the machine's defaults on a new database."""
    return professional_row(uow).to_domain()


def set_settings(uow: UnitOfWork, typed: Mapping[str, str]) -> Professional:
    """Check every typed value first, then store them all, or none."""
    parsed = {key: check_setting(key, value) for key, value in typed.items()}
    row = professional_row(uow)
    before = {key: getattr(row, key) for key in parsed}
    for key, value in parsed.items():
        setattr(row, key, value)
    uow.audit("professional", row.id, "settings", before=before, after=dict(parsed))
    if parsed.keys() & reminders.PLAN_SETTINGS:  # booked sessions follow the new leads
        uow.db.flush()
        reminders.replan(uow.db, uow.clock.now(), "the practice's reminder settings changed")
    return row.to_domain()
