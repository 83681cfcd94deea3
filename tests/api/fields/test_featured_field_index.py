"""A featured field's sort index is built by its job through a real worker (CONCURRENTLY,
outside the chunk's transaction), and the contacts list ordered by that field uses it."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import httpx
from tortoise import connections

from core.sql import sql
from tests.api.fields.documents import CREATE_FIELD
from tests.conftest import RunWorker
from tests.factories import Session, create_contact, create_session, data_of, gql

ORDERED = """
query($key: String!) {
  contacts(order: {fieldKey: $key, direction: ASC}, first: 3) { edges { node { name } } }
}
"""


async def _index_job(session: Session) -> tuple[str, str]:
    rows = await sql().fetch(
        "SELECT status, errors::text AS errors FROM job "
        "WHERE workspace_id = $1 AND kind = 'sync_field_indexes' ORDER BY id DESC LIMIT 1",
        session.workspace.id,
    )
    assert rows, "no index job was started"
    return rows[0]["status"], rows[0]["errors"]


async def _sort_index(field_id: int) -> tuple[str, bool] | None:
    row = await sql().fetchrow(
        "SELECT i.indexname, x.indisvalid FROM pg_indexes i "
        "JOIN pg_class c ON c.relname = i.indexname JOIN pg_index x ON x.indexrelid = c.oid "
        "WHERE i.tablename = 'contact' AND i.indexname = $1",
        f"contact_sort_{field_id}_text",
    )
    return (row[0], row[1]) if row else None


@contextlib.contextmanager
def _list_queries_sent() -> Iterator[list[Any]]:
    sent: list[Any] = []

    def log(record: Any) -> None:
        if "AS sort_value" in record.query:
            sent.append(record)

    pool = connections.get("default")._pool
    live = [holder._con for holder in pool._holders if holder._con is not None]
    for conn in live:
        conn.add_query_logger(log)
    try:
        yield sent
    finally:
        for conn in live:
            conn.remove_query_logger(log)


async def _create_featured(client: httpx.AsyncClient, session: Session, name: str) -> int:
    body = await gql(client, session, CREATE_FIELD, {"input": {"name": name, "featured": True}})
    assert data_of(body)["createField"]["__typename"] == "FieldCreated", body
    field_id: int = await sql().fetchval(
        "SELECT id FROM contact_field WHERE workspace_id = $1 AND name = $2",
        session.workspace.id,
        name,
    )
    return field_id


async def test_creating_a_featured_field_builds_its_index_through_the_worker_and_lists_use_it(
    client: httpx.AsyncClient, run_worker: RunWorker
) -> None:
    session = await create_session()
    field_id = await _create_featured(client, session, "Tier")
    for name, tier in (("A", "gold"), ("B", "bronze"), ("C", None), ("D", "silver")):
        await create_contact(session, name, fields={"tier": tier} if tier else {})
    await run_worker()

    assert await _index_job(session) == ("succeeded", "[]")
    assert await _sort_index(field_id) == (f"contact_sort_{field_id}_text", True)
    with _list_queries_sent() as sent:
        page = data_of(await gql(client, session, ORDERED, {"key": "tier"}))
    assert [e["node"]["name"] for e in page["contacts"]["edges"]] == ["B", "A", "D"]
    valued = [r for r in sent if "IS NOT NULL" in r.query]
    assert valued
    async with connections.get("default")._pool.acquire() as conn:
        # A handful of rows: discourage the scans a small table gets, as a large one would.
        await conn.execute("SET enable_seqscan = off; SET enable_sort = off")
        for record in valued:
            plan = await conn.fetchval(f"EXPLAIN (FORMAT JSON) {record.query}", *record.args)
            assert f"contact_sort_{field_id}_text" in plan and '"Sort"' not in plan, plan


async def test_an_invalid_index_left_by_an_interrupted_build_is_dropped_and_rebuilt(
    client: httpx.AsyncClient, run_worker: RunWorker
) -> None:
    session = await create_session()
    field_id = await _create_featured(client, session, "Level")
    await run_worker()
    name = f"contact_sort_{field_id}_text"
    # What a CONCURRENTLY build cut short leaves behind: the index, marked invalid.
    await sql().execute(
        "UPDATE pg_index SET indisvalid = FALSE WHERE indexrelid = $1::regclass", name
    )
    assert await _sort_index(field_id) == (name, False)
    _ = await _create_featured(client, session, "Other")  # another index job
    await run_worker()

    assert await _index_job(session) == ("succeeded", "[]")
    assert await _sort_index(field_id) == (name, True)
