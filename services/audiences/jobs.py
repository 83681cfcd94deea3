"""Chunk handlers of an audience snapshot: freeze who matches, then count them."""

from __future__ import annotations

from dataclasses import replace

from core.sql import Sql
from core.sqlbuilder import Params
from models.enums import GroupKind
from query.api import among_ids, parse_query
from query.environment import FlagInfo, GroupInfo
from query.errors import QueryError
from services.audiences import statements
from services.contacts.query_env import query_environment
from services.errors import InvalidState
from services.jobs.context import ChunkOutcome, JobContext


async def snapshot_chunk(tx: Sql, job: JobContext, ids: list[int]) -> ChunkOutcome:
    """Walks the workspace by id and keeps the contacts that match at this moment."""
    parsed = None
    if job.params["query"]:
        env = await query_environment(job.workspace)
        env = replace(
            env,
            groups={
                **env.groups,
                **{n.lower(): GroupInfo(i, n, GroupKind(k)) for i, n, k in job.params["groups"]},
            },
            flags={**env.flags, **{n.lower(): FlagInfo(i, n) for i, n in job.params["flags"]}},
        )
        try:
            parsed = parse_query(job.params["query"], env)
        except QueryError as exc:
            raise InvalidState(
                f"The audience's query no longer reads ({exc.message}); nothing was frozen.",
                field="query",
            ) from exc
    params = Params()
    snapshot, ws, chunk = (
        params.add(job.params["snapshot_id"]),
        params.add(job.workspace_id),
        params.add(ids),
    )
    condition = "TRUE"
    if parsed is not None:
        condition, values = parsed.to_sql(params.next_index, among=among_ids(f"{chunk}::bigint[]"))
        params.extend(values)
    rows = await tx.fetch(
        statements.freeze_matching(snapshot, ws, chunk, condition), *params.values
    )
    return ChunkOutcome(changed=len(rows), skipped=len(ids) - len(rows))


async def finish_snapshot(tx: Sql, job: JobContext) -> None:
    """Freezes the count as the contacts a sender can page through now: a contact deleted
    after its chunk ran leaves the snapshot first."""
    await tx.execute(statements.DROP_DELETED_CONTACTS, job.params["snapshot_id"], job.workspace_id)
    await tx.execute(statements.COUNT_SNAPSHOT, job.params["snapshot_id"])


async def discard_snapshot(tx: Sql, job: JobContext) -> None:
    await tx.execute(statements.DISCARD_SNAPSHOT_CONTACTS, job.params["snapshot_id"])
