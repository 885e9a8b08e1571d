"""Alembic: an empty database reaches head, older ones are upgraded with their data, newer refused."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, inspect

from kara_tui.db.engine import make_engine
from kara_tui.db.rows import Base
from kara_tui.db.schema import (
    NewerDatabaseError,
    alembic_config,
    current_revision,
    head_revision,
    upgrade,
)
from kara_tui.services.practice import Practice

# Oldest first: base -> 0001 -> ... -> head.
REVISIONS = [
    r.revision
    for r in reversed(list(ScriptDirectory.from_config(alembic_config()).walk_revisions()))
]


def _seed_0001(conn: Connection) -> None:
    """A practice as the first schema stored it, written in plain SQL (no ORM of today)."""
    conn.exec_driver_sql(
        "INSERT INTO professionals (id, name, email, timezone, cancellation_window_hours,"
        " late_fee_percent, payment_methods, working_hours, buffer_minutes, default_currency,"
        " default_minutes) VALUES (1, 'Dr Kara', 'kara@example.com', 'Europe/London', 48, 50,"
        " 'card,cash', 'mon-thu 08:00-16:00', 15, 'GBP', 60)"
    )
    conn.exec_driver_sql(
        "INSERT INTO clients (id, professional_id, name, email, phone, programme, fee_minor,"
        " currency, window_hours, sponsored_credit, archived, notes, created_at) VALUES"
        " (1, 1, 'Anna Smith', 'anna@example.com', '', 'private', 9000, 'GBP', 72, 0, 0,"
        " 'private note', '2026-11-01 09:00:00.000000')"
    )
    conn.exec_driver_sql(
        'INSERT INTO sessions (id, uid, professional_id, client_id, start, "end", service,'
        " location, fee_minor, currency, status, prepaid, credit_reserved, sequence,"
        " rescheduled_from, created_at, updated_at) VALUES (1, 'old@kara-tui', 1, 1,"
        " '2026-11-20 10:00:00.000000', '2026-11-20 10:50:00.000000', 'Therapy', '', 9000,"
        " 'GBP', 'cancelled', 1, 0, 1, NULL, '2026-11-01 09:00:00.000000',"
        " '2026-11-02 09:00:00.000000')"
    )
    conn.exec_driver_sql(
        "INSERT INTO cancellations (session_id, reason, note, notified_at, notice_hours, late,"
        " charged, cancelled_at) VALUES (1, 'client', 'flu', '2026-11-19 20:00:00.000000', 14.0,"
        " 1, 1, '2026-11-19 20:05:00.000000')"
    )
    conn.exec_driver_sql(
        "INSERT INTO charges (session_id, client_id, amount_minor, currency, method, kind, status,"
        " created_at) VALUES (1, 1, 4500, 'GBP', 'card', 'late_cancellation', 'pending',"
        " '2026-11-19 20:05:00.000000')"
    )
    conn.exec_driver_sql(
        "INSERT INTO feeds (id, name, source, enabled, refresh_minutes, colour, etag,"
        " last_modified, body_hash, last_attempt, last_success, last_error, stale, event_count,"
        " created_at) VALUES (1, 'Work', '/tmp/work.ics', 1, 60, '#5f87af', NULL, NULL,"
        " 'abc', '2026-11-16 07:00:00.000000', '2026-11-16 07:00:00.000000', '', 0, 2,"
        " '2026-11-01 09:00:00.000000')"
    )
    conn.exec_driver_sql(
        'INSERT INTO external_events (feed_id, uid, recurrence_id, start, "end", all_day,'
        " summary, location, busy, cancelled, component_hash) VALUES"
        " (1, 'dentist@example.com', '', '2026-11-17 10:00:00.000000',"
        " '2026-11-17 11:00:00.000000', 0, 'Dentist', '', 1, 0, 'f1'),"
        " (1, 'holiday@example.com', '', '2026-11-18 00:00:00.000000',"
        " '2026-11-19 00:00:00.000000', 1, 'Holiday', '', 0, 0, 'f2')"
    )


# The data each revision is seeded with. A new migration that keeps these tables readable
# needs nothing here; one that changes them adds a line: {"0002": _seed_0002}.
SEEDS: dict[str, Callable[[Connection], None]] = {"0001": _seed_0001}


def _seed_for(revision: str) -> Callable[[Connection], None]:
    known = [r for r in REVISIONS[: REVISIONS.index(revision) + 1] if r in SEEDS]
    return SEEDS[known[-1]]


def _check_seeded_practice(practice: Practice) -> None:
    pro = practice.professional()
    assert (pro.name, pro.cancellation_window_hours, pro.late_fee_percent) == ("Dr Kara", 48, 50)
    assert str(pro.working_hours) == "mon,tue,wed,thu 08:00-16:00"
    (client,) = practice.list_clients()
    assert (client.name, client.window_hours, client.notes) == ("Anna Smith", 72, "private note")
    session = practice.get_session(1)
    assert session.uid == "old@kara-tui"
    assert session.start == datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
    assert session.cancellation is not None
    assert (session.cancellation.reason, session.cancellation.note) == ("client", "flu")
    assert [(c.amount.minor, c.kind) for c in session.charges] == [(4500, "late_cancellation")]
    week = datetime(2026, 11, 16, tzinfo=UTC)
    events = practice.external_events(week, week + timedelta(days=7))
    assert [(e.uid, e.start, e.all_day, e.busy) for e in events] == [
        ("dentist@example.com", datetime(2026, 11, 17, 10, 0, tzinfo=UTC), False, True),
        ("holiday@example.com", date(2026, 11, 18), True, False),
    ]


def test_the_revision_list_ends_at_head() -> None:
    assert REVISIONS[0] == "0001"
    assert REVISIONS[-1] == head_revision()


def test_empty_to_head_makes_every_table(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'kara.db'}")
    assert current_revision(engine) is None
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    tables = set(inspect(engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    upgrade(engine)  # a second run changes nothing
    assert current_revision(engine) == head_revision()
    engine.dispose()


def test_head_schema_matches_the_rows(tmp_path: Path) -> None:
    """No model change without a migration: autogenerate finds nothing to do at head."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    engine = make_engine(f"sqlite:///{tmp_path / 'kara.db'}")
    upgrade(engine)
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(ctx, Base.metadata) == []
    engine.dispose()


