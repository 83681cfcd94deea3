"""Validation and the preview: counts, every kind of cell error, duplicates, matching."""

from __future__ import annotations

import uuid

from core.sql import sql
from models.enums import FieldType
from services.imports.records import ImportStatus
from tests.conftest import RunWorker
from tests.factories import create_contact, create_session, create_workspace, set_anonymous
from tests.services.imports.support import add_field, error_codes, problems, validate


async def test_preview_counts_rows_to_create_and_update_and_skips_blank_rows(
    run_worker: RunWorker,
) -> None:
    session = await create_session()
    await create_contact(session, "Ann", urns=["tel:+250788000001"])
    text = (
        "name,phone,email\n"
        "Bob,0788 383 383,BOB@Example.com\n"
        ",,\n"
        "Ann Updated,+250788000001,\n"
        "Cleo,0788 383 384,\n"
    )

    record = await validate(session, run_worker, text)

    assert record.status is ImportStatus.PREVIEWED
    counts = record.counts
    assert (counts.total_rows, counts.blank_rows, counts.create_rows, counts.update_rows) == (
        3,
        1,
        2,
        1,
    )
    assert (counts.skip_rows, counts.error_rows, counts.duplicate_rows) == (0, 0, 0)
    assert await problems(record) == []
    job = await sql().fetchrow(
        "SELECT status, changed_count, skipped_count FROM job WHERE id = $1",
        record.validate_job_id,
    )
    assert job is not None
    assert tuple(job) == ("succeeded", 3, 0)


async def test_every_cell_error_names_its_row_column_value_and_reason(
    run_worker: RunWorker,
) -> None:
    session = await create_session(await create_workspace(country="US"))
    await add_field(session, "Age", FieldType.NUMBER)
    await add_field(session, "Born", FieldType.DATETIME)
    text = (
        "Name,Phone,Email,Age,Born,Language,Status\n"
        "Ann,(555) 12,,,,,\n"
        "Bob,2.50788E+11,,,,,\n"
        "Cleo,,not-an-email,,,,\n"
        "Dan,,,abc,,,\n"
        "Eve,,,,31-02-2020,,\n"
        "Fay,,,,,xx,\n"
        "Gus,,,,,,sleeping\n"
        ",,,42,,,\n"
        "Hal,,,,,,,extra\n"
    )

    record = await validate(session, run_worker, text)

    assert await problems(record) == [
        (2, "Phone", "(555) 12", '"(555) 12" is not a possible phone number for US: too short'),
        (
            3,
            "Phone",
            "2.50788E+11",
            '"2.50788E+11" looks like a number mangled by a spreadsheet (scientific notation), '
            "which may have lost digits: format the column as text and export it again",
        ),
        (
            4,
            "Email",
            "not-an-email",
            '"not-an-email" is not an email address: it needs exactly one @',
        ),
        (
            5,
            "Age",
            "abc",
            '"abc" is not a number for field Age: use digits with an optional leading minus and '
            "decimal point.",
        ),
        (
            6,
            "Born",
            "31-02-2020",
            '"31-02-2020" is not a date for field Born: read as day-month-year: February 2020 has '
            "29 days.",
        ),
        (
            7,
            "Language",
            "xx",
            '"xx" is not a language: give its ISO 639-3 code such as eng or fra, its two-letter '
            "code such as en, or its English name",
        ),
        (
            8,
            "Status",
            "sleeping",
            '"sleeping" is not a contact status: use active, archived, blocked, stopped.',
        ),
        (9, None, None, "missing name: a row needs a name or at least one address"),
        (10, None, None, "has 8 cells but the header has 7 columns"),
    ]
    assert await error_codes(record) == [
        *((row, "invalid_value") for row in range(2, 9)),
        (9, "missing_name"),
        (10, "extra_cells"),
    ]
    assert (record.counts.total_rows, record.counts.error_rows, record.counts.create_rows) == (
        9,
        9,
        0,
    )


async def test_in_file_duplicates_name_the_row_they_repeat(run_worker: RunWorker) -> None:
    session = await create_session()
    text = (
        "name,phone,email\n"
        "Ann,0788 000 001,ann@x.com\n"
        "Bob,0788000002,\n"
        "Ann again,+250788000001,\n"
        "Cleo,,ANN@x.com\n"
    )

    record = await validate(session, run_worker, text)

    assert await problems(record) == [
        (4, None, "tel:+250788000001", "repeats row 2 (same address tel:+250788000001)"),
        (5, None, "mailto:ann@x.com", "repeats row 2 (same address mailto:ann@x.com)"),
    ]
    assert await error_codes(record) == [(4, "duplicate_row"), (5, "duplicate_row")]
    duplicate_of = await sql().fetch(
        "SELECT row_number, duplicate_of FROM import_row WHERE import_id = $1 "
        "AND duplicate_of IS NOT NULL ORDER BY row_number",
        record.id,
    )
    assert [tuple(r) for r in duplicate_of] == [(4, 2), (5, 2)]
    assert (record.counts.duplicate_rows, record.counts.error_rows, record.counts.create_rows) == (
        2,
        2,
        2,
    )


