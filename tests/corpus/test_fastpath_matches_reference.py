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
from corpus_helpers import CORPUS, at, corpus_files

from kara_tui.ical.parse import FeedUnreadable, expand_reference, parse_feed

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
