"""The unit of work: one object that owns a database session and its transaction."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from datetime import datetime
from types import TracebackType
from typing import Self

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session as DbSession
from sqlalchemy.orm import sessionmaker

from kara_tui.clock import Clock
from kara_tui.db.engine import StorageError, explain
from kara_tui.services.audit import record


class UnitOfWork:
    """``with uow: ...; uow.commit()`` (cosmicpython's shape). The caller opens it and says
    when to commit; the use cases it is passed to work inside it, so several of them (an
    archive cancelling sessions, the demo's whole history) share one transaction. Leaving it
    without a commit rolls back. Database failures become StorageError with a plain sentence.

    ``clock`` is the time the use cases read; the demo sets it back to record history.
    """

    def __init__(self, sessions: sessionmaker[DbSession], clock: Clock) -> None:
        self._sessions = sessions
        self.clock = clock
        self._db: DbSession | None = None

    @property
    def db(self) -> DbSession:
        if self._db is None:
            raise RuntimeError("the unit of work is not open: use it in a with block")
        return self._db

    def __enter__(self) -> Self:
        self._db = self._sessions()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        db, self._db = self.db, None
        try:
            # Closing rolls back what was not committed and leaves loaded rows readable
            # (a rollback would expire them: a read's rows are used after the block).
            db.close()
        except (SQLAlchemyError, sqlite3.Error) as failure:
            if exc is None:
                _raise_plain(failure)
                raise
        if isinstance(exc, SQLAlchemyError | sqlite3.Error):
            _raise_plain(exc)  # else the original exception goes on as it is

    def commit(self) -> None:
        try:
            self.db.commit()
        except (SQLAlchemyError, sqlite3.Error) as exc:
            _raise_plain(exc)
            raise

    def audit(
        self,
        entity: str,
        entity_id: int,
        action: str,
        *,
        before: Mapping[str, object] | None = None,
        after: Mapping[str, object] | None = None,
        reason: str = "",
        at: datetime | None = None,
    ) -> None:
        """Record a change in the audit trail, in this transaction, at the clock's time unless
        ``at`` says when (the demo's history, a time read once for several writes)."""
        when = self.clock.now() if at is None else at
        record(
            self.db,
            at=when,
            entity=entity,
            entity_id=entity_id,
            action=action,
            before=before,
            after=after,
            reason=reason,
        )


def _raise_plain(exc: BaseException) -> None:
    """Raise StorageError for a database failure we can put in words; else return."""
    message = explain(exc)
    if message is not None:
        raise StorageError(message) from exc
