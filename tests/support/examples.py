"""How many examples a property test tries: all of them in `make test` and CI, fewer in
`make test-fast`, which sets KARA_HYPOTHESIS_PROFILE=fast."""

from __future__ import annotations

import os

from hypothesis import settings

FAST = "fast"
# The quick loop tries a tenth of each test's examples (at least this many).
FAST_SHARE, FAST_LEAST = 10, 5


def load_profile() -> None:
    """Register the "fast" profile and load the one KARA_HYPOTHESIS_PROFILE names (the
    default, with every example, when it is unset)."""
    settings.register_profile(FAST, max_examples=max(FAST_LEAST, 100 // FAST_SHARE))
    settings.load_profile(os.environ.get("KARA_HYPOTHESIS_PROFILE", "default"))


def examples(full: int) -> int:
    """``full`` examples, or a tenth of them under the "fast" profile: for the tests whose
    own ``@settings`` give a number, which a profile cannot lower."""
    if settings.get_current_profile_name() == FAST:
        return max(FAST_LEAST, full // FAST_SHARE)
    return full