@pytest.mark.parametrize("revision", REVISIONS)
def test_upgrade_from_each_revision_keeps_the_data(tmp_path: Path, clock, revision: str) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'kara.db'}")
    upgrade(engine, revision)
    assert current_revision(engine) == revision
    with engine.begin() as conn:
        _seed_for(revision)(conn)
    for later in REVISIONS[REVISIONS.index(revision) + 1 :]:
        upgrade(engine, later)  # one step at a time, as users meet them
        assert current_revision(engine) == later
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    _check_seeded_practice(Practice(engine, clock))
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
        assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []
    engine.dispose()


def _indexes(engine, table: str) -> set[str]:
    return {ix["name"] for ix in inspect(engine).get_indexes(table)}


def test_0002_drops_the_redundant_feed_index_and_indexes_reschedules(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'kara.db'}")
    upgrade(engine, "0001")
    assert "ix_external_events_feed_id" in _indexes(engine, "external_events")
    upgrade(engine, "0002")
    assert "ix_external_events_feed_id" not in _indexes(engine, "external_events")
    assert "ix_sessions_rescheduled_from" in _indexes(engine, "sessions")
    # Lookups by feed still use an index: the unique key starts with feed_id.
    with engine.connect() as conn:
        plan = conn.exec_driver_sql(
            "EXPLAIN QUERY PLAN SELECT id FROM external_events WHERE feed_id = 1"
        ).all()
    assert "USING COVERING INDEX sqlite_autoindex_external_events_1 (feed_id=?)" in str(plan)
    engine.dispose()


