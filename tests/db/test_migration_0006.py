"""0006_charge_settlement: charges stored before it keep their status and gain empty settlement."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from alembic import command
from sqlalchemy import inspect

from kara_tui.db.engine import make_engine
from kara_tui.db.schema import alembic_config, current_revision, upgrade
from kara_tui.domain import ChargeStatus
from kara_tui.services.practice import Practice


def _seed_0002(conn) -> None:
    conn.exec_driver_sql(
        "INSERT INTO professionals (id, name, email, timezone, cancellation_window_hours,"
        " late_fee_percent, payment_methods, working_hours, buffer_minutes, default_currency,"
        " default_minutes) VALUES (1, 'Dr Kara', '', 'Europe/London', 24, 100,"
        " 'card,cash', 'mon-fri 09:00-18:00', 10, 'GBP', 50)"
    )
    conn.exec_driver_sql(
        "INSERT INTO clients (id, professional_id, name, email, phone, programme, fee_minor,"
        " currency, window_hours, sponsored_credit, archived, notes, created_at) VALUES"
        " (1, 1, 'Anna Smith', '', '', 'private', 9000, 'GBP', NULL, 0, 0, '',"
        " '2026-11-01 09:00:00.000000')"
    )
    conn.exec_driver_sql(
        'INSERT INTO sessions (id, uid, professional_id, client_id, start, "end", service,'
        " location, fee_minor, currency, status, prepaid, credit_reserved, sequence,"
        " rescheduled_from, created_at, updated_at) VALUES (1, 'a@kara-tui', 1, 1,"
        " '2026-11-20 10:00:00.000000', '2026-11-20 10:50:00.000000', '', '', 9000,"
        " 'GBP', 'cancelled', 0, 0, 1, NULL, '2026-11-01 09:00:00.000000',"
        " '2026-11-02 09:00:00.000000')"
    )
    conn.exec_driver_sql(
        "INSERT INTO charges (session_id, client_id, amount_minor, currency, method, kind, status,"
        " created_at) VALUES (1, 1, 4500, 'GBP', 'card', 'late_cancellation', 'pending',"
        " '2026-11-19 20:05:00.000000'), (1, 1, 1000, 'GBP', 'cash', 'no_show', 'paid',"
        " '2026-11-19 20:06:00.000000')"
    )


def test_0004_from_0002_keeps_charges_and_adds_empty_settlement(tmp_path: Path, clock) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'kara.db'}")
    upgrade(engine, "0002")
    with engine.begin() as conn:
        _seed_0002(conn)
    upgrade(engine, "0006_charge_settlement")
    assert current_revision(engine) == "0006_charge_settlement"
    charges = Practice(engine, clock).get_session(1).charges
    assert [(c.amount.minor, c.status, c.paid_at, c.reference, c.void_reason) for c in charges] == [
        (4500, ChargeStatus.PENDING, None, "", ""),
        (1000, ChargeStatus.PAID, None, "", ""),
    ]
    # A charge written after the upgrade keeps its settlement; a downgrade keeps the charges.
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "UPDATE charges SET paid_at = '2026-11-21 09:00:00.000000', reference = 'R1'"
            " WHERE id = 1"
        )
    first = Practice(engine, clock).get_session(1).charges[0]
    assert (first.paid_at, first.reference) == (datetime(2026, 11, 21, 9, tzinfo=UTC), "R1")
    with engine.begin() as conn:
        cfg = alembic_config()
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0002")
    columns = {c["name"] for c in inspect(engine).get_columns("charges")}
    assert "paid_at" not in columns
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM charges").scalar() == 2
    engine.dispose()
