"""The job a field mutation started, for its answer."""

from __future__ import annotations

from uuid import UUID

from strawberry.types import Info

from api.context import Context
from api.jobs.types import Job


async def started_job(info: Info[Context, None], job_uuid: UUID | None) -> Job | None:
    if job_uuid is None:
        return None
    return (await Job.resolve_nodes(info=info, node_ids=[str(job_uuid)]))[0]
