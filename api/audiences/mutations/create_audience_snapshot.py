from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from api.audiences.types import AudienceInput, AudienceSnapshot
from api.context import Context
from api.errors import QueryError
from api.jobs.types import Job
from services.audiences import snapshots as audiences


@strawberry.type
class AudienceSnapshotStarted:
    snapshot: AudienceSnapshot
    job: Job


CreateAudienceSnapshotResult = Annotated[
    AudienceSnapshotStarted | QueryError, strawberry.union("CreateAudienceSnapshotResult")
]


@strawberry.mutation(description="Freezes who matches now, so a sender can page a stable list.")
async def create_audience_snapshot(
    info: Info[Context, None], input: AudienceInput
) -> CreateAudienceSnapshotResult:
    record, job = await audiences.create_snapshot(info.context.caller, input.to_spec())
    job_type = Job.from_model(job)
    return AudienceSnapshotStarted(
        snapshot=AudienceSnapshot.from_record(record, job_type), job=job_type
    )
