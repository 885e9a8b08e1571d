"""Alternating rounds: each side measured once a round, in turn, so that a busy moment on the
shared machine hits every side alike."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")


def never_failed(_result: object) -> str:
    return ""


def alternating(
    rounds: int,
    sides: Sequence[Callable[[], T]],
    failed: Callable[[T], str] = never_failed,
) -> tuple[list[list[T]], str]:
    """Run every side once a round, in order, for ``rounds`` rounds.

    Returns each side's results and, when ``failed(result)`` said why for one of them, that
    reason: the rounds stop there (the failed result is left out).
    """
    results: list[list[T]] = [[] for _ in sides]
    for _ in range(rounds):
        for side, kept in zip(sides, results, strict=True):
            result = side()
            why = failed(result)
            if why:
                return results, why
            kept.append(result)
    return results, ""
