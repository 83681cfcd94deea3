"""A sentinel for partial updates: UNSET means "leave as is", None means "clear"."""

from __future__ import annotations

from enum import Enum
from typing import Literal, TypeAlias, TypeVar

T = TypeVar("T")


class _Unset(Enum):
    UNSET = "UNSET"

    def __bool__(self) -> bool:
        return False


UNSET = _Unset.UNSET
Maybe: TypeAlias = T | Literal[_Unset.UNSET]
