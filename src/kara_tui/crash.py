"""What may leave the process about a failure: a redacted crash log (0600) and scrubbed log records.

Client names and feed URLs (a feed's URL is its password) must never reach a crash log, a log
file or the terminal after a crash. A traceback keeps only where it happened and the kind of
error: an exception's message and local variables can quote both.
"""

from __future__ import annotations

import os
import re
import sys
import threading
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from kara_tui import paths
from kara_tui.domain.privacy import redact
from kara_tui.files import write_private

if TYPE_CHECKING:
    import logging

EXIT_CRASHED = 70  # EX_SOFTWARE: an internal error

_URL = r"\b(?:https?|webcal|file)://[^\s'\"<>]*"  # compiled when a record is first scrubbed
_names: set[str] = set()
_names_lock = threading.Lock()


def report_crash(exc: BaseException) -> Path:
    """Write the traceback (no local variables, no messages) to a private file; return its path."""
    return _write_log(redacted_traceback(exc))


def report_stuck(what: str) -> Path:
    """A crash log for a process that is about to be ended because ``what`` did not finish:
    where each thread was (file, line, function and source line only); return its path."""
    import traceback  # a crash's only: kept out of every command's start-up

    lines = [f"{what}; where each thread was:"]
    names = {t.ident: t.name for t in threading.enumerate()}
    for ident, frame in sys._current_frames().items():
        lines.append(f"Thread {names.get(ident, ident)}:")
        for entry in traceback.extract_stack(frame):
            lines.append(f'  File "{entry.filename}", line {entry.lineno}, in {entry.name}')
            if entry.line:
                lines.append(f"    {entry.line}")
    return _write_log("\n".join(lines) + "\n")


def _write_log(text: str) -> Path:
    folder = paths.private_dir(paths.state_dir())
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S.%fZ")
    path = folder / f"crash-{stamp}-{os.getpid()}.log"
    write_private(path, text)
    return path


def redacted_traceback(exc: BaseException) -> str:
    """File, line, function and source line of each frame, and each error's type: nothing else."""
    import traceback  # a crash's only: kept out of every command's start-up

    lines = ["Traceback (most recent call last):"]
    error: BaseException | None = exc
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        for frame in traceback.extract_tb(error.__traceback__):
            lines.append(f'  File "{frame.filename}", line {frame.lineno}, in {frame.name}')
            if frame.line:
                lines.append(f"    {frame.line}")
        lines.append(f"{type(error).__module__}.{type(error).__qualname__}")
        error = error.__cause__ or error.__context__
        if error is not None:
            lines.append("caused by:")
    return "\n".join(lines) + "\n"


def crash_sentence(exc: BaseException, path: Path | None) -> str:
    """The one line the user reads after a crash."""
    where = (
        f"Details (without client data) are in {path}"
        if path is not None
        else "The details could not be written."
    )
    return (
        f"kara-tui: something went wrong ({type(exc).__name__}); "
        f"nothing half-written was kept. {where}"
    )


# -- logs --------------------------------------------------------------------------------


def remember_names(names: Iterable[str]) -> None:
    """Client names that log records must never carry (the app tells us the ones it knows)."""
    with _names_lock:
        _names.update(n for n in names if n.strip())


def scrub(text: str) -> str:
    """``text`` with URLs cut to their host and known client names cut to initials."""
    text = re.sub(_URL, _host_only, text, flags=re.IGNORECASE)
    with _names_lock:
        names = tuple(_names)
    return redact(text, names)


def _host_only(match: re.Match[str]) -> str:
    scheme, _, rest = match.group(0).partition("://")
    host = rest.split("/", 1)[0].rsplit("@", 1)[-1]  # never user:password@
    return f"{scheme}://{host}/…"


def install_log_scrubbing() -> None:
    """Make every Python log record, from any library, pass through ``scrub`` when it is made.

    A record factory rather than a handler filter: it holds whatever handlers someone adds
    later. An exception attached to a record is reduced to its type, since its message can
    quote a name or a URL. When ``logging`` is not loaded yet, the factory is put in place as
    the module is first imported, before anyone can log (``_ScrubOnImport``): a command that
    loads nothing that logs (a `feeds sync` of a local file) does not import it (issue 19).
    """
    module = sys.modules.get("logging")
    if module is not None:
        _scrub_records(module)
    elif not any(isinstance(finder, _ScrubOnImport) for finder in sys.meta_path):
        sys.meta_path.insert(0, _ScrubOnImport())


class _ScrubOnImport:
    """A finder at the head of ``sys.meta_path`` that finds nothing itself: when ``logging``
    is imported, it hands over the module's own spec with a loader that installs the
    scrubbing factory right after the module has run, then leaves ``sys.meta_path``."""

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> Any:
        if name != "logging":
            return None
        sys.meta_path.remove(self)
        import importlib.util

        spec = importlib.util.find_spec(name)
        if spec is not None and spec.loader is not None:
            spec.loader = _ScrubbingLoader(spec.loader)  # type: ignore[assignment]  # a Loader by duck typing
        return spec


class _ScrubbingLoader:
    """The stdlib loader of ``logging``, installing the scrubbing factory once it has run."""

    def __init__(self, loader: Any) -> None:
        self._loader = loader

    def create_module(self, spec: Any) -> Any:
        return self._loader.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        self._loader.exec_module(module)
        _scrub_records(module)

    def __getattr__(self, name: str) -> Any:  # get_source, is_package, ...: the real loader's
        return getattr(self._loader, name)


def _scrub_records(module: ModuleType) -> None:
    """Put the scrubbing record factory of install_log_scrubbing() in ``logging`` (``module``)."""
    current = module.getLogRecordFactory()
    if getattr(current, "_kara_scrubs", False):
        return

    def factory(*args: object, **kwargs: object) -> logging.LogRecord:
        record: logging.LogRecord = current(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # a broken format string must not lose the record
            message = str(record.msg)
        if record.exc_info and record.exc_info[0] is not None:
            message += f" ({record.exc_info[0].__name__})"
            record.exc_info = None
            record.exc_text = None
        record.msg = scrub(message)
        record.args = None
        return record

    factory._kara_scrubs = True  # type: ignore[attr-defined]  # our mark on a plain function
    module.setLogRecordFactory(factory)
