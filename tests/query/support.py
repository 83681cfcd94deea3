"""A workspace environment for query tests, with a field, group and flag of each kind."""

from __future__ import annotations

from uuid import UUID
from zoneinfo import ZoneInfo

from models.enums import DateFormat, FieldType, GroupKind
from query.environment import FieldInfo, FlagInfo, GroupInfo, QueryEnvironment

CITY = FieldInfo(UUID("00000000-0000-0000-0000-00000000c171"), "city", "City", FieldType.TEXT, 101)
AGE = FieldInfo(UUID("00000000-0000-0000-0000-000000000a9e"), "age", "Age", FieldType.NUMBER, 102)
DOB = FieldInfo(
    UUID("00000000-0000-0000-0000-000000000d0b"), "dob", "Born", FieldType.DATETIME, 103
)
# A field whose key collides with an attribute and a scheme: only `fields.` reaches it.
NAME_FIELD = FieldInfo(
    UUID("00000000-0000-0000-0000-00000000000a"), "name", "Nick", FieldType.TEXT, 104
)
TEL_FIELD = FieldInfo(
    UUID("00000000-0000-0000-0000-00000000000b"), "tel", "Tel", FieldType.TEXT, 105
)

TESTERS = GroupInfo(11, "Testers", GroupKind.MANUAL)
ADULTS = GroupInfo(12, "Adults", GroupKind.SMART)
VIP = FlagInfo(21, "VIP")


def environment(
    *,
    workspace_id: int = 7,
    country: str = "US",
    timezone: str = "UTC",
    date_format: DateFormat = DateFormat.DAY_FIRST,
    anonymous: bool = False,
    fields: tuple[FieldInfo, ...] = (CITY, AGE, DOB, NAME_FIELD, TEL_FIELD),
    groups: tuple[GroupInfo, ...] = (TESTERS, ADULTS),
    flags: tuple[FlagInfo, ...] = (VIP,),
) -> QueryEnvironment:
    return QueryEnvironment.build(
        workspace_id=workspace_id,
        country=country,
        timezone=ZoneInfo(timezone),
        date_format=date_format,
        anonymous=anonymous,
        fields=fields,
        groups=groups,
        flags=flags,
    )
