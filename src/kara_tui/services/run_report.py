"""What a run over one feed (a sync) or one publishing target (a publish) says it did."""

from __future__ import annotations

from dataclasses import dataclass


# kw_only: the fields go after each report's own positional name (feed or target), so
# ``SyncReport(name, ok=..., message=...)`` reads as it always has.
@dataclass(frozen=True, slots=True, kw_only=True)
class RunReport:
    """``ok`` is False when the run failed; ``message`` is its one line, in words safe to show
    (no secret address, no client name); ``unchanged``: the events it found as they were."""

    ok: bool
    message: str
    unchanged: int = 0
