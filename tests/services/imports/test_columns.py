"""Header matching and explicit mappings: every rule, and nothing silently dropped."""

from __future__ import annotations

import json

import pytest

from models.enums import FieldType
from services.errors import InvalidInput
from services.fields.values import FieldDefinition
from services.imports.columns import resolve_columns
from services.imports.queries import template_columns
from services.imports.records import ColumnMapping
from tests.conftest import RunWorker
from tests.factories import create_session, define_field_with_reserved_key
from tests.services.imports.support import add_field, commit, contacts_of, validate

AGE = FieldDefinition(1, "u-age", "age", "Age", FieldType.NUMBER, False, None)
SHOE = FieldDefinition(2, "u-shoe", "shoe_size", "Shoe Size", FieldType.TEXT, False, None)


def shown(labels: list[str], **options: object) -> list[tuple[str, str, str | None, str | None]]:
    resolved = resolve_columns(labels, [AGE, SHOE], **options)  # type: ignore[arg-type]
    return [
        (r.column.header, r.column.state.value, r.column.target, r.column.reason) for r in resolved
    ]


def test_template_names_and_the_spreadsheet_convention_match_ignoring_case_and_spaces() -> None:
    labels = [
        " Name ", "PHONE", "email", "Language", "company", "Job Title", "country", "state",
        "notes", "Flags", "UUID", "Status", "URN:tel", "urn:WhatsApp", "Field:Age",
        "field: shoe size", "shoe_size", "age",
    ]  # fmt: skip
    assert [(h, s, t) for h, s, t, _ in shown(labels)] == [
        (" Name ", "matched", "name"),
        ("PHONE", "matched", "URN:tel"),
        ("email", "matched", "URN:mailto"),
        ("Language", "matched", "language"),
        ("company", "matched", "company"),
        ("Job Title", "matched", "job_title"),
        ("country", "matched", "country"),
        ("state", "matched", "state"),
        ("notes", "matched", "notes"),
        ("Flags", "matched", "flags"),
        ("UUID", "matched", "uuid"),
        ("Status", "matched", "status"),
        ("URN:tel", "matched", "URN:tel"),
        ("urn:WhatsApp", "matched", "URN:whatsapp"),
        ("Field:Age", "matched", "Field:age"),
        ("field: shoe size", "matched", "Field:shoe_size"),
        ("shoe_size", "unmatched", "Field:shoe_size"),
        ("age", "unmatched", "Field:age"),
    ]


def test_unmatched_headers_say_why() -> None:
    assert shown(["Favourite Colour", "URN:fax", "Field:Height", "", "name", "Name"]) == [
        (
            "Favourite Colour",
            "unmatched",
            None,
            "matches no contact attribute, address scheme or field",
        ),
        (
            "URN:fax",
            "unmatched",
            None,
            'has an unknown address scheme "fax": use one of tel, mailto, whatsapp, telegram, '
            "ext, facebook, instagram, viber, line, twitter",
        ),
        (
            "Field:Height",
            "unmatched",
            None,
            'names no field "Height": create the field first, or allow new fields',
        ),
        ("", "unmatched", None, "matches no contact attribute, address scheme or field"),
        ("name", "matched", "name", None),
        ("Name", "unmatched", "name", 'repeats column "name" (both are name)'),
    ]


def test_export_only_and_error_columns_are_recognised_and_ignored() -> None:
    assert shown(["created_on", "last_seen_on", "Group:VIP", "error"]) == [
        ("created_on", "ignored", "ignore", "exported for reference; not imported"),
        ("last_seen_on", "ignored", "ignore", "exported for reference; not imported"),
        ("Group:VIP", "ignored", "ignore", "exported for reference; not imported"),
        ("error", "ignored", "ignore", "the error column of an error file; not imported"),
    ]


def test_address_columns_repeat_for_several_numbers() -> None:
    assert [t for _, _, t, _ in shown(["URN:tel", "URN:tel", "phone"])] == ["URN:tel"] * 3


def test_unknown_field_columns_can_create_text_fields() -> None:
    assert shown(["Field:Height", "Field:age years", "Field:Shoe-Size!"], create_fields=True) == [
        ("Field:Height", "matched", "Field:height", 'creates the text field "Height"'),
        ("Field:age years", "matched", "Field:age_years", 'creates the text field "age years"'),
        (
            "Field:Shoe-Size!",
            "unmatched",
            None,
            'cannot become a new field: "Shoe-Size!" may only contain letters, digits, spaces '
            "and hyphens.",
        ),
    ]


def test_an_explicit_mapping_overrides_and_can_ignore() -> None:
    mapping = [
        ColumnMapping("Mobile", "URN:tel"),
        ColumnMapping("name", "ignore"),
        ColumnMapping("Full Name", "name"),
    ]
    assert shown(["name", "Full Name", "Mobile"], mapping=mapping) == [
        ("name", "ignored", "ignore", "ignored as asked"),
        ("Full Name", "matched", "name", None),
        ("Mobile", "matched", "URN:tel", None),
    ]


def test_a_mapping_naming_a_missing_column_or_a_bad_target_is_refused() -> None:
    with pytest.raises(InvalidInput) as missing:
        resolve_columns(["name"], [], mapping=[ColumnMapping("Phone", "phone")])
    with pytest.raises(InvalidInput) as bad:
        resolve_columns(["name", "x"], [], mapping=[ColumnMapping("x", "Field:nope")])

    assert (missing.value.message, missing.value.field) == (
        'The mapping names a column "Phone" that is not in the file; its columns are: name.',
        "mapping.0.column",
    )
    assert (bad.value.message, bad.value.field) == (
        '"Field:nope" names no field "nope": create the field first, or allow new fields.',
        "mapping.0",
    )


