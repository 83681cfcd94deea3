"""Rows staged before errors carried codes get theirs from their messages (migration 0018)."""

from __future__ import annotations

import uuid
from importlib import import_module

from core.sql import sql
from tests.conftest import RunWorker
from tests.factories import create_contact, create_session
from tests.services.imports.support import error_codes, validate

BACKFILL = import_module("migrations.0018_row_error_codes")


async def test_codes_are_read_back_from_the_messages_of_rows_staged_without_them(
    run_worker: RunWorker,
) -> None:
    session = await create_session()
    ann = await create_contact(session, "Ann", urns=["tel:+250788000001"])
    await create_contact(session, "Bob", urns=["mailto:b@x.com"])
    # Past the 64 KiB read to recognize the file, a NUL character is one row's error.
    filler = "".join(f",Person {i},,,\n" for i in range(6000))
    text = (
        "uuid,name,phone,email,language\n"
        f"{uuid.uuid4()},Nobody,,,\n"
        ",Both,0788000001,b@x.com,\n"
        f"{ann.uuid},Ann C,,b@x.com,\n"
        "not-a-uuid,Zed,,,\n"
        ",,,,eng\n"
        ",Cleo,0788000009,,\n"
        ",Cleo again,0788000009,,\n"
        ",Dan,,,,extra\n"
        f"{filler},E\x00ve,,,\n"
    )
    record = await validate(session, run_worker, text)
    coded = await error_codes(record)
    await sql().execute(
        """
        UPDATE import_row r SET errors = (
            SELECT jsonb_agg(e - 'code') FROM jsonb_array_elements(r.errors) AS x(e))
        WHERE import_id = $1 AND errors IS NOT NULL
        """,
        record.id,
    )

    await sql().execute(BACKFILL.SQL)

    assert await error_codes(record) == coded
    assert {code for _, code in coded} == {
        "unknown_uuid",
        "missing_name",
        "address_conflict",
        "address_taken",
        "invalid_value",
        "duplicate_row",
        "extra_cells",
        "binary_data",
    }
