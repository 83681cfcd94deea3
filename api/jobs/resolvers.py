from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from api.contacts.filters import to_selection
from api.contacts.inputs import ContactSelectionInput
from api.context import Context
from api.errors import ValidationError, user_error
from api.jobs.types import Job, JobStarted
from services.errors import DomainError
from services.flags import jobs as flag_jobs

BulkContactsResult = Annotated[JobStarted | ValidationError, strawberry.union("BulkContactsResult")]


async def add_flags(
    info: Info[Context, None], flags: list[str], selection: ContactSelectionInput
) -> BulkContactsResult:
    return await _flag_job(info, flags, selection, add=True)


async def remove_flags(
    info: Info[Context, None], flags: list[str], selection: ContactSelectionInput
) -> BulkContactsResult:
    return await _flag_job(info, flags, selection, add=False)


async def _flag_job(
    info: Info[Context, None], flags: list[str], selection: ContactSelectionInput, *, add: bool
) -> BulkContactsResult:
    caller = info.context.caller
    caller.require_editor()
    try:
        job = await flag_jobs.start_flag_job(
            caller, flags, await to_selection(caller, selection), add=add
        )
    except DomainError as exc:
        return user_error(exc)  # type: ignore[return-value]
    return JobStarted(job=Job.from_model(job))
