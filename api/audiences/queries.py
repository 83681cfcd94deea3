"""The audiences domain's root query fields: reading a contact query, who an audience reaches
now, and a frozen snapshot of it."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from api.audiences.types import Audience, AudienceInput, AudienceSnapshot, snapshot_by_id
from api.context import Context
from api.errors import QueryError
from api.groups.types import ParsedContactQuery
from api.relay import node_uuid
from services.audiences import snapshots as audiences
from services.contacts import listing as contact_list

AudienceResult = Annotated[Audience | QueryError, strawberry.union("AudienceResult")]
ParseContactQueryResult = Annotated[
    ParsedContactQuery | QueryError, strawberry.union("ParseContactQueryResult")
]


@strawberry.field(
    description="Reads a contact query: its canonical form, the fields and groups it uses."
)
async def parse_contact_query(info: Info[Context, None], text: str) -> ParseContactQueryResult:
    parsed = await audiences.read_contact_query(info.context.caller, text)
    return ParsedContactQuery(
        canonical=parsed.canonical,
        field_keys=list(parsed.field_keys),
        groups=list(parsed.group_names),
        allows_smart_group=parsed.allows_smart_group,
    )


@strawberry.field(
    description="Who a campaign would reach now: count, canonical query and contacts."
)
async def audience(info: Info[Context, None], input: AudienceInput) -> AudienceResult:
    caller = info.context.caller
    parsed = await audiences.resolve_audience(caller, input.to_spec())
    flt = audiences.audience_filter(parsed)
    count = await contact_list.count_contacts(caller, flt)
    return Audience(canonical_query=parsed.canonical if parsed else "", count=count, spec=flt)


@strawberry.field
async def audience_snapshot(
    info: Info[Context, None], id: strawberry.ID
) -> AudienceSnapshot | None:
    uuid = node_uuid(id, "AudienceSnapshot")
    if uuid is None:
        return None
    return await snapshot_by_id(info, str(uuid))


QUERIES = [parse_contact_query, audience, audience_snapshot]
