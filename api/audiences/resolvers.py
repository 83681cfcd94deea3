from __future__ import annotations

from typing import Annotated, cast

import strawberry
from strawberry import relay
from strawberry.scalars import JSON
from strawberry.types import Info

from api.audiences.types import Audience, AudienceInput, AudienceSnapshot, snapshot_by_id
from api.context import Context
from api.errors import user_error
from api.groups.types import ParsedContactQuery, QueryError
from api.jobs.types import Job
from query.errors import QueryError as QueryLanguageError
from services.audiences import snapshots as audiences
from services.contacts import listing as contact_list
from services.contacts.query_env import read_query
from services.errors import InvalidQuery

AudienceResult = Annotated[Audience | QueryError, strawberry.union("AudienceResult")]
ParseContactQueryResult = Annotated[
    ParsedContactQuery | QueryError, strawberry.union("ParseContactQueryResult")
]


@strawberry.type
class AudienceSnapshotStarted:
    snapshot: AudienceSnapshot
    job: Job


CreateAudienceSnapshotResult = Annotated[
    AudienceSnapshotStarted | QueryError, strawberry.union("CreateAudienceSnapshotResult")
]


def _query_error(exc: InvalidQuery) -> QueryError:
    return QueryError(
        message=exc.message,
        code=user_error(exc).code,
        field="query",
        query_code=exc.query_code,
        extra=cast(JSON, exc.extra),
    )


async def audience(info: Info[Context, None], input: AudienceInput) -> AudienceResult:
    caller = info.context.caller
    try:
        parsed = await audiences.resolve_audience(caller, input.to_spec())
    except InvalidQuery as exc:
        return _query_error(exc)
    flt = audiences.audience_filter(parsed)
    count = await contact_list.count_contacts(caller, flt)
    return Audience(canonical_query=parsed.canonical if parsed else "", count=count, spec=flt)


async def create_audience_snapshot(
    info: Info[Context, None], input: AudienceInput
) -> CreateAudienceSnapshotResult:
    caller = info.context.caller
    caller.require_editor()
    try:
        record, job = await audiences.create_snapshot(caller, input.to_spec())
    except InvalidQuery as exc:
        return _query_error(exc)
    job_type = Job.from_model(job)
    return AudienceSnapshotStarted(
        snapshot=AudienceSnapshot.from_record(record, job_type), job=job_type
    )


async def audience_snapshot(
    info: Info[Context, None], id: relay.GlobalID
) -> AudienceSnapshot | None:
    if id.type_name != AudienceSnapshot.__name__:
        return None
    return await snapshot_by_id(info, id.node_id)


async def parse_contact_query(info: Info[Context, None], text: str) -> ParseContactQueryResult:
    caller = info.context.caller
    try:
        parsed = await read_query(caller.workspace, text)
    except QueryLanguageError as exc:
        return _query_error(InvalidQuery(exc.code.value, exc.message, exc.extra))
    return ParsedContactQuery(
        canonical=parsed.canonical,
        field_keys=list(parsed.field_keys),
        groups=list(parsed.group_names),
        allows_smart_group=parsed.allows_smart_group,
    )
