from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.contacts.inputs import ContactOrderInput
from api.contacts.pages import ordered_contacts
from api.contacts.types import ContactConnection
from api.context import Context
from api.fields.types import Consumer
from api.relay import nodes_one_by_one
from api.selection.filters import to_filter
from api.selection.inputs import ContactFilterInput
from models.enums import GroupKind, GroupStatus
from services.groups import definitions as groups
from services.groups.definitions import GroupRecord
from services.keyset import PageRequest

strawberry.enum(GroupKind, name="GroupKind")
strawberry.enum(GroupStatus, name="GroupStatus")


@strawberry.type(description="A manual list, or a smart group whose members follow a query.")
class Group(relay.Node):
    uuid: relay.NodeID[str]
    name: str
    kind: GroupKind
    query: str | None = strawberry.field(description="Canonical query of a smart group.")
    status: GroupStatus
    member_count: int = strawberry.field(description="Maintained, so instant.")
    record: strawberry.Private[GroupRecord]

    @classmethod
    def from_record(cls, record: GroupRecord) -> Group:
        return cls(
            uuid=str(record.uuid),
            name=record.name,
            kind=record.kind,
            query=record.query,
            status=record.status,
            member_count=record.member_count,
            record=record,
        )

    @strawberry.field(description="Campaigns, flows and other systems that rely on this group.")
    async def usages(self, info: Info[Context, None]) -> list[Consumer]:
        found = await info.context.loaders.group_usages.load(self.record.id)
        return [Consumer.from_usage(u) for u in found]

    @strawberry.field(
        description="The group's members, with the same filters and orders as `contacts`."
    )
    async def contacts(
        self,
        info: Info[Context, None],
        filter: ContactFilterInput | None = None,
        order: ContactOrderInput | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> ContactConnection:
        caller = info.context.caller
        flt = await to_filter(caller, filter)
        members = replace(flt, all_group_ids=[*flt.all_group_ids, self.record.id])
        return await ordered_contacts(
            caller,
            members,
            order or ContactOrderInput(),
            PageRequest(first=first, after=after, last=last, before=before),
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info[Context, None], node_ids: Iterable[str], required: bool = False
    ) -> list[Group | None]:
        caller = info.context.caller
        return await nodes_one_by_one(
            node_ids, lambda key: groups.get_group(caller, key), cls.from_record
        )


@strawberry.input
class GroupInput:
    name: str | None = None
    query: str | None = strawberry.field(
        default=None, description="Makes a smart group; its members follow the query."
    )


@strawberry.type
class GroupSaved:
    group: Group


@strawberry.type(description="A contact query as the service understood it.")
class ParsedContactQuery:
    canonical: str = strawberry.field(description="The query in canonical form; store this.")
    field_keys: list[str]
    groups: list[str]
    allows_smart_group: bool = strawberry.field(
        description="False when the query uses uuid, id, status or group."
    )
