"""Blocking a range as time off again: the block already there is reused or extended."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from kara_tui.domain import TimeOff


@dataclass(frozen=True, slots=True)
class Block:
    """Where [start, end) goes: ``reuse`` is the id of a block to keep (None: add a new one),
    ``start``/``end`` its bounds afterwards (wider than before when it is extended)."""

    reuse: int | None
    start: datetime
    end: datetime

    def extends(self, block: TimeOff) -> bool:
        return (self.start, self.end) != (block.start, block.end)


def block_for(existing: Iterable[TimeOff], start: datetime, end: datetime) -> Block:
    """One block per range: a block that already covers [start, end) is reused; one that
    overlaps or touches it (the earliest) is extended to cover both; otherwise a new block."""
    touching = sorted((b for b in existing if b.start <= end and b.end >= start), key=_key)
    for b in touching:
        if b.start <= start and b.end >= end:
            return Block(b.id, b.start, b.end)
    if touching:
        first = touching[0]
        return Block(first.id, min(first.start, start), max(first.end, end))
    return Block(None, start, end)


def _key(block: TimeOff) -> tuple[datetime, int]:
    return (block.start, block.id)
