"""Hostile files: what the user's disk, config, themes and database can throw at kara-tui.

Each table row is an input and the outcome it must have: one clear line naming the file, the
rest kept, nothing left half-written, private files staying private. Real files throughout; a
full disk is a real 64 KiB tmpfs where this machine lets us mount one (root), else skipped.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import stat
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kara_tui.config import save_value
from kara_tui.files import UnsafeTargetError, write_private
from kara_tui.ui.keys import SPECS, is_key_name

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


def _tmpfs(where: Path, size: str) -> Iterator[Path]:
    where.mkdir()
    if os.geteuid() != 0 or not _mount(
        ["-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs"], where
    ):
        pytest.skip("mounting a tmpfs is not permitted here")
    try:
        yield where
    finally:
        _umount(where)


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 64 KiB tmpfs (root only): what a full disk does to a write."""
    yield from _tmpfs(tmp_path / "tiny", "64k")


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 4 MiB tmpfs (root only), room for a practice's database before it is filled."""
    yield from _tmpfs(tmp_path / "small", "4m")


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


# -- issue 11 config item and issue 12 item 11: one bad value loses only itself -------------

GOOD = 'theme = "kara-light"\nprivacy = true\n'

CONFIG_ROWS: list[tuple[str, str, str]] = [
    # (bad line(s) after GOOD, what the message says, the key left at its default)
    ("fetch_max_bytes = -1", "key 'fetch_max_bytes' should be between 1000 and", "fetch_max_bytes"),
    ("fetch_deadline_seconds = nan", "key 'fetch_deadline_seconds' should be between 1 and 3600, not nan", "fetch_deadline_seconds"),
    ("fetch_deadline_seconds = inf", "not inf", "fetch_deadline_seconds"),
    ("horizon_past_days = -400", "key 'horizon_past_days' should be between 0 and", "horizon_past_days"),
    ("horizon_past_days = 99999999999", "key 'horizon_past_days' should be between", "horizon_past_days"),
    ("horizon_future_days = 9223372036854775807", "key 'horizon_future_days' should be between", "horizon_future_days"),
    ("feed_unknown_length_minutes = 0", "key 'feed_unknown_length_minutes' should be between 1 and 1440", "feed_unknown_length_minutes"),
    ("db_url = 3", "key 'db_url' should be text, not 3", "db_url"),
    ("colour = 1", "unknown key 'colour'", ""),
    ('[smtp]\nhost = "mail"\nport = 0', "key 'smtp.port' should be between 1 and 65535", "smtp"),
    ('[smtp]\nhost = "mail"\npassword = "hunter2"', "key 'smtp.password' is not allowed", "smtp"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("bad", "said", "key"), CONFIG_ROWS, ids=[row[0].splitlines()[-1] for row in CONFIG_ROWS]
)
def test_a_bad_config_value_is_named_with_its_line_and_the_rest_is_kept(
    tmp_path: Path, bad: str, said: str, key: str
) -> None:
    from kara_tui.config import Settings, load

    path = tmp_path / "config.toml"
    path.write_text(GOOD + bad + "\n", encoding="utf-8")
    settings = load(path)
    (problem,) = settings.problems
    line = 3 + bad.count("\n")
    assert problem.startswith(f"{path}, line {line}: "), problem
    assert said in problem
    assert "hunter2" not in problem
    assert (settings.theme, settings.privacy) == ("kara-light", True)
    if key == "smtp":
        assert settings.smtp.host == "mail"  # the rest of the table is kept too
    elif key:
        assert getattr(settings, key) == getattr(Settings(), key)


def test_a_cli_command_says_each_bad_value_on_stderr_and_runs(cli, tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text(
        GOOD + "fetch_max_bytes = -1\nhorizon_past_days = -400\n", encoding="utf-8"
    )
    result = cli("clients", "list", "--json")
    assert result.code == 0
    assert result.json() == []
    lines = result.err.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(
        f"kara-tui: {tmp_path / 'config.toml'}, line 3: key 'fetch_max_bytes'"
    )
    assert lines[1].startswith(
        f"kara-tui: {tmp_path / 'config.toml'}, line 4: key 'horizon_past_days'"
    )


@pytest.mark.parametrize(
    ("bad_key", "said"),
    [
        ('cancel = "!!!notakey"', "'!!!notakey' is not a key name"),
        ('cancel = "ctrl+"', "'ctrl+' is not a key name"),
        ('cancel = "hyperspace+c"', "'hyperspace+c' is not a key name"),
    ],
)
async def test_a_bad_key_name_is_a_notice_with_its_line_and_the_action_keeps_its_key(
    practice, clock, tmp_path: Path, bad_key: str, said: str
) -> None:
    from calendar_kit import notices, screen_text, seed_week, settle
    from kara_tui.config import load
    from kara_tui.ui import keys
    from kara_tui.ui.app import make_app
    from kara_tui.ui.themes import shipped_themes_dir

    config = tmp_path / "config.toml"
    config.write_text(
        GOOD + 'fetch_max_bytes = -1\n[keys]\ndelete = "ctrl+d"\n' + bad_key + "\n",
        encoding="utf-8",
    )
    seed_week(practice)
    app = make_app(
        practice=practice, settings=load(config), clock=clock, theme_dirs=[shipped_themes_dir()]
    )
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        said_on_screen = notices(app)
        assert f"{config}, line 6 [keys]: " in said_on_screen
        assert said in said_on_screen
        assert "c is kept" in said_on_screen
        assert f"{config}, line 3: key 'fetch_max_bytes'" in said_on_screen
        footer = screen_text(app)
        assert " c Cancel " in footer  # the action keeps its own key
        assert "notakey" not in footer
        assert keys.usable_keymap(app.settings.keys) == {"delete": "ctrl+d"}  # good ones kept
        assert app.theme == "kara-light"


# -- item 2: a theme Textual cannot use is skipped with its path ------------------------------

THEME_ROWS: list[tuple[str, str, str]] = [
    # (what is wrong, the theme file's text after name/primary, what the notice says)
    ("cursor colour", '[variables]\nblock-cursor-background = "zzz"', "variables.block-cursor-background = 'zzz' is not a colour"),
    ("text colour", '[variables]\ntext = "bright"', "variables.text = 'bright' is not a colour"),
    ("text style", '[variables]\nblock-cursor-text-style = "shiny"', "variables.block-cursor-text-style = 'shiny' is not a text style"),
    ("css injection", '[variables]\nborder = "red; } Screen { display: none"', "variables.border"),
    ("own variable", '[variables]\nmy-note = "a; }"', "variables.my-note = 'a; }' is not a CSS value"),
    ("nan spread", "luminosity_spread = nan", "'luminosity_spread' should be a finite number, not nan"),
    ("infinite alpha", "text_alpha = inf", "'text_alpha' should be a finite number, not inf"),
    ("huge spread", "luminosity_spread = 1e308", "its colours cannot be computed"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("extra", "said"), [r[1:] for r in THEME_ROWS], ids=[r[0] for r in THEME_ROWS]
)
def test_a_theme_textual_cannot_use_is_skipped_naming_its_file(
    tmp_path: Path, extra: str, said: str
) -> None:
    from kara_tui.ui.themes import load_themes

    (tmp_path / "bad.toml").write_text(
        f'name = "bad"\nprimary = "#336699"\n{extra}\n', encoding="utf-8"
    )
    loaded = load_themes([tmp_path])
    assert loaded.themes == []
    (problem,) = loaded.problems
    assert problem.startswith(f"theme skipped: {tmp_path / 'bad.toml'}: ")
    assert said in problem


def test_the_shipped_themes_pass_textuals_judgement() -> None:
    from kara_tui.ui.themes import load_themes, shipped_themes_dir, textual_problem

    themes = load_themes([shipped_themes_dir()]).themes
    assert len(themes) == 3
    assert [textual_problem(t) for t in themes] == [None, None, None]


@pytest.mark.parametrize("chosen", ["bad", "no-such-theme"])
async def test_the_calendar_starts_on_the_default_theme_and_says_why(
    practice, clock, tmp_path: Path, chosen: str
) -> None:
    from calendar_kit import notices, screen_text, seed_week, settle
    from kara_tui.config import load
    from kara_tui.ui.app import make_app
    from kara_tui.ui.themes import shipped_themes_dir

    themes = tmp_path / "themes"
    themes.mkdir()
    bad = themes / "bad.toml"
    bad.write_text(
        'name = "bad"\nprimary = "#336699"\n[variables]\nblock-cursor-background = "zzz"\n',
        encoding="utf-8",
    )
    config = tmp_path / "config.toml"
    config.write_text(f'privacy = false\ntheme = "{chosen}"\n', encoding="utf-8")
    seed_week(practice)
    app = make_app(
        practice=practice,
        settings=load(config),
        clock=clock,
        theme_dirs=[shipped_themes_dir(), themes],
    )
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        said = notices(app)
        assert f"theme skipped: {bad}: variables.block-cursor-background = 'zzz'" in said
        assert f"{config}, line 2: theme '{chosen}' not found; using kara-dark" in said
        assert app.theme == "kara-dark"
        await pilot.press("C")  # a screen with a table: where the bad colour used to crash
        await settle(app, pilot)
        assert "Clients" in screen_text(app)
        assert app.crash is None


# -- item 8: a full disk or a read-only mount still shows the data ----------------------------


def _practice_file(cli, tmp_path: Path) -> Path:
    """A practice with one client and one session, closed cleanly (no -wal file left)."""
    assert cli("clients", "add", "Anna Smith").code == 0
    assert (
        cli(
            "sessions", "add", "--client", "Anna Smith", "--start", "2026-11-16 07:00", "--force"
        ).code
        == 0
    )
    db = tmp_path / "data" / "kara.db"
    assert not db.with_name("kara.db-wal").exists()
    return db


def _full(disk: Path) -> None:
    fill(disk)


def _read_only(disk: Path) -> None:
    if not _mount(["-o", "remount,ro"], disk):
        pytest.skip("remounting read-only is not permitted here")


DISK_ROWS = [
    ("full disk", _full, "the disk is full"),
    ("read-only mount", _read_only, "its folder cannot be written"),
]


@pytest.mark.parametrize(
    ("break_it", "why"), [r[1:] for r in DISK_ROWS], ids=[r[0] for r in DISK_ROWS]
)
def test_reads_work_and_writes_refuse_in_one_line(
    cli, tmp_path: Path, small_disk: Path, break_it: Callable[[Path], None], why: str
) -> None:
    import shutil

    db = small_disk / "kara.db"
    shutil.copy2(_practice_file(cli, tmp_path), db)
    db.chmod(0o600)
    before = db.read_bytes()
    break_it(small_disk)
    url = f"sqlite:///{db}"

    listed = cli("--db", url, "clients", "list", "--json")
    assert listed.code == 0, listed.err
    assert [c["name"] for c in listed.json()] == ["Anna Smith"]
    assert listed.err == f"kara-tui: warning: read-only: changes cannot be saved ({why})\n"
    sessions = cli("--db", url, "sessions", "list", "--from", "2026-11-16", "--json")
    assert sessions.code == 0 and len(sessions.json()) == 1

    added = cli("--db", url, "clients", "add", "Ben Jones")
    assert added.code == 2
    assert added.err == f"kara-tui: read-only: changes cannot be saved ({why})\n"
    assert "Traceback" not in added.err
    assert db.read_bytes() == before


async def test_the_calendar_opens_read_only_with_a_notice_and_refuses_a_write(
    cli, tmp_path: Path, small_disk: Path
) -> None:
    import argparse
    import shutil

    from calendar_kit import notices, screen_text, settle
    from kara_tui.cli.context import Context
    from kara_tui.ui.app import make_app
    from kara_tui.ui.themes import shipped_themes_dir

    db = small_disk / "kara.db"
    shutil.copy2(_practice_file(cli, tmp_path), db)
    db.chmod(0o600)
    fill(small_disk)
    args = argparse.Namespace(
        command=None,
        db=f"sqlite:///{db}",
        config=str(tmp_path / "c.toml"),
        demo=False,
        privacy=False,
    )
    ctx = Context.from_args(args)
    practice = ctx.practice
    app = make_app(
        practice=practice, settings=ctx.settings, clock=ctx.clock, theme_dirs=[shipped_themes_dir()]
    )
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(app, pilot)
            assert "read-only: changes cannot be saved" in notices(app)
            assert "Anna Smith" in screen_text(app) or "Anna" in screen_text(app)
            await pilot.press("a")  # mark attended: a write
            await settle(app, pilot)
            assert notices(app).count("read-only: changes cannot be saved") >= 2
            assert app.crash is None
    finally:
        ctx.close()


# -- item 9: another application's database is refused; an open one is named ---------------


def _firefox_like(path: Path) -> None:
    with contextlib.closing(sqlite3.connect(path)) as conn:
        conn.execute("CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT)")
        conn.execute("INSERT INTO moz_places (url) VALUES ('https://example.com/')")
        conn.commit()


def _other_alembic_app(path: Path) -> None:
    with contextlib.closing(sqlite3.connect(path)) as conn:
        conn.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)")
        conn.execute("INSERT INTO alembic_version VALUES ('4f2a9c0d1e7b')")
        conn.execute("CREATE TABLE users (id INTEGER PRIMARY KEY)")
        conn.commit()


def _not_sqlite(path: Path) -> None:
    path.write_text("name,email\nAnna Smith,anna@example.com\n", encoding="utf-8")


FOREIGN_ROWS: list[tuple[str, Callable[[Path], None], str]] = [
    ("another application's tables", _firefox_like, "is not a kara-tui database (it holds another application's tables: moz_places)"),
    ("another application's Alembic", _other_alembic_app, "is not a kara-tui database (it holds another application's tables: users)"),
    ("not SQLite at all", _not_sqlite, "not a kara-tui database, or it is damaged"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("make", "said"), [r[1:] for r in FOREIGN_ROWS], ids=[r[0] for r in FOREIGN_ROWS]
)
def test_a_database_that_is_not_kara_tuis_is_refused_and_left_alone(
    cli, tmp_path: Path, make: Callable[[Path], None], said: str
) -> None:
    path = tmp_path / "other.db"
    make(path)
    path.chmod(0o600)
    before = path.read_bytes()
    result = cli("--db", f"sqlite:///{path}", "clients", "list")
    assert result.code == 2
    assert result.err.count("\n") == 1
    assert said in result.err
    assert path.read_bytes() == before  # nothing added, nothing migrated
    assert not path.with_name("other.db-wal").exists()


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o666])
def test_a_database_others_can_read_is_named_with_the_command_that_fixes_it(
    cli, tmp_path: Path, mode: int
) -> None:
    assert cli("clients", "add", "Anna Smith").code == 0
    db = tmp_path / "data" / "kara.db"
    db.chmod(mode)
    result = cli("clients", "list", "--json")
    assert result.code == 0
    assert [c["name"] for c in result.json()] == ["Anna Smith"]
    assert result.err == (
        f"kara-tui: warning: {db} can be read by other users (mode {mode:04o}) and holds "
        f"client data; make it private with: chmod 600 {db}\n"
    )
    assert mode_of(db) == mode  # said, not changed behind the user's back
    db.chmod(0o600)
    assert cli("clients", "list").err == ""


async def test_the_calendar_names_a_database_others_can_read(cli, tmp_path: Path) -> None:
    import argparse

    from calendar_kit import notices, settle
    from kara_tui.cli.context import Context
    from kara_tui.ui.app import make_app
    from kara_tui.ui.themes import shipped_themes_dir

    assert cli("clients", "add", "Anna Smith").code == 0
    db = tmp_path / "data" / "kara.db"
    db.chmod(0o644)
    args = argparse.Namespace(
        command=None,
        db=f"sqlite:///{db}",
        config=str(tmp_path / "c.toml"),
        demo=False,
        privacy=False,
    )
    ctx = Context.from_args(args)
    practice = ctx.practice
    app = make_app(
        practice=practice, settings=ctx.settings, clock=ctx.clock, theme_dirs=[shipped_themes_dir()]
    )
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(app, pilot)
            assert f"chmod 600 {db}" in notices(app)
    finally:
        ctx.close()


# -- issue 12 item 4: a PostgreSQL URL without the driver ------------------------------------


@pytest.mark.parametrize(
    "url", ["postgresql://kara:s3cret@127.0.0.1:1/kara", "postgresql+psycopg://kara:s3cret@h/k"]
)
def test_postgresql_without_its_driver_says_what_to_install(
    cli, monkeypatch: pytest.MonkeyPatch, url: str
) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "psycopg", None)  # as if kara-tui[postgres] were absent
    monkeypatch.setitem(sys.modules, "psycopg2", None)
    result = cli("--db", url, "clients", "list")
    assert result.code == 2
    assert result.err == (
        "kara-tui: the PostgreSQL driver is not installed: pip install 'kara-tui[postgres]' "
        "(or use a SQLite file)\n"
    )
    assert "s3cret" not in result.err


