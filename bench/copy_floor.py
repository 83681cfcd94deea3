"""What an import's writes cost at COPY speed: the rows an import wrote (contacts, search
rows, addresses, history events, group memberships) are read out, deleted, and written back
with COPY, chunk by chunk on as many connections as the import's commit lanes, into the same
tables with all their indexes, keys and triggers. Nothing is validated, matched or computed:
the result is the floor under the import's commit on this schema and machine.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/contacts_import_bench \
        .venv/bin/python bench/import_bench.py --rows 1000000 --copy-floor

(`import_bench.py` runs it on the workspace it imported into.)
"""

from __future__ import annotations

import asyncio
import io
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import asyncpg

from services.imports.statements import SEARCH_INDEXES

CHUNK = 5000

# Each table an import writes, with how to find a chunk's rows by contact id.
_TABLES = {
    "contact": "workspace_id = $1 AND id > $2 AND id <= $3",
    "contact_search": "workspace_id = $1 AND contact_id > $2 AND contact_id <= $3",
    "contact_urn": "workspace_id = $1 AND contact_id > $2 AND contact_id <= $3",
    "contact_event": "workspace_id = $1 AND contact_id > $2 AND contact_id <= $3",
    "group_contact": "workspace_id = $1 AND contact_id > $2 AND contact_id <= $3",
}


@dataclass
class Chunk:
    rows: dict[str, bytes] = field(default_factory=dict)


async def _read_chunks(conn: asyncpg.Connection, workspace_id: int) -> list[Chunk]:
    ids = [
        r["id"]
        for r in await conn.fetch(
            "SELECT id FROM contact WHERE workspace_id = $1 ORDER BY id", workspace_id
        )
    ]
    chunks = []
    for start in range(0, len(ids), CHUNK):
        after = ids[start] - 1
        last = ids[min(start + CHUNK, len(ids)) - 1]
        chunk = Chunk()
        for table, where in _TABLES.items():
            out = io.BytesIO()
            await conn.copy_from_query(
                f"SELECT * FROM {table} WHERE {where}",  # noqa: S608 (fixed names)
                workspace_id,
                after,
                last,
                output=out,
                format="binary",
            )
            chunk.rows[table] = out.getvalue()
        chunks.append(chunk)
    return chunks


async def _delete(conn: asyncpg.Connection, workspace_id: int) -> None:
    await conn.execute("DELETE FROM contact_event WHERE workspace_id = $1", workspace_id)
    await conn.execute("DELETE FROM contact WHERE workspace_id = $1", workspace_id)
    await conn.execute(f"VACUUM ANALYZE {', '.join(_TABLES)}")


async def _write(
    conn: asyncpg.Connection, chunks: list[Chunk], gin_indexes: list[int], spent: dict[str, float]
) -> None:
    """Writes the chunks, adding the seconds each table's COPY took to `spent`."""
    for chunk in chunks:
        async with conn.transaction():
            await conn.execute("SET LOCAL contacts.search_rows = 'supplied'")
            await conn.execute("SET LOCAL gin_pending_list_limit = '256MB'")
            # As the import's writes: key checks keep cached plans (see core.sql.cached_plans).
            await conn.execute("SET LOCAL plan_cache_mode = auto")
            for table, data in chunk.rows.items():
                started = time.perf_counter()
                await conn.copy_to_table(table, source=io.BytesIO(data), format="binary")
                spent[table] = spent.get(table, 0.0) + time.perf_counter() - started
            started = time.perf_counter()
            await conn.execute(
                "SELECT gin_clean_pending_list(i) FROM unnest($1::oid[]) AS i", gin_indexes
            )
            spent["merge search entries"] = (
                spent.get("merge search entries", 0.0) + time.perf_counter() - started
            )


async def copy_floor(
    url: str, workspace_id: int, database_cpu: Callable[[], Awaitable[float | None]], lanes: int
) -> None:
    """`database_cpu` reads the CPU time of the server processes serving this database;
    `lanes` connections write chunks side by side."""
    dsn = url.replace("postgres://", "postgresql://")
    connections = [await asyncpg.connect(dsn) for _ in range(lanes)]
    try:
        started = time.perf_counter()
        chunks = await _read_chunks(connections[0], workspace_id)
        size = sum(len(data) for chunk in chunks for data in chunk.rows.values())
        print(f"copy floor: read {len(chunks)} chunks ({size / 1e6:,.0f} MB binary) in "
              f"{time.perf_counter() - started:.1f} s")  # fmt: skip
        await _delete(connections[0], workspace_id)
        gin_indexes = [r["id"] for r in await connections[0].fetch(SEARCH_INDEXES)]
        cpu_before = await database_cpu()
        spent: dict[str, float] = {}
        started = time.perf_counter()
        await asyncio.gather(
            *(
                _write(lane, chunks[n::lanes], gin_indexes, spent)
                for n, lane in enumerate(connections)
            )
        )
        elapsed = time.perf_counter() - started
        cpu_after = await database_cpu()
        cpu = (
            f", database CPU {cpu_after - cpu_before:.1f} s"
            if cpu_before is not None and cpu_after is not None
            else ""
        )
        print(f"copy floor: wrote the rows back in {elapsed:.1f} s{cpu}; summed over the lanes:")
        for table, seconds in sorted(spent.items(), key=lambda item: -item[1]):
            print(f"    {table:<22} {seconds:6.1f} s")
    finally:
        for lane in connections:
            await lane.close()