async def test_a_file_without_header_is_read_with_a_mapping(run_worker: RunWorker) -> None:
    session = await create_session()
    record = await validate(
        session,
        run_worker,
        "Bob,0788383383,ignored\nCleo,0788383384,ignored\n",
        has_header=False,
        mapping=[
            ColumnMapping("Column 1", "name"),
            ColumnMapping("column 2", "phone"),
            ColumnMapping("Column 3", "ignore"),
        ],
    )

    await commit(session, run_worker, record)

    people = await contacts_of(session)
    assert [(p["name"], p["urns"]) for p in people] == [
        ("Bob", ["tel:+250788383383"]),
        ("Cleo", ["tel:+250788383384"]),
    ]


async def test_unmatched_columns_are_reported_in_the_preview_and_never_written(
    run_worker: RunWorker,
) -> None:
    session = await create_session()
    record = await validate(session, run_worker, "name,Colour\nBob,blue\n")

    done = await commit(session, run_worker, record)

    assert record.unmatched_headers == ["Colour"]
    [bob] = await contacts_of(session)
    values = [bob[k] for k in ("name", "company", "job_title", "state", "notes", "fields")]
    assert values == ["Bob", None, None, None, None, "{}"]
    assert done.counts.created == 1


async def test_a_filled_in_template_fills_fields_whose_keys_name_addresses(
    run_worker: RunWorker,
) -> None:
    session = await create_session()
    twitter = (await define_field_with_reserved_key(session, "Twitter")).uuid
    email = await add_field(session, "Email")
    columns = await template_columns(session.workspace.id)
    row = {"name": "Ann", "email": "ann@x.com", "Field:twitter": "@ann", "Field:email": "work"}
    text = ",".join(columns) + "\n" + ",".join(row.get(c, "") for c in columns) + "\n"

    record = await validate(session, run_worker, text)
    await commit(session, run_worker, record)

    assert columns[-2:] == ["Field:email", "Field:twitter"]
    assert record.unmatched_headers == []
    [ann] = await contacts_of(session)
    assert ann["urns"] == ["mailto:ann@x.com"]
    assert json.loads(ann["fields"]) == {twitter: {"text": "@ann"}, email: {"text": "work"}}


def test_headers_other_tools_and_people_write_match_their_columns() -> None:
    labels = [
        "Contact UUID", "Full Name", "Phone Number", "Mobile", "Cell", "E-mail",
        "Email Address", "Company Name", "Organization", "Brokerage", "Title", "Province", "ID",
    ]  # fmt: skip
    assert [(h, s, t) for h, s, t, _ in shown(labels)] == [
        ("Contact UUID", "matched", "uuid"),
        ("Full Name", "matched", "name"),
        ("Phone Number", "matched", "URN:tel"),
        ("Mobile", "matched", "URN:tel"),
        ("Cell", "matched", "URN:tel"),
        ("E-mail", "matched", "URN:mailto"),
        ("Email Address", "matched", "URN:mailto"),
        ("Company Name", "matched", "company"),
        ("Organization", "unmatched", "company"),  # one company column only
        ("Brokerage", "unmatched", "company"),
        ("Title", "matched", "job_title"),
        ("Province", "matched", "state"),
        ("ID", "ignored", "ignore"),  # another tool's own numbers: never a contact UUID
    ]


def test_a_field_named_like_an_alias_keeps_its_column() -> None:
    title = FieldDefinition(3, "u-title", "title", "Title", FieldType.TEXT, False, None)
    resolved = resolve_columns(["Title", "Position"], [title])
    assert [r.column.target for r in resolved] == ["Field:title", "job_title"]


async def test_first_and_last_name_columns_join_into_the_name(run_worker: RunWorker) -> None:
    session = await create_session()
    text = (
        "First Name,Last Name,Mobile,E-mail,Brokerage,state\n"
        "Fatuma,Ali,0788 111 222,Fatuma@Example.com,Keller Homes,Kigali\n"
        ",Mugisha,0788 111 333,,,\n"
        "Ann,,,ann@example.com,,\n"
    )
    record = await validate(session, run_worker, text)
    assert record.counts.valid_rows == 3, record
    await commit(session, run_worker, record)
    found = [(c["name"], c["urns"], c["company"], c["state"]) for c in await contacts_of(session)]
    assert found == [
        (
            "Fatuma Ali",
            ["tel:+250788111222", "mailto:fatuma@example.com"],
            "Keller Homes",
            "Kigali",
        ),
        ("Mugisha", ["tel:+250788111333"], None, None),
        ("Ann", ["mailto:ann@example.com"], None, None),
    ]


async def test_a_name_column_wins_over_first_and_last_name(run_worker: RunWorker) -> None:
    session = await create_session()
    text = "Name,First Name,Last Name\nDr. Fatuma Ali,Fatuma,Ali\n,Bob,Stone\n"
    record = await validate(session, run_worker, text)
    await commit(session, run_worker, record)
    assert [c["name"] for c in await contacts_of(session)] == ["Dr. Fatuma Ali", "Bob Stone"]
