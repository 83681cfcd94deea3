"""Exports through GraphQL and HTTP: start, poll, download through an expiring link, and
import the file back unchanged; permissions and workspace isolation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from core.settings import Settings
from core.sql import sql
from models.enums import ContactStatus, Permission
from tests.conftest import RunWorker
from tests.factories import (
    Session,
    contact_gid,
    create_contact,
    create_group,
    create_session,
    data_of,
    error_codes,
    gql_call,
)
from tests.services.imports.wiring import files_root, transfer_client
from workers.tasks import clean_up_files

__all__ = ["files_root", "transfer_client"]

START = """
mutation($input: StartExportInput!) {
  startExport(input: $input) {
    __typename
    ... on ExportStarted { export { id format rowCount downloadUrl } job { kind status } }
    ... on UserError { message code field }
  }
}
"""

EXPORT = """
query($id: ID!) {
  export(id: $id) {
    id format fileName rowCount finishedOn expiresOn downloadUrl job { status }
  }
}
"""

IMPORT_TEXT = """
mutation($text: String!) {
  startImport(input: {text: $text}) {
    ... on ImportStarted { import { id } }
  }
}
"""

PREVIEW = "query($id: ID!) { import(id: $id) { status counts { toUpdate toCreate errors } } }"


async def export_everyone(
    client: httpx.AsyncClient, session: Session, run_worker: RunWorker, **options: Any
) -> dict[str, Any]:
    body = await gql_call(client, session, START, input={"selection": {"filter": {}}, **options})
    started = data_of(body)["startExport"]
    assert started["__typename"] == "ExportStarted", started
    await run_worker()
    shown = data_of(await gql_call(client, session, EXPORT, id=started["export"]["id"]))
    export: dict[str, Any] = shown["export"]
    return export


async def test_an_export_downloads_and_imports_back_unchanged(
    transfer_client: httpx.AsyncClient, run_worker: RunWorker
) -> None:
    session = await create_session()
    await create_contact(session, "Ann", urns=["tel:+250788000001", "mailto:ann@x.com"])
    await create_contact(session, "Bob", urns=["tel:+250788000002"], flags=["VIP"])
    await create_group(session.workspace, "Newsletter")

    export = await export_everyone(transfer_client, session, run_worker, groups=["Newsletter"])
    download = await transfer_client.get(export["downloadUrl"])

    assert (export["format"], export["rowCount"], export["job"]) == (
        "CSV",
        2,
        {"status": "SUCCEEDED"},
    )
    assert download.status_code == 200
    assert download.headers["content-disposition"] == f'attachment; filename="{export["fileName"]}"'
    lines = download.text.splitlines()
    assert lines[0] == (
        "uuid,name,status,language,URN:tel,URN:mailto,company,job_title,country,state,notes,"
        "flags,created_on,last_seen_on,Group:Newsletter"
    )
    assert [line.split(",")[1:6] for line in lines[1:]] == [
        ["Ann", "active", "", "+250788000001", "ann@x.com"],
        ["Bob", "active", "", "+250788000002", ""],
    ]
    started = data_of(await gql_call(transfer_client, session, IMPORT_TEXT, text=download.text))
    await run_worker()
    import_id = started["startImport"]["import"]["id"]
    preview = data_of(await gql_call(transfer_client, session, PREVIEW, id=import_id))["import"]
    assert preview == {"status": "PREVIEWED", "counts": {"toUpdate": 2, "toCreate": 0, "errors": 0}}


async def test_the_selection_takes_ids_and_bad_input_gets_typed_errors(
    transfer_client: httpx.AsyncClient, run_worker: RunWorker
) -> None:
    session = await create_session()
    ann = await create_contact(session, "Ann")
    await create_contact(session, "Bob")

    one = await export_everyone(
        transfer_client, session, run_worker, selection={"ids": [contact_gid(ann)]}
    )
    both = await gql_call(
        transfer_client, session, START, input={"selection": {"ids": [], "filter": {}}}
    )
    unknown_group = await gql_call(
        transfer_client, session, START, input={"selection": {"filter": {}}, "groups": ["Nope"]}
    )

    assert one["rowCount"] == 1
    assert data_of(both)["startExport"] == {
        "__typename": "ValidationError",
        "message": "Give either `ids` or `filter`, not both or neither.",
        "code": "INVALID",
        "field": "selection",
    }
    assert data_of(unknown_group)["startExport"] == {
        "__typename": "NotFoundError",
        "message": 'No group named "Nope".',
        "code": "NOT_FOUND",
        "field": "groups",
    }


async def test_the_filters_query_narrows_the_export(
    transfer_client: httpx.AsyncClient, run_worker: RunWorker
) -> None:
    session = await create_session()
    await create_contact(session, "Ann", urns=["tel:+250788000001"])
    await create_contact(session, "Bob", urns=["tel:+250788000002"])
    await create_contact(session, "Ann", urns=["tel:+250788000003"], status=ContactStatus.STOPPED)

    export = await export_everyone(
        transfer_client,
        session,
        run_worker,
        selection={"filter": {"query": 'name = "Ann"', "status": ["ACTIVE"]}},
    )
    download = await transfer_client.get(export["downloadUrl"])

    assert export["rowCount"] == 1
    assert [line.split(",")[1:5] for line in download.text.splitlines()[1:]] == [
        ["Ann", "active", "", "+250788000001"]
    ]


async def test_exports_need_the_permission_and_stay_in_their_workspace(
    transfer_client: httpx.AsyncClient, run_worker: RunWorker
) -> None:
    session = await create_session()
    stranger = await create_session()
    await create_contact(session, "Ann")
    export = await export_everyone(transfer_client, session, run_worker)

    seen = await gql_call(transfer_client, stranger, EXPORT, id=export["id"])
    session.caller.member.disabled_permissions = [Permission.EXPORT.value]
    await session.caller.member.save()
    refused = await gql_call(transfer_client, session, START, input={"selection": {"filter": {}}})
    download = await transfer_client.get(export["downloadUrl"])

    assert data_of(seen) == {"export": None}
    assert error_codes(refused) == ["FORBIDDEN"]
    assert download.status_code == 403
    links = await sql().fetchval(
        "SELECT count(*) FROM download_link WHERE workspace_id = $1", session.workspace.id
    )
    assert links == 1


async def test_export_links_expire_and_follow_the_members_permission(
    transfer_client: httpx.AsyncClient, run_worker: RunWorker
) -> None:
    session = await create_session()
    await create_contact(session, "Ann")
    export = await export_everyone(transfer_client, session, run_worker)
    again = data_of(await gql_call(transfer_client, session, EXPORT, id=export["id"]))["export"]
    expired_url, revoked_url = export["downloadUrl"], again["downloadUrl"]
    assert expired_url != revoked_url
    await sql().execute(
        "UPDATE download_link SET expires_on = now() - interval '1 second' "
        "WHERE id = (SELECT min(id) FROM download_link WHERE workspace_id = $1)",
        session.workspace.id,
    )

    expired = await transfer_client.get(expired_url)
    still_valid = await transfer_client.get(revoked_url)
    session.caller.member.disabled_permissions = [Permission.EXPORT.value]
    await session.caller.member.save()
    revoked = await transfer_client.get(revoked_url)

    assert (expired.status_code, expired.json()) == (
        410,
        {"error": "This download link has expired; ask for a new one."},
    )
    assert still_valid.status_code == 200
    assert "Ann" in still_valid.text
    assert revoked.status_code == 403


async def test_an_export_expires_a_week_after_it_is_written_and_its_file_is_deleted(
    transfer_client: httpx.AsyncClient, run_worker: RunWorker, settings: Settings, files_root: Path
) -> None:
    session = await create_session()
    await create_contact(session, "Ann")
    old = await export_everyone(transfer_client, session, run_worker)
    recent = await export_everyone(transfer_client, session, run_worker)
    old_file = await sql().fetchval(
        "UPDATE contact_export SET created_on = created_on - interval '8 days', "
        "finished_on = finished_on - interval '8 days' WHERE id = "
        "(SELECT min(id) FROM contact_export WHERE workspace_id = $1) RETURNING file_path",
        session.workspace.id,
    )
    assert (files_root / old_file).exists()

    await clean_up_files({"settings": settings})
    gone = await transfer_client.get(old["downloadUrl"])
    kept = await transfer_client.get(recent["downloadUrl"])
    shown = data_of(await gql_call(transfer_client, session, EXPORT, id=old["id"]))["export"]

    assert (gone.status_code, gone.json()) == (
        410,
        {"error": "This export has expired and its file was deleted; start a new export."},
    )
    assert not (files_root / old_file).exists()
    assert kept.status_code == 200
    assert "Ann" in kept.text
    assert shown["downloadUrl"] is None
    assert shown["expiresOn"] < datetime.now(UTC).isoformat()
    assert datetime.fromisoformat(recent["expiresOn"]) - datetime.fromisoformat(
        recent["finishedOn"]
    ) == timedelta(days=7)