def test_a_linked_config_is_written_where_it_really_is(tmp_path: Path, open_umask: None) -> None:
    dotfiles = tmp_path / "dotfiles"
    dotfiles.mkdir()
    real = dotfiles / "kara.toml"
    real.write_text("privacy = true\n", encoding="utf-8")
    real.chmod(0o600)
    link = tmp_path / "config.toml"
    link.symlink_to(real)
    save_value(link, "theme", "kara-light")
    assert link.is_symlink()
    assert real.read_text(encoding="utf-8") == 'privacy = true\ntheme = "kara-light"\n'
    assert mode_of(real) == 0o600


def test_a_config_that_is_not_toml_is_said_once_and_the_command_runs(cli, tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text('theme = "kara-light\n', encoding="utf-8")
    result = cli("clients", "list", "--json")
    assert result.code == 0
    assert result.json() == []
    assert result.err.count("\n") == 1
    assert result.err.startswith(f"kara-tui: {tmp_path / 'config.toml'}: not valid TOML")
    assert result.err.endswith("; using defaults\n")


def test_the_calendar_is_told_about_a_config_that_is_not_toml(tmp_path: Path) -> None:
    import argparse

    from kara_tui.cli.context import Context

    config = tmp_path / "config.toml"
    config.write_text("[keys\n", encoding="utf-8")
    args = argparse.Namespace(command=None, db=None, config=str(config), demo=False, privacy=False)
    settings = Context.from_args(args).settings
    (problem,) = settings.problems
    assert problem.startswith(f"{config}: not valid TOML")


@pytest.mark.parametrize("make", [_firefox_like, _other_alembic_app])
def test_the_schema_step_refuses_another_applications_database_too(
    tmp_path: Path, make: Callable[[Path], None]
) -> None:
    """The same rule where there is no file to look at first (a PostgreSQL server)."""
    from sqlalchemy import create_engine

    from kara_tui.db.schema import ForeignDatabaseError, upgrade

    path = tmp_path / "other.db"
    make(path)
    engine = create_engine(f"sqlite:///{path}")
    try:
        with pytest.raises(ForeignDatabaseError, match="is not a kara-tui database"):
            upgrade(engine)
    finally:
        engine.dispose()
    with contextlib.closing(sqlite3.connect(path)) as conn:
        names = {n for (n,) in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert "professionals" not in names


KEY_NAMES = [
    # every key name kara-tui's own table uses, and others a user may write
    *{k for spec in SPECS for k in spec.keys.split(",")},
    "plus", "minus", "slash", "backslash", "at", "underscore", "space", "comma", "full_stop",
    "ctrl+shift+up", "shift+tab", "f13", "pageup", "ä", "A", "exclamation_mark", "ctrl+d",
]  # fmt: skip


@pytest.mark.parametrize("name", sorted(KEY_NAMES))
def test_a_real_key_name_is_accepted(name: str) -> None:
    assert is_key_name(name)


@pytest.mark.parametrize("name", ["!!!notakey", "ctrl+", "hyperspace+c", "", " ", "ctrl+notakey"])
def test_a_made_up_key_name_is_refused(name: str) -> None:
    assert not is_key_name(name)


@pytest.mark.slow
def test_another_applications_postgresql_database_is_refused(cli, pg_url: str) -> None:
    """A shared server's database that belongs to another application gets nothing added."""
    import psycopg

    plain = pg_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute("CREATE TABLE invoices (id serial PRIMARY KEY, total integer)")
    result = cli("--db", pg_url, "clients", "list")
    assert result.code == 2
    assert result.err.count("\n") == 1
    assert "is not a kara-tui database (it holds another application's tables: invoices)" in (
        result.err
    )
    with psycopg.connect(plain) as conn:
        tables = {
            name
            for (name,) in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
            )
        }
    assert tables == {"invoices"}
