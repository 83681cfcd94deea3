"""The jobs domain's root query fields: one job, and the newest first."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from api.common import Connection
from api.context import Context
from api.jobs.types import Job
from api.relay import node_uuid
from models.enums import JobKind, JobStatus
from services.jobs import control as jobs
from services.keyset import SortKey, decode_cursor, encode_cursor

JOB_CURSOR = SortKey("created_on", "timestamptz", nullable=False)


@strawberry.field
async def job(info: Info[Context, None], id: strawberry.ID) -> Job | None:
    uuid = node_uuid(id, "Job")
    if uuid is None:
        return None
    return (await Job.resolve_nodes(info=info, node_ids=[str(uuid)]))[0]


@strawberry.field(name="jobs")
async def jobs_connection(
    info: Info[Context, None],
    status: list[JobStatus] | None = None,
    kind: list[JobKind] | None = None,
    first: int = 20,
    after: str | None = None,
) -> Connection[Job]:
    first = max(0, min(first, 100))
    position = decode_cursor(after, JOB_CURSOR) if after else None
    rows = await jobs.list_jobs(
        info.context.caller,
        statuses=status or (),
        kinds=kind or (),
        limit=first + 1,
        after=jobs.JobCursor(position.value, position.id) if position else None,
    )
    return Connection[Job].of(
        ((Job.from_model(r), encode_cursor(r.created_on, r.id)) for r in rows[:first]),
        has_next=len(rows) > first,
        has_previous=after is not None,
    )


QUERIES = [job, jobs_connection]
