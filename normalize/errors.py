from __future__ import annotations

_SHOWN_VALUE_LIMIT = 80


class InvalidValue(ValueError):
    """A value that breaks a rule, with a reason a person can act on.

    `reason` completes a sentence whose subject is the quoted value, for example
    `is not a possible phone number for US: too short`.
    """

    def __init__(self, value: str, reason: str) -> None:
        super().__init__(value, reason)
        self.value = value
        self.reason = reason

    def __str__(self) -> str:
        return f'"{_shorten(self.value)}" {self.reason}'


def _shorten(value: str) -> str:
    if len(value) <= _SHOWN_VALUE_LIMIT:
        return value
    return value[: _SHOWN_VALUE_LIMIT - 1] + "…"
