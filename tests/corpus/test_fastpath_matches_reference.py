"""parse_feed (single events without the rule engine, one small calendar per series, bounds)
gives the same occurrences as recurring-ical-events run plainly over the whole repaired
calendar, on every corpus file.

Both sides share the line repairs and zone resolution, so this isolates the fast path.
Where a bound or a fallback legitimately changes the result, parse_feed must have said so
with a Problem for that UID; those UIDs are compared no further.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from corpus_helpers import CORPUS, at, corpus_files, zone

from kara_tui.ical import parts
from kara_tui.ical.expand.triage import split_events as _split
from kara_tui.ical.parse import (
    FeedUnreadable,
    Occurrence,
    _parse_feed,
    expand_reference,
    parse_feed,
)
from kara_tui.ical.prepare import NotICalendar, prepare

if not CORPUS.is_dir():
    pytest.skip(f"the iCalendar corpus is not at {CORPUS}", allow_module_level=True)

WINDOWS = [
    (at("1990-01-01"), at("2035-01-01")),
    (at("2019-06-01T12:00"), at("2020-02-01T00:00")),
]


@pytest.mark.parametrize("path", corpus_files(), ids=lambda p: str(p.relative_to(CORPUS)))
def test_fast_path_matches_plain_recurring_ical_events(path: Path) -> None:
    body = path.read_bytes()
    for start, end in WINDOWS:
        try:
            fast = parse_feed(body, window_start=start, window_end=end)
        except FeedUnreadable:
            with pytest.raises(FeedUnreadable):
                expand_reference(body, window_start=start, window_end=end)
            return
        reference = expand_reference(body, window_start=start, window_end=end)
        reported = {p.uid for p in fast.problems if p.uid}
        got = {(o.uid, o.recurrence_id): o for o in fast.occurrences if o.uid not in reported}
        want = {(o.uid, o.recurrence_id): o for o in reference if o.uid not in reported}
        assert got.keys() == want.keys()
        for key, occurrence in got.items():
            assert occurrence == want[key], key


# Windows for holding parse_feed to itself with the fast path off: a wide one, narrow ones
# that leave most of a file outside (so whole series are skipped unread), and zones that
# put all-day dates and DST folds at the edges.
SPLIT_WINDOWS = [
    (at("1990-01-01"), at("2035-01-01"), "UTC"),
    (at("2019-06-01T12:00"), at("2020-02-01T00:00"), "UTC"),
    (at("2024-01-01", "Europe/London"), at("2025-01-01", "Europe/London"), "Europe/Berlin"),
    (at("2011-03-01", "America/New_York"), at("2011-12-01", "America/New_York"), "UTC"),
]


@pytest.mark.parametrize("path", corpus_files(), ids=lambda p: str(p.relative_to(CORPUS)))
def test_fast_path_changes_nothing_not_even_a_problem(path: Path) -> None:
    """parse_feed with and without its fast path: the same occurrences and the same problems."""
    body = path.read_bytes()
    for start, end, tz in SPLIT_WINDOWS:
        common = {
            "window_start": start,
            "window_end": end,
            "max_occurrences_per_series": 5000,
            "max_seconds_per_series": 2.0,
            "default_tz": zone(tz),
        }
        try:
            slow = _parse_feed(body, fast=False, **common)  # type: ignore[arg-type]
        except FeedUnreadable:
            with pytest.raises(FeedUnreadable):
                _parse_feed(body, fast=True, **common)  # type: ignore[arg-type]
            return
        fast = _parse_feed(body, fast=True, **common)  # type: ignore[arg-type]
        got = {(o.uid, o.recurrence_id): o for o in fast.occurrences}
        want = {(o.uid, o.recurrence_id): o for o in slow.occurrences}
        assert got.keys() == want.keys()
        for key, occurrence in got.items():
            assert occurrence == want[key], key
            assert type(occurrence.start) is type(want[key].start), key
        assert sorted(map(repr, fast.problems)) == sorted(map(repr, slow.problems))
        assert (fast.event_count, fast.calendar_name) == (slow.event_count, slow.calendar_name)


def test_the_fast_path_does_most_of_the_corpus() -> None:
    """The comparisons above mean something only if the fast path and the skipping are used."""
    fast = series = total = 0
    for path in corpus_files():
        try:
            events = prepare(path.read_bytes()).events
        except NotICalendar:
            continue
        start, end, _ = SPLIT_WINDOWS[1]
        split = _split(events, start, end)
        total += len(events)
        fast += len(events) - len(split.complex)
        series += len(split.series)
    assert fast > total / 2
    assert series > 10


# parse_feed with a sink reads an outlined body in parts of whole UID groups (ical/parts.py):
# the whole parse is its reference.
@pytest.mark.parametrize("path", corpus_files(), ids=lambda p: str(p.relative_to(CORPUS)))
def test_a_body_read_in_parts_gives_the_whole_parse(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(parts, "PART_EVENTS", 2)  # as many parts as can be
    body = path.read_bytes()
    for start, end in WINDOWS:
        try:
            whole = parse_feed(body, window_start=start, window_end=end)
        except FeedUnreadable as error:
            with pytest.raises(FeedUnreadable, match=str(error)[:40]):
                parse_feed(body, window_start=start, window_end=end, sink=lambda _: None)
            return
        handed: list[list[Occurrence]] = []
        streamed = parse_feed(body, window_start=start, window_end=end, sink=handed.append)
        assert streamed.occurrences == []
        keys = [(o.uid, o.recurrence_id) for part in handed for o in part]
        assert len(keys) == len(set(keys))  # no part repeats another's, nor itself
        uids = [{o.uid for o in part} for part in handed]
        assert sum(map(len, uids)) == len(set().union(*uids))  # a group is never split
        got = sorted((o for part in handed for o in part), key=lambda o: (o.uid, o.recurrence_id))
        want = sorted(whole.occurrences, key=lambda o: (o.uid, o.recurrence_id))
        assert got == want
        by_text = lambda p: (p.uid, p.reason)  # noqa: E731
        assert sorted(streamed.problems, key=by_text) == sorted(whole.problems, key=by_text)
        assert (streamed.event_count, streamed.calendar_name) == (
            whole.event_count,
            whole.calendar_name,
        )
