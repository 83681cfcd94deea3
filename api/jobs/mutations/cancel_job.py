from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from api.context import Context
from api.errors import InvalidStateError, NotFoundError
from api.jobs.types import Job
from api.relay import require_node_uuid
from services.jobs import control as jobs


@strawberry.type
class JobCancelled:
    job: Job


CancelJobResult = Annotated[
    JobCancelled | NotFoundError | InvalidStateError, strawberry.union("CancelJobResult")
]


@strawberry.mutation
async def cancel_job(info: Info[Context, None], id: strawberry.ID) -> CancelJobResult:
    cancelled = await jobs.cancel_job(info.context.caller, require_node_uuid(id, "Job"))
    return JobCancelled(job=Job.from_model(cancelled))