def test_downgrading_0002_keeps_the_data(tmp_path: Path, clock) -> None:
    from alembic import command

    engine = make_engine(f"sqlite:///{tmp_path / 'kara.db'}")
    upgrade(engine, "0001")
    with engine.begin() as conn:
        _seed_0001(conn)
    upgrade(engine)
    with engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO feed_groups VALUES (1, '', 'key', '')")
        cfg = alembic_config()
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0001")
    assert current_revision(engine) == "0001"
    assert "feed_groups" not in inspect(engine).get_table_names()
    assert "ix_external_events_feed_id" in _indexes(engine, "external_events")
    upgrade(engine)  # and back up again
    _check_seeded_practice(Practice(engine, clock))
    engine.dispose()


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_newer_database_is_refused_and_left_untouched(tmp_path: Path, clock) -> None:
    path = tmp_path / "kara.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    with engine.begin() as conn:
        _seed_0001(conn)
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '9999'")
    engine.dispose()
    before = _digest(path)

    engine = make_engine(f"sqlite:///{path}")
    with pytest.raises(NewerDatabaseError) as info:
        upgrade(engine)
    assert str(info.value) == (
        "this database was made by a newer version of kara-tui (schema 9999); "
        "upgrade kara-tui to open it. Nothing was changed."
    )
    engine.dispose()
    assert _digest(path) == before
    assert not (tmp_path / "kara.db-wal").exists()


def test_cli_refuses_a_newer_database_in_one_line(cli, db_url: str) -> None:
    assert cli("clients", "add", "Anna Smith").code == 0
    engine = make_engine(db_url)
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = 'zzzz'")
    engine.dispose()
    result = cli("clients", "list", "--json")
    assert result.code != 0
    assert result.out == ""
    assert result.err == (
        "kara-tui: this database was made by a newer version of kara-tui (schema zzzz); "
        "upgrade kara-tui to open it. Nothing was changed.\n"
    )


def test_head_constant_matches_the_migrations_folder() -> None:
    """schema.HEAD lets an up-to-date database open without Alembic; it must not fall behind."""
    from kara_tui.db.schema import HEAD

    assert head_revision() == HEAD


def test_an_up_to_date_database_opens_without_loading_alembic(db_url: str) -> None:
    import subprocess
    import sys

    engine = make_engine(db_url)
    upgrade(engine)
    engine.dispose()
    code = (
        "import sys\n"
        "from kara_tui.db.engine import make_engine\n"
        "from kara_tui.db.schema import upgrade\n"
        f"upgrade(make_engine({db_url!r}))\n"
        "print('alembic' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_0003_keeps_notices_and_gives_not_late_charges_their_own_kind(
    tmp_path: Path, clock
) -> None:
    """Issue 11: notices record where they went; a charge on a cancellation that was not late
    is a 'cancellation' charge, not a 'late_cancellation' one."""
    from alembic import command

    engine = make_engine(f"sqlite:///{tmp_path / 'kara.db'}")
    upgrade(engine, "0002")
    with engine.begin() as conn:
        _seed_0001(conn)  # session 1: late, charged 45.00 as late_cancellation
        conn.exec_driver_sql(
            'INSERT INTO sessions (id, uid, professional_id, client_id, start, "end", service,'
            " location, fee_minor, currency, status, prepaid, credit_reserved, sequence,"
            " rescheduled_from, created_at, updated_at) VALUES (2, 'early@kara-tui', 1, 1,"
            " '2026-11-30 10:00:00.000000', '2026-11-30 10:50:00.000000', '', '', 9000,"
            " 'GBP', 'cancelled', 0, 0, 1, NULL, '2026-11-01 09:00:00.000000',"
            " '2026-11-02 09:00:00.000000')"
        )
        conn.exec_driver_sql(
            "INSERT INTO cancellations (session_id, reason, note, notified_at, notice_hours,"
            " late, charged, cancelled_at) VALUES (2, 'client', '',"
            " '2026-11-20 10:00:00.000000', 240.0, 0, 1, '2026-11-20 10:00:00.000000')"
        )
        conn.exec_driver_sql(
            "INSERT INTO charges (session_id, client_id, amount_minor, currency, method, kind,"
            " status, created_at) VALUES (2, 1, 9000, 'GBP', 'card', 'late_cancellation',"
            " 'pending', '2026-11-20 10:00:00.000000')"
        )
        conn.exec_driver_sql(
            "INSERT INTO notifications (id, session_id, kind, recipient, subject, body, ical,"
            " status, error, attempts, message_id, created_at, sent_at) VALUES (1, 2,"
            " 'cancellation', 'anna@example.com', 'Cancelled: Therapy on Mon 30 Nov 10:00',"
            " 'Dear Anna', '', 'sent', '', 1, '<1@x>', '2026-11-20 10:00:00.000000',"
            " '2026-11-20 10:01:00.000000')"
        )
    upgrade(engine)  # to the head: what 0003 did must hold after the later ones
    practice = Practice(engine, clock)
    _check_seeded_practice(practice)  # the late charge of session 1 keeps its kind
    assert [c.kind.value for c in practice.get_session(2).charges] == ["cancellation"]
    [notice] = practice.list_notifications()
    assert (notice.subject, notice.status.value, notice.outcome) == (
        "Cancelled: Therapy on Mon 30 Nov 10:00",
        "sent",
        "",
    )
    with engine.begin() as conn:
        cfg = alembic_config()
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0002")
    with engine.connect() as conn:
        kinds = conn.exec_driver_sql("SELECT kind FROM charges ORDER BY id").scalars().all()
    assert kinds == ["late_cancellation", "late_cancellation"]
    engine.dispose()


