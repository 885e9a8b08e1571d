"""`--demo` is wholly throwaway: its own outbox, no SMTP, nothing saved to the config (issue 11)."""

from __future__ import annotations

import re
from pathlib import Path

from kara_tui.cli.context import Context


def test_demo_notices_go_to_its_own_outbox_never_by_smtp(cli, tmp_path: Path) -> None:
    real_outbox = tmp_path / "real-outbox"
    # The user's real settings: a mail server (that would refuse) and an outbox folder.
    (tmp_path / "config.toml").write_text(
        f'outbox_dir = "{real_outbox}"\n[smtp]\nhost = "127.0.0.1"\nport = 1\n'
    )
    result = cli("--demo", "outbox", "send")
    assert result.code == 0, result.err
    written = re.findall(r"written to (\S+\.eml)", result.out)
    assert written, result.out
    assert all("kara-demo-" in path for path in written)
    assert "127.0.0.1" not in result.out + result.err
    assert not real_outbox.exists()
    assert (tmp_path / "config.toml").read_text().startswith(f'outbox_dir = "{real_outbox}"')


def test_demo_settings_point_inside_the_temp_dir(tmp_path: Path, monkeypatch) -> None:
    import argparse

    (tmp_path / "config.toml").write_text('[smtp]\nhost = "smtp.example.com"\n')
    args = argparse.Namespace(config=str(tmp_path / "config.toml"), demo=True, privacy=False)
    ctx = Context.from_args(args)
    try:
        assert ctx.settings.demo
        assert ctx.settings.smtp.host == ""
        assert ctx.settings.outbox_dir == ctx.demo_dir() / "outbox"
        assert ctx.database_url() == f"sqlite:///{ctx.demo_dir() / 'demo.db'}"
    finally:
        ctx.close()
    assert not ctx.demo_dir().exists()


def test_a_feed_added_in_the_demo_stays_out_of_the_users_keyring(tmp_path: Path) -> None:
    import argparse

    for demo, keeps in ((True, False), (False, None)):
        args = argparse.Namespace(config=str(tmp_path / "c.toml"), demo=demo, privacy=False)
        ctx = Context.from_args(args)
        try:
            backend = ctx.feed_keyring()
            # The demo's keyring keeps nothing (the address stays in the throwaway database);
            # otherwise None: the user's own keyring.
            assert (backend.priority > 0 if backend is not None else None) is keeps
        finally:
            ctx.close()
