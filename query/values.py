"""Query values after checking and conversion; `canonical` is how each is written back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from normalize.urns import Scheme
from query.environment import FlagInfo, GroupInfo


@dataclass(frozen=True, slots=True)
class NoValue:
    """The `""` of `= ""` (has no value) and `!= ""` (has a value)."""

    @property
    def canonical(self) -> str:
        return ""


@dataclass(frozen=True, slots=True)
class TextValue:
    text: str

    @property
    def canonical(self) -> str:
        return self.text

    @property
    def folded(self) -> str:
        return self.text.lower()


@dataclass(frozen=True, slots=True)
class NumberValue:
    number: Decimal
    written: str

    @property
    def canonical(self) -> str:
        return self.written


@dataclass(frozen=True, slots=True)
class DayValue:
    """A local calendar day as the UTC instants `start <= t < end`."""

    day: date
    start: datetime
    end: datetime
    written: str

    @property
    def canonical(self) -> str:
        return self.written


@dataclass(frozen=True, slots=True)
class UuidValue:
    uuid: UUID

    @property
    def canonical(self) -> str:
        return str(self.uuid)


@dataclass(frozen=True, slots=True)
class GroupValue:
    group: GroupInfo

    @property
    def canonical(self) -> str:
        return self.group.name


@dataclass(frozen=True, slots=True)
class FlagValue:
    flag: FlagInfo

    @property
    def canonical(self) -> str:
        return self.flag.name


@dataclass(frozen=True, slots=True)
class NamePrefixes:
    """Every prefix must start some word of the name."""

    written: str
    prefixes: tuple[str, ...]

    @property
    def canonical(self) -> str:
        return self.written


@dataclass(frozen=True, slots=True)
class UrnValue:
    """A stored path; `scheme` is set only when the value names its own scheme."""

    path: str
    scheme: Scheme | None = None

    @property
    def canonical(self) -> str:
        return f"{self.scheme}:{self.path}" if self.scheme else self.path


@dataclass(frozen=True, slots=True)
class Substring:
    text: str

    @property
    def canonical(self) -> str:
        return self.text


Value = (
    NoValue
    | TextValue
    | NumberValue
    | DayValue
    | UuidValue
    | GroupValue
    | FlagValue
    | NamePrefixes
    | UrnValue
    | Substring
)
