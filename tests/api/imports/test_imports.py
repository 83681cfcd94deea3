"""Imports through GraphQL and HTTP: multipart uploads, the preview, confirm, cancel, the
error file and the template; permissions and workspace isolation."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from core.sql import sql
from models.enums import FieldType, Permission, Role
from services.fields.definitions import create_field
from tests.conftest import RunWorker
from tests.factories import (
    Session,
    create_contact,
    create_session,
    data_of,
    error_codes,
    fill_groups,
    gql_call,
)
from tests.services.imports.wiring import files_root, transfer_client

__all__ = ["files_root", "transfer_client"]

IMPORT_FIELDS = """
    id status fileName format mode hasHeader updateExisting groupName flags failure
    unmatchedHeaders
    columns { index header state target reason }
    counts { rows blankRows valid toCreate toUpdate toSkip errors duplicates created updated
             skipped }
"""

START = f"""
mutation($input: StartImportInput!) {{
  startImport(input: $input) {{
    __typename
    ... on ImportStarted {{ import {{ {IMPORT_FIELDS} }} job {{ id kind status }} }}
    ... on UserError {{ message code field }}
  }}
}}
"""

IMPORT = f"""
query($id: ID!, $first: Int!, $after: String) {{
  import(id: $id) {{
    {IMPORT_FIELDS}
    errorFileUrl
    validationJob {{ status }}
    commitJob {{ status changedCount }}
    errors(first: $first, after: $after) {{
      totalCount
      edges {{ cursor node {{ row duplicateOf errors {{ code column value message }} }} }}
      pageInfo {{ hasNextPage endCursor }}
    }}
  }}
}}
"""

CONFIRM = """
mutation($id: ID!) {
  confirmImport(id: $id) {
    __typename
    ... on ImportConfirmed { import { status } job { kind status } }
    ... on ImportHasErrorsError { errorRows }
    ... on UserError { message code field }
  }
}
"""

CANCEL = """
mutation($id: ID!) {
  cancelImport(id: $id) {
    __typename
    ... on ImportCancelled { import { status } }
    ... on UserError { message code field }
  }
}
"""

FILE = "name,phone,Colour\nBob,0788383383,red\nBad,12,blue\n,,\nCleo,0788383384,\n"
PREFLIGHT = {"GraphQL-Preflight": "1"}


async def upload(
    client: httpx.AsyncClient,
    session: Session,
    content: bytes,
    *,
    name: str = "people.csv",
    headers: dict[str, str] = PREFLIGHT,
    **options: Any,
) -> httpx.Response:
    operations = {"query": START, "variables": {"input": {"file": None, **options}}}
    return await client.post(
        "/graphql",
        data={
            "operations": json.dumps(operations),
            "map": json.dumps({"0": ["variables.input.file"]}),
        },
        files={"0": (name, content, "text/csv")},
        headers={**session.headers, **headers},
    )


def started(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    result: dict[str, Any] = data_of(response.json())["startImport"]
    assert result["__typename"] == "ImportStarted", result
    return result


async def test_a_multipart_upload_is_previewed_then_confirmed_and_committed(
    transfer_client: httpx.AsyncClient, run_worker: RunWorker
) -> None:
    session = await create_session()
    result = started(await upload(transfer_client, session, FILE.encode()))
    assert (result["import"]["status"], result["job"]["kind"]) == ("UPLOADED", "VALIDATE_IMPORT")
    import_id = result["import"]["id"]

    await run_worker()
    preview = data_of(await gql_call(transfer_client, session, IMPORT, id=import_id, first=1))[
        "import"
    ]

    assert preview["status"] == "PREVIEWED"
    assert preview["counts"] == {
        "rows": 3, "blankRows": 1, "valid": 2, "toCreate": 2, "toUpdate": 0, "toSkip": 0,
        "errors": 1, "duplicates": 0, "created": 0, "updated": 0, "skipped": 0,
    }  # fmt: skip
    assert preview["unmatchedHeaders"] == ["Colour"]
    assert preview["columns"][2] == {
        "index": 2,
        "header": "Colour",
        "state": "UNMATCHED",
        "target": None,
        "reason": "matches no contact attribute, address scheme or field",
    }
    assert preview["errors"]["totalCount"] == 1
    assert preview["errors"]["edges"][0]["node"] == {
        "row": 3,
        "duplicateOf": None,
        "errors": [
            {
                "code": "INVALID_VALUE",
                "column": "phone",
                "value": "12",
                "message": '"12" is not a possible phone number for RW: too short',
            }
        ],
    }
    assert preview["errors"]["pageInfo"]["hasNextPage"] is False
    assert preview["validationJob"] == {"status": "SUCCEEDED"}

    confirmed = data_of(await gql_call(transfer_client, session, CONFIRM, id=import_id))
    assert confirmed["confirmImport"] == {
        "__typename": "ImportConfirmed",
        "import": {"status": "COMMITTING"},
        "job": {"kind": "COMMIT_IMPORT", "status": "QUEUED"},
    }
    await run_worker()
    done = data_of(await gql_call(transfer_client, session, IMPORT, id=import_id, first=10))[
        "import"
    ]

    assert done["status"] == "COMMITTED"
    assert (done["counts"]["created"], done["counts"]["errors"]) == (2, 1)
    assert done["commitJob"] == {"status": "SUCCEEDED", "changedCount": 2}
    error_file = await transfer_client.get(done["errorFileUrl"])
    assert error_file.status_code == 200
    assert error_file.headers["content-disposition"] == 'attachment; filename="people-errors.csv"'
    assert error_file.text == (
        "name,phone,Colour,error\r\n"
        'Bad,12,blue,"phone: ""12"" is not a possible phone number for RW: too short"\r\n'
    )


async def test_multipart_requests_without_a_preflight_header_are_refused(
    transfer_client: httpx.AsyncClient, files_root: Path
) -> None:
    session = await create_session()

    response = await upload(transfer_client, session, FILE.encode(), headers={})

    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
    imports = "SELECT count(*) FROM contact_import WHERE workspace_id = $1"
    assert await sql().fetchval(imports, session.workspace.id) == 0


@pytest.mark.parametrize("header", ["Apollo-Require-Preflight", "X-Apollo-Operation-Name"])
async def test_each_preflight_header_is_accepted(
    transfer_client: httpx.AsyncClient, header: str
) -> None:
    session = await create_session()

    started(await upload(transfer_client, session, FILE.encode(), headers={header: "x"}))


async def test_pasted_text_with_a_group_flags_and_options(
    transfer_client: httpx.AsyncClient, run_worker: RunWorker
) -> None:
    session = await create_session()
    options = {
        "text": "Name;Mobile\nBob;0788383383\n",
        "fileName": "pasted.csv",
        "group": {"name": "Imported"},
        "flags": ["VIP"],
        "updateExisting": False,
        "mode": "ALL_OR_NOTHING",
        "mapping": [{"column": "Mobile", "target": "phone"}],
    }

    body = await gql_call(transfer_client, session, START, input=options)

    result = data_of(body)["startImport"]
    assert result["__typename"] == "ImportStarted"
    shown = result["import"]
    assert (shown["fileName"], shown["groupName"], shown["flags"], shown["mode"]) == (
        "pasted.csv",
        "Imported",
        ["VIP"],
        "ALL_OR_NOTHING",
    )
    assert shown["updateExisting"] is False
    assert [c["target"] for c in shown["columns"]] == ["name", "URN:tel"]


async def test_typed_errors_for_expected_failures(transfer_client: httpx.AsyncClient) -> None:
    session = await create_session()

    not_a_sheet = await upload(transfer_client, session, b"%PDF-1.7 ...", name="scan.pdf")
    both = await gql_call(transfer_client, session, START, input={})
    bad_mapping = await gql_call(
        transfer_client,
        session,
        START,
        input={"text": "name\nBob\n", "mapping": [{"column": "Phone", "target": "phone"}]},
    )
    unknown_group = await gql_call(
        transfer_client,
        session,
        START,
        input={"text": "name\nBob\n", "group": {"id": "R3JvdXA6bm90LWEtdXVpZA=="}},
    )

    assert data_of(not_a_sheet.json())["startImport"] == {
        "__typename": "NotASpreadsheetError",
        "message": "The file is a PDF document, not a spreadsheet: upload a CSV (UTF-8) or "
        "XLSX file.",
        "code": "INVALID",
        "field": "file",
    }
    assert data_of(both)["startImport"] == {
        "__typename": "ValidationError",
        "message": "Give either a `file` or `text`, not both or neither.",
        "code": "INVALID",
        "field": "file",
    }
    assert data_of(bad_mapping)["startImport"] == {
        "__typename": "ValidationError",
        "message": 'The mapping names a column "Phone" that is not in the file; its columns '
        "are: name.",
        "code": "INVALID",
        "field": "mapping.0.column",
    }
    assert data_of(unknown_group)["startImport"] == {
        "__typename": "NotFoundError",
        "message": "No such group.",
        "code": "NOT_FOUND",
        "field": "group.id",
    }


async def test_a_new_group_beyond_the_workspace_limit_is_a_typed_error(
    transfer_client: httpx.AsyncClient,
) -> None:
    session = await create_session()
    await fill_groups(session.workspace, 250)
    result = await gql_call(
        transfer_client,
        session,
        START,
        input={"text": "name\nBob\n", "group": {"name": "One more"}},
    )
    assert data_of(result)["startImport"] == {
        "__typename": "LimitReachedError",
        "message": "A workspace can have at most 250 groups; delete one first.",
        "code": "LIMIT_REACHED",
        "field": "group.name",
    }


async def test_confirm_and_cancel_report_their_states(
    transfer_client: httpx.AsyncClient, run_worker: RunWorker
) -> None:
    session = await create_session()
    strict = await gql_call(
        transfer_client, session, START, input={"text": FILE, "mode": "ALL_OR_NOTHING"}
    )
    loose = await gql_call(transfer_client, session, START, input={"text": FILE})
    strict_id = data_of(strict)["startImport"]["import"]["id"]
    loose_id = data_of(loose)["startImport"]["import"]["id"]
    await run_worker()

    refused = await gql_call(transfer_client, session, CONFIRM, id=strict_id)
    cancelled = await gql_call(transfer_client, session, CANCEL, id=strict_id)
    await gql_call(transfer_client, session, CONFIRM, id=loose_id)
    twice = await gql_call(transfer_client, session, CONFIRM, id=loose_id)
    too_late = await gql_call(transfer_client, session, CANCEL, id=loose_id)

    assert data_of(refused)["confirmImport"] == {
        "__typename": "ImportHasErrorsError",
        "errorRows": 1,
        "message": "1 row has errors, and this import is all-or-nothing: nothing will be "
        "imported. Download the error rows, fix them and upload the file again.",
        "code": "INVALID_STATE",
        "field": "id",
    }
    assert data_of(cancelled)["cancelImport"] == {
        "__typename": "ImportCancelled",
        "import": {"status": "CANCELLED"},
    }
    assert data_of(twice)["confirmImport"] == {
        "__typename": "InvalidStateError",
        "message": "This import was already confirmed and is being imported.",
        "code": "INVALID_STATE",
        "field": "id",
    }
    assert data_of(too_late)["cancelImport"]["message"] == (
        "This import was already confirmed; it can no longer be cancelled."
    )


async def test_another_workspaces_import_is_like_a_missing_one(
    transfer_client: httpx.AsyncClient, run_worker: RunWorker
) -> None:
    owner = await create_session()
    stranger = await create_session()
    body = await gql_call(transfer_client, owner, START, input={"text": FILE})
    import_id = data_of(body)["startImport"]["import"]["id"]
    await run_worker()

    seen = await gql_call(transfer_client, stranger, IMPORT, id=import_id, first=5)
    confirmed = await gql_call(transfer_client, stranger, CONFIRM, id=import_id)
    cancelled = await gql_call(transfer_client, stranger, CANCEL, id=import_id)

    assert data_of(seen) == {"import": None}
    not_found = {
        "__typename": "NotFoundError",
        "message": "No such import.",
        "code": "NOT_FOUND",
        "field": "id",
    }
    assert data_of(confirmed)["confirmImport"] == not_found
    assert data_of(cancelled)["cancelImport"] == not_found


async def test_importing_needs_the_import_permission(transfer_client: httpx.AsyncClient) -> None:
    admin = await create_session()
    viewer = await create_session(admin.workspace, role=Role.VIEWER)
    barred = await create_session(admin.workspace, role=Role.EDITOR)
    barred.caller.member.disabled_permissions = [Permission.IMPORT.value]
    await barred.caller.member.save()

    as_viewer = await gql_call(transfer_client, viewer, START, input={"text": FILE})
    as_barred = await gql_call(transfer_client, barred, START, input={"text": FILE})

    assert error_codes(as_viewer) == ["FORBIDDEN"]
    assert error_codes(as_barred) == ["FORBIDDEN"]
    assert as_barred["errors"][0]["message"] == (
        "Your permission to import has been switched off by an admin."
    )


async def test_error_file_links_expire_and_follow_the_members_permission(
    transfer_client: httpx.AsyncClient, run_worker: RunWorker
) -> None:
    session = await create_session()
    body = await gql_call(transfer_client, session, START, input={"text": FILE})
    import_id = data_of(body)["startImport"]["import"]["id"]
    await run_worker()
    first = data_of(await gql_call(transfer_client, session, IMPORT, id=import_id, first=1))
    second = data_of(await gql_call(transfer_client, session, IMPORT, id=import_id, first=1))
    expired_url, revoked_url = first["import"]["errorFileUrl"], second["import"]["errorFileUrl"]
    await sql().execute(
        "UPDATE download_link SET expires_on = now() - interval '1 second' "
        "WHERE id = (SELECT min(id) FROM download_link WHERE workspace_id = $1)",
        session.workspace.id,
    )

    expired = await transfer_client.get(expired_url)
    session.caller.member.disabled_permissions = [Permission.IMPORT.value]
    await session.caller.member.save()
    revoked = await transfer_client.get(revoked_url)
    unknown = await transfer_client.get("/downloads/not-a-token")

    assert (expired.status_code, expired.json()) == (
        410,
        {"error": "This download link has expired; ask for a new one."},
    )
    assert revoked.status_code == 403
    assert unknown.status_code == 404


async def test_the_template_lists_our_columns_and_the_workspaces_fields(
    transfer_client: httpx.AsyncClient,
) -> None:
    session = await create_session()
    await create_field(session.caller, name="Age", value_type=FieldType.NUMBER)
    await create_contact(session, "Unrelated")

    query = "{ importTemplate { columns csv url } }"
    template = data_of(await gql_call(transfer_client, session, query))["importTemplate"]
    with_token = await transfer_client.get("/templates/contacts.csv", headers=session.headers)
    without = await transfer_client.get("/templates/contacts.csv")

    header = "name,phone,email,language,company,job_title,country,state,notes,flags"
    assert template == {
        "columns": header.split(",") + ["age"],
        "csv": header + ",age\r\n",
        "url": "http://test/templates/contacts.csv",
    }
    assert (with_token.status_code, with_token.text) == (200, header + ",age\r\n")
    assert with_token.headers["content-type"] == "text/csv; charset=utf-8"
    assert without.text == header + "\r\n"


async def test_the_template_lists_the_other_headers_it_reads(
    transfer_client: httpx.AsyncClient,
) -> None:
    session = await create_session()
    query = "{ importTemplate { aliases { header column } } }"
    template = data_of(await gql_call(transfer_client, session, query))["importTemplate"]
    aliases = {a["header"]: a["column"] for a in template["aliases"]}
    assert aliases["contact_uuid"] == "uuid"
    assert aliases["mobile"] == "phone"
    assert aliases["e_mail"] == "email"
    assert aliases["surname"] == "last_name"
    assert aliases["brokerage"] == "company"


async def test_a_large_upload_is_stored_whole(
    transfer_client: httpx.AsyncClient, files_root: Path
) -> None:
    session = await create_session()
    content = b"name\n" + b"".join(b"Person number %07d\n" % i for i in range(120_000))

    result = started(await upload(transfer_client, session, content, name="big.csv"))

    stored = await sql().fetchrow(
        "SELECT file_path, file_size FROM contact_import WHERE uuid::text = $1",
        _node_uuid(result["import"]["id"]),
    )
    assert stored is not None
    assert stored["file_size"] == len(content) > 2_000_000
    assert _read(files_root / stored["file_path"]) == content


def _read(path: Path) -> bytes:
    return path.read_bytes()


def _node_uuid(global_id: str) -> str:
    from strawberry.relay import GlobalID

    return GlobalID.from_id(global_id).node_id


async def test_error_rows_are_paged_by_row(
    transfer_client: httpx.AsyncClient, run_worker: RunWorker
) -> None:
    session = await create_session()
    text = "name,phone\nA,1\nB,2\nC,0788383383\nD,4\n"
    body = await gql_call(transfer_client, session, START, input={"text": text})
    import_id = data_of(body)["startImport"]["import"]["id"]
    await run_worker()

    first = data_of(await gql_call(transfer_client, session, IMPORT, id=import_id, first=2))
    page = first["import"]["errors"]
    second = data_of(
        await gql_call(
            transfer_client,
            session,
            IMPORT,
            id=import_id,
            first=2,
            after=page["pageInfo"]["endCursor"],
        )
    )["import"]["errors"]

    assert [e["node"]["row"] for e in page["edges"]] == [2, 3]
    assert (page["totalCount"], page["pageInfo"]["hasNextPage"]) == (3, True)
    assert [e["node"]["row"] for e in second["edges"]] == [5]
    assert second["pageInfo"]["hasNextPage"] is False


SUMMARY = """
query($id: ID!, $code: ImportRowErrorCode, $column: String, $after: String) {
  import(id: $id) {
    errorSummary { code column rows }
    errors(first: 2, code: $code, column: $column, after: $after) {
      totalCount
      edges { node { row errors { code column } } }
      pageInfo { hasNextPage endCursor }
    }
  }
}
"""


async def test_error_rows_are_tallied_by_kind_and_column_and_filtered_by_them(
    transfer_client: httpx.AsyncClient, run_worker: RunWorker
) -> None:
    session = await create_session()
    text = (
        "name,phone,email,language\n"
        "A,1,,\n"  # 2: bad phone
        "B,2,not-an-email,\n"  # 3: bad phone, bad email
        ",,,eng\n"  # 4: no name or address
        "C,0788383383,,xx\n"  # 5: bad language (an error row repeats nothing)
        "D,0788383383,,\n"  # 6: valid
        "E,0788383383,,\n"  # 7: repeats row 6's phone
        "F,3,,\n"  # 8: bad phone
    )
    body = await gql_call(transfer_client, session, START, input={"text": text})
    import_id = data_of(body)["startImport"]["import"]["id"]
    await run_worker()

    everything = data_of(await gql_call(transfer_client, session, SUMMARY, id=import_id))
    phones = data_of(
        await gql_call(
            transfer_client, session, SUMMARY, id=import_id, code="INVALID_VALUE", column="phone"
        )
    )["import"]["errors"]
    rest = data_of(
        await gql_call(
            transfer_client,
            session,
            SUMMARY,
            id=import_id,
            code="INVALID_VALUE",
            column="phone",
            after=phones["pageInfo"]["endCursor"],
        )
    )["import"]["errors"]
    repeats = data_of(
        await gql_call(transfer_client, session, SUMMARY, id=import_id, code="DUPLICATE_ROW")
    )["import"]["errors"]
    emails = data_of(
        await gql_call(transfer_client, session, SUMMARY, id=import_id, column="email")
    )["import"]["errors"]

    assert everything["import"]["errorSummary"] == [
        {"code": "INVALID_VALUE", "column": "phone", "rows": 3},
        {"code": "DUPLICATE_ROW", "column": None, "rows": 1},
        {"code": "INVALID_VALUE", "column": "email", "rows": 1},
        {"code": "INVALID_VALUE", "column": "language", "rows": 1},
        {"code": "MISSING_NAME", "column": None, "rows": 1},
    ]
    assert everything["import"]["errors"]["totalCount"] == 6
    assert (phones["totalCount"], phones["pageInfo"]["hasNextPage"]) == (3, True)
    assert [e["node"]["row"] for e in phones["edges"] + rest["edges"]] == [2, 3, 8]
    assert rest["pageInfo"]["hasNextPage"] is False
    assert [e["node"]["row"] for e in repeats["edges"]] == [7]
    assert repeats["totalCount"] == 1
    assert [e["node"]["row"] for e in emails["edges"]] == [3]
    assert emails["edges"][0]["node"]["errors"] == [
        {"code": "INVALID_VALUE", "column": "phone"},
        {"code": "INVALID_VALUE", "column": "email"},
    ]
