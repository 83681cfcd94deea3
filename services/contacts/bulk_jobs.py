"""Jobs over a selection of contacts: the selection is frozen as the job's targets."""

from __future__ import annotations

from typing import Any

from core.queue import enqueue_job
from core.sql import transaction
from core.sqlbuilder import Params
from models import Job
from models.enums import JobKind
from services.access.caller import Caller
from services.contacts import statements
from services.contacts.selection import ContactSelection, selection_sql
from services.jobs import state as job_state
from services.jobs.control import insert_job


async def start_contact_job(
    caller: Caller,
    kind: JobKind,
    selection: ContactSelection,
    *,
    params: dict[str, Any] | None = None,
) -> Job:
    """Freeze the selected contacts as the job's targets and queue it, all or nothing."""
    async with transaction() as tx:
        job_id, job_uuid = await insert_job(tx, caller=caller, kind=kind, params=params or {})
        where_params = Params()
        job_param = where_params.add(job_id)
        where = selection_sql(caller.workspace_id, selection, where_params)
        frozen = await tx.fetchval(
            statements.freeze_targets(job_param, where), *where_params.values
        )
        await job_state.set_total(tx, job_id, frozen)
    await enqueue_job(str(job_uuid))
    return await Job.get(id=job_id)
