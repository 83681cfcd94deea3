"""Jobs for many ids at once, one statement, in the ids' order; None for an id the workspace
has no job for."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from core.sql import sql
from models import Job
from services.jobs import statements


async def job_uuids(workspace_id: int, ids: Sequence[int]) -> list[UUID | None]:
    rows = await sql().fetch(statements.JOB_UUIDS, workspace_id, list(ids))
    found = {r["id"]: r["uuid"] for r in rows}
    return [found.get(i) for i in ids]


async def jobs_by_id(workspace_id: int, ids: Sequence[int]) -> list[Job | None]:
    jobs = {j.id: j for j in await Job.filter(workspace_id=workspace_id, id__in=list(ids))}
    return [jobs.get(i) for i in ids]
