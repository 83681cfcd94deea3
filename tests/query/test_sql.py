"""The compiled SQL, run against PostgreSQL: which contacts each query matches."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import pytest
from tortoise.transactions import in_transaction

from core.sql import sql
from models.enums import DateFormat, GroupKind
from normalize.values import parse_number
from query.api import parse_query
from query.environment import GroupInfo
from query.search_readings import moment_reading, numeric_text
from tests.query.conftest import LONG, Workspace
from tests.query.support import CITY, TESTERS, environment

EVERYONE = {"ann", "bob", "cat", "dan", "eve"}


def cases(*pairs: tuple[str, set[str]]) -> pytest.MarkDecorator:
    return pytest.mark.parametrize(("query", "expected"), pairs, ids=[q for q, _ in pairs])


@cases(
    ("ann", {"ann"}),
    ("smi jon", {"ann"}),
    ("JO", {"ann"}),
    ("ann jo", {"ann"}),
    ("ann bob", set()),
    ("christopherxyz", {"bob"}),
    ("o'neil", {"eve"}),
    ("éve", {"eve"}),
    ("smithy", set()),
    ('name = "ANN smith-jones "', {"ann"}),
    ('name = ""', {"cat"}),
    ('name != ""', EVERYONE - {"cat"}),
    ("name != d", EVERYONE - {"dan"}),
    ("d", {"dan"}),
)
async def test_names(query_workspace: Workspace, query: str, expected: set[str]) -> None:
    assert await query_workspace.labels(query) == expected


@cases(
    ("0143", {"ann"}),
    ("+250-78", {"bob"}),
    ("tel:+12025550143", {"ann"}),
    ("(202) 555-0143", {"ann"}),
    ('tel = "202 555 0143"', {"ann"}),
    ("tel != +12025550143", EVERYONE - {"ann"}),
    ('tel = ""', {"cat", "dan", "eve"}),
    ('urns.tel != ""', {"ann", "bob"}),
    ('urn = ""', {"dan"}),
    ('urn != ""', EVERYONE - {"dan"}),
    ("urn ~ 0788", {"bob", "cat"}),
    ("urn = tel:+250788383383", {"bob"}),
    ("urn = ANN@example.com", {"ann"}),
    ("urn != ann@example.com", EVERYONE - {"ann"}),
    ("mailto ~ EXAMPLE", {"ann"}),
    ("mailto = Ann@Example.com", {"ann"}),
    ('phone = "202 555 0143"', {"ann"}),
    ('phone != ""', {"ann", "bob"}),
    ("email = Ann@Example.com", {"ann"}),
    ("urns.email ~ example", {"ann"}),
    ("whatsapp = +250788000111", {"cat"}),
    ('urn ~ "_y%"', {"eve"}),
    ('urn ~ "n%e"', set()),
    ('urn ~ "x_y"', {"eve"}),
    ('urn ~ "a_e"', set()),
    ('ext = "X_Y%Z"', {"eve"}),
    ('ext != "X_Y%Z"', EVERYONE - {"eve"}),
    ('ext = "x_y_z"', set()),
    ('urns.ext = " x_y%z "', {"eve"}),
)
async def test_addresses(query_workspace: Workspace, query: str, expected: set[str]) -> None:
    assert await query_workspace.labels(query) == expected


@cases(
    ("status = archived", {"bob"}),
    ("status != active", {"bob", "cat", "dan"}),
    ("language = ENG", {"ann"}),
    ("language = en", {"ann"}),
    ("language = English", {"ann"}),
    ("language != eng", EVERYONE - {"ann"}),
    ('language = ""', {"cat", "dan", "eve"}),
    ("company = acme", {"ann"}),
    ("job_title = ENGINEER", {"ann"}),
    ("country = rw", {"ann"}),
    ("state != kigali", EVERYONE - {"ann"}),
    ('job_title = ""', EVERYONE - {"ann"}),
    ("group = testers", {"ann", "cat"}),
    ("group = ADULTS", {"cat"}),
    ("group != testers", {"bob", "dan", "eve"}),
    ('group = ""', {"bob", "dan", "eve"}),
    ('group != ""', {"ann", "cat"}),
    ("flag = vip", {"ann", "dan"}),
    ("flag != vip", {"bob", "cat", "eve"}),
    ('flag = ""', {"bob", "cat", "eve"}),
    ('flag != ""', {"ann", "dan"}),
)
async def test_attributes(query_workspace: Workspace, query: str, expected: set[str]) -> None:
    assert await query_workspace.labels(query) == expected


async def test_uuid_and_id(query_workspace: Workspace) -> None:
    ann, bob = query_workspace.uuids["ann"], query_workspace.ids["bob"]
    assert await query_workspace.labels(f"uuid = {str(ann).upper()}") == {"ann"}
    assert await query_workspace.labels(f"uuid != {ann}") == EVERYONE - {"ann"}
    assert await query_workspace.labels(f"id = {bob}") == {"bob"}
    assert await query_workspace.labels(f"id != {bob}") == EVERYONE - {"bob"}


@cases(
    ("created_on = 27-01-2020", {"ann", "bob"}),
    ("created_on = 26-01-2020", {"cat"}),
    ("created_on != 27-01-2020", {"cat", "dan", "eve"}),
    ("created_on > 27-01-2020", {"dan", "eve"}),
    ("created_on >= 27-01-2020", {"ann", "bob", "dan", "eve"}),
    ("created_on < 27-01-2020", {"cat"}),
    ("created_on <= 27-01-2020", {"ann", "bob", "cat"}),
    ("modified_on = 2020-01-27", {"ann", "bob"}),
    ("last_seen_on = 01-05-2024", {"ann"}),
    ("last_seen_on = 30-04-2024", {"cat"}),
    ("last_seen_on != 01-05-2024", EVERYONE - {"ann"}),
    ('last_seen_on = ""', {"bob", "dan", "eve"}),
    ('last_seen_on != ""', {"ann", "cat"}),
)
async def test_dates_are_days_in_the_workspace_timezone(
    query_workspace: Workspace, query: str, expected: set[str]
) -> None:
    assert await query_workspace.labels(query) == expected


@cases(
    ("city = KIGALI", {"ann", "bob"}),
    ("city != kigali", {"cat", "dan", "eve"}),
    ('city = ""', {"dan", "eve"}),
    ('city != ""', {"ann", "bob", "cat"}),
    (f'notes = "{LONG}x"', {"ann"}),
    (f'notes = "{LONG}"', set()),
    ("age = 42", {"ann", "bob"}),
    ("age = 42.000", {"ann", "bob"}),
    ("age != 42", {"cat", "dan", "eve"}),
    ("age > 41.5", {"ann", "bob"}),
    ("age >= 42", {"ann", "bob"}),
    ("age < 0", {"eve"}),
    ("age <= -3.5", {"eve"}),
    ("age = -3.50", {"eve"}),
    ('age = ""', {"cat", "dan"}),
    ('age != ""', {"ann", "bob", "eve"}),
    ("dob = 27-01-1990", {"ann"}),
    ("dob != 27-01-1990", {"bob", "cat", "dan", "eve"}),
    ("dob < 27-01-1990", set()),
    ("dob <= 27-01-1990", {"ann"}),
    ("dob > 27-01-1990", {"bob"}),
    ("dob >= 29-02-2000", {"bob"}),
    ('dob = ""', {"cat", "dan", "eve"}),
    ('dob != ""', {"ann", "bob"}),
)
async def test_fields(query_workspace: Workspace, query: str, expected: set[str]) -> None:
    assert await query_workspace.labels(query) == expected


@cases(
    ("city = kigali AND age > 42", set()),
    ("city = kigali OR flag = vip", {"ann", "bob", "dan"}),
    ("ann OR group = adults status = blocked", {"ann", "cat"}),
    (
        '(status = active OR status = blocked) AND (group = testers OR urn = "")',
        {"ann", "cat"},
    ),
    ("age > 0 age < 50 OR name = D", {"ann", "bob", "dan"}),
    ("group = testers OR group = adults", {"ann", "cat"}),
    ("group = adults OR age < 0 OR group = testers", {"ann", "cat", "eve"}),
    ('group = adults OR group = ""', {"bob", "cat", "dan", "eve"}),
    ("group != testers AND group != adults", {"bob", "dan", "eve"}),
    ("group != adults group != testers flag = vip", {"dan"}),
    ("group != adults OR group != testers", {"ann", "bob", "dan", "eve"}),
    ("group = adults AND group = testers", {"cat"}),
    ("flag = vip OR group = adults OR group = testers", {"ann", "cat", "dan"}),
)
async def test_combinations(query_workspace: Workspace, query: str, expected: set[str]) -> None:
    assert await query_workspace.labels(query) == expected


@pytest.mark.parametrize(
    "query",
    ["0143", "urn ~ 0788", 'urn != ""', "tel = +12025550143", "group = testers", "flag = vip"],
)
async def test_sub_selects_stay_in_the_workspace(query_workspace: Workspace, query: str) -> None:
    scoped = await query_workspace.labels(query)
    assert await query_workspace.labels(query, scoped=False) == scoped


def test_placeholders_are_numbered_from_the_given_start() -> None:
    parsed = parse_query("city = Kigali OR group = testers", environment(workspace_id=7))
    assert parsed.to_sql(5) == (
        "(EXISTS (SELECT 1 FROM contact_search s WHERE s.contact_id = c.id "
        "AND s.readings @> $5::jsonb) "
        "OR EXISTS (SELECT 1 FROM group_contact m WHERE m.workspace_id = $6::bigint "
        "AND m.group_id = $7::bigint AND m.contact_id = c.id))",
        [f'{{"{CITY.id}": "kigali"}}', 7, TESTERS.id],
    )


def test_ored_groups_are_one_membership_lookup() -> None:
    groups = tuple(GroupInfo(100 + n, f"List {n}", GroupKind.MANUAL) for n in range(250))
    text = " OR ".join(f'group = "List {n}"' for n in range(250))
    where, values = parse_query(text, environment(groups=groups)).to_sql(1)
    assert where == (
        "(EXISTS (SELECT 1 FROM group_contact m WHERE m.workspace_id = $2::bigint "
        "AND m.group_id = ANY($1::bigint[]) AND m.contact_id = c.id))"
    )
    assert values == [[100 + n for n in range(250)], 7]


def test_groups_merge_beside_other_conditions_and_not_across_operators() -> None:
    mixed, _ = parse_query("group = testers OR age > 3 OR group = adults", environment()).to_sql(1)
    assert mixed.count("FROM group_contact") == 1
    assert mixed.startswith("(EXISTS (SELECT 1 FROM group_contact m")
    excluded, _ = parse_query("group != testers AND group != adults", environment()).to_sql(1)
    assert excluded.count("NOT EXISTS (SELECT 1 FROM group_contact") == 1
    apart, _ = parse_query("group != testers OR group != adults", environment()).to_sql(1)
    assert apart.count("FROM group_contact") == 2


def test_field_conditions_anded_together_share_one_lookup() -> None:
    parsed = parse_query("city = Kigali AND age > 40 AND status = active", environment())
    where, values = parsed.to_sql(2)
    assert where.count("FROM contact_search s") == 1
    assert values == [f'{{"{CITY.id}": "kigali"}}', "40", "active"]


def test_a_query_on_fields_and_status_alone_reads_the_search_table_alone() -> None:
    parsed = parse_query("(city = Kigali OR age > 40) AND status = active", environment())
    assert parsed.reads_search_only
    assert parsed.to_search_sql(3) == (
        "(((s.readings @> $3::jsonb OR nullif(s.readings -> '102', 'null') > $4::jsonb) "
        "AND s.status = $5::text))",
        [f'{{"{CITY.id}": "kigali"}}', "40", "active"],
    )
    assert not parse_query("city = kigali AND name ~ ann", environment()).reads_search_only
    assert not parse_query(f"city = {'x' * 120}", environment()).reads_search_only


def test_a_single_condition_is_parenthesized_too() -> None:
    assert parse_query("status = active", environment()).to_sql(2) == (
        "(c.status = $2::text)",
        ["active"],
    )


@pytest.mark.parametrize(
    ("query", "index"),
    [
        ("ann", "contact_search_trgm"),
        ("smi jon", "contact_search_trgm"),
        ("city = kigali", "contact_search_readings"),
        ("age = 42", "contact_search_readings"),
        ('dob != ""', "contact_search_readings"),
    ],
)
async def test_contact_conditions_match_their_expression_index(
    query_workspace: Workspace, query: str, index: str
) -> None:
    """With plain scans switched off and no other condition on `c`, only a bitmap scan of
    the expression index avoids a (disabled) sequential scan."""
    where, params = parse_query(query, query_workspace.env).to_sql(1)
    async with in_transaction() as connection:
        await connection.execute_script(
            "SET LOCAL enable_seqscan = off; SET LOCAL enable_indexscan = off"
        )
        _, rows = await connection.execute_query(
            f"EXPLAIN SELECT count(*) FROM contact c WHERE {where}", params
        )
    plan = "\n".join(row["QUERY PLAN"] for row in rows)
    assert f"Bitmap Index Scan on {index}" in plan, plan


@pytest.mark.parametrize(
    "written",
    ["42", "42.500", "-3.50", "0.0000001", "-0.0", "100", "123456789012345678901234567890.5"],
)
async def test_numbers_are_written_as_the_search_readings_write_them(
    query_workspace: Workspace, written: str
) -> None:
    number = parse_number(written)
    stored = await sql().fetchval("SELECT trim_scale($1::numeric)::text", number)
    assert numeric_text(number) == stored


@pytest.mark.parametrize(
    "written",
    ["1990-01-26T22:00:00.000000Z", "1969-12-31T23:59:59.500000Z", "2023-02-02T15:27:22.000123Z"],
)
async def test_instants_are_written_as_the_search_readings_write_them(
    query_workspace: Workspace, written: str
) -> None:
    moment = datetime.fromisoformat(written)
    stored = await sql().fetchval(
        "SELECT trim_scale(extract(epoch FROM $1::text::timestamptz))::text", written
    )
    assert moment_reading(moment) == stored


def test_lookups_in_the_search_table_keep_to_the_callers_ids() -> None:
    """A job evaluating a chunk names its ids; the contact_search lookups repeat them so the
    planner reads the chunk's rows, not every match in the workspace."""
    parsed = parse_query("city = Kigali AND age > 40 OR name = ann", environment())
    where, _ = parsed.to_sql(3, among="{id} = ANY($2::bigint[])")
    assert where.count("s.contact_id = c.id AND s.contact_id = ANY($2::bigint[])") == 1
    assert "ANY($2" not in parsed.to_sql(3)[0]


