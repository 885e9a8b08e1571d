"""A separate kara-tui process for the reliability tests: books sessions, printing each id
once it is committed.

    python writer_child.py DB_URL CLIENT_ID COUNT DAY_OFFSET [GO_FILE]
        With GO_FILE it waits for that file to exist first, so that two writers start
        together. A busy database ends it with the service's one-line message on stderr and
        exit code 3.

    python writer_child.py --zygote DB_URL CLIENT_ID
        Imports everything once, then for each line N on stdin forks a writer (day offset N)
        that prints "pid P" and then ids until it is killed; when it has died the zygote
        prints "exit STATUS". Forking skips the second of imports per crash, so the crash
        test can kill many real processes quickly.
"""

from __future__ import annotations

import os
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from kara_tui.clock import FixedClock
from kara_tui.db.engine import StorageError, make_engine
from kara_tui.services.practice import Practice

CLOCK = FixedClock(datetime(2026, 11, 16, 8, tzinfo=UTC))
BASE = datetime(2027, 1, 4, 9, tzinfo=UTC)


def write(url: str, client_id: int, count: int, offset: int, go: Path | None = None) -> int:
    practice = Practice(make_engine(url), CLOCK)
    practice.professional()  # connect before the start signal
    while go is not None and not go.exists():
        time.sleep(0.005)
    base = BASE + timedelta(days=offset)
    for i in range(count):
        try:
            session = practice.book(client_id, base + timedelta(minutes=i), force=True)
        except StorageError as exc:
            print(exc, file=sys.stderr, flush=True)
            return 3
        _say(f"{session.id}\n")
    return 0


def _say(line: str) -> None:
    """One write(2) of a short line to a pipe is atomic: a SIGKILL cannot cut the line in
    two, as it could between print's writes of the text and of the newline."""
    sys.stdout.flush()
    os.write(sys.stdout.fileno(), line.encode())


def zygote(url: str, client_id: int) -> int:
    for line in sys.stdin:
        sys.stdout.flush()
        pid = os.fork()
        if pid == 0:  # the writer: a fresh engine, nothing shared with the zygote
            _say(f"pid {os.getpid()}\n")
            code = write(url, client_id, 1_000_000, int(line))
            sys.stdout.flush()
            os._exit(code)
        _, status = os.waitpid(pid, 0)
        print(f"exit {status}", flush=True)
    return 0


def main() -> int:
    if sys.argv[1] == "--zygote":
        return zygote(sys.argv[2], int(sys.argv[3]))
    go = Path(sys.argv[5]) if len(sys.argv) > 5 else None
    return write(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), go)


if __name__ == "__main__":
    sys.exit(main())
