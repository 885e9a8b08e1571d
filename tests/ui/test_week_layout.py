"""The week view's shortcuts for a busy week (ui/layout.py, format.hm), held to the plain way."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from kara_tui.domain import ExternalEvent, instant
from kara_tui.ui.layout import Block, _assign_lanes, day_blocks, events_by_day

MONDAY = date(2026, 3, 30)  # a week with a clock change at midnight in Santiago (5 April)


def _events(seed: int, zone: ZoneInfo, count: int = 300) -> list[ExternalEvent]:
    """A busy week's events: short and long, across midnight, over several days, all-day."""
    rng = random.Random(seed)
    start = datetime.combine(MONDAY - timedelta(days=2), datetime.min.time(), tzinfo=zone)
    found = []
    for i in range(count):
        first = start + timedelta(minutes=rng.randrange(0, 11 * 24 * 60, 10))
        length = timedelta(minutes=rng.choice([10, 30, 50, 60, 90, 240, 24 * 60, 3 * 24 * 60]))
        all_day = rng.random() < 0.1
        a: datetime | date = first.date() if all_day else first.astimezone(UTC)
        b: datetime | date = (
            first.date() + timedelta(days=1) if all_day else (first + length).astimezone(UTC)
        )
        found.append(
            ExternalEvent(
                id=i,
                feed_id=1,
                feed_name="Work",
                uid=f"e{i}",
                recurrence_id="",
                start=a,
                end=b,
                all_day=all_day,
                summary=f"event {i}",
                location="",
                busy=True,
                cancelled=False,
            )
        )
    found.sort(key=lambda e: instant(e.start, zone))  # as the page's read orders them
    return found


@pytest.mark.parametrize("zone", ["Europe/London", "America/Santiago", "Australia/Lord_Howe"])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_each_days_events_are_placed_as_from_the_whole_pages(zone: str, seed: int) -> None:
    tz = ZoneInfo(zone)
    events = _events(seed, tz)
    days = [MONDAY + timedelta(days=i) for i in range(7)]
    by_day = events_by_day(days, tz, events)
    placed = 0
    for day in days:
        expected = day_blocks(day, tz, (), events)
        assert day_blocks(day, tz, (), by_day[day]) == expected, day
        placed += len(expected)
    assert placed > 200  # the comparison compares something


def _lanes_one_by_one(placed: list[tuple[int, int, ExternalEvent, bool]]) -> list[Block]:
    """The lanes as they were assigned before (each lane's bottom found again for each block)."""
    blocks: list[Block] = []
    cluster: list[tuple[int, int, int, ExternalEvent, bool]] = []
    cluster_bottom = -1
    for top, bottom, item, early in [*placed, (10**9, 10**9, None, False)]:
        if cluster and top >= cluster_bottom:
            lanes = max(c[2] for c in cluster) + 1
            blocks += [Block(it, t, b, lane, lanes, e) for t, b, lane, it, e in cluster]
            cluster = []
        if item is None:
            break
        lane_ends: dict[int, int] = {}
        for c in cluster:
            lane_ends[c[2]] = max(lane_ends.get(c[2], 0), c[1])
        lane = next((i for i in range(len(lane_ends) + 1) if lane_ends.get(i, -1) <= top), 0)
        cluster.append((top, bottom, lane, item, early))
        cluster_bottom = max(cluster_bottom, bottom)
    return blocks


@pytest.mark.parametrize("seed", range(20))
def test_lanes_are_the_ones_found_block_by_block(seed: int) -> None:
    rng = random.Random(seed)
    events = _events(seed, ZoneInfo("Europe/London"), count=40)
    placed = []
    for event in events:
        top = rng.randrange(0, 70)
        placed.append((top, top + rng.choice([1, 2, 3, 5, 12]), event, rng.random() < 0.1))
    placed.sort(key=lambda p: (p[0], -p[1]))
    assert _assign_lanes(placed) == _lanes_one_by_one(placed)  # type: ignore[arg-type]
    assert max(b.lanes for b in _assign_lanes(placed)) > 2  # type: ignore[arg-type]


def test_a_times_hours_and_minutes_read_as_strftime_writes_them() -> None:
    """format.hm builds '%H:%M' itself (the week draws hundreds at each page)."""
    from kara_tui.ui import format as fmt

    for zone in ("Europe/London", "America/Santiago", "Australia/Lord_Howe", "Asia/Kolkata"):
        tz = ZoneInfo(zone)
        moment = datetime(2026, 3, 28, tzinfo=UTC)
        for _ in range(24 * 60 // 7 * 10):  # ten days in steps of 7 minutes, clock changes too
            assert fmt.hm(moment, tz) == moment.astimezone(tz).strftime("%H:%M")
            moment += timedelta(minutes=7)