@cases(
    # (flag AND stopped) OR (testers AND blocked); read with side-by-side binding tighter than
    # the explicit AND it would match no one.
    ("flag = vip and status = stopped or group = testers status = blocked", {"cat", "dan"}),
    # name = d OR (archived AND fra); read left to right it would be {"bob"}.
    ("name = d OR status = archived AND language = fra", {"bob", "dan"}),
    ("name IS d Or Name HAS ann", {"ann", "dan"}),
    ('name = "Éve O\'Neil" OR name = "ann \\"x\\""', {"eve"}),
)
async def test_precedence_and_word_operators(
    query_workspace: Workspace, query: str, expected: set[str]
) -> None:
    assert await query_workspace.labels(query) == expected


@cases(
    ("mailto:ANN@example.com", {"ann"}),
    ("whatsapp:250788000111", {"cat"}),
    ("202.555.0143", {"ann"}),
    ("1234", set()),
    ("J", set()),
)
async def test_whole_query_addresses_and_bare_values(
    query_workspace: Workspace, query: str, expected: set[str]
) -> None:
    assert await query_workspace.labels(query) == expected


@cases(
    ("created_on = 01-27-2020", {"ann", "bob"}),
    ("created_on = 01/26/2020", {"cat"}),
    ("created_on > 01.26.2020", {"ann", "bob", "dan", "eve"}),
    ("dob <= 02/29/2000", {"ann", "bob"}),
    ("dob < 02-29-2000", {"ann"}),
)
async def test_month_first_dates_are_days_in_the_workspace_timezone(
    query_workspace: Workspace, query: str, expected: set[str]
) -> None:
    env = replace(query_workspace.env, date_format=DateFormat.MONTH_FIRST)
    month_first = replace(query_workspace, env=env)
    assert await month_first.labels(query) == expected
