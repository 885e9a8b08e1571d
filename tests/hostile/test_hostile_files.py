"""Hostile files: what the user's disk, config, themes and database can throw at kara-tui.

Each table row is an input and the outcome it must have: one clear line naming the file, the
rest kept, nothing left half-written, private files staying private. Real files throughout; a
full disk is a real 64 KiB tmpfs where this machine lets us mount one (root), else skipped.
"""

from __future__ import annotations

import contextlib
import os
import stat
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kara_tui.config import save_value
from kara_tui.files import UnsafeTargetError, write_private

# -- helpers -----------------------------------------------------------------------------


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _mount(args: list[str], where: Path) -> bool:
    try:
        done = subprocess.run(
            ["mount", *args, str(where)], capture_output=True, check=False, timeout=30
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0


def _umount(where: Path) -> None:
    subprocess.run(["umount", "-l", str(where)], capture_output=True, check=False, timeout=30)


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 64 KiB tmpfs (root only): what a full disk does to a write."""
    where = tmp_path / "tiny"
    where.mkdir()
    if os.geteuid() != 0 or not _mount(["-t", "tmpfs", "-o", "size=64k,mode=0700", "tmpfs"], where):
        pytest.skip("mounting a tmpfs is not permitted here")
    try:
        yield where
    finally:
        _umount(where)


def fill(folder: Path) -> None:
    """Leave no room at all on the file system of ``folder``."""
    with contextlib.suppress(OSError), (folder / "filler").open("wb") as fh:
        while True:
            fh.write(b"\0" * 4096)
            fh.flush()


def leftovers(folder: Path, *keep: str) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name not in {"filler", *keep})


@pytest.fixture
def open_umask() -> Iterator[None]:
    """The common default umask, under which a careless write makes a 0644 file."""
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


# -- item 3: every write keeps 0600, atomically --------------------------------------------


def test_choosing_a_theme_keeps_a_0600_config_private(tmp_path: Path, open_umask: None) -> None:
    config = tmp_path / "config.toml"
    config.write_text('db_url = "postgresql://kara:secret@db/kara"\n', encoding="utf-8")
    config.chmod(0o600)
    save_value(config, "theme", "kara-light")
    assert mode_of(config) == 0o600
    assert 'theme = "kara-light"' in config.read_text(encoding="utf-8")
    assert leftovers(tmp_path) == ["config.toml"]


def test_a_new_config_file_is_created_0600(tmp_path: Path, open_umask: None) -> None:
    config = tmp_path / "new" / "config.toml"
    save_value(config, "theme", "kara-light")
    assert mode_of(config) == 0o600
    assert mode_of(config.parent) == 0o700


def test_a_full_disk_leaves_the_old_config_and_no_temporary_file(tiny_disk: Path) -> None:
    config = tiny_disk / "config.toml"
    config.write_text('theme = "kara-dark"\n', encoding="utf-8")
    fill(tiny_disk)
    with pytest.raises(OSError):
        write_private(config, "x" * 65536)
    assert config.read_text(encoding="utf-8") == 'theme = "kara-dark"\n'
    assert leftovers(tiny_disk) == ["config.toml"]


def test_the_file_write_boundary_failing_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where no tmpfs can be mounted: the same outcome with os.write failing as a full disk."""
    target = tmp_path / "out.ics"
    target.write_text("old", encoding="utf-8")

    def full(fd: int, data: object) -> int:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "write", full)
    with pytest.raises(OSError, match="No space left"):
        write_private(target, b"new")
    monkeypatch.undo()
    assert target.read_text(encoding="utf-8") == "old"
    assert leftovers(tmp_path) == ["out.ics"]


def test_a_crash_log_is_0600_under_an_open_umask(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, open_umask: None
) -> None:
    from kara_tui import crash

    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    try:
        raise RuntimeError("boom")
    except RuntimeError as exc:
        log = crash.report_crash(exc)
    assert mode_of(log) == 0o600
    assert leftovers(log.parent) == [log.name]


# -- item 7: export --out refuses anything but a regular file or a new path ----------------


def _device(tmp_path: Path) -> Path:
    path = tmp_path / "full"
    try:
        os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(1, 7))  # like /dev/full
    except (PermissionError, AttributeError):
        pytest.skip("making a device node is not permitted here")
    return path


def _symlink(tmp_path: Path) -> Path:
    real = tmp_path / "elsewhere.txt"
    real.write_text("someone else's file", encoding="utf-8")
    link = tmp_path / "link.ics"
    link.symlink_to(real)
    return link


def _fifo(tmp_path: Path) -> Path:
    path = tmp_path / "pipe.ics"
    os.mkfifo(path)
    return path


def _folder(tmp_path: Path) -> Path:
    path = tmp_path / "folder.ics"
    path.mkdir()
    return path


EXPORT_TARGETS: list[tuple[str, Callable[[Path], Path], str]] = [
    ("a device", _device, "a device, not a regular file"),
    ("a symbolic link", _symlink, "a symbolic link, not a regular file"),
    ("a named pipe", _fifo, "a pipe, not a regular file"),
    ("a folder", _folder, "a folder, not a regular file"),
]


@pytest.mark.parametrize(
    ("make", "said"), [(m, s) for _, m, s in EXPORT_TARGETS], ids=[n for n, _, _ in EXPORT_TARGETS]
)
def test_export_refuses_what_is_not_a_regular_file(
    cli, tmp_path: Path, make: Callable[[Path], Path], said: str
) -> None:
    target = make(tmp_path)
    before = os.lstat(target)
    result = cli("export", "--out", str(target))
    assert result.code == 2
    assert result.err.count("\n") == 1
    assert result.err.startswith(f"kara-tui: cannot write {target}: ")
    assert said in result.err
    after = os.lstat(target)
    assert (after.st_mode, after.st_ino) == (before.st_mode, before.st_ino)
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    if target.is_symlink():
        assert target.resolve().read_text(encoding="utf-8") == "someone else's file"


def test_export_over_an_old_export_and_to_a_new_path_is_0600(
    cli, tmp_path: Path, open_umask: None
) -> None:
    cli("clients", "add", "Anna Smith")
    old = tmp_path / "old.ics"
    old.write_text("old", encoding="utf-8")
    old.chmod(0o644)
    for target in (old, tmp_path / "new.ics"):
        result = cli("export", "--out", str(target))
        assert result.code == 0, result.err
        assert target.read_bytes().startswith(b"BEGIN:VCALENDAR")
        assert mode_of(target) == 0o600


def test_export_on_a_full_disk_leaves_no_temporary_file_with_names(cli, tiny_disk: Path) -> None:
    cli("clients", "add", "Anna Smith")
    for day in range(16, 21):
        cli("sessions", "add", "--client", "Anna Smith", "--start", f"2026-11-{day} 10:00")
    target = tiny_disk / "practice.ics"
    fill(tiny_disk)
    result = cli("export", "--out", str(target))
    assert result.code == 2
    assert result.err.count("\n") == 1
    assert "cannot write" in result.err and "No space left" in result.err
    assert leftovers(tiny_disk) == []


def test_write_private_refuses_a_link_put_in_place_of_the_target(tmp_path: Path) -> None:
    link = _symlink(tmp_path)
    with pytest.raises(UnsafeTargetError):
        write_private(link, "x")
    assert (tmp_path / "elsewhere.txt").read_text(encoding="utf-8") == "someone else's file"
