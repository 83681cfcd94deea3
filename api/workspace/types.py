from __future__ import annotations

import strawberry

from models import Member as MemberRow
from models import Workspace as WorkspaceRow
from models.enums import DateFormat, Permission, Role


@strawberry.type
class Workspace:
    id: strawberry.ID
    name: str
    country: str
    timezone: str
    date_format: DateFormat
    anonymous: bool = strawberry.field(description="Addresses are hidden from members.")
    max_import_rows: int = strawberry.field(
        description="The largest import, in rows after the header: a larger file fails as soon "
        "as its reading passes it (`contacts workspace set --max-import-rows` changes it)."
    )

    @classmethod
    def from_model(cls, row: WorkspaceRow) -> Workspace:
        return cls(
            id=strawberry.ID(str(row.uuid)),
            name=row.name,
            country=row.country,
            timezone=row.timezone,
            date_format=row.date_format,
            anonymous=row.anonymous,
            max_import_rows=row.max_import_rows,
        )


@strawberry.type
class Member:
    id: strawberry.ID
    name: str
    role: Role
    disabled_permissions: list[Permission]

    @strawberry.field(description="What this member may do, after switched-off permissions.")
    def permissions(self) -> list[Permission]:
        if self.role is Role.VIEWER:
            return []
        return [p for p in Permission if p not in self.disabled_permissions]

    @classmethod
    def from_model(cls, row: MemberRow) -> Member:
        return cls(
            id=strawberry.ID(str(row.uuid)),
            name=row.name,
            role=row.role,
            disabled_permissions=[Permission(p) for p in row.disabled_permissions],
        )


@strawberry.type
class Me:
    workspace: Workspace
    member: Member
