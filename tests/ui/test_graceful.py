"""An error nobody foresaw: a short message, a redacted crash log (0600) that names no client,
the database left as it was, and nothing with client data on the terminal or in a log."""

from __future__ import annotations

import logging
import sqlite3
import stat
from pathlib import Path

import pytest
import textual.constants

from calendar_kit import notices, screen_text, settle
from kara_tui import crash
from kara_tui.ui.app import KaraApp

ANNA = "Anna Smith"
NAME_PARTS = ("Anna", "Smith", "Ben", "Jones", "Chloe", "Patel")


def no_names(text: str) -> bool:
    return not any(part in text for part in NAME_PARTS)


def crash_logs(state: Path) -> list[Path]:
    return sorted(state.rglob("crash-*.log"))


@pytest.fixture
def state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    return tmp_path / "state"


async def test_a_failing_handler_leaves_with_a_redacted_0600_log_and_no_traceback(
    app: KaraApp, state: Path, monkeypatch: pytest.MonkeyPatch, db_url: str
) -> None:
    monkeypatch.setenv("KARA_DEBUG_CRASH", "1")
    with pytest.raises(RuntimeError):  # run_test hands the error to the test, as Textual does
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(app, pilot)
            assert "Anna Smith" in screen_text(app)
            await pilot.press("f12")
            await pilot.pause()
    assert app.crash is not None and app.return_code == crash.EXIT_CRASHED
    assert not app._exit_renderables  # Textual's traceback (with locals) is never printed
    [log] = crash_logs(state)
    assert app.crash.log == log
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    text = log.read_text(encoding="utf-8")
    assert "builtins.RuntimeError" in text and "in on_key" in text
    assert no_names(text), text  # neither the message nor the locals
    sentence = crash.crash_sentence(app.crash.error, app.crash.log)
    assert sentence.startswith("kara-tui: something went wrong (RuntimeError)")
    assert str(log) in sentence and no_names(sentence)
    with sqlite3.connect(db_url.removeprefix("sqlite:///")) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert db.execute("SELECT count(*) FROM sessions").fetchone() == (7,)


async def test_a_failing_worker_is_a_notice_naming_the_log_and_the_app_goes_on(
    app: KaraApp, ids: dict[str, int], state: Path, db_url: str
) -> None:
    # A corrupted row (a status no version wrote) that quotes a client: reading it fails.
    with sqlite3.connect(db_url.removeprefix("sqlite:///")) as db:
        db.execute("UPDATE sessions SET status = 'Anna Smith' WHERE id = ?", (ids["future"],))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        said = notices(app)
        assert "Something went wrong (ValueError); nothing half-written was kept." in said
        [log] = crash_logs(state)
        assert f"Details (without client data): {log}" in said
        assert no_names(said)
        assert stat.S_IMODE(log.stat().st_mode) == 0o600
        assert no_names(log.read_text(encoding="utf-8"))
        await pilot.press("C")  # still running: other screens open
        await settle(app, pilot)
        assert "Clients" in screen_text(app)
    assert app.crash is None


def test_the_cli_prints_one_line_after_a_crash_and_no_client_name(
    cli, state: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert cli("clients", "add", "Anna Smith").code == 0
    monkeypatch.setenv("KARA_DEBUG_CRASH", "1")

    async def crash_soon(pilot) -> None:
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        await pilot.press("f12")

    run = KaraApp.run
    monkeypatch.setattr(
        KaraApp, "run", lambda self, **kw: run(self, headless=True, auto_pilot=crash_soon)
    )
    result = cli()
    assert result.code == crash.EXIT_CRASHED
    [log] = crash_logs(state)
    assert result.err.strip() == crash.crash_sentence(RuntimeError(), log)
    assert "Traceback" not in result.out + result.err
    assert no_names(result.out + result.err)


async def test_textual_debug_log_is_never_written(
    app: KaraApp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # TEXTUAL_LOG would get every worker's arguments: a search for a client, a booking.
    log = tmp_path / "textual.log"
    monkeypatch.setattr(textual.constants, "LOG_FILE", str(log))
    fresh = KaraApp(app.practice, app.settings, app.clock, theme_dirs=app._theme_dirs)
    async with fresh.run_test(size=(120, 40)) as pilot:
        await settle(fresh, pilot)
        await pilot.press("slash", *"Anna Smith")
        await settle(fresh, pilot)
        fresh.log("a line any widget might log")
    assert not log.exists()


def test_python_log_records_lose_names_urls_and_exception_messages() -> None:
    records: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(self.format(record))

    handler = Keep()
    logger = logging.getLogger("kara-test-scrub")
    logger.addHandler(handler)
    before = logging.getLogRecordFactory()
    try:
        crash.install_log_scrubbing()
        crash.install_log_scrubbing()  # twice is once
        crash.remember_names(["Anna Smith"])
        logger.warning(
            "GET %s for %s",
            "https://user:pw@cal.example.com/private-abc123/basic.ics",
            "anna smith",
        )
        try:
            raise ValueError("Anna Smith's feed webcal://cal.example.com/secret")
        except ValueError:
            logger.exception("sync failed")
    finally:
        logging.setLogRecordFactory(before)
        logger.removeHandler(handler)
    text = "\n".join(records)
    assert "GET https://cal.example.com/… for A.Sm." in text
    assert "sync failed (ValueError)" in text
    assert "private-abc123" not in text and "secret" not in text and "pw" not in text
    assert no_names(text)


def test_the_crash_log_keeps_where_and_what_kind_only(state: Path) -> None:
    def inner(client_name: str) -> None:
        raise KeyError(client_name)

    try:
        try:
            inner(ANNA)  # the source lines are kept: data must not be in them
        except KeyError as exc:
            raise RuntimeError(f"{ANNA}'s session") from exc
    except RuntimeError as exc:
        path = crash.report_crash(exc)
    text = path.read_text(encoding="utf-8")
    assert "builtins.RuntimeError" in text and "caused by:" in text and "builtins.KeyError" in text
    assert "in inner\n    raise KeyError(client_name)" in text
    assert no_names(text)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
