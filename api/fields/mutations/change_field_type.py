from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from api.context import Context
from api.errors import InvalidStateError, NotFoundError
from api.fields.jobs import started_job
from api.fields.types import ContactField
from api.jobs.types import Job
from models.enums import FieldType
from services.fields import definitions as fields


@strawberry.type
class FieldTypeChanged:
    contact_field: ContactField
    converted: int = strawberry.field(description="Values that read as the new type.")
    not_converted: int = strawberry.field(
        description="Values kept as entered but empty for the new type."
    )
    dry_run: bool
    job: Job | None = strawberry.field(
        description="The job reading many values as the new type; until it ends, queries on "
        "this field are slower."
    )


ChangeFieldTypeResult = Annotated[
    FieldTypeChanged | NotFoundError | InvalidStateError,
    strawberry.union("ChangeFieldTypeResult"),
]


@strawberry.mutation
async def change_field_type(
    info: Info[Context, None], key: str, value_type: FieldType, dry_run: bool = False
) -> ChangeFieldTypeResult:
    report = await fields.change_field_type(info.context.caller, key, value_type, dry_run=dry_run)
    return FieldTypeChanged(
        contact_field=ContactField.from_definition(report.field),
        converted=report.converted,
        not_converted=report.not_converted,
        dry_run=dry_run,
        job=await started_job(info, report.job_uuid),
    )
