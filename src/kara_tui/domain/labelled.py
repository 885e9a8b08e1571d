"""Enums whose members carry the words shown for them beside the value that is stored."""

from __future__ import annotations

from enum import StrEnum
from typing import Self


class LabelledEnum(StrEnum):
    """A StrEnum written ``NAME = "value", "label"``: the value is stored, the label shown."""

    _value_: str
    _label: str

    def __new__(cls, value: str, label: str = "") -> Self:  # label: "" only to type Kind("value")
        member = str.__new__(cls, value)
        member._value_ = value
        member._label = label
        return member

    @property
    def label(self) -> str:
        return self._label
