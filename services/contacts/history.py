"""Contact history: one event per change, written in the change's own transaction, and only
through this module."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from core.sql import Sql, sql
from models.enums import ActorKind, EventKind
from services.access.actor import Actor
from services.contacts import statements
from services.contacts.records import EventRecord


@dataclass(frozen=True, slots=True)
class PendingEvent:
    contact_id: int
    contact_uuid: UUID
    kind: EventKind
    data: dict[str, Any]


def insert_events_sql(rows: str) -> str:
    """The statement writing one event per row of `rows`, a SELECT yielding, in this order:
    workspace_id, contact_id, contact_uuid, kind, data (jsonb), actor_kind, member_id, job_id.

    For set-wise writers: run it with `write_events_from`, or place it in a data-modifying
    CTE of the change's own statement (`WITH changed AS (...), events AS (<this>) ...`) so
    the history costs no statement of its own."""
    return statements.insert_events(rows)


async def write_events_from(tx: Sql, rows: str, *args: Any) -> None:
    """One event per row of `rows` (as `insert_events_sql` describes them), in one statement of
    the caller's transaction; `args` are the SELECT's parameters."""
    await tx.execute(insert_events_sql(rows), *args)


async def write_events(
    tx: Sql, *, workspace_id: int, actor: Actor, events: Sequence[PendingEvent]
) -> None:
    if not events:
        return
    await write_events_from(
        tx,
        statements.PENDING_EVENTS,
        workspace_id,
        actor.kind.value,
        actor.member_id,
        actor.job_id,
        [e.contact_id for e in events],
        [e.contact_uuid for e in events],
        [e.kind.value for e in events],
        [json.dumps(e.data, default=str) for e in events],
    )


async def contact_history(
    *, workspace_id: int, contact_id: int, limit: int, before_id: int | None
) -> list[EventRecord]:
    """Newest first; `before_id` continues after the last event of the previous page."""
    rows = await sql().fetch(statements.CONTACT_HISTORY, workspace_id, contact_id, before_id, limit)
    return [
        EventRecord(
            id=r["id"],
            contact_uuid=r["contact_uuid"],
            kind=EventKind(r["kind"]),
            data=json.loads(r["data"]),
            actor_kind=ActorKind(r["actor_kind"]),
            member_id=r["member_id"],
            job_id=r["job_id"],
            created_on=r["created_on"],
        )
        for r in rows
    ]
