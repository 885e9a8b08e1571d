"""The week grid draws each event's segments once a page: every row of an event, at every
width, is what drawing it afresh gives."""

from __future__ import annotations

from rich.segment import Segment

from calendar_kit import settle
from kara_tui.ui.widgets.cells import cell
from kara_tui.ui.widgets.week import WeekGrid, event_lines


def _afresh(grid: WeekGrid, block, line: int, width: int, privacy: bool) -> list[Segment]:
    """An event's line as it was drawn for each row, before its segments were kept."""
    data = grid.data
    event = block.item
    text_style = grid.style("external")
    feed = data.feed_of(event)
    if feed is not None and feed.stale:
        text_style += grid.style("stale")
    lines = event_lines(event, data, block.bottom - block.top, width - 1, privacy)
    text = lines[line] if 0 <= line < len(lines) else ""
    return [Segment("┊", grid.feed_edge(data, event)), cell(text, width - 1, text_style)]


async def test_each_row_of_an_event_is_drawn_as_afresh(app, ids) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        grid = app.screen.query_one(WeekGrid)
        blocks = [b for layout in grid._layouts for b in layout.events]
        assert blocks
        for privacy in (False, True):
            grid.privacy = privacy
            for block in blocks:
                for width in (2, 7, 21, 40):
                    for line in range(-1, block.bottom - block.top + 2):
                        drawn = grid._event_line(grid.data, block, block.item, line, width)
                        assert drawn == _afresh(grid, block, line, width, privacy), (line, width)
