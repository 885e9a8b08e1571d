"""Publishing from the open calendar: shortly after each change (debounced), and on a timer.

The app ticks ``tick`` in a thread worker every few seconds. The first tick runs every target
(catching up on what changed while the calendar was closed). A change anyone made (this app,
the command line, a colleague) shows as a new ``Practice.change_token``; once the token has
stayed the same for one tick (a burst of edits is done), every target is run. A run also
happens every ``every_seconds`` (catching up after a server was down, moving the horizon).
One run at a time (a lock); a failure is recorded on the target, never raised at the UI.
"""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING, Any

from textual.message import Message

from kara_tui.ui.deps import AppServices

if TYPE_CHECKING:
    from kara_tui.services.practice import Practice
    from kara_tui.services.publish_run import Publisher, PublishReport
    from kara_tui.services.publish_targets import PublishTargets

PUBLISH_TICK_SECONDS = 3.0  # the CLI's value; make_app's default of 0 turns it off
PUBLISH_EVERY_SECONDS = 900.0


class Published(Message):
    """A publishing run finished (``reports``, one per target)."""

    def __init__(self, reports: list[PublishReport]) -> None:
        self.reports = reports
        super().__init__()


class PublishSync:
    """The app's targets service and its publisher, with the lock that keeps runs apart."""

    def __init__(
        self, practice: Practice | AppServices, *, keyring: Any = None, every_seconds: float = 0
    ) -> None:
        # The app's services: the Practice may not be built yet when the app starts.
        self.services = practice if isinstance(practice, AppServices) else AppServices.of(practice)
        self._keyring = keyring
        self.every_seconds = every_seconds
        self._lock = threading.Lock()
        self._targets: PublishTargets | None = None
        self._seen: object = None  # the change token of the last tick
        self._published: object = None  # the change token the last run published
        self._last_run = time.monotonic()
        self._told: dict[str, str] = {}  # target -> the failure already shown
        self._stopping = threading.Event()

    @property
    def practice(self) -> Practice:
        """Built on first use, in the worker that needs it."""
        return self.services.practice

    @property
    def targets(self) -> PublishTargets:
        # Imported on first use: nothing of publishing is loaded before the first paint.
        if self._targets is None:
            from kara_tui.services.publish_targets import PublishTargets

            self._targets = PublishTargets(self.practice, keyring=self._keyring)
        return self._targets

    def publisher(self) -> Publisher:
        from kara_tui.services.publish_run import Publisher

        return Publisher(self.practice, self.targets, stop=self._stopping.is_set)

    def stop(self) -> None:
        """The app is closing: a running publish sends no further request."""
        self._stopping.set()

    @property
    def busy(self) -> bool:
        return self._lock.locked()

    def tick(self) -> list[PublishReport] | None:
        """Run every target if a change has settled or the timer is due; None if not run."""
        token = self.practice.change_token()
        changed = token != self._published
        # The first tick publishes at once (catching up on what changed while the calendar
        # was closed); later changes wait one tick, for the rest of a burst of edits.
        settled = token == self._seen or self._published is None
        self._seen = token
        due = self.every_seconds > 0 and time.monotonic() - self._last_run >= self.every_seconds
        if not ((changed and settled) or due):
            return None
        return self.run(token=token)

    def run(
        self, name: str | None = None, *, token: object = None, wait: bool = False
    ) -> list[PublishReport] | None:
        """Run one target or all now; None when a run is already going (unless ``wait``: the
        user asked, so this one runs after it) or the app closed.

        The run itself is a daemon thread that this one waits for: once the app is closing,
        a request still waiting on a slow server holds up neither the worker nor the exit
        (what it did not record, the next run finds on the server as kara-tui's own).
        """
        while not self._lock.acquire(timeout=0.1):
            if not wait or self._stopping.is_set():
                return None
        box: dict[str, Any] = {}
        done = threading.Event()

        def publish() -> None:
            try:
                box["reports"] = self.publisher().run(name) if self.targets.list() else []
            except BaseException as exc:
                box["error"] = exc
            finally:
                self._lock.release()
                done.set()

        threading.Thread(target=publish, name="kara-publish", daemon=True).start()
        while not done.wait(0.1):
            if self._stopping.is_set():
                return None
        if "error" in box:
            raise box["error"]
        self._last_run = time.monotonic()
        if token is not None:
            self._published = token
        reports: list[PublishReport] = box["reports"]
        return reports

    def untold_failures(self, reports: list[PublishReport]) -> list[PublishReport]:
        """Failures not shown yet: the background says each once, not on every tick."""
        fresh = []
        for report in reports:
            if report.ok:
                self._told.pop(report.target, None)
            elif self._told.get(report.target) != report.message:
                self._told[report.target] = report.message
                fresh.append(report)
        return fresh
