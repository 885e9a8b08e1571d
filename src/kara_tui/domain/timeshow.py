"""Wall-clock times as the screens and the command line show them.

The night the clocks go back, 01:30 happens twice: a bare "01:30" is then a guess, so a
time that happens twice is shown with its zone's name ("01:30 BST", "01:30 GMT"), and a
span across a clock change names both ends ("01:30 BST-01:20 GMT", not "01:30-01:20").
Every other time stays the plain "10:00". The rule lives here once, for the UI and the CLI.
"""

from __future__ import annotations

from datetime import datetime, tzinfo


def happens_twice(local: datetime) -> bool:
    """Whether this local wall time also happens at another offset (the clocks go back)."""
    return local.replace(fold=1 - local.fold).utcoffset() != local.utcoffset()


def clock(local: datetime) -> str:
    """'10:00', or '01:30 BST' when that wall time happens twice."""
    return f"{local:%H:%M %Z}" if happens_twice(local) else f"{local:%H:%M}"


def clock_span(start: datetime, end: datetime, tz: tzinfo) -> str:
    """'10:00-10:50', both ends named when the offset changes in between or either end
    happens twice; the end's day is added when it falls on another day."""
    a, b = start.astimezone(tz), end.astimezone(tz)
    if a.utcoffset() != b.utcoffset() or happens_twice(a) or happens_twice(b):
        return f"{a:%H:%M %Z}–{b:%H:%M %Z}"
    if a.date() == b.date():
        return f"{a:%H:%M}–{b:%H:%M}"
    return f"{a:%H:%M}–{b:%a %H:%M}"


def moment(value: datetime, tz: tzinfo) -> str:
    """'Mon 16 Nov 2026 10:00' in the zone ('Sun 31 Oct 2027 01:30 GMT' on the night
    that time happens twice)."""
    local = value.astimezone(tz)
    return f"{local:%a} {local.day} {local:%b %Y} {clock(local)}"
