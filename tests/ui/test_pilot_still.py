"""Pilot waits for the app to be still (tests/support/still.py), what "still" means, and the
headless frames it does not draw."""

from __future__ import annotations

import importlib
import threading

from textual import work
from textual.app import App, ComposeResult
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Static

from support.pilot import screen_text, settle
from support.still import PATCHED_MODULES, is_still, wait_until_still


class _Relay(App[None]):
    """A key starts a chain: a message, then a worker in a thread, then another message."""

    BINDINGS = [("g", "go", "Go")]

    class Step(Message):
        def __init__(self, n: int) -> None:
            super().__init__()
            self.n = n

    def __init__(self) -> None:
        super().__init__()
        self.release = threading.Event()
        self.steps: list[int] = []

    def compose(self) -> ComposeResult:
        yield Static("", id="steps")

    def action_go(self) -> None:
        self.post_message(self.Step(1))

    def on__relay_step(self, message: Step) -> None:
        self.steps.append(message.n)
        self.query_one("#steps", Static).update(" ".join(map(str, self.steps)))
        if message.n == 1:
            self.slow()

    @work(thread=True)
    def slow(self) -> None:
        self.release.wait(5)
        self.post_message(self.Step(2))


def test_pilot_and_press_keys_wait_with_wait_until_still() -> None:
    # If this fails after a Textual upgrade, Textual moved its idle wait: update still.py.
    for name in PATCHED_MODULES:
        assert importlib.import_module(name).wait_for_idle is wait_until_still


async def test_a_key_is_waited_for_until_its_whole_chain_is_done() -> None:
    app = _Relay()
    async with app.run_test() as pilot:
        app.release.set()
        await pilot.press("g")
        # The message, the worker's thread and the message it posted: all done, and painted.
        assert app.steps == [1, 2]
        assert is_still(app)
        assert "1 2" in screen_text(app)


async def test_an_unfinished_worker_or_a_queued_message_is_not_still() -> None:
    app = _Relay()
    async with app.run_test() as pilot:
        await pilot.pause()
        await app.run_action("go")
        await wait_until_still(max_sleep=0.1)  # gives up: the worker waits for ``release``
        assert app.steps == [1]
        assert not is_still(app)
        app.release.set()
        await pilot.pause()
        assert app.steps == [1, 2]
        assert is_still(app)
        app.post_message(_Relay.Step(3))
        assert not is_still(app)
        await pilot.pause()
        assert app.steps == [1, 2, 3]


class _Under(App[None]):
    def compose(self) -> ComposeResult:
        yield Static("the screen underneath")


class _Dialog(ModalScreen[None]):
    DEFAULT_CSS = "_Dialog { align: center middle; } _Dialog Static { width: 20; height: 3; }"

    def compose(self) -> ComposeResult:
        yield Static("a dialog")


async def test_a_headless_frame_is_not_drawn_but_settle_draws_the_screen_as_shown() -> None:
    app = _Under()
    async with app.run_test(size=(40, 10)) as pilot:
        compositor = app.screen._compositor
        compositor._dirty_regions.add(compositor.size.region)
        assert compositor.render_update() is None  # no terminal shows a headless frame
        assert not compositor._dirty_regions
        assert compositor.render_update(full=True) is not None  # a screenshot still draws
        app.push_screen(_Dialog())
        await settle(pilot)
        text = screen_text(app)
        assert "a dialog" in text and "the screen underneath" in text  # the dialog's backdrop
