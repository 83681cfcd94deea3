from __future__ import annotations

from typing import Annotated
from uuid import UUID

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.common import Connection
from api.contacts.filters import to_selection
from api.contacts.inputs import ContactSelectionInput
from api.context import Context
from api.errors import (
    InvalidStateError,
    NotFoundError,
    ValidationError,
    user_error,
)
from api.jobs.types import Job, JobStarted
from models.enums import JobKind, JobStatus
from services.errors import DomainError
from services.flags import jobs as flag_jobs
from services.jobs import control as jobs
from services.keyset import SortKey, decode_cursor, encode_cursor


@strawberry.type
class JobCancelled:
    job: Job


BulkContactsResult = Annotated[JobStarted | ValidationError, strawberry.union("BulkContactsResult")]
CancelJobResult = Annotated[
    JobCancelled | NotFoundError | InvalidStateError, strawberry.union("CancelJobResult")
]


async def cancel_job(info: Info[Context, None], id: relay.GlobalID) -> CancelJobResult:
    caller = info.context.caller
    caller.require_editor()
    try:
        job_uuid = _job_uuid(id)
        cancelled = await jobs.cancel_job(caller, UUID(job_uuid))
        return JobCancelled(job=Job.from_model(cancelled))
    except DomainError as exc:
        return user_error(exc)  # type: ignore[return-value]


def _job_uuid(id: relay.GlobalID) -> str:
    from uuid import UUID

    from services.errors import NotFound

    try:
        if id.type_name != Job.__name__:
            raise ValueError(id.type_name)
        return str(UUID(id.node_id))
    except ValueError as exc:
        raise NotFound("No such job.", field="id") from exc


async def job(info: Info[Context, None], id: relay.GlobalID) -> Job | None:
    if id.type_name != Job.__name__:
        return None
    return (await Job.resolve_nodes(info=info, node_ids=[id.node_id]))[0]


JOB_CURSOR = SortKey("created_on", "timestamptz", nullable=False)


async def jobs_connection(
    info: Info[Context, None],
    status: list[JobStatus] | None = None,
    kind: list[JobKind] | None = None,
    first: int = 20,
    after: str | None = None,
) -> Connection[Job]:
    caller = info.context.caller
    first = max(0, min(first, 100))
    position = decode_cursor(after, JOB_CURSOR) if after else None
    rows = await jobs.list_jobs(
        caller,
        statuses=status or (),
        kinds=kind or (),
        limit=first + 1,
        after=jobs.JobCursor(position.value, position.id) if position else None,
    )
    return Connection[Job].of(
        ((Job.from_model(r), encode_cursor(r.created_on, r.id)) for r in rows[:first]),
        has_next=len(rows) > first,
        has_previous=after is not None,
    )


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
