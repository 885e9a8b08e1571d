"""The audit helpers: a row's change recorded with its snapshot before and after, on a real file."""

from __future__ import annotations

import json
import sqlite3

import pytest

from kara_tui.db.rows import ClientRow
from kara_tui.domain import Money
from kara_tui.services import audit


def _events(db_url: str) -> list[tuple]:
    conn = sqlite3.connect(db_url.removeprefix("sqlite:///"))
    try:
        return conn.execute(
            "SELECT entity, entity_id, action, before, after, reason FROM audit_events"
            " WHERE action LIKE 'probe%' ORDER BY id"
        ).fetchall()
    finally:
        conn.close()


def _credit(row: ClientRow) -> dict[str, object]:
    return {"sponsored_credit": row.sponsored_credit}


def test_tracked_records_the_snapshots_around_the_block_with_what_it_noted(
    practice, clock, db_url
) -> None:
    anna = practice.add_client("Anna Smith", fee=Money(9000, "GBP"))
    with practice.writing() as db:
        row = db.get(ClientRow, anna.id)
        with audit.tracked(db, row, "probe", _credit, at=clock.now(), reason="top-up") as noted:
            row.sponsored_credit = 4
            noted["note"] = "seen only after"
    assert _events(db_url) == [
        (
            "client",
            anna.id,
            "probe",
            json.dumps({"sponsored_credit": 0}),
            json.dumps({"note": "seen only after", "sponsored_credit": 4}),
            "top-up",
        )
    ]


def test_tracked_records_nothing_when_the_block_raises(practice, clock, db_url) -> None:
    anna = practice.add_client("Anna Smith", fee=Money(9000, "GBP"))
    with practice.writing() as db:
        row = db.get(ClientRow, anna.id)
        with (
            pytest.raises(ValueError, match="refused"),
            audit.tracked(db, row, "probe", _credit, at=clock.now()),
        ):
            raise ValueError("refused")
        audit.change(db, row, "probe-after", at=clock.now(), after={"kept": True})
    assert [(e[2], e[4]) for e in _events(db_url)] == [("probe-after", json.dumps({"kept": True}))]
