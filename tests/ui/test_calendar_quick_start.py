"""The calendar on an up-to-date SQLite file, as `kara-tui` opens it: the first week is drawn
from the quick reads (no SQLAlchemy), and the Practice is built afterwards, in the background
or on the first key that needs it, without losing that key."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from rich.text import Text
from textual import events
from textual.css.stylesheet import Stylesheet
from textual.dom import DOMNode
from textual.widgets import Label

from calendar_kit import UI_NOW, at, notices, screen_text, settle
from kara_tui.cli import build_parser
from kara_tui.cli.context import Context
from kara_tui.config import Settings
from kara_tui.db.engine import StorageError
from kara_tui.db.quick_reads import QuickReader
from kara_tui.domain import SessionStatus
from kara_tui.services.practice import Practice
from kara_tui.ui import app as app_module
from kara_tui.ui.app import make_app
from kara_tui.ui.deps import AppServices
from kara_tui.ui.screens import calendar
from kara_tui.ui.themes import shipped_themes_dir
from kara_tui.ui.widgets.keys_footer import KeysFooter
from kara_tui.ui.widgets.week import WeekGrid


@pytest.fixture
def ctx(ids, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """The CLI's context on the seeded week's database (built as `kara-tui --db URL` does)."""
    monkeypatch.setenv("KARA_NOW", UI_NOW.isoformat())
    args = build_parser().parse_args(["--db", db_url, "--config", str(tmp_path / "none.toml")])
    context = Context.from_args(args)
    yield context
    context.close()


@pytest.fixture
def later(monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing is built in the background during the test unless it asks."""
    monkeypatch.setattr(calendar, "PREPARE_AFTER_SECONDS", 600)
    monkeypatch.setattr(app_module, "CLIENT_NAMES_AFTER_SECONDS", 600)


def _app(services: AppServices, clock: object, settings: Settings):
    return make_app(
        services=services,
        settings=settings,
        clock=clock,  # type: ignore[arg-type]
        theme_dirs=[shipped_themes_dir()],
    )


