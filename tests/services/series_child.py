"""A separate kara-tui process that extends open-ended series, for the two-process test.

python series_child.py DB_URL NOW_ISO GO_FILE
    Waits for GO_FILE to exist (so that two start together), runs extend_all once and
    prints how many sessions it booked.
"""

from __future__ import annotations

import sys
import time
from datetime import datetime
from pathlib import Path

from kara_tui.clock import FixedClock
from kara_tui.db.engine import make_engine
from kara_tui.services.practice import Practice
from kara_tui.services.series import SeriesBook

if __name__ == "__main__":
    url, now, go = sys.argv[1], datetime.fromisoformat(sys.argv[2]), Path(sys.argv[3])
    practice = Practice(make_engine(url), FixedClock(now))
    practice.professional()  # connect before the start signal
    while not go.exists():
        time.sleep(0.005)
    print(SeriesBook(practice).extend_all())
