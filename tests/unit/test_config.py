"""The config file: defaults, every key checked, errors naming the file and key, safe saving."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from kara_tui import paths
from kara_tui.cli.context import Context
from kara_tui.config import ConfigError, Settings, load, save_value


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_missing_file_means_defaults(tmp_path: Path) -> None:
    settings = load(tmp_path / "nope.toml")
    assert settings == Settings(path=tmp_path / "nope.toml")
    assert settings.theme == "kara-dark"
    assert settings.db_url is None


def test_every_known_key_is_read(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
db_url = "sqlite:////tmp/x.db"
theme = "kara-light"
privacy = true
outbox_dir = "~/outbox"
horizon_past_days = 30
horizon_future_days = 200
fetch_deadline_seconds = 10
fetch_max_bytes = 1000
notify_before_session_minutes = 5

[keys]
cancel = "C"

[smtp]
host = "smtp.example.com"
port = 465
starttls = false
user = "kara"
sender = "kara@example.com"
""",
    )
    s = load(path)
    assert s.db_url == "sqlite:////tmp/x.db"
    assert (s.theme, s.privacy) == ("kara-light", True)
    assert s.outbox_dir == Path("~/outbox").expanduser()
    assert (s.horizon_past_days, s.horizon_future_days) == (30, 200)
    assert s.fetch_deadline_seconds == 10
    assert s.notify_before_session_minutes == 5
    assert s.keys == {"cancel": "C"}
    assert (s.smtp.host, s.smtp.port, s.smtp.starttls) == ("smtp.example.com", 465, False)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("theme = 3", "key 'theme' should be text, not 3"),
        ('privacy = "yes"', "key 'privacy' should be true or false, not 'yes'"),
        ("horizon_past_days = true", "key 'horizon_past_days' should be a whole number, not True"),
        ("horizon_past_days = 1.5", "key 'horizon_past_days' should be a whole number"),
        ('fetch_deadline_seconds = "ten"', "key 'fetch_deadline_seconds' should be a number"),
        ("colour = 1", "unknown key 'colour'"),
        (
            "notify_before_session_minutes = 300",
            "key 'notify_before_session_minutes' should be between 0 and 240, not 300",
        ),
        ('smtp = "x"', "key 'smtp' should be a table"),
        ('[smtp]\nport = "25"', "key 'smtp.port' should be a whole number"),
        ('[smtp]\nhots = "x"', "unknown key 'smtp.hots'"),
        ('[smtp]\npassword = "hunter2"', "key 'smtp.password' is not allowed"),
        ("[keys]\ncancel = 1", "key 'keys.cancel' should be a key name"),
    ],
)
def test_a_bad_value_names_the_file_line_and_key_and_the_rest_is_kept(
    tmp_path: Path, text: str, message: str
) -> None:
    path = write(tmp_path, "fetch_max_bytes = 5000\n" + text + "\n")
    settings = load(path)
    (problem,) = settings.problems
    assert problem.startswith(f"{path}, line 2: ") or problem.startswith(f"{path}, line 3: ")
    assert message in problem
    assert problem.endswith("; ignored, the default is used")
    assert "\n" not in problem
    assert "hunter2" not in problem
    assert settings.fetch_max_bytes == 5000  # the good value before it is kept


def test_a_file_that_is_not_toml_names_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, "theme = ")
    with pytest.raises(ConfigError) as info:
        load(path)
    assert str(info.value).startswith(f"{path}: not valid TOML")


def test_an_unreadable_file_is_a_config_error(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(b"\xff\xfe theme")
    with pytest.raises(ConfigError, match="cannot be read"):
        load(path)


def test_save_value_keeps_the_rest_of_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, '# my settings\ntheme = "kara-dark"\n\n[smtp]\nhost = "mail"\n')
    save_value(path, "theme", "kara-light")
    save_value(path, "privacy", True)
    save_value(path, "horizon_past_days", 30)
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# my settings\n")
    s = load(path)
    assert (s.theme, s.privacy, s.horizon_past_days, s.smtp.host) == (
        "kara-light",
        True,
        30,
        "mail",
    )
    assert text.index("privacy") < text.index("[smtp]")  # top-level keys stay above tables


def test_save_value_quotes_text_safely(tmp_path: Path) -> None:
    path = tmp_path / "new" / "config.toml"
    save_value(path, "theme", 'a "quoted" \\ name')
    assert load(path).theme == 'a "quoted" \\ name'
    assert oct(path.parent.stat().st_mode & 0o777) == "0o700"


# -- where the database is -------------------------------------------------------------


def _context(tmp_path: Path, *, db: str | None = None, config_db: str | None = None) -> Context:
    config = tmp_path / "c.toml"
    config.write_text(f'db_url = "{config_db}"\n' if config_db else "", encoding="utf-8")
    args = argparse.Namespace(db=db, config=str(config), demo=False, privacy=False)
    return Context.from_args(args)


def test_database_url_precedence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KARA_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert _context(tmp_path).database_url() == paths.default_database_url()
    assert paths.default_database_url().startswith(f"sqlite:///{tmp_path / 'data'}")
    assert _context(tmp_path, config_db="sqlite:///c.db").database_url() == "sqlite:///c.db"
    monkeypatch.setenv("KARA_DB", "sqlite:///env.db")
    assert _context(tmp_path, config_db="sqlite:///c.db").database_url() == "sqlite:///env.db"
    assert _context(tmp_path, db="sqlite:///flag.db").database_url() == "sqlite:///flag.db"


def test_config_file_from_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KARA_CONFIG", str(tmp_path / "k.toml"))
    assert paths.config_file() == tmp_path / "k.toml"
    monkeypatch.delenv("KARA_CONFIG")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    assert paths.config_file() == tmp_path / "cfg" / "kara-tui" / "config.toml"


def test_a_broken_config_does_not_stop_the_cli(cli, tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text("theme = 3\n", encoding="utf-8")
    result = cli("clients", "list", "--json")
    assert result.code == 0
    assert result.json() == []
    assert result.err.count("\n") == 1
    assert "config.toml, line 1: key 'theme' should be text" in result.err
    assert "the default is used" in result.err


def test_config_flag_overrides_env(cli, tmp_path: Path) -> None:
    other = tmp_path / "other.toml"
    other.write_text("privacy = 1\n", encoding="utf-8")
    result = cli("--config", str(other), "clients", "list")
    assert result.code == 0
    assert "other.toml, line 1: key 'privacy'" in result.err
