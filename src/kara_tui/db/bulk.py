"""Writing many rows of one table at once, without SQLAlchemy's per-value processing on SQLite.

A Core ``insert`` of 58,000 feed occurrences spends more time in SQLAlchemy's bind
processing (one call per value per row) than SQLite spends storing them. On SQLite,
:class:`Bulk` formats each value here exactly as the Core path would store it and hands the
rows to the driver's ``executemany``; on any other backend it uses the Core statements, so
the values are whatever the column types make of them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, Literal

from sqlalchemy import (
    Boolean,
    Connection,
    Table,
    bindparam,
    delete,
    insert,
    select,
    type_coerce,
    update,
)
from sqlalchemy.types import NullType

from kara_tui.db.codec import sqlite_flag, sqlite_instant
from kara_tui.db.types import UTCDateTime

__all__ = ["DELETE_CHUNK", "WRITE_CHUNK", "Bulk", "sqlite_flag", "sqlite_instant"]

# Ids per DELETE ... IN (...): well under every backend's limit on bound parameters.
DELETE_CHUNK = 500
# Rows per executemany: rows given as a generator are never all held at once.
WRITE_CHUNK = 5000

_Convert = Callable[[Any], Any]


class Bulk:
    """Inserts, updates and deletes of many rows of ``table`` on one connection.

    Values are given as the ORM and Core take them (aware datetimes for UTCDateTime columns,
    bools for Boolean ones) and rows as sequences in the order of the ``columns`` named.
    """

    def __init__(self, conn: Connection, table: Table) -> None:
        self._conn = conn
        self._table = table
        dialect = conn.dialect
        self._quote = dialect.identifier_preparer.quote
        # Per column, what binding does to a value: a function, or None (sent as it is).
        self._converters: dict[str, _Convert | None] = {}
        self._raw = dialect.name == "sqlite" and dialect.paramstyle == "qmark"
        for column in table.columns:
            fast = _sqlite_converter(column.type, dialect) if self._raw else False
            if fast is False:  # not SQLite, or a type this module does not know: Core binds it
                self._raw = False
                self._converters[column.name] = column.type.dialect_impl(dialect).bind_processor(
                    dialect
                )
            else:
                self._converters[column.name] = fast

    @property
    def raw(self) -> bool:
        """Whether rows go to the driver directly (SQLite) rather than through Core."""
        return self._raw

    def form(self, column: str, value: Any) -> Any:
        """``value`` as :meth:`read` gives it back once stored in ``column`` (on SQLite the
        stored text of a time): compare stored and new values in this form."""
        convert = self._converters[column]
        return convert(value) if convert is not None else value

    def read(self, columns: Sequence[str], where: Any) -> list[tuple[Any, ...]]:
        """Rows of ``columns`` where ``where`` holds, as the driver returns them: plain tuples
        with no type processing (times are what :meth:`form` makes of them)."""
        stmt = select(*(type_coerce(self._table.c[c], NullType()) for c in columns)).where(where)
        result = self._conn.execute(stmt)
        try:
            # The driver's own rows (tuples): no Row object per row, which costs more than
            # the read itself.
            return list(result.cursor.fetchall())
        finally:
            result.close()

    def insert(
        self, columns: Sequence[str], rows: Iterable[Sequence[Any]], *, formed: bool = False
    ) -> int:
        """Insert ``rows`` (one value per column named); returns how many.

        ``formed``: the rows are tuples whose values are already in the form :meth:`form`
        gives (on SQLite: times as their text, flags as 0 or 1), so they go to the driver
        without a second pass; only where :attr:`raw` is true.
        """
        if formed and not self._raw:
            raise ValueError("formed rows go to the SQLite driver only")
        if not self._raw:
            return self._core(insert(self._table), columns, rows)
        names = ", ".join(self._quote(c) for c in columns)
        marks = ", ".join("?" for _ in columns)
        sql = f"INSERT INTO {self._quote(self._table.name)} ({names}) VALUES ({marks})"
        return self._driver(sql, columns, rows, formed=formed)

    def update(self, key: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
        """Set ``columns`` on the row whose ``key`` column is the last value of each row."""
        if not self._raw:
            stmt = (
                update(self._table)
                .where(self._table.c[key] == bindparam("_key"))
                .values({c: bindparam(c) for c in columns})
            )
            return self._core(stmt, [*columns, "_key"], rows)
        sets = ", ".join(f"{self._quote(c)} = ?" for c in columns)
        sql = f"UPDATE {self._quote(self._table.name)} SET {sets} WHERE {self._quote(key)} = ?"
        return self._driver(sql, [*columns, key], rows)

    def delete(self, column: str, values: Iterable[Any]) -> int:
        """Delete the rows whose ``column`` is one of ``values``, in chunks."""
        done = 0
        for chunk in _chunks(values, DELETE_CHUNK):
            self._conn.execute(delete(self._table).where(self._table.c[column].in_(chunk)))
            done += len(chunk)
        return done

    def _core(self, stmt: Any, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
        done = 0
        for chunk in _chunks(rows, WRITE_CHUNK):
            self._conn.execute(stmt, [dict(zip(columns, row, strict=True)) for row in chunk])
            done += len(chunk)
        return done

    def _driver(
        self,
        sql: str,
        columns: Sequence[str],
        rows: Iterable[Sequence[Any]],
        *,
        formed: bool = False,
    ) -> int:
        width = len(columns)
        if formed:
            done = 0
            for chunk in _chunks(rows, WRITE_CHUNK):
                if any(len(row) != width for row in chunk):
                    raise ValueError(f"a row of another length than its {width} columns")
                self._conn.exec_driver_sql(sql, chunk)
                done += len(chunk)
            return done
        converters = [(i, c) for i, name in enumerate(columns) if (c := self._converters[name])]

        def stored(row: Sequence[Any]) -> tuple[Any, ...]:
            if len(row) != width:
                raise ValueError(f"a row of {len(row)} values for {width} columns")
            if not converters:
                return tuple(row)
            out = list(row)
            for i, convert in converters:
                out[i] = convert(out[i])
            return tuple(out)  # exec_driver_sql takes a list of tuples only

        done = 0
        for chunk in _chunks(rows, WRITE_CHUNK):
            self._conn.exec_driver_sql(sql, [stored(row) for row in chunk])
            done += len(chunk)
        return done


def _sqlite_converter(type_: Any, dialect: Any) -> _Convert | Literal[False] | None:
    """How a value of ``type_`` is bound on SQLite: a function, None (as it is), or False
    (unknown: the caller must use Core)."""
    if isinstance(type_, UTCDateTime):
        return sqlite_instant
    if isinstance(type_, Boolean):
        return sqlite_flag
    if type_.dialect_impl(dialect).bind_processor(dialect) is None:
        return None
    return False


def _chunks(values: Iterable[Any], size: int) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for value in values:
        chunk.append(value)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
