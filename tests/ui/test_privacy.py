"""Privacy mode: no client's name (nor a part of it, nor an address) on any screen, in any
dialog, notice or screenshot; initials instead. Checked on what the terminal shows."""

from __future__ import annotations

import re
import stat
from pathlib import Path

import pytest

from calendar_kit import at, notices, screen_text, settle
from kara_tui.config import Settings
from kara_tui.domain import Reason
from kara_tui.domain.privacy import initials, mask_email, redact
from kara_tui.ui.app import KaraApp, make_app
from kara_tui.ui.themes import shipped_themes_dir
from support.pilot import type_text

NAMES = ("Anna Smith", "Ben Jones", "Chloe Patel")
WORDS = re.compile(r"\b(Anna|Smith|Ben|Jones|Chloe|Patel)\b|anna@|ben@", re.IGNORECASE)


def leaks(text: str) -> list[str]:
    """Every client name (or part of one, or an address) in ``text``."""
    return [m.group(0) for m in WORDS.finditer(text)]


def assert_private(app: KaraApp) -> str:
    text = screen_text(app)
    assert not leaks(text), f"names on screen: {leaks(text)}\n{text}"
    toasts = notices(app)
    assert not leaks(toasts), f"names in a notice: {leaks(toasts)}"
    return text


@pytest.fixture
def private_app(cal_practice, cal_clock, ids, tmp_path: Path) -> KaraApp:
    settings = Settings(path=tmp_path / "config.toml", theme="kara-dark", privacy=True)
    return make_app(
        practice=cal_practice, settings=settings, clock=cal_clock, theme_dirs=[shipped_themes_dir()]
    )


# -- the helper -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Alice Morgan", "A.Mo."),
        ("Anna Smith", "A.Sm."),
        ("Anna van der Berg", "A.V.D.Be."),
        ("Ann-Marie O'Neill", "An.M.O."),
        ("Paul M", "Pa.M."),
        ("Maria del Carmen García López", "M.D.C.Ló."),
        ("=cmd", "?"),
        ("élodie", "Él."),
        ("  ", "?"),
    ],
)
def test_one_initials_rule_for_the_screen_and_the_report(name: str, expected: str) -> None:
    from kara_tui.services import report
    from kara_tui.ui import format as fmt

    assert initials(name) == expected
    assert report.initials is initials
    assert fmt.display_name(name, privacy=True) == expected


@pytest.mark.parametrize("name", ["Alice Morgan", "Peter Mills", "Anna M", "Pat Mo", "amy mo"])
def test_initials_never_read_as_a_time_of_day(name: str) -> None:
    """'12:00 A.M.' on the calendar was Alice Morgan at noon."""
    shown = initials(name)
    assert not re.search(r"\b[AP]\.?M\.?(?![a-z])", shown, re.IGNORECASE), shown


def test_redact_replaces_whole_names_in_any_case_longest_first() -> None:
    names = ["Anna Smith", "Anna Smith-Jones", "Al"]
    said = redact("anna smith-jones overlaps ANNA SMITH's session; Alan stays", names)
    assert said == "A.S.Jo. overlaps A.Sm.'s session; Alan stays"
    assert redact("nothing here", []) == "nothing here"
    assert mask_email("anna@example.com") == "a…@example.com"


# -- every screen ---------------------------------------------------------------------------


async def test_every_calendar_view_and_the_status_line_show_initials(private_app) -> None:
    app = private_app
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        for view in ("1", "2", "3", "4"):
            await pilot.press(view)
            await settle(app, pilot)
            text = assert_private(app)
            assert "A.Sm." in text, view
            # A personal feed's titles may name a client too: only busy/free is shown.
            assert "School play" not in text, view
        await pilot.press("2", "j")
        await settle(app, pilot)
        text = assert_private(app)
        assert "▶ Wed 18 Nov 2026 14:00–14:50 C.Pa." in text
        assert "privacy" in text  # the title says the mode is on
        svg = app.export_screenshot()
        assert not leaks(svg)
        assert "C.Pa." in svg


async def test_details_search_and_clients_show_initials(private_app) -> None:
    app = private_app
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("enter")  # the selected session: Anna's, this morning
        await settle(app, pilot)
        text = assert_private(app)
        assert "A.Sm." in text and "Email" not in text
        await pilot.press("escape", "slash", *"anna smith")
        await settle(app, pilot)
        text = assert_private(app)  # the typed name is masked too
        assert "•" * len("anna smith") in text
        assert "Mon 23 Nov 2026 10:00–10:50 A.Sm." in text
        await pilot.press("escape", "slash", *"zed")
        await settle(app, pilot)
        text = assert_private(app)
        assert "No sessions for what you typed." in text
        await pilot.press("escape", "C")
        await settle(app, pilot)
        text = assert_private(app)
        assert "A.Sm." in text and "B.Jo." in text and "C.Pa." in text
        assert "example.com" not in text  # no address, no phone


async def test_the_session_forms_hide_what_is_typed_and_echo_initials(private_app) -> None:
    app = private_app
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("n")
        await settle(app, pilot)
        await pilot.press(*"chloe")
        await settle(app, pilot)
        text = assert_private(app)  # no completion of the name either
        assert "→ C.Pa." in text
        await pilot.press("escape", "j", "e")  # edit Chloe's session this afternoon
        await settle(app, pilot)
        text = assert_private(app)
        assert "C.Pa." in text


async def test_a_failed_booking_never_repeats_the_typed_name(private_app, cal_practice) -> None:
    app = private_app
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("n", *"Chloe Patell", "ctrl+s")
        await settle(app, pilot)
        text = assert_private(app)
        assert "no single client matches what you typed" in text
        assert "Patell" not in text


