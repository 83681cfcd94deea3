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
from services.groups import statements


@dataclass(frozen=True, slots=True)
class SmartGroup:
    id: int
    name: str
    query: str


async def _smart_groups(tx: Sql, workspace_id: int, *, lock: bool = False) -> list[SmartGroup]:
    rows = await tx.fetch(statements.smart_groups(lock=lock), workspace_id)
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
        await tx.execute(statements.MARK_GROUPS_INVALID, list(group_ids))


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
        matches.append(statements.smart_group_matches(params.add(group.id), ws, ids, condition))
    await _mark_invalid(tx, unreadable)
    if not readable:
        return
    group_ids = params.add(readable)
    await tx.execute(statements.refresh_memberships(matches, ws, ids, group_ids), *params.values)
