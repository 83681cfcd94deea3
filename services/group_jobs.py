"""Chunk handlers for group evaluation, group and flag changes, and audience snapshots."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from core.sql import Sql, cached_plans
from core.sqlbuilder import Params
from models.enums import EventKind, GroupKind
from query.api import among_ids, parse_query
from query.environment import FlagInfo, GroupInfo
from query.errors import QueryError
from services.errors import InvalidState
from services.job_context import ChunkOutcome, JobContext
from services.job_errors import tally_contact_problems
from services.membership import join_manual_group, leave_group
from services.query_env import query_environment, read_query
from services.smart_groups import refresh_memberships


async def evaluate_chunk(tx: Sql, job: JobContext, ids: list[int]) -> ChunkOutcome:
    """Make this slice of the workspace's contacts match the smart group's query."""
    group = await tx.fetchrow(
        "SELECT id, query FROM contact_group WHERE id = $1 AND workspace_id = $2 FOR UPDATE",
        job.params["group_id"],
        job.workspace_id,
    )
    if group is None:  # deleted meanwhile: nothing left to evaluate
        return ChunkOutcome(changed=0, skipped=len(ids))
    try:
        parsed = await read_query(job.workspace, group["query"])
    except QueryError:
        await tx.execute("UPDATE contact_group SET status = 'invalid' WHERE id = $1", group["id"])
        return ChunkOutcome(changed=0, skipped=len(ids))
    params = Params()
    ws, chunk = params.add(job.workspace_id), params.add(ids)
    condition, values = parsed.to_sql(params.next_index, among=among_ids(f"{chunk}::bigint[]"))
    params.extend(values)
    rows = await tx.fetch(
        f"SELECT c.id FROM contact c WHERE c.workspace_id = {ws} AND c.id = ANY({chunk}::bigint[]) "
        f"AND c.status = 'active' AND {condition}",
        *params.values,
    )
    async with cached_plans(tx):
        row = await tx.fetchrow(
            """
            WITH removed AS (
                DELETE FROM group_contact gc
                WHERE gc.group_id = $2 AND gc.contact_id = ANY($3::bigint[])
                  AND gc.contact_id <> ALL($4::bigint[])
                RETURNING 1
            ),
            added AS (
                INSERT INTO group_contact (workspace_id, group_id, contact_id)
                SELECT $1, $2, m FROM unnest($4::bigint[]) AS m
                ON CONFLICT DO NOTHING RETURNING 1
            ),
            counted AS (
                UPDATE contact_group SET member_count = member_count
                    + (SELECT count(*) FROM added) - (SELECT count(*) FROM removed)
                WHERE id = $2
            )
            SELECT (SELECT count(*) FROM added) AS added, (SELECT count(*) FROM removed) AS removed
            """,
            job.workspace_id,
            group["id"],
            ids,
            [r["id"] for r in rows],
        )
    assert row is not None
    changed = row["added"] + row["removed"]
    return ChunkOutcome(changed=changed, skipped=len(ids) - changed)


async def finish_evaluation(tx: Sql, job: JobContext) -> None:
    await tx.execute(
        """
        UPDATE contact_group SET status = 'ready',
            member_count = (SELECT count(*) FROM group_contact WHERE group_id = $1)
        WHERE id = $1 AND status IN ('initializing', 'evaluating')
        """,
        job.params["group_id"],
    )


async def add_chunk(tx: Sql, job: JobContext, ids: list[int]) -> ChunkOutcome:
    """Only active contacts join a manual group; the job reports how many others it refused."""
    # Shared locks on every contact of the chunk wait for a status change in flight and keep
    # each status as read until the chunk commits.
    rows = await tx.fetch(
        "SELECT id, status FROM contact WHERE workspace_id = $1 AND id = ANY($2::bigint[]) "
        "ORDER BY id FOR SHARE",
        job.workspace_id,
        ids,
    )
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


# $1 workspace, $2 the chunk's contact ids, $3 the flag ids; both return the pairs changed.
_ADD_FLAGS = """
    INSERT INTO contact_flag (workspace_id, flag_id, contact_id)
    SELECT $1, f.id, c.id FROM contact c CROSS JOIN flag f
    WHERE c.workspace_id = $1 AND c.id = ANY($2::bigint[])
      AND f.workspace_id = $1 AND f.id = ANY($3::bigint[])
    ON CONFLICT DO NOTHING RETURNING contact_id, flag_id
