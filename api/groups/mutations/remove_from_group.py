from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from api.context import Context
from api.errors import InvalidStateError, NotFoundError, ValidationError
from api.jobs.types import Job, JobStarted
from api.relay import require_node_uuid
from api.selection.filters import to_selection
from api.selection.inputs import ContactSelectionInput
from services.groups import members

RemoveFromGroupResult = Annotated[
    JobStarted | NotFoundError | InvalidStateError | ValidationError,
    strawberry.union("RemoveFromGroupResult"),
]


@strawberry.mutation(description="A large selection, as a job.")
async def remove_from_group(
    info: Info[Context, None], group_id: strawberry.ID, selection: ContactSelectionInput
) -> RemoveFromGroupResult:
    caller = info.context.caller
    group_uuid = require_node_uuid(group_id, "Group", field="groupId")
    job = await members.start_group_job(
        caller, group_uuid, await to_selection(caller, selection), add=False
    )
    return JobStarted(job=Job.from_model(job))
