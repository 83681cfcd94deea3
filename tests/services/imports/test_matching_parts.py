"""Matching runs in parts side by side: every row lands in exactly one part, and a row is
matched the same whichever part it falls in."""

from __future__ import annotations

from core.sql import sql
from services.imports.matching import MATCHING_PARTS, split_rows
from tests.conftest import RunWorker
from tests.factories import create_contact, create_session
from tests.services.imports.support import problems, validate


def test_parts_cover_every_row_once() -> None:
    assert split_rows(2, 7, 2) == [(1, 4), (4, 7)]
    assert split_rows(2, 8, 2) == [(1, 5), (5, 8)]
    assert split_rows(5, 5, 2) == [(4, 5)]
    for first, last in ((2, 2), (2, 3), (2, 1001), (10, 17)):
        bounds = split_rows(first, last, MATCHING_PARTS)
        rows = [n for after, upto in bounds for n in range(after + 1, upto + 1)]
        assert rows == list(range(first, last + 1))


async def test_rows_in_every_part_are_matched_and_repeats_across_parts_found(
    run_worker: RunWorker,
) -> None:
    session = await create_session()
    ann = await create_contact(session, "Ann", urns=["tel:+250788000001"])
    zed = await create_contact(session, "Zed", urns=["tel:+250788000009"])
    text = (
        "name,phone\n"
        "Ann B,0788000001\n"
        "New,0788000005\n"
        "Other,0788000006\n"
        "Again,0788000005\n"
        "Zed B,0788000009\n"
    )

    record = await validate(session, run_worker, text)

    rows = await sql().fetch(
        "SELECT row_number, action, contact_id FROM import_row WHERE import_id = $1 "
        "ORDER BY row_number",
        record.id,
    )
    actions = [(r["row_number"], r["action"]) for r in rows]
    assert actions == [(2, "update"), (3, "create"), (4, "create"), (5, "error"), (6, "update")]
    assert (rows[0]["contact_id"], rows[4]["contact_id"]) == (ann.id, zed.id)
    assert await problems(record) == [
        (5, None, "tel:+250788000005", "repeats row 3 (same address tel:+250788000005)")
    ]
