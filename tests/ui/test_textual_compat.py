"""The private Textual names in kara_tui/ui/compat.py still exist and still do what it says.

If one of these fails after a Textual upgrade, the upgrade renamed or removed an internal
kara-tui relies on: fix kara_tui/ui/compat.py (and only it) before raising the bound.
"""

from __future__ import annotations

import importlib
import inspect
from importlib.metadata import version

import pytest
from textual.app import App, ComposeResult

from kara_tui.ui import compat
from kara_tui.ui.app import KaraApp
from kara_tui.ui.widgets.keys_footer import KeysFooter

TEXTUAL = version("textual")


def _owner(dotted: str) -> object:
    module, _, name = dotted.rpartition(".")
    try:
        return importlib.import_module(dotted)
    except ModuleNotFoundError:
        return getattr(importlib.import_module(module), name)


@pytest.mark.parametrize(("owner", "name"), compat.PRIVATE_NAMES)
def test_every_private_name_still_exists(owner: str, name: str) -> None:
    assert hasattr(_owner(owner), name), (
        f"Textual {TEXTUAL} has no {owner}.{name}: update kara_tui/ui/compat.py"
    )


def test_the_exception_hook_kara_overrides_still_takes_the_error() -> None:
    hook = getattr(App, compat.HANDLE_EXCEPTION)
    assert list(inspect.signature(hook).parameters) == ["self", "error"], (
        f"Textual {TEXTUAL} changed App.{compat.HANDLE_EXCEPTION}: update KaraApp and compat.py"
    )
    assert compat.HANDLE_EXCEPTION in KaraApp.__dict__


def test_a_crash_is_recorded_where_run_test_looks_for_it() -> None:
    app: App[None] = App()
    for name in compat.APP_INSTANCE_NAMES:
        assert hasattr(app, name), f"Textual {TEXTUAL} has no App().{name}: update compat.py"
    first, second = RuntimeError("first"), RuntimeError("second")
    compat.record_crash(app, first, 3)
    compat.record_crash(app, second, 3)
    assert app.return_code == 3
    assert app._exception is first  # the first one is the one run_test re-raises
    assert app._exception_event.is_set()


async def test_app_draws_an_untraced_error_as_nothing_not_as_a_traceback(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """KaraApp hands its crash to App._handle_exception untraced (compat.untraced)."""

    class Failing(App[None]):
        def on_mount(self) -> None:
            name = "Anna Smith"  # a local: Textual's traceback shows every frame's locals
            raise RuntimeError(name)

        def _handle_exception(self, error: Exception) -> None:
            super()._handle_exception(compat.untraced(error))

    app = Failing()
    with pytest.raises(RuntimeError):
        async with app.run_test():
            pass
    err = capsys.readouterr().err
    assert "Traceback" not in err and "Anna Smith" not in err, (
        f"Textual {TEXTUAL} draws an error with __rich__ differently: update compat.untraced"
    )


class _Host(App[None]):
    BINDINGS = [("x", "bell", "Ring")]

    def compose(self) -> ComposeResult:
        yield KeysFooter()


async def test_the_live_helpers_work_on_a_running_app() -> None:
    app = _Host()
    async with app.run_test(size=(60, 10)) as pilot:
        await pilot.pause()
        chain = compat.binding_chain(app.screen)
        assert any(node is app for node, _ in chain)
        assert any("x" in bindings.key_to_bindings for _, bindings in chain)
        compat.refresh_truecolor_filter(app)  # raises if the private method changed shape


async def test_rows_measured_now_are_drawn_at_their_width_before_the_tables_idle() -> None:
    """compat.measure_rows_now: a row added in a handler is drawn whole by the very next frame.

    Without it the table sizes its columns only on its next idle, and a frame drawn before then
    is cached at the headings' widths ("90." for "90.00"), Textual issues #3533 and #4470."""
    from textual.widgets import DataTable

    class Host(App[None]):
        def compose(self) -> ComposeResult:
            yield DataTable()

        def on_mount(self) -> None:
            self.query_one(DataTable).add_columns("Fee", "Window")

    async with Host().run_test(size=(60, 5)) as pilot:
        table = pilot.app.query_one(DataTable)
        for name in compat.TABLE_INSTANCE_NAMES:
            assert hasattr(table, name), f"Textual {TEXTUAL} has no DataTable().{name}"
        table.add_row("90.00", "practice's 24 h")
        compat.measure_rows_now(table)
        drawn = table.render_line(1).text  # the row, drawn before the table has been idle
        assert "90.00" in drawn and "practice's 24 h" in drawn, drawn
        await pilot.pause()
        assert "90.00" in table.render_line(1).text  # and the idle after it changes nothing
