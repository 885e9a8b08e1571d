"""Each change and its audit event are one transaction: a failure after the change undoes both."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.exc import IntegrityError

from kara_tui.domain import Money, Reason
from kara_tui.services.practice import ChargeRequest, Practice

LONDON = ZoneInfo("Europe/London")
TUE_10 = datetime(2026, 11, 17, 10, 0, tzinfo=LONDON)


def tables(engine) -> dict[str, list[tuple]]:
    with engine.connect() as conn:
        names = [
            r[0]
            for r in conn.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {n: conn.exec_driver_sql(f'SELECT * FROM "{n}" ORDER BY rowid').all() for n in names}


def fail_on_insert(engine, table: str) -> None:
    """A real failure inside the transaction, after the change itself was written."""
    with engine.begin() as conn:
        conn.exec_driver_sql(
            f"CREATE TRIGGER fail_{table} BEFORE INSERT ON {table} "
            "BEGIN SELECT RAISE(ABORT, 'simulated failure'); END"
        )


def stop_failing(engine, table: str) -> None:
    with engine.begin() as conn:
        conn.exec_driver_sql(f"DROP TRIGGER fail_{table}")


@pytest.fixture
def anna(practice: Practice):
    return practice.add_client("Anna Smith", email="anna@example.com", fee=Money(9000, "GBP"))


def test_booking_fails_with_its_audit(practice: Practice, engine, anna) -> None:
    fail_on_insert(engine, "audit_events")
    before = tables(engine)
    with pytest.raises(IntegrityError, match="simulated failure"):
        practice.book(anna.id, TUE_10)
    assert tables(engine) == before
    assert before["sessions"] == []
    stop_failing(engine, "audit_events")
    s = practice.book(anna.id, TUE_10)
    assert [a.action for a in practice.history(s.id)] == ["book"]


def test_cancel_fails_whole_when_the_notice_cannot_be_queued(
    practice: Practice, engine, anna
) -> None:
    s = practice.book(anna.id, TUE_10)
    fail_on_insert(engine, "notifications")
    before = tables(engine)
    with pytest.raises(IntegrityError):
        practice.cancel(s.id, Reason.CLIENT, charge=ChargeRequest())
    after = tables(engine)
    assert after == before  # no cancellation, no charge, no audit, status unchanged
    assert after["cancellations"] == [] and after["charges"] == []
    assert practice.get_session(s.id).status == "scheduled"


def test_reschedule_fails_whole_when_the_confirmation_cannot_be_queued(
    practice: Practice, engine, anna
) -> None:
    s = practice.book(anna.id, TUE_10)
    with engine.begin() as conn:  # the cancellation notice may go in, the confirmation not
        conn.exec_driver_sql(
            "CREATE TRIGGER fail_confirm BEFORE INSERT ON notifications "
            "WHEN NEW.kind = 'confirmation' BEGIN SELECT RAISE(ABORT, 'simulated failure'); END"
        )
    before = tables(engine)
    with pytest.raises(IntegrityError):
        practice.reschedule(s.id, datetime(2026, 11, 18, 10, tzinfo=LONDON), by=Reason.CLIENT)
    assert tables(engine) == before
    assert len(practice.list_sessions()) == 1


def test_cancel_range_is_all_or_nothing(practice: Practice, engine, anna) -> None:
    practice.book(anna.id, TUE_10)
    practice.book(anna.id, datetime(2026, 11, 18, 10, tzinfo=LONDON))
    fail_on_insert(engine, "time_off")  # the very last step
    before = tables(engine)
    with pytest.raises(IntegrityError):
        practice.cancel_range(
            datetime(2026, 11, 16, tzinfo=LONDON),
            datetime(2026, 11, 19, tzinfo=LONDON),
            Reason.PROFESSIONAL,
            note="ill",
        )
    assert tables(engine) == before


def test_every_change_leaves_an_audit_event(practice: Practice, anna, clock) -> None:
    practice.set_setting("buffer_minutes", "15")
    s = practice.book(anna.id, TUE_10)
    practice.edit_session(s.id, service="Therapy")
    practice.cancel(s.id, Reason.CLIENT)
    block = practice.add_time_off(
        datetime(2026, 12, 24, tzinfo=LONDON), datetime(2026, 12, 28, tzinfo=LONDON), "holiday"
    )
    practice.remove_time_off(block.id)
    with practice.reading() as db:
        from sqlalchemy import select

        from kara_tui.db.rows import AuditRow

        events = [(a.entity, a.action) for a in db.scalars(select(AuditRow).order_by(AuditRow.id))]
    assert events == [
        ("client", "add"),
        ("professional", "settings"),
        ("session", "book"),
        ("session", "edit"),
        ("session", "cancel"),
        ("time_off", "add"),
        ("time_off", "remove"),
    ]
