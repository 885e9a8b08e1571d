"""Append-only audit trail, written inside the same transaction as the change it records."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from typing import TypedDict, TypeVar, Unpack

from sqlalchemy.orm import Session as DbSession

from kara_tui.db.rows import AuditRow, ChargeRow, ClientRow, SeriesRow, SessionRow

# The entity name the trail gives each kind of row (what `kara-tui audit` filters on).
ENTITIES: dict[type, str] = {
    ClientRow: "client",
    SessionRow: "session",
    SeriesRow: "series",
    ChargeRow: "charge",
}

Row = TypeVar("Row", ClientRow, SessionRow, SeriesRow, ChargeRow)


class Documents(TypedDict, total=False):
    """What an entry says about a change, as ``record`` takes it."""

    before: Mapping[str, object] | None
    after: Mapping[str, object] | None
    reason: str


def record(
    db: DbSession,
    *,
    at: datetime,
    entity: str,
    entity_id: int,
    action: str,
    before: Mapping[str, object] | None = None,  # read-only: a dict[str, str] is welcome
    after: Mapping[str, object] | None = None,
    reason: str = "",
) -> None:
    db.add(
        AuditRow(
            at=at,
            entity=entity,
            entity_id=entity_id,
            action=action,
            before=json.dumps(before, default=str, sort_keys=True) if before is not None else None,
            after=json.dumps(after, default=str, sort_keys=True) if after is not None else None,
            reason=reason,
        )
    )


def change(
    db: DbSession,
    row: ClientRow | SessionRow | SeriesRow | ChargeRow,
    action: str,
    *,
    at: datetime,
    **documents: Unpack[Documents],
) -> None:
    """``record`` for one row: the entity is named by the row's kind, the id is its own."""
    record(db, at=at, entity=ENTITIES[type(row)], entity_id=row.id, action=action, **documents)


@contextmanager
def tracked(
    db: DbSession,
    row: Row,
    action: str,
    snapshot: Callable[[Row], Mapping[str, object]],
    *,
    at: datetime,
    reason: str = "",
) -> Iterator[dict[str, object]]:
    """Record a change to ``row`` made inside the block: its snapshot before and after.

    The dict yielded is added to the after snapshot (what the snapshot cannot see, such as
    a credit spent). Nothing is recorded when the block raises.
    """
    before = dict(snapshot(row))
    extra: dict[str, object] = {}
    yield extra
    after = {**snapshot(row), **extra}
    change(db, row, action, at=at, before=before, after=after, reason=reason)


def redact(stored: str | None, keys: frozenset[str]) -> str | None:
    """A stored before/after document without ``keys`` (for a session deleted as a mistake)."""
    if stored is None:
        return None
    document = json.loads(stored)
    if not isinstance(document, dict):
        return stored
    kept = {k: v for k, v in document.items() if k not in keys}
    return json.dumps(kept, default=str, sort_keys=True)
