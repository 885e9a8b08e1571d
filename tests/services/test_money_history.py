"""History keeps money as a decimal string plus currency, never minor units (issue 11)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy import update

from kara_tui.db.engine import writer
from kara_tui.db.rows import AuditRow
from kara_tui.domain import Money
from kara_tui.services.practice import Practice


def test_a_fee_change_is_recorded_in_major_units(practice: Practice) -> None:
    practice.add_client("Anna Smith", fee=Money(8000, "GBP"))
    session = practice.book("Anna Smith", datetime(2026, 11, 17, 10, tzinfo=UTC))
    practice.edit_session(session.id, fee=Money(8500, "GBP"))
    book, edit = practice.history(session.id)
    assert book.after["fee"] == "80.00 GBP"
    assert (edit.before["fee"], edit.after["fee"]) == ("80.00 GBP", "85.00 GBP")


def test_a_fee_recorded_in_minor_units_before_the_fix_reads_as_money(
    practice: Practice, engine
) -> None:
    practice.add_client("Anna Smith", fee=Money(7000, "GBP"))
    session = practice.book("Anna Smith", datetime(2026, 11, 17, 10, tzinfo=UTC))
    kenji = practice.add_client("Kenji", fee=Money(12000, "JPY"))
    yen = practice.book(kenji.id, datetime(2026, 11, 18, 10, tzinfo=UTC))
    with writer(engine).begin() as db:  # as an older kara-tui wrote them
        for sid, fee in ((session.id, "7000 GBP"), (yen.id, "12000 JPY")):
            db.execute(
                update(AuditRow)
                .where(AuditRow.entity_id == sid, AuditRow.entity == "session")
                .values(after=json.dumps({"fee": fee, "status": "scheduled"}))
            )
    [book] = practice.history(session.id)
    assert book.after == {"fee": "70.00 GBP", "status": "scheduled"}
    [book_yen] = practice.history(yen.id)
    assert book_yen.after["fee"] == "12000 JPY"
