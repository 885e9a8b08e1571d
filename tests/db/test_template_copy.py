"""The CLI tests' new database, a copy of the migrated template (support/databases.py), is the
database the migrations make."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from kara_tui.db.engine import make_engine
from kara_tui.db.schema import HEAD, current_revision, upgrade
from support.databases import upgrade_from_copy


def _shape(conn: sqlite3.Connection) -> dict[str, object]:
    """Tables, columns, keys and indexes: the migrations (batch_alter_table) write a rebuilt
    table's constraints in an order that changes from one run to the next."""
    tables = [name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    return {
        table: (
            conn.execute(f'PRAGMA table_info("{table}")').fetchall(),
            sorted(row[2:] for row in conn.execute(f'PRAGMA foreign_key_list("{table}")')),
            sorted(
                (name, unique, origin, conn.execute(f'PRAGMA index_info("{name}")').fetchall())
                for _, name, unique, origin, _ in conn.execute(f'PRAGMA index_list("{table}")')
            ),
        )
        for table in sorted(tables)
    }


def _made(path: Path, how) -> dict[str, object]:
    engine = make_engine(f"sqlite:///{path}")
    how(engine)
    assert current_revision(engine) == HEAD
    engine.dispose()
    with sqlite3.connect(path) as conn:
        return {
            "shape": _shape(conn),
            "others": sorted(
                conn.execute(
                    "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE type != 'table'"
                )
            ),
            "sequence": sorted(conn.execute("SELECT name, seq FROM sqlite_sequence")),
            "journal": conn.execute("PRAGMA journal_mode").fetchone(),
            "mode": path.stat().st_mode & 0o777,
        }


def test_a_new_database_copied_from_the_template_is_the_migrated_one(
    tmp_path: Path, _migrated_template: Path
) -> None:
    copied = _made(tmp_path / "copied" / "kara.db", upgrade_from_copy(_migrated_template))
    migrated = _made(tmp_path / "migrated" / "kara.db", upgrade)
    assert copied == migrated
    assert len(copied["shape"]) > 10


def test_a_database_with_tables_is_upgraded_not_copied_over(
    tmp_path: Path, _migrated_template: Path
) -> None:
    path = tmp_path / "kara.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine, "0001")
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO professionals VALUES (1, 'Mine', '', 'UTC', 24, 100, 'card',"
            " 'mon-fri 09:00-18:00', 10, 'GBP', 50)"
        )
    upgrade_from_copy(_migrated_template)(engine)
    assert current_revision(engine) == HEAD
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT name FROM professionals").scalars().all() == ["Mine"]
    engine.dispose()
