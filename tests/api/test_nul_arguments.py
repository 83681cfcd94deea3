"""A NUL character in any argument of any root field is refused before its resolver runs: a
mutation answers its `ValidationError` member, a query a top-level error with code INVALID, both
naming the argument path; nothing is written. The cases are derived from `schema.graphql`
(which `test_sdl.py` keeps current), so a new field or input field is covered when it appears."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLUnionType,
    Undefined,
    build_schema,
    get_named_type,
    is_composite_type,
)

from core.sql import sql
from tests.factories import Session, create_session, global_id, gql

SCHEMA: GraphQLSchema = build_schema(
    (Path(__file__).parents[2] / "schema.graphql").read_text(encoding="utf-8")
)
TEXT_SCALARS = {"String", "ID", "JSON"}
NUL = "a\x00b"

# Every row of every table of the test database, counted in one statement.
COUNT_ROWS = """
SELECT table_name::text,
       (xpath('/row/n/text()',
              query_to_xml(format('SELECT count(*) AS n FROM %I', table_name), false, true, '')
       ))[1]::text::bigint
FROM information_schema.tables
WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'
ORDER BY 1
"""


@dataclass(frozen=True)
class Case:
    operation: str  # "query" or "mutation"
    field: str
    path: tuple[str | int, ...]  # argument name, then input field names and list indexes
    scalar: str

    @property
    def id(self) -> str:
        return f"{self.field}({'.'.join(map(str, self.path))})"


def _text_paths(
    kind: GraphQLInputType, seen: frozenset[str]
) -> Iterator[tuple[tuple[str | int, ...], str]]:
    if isinstance(kind, GraphQLNonNull):
        yield from _text_paths(kind.of_type, seen)
    elif isinstance(kind, GraphQLList):
        for path, scalar in _text_paths(kind.of_type, seen):
            yield (0, *path), scalar
    elif isinstance(kind, GraphQLScalarType) and kind.name in TEXT_SCALARS:
        yield (), kind.name
    elif isinstance(kind, GraphQLInputObjectType) and kind.name not in seen:
        for name, field in kind.fields.items():
            for path, scalar in _text_paths(field.type, seen | {kind.name}):
                yield (name, *path), scalar


def cases() -> list[Case]:
    found = []
    for operation, root in (("query", SCHEMA.query_type), ("mutation", SCHEMA.mutation_type)):
        assert root is not None
        for name, field in root.fields.items():
            for argument, arg in field.args.items():
                for path, scalar in _text_paths(arg.type, frozenset()):
                    found.append(Case(operation, name, (argument, *path), scalar))
    return found


CASES = cases()


def _filler(kind: GraphQLInputType) -> Any:
    """A value of `kind` that the document accepts; only required input fields are given."""
    if isinstance(kind, GraphQLNonNull):
        return _filler(kind.of_type)
    if isinstance(kind, GraphQLList):
        return []
    if isinstance(kind, GraphQLEnumType):
        return next(iter(kind.values))
    if isinstance(kind, GraphQLInputObjectType):
        return {
            name: _filler(field.type)
            for name, field in kind.fields.items()
            if isinstance(field.type, GraphQLNonNull) and field.default_value is Undefined
        }
    assert isinstance(kind, GraphQLScalarType)
    return {
        "String": "x",
        "ID": global_id("Contact", uuid.uuid4()),
        "Int": 1,
        "Float": 1.0,
        "Boolean": False,
        "JSON": {},
        "Decimal": "1",
        "DateTime": "2024-01-01T00:00:00+00:00",
    }[kind.name]


def _with_nul(kind: GraphQLInputType, path: tuple[str | int, ...], scalar: str) -> Any:
    if isinstance(kind, GraphQLNonNull):
        return _with_nul(kind.of_type, path, scalar)
    if isinstance(kind, GraphQLList):
        return [_with_nul(kind.of_type, path[1:], scalar)]
    if isinstance(kind, GraphQLInputObjectType):
        value = _filler(kind)
        name = path[0]
        assert isinstance(name, str)
        value[name] = _with_nul(kind.fields[name].type, path[1:], scalar)
        return value
    return {"key": NUL} if scalar == "JSON" else NUL


def _document(case: Case, field: GraphQLField) -> tuple[str, dict[str, Any]]:
    definitions, arguments, variables = [], [], {}
    for name, arg in field.args.items():
        if name == case.path[0]:
            value = _with_nul(arg.type, case.path[1:], case.scalar)
        elif isinstance(arg.type, GraphQLNonNull) and arg.default_value is Undefined:
            value = _filler(arg.type)
        else:
            continue
        definitions.append(f"${name}: {arg.type}")
        arguments.append(f"{name}: ${name}")
        variables[name] = value
    result = get_named_type(field.type)
    selection = ""
    if isinstance(result, GraphQLUnionType) and _has_validation_error(result):
        selection = "{ __typename ... on UserError { code field message } }"
    elif is_composite_type(result):
        selection = "{ __typename }"
    document = (
        f"{case.operation}({', '.join(definitions)}) "
        f"{{ {case.field}({', '.join(arguments)}) {selection} }}"
    )
    return document, variables


def _has_validation_error(union: GraphQLNamedType) -> bool:
    return isinstance(union, GraphQLUnionType) and any(
        member.name == "ValidationError" for member in union.types
    )


async def _row_counts() -> list[tuple[str, int]]:
    return [(row[0], row[1]) for row in await sql().fetch(COUNT_ROWS)]


def test_the_cases_cover_every_kind_of_root_argument() -> None:
    """A guard on the derivation: strings, IDs, JSON, nested inputs and lists are all found."""
    ids = {case.id for case in CASES}
    assert len(CASES) > 50
    for expected in (
        "createFlag(name)",
        "addFlags(flags.0)",
        "createContact(input.name)",
        "startImport(input.mapping.0.column)",
        "startImport(input.fileName)",
        "contacts(filter.query)",
        "parseContactQuery(text)",
        "contact(id)",
    ):
        assert expected in ids, expected
    assert {case.scalar for case in CASES} == TEXT_SCALARS


@pytest.fixture
async def session() -> Session:
    return await create_session()


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
async def test_a_nul_in_any_argument_is_refused_and_writes_nothing(
    client: httpx.AsyncClient, session: Session, case: Case
) -> None:
    root = SCHEMA.mutation_type if case.operation == "mutation" else SCHEMA.query_type
    assert isinstance(root, GraphQLObjectType)
    field = root.fields[case.field]
    document, variables = _document(case, field)
    path = ".".join(map(str, case.path)) + (".key" if case.scalar == "JSON" else "")
    before = await _row_counts()
    body = await gql(client, session, document, variables)
    assert await _row_counts() == before
    assert "Traceback" not in json.dumps(body)
    answer = (body.get("data") or {}).get(case.field)
    if answer is not None and answer.get("__typename") == "ValidationError":
        assert answer["code"] == "INVALID" and answer["field"] == path, answer
        assert "NUL" in answer["message"]
        return
    assert answer is None and body.get("errors"), body
    error = body["errors"][0]
    code = error["extensions"]["code"]
    if case.scalar == "ID" and code == "BAD_REQUEST":
        return  # an ID that cannot be read at all (not a global ID) is refused as such
    assert code == "INVALID" and error["extensions"]["field"] == path, body
    assert "NUL" in error["message"]
    if case.operation == "mutation":
        # A mutation with a ValidationError member answers with it.
        assert not _has_validation_error(get_named_type(field.type)), body


async def test_a_global_id_holding_a_nul_names_nothing(
    client: httpx.AsyncClient, session: Session
) -> None:
    """Its text is plain base64; what it encodes is no UUID, so it never reaches the database."""
    body = await gql(
        client,
        session,
        "query($id: ID!) { contact(id: $id) { id } node(id: $id) { id } }",
        {"id": global_id("Contact", "a\x00b")},
    )
    assert body == {"data": {"contact": None, "node": None}}, body


async def test_an_inline_literal_holding_a_nul_is_refused(
    client: httpx.AsyncClient, session: Session
) -> None:
    body = await gql(
        client,
        session,
        'mutation { createFlag(name: "V\\u0000IP") { __typename ... on UserError { field } } }',
    )
    assert body["data"]["createFlag"] == {"__typename": "ValidationError", "field": "name"}


async def test_a_json_key_holding_a_nul_is_refused(
    client: httpx.AsyncClient, session: Session
) -> None:
    body = await gql(
        client,
        session,
        """mutation($input: CreateContactInput!) {
            createContact(input: $input) { __typename ... on UserError { field } } }""",
        {"input": {"name": "Ann", "fields": {"ci\x00ty": "Kigali"}}},
    )
    assert body["data"]["createContact"] == {
        "__typename": "ValidationError",
        "field": "input.fields",
    }


async def test_an_upload_whose_file_name_holds_a_nul_is_refused(
    client: httpx.AsyncClient, session: Session
) -> None:
    """Written by hand: httpx would send the NUL as `%00`."""
    operations = {
        "query": """mutation($input: StartImportInput!) {
            startImport(input: $input) { __typename ... on UserError { code field } } }""",
        "variables": {"input": {"file": None}},
    }
    parts = [
        ("operations", None, json.dumps(operations).encode()),
        ("map", None, json.dumps({"0": ["variables.input.file"]}).encode()),
        ("0", b"peo\x00ple.csv", b"name\nAnn\n"),
    ]
    body = b""
    for name, filename, content in parts:
        disposition = f'form-data; name="{name}"'.encode()
        if filename is not None:
            disposition += b'; filename="' + filename + b'"'
        body += b"--BOUNDARY\r\nContent-Disposition: " + disposition + b"\r\n\r\n"
        body += content + b"\r\n"
    body += b"--BOUNDARY--\r\n"
    before = await _row_counts()
    response = await client.post(
        "/graphql",
        content=body,
        headers={
            **session.headers,
            "GraphQL-Preflight": "1",
            "Content-Type": "multipart/form-data; boundary=BOUNDARY",
        },
    )
    assert response.status_code == 200, response.text
    assert response.json()["data"]["startImport"] == {
        "__typename": "ValidationError",
        "code": "INVALID",
        "field": "input.file",
    }
    assert await _row_counts() == before


async def test_a_nested_text_argument_holding_a_nul_is_refused(
    client: httpx.AsyncClient, session: Session
) -> None:
    """`Import.errors(column:)` reaches the database; its field takes `RefuseNul`."""
    from tests.api.imports.test_imports import START

    started = await gql(client, session, START, {"input": {"text": "name\nAnn\n"}})
    import_id = started["data"]["startImport"]["import"]["id"]
    body = await gql(
        client,
        session,
        "query($id: ID!) { import(id: $id) { errors(column: $column) { totalCount } } }".replace(
            "$id: ID!", "$id: ID!, $column: String"
        ),
        {"id": import_id, "column": "Na\x00me"},
    )
    assert body["errors"][0]["extensions"] == {"code": "INVALID", "field": "column"}, body
