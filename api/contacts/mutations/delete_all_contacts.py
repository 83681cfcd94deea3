from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from api.context import Context
from api.errors import ConfirmationError
from api.jobs.types import Job, JobStarted
from services.editing import delete_all

DeleteAllContactsResult = Annotated[
    JobStarted | ConfirmationError, strawberry.union("DeleteAllContactsResult")
]


@strawberry.mutation(
    description='Deletes every contact; `confirmation` must read "delete all contacts in '
    '<workspace name>". Cannot be undone.'
)
async def delete_all_contacts(
    info: Info[Context, None], confirmation: str
) -> DeleteAllContactsResult:
    job = await delete_all.delete_all_contacts(info.context.caller, confirmation=confirmation)
    return JobStarted(job=Job.from_model(job))
