"""An outlined feed body cut into parts of whole UID groups, each a body of its own.

A cold import of a 100,000-event feed parsed in one go holds every event's text, its
reading and all of its half a million occurrences at once (over 500 MB). Cut into parts
of a few thousand VEVENTs, each parsed and stored before the next is cut, it holds one
part's worth beside the body. Each part is the body with only some groups' blocks
(``outline.keep_blocks`` does the same for one set of groups; this finds the blocks once
for all the parts), so each parses, for its groups, exactly as the whole body does.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import pairwise

from kara_tui.ical.outline import Outline, block_region
from kara_tui.ical.prepare import MAX_LINE_CHARS

PART_EVENTS = 5_000
"""VEVENTs per part (a group is never split): a part's reading costs a few tens of MB."""
WHOLE_EVENTS = 20_000
"""The most VEVENTs a body may have to be parsed whole, as any feed (about 100 MB at most):
staging parts costs time (services/feed_in_parts.py), so only a bigger body is cut."""


def read_whole(event_count: int) -> bool:
    """Is a body of ``event_count`` VEVENTs parsed whole rather than cut into parts?"""
    return event_count <= max(PART_EVENTS, WHOLE_EVENTS)


def part_bodies(body: bytes, outline: Outline, size: int | None = None) -> Iterator[bytes] | None:
    """Bodies of whole UID groups, about ``size`` (PART_EVENTS) VEVENTs each, groups in order
    of first appearance; None when the body does not match its outline or a block is longer than a
    line may be (the whole parse then notes it)."""
    if len(body) != outline.size or len(outline.block_uids) != outline.event_count:
        return None
    eol, start, end = block_region(body)
    separator = eol + b"BEGIN:VEVENT" + eol
    starts: list[int] = []
    at = body.find(separator, start, end)
    while at >= 0:
        starts.append(at)
        at = body.find(separator, at + len(separator), end)
    if len(starts) != outline.event_count or not starts or starts[0] != start:
        return None
    starts.append(end)
    if max(b - a for a, b in pairwise(starts)) > MAX_LINE_CHARS:
        return None
    return _bodies(body, outline.block_uids, starts, PART_EVENTS if size is None else size)


def _bodies(body: bytes, keys: tuple[str, ...], starts: list[int], size: int) -> Iterator[bytes]:
    blocks: dict[str, list[int]] = {}
    for index, key in enumerate(keys):
        blocks.setdefault(key, []).append(index)
    head, tail = body[: starts[0]], body[starts[-1] :]
    chosen: list[int] = []
    for indexes in blocks.values():
        chosen.extend(indexes)
        if len(chosen) >= size:
            yield _joined(body, head, tail, starts, chosen)
            chosen = []
    if chosen:
        yield _joined(body, head, tail, starts, chosen)


def _joined(body: bytes, head: bytes, tail: bytes, starts: list[int], chosen: list[int]) -> bytes:
    chosen.sort()  # file order, as keep_blocks keeps them
    return b"".join([head, *(body[starts[i] : starts[i + 1]] for i in chosen), tail])
