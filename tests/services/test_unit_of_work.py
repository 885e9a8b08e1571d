"""The unit of work: the caller commits; leaving without a commit keeps nothing; use cases compose."""

from __future__ import annotations

import ast
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

import kara_tui.services as services_package
from kara_tui.db.rows import ClientRow, SessionRow
from kara_tui.domain import DomainError, Reason, SessionStatus
from kara_tui.services import booking, cancelling, clients, queries
from kara_tui.services.practice import Practice

LONDON = ZoneInfo("Europe/London")
TUE_10 = datetime(2026, 11, 17, 10, 0, tzinfo=LONDON)


def test_what_is_committed_stays_and_what_is_not_is_gone(practice: Practice) -> None:
    with practice.unit_of_work() as uow:
        clients.add_client(uow, "Kept Client")
        uow.commit()
    with practice.unit_of_work() as uow:
        clients.add_client(uow, "Never Committed")
    assert [c.name for c in practice.list_clients()] == ["Kept Client"]


def test_an_error_inside_undoes_every_use_case_in_the_unit(practice: Practice) -> None:
    anna = practice.add_client("Anna Smith")
    s = practice.book(anna.id, TUE_10)
    with pytest.raises(DomainError), practice.unit_of_work() as uow:
        cancelling.cancel_row(uow, s.id, Reason.CLIENT)
        booking.book(uow, anna.id, TUE_10, minutes=0)  # refused: after the cancel was made
    assert practice.get_session(s.id).status is SessionStatus.SCHEDULED


def test_rows_read_in_a_unit_stay_readable_after_it(practice: Practice) -> None:
    practice.add_client("Anna Smith")
    with practice.unit_of_work(read_only=True) as uow:
        rows = list(uow.db.scalars(select(ClientRow)))
    assert [r.name for r in rows] == ["Anna Smith"]


def test_use_cases_read_the_units_clock(practice: Practice, clock) -> None:
    anna = practice.add_client("Anna Smith")
    with practice.unit_of_work() as uow:
        assert uow.clock is practice.clock
        row = booking.book(uow, anna.id, TUE_10)
        uow.commit()
    with practice.reading() as db:
        stored = db.get(SessionRow, row.id)
        assert stored is not None and stored.created_at == clock.now()
    with practice.unit_of_work(read_only=True) as uow:
        assert [s.id for s in queries.list_sessions(uow)] == [row.id]


def test_outside_a_with_block_the_unit_has_no_session(practice: Practice) -> None:
    uow = practice.unit_of_work()
    with pytest.raises(RuntimeError, match="not open"):
        _ = uow.db


@pytest.mark.parametrize("module", ["demo.py", "clients.py"])
def test_services_call_no_private_name_of_another_object(module: str) -> None:
    """The demo and the client book compose public use cases (issue 13), never `x._name`."""
    path = Path(services_package.__file__).parent / module
    private = [
        f"line {node.lineno}: .{node.attr}"
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Attribute)
        and node.attr.startswith("_")
        and not node.attr.startswith("__")
        and not (isinstance(node.value, ast.Name) and node.value.id == "self")
    ]
    assert private == []
