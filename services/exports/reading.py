"""Reading the selected contacts for an export: keyset ranges of contact ids (never OFFSET),
each rendered by the database, as CSV straight into the file or as rows of text.

Every read of one export sees the same snapshot of the database (`pinned`), taken when the
export begins: ranges read side by side on several connections, the address columns sized
before any row is read, and the count that sizes XLSX sheets all describe the same contacts,
so a contact that changes meanwhile can neither lose an address to a missing column nor
appear half-updated. The file shows the selection as it was at that moment.
"""

from __future__ import annotations

import io
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg

from core.database import db
from core.sqlbuilder import Params
from models import Workspace
from normalize.urns import Scheme
from query.api import ParsedQuery
from services.contacts.query_env import read_query
from services.contacts.selection import selection_sql
from services.exports import statements
from services.exports.columns import ExportColumns
from services.exports.records import ExportParams

SCHEME_ORDER = list(Scheme)
_SNAPSHOT_ID = re.compile(r"[0-9A-Fa-f]+(-[0-9A-Fa-f]+)+")


class ContactReader:
    def __init__(self, workspace: Workspace, params: ExportParams) -> None:
        self.workspace = workspace
        self.params = params
        self._where = ""
        self._values: list[Any] = []
        self._range_where = ""
        self._range_values: list[Any] = []
        self._snapshot: str | None = None

    async def prepare(self) -> None:
        """Compiles the selection (and query) once, whole and per id range; raises QueryError
        for a stale query."""
        parsed = await read_query(self.workspace, self.params.query) if self.params.query else None
        self._where, self._values = self._compile(parsed, ranged=False)
        self._range_where, self._range_values = self._compile(parsed, ranged=True)

    @asynccontextmanager
    async def pinned(self) -> AsyncIterator[None]:
        """Inside the block every read sees the snapshot taken on entry. One pooled connection
        holds it open (a read-only transaction) until the block ends."""
        async with (
            db().acquire_connection() as holder,
            holder.transaction(isolation="repeatable_read", readonly=True),
        ):
            await holder.execute(statements.NO_IDLE_TIMEOUT)
            snapshot = await holder.fetchval(statements.EXPORT_SNAPSHOT)
            assert _SNAPSHOT_ID.fullmatch(snapshot), snapshot
            self._snapshot = snapshot
            try:
                yield
            finally:
                self._snapshot = None

    @asynccontextmanager
    async def _reading(self) -> AsyncIterator[asyncpg.Connection]:
        """A connection whose transaction sees the export's snapshot."""
        assert self._snapshot is not None, "reads happen inside pinned()"
        async with (
            db().acquire_connection() as conn,
            conn.transaction(isolation="repeatable_read", readonly=True),
        ):
            await conn.execute(statements.set_transaction_snapshot(self._snapshot))
            yield conn

    def _compile(self, parsed: ParsedQuery | None, *, ranged: bool) -> tuple[str, list[Any]]:
        """Ranged: the first two parameters are the range's bounds (`_range_args` fills them),
        and the query's lookups keep to the range too."""
        params = Params()
        among = None
        if ranged:
            after, last = params.add(0), params.add(0)
            among = f"{{id}} > {after}::bigint AND {{id}} <= {last}::bigint"
        where = selection_sql(self.workspace.id, self.params.selection, params)
        if among is not None:
            where = f"{where} AND {among.format(id='c.id')}"
        if parsed is not None:
            condition, values = parsed.to_sql(params.next_index, among=among)
            params.extend(values)
            where = f"{where} AND ({condition})"
        return where, params.values

    async def ranges(self, size: int) -> list[tuple[int, int, int]]:
        """The selection as consecutive id ranges of `size` contacts: (after, last, count),
        found in one pass over the selected ids; the export then reads each range by key."""
        async with self._reading() as conn:
            bounds = await conn.fetch(statements.range_bounds(self._where, size), *self._values)
            (end,) = await conn.fetch(statements.selection_end(self._where), *self._values)
        points = [(r["id"], r["n"]) for r in bounds]
        if end["n"] % size:
            points.append((end["id"], end["n"]))
        ranges: list[tuple[int, int, int]] = []
        after, seen = 0, 0
        for last, reached in points:
            ranges.append((after, last, reached - seen))
            after, seen = last, reached
        return ranges

    async def urn_slots(self) -> list[tuple[Scheme, int]]:
        """How many addresses of each scheme the selected contact with the most has."""
        async with self._reading() as conn:
            rows = await conn.fetch(statements.urn_slots(self._where), *self._values)
        found = {r["scheme"]: r["slots"] for r in rows}
        return [(s, found[s.value]) for s in SCHEME_ORDER if s.value in found]

    def _range_args(self, after: int, last: int) -> list[Any]:
        return [after, last, *self._range_values[2:]]

    def _query(self, select: str, columns: ExportColumns) -> str:
        """`select` (over `columns.from_clause()`) for one range's contacts, in id order."""
        return statements.range_rows(select, columns.from_clause(), self._range_where)

    async def csv(self, columns: ExportColumns, after: int, last: int) -> tuple[bytes, int]:
        """The range as CSV lines, rendered by the database, and how many rows they are."""
        query = self._query(columns.select_list(), columns)
        args = self._range_args(after, last)
        out = io.BytesIO()

        async def collect(data: bytes) -> None:
            out.write(data)

        async with self._reading() as conn:
            status = await conn.copy_from_query(query, *args, output=collect, format="csv")
        return out.getvalue(), int(status.rsplit(" ", 1)[1])

    async def xlsx_rows(self, columns: ExportColumns, after: int, last: int) -> list[str]:
        """The range's rows, each as its cells' SpreadsheetML, rendered by the database."""
        query = self._query(columns.xlsx_cells(), columns)
        async with self._reading() as conn:
            records = await conn.fetch(query, *self._range_args(after, last))
        return [r[0] for r in records]
