"""Text whose wrapped lines hang under their first word, not under their bullet."""

from __future__ import annotations

import re

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

# A line's marker: leading spaces and a glyph ('  ⚠ ', '• ') or a key letter and two spaces
# ('C  add a client'). A line of prose ('A session ...') has none and wraps as usual.
_MARKER = re.compile(r"^(\s*(?:[^\w\s]+\s+|\w\s{2,}))(?=\S)")


def hanging(text: Text) -> RenderableType:
    """``text`` line by line; a line with a marker wraps with its continuation lines indented
    to the text after the marker, so a wrapped warning never looks like a new one."""
    parts: list[RenderableType] = []
    for line in text.split("\n", allow_blank=True):
        found = _MARKER.match(line.plain)
        if found is None:
            parts.append(line)
            continue
        cut = found.end(1)
        grid = Table.grid(padding=0)
        grid.add_column(no_wrap=True)
        grid.add_column(ratio=1)
        grid.add_row(line[:cut], line[cut:])
        parts.append(grid)
    return Group(*parts)
