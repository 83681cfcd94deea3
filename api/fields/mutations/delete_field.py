from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from api.context import Context
from api.errors import NotFoundError, register_error_type
from api.fields.jobs import started_job
from api.fields.types import InUseError, in_use_error
from api.jobs.types import Job
from services.fields import definitions as fields


@strawberry.type
class FieldDeleted:
    key: str
    values_removed: int = strawberry.field(description="Values removed at once (small fields).")
    job: Job | None = strawberry.field(description="The job removing values, for large fields.")


@strawberry.type
class FieldInUseError(InUseError):
    pass


DeleteFieldResult = Annotated[
    FieldDeleted | NotFoundError | FieldInUseError, strawberry.union("DeleteFieldResult")
]


register_error_type(fields.FieldInUse, FieldInUseError, in_use_error(FieldInUseError))


@strawberry.mutation
async def delete_field(
    info: Info[Context, None], key: str, acknowledge_usages: bool = False
) -> DeleteFieldResult:
    deletion = await fields.delete_field(
        info.context.caller, key, acknowledge_usages=acknowledge_usages
    )
    job = await started_job(info, deletion.job_uuid)
    return FieldDeleted(key=deletion.field.key, values_removed=deletion.values_removed, job=job)
