"""Ids are never reused after a delete (issue 11): fresh databases and ones upgraded from 0002."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from kara_tui.db.engine import make_engine
from kara_tui.db.schema import upgrade
from kara_tui.domain import Money
from kara_tui.services.practice import Practice

TUE_10 = datetime(2026, 11, 17, 10, 0, tzinfo=UTC)


def _seed_0002(conn) -> None:
    """A practice at schema 0002 in plain SQL: two clients, sessions 1-3, session 7 deleted."""
    conn.exec_driver_sql(
        "INSERT INTO professionals (id, name, email, timezone, cancellation_window_hours,"
        " late_fee_percent, payment_methods, working_hours, buffer_minutes, default_currency,"
        " default_minutes) VALUES (1, 'Dr Kara', '', 'Europe/London', 24, 100,"
        " 'card,cash', 'mon-fri 09:00-18:00', 0, 'GBP', 50)"
    )
    for cid, name in ((1, "Anna Smith"), (2, "Ben Jones")):
        conn.exec_driver_sql(
            "INSERT INTO clients (id, professional_id, name, email, phone, programme, fee_minor,"
            " currency, window_hours, sponsored_credit, archived, notes, created_at) VALUES"
            f" ({cid}, 1, '{name}', '', '', 'private', 9000, 'GBP', NULL, 0, 0, '',"
            " '2026-11-01 09:00:00.000000')"
        )
    for sid, day in ((1, 18), (2, 19), (3, 20)):
        conn.exec_driver_sql(
            'INSERT INTO sessions (id, uid, professional_id, client_id, start, "end", service,'
            " location, fee_minor, currency, status, prepaid, credit_reserved, sequence,"
            f" rescheduled_from, created_at, updated_at) VALUES ({sid}, 's{sid}@kara-tui', 1,"
            f" {sid % 2 + 1}, '2026-11-{day} 10:00:00.000000', '2026-11-{day} 10:50:00.000000',"
            " '', '', 9000, 'GBP', 'scheduled', 0, 0, 0, NULL, '2026-11-01 09:00:00.000000',"
            " '2026-11-01 09:00:00.000000')"
        )
    conn.exec_driver_sql(
        "INSERT INTO charges (id, session_id, client_id, amount_minor, currency, method, kind,"
        " status, created_at) VALUES (4, 1, 2, 4500, 'GBP', 'card', 'late_cancellation',"
        " 'pending', '2026-11-19 20:05:00.000000')"
    )
    # Session 7 was booked and deleted under 0002: only the audit log remembers its id.
    conn.exec_driver_sql(
        "INSERT INTO audit_events (at, entity, entity_id, action, before, after, reason) VALUES"
        " ('2026-11-02 09:00:00.000000', 'session', 7, 'delete', NULL, NULL, 'booked by mistake')"
    )


def test_upgrade_from_0002_keeps_ids_and_never_gives_one_again(tmp_path: Path, clock) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'kara.db'}")
    upgrade(engine, "0002")
    with engine.begin() as conn:
        _seed_0002(conn)
    upgrade(engine)
    practice = Practice(engine, clock)
    assert [(s.id, s.uid, s.client_name) for s in practice.list_sessions()] == [
        (1, "s1@kara-tui", "Ben Jones"),
        (2, "s2@kara-tui", "Anna Smith"),
        (3, "s3@kara-tui", "Ben Jones"),
    ]
    assert [c.id for c in practice.get_session(1).charges] == [4]
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    # Deleting the highest and booking again: past the deleted 3 and the audit's 7.
    practice.delete(3)
    assert practice.book("Anna Smith", TUE_10, force=True).id == 8
    assert practice.add_client("Chloe Patel").id == 3
    engine.dispose()


def test_a_new_database_never_reuses_a_deleted_id(practice: Practice) -> None:
    anna = practice.add_client("Anna Smith", fee=Money(9000, "GBP"))
    first = practice.book(anna.id, TUE_10)
    second = practice.book(anna.id, TUE_10.replace(hour=12))
    practice.delete(second.id)
    third = practice.book(anna.id, TUE_10.replace(hour=14))
    assert third.id == second.id + 1 > first.id
    off = practice.add_time_off(TUE_10.replace(day=24), TUE_10.replace(day=25))
    practice.remove_time_off(off.id)
    assert practice.add_time_off(TUE_10.replace(day=24), TUE_10.replace(day=25)).id == off.id + 1


def test_every_numbered_table_keeps_its_id_first_and_never_reuses_it() -> None:
    from kara_tui.db.rows import NumberedRow

    tables = {cls.__table__ for cls in NumberedRow.__subclasses__()}
    assert {t.name for t in tables} >= {"clients", "sessions", "charges", "notifications", "feeds"}
    for table in tables:
        assert table.dialect_kwargs["sqlite_autoincrement"] is True, table.name
        assert next(iter(table.columns)).name == "id", table.name
        assert [c.name for c in table.primary_key] == ["id"], table.name