async def test_the_first_week_is_drawn_before_the_practice_is_built(
    ctx, ids, settings, later
) -> None:
    practice = ctx.services
    assert practice.quick is not None  # the quick reads; the Practice is not built yet
    assert ctx.clock.now() == UI_NOW
    app = _app(practice, ctx.clock, settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        text = screen_text(app)
        assert "Week 47" in text and "Anna Smith" in text
        assert app.screen.selected == ids["past"]
        assert not practice.built  # drawn from the quick reads alone
        await pilot.press("l", "]", "[", "m", "w")  # moving about needs no Practice either
        await settle(app, pilot)
        assert app.screen.selected == ids["external"]
        assert not practice.built
        practice.prepare()  # what the timer does once the first page is shown
        practice.wait()
        assert practice.built


async def test_a_key_pressed_before_the_practice_is_built_builds_it_and_is_not_lost(
    ctx, ids, settings, later, cal_practice
) -> None:
    practice = ctx.services
    app = _app(practice, ctx.clock, settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert not practice.built
        await pilot.press("a")
        await settle(app, pilot)
        assert practice.built
        assert "Marked attended: Wed 18 Nov 2026 10:00–10:50 Anna Smith" in notices(app)
        assert "Anna Smith · ✓ attended" in screen_text(app)
    assert cal_practice.get_session(ids["past"]).status is SessionStatus.ATTENDED


async def test_a_key_pressed_while_the_practice_is_being_built_waits_for_it(
    ids, db_url: str, cal_practice: Practice, cal_clock, settings, later
) -> None:
    started, slow = threading.Event(), 0.5

    def build() -> Practice:
        started.set()
        time.sleep(slow)  # SQLAlchemy's import on a busy machine
        return cal_practice

    reads = QuickReader.open(db_url)
    assert reads is not None
    practice = AppServices(build, quick=reads, clock=cal_clock)
    app = _app(practice, cal_clock, settings)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(app, pilot)
            practice.prepare()
            assert started.wait(5)
            await pilot.press("c")  # the cancel dialog reads the session through the Practice
            await pilot.press("escape")
            await pilot.press("a")
            await settle(app, pilot)
            assert practice.built
            assert app.screen.id == "calendar"
            assert "Marked attended" in notices(app)
    finally:
        reads.close()
    assert cal_practice.get_session(ids["past"]).status is SessionStatus.ATTENDED


async def test_privacy_mode_hides_names_on_the_quickly_drawn_week(ctx, tmp_path, later) -> None:
    settings = Settings(path=tmp_path / "config.toml", theme="kara-dark", privacy=True)
    app = _app(ctx.services, ctx.clock, settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        text = screen_text(app)
        assert "Anna Smith" not in text and "Chloe Patel" not in text
        assert "A.Sm." in text and "C.Pa." in text


def test_a_database_that_needs_work_first_gets_a_real_practice(db_url: str, tmp_path: Path) -> None:
    """A new file (created and migrated before the app) opens as today, with a Practice."""
    args = build_parser().parse_args(["--db", db_url, "--config", str(tmp_path / "none.toml")])
    context = Context.from_args(args)
    try:
        assert context.services.quick is None  # the Practice reads for itself
        assert context.practice.professional().name == "My practice"
    finally:
        context.close()
    again = Context.from_args(args)
    try:
        assert again.services.quick is not None  # now it is ready to open quickly
        assert again.practice.professional().name == "My practice"
    finally:
        again.close()


async def test_a_practice_that_cannot_be_built_is_a_notice_and_is_tried_again(
    ids, db_url: str, cal_practice: Practice, cal_clock, settings, later
) -> None:
    attempts: list[int] = []

    def build() -> Practice:
        attempts.append(1)
        if len(attempts) == 1:
            raise StorageError("the database is busy (another kara-tui is writing to it)")
        return cal_practice

    reads = QuickReader.open(db_url)
    assert reads is not None
    practice = AppServices(build, quick=reads, clock=cal_clock)
    app = _app(practice, cal_clock, settings)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(app, pilot)
            practice.prepare()  # fails quietly in the background
            practice.wait()
            assert not practice.built
            await pilot.press("a")  # builds again: works
            await settle(app, pilot)
            assert practice.built and len(attempts) == 2
            assert "Marked attended" in notices(app)
    finally:
        reads.close()


async def test_a_key_is_told_why_when_the_practice_cannot_be_built(
    ids, db_url: str, cal_clock, settings, later
) -> None:
    def build() -> Practice:
        raise StorageError("the database file cannot be opened (check the path and permissions)")

    reads = QuickReader.open(db_url)
    assert reads is not None
    practice = AppServices(build, quick=reads, clock=cal_clock)
    app = _app(practice, cal_clock, settings)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(app, pilot)
            await pilot.press("a")
            await settle(app, pilot)
            assert "the database file cannot be opened" in notices(app)
            assert app.screen.id == "calendar" and app.crash is None
    finally:
        reads.close()


async def test_the_practice_is_built_once_the_calendar_is_still(
    ctx, settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(calendar, "PREPARE_AFTER_SECONDS", 1.0)
    monkeypatch.setattr(app_module, "CLIENT_NAMES_AFTER_SECONDS", 600)
    practice = ctx.services
    app = _app(practice, ctx.clock, settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        for key in "]]]][[[[":  # paging through weeks: no build meanwhile
            await pilot.press(key)
            await settle(app, pilot)
            await pilot.pause(0.1)
        assert not practice.built
        for _ in range(150):  # then still: built in the background
            await pilot.pause(0.1)
            if practice.built:
                break
        assert practice.built


@pytest.fixture
def footers(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The keys of each drawing of the calendar's footer (KeysFooter.render), in order."""
    drawn: list[str] = []
    render = KeysFooter.render

    def counted(self: KeysFooter) -> Text:
        text = render(self)
        drawn.append(" ".join(text.plain.split()))
        return text

    monkeypatch.setattr(KeysFooter, "render", counted)
    return drawn


async def test_the_footer_is_composed_with_the_first_weeks_keys(
    ctx, ids, settings, later, footers
) -> None:
    """The first page is read (and its session selected) before the footer is composed, so
    every drawing of the footer has that session's keys. It used to be composed with none
    selected, then rebuilt twice: once for the selection and once more when the focus that
    follows announced the same keys again. (The footer is one widget now, and a redraw no
    longer lays the screen out again: test_keys_footer.py counts its redraws.)"""
    app = _app(ctx.services, ctx.clock, settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert app.screen.selected == ids["past"]
        assert "Cancel" in screen_text(app).splitlines()[-1]  # the selected session's keys
        assert footers and all("Cancel" in keys for keys in footers)  # never drawn without


async def test_the_first_week_is_drawn_once(
    ctx, ids, cal_practice, settings, later, monkeypatch
) -> None:
    """Today's first session starts at the first working row (09:00) and is selected on
    opening: it was scrolled into view (one row up) only after the first paint, and the whole
    grid was drawn again."""
    anna = cal_practice.find_client("Anna Smith")
    first = cal_practice.book(anna.id, at(18, 9), service="Therapy").id
    drawn: list[int] = []
    render_line = WeekGrid.render_line

    def counted(self: WeekGrid, y: int):
        drawn.append(y)
        return render_line(self, y)

    monkeypatch.setattr(WeekGrid, "render_line", counted)
    app = _app(ctx.services, ctx.clock, settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        grid = app.screen.query_one(WeekGrid)
        block = grid._block(first)
        assert app.screen.selected == first and block is not None
        assert grid.scroll_y == block.top - 1  # with the line above it, as any selection
        assert len(drawn) == len(set(drawn)) == grid.scrollable_content_region.height


async def test_each_widget_of_the_first_week_is_styled_once(
    ctx, settings, later, monkeypatch
) -> None:
    """Each widget is styled as it mounts; the calendar's first showing (a screen resuming)
    restyled them all again, with nothing changed in between (~9 ms of the start-up)."""
    styled: list[object] = []
    apply = Stylesheet.apply

    def counted(self: Stylesheet, node: DOMNode, *args: object, **kwargs: object) -> None:
        styled.append(node)
        apply(self, node, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Stylesheet, "apply", counted)
    app = _app(ctx.services, ctx.clock, settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        nodes = list(app.screen.walk_children(with_self=True))
        assert len(nodes) > 10  # the week, its title and status bars, the footer (one widget)
        assert [n for n in nodes if styled.count(n) != 1] == []
        # Shown again later (after a dialog, say), it is restyled when Textual asks for it.
        app.screen.post_message(events.ScreenResume(refresh_styles=True))
        await settle(app, pilot)
        assert styled.count(app.screen) == 2


async def test_the_calendar_is_the_first_screen_and_its_footer_has_the_configs_keys(
    ctx, tmp_path, later, footers
) -> None:
    """The calendar is the app's first screen: it was pushed over Textual's empty default
    screen, which was styled, laid out and drawn on the way to the first week for nothing.
    The config's keys are set before it is made, so its first footer shows them."""
    settings = Settings(path=tmp_path / "config.toml", theme="kara-dark", keys={"attend": "A"})
    app = _app(ctx.services, ctx.clock, settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert app.screen_stack == [app.screen]
        assert isinstance(app.screen, calendar.CalendarScreen)
        footer = screen_text(app).splitlines()[-1]
        assert " A Attended " in footer and " a Attended " not in footer
        assert footers and all("A Attended" in keys for keys in footers)  # never without


async def test_a_resize_redraws_the_title_only_when_it_reads_differently(
    ctx, settings, later, monkeypatch
) -> None:
    """Each resize of the screen works the title out again (three on opening); a title that
    reads the same is not redrawn. One that reads differently (privacy on) is."""
    updated: list[str | None] = []
    update = Label.update

    def counted(self: Label, *args: object, **kwargs: object) -> None:
        updated.append(self.id)
        update(self, *args, **kwargs)  # type: ignore[arg-type]

    app = _app(ctx.services, ctx.clock, settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        monkeypatch.setattr(Label, "update", counted)
        app.screen.post_message(events.Resize(app.screen.size, app.screen.size))
        await settle(app, pilot)
        assert updated == []
        await pilot.press("p")
        await settle(app, pilot)
        assert "title-right" in updated
        assert "privacy" in str(app.screen.query_one("#title-right", Label).content)
