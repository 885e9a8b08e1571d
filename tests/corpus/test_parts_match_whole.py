"""parse_feed with a sink (a body read in parts of whole UID groups, ical/parts.py) gives
every corpus file the occurrences and problems of the whole parse."""

from __future__ import annotations

from pathlib import Path

import pytest
from corpus_helpers import CORPUS, at, corpus_files

from kara_tui.ical import parts
from kara_tui.ical.parse import FeedUnreadable, Occurrence, parse_feed

if not CORPUS.is_dir():
    pytest.skip(f"the iCalendar corpus is not at {CORPUS}", allow_module_level=True)

WINDOWS = [
    (at("1990-01-01"), at("2035-01-01")),
    (at("2019-06-01T12:00"), at("2020-02-01T00:00")),
]


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
