"""Fixed-width text cells for the Line API widgets (text is data, never parsed as markup)."""

from __future__ import annotations

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style


def fit(text: str, width: int) -> str:
    """``text`` padded or cut to exactly ``width`` cells; a cut ends with '…'."""
    if width <= 0:
        return ""
    if cell_len(text) > width:
        return set_cell_size(text, width - 1) + "…" if width > 1 else set_cell_size(text, width)
    return set_cell_size(text, width)


def cell(text: str, width: int, style: Style) -> Segment:
    return Segment(fit(text, width), style)


def right(text: str, width: int) -> str:
    """``text`` right-aligned in ``width`` cells (cut from the left when too long)."""
    size = cell_len(text)
    if size >= width:
        return fit(text, width)
    return " " * (width - size) + text


def split_widths(total: int, parts: int) -> list[int]:
    """``total`` cells shared by ``parts`` columns, the remainder going to the first ones."""
    if parts <= 0:
        return []
    base, extra = divmod(max(total, 0), parts)
    return [base + (1 if i < extra else 0) for i in range(parts)]