def test_0005_adds_block_all_day_off_for_every_feed_and_keeps_their_events(
    tmp_path: Path, clock
) -> None:
    from alembic import command

    engine = make_engine(f"sqlite:///{tmp_path / 'kara.db'}")
    upgrade(engine, "0002")
    with engine.begin() as conn:
        _seed_0001(conn)
    upgrade(engine)  # through 0005 to the head: the ORM below reads the head's columns
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT name, block_all_day FROM feeds").all() == [("Work", 0)]
        assert conn.exec_driver_sql("SELECT count(*) FROM external_events").scalar() == 2
    upgrade(engine)  # the rows of today need the later columns too (0006 adds some)
    practice = Practice(engine, clock)
    assert [f.block_all_day for f in practice.calendar_feeds()] == [False]
    _check_seeded_practice(practice)
    with engine.begin() as conn:
        cfg = alembic_config()
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0002")
    assert current_revision(engine) == "0002"
    assert "block_all_day" not in {c["name"] for c in inspect(engine).get_columns("feeds")}
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM external_events").scalar() == 2
    engine.dispose()


def test_0007_adds_reminders_and_their_settings_and_keeps_the_practice(
    tmp_path: Path, clock
) -> None:
    from alembic import command

    engine = make_engine(f"sqlite:///{tmp_path / 'kara.db'}")
    upgrade(engine, "0005_feed_block_all_day")
    with engine.begin() as conn:
        _seed_0001(conn)
    upgrade(engine, "0007_reminders")
    with engine.connect() as conn:
        assert conn.exec_driver_sql(
            "SELECT reminder_leads, quiet_hours FROM professionals"
        ).all() == [("24", "21:00-08:00")]
        assert conn.exec_driver_sql("SELECT count(*) FROM reminders").scalar() == 0
    upgrade(engine)  # today's rows need the later columns too (0009 and 0010 add some)
    practice = Practice(engine, clock)
    pro = practice.professional()
    assert (pro.reminder_leads, pro.quiet_hours) == ("24", "21:00-08:00")
    _check_seeded_practice(practice)
    with engine.begin() as conn:
        cfg = alembic_config()
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0006_charge_settlement")
    assert "reminders" not in inspect(engine).get_table_names()
    assert "reminder_leads" not in {c["name"] for c in inspect(engine).get_columns("professionals")}
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT name FROM professionals").scalar() == "Dr Kara"
    engine.dispose()


def test_0010_adds_charge_attended_sessions_off_and_keeps_the_practice(
    tmp_path: Path, clock
) -> None:
    from alembic import command

    engine = make_engine(f"sqlite:///{tmp_path / 'kara.db'}")
    upgrade(engine, "0005_feed_block_all_day")
    with engine.begin() as conn:
        _seed_0001(conn)
    upgrade(engine, "0009_session_series")
    upgrade(engine, "0010_session_charges")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT charge_attended_sessions FROM professionals").all() == [
            (0,)
        ]
    practice = Practice(engine, clock)
    assert practice.professional().charge_attended_sessions is False
    _check_seeded_practice(practice)
    practice.set_setting("charge_attended_sessions", "yes")
    with engine.begin() as conn:
        cfg = alembic_config()
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0009_session_series")
    assert "charge_attended_sessions" not in {
        c["name"] for c in inspect(engine).get_columns("professionals")
    }
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT name, reminder_leads FROM professionals").all() == [
            ("Dr Kara", "24")
        ]
    engine.dispose()
