from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from api.context import Context
from api.errors import ValidationError
from api.jobs.types import Job, JobStarted
from api.selection.filters import to_selection
from api.selection.inputs import ContactSelectionInput
from services.editing import selection_jobs

RestoreContactsResult = Annotated[
    JobStarted | ValidationError, strawberry.union("RestoreContactsResult")
]


@strawberry.mutation
async def restore_contacts(
    info: Info[Context, None], selection: ContactSelectionInput
) -> RestoreContactsResult:
    caller = info.context.caller
    job = await selection_jobs.restore_contacts(caller, await to_selection(caller, selection))
    return JobStarted(job=Job.from_model(job))
