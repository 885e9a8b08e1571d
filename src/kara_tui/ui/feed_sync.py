"""One feed sync at a time for the whole app: the `s` key, the feeds screen and the background refresh.

Thread workers cannot be stopped once started (cancelling one only marks it), so "exclusive"
workers alone would let two syncs write the same feed at once; a lock here makes sure they
never overlap. The last report of each feed is kept for the feeds screen's report view.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual.message import Message

from kara_tui.config import Settings
from kara_tui.ui.deps import AppServices

if TYPE_CHECKING:
    from textual.widget import Widget

    from kara_tui.services.feeds import Feeds, SyncReport
    from kara_tui.services.practice import Practice

Progress = Callable[[str, int, int], None]
BUSY = "Feeds are already syncing; the calendar updates when that sync is done."


class _Stopped(Exception):
    """Raised between two feeds once the app is closing."""


class FeedsSynced(Message):
    """A sync finished (``reports``), or could not start because another one runs (None).

    ``background``: the timer asked for it, so success stays quiet.
    """

    def __init__(self, reports: list[SyncReport] | None, *, background: bool = False) -> None:
        self.reports = reports
        self.background = background
        super().__init__()

    @property
    def changed(self) -> bool:
        """Whether what the calendar draws may have changed (events, or a feed's stale mark)."""
        return any(r.added or r.updated or r.removed or not r.ok for r in self.reports or ())


class SyncProgress(Message):
    """Before each feed of a sync: 'Syncing Work 2/3…'."""

    def __init__(self, feed: str, index: int, total: int) -> None:
        self.feed = feed
        self.index = index
        self.total = total
        super().__init__()

    @property
    def text(self) -> str:
        return f"Syncing {self.feed} {self.index + 1}/{self.total}…"


class FeedSync:
    """The app's feeds service plus the lock that keeps syncs from overlapping.

    Only call ``run`` from a thread worker: it fetches over the network and parses.
    """

    def __init__(
        self, practice: Practice | AppServices, settings: Settings, *, keyring: Any = None
    ) -> None:
        # The app's services: the Practice may not be built yet when the app starts.
        self.services = practice if isinstance(practice, AppServices) else AppServices.of(practice)
        self.settings = settings
        self._keyring = keyring
        self._feeds: Feeds | None = None
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self.last: dict[str, SyncReport] = {}  # feed name -> its last report in this run
        self._told: dict[str, str] = {}  # feed name -> the failure the background last showed

    @property
    def feeds(self) -> Feeds:
        # Imported on first use: the parser and HTTP client are heavy and the calendar
        # must open without them.
        if self._feeds is None:
            from kara_tui.services.feeds import Feeds

            self._feeds = Feeds(
                self.services.practice,
                self.settings,
                keyring=self._keyring,
                cancel=self._stopping,
            )
        return self._feeds

    @property
    def busy(self) -> bool:
        return self._lock.locked()

    def stop(self) -> None:
        """The app is closing: end the fetch under way at once (its connection closed, the
        feed not marked stale), start no other.

        (A worker thread cannot be killed and Python waits for it at exit, so without this a
        quit would wait for a slow server, then for every remaining feed.)
        """
        self._stopping.set()

    def run(
        self,
        name: str | None = None,
        *,
        accept_empty: bool = False,
        due_only: bool = False,
        on_progress: Progress | None = None,
    ) -> list[SyncReport] | None:
        """Sync one feed, every enabled one, or (``due_only``) those whose interval has passed.

        Returns None, at once, when another sync is running, and when the app is closing.
        """
        if self._stopping.is_set() or not self._lock.acquire(blocking=False):
            return None

        def progress(feed: str, index: int, total: int) -> None:
            # Called before each feed, outside any transaction: a safe place to stop.
            if self._stopping.is_set():
                raise _Stopped
            if on_progress is not None:
                on_progress(feed, index, total)

        reports: list[SyncReport] = []
        try:
            if due_only:
                names = [f.name for f in self.feeds.due()]
                for index, feed in enumerate(names):
                    progress(feed, index, len(names))
                    reports += self.feeds.sync(feed)
            else:
                reports = self.feeds.sync(name, accept_empty=accept_empty, on_progress=progress)
        except _Stopped:
            return None
        finally:
            for report in reports:
                self.last[report.feed] = report
                if report.ok:
                    self._told.pop(report.feed, None)
            self._lock.release()
        if self._stopping.is_set():
            return None  # cut short because the app is closing: nothing left to tell
        return reports

    def start_for(self, screen: Widget, name: str | None, accept_empty: bool, group: str) -> bool:
        """A sync the user asked for, in a thread worker of ``screen`` (``group``): each step
        posts a ``SyncProgress`` to it, the end a ``FeedsSynced``. False, and a notice, when
        another sync is running."""
        if self.busy:
            screen.notify(BUSY, severity="warning", markup=False)
            return False

        def job() -> None:
            reports = self.run(
                name,
                accept_empty=accept_empty,
                on_progress=lambda feed, i, n: screen.post_message(SyncProgress(feed, i, n)),
            )
            screen.post_message(FeedsSynced(reports))

        screen.run_worker(job, group=group, thread=True, exit_on_error=False)
        return True

    def untold_failures(self, reports: list[SyncReport]) -> list[SyncReport]:
        """The failures the user has not yet heard about: each feed's error is said once, then
        again only when it changes or after the feed has worked in between."""
        fresh = []
        for report in reports:
            if not report.ok and self._told.get(report.feed) != report.message:
                self._told[report.feed] = report.message
                fresh.append(report)
        return fresh

    def told(self, reports: list[SyncReport]) -> None:
        """The user saw these failures (a sync they asked for): the background need not repeat them."""
        for report in reports:
            if not report.ok:
                self._told[report.feed] = report.message

    def forget(self, name: str) -> None:
        """A feed was removed: its reports go with it."""
        self.last.pop(name, None)
        self._told.pop(name, None)
