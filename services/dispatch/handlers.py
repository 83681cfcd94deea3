"""What each kind of job does to one chunk of contacts."""

from __future__ import annotations

from core.sql import Sql, affected, cached_plans
from models.enums import ContactStatus, JobKind
from services.audiences import jobs as audience_jobs
from services.dispatch import statements
from services.editing import bulk as bulk_contacts
from services.fields.readings import finish_reread, reread_chunk
from services.fields.sorting import sync_sort_indexes
from services.flags import jobs as flag_jobs
from services.groups import jobs as group_jobs
from services.groups.smart import refresh_memberships
from services.jobs.context import ChunkHandler, ChunkOutcome, JobContext, JobHandler, Targets


def _with_cached_plans(handler: ChunkHandler) -> ChunkHandler:
    """For chunks that only write rows (no contact query to plan for its values)."""

    async def chunk(tx: Sql, job: JobContext, ids: list[int]) -> ChunkOutcome:
        async with cached_plans(tx):
            return await handler(tx, job, ids)

    return chunk


def _status_change(
    to_status: ContactStatus, *, only_from: ContactStatus | None = None
) -> ChunkHandler:
    async def chunk(tx: Sql, job: JobContext, ids: list[int]) -> ChunkOutcome:
        async with cached_plans(tx):
            outcome = await bulk_contacts.change_status(
                tx,
                workspace_id=job.workspace_id,
                job_id=job.id,
                member_id=job.member_id,
                contact_ids=ids,
                to_status=to_status,
                from_statuses=[only_from] if only_from else None,
            )
        if to_status is ContactStatus.ACTIVE:
            await refresh_memberships(tx, workspace=job.workspace, contact_ids=ids)
        return outcome

    return chunk


def _deletion(*, only_archived: bool) -> ChunkHandler:
    async def chunk(tx: Sql, job: JobContext, ids: list[int]) -> ChunkOutcome:
        return await bulk_contacts.delete_contacts(
            tx,
            workspace_id=job.workspace_id,
            job_id=job.id,
            member_id=job.member_id,
            contact_ids=ids,
            only_archived=only_archived,
        )

    return _with_cached_plans(chunk)


async def _delete_field_values(tx: Sql, job: JobContext, ids: list[int]) -> ChunkOutcome:
    status = await tx.execute(
        statements.DELETE_FIELD_VALUES,
        job.workspace_id,
        ids,
        job.params["field_uuid"],
    )
    changed = affected(status)
    return ChunkOutcome(changed=changed, skipped=len(ids) - changed)


async def _sync_field_indexes(tx: Sql, job: JobContext, ids: list[int]) -> ChunkOutcome:
    # Outside the step's transaction (`outside_transaction`): CONCURRENTLY refuses one.
    created, dropped = await sync_sort_indexes()
    return ChunkOutcome(changed=created + dropped, skipped=0)


HANDLERS: dict[JobKind, JobHandler] = {
    JobKind.ARCHIVE_CONTACTS: JobHandler(_status_change(ContactStatus.ARCHIVED)),
    JobKind.RESTORE_CONTACTS: JobHandler(
        _status_change(ContactStatus.ACTIVE, only_from=ContactStatus.ARCHIVED)
    ),
    JobKind.DELETE_CONTACTS: JobHandler(_deletion(only_archived=True)),
    JobKind.DELETE_ALL_CONTACTS: JobHandler(_deletion(only_archived=False)),
    JobKind.DELETE_FIELD_VALUES: JobHandler(
        _with_cached_plans(_delete_field_values), targets=Targets.WORKSPACE
    ),
    JobKind.REREAD_FIELD_VALUES: JobHandler(
        _with_cached_plans(reread_chunk), targets=Targets.WORKSPACE, finish=finish_reread
    ),
    JobKind.SYNC_FIELD_INDEXES: JobHandler(
        _sync_field_indexes, targets=Targets.NONE, outside_transaction=True
    ),
    JobKind.EVALUATE_GROUP: JobHandler(
        group_jobs.evaluate_chunk, targets=Targets.WORKSPACE, finish=group_jobs.finish_evaluation
    ),
    JobKind.ADD_TO_GROUP: JobHandler(_with_cached_plans(group_jobs.add_chunk)),
    JobKind.REMOVE_FROM_GROUP: JobHandler(_with_cached_plans(group_jobs.remove_chunk)),
    JobKind.ADD_FLAGS: JobHandler(flag_jobs.add_flags_chunk),
    JobKind.REMOVE_FLAGS: JobHandler(flag_jobs.remove_flags_chunk),
    JobKind.AUDIENCE_SNAPSHOT: JobHandler(
        audience_jobs.snapshot_chunk,
        targets=Targets.WORKSPACE,
        finish=audience_jobs.finish_snapshot,
        discard=audience_jobs.discard_snapshot,
    ),
}
