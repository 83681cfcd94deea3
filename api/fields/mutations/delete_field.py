from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from api.context import Context
from api.errors import InvalidStateError, NotFoundError, register_error_type
from api.fields.jobs import started_job
from api.fields.types import Consumer
from api.jobs.types import Job
from services.fields import definitions as fields


@strawberry.type
class FieldDeleted:
    key: str
    values_removed: int = strawberry.field(description="Values removed at once (small fields).")
    job: Job | None = strawberry.field(description="The job removing values, for large fields.")


@strawberry.type
class FieldInUseError(InvalidStateError):
    usages: list[Consumer]


DeleteFieldResult = Annotated[
    FieldDeleted | NotFoundError | FieldInUseError, strawberry.union("DeleteFieldResult")
]


def _in_use(exc: fields.FieldInUse) -> FieldInUseError:
    return FieldInUseError(
        message=exc.message,
        code=exc.code,
        field=exc.field,
        usages=[Consumer.from_usage(u) for u in exc.usages],
    )


register_error_type(fields.FieldInUse, FieldInUseError, _in_use)


@strawberry.mutation
async def delete_field(
    info: Info[Context, None], key: str, acknowledge_usages: bool = False
) -> DeleteFieldResult:
    deletion = await fields.delete_field(
        info.context.caller, key, acknowledge_usages=acknowledge_usages
    )
    job = await started_job(info, deletion.job_uuid)
    return FieldDeleted(key=deletion.field.key, values_removed=deletion.values_removed, job=job)
