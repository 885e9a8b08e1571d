"""Service calls off the UI thread, and what the user sees when one fails (never a traceback)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual import work
from textual.message import Message
from textual.worker import Worker, WorkerState

from kara_tui.crash import report_crash
from kara_tui.domain import DomainError
from kara_tui.domain.money import MoneyError
from kara_tui.services.errors import StorageError

USER_ERRORS = (DomainError, StorageError, MoneyError)


def error_text(error: BaseException | None) -> str:
    """One sentence for the user: the service's own words, or what kind of thing broke."""
    if isinstance(error, USER_ERRORS):
        return str(error)
    name = type(error).__name__ if error is not None else "unknown error"
    return f"Something went wrong ({name}); nothing half-written was kept."


def report_error(error: BaseException | None) -> str:
    """``error_text``, and for an error nobody foresaw a redacted crash log (0600) it names.

    The exception's own message is never shown or written: it may quote a client's name.
    """
    text = error_text(error)
    if error is None or isinstance(error, USER_ERRORS):
        return text
    try:
        path = report_crash(error)
    except OSError:
        return text
    return f"{text} Details (without client data): {path}"


class WorkerErrors:
    """Mix into a Screen: a worker failing with a user error becomes an error notification
    (``on_service_failed`` may show it in place instead); anything else is reported without a
    traceback."""

    def on_service_failed(self, worker: Worker[Any], error: BaseException | None) -> bool:
        """Return True when the failure was shown in place (a form's error line)."""
        return False

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is not WorkerState.ERROR:
            return
        error = event.worker.error
        if self.on_service_failed(event.worker, error):
            return
        self.log.error(f"worker {event.worker.name} failed: {type(error).__name__}")  # type: ignore[attr-defined]
        self.notify(report_error(error), severity="error", markup=False, timeout=8)  # type: ignore[attr-defined]


class ServiceWorkers(WorkerErrors):
    """``run_service`` runs a write in a thread worker, then posts ``changed(result, said)``."""

    def run_service(self, call: Callable[[], Any], said: str | Callable[[Any], str]) -> None:
        """Run ``call``; then say ``said``, or what ``said`` makes of the result."""
        self._service(call, said)

    # Writes are not exclusive: a second quick write must not drop the first one's result.
    @work(thread=True, group="write", exit_on_error=False)
    def _service(self, call: Callable[[], Any], said: str | Callable[[Any], str]) -> None:
        result = call()
        words = said if isinstance(said, str) else said(result)
        self.post_message(self.changed(result, words))  # type: ignore[attr-defined]

    def changed(self, result: object, said: str) -> Message:
        raise NotImplementedError
