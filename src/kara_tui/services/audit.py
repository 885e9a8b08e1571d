"""Append-only audit trail, written inside the same transaction as the change it records."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime

from sqlalchemy.orm import Session as DbSession

from kara_tui.db.rows import AuditRow


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


def redact(stored: str | None, keys: frozenset[str]) -> str | None:
    """A stored before/after document without ``keys`` (for a session deleted as a mistake)."""
    if stored is None:
        return None
    document = json.loads(stored)
    if not isinstance(document, dict):
        return stored
    kept = {k: v for k, v in document.items() if k not in keys}
    return json.dumps(kept, default=str, sort_keys=True)
