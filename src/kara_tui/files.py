"""Writing a file the safe way: private (0600), atomic, never over a device or a symlink.

Every file kara-tui writes (config, export, outbox .eml, crash logs, screenshots) goes through
``write_private``: a temporary file in the same folder, written, flushed to disk, then renamed
over the target. A failure half-way (a full disk) removes the temporary file, so nothing with
client names is left behind, and the old file is untouched.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from pathlib import Path


class UnsafeTargetError(OSError):
    """The target exists and is not a regular file (a device, a symlink, a folder...)."""

    def __init__(self, path: Path, what: str) -> None:
        super().__init__(
            errno.EEXIST, f"it is {what}, not a regular file; refused, nothing was written"
        )
        self.filename = str(path)


def _kind(mode: int) -> str:
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISFIFO(mode):
        return "a pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def check_target(path: Path) -> None:
    """Raise UnsafeTargetError unless ``path`` is a regular file or does not exist yet."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return
    if not stat.S_ISREG(st.st_mode):
        raise UnsafeTargetError(path, _kind(st.st_mode))


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def write_private(path: Path, data: bytes | str, *, mode: int = 0o600) -> None:
    """Replace ``path`` with ``data`` atomically, readable by its owner only (``mode``).

    Raises OSError (UnsafeTargetError for a device, a symlink or a folder); on any failure
    the temporary file is gone and ``path`` is as it was.
    """
    if isinstance(data, str):
        data = data.encode("utf-8")
    path = Path(path)
    check_target(path)
    import tempfile  # only when writing: kept out of the calendar's start-up imports

    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    tmp = Path(tmp_name)
    try:
        try:
            os.fchmod(fd, mode)  # mkstemp makes it 0600; a shareable file asks for more
            _write_all(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        check_target(path)  # replaced by a link or a device meanwhile: still refused
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    _sync_folder(path.parent)


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (where the platform allows opening a folder)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)
