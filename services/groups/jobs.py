"""Chunk handlers for smart group evaluation and for adding to and removing from a group."""

from __future__ import annotations

from collections.abc import Mapping

from core.sql import Sql, cached_plans
from core.sqlbuilder import Params
from query.api import among_ids
from query.errors import QueryError
from services.contacts.query_env import read_query
from services.groups import statements
from services.groups.membership import join_manual_group, leave_group
from services.jobs.context import ChunkOutcome, JobContext
from services.jobs.errors import tally_contact_problems


async def evaluate_chunk(tx: Sql, job: JobContext, ids: list[int]) -> ChunkOutcome:
    """Make this slice of the workspace's contacts match the smart group's query."""
    group = await tx.fetchrow(
        statements.LOCK_EVALUATED_GROUP, job.params["group_id"], job.workspace_id
    )
    if group is None:  # deleted meanwhile: nothing left to evaluate
        return ChunkOutcome(changed=0, skipped=len(ids))
    try:
        parsed = await read_query(job.workspace, group["query"])
    except QueryError:
        await tx.execute(statements.MARK_GROUP_INVALID, group["id"])
        return ChunkOutcome(changed=0, skipped=len(ids))
    params = Params()
    ws, chunk = params.add(job.workspace_id), params.add(ids)
    condition, values = parsed.to_sql(params.next_index, among=among_ids(f"{chunk}::bigint[]"))
    params.extend(values)
    rows = await tx.fetch(statements.matching_contacts(ws, chunk, condition), *params.values)
    async with cached_plans(tx):
        row = await tx.fetchrow(
            statements.EVALUATE_CHUNK,
            job.workspace_id,
            group["id"],
            ids,
            [r["id"] for r in rows],
        )
    assert row is not None
    changed = row["added"] + row["removed"]
    return ChunkOutcome(changed=changed, skipped=len(ids) - changed)


async def finish_evaluation(tx: Sql, job: JobContext) -> None:
    await tx.execute(statements.FINISH_EVALUATION, job.params["group_id"])


async def add_chunk(tx: Sql, job: JobContext, ids: list[int]) -> ChunkOutcome:
    """Only active contacts join a manual group; the job reports how many others it refused."""
    # Shared locks on every contact of the chunk wait for a status change in flight and keep
    # each status as read until the chunk commits.
    rows = await tx.fetch(statements.SHARE_LOCK_CHUNK_CONTACTS, job.workspace_id, ids)
    rows = [r for r in rows if r["status"] != "active"]
    joined = await join_manual_group(
        tx, workspace_id=job.workspace_id, group_id=job.params["group_id"], contact_ids=ids
    )
    await tally_contact_problems(
        tx,
        job.id,
        code="inactive_contacts",
        problems={r["id"]: r["status"] for r in rows},
        through=ids[-1],
        describe=describe_inactive,
    )
    return ChunkOutcome(changed=joined, skipped=len(ids) - joined)


def describe_inactive(counts: Mapping[str, int]) -> str:
    """E.g. "3 selected contacts were not added: 2 are archived and 1 is stopped; ..."."""
    total = sum(counts.values())
    head = (
        "1 selected contact was not added"
        if total == 1
        else f"{total} selected contacts were not added"
    )
    if len(counts) == 1:
        (status,) = counts
        why = f" because {'it is' if total == 1 else 'they are'} {status}"
    else:
        parts = [f"{n} {'is' if n == 1 else 'are'} {s}" for s, n in sorted(counts.items())]
        why = ": " + ", ".join(parts[:-1]) + " and " + parts[-1]
    return f"{head}{why}; only active contacts can be added to a group."


async def remove_chunk(tx: Sql, job: JobContext, ids: list[int]) -> ChunkOutcome:
    left = await leave_group(
        tx, workspace_id=job.workspace_id, group_id=job.params["group_id"], contact_ids=ids
    )
    return ChunkOutcome(changed=left, skipped=len(ids) - left)
