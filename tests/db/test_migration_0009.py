"""Migration 0009_session_series: series storage added from 0008_publish_targets with data, and back."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import inspect
from sqlalchemy.exc import IntegrityError
from test_migrations import _check_seeded_practice, _seed_0001

from kara_tui.db.engine import make_engine
from kara_tui.db.schema import alembic_config, current_revision, upgrade
from kara_tui.services.practice import Practice


def _downgrade(engine, revision: str) -> None:
    with engine.begin() as conn:
        cfg = alembic_config()
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, revision)


def test_0009_from_0008_keeps_single_sessions_single_and_goes_back_down(
    tmp_path: Path, clock
) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'kara.db'}")
    upgrade(engine, "0008_publish_targets")
    with engine.begin() as conn:
        _seed_0001(conn)
        conn.exec_driver_sql(
            "INSERT INTO reminders (session_id, kind, lead_minutes, due_at, session_start,"
            " status, note, created_at, updated_at) VALUES (1, 'client', 1440,"
            " '2026-11-19 10:00:00.000000', '2026-11-20 10:00:00.000000', 'obsolete', '',"
            " '2026-11-01 09:00:00.000000', '2026-11-01 09:00:00.000000')"
        )
    upgrade(engine, "0009_session_series")
    assert current_revision(engine) == "0009_session_series"
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT series_id, original_start FROM sessions").all() == [
            (None, None)
        ]
        assert conn.exec_driver_sql("SELECT count(*) FROM session_series").scalar() == 0
        assert conn.exec_driver_sql("SELECT series_horizon_weeks FROM professionals").all() == [
            (26,)
        ]
    upgrade(engine)  # today's rows read the head's columns (0010 adds one after this)
    practice = Practice(engine, clock)
    _check_seeded_practice(practice)
    session = practice.get_session(1)
    assert (session.series_id, session.original_start) == (None, None)
    assert practice.professional().series_horizon_weeks == 26

    # One session per original start in a series: the database itself refuses a second.
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO session_series (id, uid, professional_id, client_id, first_start,"
            " minutes, zone, repeat, interval, exceptions, fee_minor, currency, service,"
            " location, prepaid, sequence, created_at, updated_at) VALUES (1, 's@kara-tui',"
            " 1, 1, '2026-11-24 10:00:00.000000', 50, 'Europe/London', 'weekly', 1, '', 9000,"
            " 'GBP', '', '', 0, 0, '2026-11-16 08:00:00.000000', '2026-11-16 08:00:00.000000')"
        )
        conn.exec_driver_sql(
            "UPDATE sessions SET series_id = 1, original_start = '2026-11-20 10:00:00.000000'"
        )
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.exec_driver_sql(
            'INSERT INTO sessions (uid, professional_id, client_id, start, "end", service,'
            " location, fee_minor, currency, status, prepaid, credit_reserved, sequence,"
            " created_at, updated_at, series_id, original_start) VALUES ('twice@kara-tui', 1,"
            " 1, '2026-11-20 10:00:00.000000', '2026-11-20 10:50:00.000000', '', '', 9000,"
            " 'GBP', 'scheduled', 0, 0, 0, '2026-11-16 08:00:00.000000',"
            " '2026-11-16 08:00:00.000000', 1, '2026-11-20 10:00:00.000000')"
        )

    _downgrade(engine, "0008_publish_targets")
    assert current_revision(engine) == "0008_publish_targets"
    assert "session_series" not in inspect(engine).get_table_names()
    columns = {c["name"] for c in inspect(engine).get_columns("sessions")}
    assert not {"series_id", "original_start"} & columns
    with engine.connect() as conn:
        # Everything on record stays: the session, its cancellation, charge and reminder.
        assert conn.exec_driver_sql("SELECT uid, status FROM sessions").all() == [
            ("old@kara-tui", "cancelled")
        ]
        assert conn.exec_driver_sql("SELECT count(*) FROM cancellations").scalar() == 1
        assert conn.exec_driver_sql("SELECT count(*) FROM charges").scalar() == 1
        assert conn.exec_driver_sql("SELECT count(*) FROM reminders").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []
    upgrade(engine)  # and up again
    _check_seeded_practice(Practice(engine, clock))
    engine.dispose()
