"""`--` alone clears a value in imported files, so it is never a value itself."""

from __future__ import annotations

from services.errors import InvalidInput

CLEAR_MARK = "--"


def refuse_clear_mark(cleaned: str, *, what: str, field: str) -> None:
    if cleaned == CLEAR_MARK:
        raise InvalidInput(
            f'"{CLEAR_MARK}" on its own is not a valid {what}: in imported files it clears '
            "a value.",
            field=field,
        )