async def test_rows_match_contacts_by_uuid_else_by_address(run_worker: RunWorker) -> None:
    session = await create_session()
    ann = await create_contact(session, "Ann", urns=["tel:+250788000001"])
    bob = await create_contact(session, "Bob", urns=["mailto:b@x.com"])
    stranger = uuid.uuid4()
    text = (
        "uuid,name,phone,email\n"
        f"{ann.uuid},Ann B,,\n"
        ",Bob B,,B@x.com\n"
        f"{stranger},Nobody,,\n"
        ",Both,0788000001,b@x.com\n"
        f"{ann.uuid},Ann C,,b@x.com\n"
        "not-a-uuid,Zed,,\n"
    )

    record = await validate(session, run_worker, text)

    assert await problems(record) == [
        (4, "uuid", str(stranger), f'no contact in this workspace has the UUID "{stranger}"'),
        (
            5,
            None,
            None,
            f'the addresses belong to different contacts: tel:+250788000001 to "Ann" ({ann.uuid}) '
            f'and mailto:b@x.com to "Bob" ({bob.uuid})',
        ),
        (
            6,
            None,
            "mailto:b@x.com",
            f'mailto:b@x.com already belongs to another contact, "Bob" ({bob.uuid})',
        ),
        (7, "uuid", "not-a-uuid", '"not-a-uuid" is not a UUID'),
    ]
    assert await error_codes(record) == [
        (4, "unknown_uuid"),
        (5, "address_conflict"),
        (6, "address_taken"),
        (7, "invalid_value"),
    ]
    matched = await sql().fetch(
        "SELECT row_number, action, contact_id FROM import_row WHERE import_id = $1 "
        "AND action <> 'error' ORDER BY row_number",
        record.id,
    )
    assert [tuple(r) for r in matched] == [(2, "update", ann.id), (3, "update", bob.id)]


async def test_a_workspace_that_hides_addresses_never_names_their_owners(
    run_worker: RunWorker,
) -> None:
    session = await create_session()
    await set_anonymous(session.workspace)
    ann = await create_contact(session, "Ann", urns=["tel:+250788000001"])
    await create_contact(session, "Bob", urns=["mailto:b@x.com"])
    text = f"uuid,name,phone,email\n,Both,0788000001,b@x.com\n{ann.uuid},Ann C,,b@x.com\n"

    record = await validate(session, run_worker, text)

    assert await problems(record) == [
        (
            2,
            None,
            None,
            "the addresses belong to different contacts: tel:+250788000001 to another contact "
            "and mailto:b@x.com to another contact",
        ),
        (3, None, "mailto:b@x.com", "mailto:b@x.com already belongs to another contact"),
    ]


async def test_matched_rows_are_skipped_when_existing_contacts_are_left_alone(
    run_worker: RunWorker,
) -> None:
    session = await create_session()
    await create_contact(session, "Ann", urns=["tel:+250788000001"])
    text = "name,phone\nAnn B,0788000001\nNew,0788000009\n"

    record = await validate(session, run_worker, text, update_existing=False)

    counts = record.counts
    assert (counts.create_rows, counts.update_rows, counts.skip_rows) == (1, 0, 1)


async def test_a_repeated_match_of_the_same_contact_is_a_duplicate(run_worker: RunWorker) -> None:
    session = await create_session()
    ann = await create_contact(session, "Ann", urns=["tel:+250788000001"])
    text = f"uuid,name\n{ann.uuid},Ann B\n{ann.uuid},Ann C\n"

    record = await validate(session, run_worker, text)

    assert await problems(record) == [
        (3, None, None, "repeats row 2 (both rows match the same contact)")
    ]
    assert await error_codes(record) == [(3, "duplicate_row")]


async def test_other_workspaces_contacts_are_never_matched(run_worker: RunWorker) -> None:
    session = await create_session()
    other = await create_session()
    theirs = await create_contact(other, "Theirs", urns=["tel:+250788000001"])
    text = f"uuid,name,phone\n{theirs.uuid},Mine,\n,Also mine,0788000001\n"

    record = await validate(session, run_worker, text)

    assert await problems(record) == [
        (2, "uuid", str(theirs.uuid), f'no contact in this workspace has the UUID "{theirs.uuid}"')
    ]
    assert (record.counts.create_rows, record.counts.update_rows) == (1, 0)


async def test_a_row_holding_a_nul_character_is_an_error_and_the_rest_is_read(
    run_worker: RunWorker,
) -> None:
    """Past the part of the file read to recognize it (64 KiB), a NUL character can only be
    refused row by row: no stored value may hold one."""
    session = await create_session()
    await add_field(session, "City")
    filler = "".join(f"Person {i},,Huye\n" for i in range(4000))
    text = f"name,phone,Field:City\n{filler}A\x00nn,0788000101,Ki\x00gali\nBen,0788000102,Huye\n"

    record = await validate(session, run_worker, text)

    assert record.status is ImportStatus.PREVIEWED
    assert (record.counts.create_rows, record.counts.error_rows) == (4001, 1)
    assert await problems(record) == [
        (4002, None, None, "holds a NUL character (binary data), which no value may contain")
    ]
    assert await error_codes(record) == [(4002, "binary_data")]
