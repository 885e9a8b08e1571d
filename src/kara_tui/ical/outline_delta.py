"""A body's outline from the outline of the body it replaced, when only a stretch changed.

A re-sync of a big feed in which one event was edited spent most of its time outlining
the whole new body again (scan, copy without stamps, cut, one hash per block). When the
process still holds the previous body and its outline, the new body shares a prefix and
a suffix with it; every VEVENT block wholly inside those is byte for byte a block the
previous outline proved and hashed. :func:`outline_after` outlines only the blocks in
between (with the same head and tail around them, so they are proved in the same frame)
and takes the rest from the previous outline. It returns exactly what
:func:`~kara_tui.ical.outline.outline` returns for the new body, or None when it cannot
be sure of that (the caller then outlines the body whole): the head or tail changed, the
change reaches the last block, the DTSTAMP values would be left out another way, or a
UID group has blocks both inside and outside the changed stretch.
"""

from __future__ import annotations

from kara_tui.ical.outline import Outline, outline_stamped, patterns_of, stamp_line

_STEP = 1 << 16  # bytes compared per slice while looking for where two bodies differ
_STAMP = b"\nDTSTAMP:"


def outline_after(old: bytes, old_outline: Outline, new: bytes) -> Outline | None:
    """``outline(new)``, from ``old_outline`` (which must be ``outline(old)``); None when a
    whole outline of ``new`` is the way (see the module docstring)."""
    if old_outline.size != len(old) or len(old) < _STEP or old == new:
        return None
    p = patterns_of(old)  # the new body's too: its head is in the common prefix
    prefix = _common_prefix(old, new)
    suffix = _common_suffix(old, new, min(len(old), len(new)) - prefix)
    head_end = new.find(p.start)
    # The changed stretch, widened to whole blocks: from the last block start wholly in
    # the common prefix to the first wholly in the common suffix.
    start = new.rfind(p.start, head_end, prefix)
    stop = new.find(p.start, len(new) - suffix)
    if head_end < 0 or start < 0 or stop < 0:
        return None  # the head, or the last block or the tail, changed
    shift = len(new) - len(old)
    # The blocks wholly before the stretch and wholly after it (the same in both bodies):
    # the smaller side counted, the other the rest of the old body's blocks.
    old_keys = old_outline.block_uids
    between = old.count(p.start, start, stop - shift)
    if start < len(new) - stop:
        before = new.count(p.start, 0, start)
        after = len(old_keys) - before - between
    else:
        after = new.count(p.start, stop)
        before = len(old_keys) - after - between
    kept = old_keys[:before] + old_keys[len(old_keys) - after :]
    if min(before, after) < 0 or old.find(p.start, stop - shift) != stop - shift:
        return None
    tail_start = new.rfind(p.end + p.eol) + len(p.end)
    middle = new[:head_end] + new[start:stop] + new[tail_start:]
    changed = outline_stamped(middle, old_outline.stamp)
    if changed is None or changed.head_digest != old_outline.head_digest:
        return None
    count = before + after + changed.event_count
    stamps = _stamp_count(old, old_outline, new, start, stop, shift)
    if stamps is None:
        if stamp_line(new, count) != old_outline.stamp:
            return None  # the stamps are left out another way: every digest may move
    else:
        line, stamp_count = stamps
        if (line if len(line) > len(_STAMP) and stamp_count >= count else None) != (
            old_outline.stamp
        ):
            return None
    gone = set(old_keys[before : len(old_keys) - after])
    if not gone.isdisjoint(kept) or not changed.groups.keys().isdisjoint(kept):
        return None  # a group with blocks on both sides of the stretch's edge
    keys = old_keys[:before] + changed.block_uids + old_keys[len(old_keys) - after :]
    groups = dict.fromkeys(keys, "")  # every group in file order, as outline() has them
    old_groups = old_outline.groups
    for key in kept:
        groups[key] = old_groups[key]
    groups.update(changed.groups)
    return Outline(
        old_outline.head_digest,
        groups,
        count,
        keys,
        len(new),
        old_outline.stamp,
        -1 if stamps is None else stamps[1],
    )


def _stamp_count(
    old: bytes, old_outline: Outline, new: bytes, start: int, stop: int, shift: int
) -> tuple[bytes, int] | None:
    """The new body's first DTSTAMP line and how often it occurs, from the old body's count
    and the changed stretch (what outline.stamp_line decides by); None when the first
    stamp is not before the stretch (then stamp_line counts the whole body)."""
    first = old.find(_STAMP, 0, start)
    if first < 0:
        return None
    line = old[first : old.find(b"\n", first + 1)].rstrip(b"\r")
    known = old_outline.stamp_count
    if known < 0:
        known = old.count(line)  # once: the outlines after this one carry their count
    # The line has no line break but its first byte: no occurrence crosses a block's edge.
    return line, known - old.count(line, start, stop - shift) + new.count(line, start, stop)


def _common_prefix(a: bytes, b: bytes) -> int:
    """How many leading bytes ``a`` and ``b`` share (compared at C speed, without copies)."""
    limit = min(len(a), len(b))
    with memoryview(b) as view:
        at = 0
        while at < limit and a.startswith(view[at : min(at + _STEP, limit)], at):
            at += _STEP
        at = min(at, limit)
        low, high = at, min(at + _STEP, limit)
        while low < high:  # the first differing byte is in [low, high]
            mid = (low + high + 1) // 2
            if a.startswith(view[at:mid], at):
                low = mid
            else:
                high = mid - 1
    return low


def _common_suffix(a: bytes, b: bytes, limit: int) -> int:
    """How many trailing bytes ``a`` and ``b`` share, at most ``limit``."""
    la, lb = len(a), len(b)
    with memoryview(b) as view:
        at = 0
        while at < limit:
            size = min(at + _STEP, limit)
            if not a.startswith(view[lb - size : lb - at], la - size):
                break
            at = size
        low, high = at, min(at + _STEP, limit)
        while low < high:
            mid = (low + high + 1) // 2
            if a.startswith(view[lb - mid : lb - at], la - mid):
                low = mid
            else:
                high = mid - 1
    return low
