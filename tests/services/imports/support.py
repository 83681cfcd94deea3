"""Helpers for import tests: upload text through the service, run the worker, read results."""

from __future__ import annotations

import io
from typing import Any

from core.sql import sql
from models.enums import FieldType
from services.fields import definitions as fields
from services.imports import store
from services.imports.lifecycle import confirm_import
from services.imports.records import ImportRecord
from services.imports.staging import list_error_rows
from services.imports.starting import ImportRequest, StartedImport, start_import
from services.imports.storage import TextSource
from tests.conftest import RunWorker
from tests.factories import Session

Problem = tuple[int, str | None, str | None, str]


async def upload(
    session: Session, text: str, *, name: str = "contacts.csv", **options: Any
) -> StartedImport:
    request = ImportRequest(file_name=name, source=TextSource(text), **options)
    return await start_import(session.caller, request)


class BytesSource:
    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)

    async def read(self, size: int = -1) -> bytes:
        return self._data.read(size)


async def upload_bytes(session: Session, data: bytes, name: str, **options: Any) -> StartedImport:
    request = ImportRequest(file_name=name, source=BytesSource(data), **options)
    return await start_import(session.caller, request)


async def validate(
    session: Session, run_worker: RunWorker, text: str, *, chunk_size: int = 5000, **options: Any
) -> ImportRecord:
    started = await upload(session, text, **options)
    await run_worker(job_chunk_size=chunk_size)
    return await store.get_import_by_id(started.record.id)


async def commit(session: Session, run_worker: RunWorker, record: ImportRecord) -> ImportRecord:
    await confirm_import(session.caller, record.uuid)
    await run_worker()
    return await store.get_import_by_id(record.id)


async def problems(record: ImportRecord) -> list[Problem]:
    rows = await list_error_rows(record.id, after_row=0, limit=1000)
    return [(r.row, p.column, p.value, p.message) for r in rows for p in r.problems]


async def error_codes(record: ImportRecord) -> list[tuple[int, str]]:
    rows = await list_error_rows(record.id, after_row=0, limit=1000)
    return [(r.row, p.code.value) for r in rows for p in r.problems]


async def add_field(session: Session, name: str, value_type: FieldType = FieldType.TEXT) -> str:
    created = await fields.create_field(session.caller, name=name, value_type=value_type)
    return created.uuid


async def contacts_of(session: Session) -> list[dict[str, Any]]:
    """Every contact of the workspace with its addresses and flags, oldest first."""
    rows = await sql().fetch(
        """
        SELECT c.id, c.uuid, c.name, c.language, c.status, c.company, c.job_title, c.country,
            c.state, c.notes, c.source, c.fields::text AS fields, c.created_by_id,
            ARRAY(SELECT u.scheme || ':' || u.path FROM contact_urn u WHERE u.contact_id = c.id
                  ORDER BY u.priority DESC, u.id) AS urns,
            ARRAY(SELECT f.name FROM contact_flag cf JOIN flag f ON f.id = cf.flag_id
                  WHERE cf.contact_id = c.id ORDER BY lower(f.name)) AS flags
        FROM contact c WHERE c.workspace_id = $1 ORDER BY c.id
        """,
        session.workspace.id,
    )
    return [dict(r) for r in rows]
