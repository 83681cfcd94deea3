from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from api.context import Context
from api.errors import ValidationError
from api.jobs.types import Job, JobStarted
from api.selection.filters import to_selection
from api.selection.inputs import ContactSelectionInput
from services.flags import jobs

RemoveFlagsResult = Annotated[JobStarted | ValidationError, strawberry.union("RemoveFlagsResult")]


@strawberry.mutation
async def remove_flags(
    info: Info[Context, None], flags: list[str], selection: ContactSelectionInput
) -> RemoveFlagsResult:
    caller = info.context.caller
    job = await jobs.start_flag_job(caller, flags, await to_selection(caller, selection), add=False)
    return JobStarted(job=Job.from_model(job))
