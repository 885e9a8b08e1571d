"""Check boxes and radio buttons whose glyph, not only its colour, says whether they are on."""

from __future__ import annotations

from textual.widgets import Checkbox, RadioButton


class Tick(Checkbox):
    """A checkbox drawn as ▐X▌ when ticked and ▐ ▌ when not: readable in any theme or terminal."""

    @property
    def BUTTON_INNER(self) -> str:  # type: ignore[override]
        return "X" if self.value else " "


class Choice(RadioButton):
    """A radio button drawn as ▐●▌ when chosen and ▐ ▌ when not."""

    @property
    def BUTTON_INNER(self) -> str:  # type: ignore[override]
        return "●" if self.value else " "
