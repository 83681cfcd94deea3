"""Keeping smart group membership correct as contacts change.

Every path that changes what a smart group query can see (name, addresses, fields, language,
flags, status) calls `refresh_memberships` for the contacts it touched, inside its own
transaction: one statement re-checks those contacts against every smart group.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from core.sql import Sql
from core.sqlbuilder import Params
from models import Workspace
from query.api import among_ids, parse_query
from query.errors import QueryError
from services.contacts.query_env import query_environment


@dataclass(frozen=True, slots=True)
class SmartGroup:
    id: int
    name: str
    query: str


async def _smart_groups(tx: Sql, workspace_id: int, *, lock: bool = False) -> list[SmartGroup]:
    rows = await tx.fetch(
        f"""
        SELECT id, name, query FROM contact_group
        WHERE workspace_id = $1 AND kind = 'smart'
          AND status IN ('initializing', 'evaluating', 'ready')
        ORDER BY id {"FOR KEY SHARE" if lock else ""}
        """,
        workspace_id,
    )
    return [SmartGroup(r["id"], r["name"], r["query"]) for r in rows]


async def smart_groups_using_flag(tx: Sql, workspace: Workspace, flag_name: str) -> list[str]:
    """Names of the smart groups whose query reads this flag."""
    groups = await _smart_groups(tx, workspace.id)
    if not groups:
        return []
    env = await query_environment(workspace)
    users = []
    for group in groups:
        try:
            names = parse_query(group.query, env).flag_names
        except QueryError:
            continue
        if any(n.lower() == flag_name.lower() for n in names):
            users.append(group.name)
    return users


async def _mark_invalid(tx: Sql, group_ids: Sequence[int]) -> None:
    """A query that no longer reads (the workspace went anonymous, a flag it names is gone)
    turns its group invalid, as a full evaluation does; its members stay as they were until
    the query is changed."""
    if group_ids:
        await tx.execute(
            "UPDATE contact_group SET status = 'invalid' WHERE id = ANY($1::bigint[])",
            list(group_ids),
        )


async def refresh_memberships(tx: Sql, *, workspace: Workspace, contact_ids: Sequence[int]) -> None:
    """Add and remove these contacts to and from smart groups so membership matches the
    queries again; only active contacts belong to groups. Member counts stay exact."""
    if not contact_ids:
        return
    # Key-share locks: an evaluation chunk or a query change (which lock the group FOR
    # UPDATE) waits for these contacts' changes to commit, and these wait for it, so neither
    # writes membership from what the other has not committed yet.
    groups = await _smart_groups(tx, workspace.id, lock=True)
    if not groups:
        return
    env = await query_environment(workspace)
    params = Params()
    ws = params.add(workspace.id)
    ids = params.add(list(contact_ids))
    matches: list[str] = []
    readable: list[int] = []
    unreadable: list[int] = []
    for group in groups:
        try:
            parsed = parse_query(group.query, env)
        except QueryError:
            unreadable.append(group.id)
            continue
        readable.append(group.id)
        condition, values = parsed.to_sql(params.next_index, among=among_ids(f"{ids}::bigint[]"))
        params.extend(values)
        matches.append(
            f"SELECT {params.add(group.id)}::bigint AS group_id, c.id AS contact_id "
            f"FROM contact c WHERE c.workspace_id = {ws} AND c.id = ANY({ids}::bigint[]) "
            f"AND c.status = 'active' AND {condition}"
        )
    await _mark_invalid(tx, unreadable)
    if not readable:
        return
    group_ids = params.add(readable)
    await tx.execute(
        f"""
        WITH matched AS ({" UNION ALL ".join(matches)}),
        removed AS (
            DELETE FROM group_contact gc
            WHERE gc.group_id = ANY({group_ids}::bigint[]) AND gc.contact_id = ANY({ids}::bigint[])
              AND NOT EXISTS (SELECT 1 FROM matched m
                              WHERE m.group_id = gc.group_id AND m.contact_id = gc.contact_id)
            RETURNING gc.group_id
        ),
        added AS (
            INSERT INTO group_contact (workspace_id, group_id, contact_id)
            SELECT {ws}, group_id, contact_id FROM matched
            ON CONFLICT DO NOTHING
            RETURNING group_id
        ),
        deltas AS (
            SELECT group_id, count(*) AS n FROM added GROUP BY group_id
            UNION ALL
            SELECT group_id, -count(*) FROM removed GROUP BY group_id
        )
        UPDATE contact_group g SET member_count = g.member_count + d.n
        FROM (SELECT group_id, sum(n) AS n FROM deltas GROUP BY group_id) d
        WHERE g.id = d.group_id
        """,
        *params.values,
    )
