"""What the week view works out once a page is what working it out afresh gives: each event's
segments in the grid, and the header's count of each day's events and its columns."""

from __future__ import annotations

from rich.segment import Segment

from calendar_kit import settle
from kara_tui.ui.widgets.cells import cell
from kara_tui.ui.widgets.week import DayHeader, WeekGrid, event_lines


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


async def test_the_header_counts_each_page_afresh(app, ids) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        header = app.screen.query_one(DayHeader)
        seen = set()
        for key in ("right_square_bracket", "left_square_bracket", "left_square_bracket", ""):
            lines = [header.render_line(y).text for y in (0, 1)]
            header._counted = None
            assert lines == [header.render_line(y).text for y in (0, 1)]
            seen.add(lines[1])
            if key:
                await pilot.press(key)
                await settle(app, pilot)
        assert any("◇ 1" in line for line in seen) and len(seen) == 3  # weeks 46, 47 and 48
