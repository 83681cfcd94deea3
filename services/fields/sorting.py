"""Ordering contacts by a custom field, and the indexes that keep it fast for featured fields.

Featured fields are the list columns people sort by, so each gets an expression index on the
reading its type uses. Indexes are built CONCURRENTLY by a job, never in a request.
"""

from __future__ import annotations

import asyncio
import logging
import re
import uuid as uuidlib

from core.sql import Sql, one_connection
from models.enums import FieldType
from services.fields import statements
from services.fields.values import FieldDefinition
from services.keyset import SortKey

log = logging.getLogger(__name__)

INDEX_PREFIX = "contact_sort_"
LOCK_RETRY_SECONDS = 0.2
INDEX_NAME = re.compile(rf"^{INDEX_PREFIX}(\d+)_(text|number|datetime)$")


def field_sort_expr(field: FieldDefinition) -> str:
    reading = f"c.fields -> '{uuidlib.UUID(field.uuid)}' ->> '{field.value_type.value}'"
    if field.value_type is FieldType.NUMBER:
        return f"(({reading})::numeric)"
    if field.value_type is FieldType.DATETIME:
        return f'(({reading}) COLLATE "C")'
    return f"lower({reading})"


def field_sort_key(field: FieldDefinition) -> SortKey:
    value_type = "numeric" if field.value_type is FieldType.NUMBER else "text"
    return SortKey(field_sort_expr(field), value_type, nullable=True)


def _index_name(field: FieldDefinition) -> str:
    return f"{INDEX_PREFIX}{field.id}_{field.value_type.value}"


async def sync_sort_indexes() -> tuple[int, int]:
    """Create the missing indexes of featured fields and drop obsolete ones, across the
    database (idempotent; safe to run again). Returns (created, dropped). One sync runs at a
    time; another waits for it, idle (a waiting statement would hold a snapshot that the
    running sync's CONCURRENTLY build waits for in turn)."""
    async with one_connection() as conn:
        while True:
            if await conn.fetchval(statements.TRY_LOCK_SORT_INDEXES):
                break
            await asyncio.sleep(LOCK_RETRY_SECONDS)
        try:
            return await _sync(conn)
        finally:
            await conn.execute(statements.UNLOCK_SORT_INDEXES)


async def _sync(conn: Sql) -> tuple[int, int]:
    featured = await conn.fetch(statements.FEATURED_FIELDS)
    wanted = {
        _index_name(f): f
        for f in (
            FieldDefinition(
                id=r["id"],
                uuid=str(r["uuid"]),
                key=r["key"],
                name=r["name"],
                value_type=FieldType(r["value_type"]),
                featured=True,
                position=r["position"],
            )
            for r in featured
        )
    }
    rows = await conn.fetch(statements.SORT_INDEXES, f"{INDEX_PREFIX}%")
    # A CONCURRENTLY build that was interrupted leaves an invalid index: rebuild it.
    existing = {r["name"] for r in rows if r["valid"]}
    for name in sorted(r["name"] for r in rows if not r["valid"]):
        await conn.execute(statements.drop_index(name))
    created = dropped = 0
    for name in sorted(existing - set(wanted)):
        if INDEX_NAME.match(name):
            await conn.execute(statements.drop_index(name))
            dropped += 1
    for name, field in wanted.items():
        if name in existing:
            continue
        expr = field_sort_expr(field).replace("c.fields", "fields")
        await conn.execute(statements.create_sort_index(name, expr))
        created += 1
    return created, dropped