"""
_REMOVE_FLAGS = """
    DELETE FROM contact_flag
    WHERE workspace_id = $1 AND contact_id = ANY($2::bigint[]) AND flag_id = ANY($3::bigint[])
    RETURNING contact_id, flag_id
"""


async def _change_flags(
    tx: Sql, job: JobContext, ids: list[int], change: str, event: EventKind
) -> ChunkOutcome:
    """Applies `change` with one history event per contact and flag, then smart groups."""
    async with cached_plans(tx):  # the flags' rows only; smart groups after
        rows = await tx.fetch(
            f"""
            WITH changed AS ({change}), events AS (
                INSERT INTO contact_event
                    (workspace_id, contact_id, contact_uuid, kind, data, actor_kind,
                     member_id, job_id)
                SELECT $1, c.id, c.uuid, $6, jsonb_build_object('flag', f.name), 'job', $5, $4
                FROM changed x JOIN contact c ON c.id = x.contact_id JOIN flag f ON f.id = x.flag_id
            )
            SELECT DISTINCT contact_id FROM changed
            """,
            job.workspace_id,
            ids,
            job.params["flag_ids"],
            job.id,
            job.member_id,
            event.value,
        )
    changed = [r["contact_id"] for r in rows]
    # Flags are part of the contact, as a single change shows: it counts as modified.
    await tx.execute(
        "UPDATE contact SET modified_on = now() WHERE id = ANY($1::bigint[])", sorted(changed)
    )
    await refresh_memberships(tx, workspace=job.workspace, contact_ids=changed)
    return ChunkOutcome(changed=len(changed), skipped=len(ids) - len(changed))


async def add_flags_chunk(tx: Sql, job: JobContext, ids: list[int]) -> ChunkOutcome:
    return await _change_flags(tx, job, ids, _ADD_FLAGS, EventKind.FLAG_ADDED)


async def remove_flags_chunk(tx: Sql, job: JobContext, ids: list[int]) -> ChunkOutcome:
    return await _change_flags(tx, job, ids, _REMOVE_FLAGS, EventKind.FLAG_REMOVED)


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
        f"""
        INSERT INTO audience_snapshot_contact (snapshot_id, contact_id)
        SELECT {snapshot}, c.id FROM contact c
        WHERE c.workspace_id = {ws} AND c.id = ANY({chunk}::bigint[]) AND {condition}
        ON CONFLICT DO NOTHING RETURNING contact_id
        """,
        *params.values,
    )
    return ChunkOutcome(changed=len(rows), skipped=len(ids) - len(rows))


async def finish_snapshot(tx: Sql, job: JobContext) -> None:
    """Freezes the count as the contacts a sender can page through now: a contact deleted
    after its chunk ran leaves the snapshot first."""
    await tx.execute(
        """
        DELETE FROM audience_snapshot_contact s
        WHERE s.snapshot_id = $1 AND NOT EXISTS (
            SELECT 1 FROM contact c WHERE c.id = s.contact_id AND c.workspace_id = $2
        )
        """,
        job.params["snapshot_id"],
        job.workspace_id,
    )
    await tx.execute(
        """
        UPDATE audience_snapshot SET contact_count =
            (SELECT count(*) FROM audience_snapshot_contact WHERE snapshot_id = $1)
        WHERE id = $1
        """,
        job.params["snapshot_id"],
    )


async def discard_snapshot(tx: Sql, job: JobContext) -> None:
    await tx.execute(
        "DELETE FROM audience_snapshot_contact WHERE snapshot_id = $1", job.params["snapshot_id"]
    )
