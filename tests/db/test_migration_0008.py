"""0008_publish_targets: the publishing tables arrive empty beside a practice's data, and go."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from sqlalchemy import inspect
from test_migrations import _check_seeded_practice, _seed_0001

from kara_tui.db.engine import make_engine
from kara_tui.db.schema import HEAD, alembic_config, current_revision, upgrade
from kara_tui.services.practice import Practice


def test_0008_from_0007_with_data_and_back_down(tmp_path: Path, clock) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'kara.db'}")
    upgrade(engine, "0007_reminders")
    with engine.begin() as conn:
        _seed_0001(conn)
    upgrade(engine, "0008_publish_targets")
    assert current_revision(engine) == "0008_publish_targets"
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO publish_targets (id, name, kind, url, detail, username, password_env,"
            " from_days, to_days, time_off, enabled, last_error, last_note, created_at) VALUES"
            " (1, 'Phone', 'caldav', 'https://dav.example.com/cal/', 'busy', 'me', 'PW', 90,"
            " 365, 0, 1, '', '', '2026-12-07 09:00:00.000000')"
        )
        conn.exec_driver_sql(
            "INSERT INTO publish_state (target_id, uid, sequence, digest, href, etag) VALUES"
            " (1, 'old@kara-tui', 1, 'abc', '/cal/old%40kara-tui.ics', '\"e1\"')"
        )
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT name, detail FROM publish_targets").all() == [
            ("Phone", "busy")
        ]
    # A target's state goes with it.
    with engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM publish_targets WHERE id = 1")
        assert conn.exec_driver_sql("SELECT count(*) FROM publish_state").scalar() == 0
    with engine.begin() as conn:
        cfg = alembic_config()
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0007_reminders")
    tables = set(inspect(engine).get_table_names())
    assert not tables & {"publish_targets", "publish_state"}
    upgrade(engine)  # and up again; today's rows read the head's columns (later migrations)
    assert current_revision(engine) == HEAD
    _check_seeded_practice(Practice(engine, clock))
    engine.dispose()
