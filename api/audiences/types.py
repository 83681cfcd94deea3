from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.common import SortDirection
from api.contacts.inputs import ContactOrderInput
from api.contacts.pages import ordered_contacts
from api.contacts.types import ContactConnection
from api.context import Context
from api.jobs.types import Job
from models.enums import ContactStatus
from services.audiences import snapshots as audiences
from services.audiences.snapshots import AudienceSpec, SnapshotRecord, SnapshotStatus
from services.errors import NotFound
from services.keyset import PageRequest


@strawberry.input(description="Who a campaign reaches; only active contacts unless told.")
class AudienceInput:
    query: str | None = None
    include_groups: list[str] = strawberry.field(default_factory=list, description="Names.")
    exclude_groups: list[str] = strawberry.field(default_factory=list, description="Names.")
    flags_any: list[str] = strawberry.field(default_factory=list)
    flags_all: list[str] = strawberry.field(default_factory=list)
    statuses: list[ContactStatus] | None = strawberry.field(
        default=None,
        description="The statuses to reach; `[]` for every status. By default only ACTIVE, "
        "unless the query has a `status` condition of its own.",
    )

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
            info.context.caller,
            self.spec,
            order or ContactOrderInput(direction=SortDirection.ASC),
            PageRequest(first=first, after=after),
        )


strawberry.enum(
    SnapshotStatus,
    name="AudienceSnapshotStatus",
    description="BUILDING while its job runs; only a READY snapshot has contacts. EXPIRED: "
    "its contacts were kept their time (`expiresOn`) and deleted; its count stays. A FAILED "
    "or CANCELLED one froze nothing: start a new one.",
)


@strawberry.type(description="Who matched an audience when its job ran, frozen for sending.")
class AudienceSnapshot(relay.Node):
    uuid: relay.NodeID[str]
    query: str
    status: SnapshotStatus
    count: int | None = strawberry.field(
        description="How many contacts were frozen, as of when the snapshot became ready; null "
        "until then. It stays as it was when frozen contacts are deleted later."
    )
    expires_on: datetime | None = strawberry.field(
        description="When the frozen contacts are (or were) deleted, AUDIENCE_SNAPSHOT_SECONDS "
        "after the snapshot became ready; null until it is ready."
    )
    job: Job | None

    @classmethod
    def from_record(cls, record: SnapshotRecord, job: Job | None) -> AudienceSnapshot:
        return cls(
            uuid=str(record.uuid),
            query=record.query,
            status=record.status,
            count=record.contact_count,
            expires_on=record.expires_on,
            job=job,
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info[Context, None], node_ids: Any, required: bool = False
    ) -> list[AudienceSnapshot | None]:
        return [await snapshot_by_id(info, node_id) for node_id in node_ids]

    @strawberry.field(
        description="The frozen contacts in a stable order; null unless the snapshot is READY. "
        "Contacts deleted since drop out, and `totalCount` counts those left."
    )
    async def contacts(
        self, info: Info[Context, None], first: int = 50, after: str | None = None
    ) -> ContactConnection | None:
        if self.status is not SnapshotStatus.READY:
            return None
        caller, snapshot_uuid = info.context.caller, UUID(self.uuid)
        page = await audiences.snapshot_contacts(
            caller, snapshot_uuid, PageRequest(first=first, after=after)
        )
        return ContactConnection.from_page(
            page, lambda: audiences.count_snapshot_contacts(caller, snapshot_uuid)
        )


async def snapshot_by_id(info: Info[Context, None], node_id: str) -> AudienceSnapshot | None:
    caller = info.context.caller
    try:
        record = await audiences.get_snapshot(caller, UUID(node_id))
    except (ValueError, NotFound):
        return None
    job = None
    if record.job_uuid is not None:
        job = (await Job.resolve_nodes(info=info, node_ids=[str(record.job_uuid)]))[0]
    return AudienceSnapshot.from_record(record, job)