async def test_cancel_reschedule_and_range_dialogs_show_initials(private_app) -> None:
    from kara_tui.ui.screens.cancel import CancelDialog
    from kara_tui.ui.screens.cancel_range import CancelRangeDialog
    from kara_tui.ui.screens.reschedule import RescheduleDialog

    app = private_app
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("j", "c")
        await settle(app, pilot)
        assert isinstance(app.screen, CancelDialog)
        assert "C.Pa." in assert_private(app)
        await pilot.press("escape", "r")
        await settle(app, pilot)
        assert isinstance(app.screen, RescheduleDialog)
        field = app.screen.query_one("#start")
        field.value = "2026-11-18 10:00"  # on Anna's session: a conflict naming her
        await settle(app, pilot)
        text = assert_private(app)
        assert "C.Pa." in text and "A.Sm.'s session" in text
        await pilot.press("escape")
        await settle(app, pilot)
        await app.screen.run_action("cancel_range")
        await settle(app, pilot)
        assert isinstance(app.screen, CancelRangeDialog)
        app.screen.query_one("#to").value = "2026-11-23"
        await settle(app, pilot)
        text = assert_private(app)
        assert "C.Pa." in text and "A.Sm." in text


async def test_outbox_and_its_message_preview_show_no_name_or_address(
    private_app, cal_practice, ids
) -> None:
    cal_practice.cancel(ids["future"], Reason.PROFESSIONAL)  # a notice to Chloe (no address)
    cal_practice.reschedule(ids["next_week"], at(24, 11), by=Reason.CLIENT)  # two to Anna
    app = private_app
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("O")
        await settle(app, pilot)
        text = assert_private(app)
        assert "a…@example.com" in text
        await pilot.press("enter")
        await settle(app, pilot)
        text = assert_private(app)  # "Dear Anna Smith," becomes initials
        assert "Dear " in text and "A.Sm." in text


async def test_reports_show_initials(private_app) -> None:
    app = private_app
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("R")
        await settle(app, pilot)
        text = assert_private(app)
        assert "B.Jo." in text


async def test_notices_and_service_errors_say_initials(private_app, cal_practice, ids) -> None:
    app = private_app
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("a")  # Anna's session this morning
        await settle(app, pilot)
        assert "Marked attended: Wed 18 Nov 2026 10:00–10:50 A.Sm." in notices(app)
        app.notify("Anna Smith has no sponsored credit left")  # as a service would say it
        await pilot.pause()
        assert_private(app)
        assert "A.Sm. has no sponsored credit left" in notices(app)


async def test_a_client_added_in_privacy_mode_is_typed_hidden_and_announced_by_initials(
    private_app, cal_practice
) -> None:
    app = private_app
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("C", "a", *"Dora Quist")
        await settle(app, pilot)
        assert "Dora" not in screen_text(app) and "privacy mode" in screen_text(app)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert "Added D.Qu." in notices(app)
        assert "Dora" not in screen_text(app) and "D.Qu." in screen_text(app)
    assert cal_practice.find_client("Dora Quist").name == "Dora Quist"


# -- the key ----------------------------------------------------------------------------------


async def test_p_turns_privacy_on_and_off_on_any_screen(app, settings) -> None:
    assert not settings.privacy
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert "Anna Smith" in screen_text(app)
        await pilot.press("p")
        await settle(app, pilot)
        assert_private(app)
        await pilot.press("p")
        await settle(app, pilot)
        assert "Anna Smith" in screen_text(app)
        await pilot.press("enter")  # details, then p there
        await settle(app, pilot)
        assert "Anna Smith" in screen_text(app)
        await pilot.press("p")
        await settle(app, pilot)
        assert_private(app)
        await pilot.press("escape")
        await settle(app, pilot)
        assert_private(app)  # the calendar below follows


async def test_turning_privacy_on_clears_notices_that_named_a_client(app) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("a")
        await settle(app, pilot)
        assert "Anna Smith" in notices(app)
        await pilot.press("p")
        await settle(app, pilot)
        assert_private(app)


async def test_the_palette_toggles_privacy(app) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await type_text(pilot, "view: toggle privacy")
        await pilot.pause(0.3)
        assert "p · privacy mode" in screen_text(app)
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.privacy
        assert_private(app)


# -- screenshots --------------------------------------------------------------------------------


async def test_the_palette_screenshot_is_private_0600_and_names_no_one(
    private_app, tmp_path, monkeypatch
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)
    app = private_app
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"screenshot")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause(0.5)
        await settle(app, pilot)
        shots = list((tmp_path / "data").rglob("*.svg"))
        assert len(shots) == 1, notices(app)
        assert str(shots[0]) in notices(app)
    svg = shots[0].read_text(encoding="utf-8")
    assert "A.Sm." in svg and not leaks(svg)
    assert stat.S_IMODE(shots[0].stat().st_mode) == 0o600
    assert stat.S_IMODE(shots[0].parent.stat().st_mode) == 0o700
    assert not list(tmp_path.glob("*.svg"))  # nothing in the working folder


async def test_a_screenshot_outside_privacy_mode_says_it_shows_names(app, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        path = Path(app.deliver_screenshot() or "")
        await pilot.pause()
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert "It shows client names: p hides them first." in notices(app)
        assert leaks(path.read_text(encoding="utf-8"))  # it does show them


async def test_a_screen_that_binds_p_itself_keeps_it(app) -> None:
    from textual.screen import ModalScreen

    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("R")  # the reports screen: p picks the period there
        await settle(app, pilot)
        await pilot.press("p")
        await settle(app, pilot)
        assert isinstance(app.screen, ModalScreen)
        assert not app.privacy
