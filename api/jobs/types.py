from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.context import Context
from api.relay import parse_uuid
from models import Job as JobRow
from models.enums import JobKind, JobStatus
from services.jobs import control as jobs


@strawberry.type
class JobProgress:
    done: int
    total: int

    @strawberry.field(description="0 to 100.")
    def percent(self) -> float:
        return 100.0 if self.total == 0 else round(100.0 * self.done / self.total, 1)


@strawberry.type(description="A problem the job met; the job may still have succeeded.")
class JobError:
    message: str
    code: str | None = strawberry.field(
        description="Stable code of a problem with some of the selected contacts (such as "
        "`inactive_contacts`); null for a message alone."
    )


@strawberry.type(description="Long-running work; poll it until `status` is final.")
class Job(relay.Node):
    uuid: relay.NodeID[str]
    kind: JobKind
    status: JobStatus
    progress: JobProgress
    changed_count: int = strawberry.field(description="Contacts the job changed.")
    skipped_count: int = strawberry.field(
        description="Selected contacts left alone (already in the target state, not eligible)."
    )
    errors: list[JobError]
    cancel_requested: bool
    created_on: datetime
    started_on: datetime | None
    finished_on: datetime | None
    created_by_id: strawberry.Private[int | None]

    @strawberry.field
    async def created_by(self, info: Info[Context, None]) -> str | None:
        if self.created_by_id is None:
            return None
        member = await info.context.loaders.members.load(self.created_by_id)
        return member.name if member else None

    @classmethod
    def from_model(cls, row: JobRow) -> Job:
        return cls(
            uuid=str(row.uuid),
            kind=row.kind,
            status=row.status,
            progress=JobProgress(done=row.progress_done, total=row.progress_total),
            changed_count=row.changed_count,
            skipped_count=row.skipped_count,
            errors=[
                JobError(message=str(e.get("message", "")), code=e.get("code")) for e in row.errors
            ],
            cancel_requested=row.cancel_requested,
            created_on=row.created_on,
            started_on=row.started_on,
            finished_on=row.finished_on,
            created_by_id=row.created_by_id,
        )

    @classmethod
    async def load(cls, info: Info[Context, None], job_id: int | None) -> Job | None:
        """The job of that row id in the caller's workspace, batched per request."""
        row = await info.context.loaders.jobs.load(job_id) if job_id is not None else None
        return cls.from_model(row) if row else None

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info[Context, None], node_ids: Iterable[str], required: bool = False
    ) -> list[Job | None]:
        keys = [parse_uuid(node_id) for node_id in node_ids]
        rows = await jobs.get_jobs(info.context.caller, [k for k in keys if k is not None])
        by_key = {r.uuid: r for r in rows}
        return [cls.from_model(by_key[k]) if k in by_key else None for k in keys]


@strawberry.type(description="The job was accepted; poll `job(id)` for its progress.")
class JobStarted:
    job: Job
