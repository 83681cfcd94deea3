from __future__ import annotations

from typing import Any


class Params:
    """Collects positional parameters and hands out their `$n` placeholders."""

    def __init__(self) -> None:
        self.values: list[Any] = []

    def add(self, value: Any) -> str:
        self.values.append(value)
        return f"${len(self.values)}"

    @property
    def next_index(self) -> int:
        return len(self.values) + 1

    def extend(self, values: list[Any]) -> None:
        self.values.extend(values)
