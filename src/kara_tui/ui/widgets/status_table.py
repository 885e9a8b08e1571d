"""The status rows the Calendars screen shares between feeds in and targets out.

Each row is a named thing with a state in a glyph and a word; the table sizes its columns
to the data and keeps the cursor on the same name across a reload.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import suppress
from datetime import datetime
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar
from zoneinfo import ZoneInfo

from rich.style import Style
from rich.text import Text
from textual.color import Color, ColorParseError
from textual.widgets import DataTable
from textual.widgets.data_table import RowDoesNotExist

from kara_tui.ui.format import clean

if TYPE_CHECKING:
    from textual.app import App

# label, key, widest it may grow (a long error is cut; the line under the table has all of it)
Column = tuple[str, str, int]
Row = tuple[str, Sequence[Text]]
Columns = Sequence[Column]


ItemT = TypeVar("ItemT")


class State(NamedTuple):
    """A thing's state in a glyph and a word, so it reads without colour; ``style`` names one
    of ``theme_styles`` (none: plain)."""

    glyph: str
    word: str
    style: str = ""

    def text(self, styles: dict[str, Style] | None = None) -> Text:
        """'✓ ok' for the State column, in the theme's colour where it has one."""
        return Text(f"{self.glyph} {self.word}", style=(styles or {}).get(self.style, ""))


def _name(item: Any) -> str:
    return str(item.name)


def columns(
    thing: str, width: int, state: int, address: str, *, lead: Columns = (), extra: Columns = ()
) -> tuple[Column, ...]:
    """The columns of ``row``'s cells: ``lead``, the thing's name (``width``), its state
    (``state`` wide), ``extra``, events, last success, last error (a long one is cut; the line
    under the table has all of it), and its ``address``."""
    return (
        *lead,
        (thing, "name", width),
        ("State", "state", state),
        *extra,
        ("Events", "events", 6),
        ("Last success", "success", 16),
        ("Last error", "error", 48),
        (address, "address", 60),
    )


def when(at: datetime | None, tz: ZoneInfo) -> str:
    """A last success in the practice zone, or 'never'."""
    return f"{at.astimezone(tz):%a %d %b %H:%M}" if at is not None else "never"


def fill(table: DataTable[Any], columns: Sequence[Column], rows: Sequence[Row]) -> None:
    """Replace the table's rows; the cursor stays on the row of the same key."""
    keep = None
    if table.row_count:
        keep = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
    # Widths from the data: DataTable's automatic widths come after the first paint.
    table.clear(columns=True)
    for index, (label, key, cap) in enumerate(columns):
        widest = max((cells[index].cell_len for _, cells in rows), default=0)
        table.add_column(label, key=key, width=min(cap, max(len(label), widest)))
    for key, cells in rows:
        table.add_row(*cells, key=key)
    if keep is not None:
        with suppress(RowDoesNotExist):
            table.move_cursor(row=table.get_row_index(keep))


def selected(
    table: DataTable[Any], items: Sequence[ItemT], key: Callable[[ItemT], str] = _name
) -> ItemT | None:
    """The item whose ``key`` (its name) is the key of the row under the cursor."""
    if not items or table.row_count == 0:
        return None
    row = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
    return next((item for item in items if key(item) == row), None)


def theme_styles(app: App[Any]) -> dict[str, Style]:
    """The theme's success/warning/error colours and 'dim'; the glyph and word say it without them."""
    styles = {"dim": Style(dim=True)}
    try:
        variables = app.get_css_variables()
    except Exception:  # no theme to ask: plain text still reads (glyph and word)
        return styles
    for name in ("warning", "success", "error"):
        with suppress(KeyError, ColorParseError):
            styles[name] = Style(color=Color.parse(variables[name]).rich_color)
    return styles


def headline(glyph: str, name: str, middle: str, address: str) -> Text:
    """The first line under the table: glyph and name in bold, the facts, the address dimmed."""
    return Text.assemble((f"{glyph} {clean(name)}", "bold"), middle, (clean(address), "dim"))


def row(
    name: str,
    state: Text,
    count: int,
    last_success: datetime | None,
    tz: ZoneInfo,
    error: str,
    address: str,
    *,
    lead: Sequence[Text] = (),
    extra: Sequence[Text] = (),
    error_style: str | Style = "",
) -> Row:
    """One thing's cells: ``lead``, name, state, ``extra``, count, last success, error, address."""
    cells = (
        *lead,
        Text(clean(name)),
        state,
        *extra,
        Text(str(count), justify="right"),
        Text(when(last_success, tz)),
        Text(clean(error), style=error_style),
        Text(clean(address)),
    )
    return name, cells
