from __future__ import annotations

from typing import Any
from uuid import UUID

import strawberry
from strawberry import relay
from strawberry.types import Info

from models.enums import ContactStatus
from resolvers.contact_pages import ordered_contacts
from resolvers.context import Context, require_caller
from schema.common import SortDirection
from schema.contact_inputs import ContactOrderInput
from schema.contacts import ContactConnection
from schema.jobs import Job
from services import audiences
from services.audiences import AudienceSpec
from services.errors import NotFound
from services.keyset import PageRequest


@strawberry.input(description="Who a campaign reaches; only active contacts unless told.")
class AudienceInput:
    query: str | None = None
    include_groups: list[str] = strawberry.field(default_factory=list, description="Names.")
    exclude_groups: list[str] = strawberry.field(default_factory=list, description="Names.")
    flags_any: list[str] = strawberry.field(default_factory=list)
    flags_all: list[str] = strawberry.field(default_factory=list)
    statuses: list[ContactStatus] = strawberry.field(default_factory=lambda: [ContactStatus.ACTIVE])

    def to_spec(self) -> AudienceSpec:
        return AudienceSpec(
            query=self.query,
            include_groups=self.include_groups,
            exclude_groups=self.exclude_groups,
            flags_any=self.flags_any,
            flags_all=self.flags_all,
            statuses=self.statuses,
        )


@strawberry.type
class Audience:
    canonical_query: str
    count: int
    spec: strawberry.Private[Any]

    @strawberry.field(description="Oldest first unless `order` says otherwise.")
    async def contacts(
        self,
        info: Info[Context, None],
        order: ContactOrderInput | None = None,
        first: int = 50,
        after: str | None = None,
    ) -> ContactConnection:
        return await ordered_contacts(
            require_caller(info),
            self.spec,
            order or ContactOrderInput(direction=SortDirection.ASC),
            PageRequest(first=first, after=after),
        )


@strawberry.type
class AudienceSnapshot(relay.Node):
    uuid: relay.NodeID[str]
    query: str
    count: int
    job: Job | None

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info[Context, None], node_ids: Any, required: bool = False
    ) -> list[AudienceSnapshot | None]:
        return [await snapshot_by_id(info, node_id) for node_id in node_ids]

    @strawberry.field(description="The frozen contacts, in a stable order.")
    async def contacts(
        self, info: Info[Context, None], first: int = 50, after: str | None = None
    ) -> ContactConnection:
        caller = require_caller(info)
        page = await audiences.snapshot_contacts(
            caller, UUID(self.uuid), PageRequest(first=first, after=after)
        )
        return ContactConnection.from_page(page, lambda: _count(self.count))


async def _count(value: int) -> int:
    return value


async def snapshot_by_id(info: Info[Context, None], node_id: str) -> AudienceSnapshot | None:
    caller = require_caller(info)
    try:
        record = await audiences.get_snapshot(caller, UUID(node_id))
    except (ValueError, NotFound):
        return None
    job = None
    if record.job_uuid is not None:
        job = (await Job.resolve_nodes(info=info, node_ids=[str(record.job_uuid)]))[0]
    return AudienceSnapshot(
        uuid=str(record.uuid), query=record.query, count=record.contact_count, job=job
    )
