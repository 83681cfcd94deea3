"""Authentication by bearer token, roles, and the permissions an admin can switch off."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from api.schema import build_schema
from core.settings import Settings
from core.sql import sql
from models.enums import ContactStatus, FieldType, Role
from services.access.tokens import revoke_token
from services.contacts.records import ContactRecord
from services.fields import definitions as fields
from services.fields import usage_registry as field_usage_registry
from services.groups import definitions as groups
from tests.factories import (
    Session,
    contact_gid,
    create_contact,
    create_session,
    create_workspace,
    data_of,
    error_codes,
    global_id,
    gql,
    workspace_snapshot,
)

ME = "{ me { workspace { name } member { name role disabledPermissions permissions } } }"


async def post(client: httpx.AsyncClient, query: str, headers: dict[str, str]) -> dict[str, Any]:
    response = await client.post("/graphql", json={"query": query}, headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


# --- authentication ----------------------------------------------------------------------------


async def test_a_valid_token_identifies_member_and_workspace(client: httpx.AsyncClient) -> None:
    session = await create_session(await create_workspace("Acme"), role=Role.EDITOR, name="Ed")
    assert data_of(await gql(client, session, ME)) == {
        "me": {
            "workspace": {"name": "Acme"},
            "member": {
                "name": "Ed",
                "role": "EDITOR",
                "disabledPermissions": [],
                "permissions": [
                    "DELETE_CONTACTS",
                    "DELETE_ALL_CONTACTS",
                    "IMPORT",
                    "EXPORT",
                    "MANAGE_FIELDS",
                ],
            },
        }
    }


MISSING = "Authentication required: send an API token as 'Authorization: Bearer <token>'."
MALFORMED = (
    "The Authorization header is not valid: send an API token as 'Authorization: Bearer <token>'."
)
INVALID = "The API token is not valid: it is unknown or has been revoked."


@pytest.mark.parametrize(
    ("headers", "message"),
    [
        ({}, MISSING),
        ({"Authorization": ""}, MISSING),
        ({"Authorization": "Bearer ct_not-a-real-token"}, INVALID),
        ({"Authorization": "bearer garbage"}, INVALID),
        ({"Authorization": "Bearer "}, MALFORMED),
        ({"Authorization": "Basic dXNlcjpwYXNz"}, MALFORMED),
    ],
    ids=["missing", "blank-header", "unknown", "malformed-token", "empty", "not-bearer"],
)
async def test_requests_without_a_valid_token_are_unauthenticated(
    client: httpx.AsyncClient, headers: dict[str, str], message: str
) -> None:
    body = await post(client, ME, headers)
    assert body["data"] is None
    assert error_codes(body) == ["UNAUTHENTICATED"]
    assert body["errors"][0]["message"] == message


async def test_a_mutation_without_a_token_changes_nothing(client: httpx.AsyncClient) -> None:
    before = await sql().fetchval("SELECT count(*) FROM contact")
    body = await post(
        client, 'mutation { createContact(input: {name: "Nobody"}) { __typename } }', {}
    )
    assert error_codes(body) == ["UNAUTHENTICATED"]
    assert body["data"] is None
    assert await sql().fetchval("SELECT count(*) FROM contact") == before


async def test_a_revoked_token_is_unauthenticated_and_changes_nothing(
    client: httpx.AsyncClient,
) -> None:
    session = await create_session()
    assert data_of(await gql(client, session, ME))["me"]["member"]["name"] == "Ann"
    assert await revoke_token(workspace=session.workspace, token_ref=session.token)
    before = await workspace_snapshot(session.workspace)
    for query in (ME, 'mutation { createContact(input: {name: "Late"}) { __typename } }'):
        body = await gql(client, session, query)
        assert error_codes(body) == ["UNAUTHENTICATED"]
        # The same words as for a token that never existed: a revoked token's holder learns
        # nothing more than a guesser.
        assert body["errors"][0]["message"] == INVALID
    assert await workspace_snapshot(session.workspace) == before


async def test_the_import_template_tells_a_bad_token_from_none(client: httpx.AsyncClient) -> None:
    session = await create_session()
    url = "/templates/contacts.csv"
    assert (await client.get(url)).status_code == 200
    assert (await client.get(url, headers=session.headers)).status_code == 200
    unknown = await client.get(url, headers={"Authorization": "Bearer ct_not-a-real-token"})
    malformed = await client.get(url, headers={"Authorization": "Basic dXNlcjpwYXNz"})
    assert await revoke_token(workspace=session.workspace, token_ref=session.token)
    revoked = await client.get(url, headers=session.headers)
    for response, message in ((unknown, INVALID), (revoked, INVALID), (malformed, MALFORMED)):
        assert (response.status_code, response.json()) == (401, {"error": message})
        assert response.headers["www-authenticate"] == "Bearer"


async def test_tokens_are_stored_hashed_and_stamped_when_used(client: httpx.AsyncClient) -> None:
    session = await create_session()
    row = await sql().fetchrow(
        "SELECT *, t::text AS whole_row FROM api_token t WHERE member_id = $1",
        session.caller.member.id,
    )
    assert row is not None
    assert session.token not in row["whole_row"]
    assert row["key_hash"] == hashlib.sha256(session.token.encode()).hexdigest()
    assert row["last_used_on"] is None
    data_of(await gql(client, session, ME))
    used = await sql().fetchval("SELECT last_used_on FROM api_token WHERE id = $1", row["id"])
    assert used is not None and used >= row["created_on"]


# --- the viewer role ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Workspace:
    admin: Session
    viewer: Session
    editor: Session
    active: ContactRecord
    archived: ContactRecord
    flag_id: str
    job_id: str
    group_id: str


@pytest.fixture
async def acme(client: httpx.AsyncClient) -> Workspace:
    admin = await create_session(await create_workspace("Acme"), name="Ann")
    viewer = await create_session(admin.workspace, role=Role.VIEWER, name="Vic")
    editor = await create_session(admin.workspace, role=Role.EDITOR, name="Ed")
    active = await create_contact(admin, "Active", urns=["tel:0788 383 383"], flags=["VIP"])
    archived = await create_contact(admin, "Archived", status=ContactStatus.ARCHIVED)
    await fields.create_field(admin.caller, name="Age", value_type=FieldType.TEXT)
    await field_usage_registry.register(
        admin.caller, kind="flow", ref="f1", name="Flow", keys=["age"]
    )
    flag_id = data_of(await gql(client, admin, "{ flags { id } }"))["flags"][0]["id"]
    started = await gql(
        client,
        admin,
        "mutation($ids: [ID!]) { archiveContacts(selection: {ids: $ids}) "
        "{ ... on JobStarted { job { id } } } }",
        {"ids": [contact_gid(active)]},
    )
    job_id = data_of(started)["archiveContacts"]["job"]["id"]
    team = await groups.create_group(admin.caller, name="Team")
    return Workspace(
        admin, viewer, editor, active, archived, flag_id, job_id, global_id("Group", team.uuid)
    )


Variables = Callable[[Workspace], dict[str, Any]]

MUTATIONS: dict[str, tuple[str, Variables]] = {
    "createContact": (
        'mutation { createContact(input: {name: "New"}) { __typename } }',
        lambda w: {},
    ),
    "updateContact": (
        'mutation($id: ID!) { updateContact(input: {id: $id, name: "Changed"}) { __typename } }',
        lambda w: {"id": contact_gid(w.active)},
    ),
    "deleteContact": (
        "mutation($id: ID!) { deleteContact(id: $id) { __typename } }",
        lambda w: {"id": contact_gid(w.archived)},
    ),
    "archiveContacts": (
        "mutation($ids: [ID!]) { archiveContacts(selection: {ids: $ids}) { __typename } }",
        lambda w: {"ids": [contact_gid(w.active)]},
    ),
    "restoreContacts": (
        "mutation($ids: [ID!]) { restoreContacts(selection: {ids: $ids}) { __typename } }",
        lambda w: {"ids": [contact_gid(w.archived)]},
    ),
    "deleteContacts": (
        "mutation($ids: [ID!]) { deleteContacts(selection: {ids: $ids}) { __typename } }",
        lambda w: {"ids": [contact_gid(w.archived)]},
    ),
    "deleteAllContacts": (
        'mutation { deleteAllContacts(confirmation: "delete all contacts in Acme") '
        "{ __typename } }",
        lambda w: {},
    ),
    "cancelJob": (
        "mutation($id: ID!) { cancelJob(id: $id) { __typename } }",
        lambda w: {"id": w.job_id},
    ),
    "createFlag": (
        'mutation { createFlag(name: "Brand New") { __typename } }',
        lambda w: {},
    ),
    "renameFlag": (
        'mutation($id: ID!) { renameFlag(id: $id, name: "Renamed") { __typename } }',
        lambda w: {"id": w.flag_id},
    ),
    "deleteFlag": (
        "mutation($id: ID!) { deleteFlag(id: $id) { __typename } }",
        lambda w: {"id": w.flag_id},
    ),
    "setMemberPermissions": (
        "mutation($id: ID!) { setMemberPermissions(memberId: $id, disabled: [IMPORT]) "
        "{ __typename } }",
        lambda w: {"id": str(w.editor.caller.member.uuid)},
    ),
    "createField": (
        'mutation { createField(input: {name: "Town"}) { __typename } }',
        lambda w: {},
    ),
    "updateField": (
        'mutation { updateField(key: "age", input: {name: "Years", featured: true}) '
        "{ __typename } }",
        lambda w: {},
    ),
    "reorderFeaturedFields": (
        'mutation { reorderFeaturedFields(keys: ["age"]) { __typename } }',
        lambda w: {},
    ),
    "changeFieldType": (
        'mutation { changeFieldType(key: "age", valueType: NUMBER) { __typename } }',
        lambda w: {},
    ),
    "deleteField": (
        'mutation { deleteField(key: "age", acknowledgeUsages: true) { __typename } }',
        lambda w: {},
    ),
    "registerFieldUsages": (
        'mutation { registerFieldUsages(consumer: {kind: "form", ref: "x"}, keys: ["age"]) '
        "{ __typename } }",
        lambda w: {},
    ),
    "unregisterFieldUsages": (
        'mutation { unregisterFieldUsages(consumer: {kind: "flow", ref: "f1"}) { __typename } }',
        lambda w: {},
    ),
    "createGroup": ('mutation { createGroup(input: {name: "New"}) { __typename } }', lambda w: {}),
    "updateGroup": (
        'mutation($id: ID!) { updateGroup(id: $id, input: {name: "Renamed"}) { __typename } }',
        lambda w: {"id": w.group_id},
    ),
    "deleteGroup": (
        "mutation($id: ID!) { deleteGroup(id: $id) { __typename } }",
        lambda w: {"id": w.group_id},
    ),
    "addContactsToGroup": (
        "mutation($g: ID!, $c: ID!) { addContactsToGroup(groupId: $g, contactIds: [$c]) "
        "{ __typename } }",
        lambda w: {"g": w.group_id, "c": contact_gid(w.active)},
    ),
    "removeContactsFromGroup": (
        "mutation($g: ID!, $c: ID!) { removeContactsFromGroup(groupId: $g, contactIds: [$c]) "
        "{ __typename } }",
        lambda w: {"g": w.group_id, "c": contact_gid(w.active)},
    ),
    "addToGroup": (
        "mutation($g: ID!) { addToGroup(groupId: $g, selection: {filter: {}}) { __typename } }",
        lambda w: {"g": w.group_id},
    ),
    "removeFromGroup": (
        "mutation($g: ID!) { removeFromGroup(groupId: $g, selection: {filter: {}}) "
        "{ __typename } }",
        lambda w: {"g": w.group_id},
    ),
    "addFlags": (
        'mutation { addFlags(flags: ["X"], selection: {filter: {}}) { __typename } }',
        lambda w: {},
    ),
    "removeFlags": (
        'mutation { removeFlags(flags: ["VIP"], selection: {filter: {}}) { __typename } }',
        lambda w: {},
    ),
    "registerGroupUsages": (
        'mutation($g: ID!) { registerGroupUsages(consumer: {kind: "campaign", ref: "c"}, '
        "groups: [$g]) { __typename } }",
        lambda w: {"g": w.group_id},
    ),
    "unregisterGroupUsages": (
        'mutation { unregisterGroupUsages(consumer: {kind: "campaign", ref: "c"}) { __typename } }',
        lambda w: {},
    ),
    "startImport": (
        'mutation { startImport(input: {text: "name\\nNew"}) { __typename } }',
        lambda w: {},
    ),
    "confirmImport": (
        "mutation($id: ID!) { confirmImport(id: $id) { __typename } }",
        lambda w: {"id": global_id("Import", "00000000-0000-0000-0000-000000000000")},
    ),
    "cancelImport": (
        "mutation($id: ID!) { cancelImport(id: $id) { __typename } }",
        lambda w: {"id": global_id("Import", "00000000-0000-0000-0000-000000000000")},
    ),
    "startExport": (
        "mutation { startExport(input: {selection: {filter: {}}}) { __typename } }",
        lambda w: {},
    ),
    "createAudienceSnapshot": (
        'mutation { createAudienceSnapshot(input: {query: "name ~ act"}) { __typename } }',
        lambda w: {},
    ),
}


QUERIES: dict[str, tuple[str, Variables]] = {
    "node": (
        "query($id: ID!) { node(id: $id) { id } }",
        lambda w: {"id": contact_gid(w.active)},
    ),
    "me": ("{ me { member { name } } }", lambda w: {}),
    "members": ("{ members { name } }", lambda w: {}),
    "contact": (
        "query($id: ID!) { contact(id: $id) { name } }",
        lambda w: {"id": contact_gid(w.active)},
    ),
    "contacts": ("{ contacts { edges { node { name } } } }", lambda w: {}),
    "flags": ("{ flags { name } }", lambda w: {}),
    "fields": ("{ fields { key } }", lambda w: {}),
    "field": ('{ field(key: "age") { key } }', lambda w: {}),
    "job": ("query($id: ID!) { job(id: $id) { status } }", lambda w: {"id": w.job_id}),
    "jobs": ("{ jobs { edges { node { status } } } }", lambda w: {}),
    "groups": ("{ groups { name } }", lambda w: {}),
    "group": ("query($id: ID!) { group(id: $id) { name } }", lambda w: {"id": w.group_id}),
    "parseContactQuery": (
        '{ parseContactQuery(text: "age > 5") { __typename } }',
        lambda w: {},
    ),
    "audience": ('{ audience(input: {query: "name ~ act"}) { __typename } }', lambda w: {}),
    "import": (
        "query($id: ID!) { import(id: $id) { id } }",
        lambda w: {"id": global_id("Import", "00000000-0000-0000-0000-000000000000")},
    ),
    "imports": ("{ imports { edges { node { id } } } }", lambda w: {}),
    "importTemplate": ("{ importTemplate { __typename } }", lambda w: {}),
    "export": (
        "query($id: ID!) { export(id: $id) { id } }",
        lambda w: {"id": global_id("Export", "00000000-0000-0000-0000-000000000000")},
    ),
    "exports": ("{ exports { edges { node { id } } } }", lambda w: {}),
    "audienceSnapshot": (
        "query($id: ID!) { audienceSnapshot(id: $id) { count } }",
        lambda w: {"id": global_id("AudienceSnapshot", "00000000-0000-0000-0000-000000000000")},
    ),
}


def _root_fields(kind: str) -> set[str]:
    schema = build_schema(Settings(database_url="x", redis_url="y"))
    root = schema._schema.mutation_type if kind == "mutation" else schema._schema.query_type
    assert root is not None
    return set(root.fields)


def test_every_query_and_mutation_is_checked_without_a_token() -> None:
    assert _root_fields("query") == set(QUERIES)
    assert _root_fields("mutation") == set(MUTATIONS)


@pytest.mark.parametrize("name", list(QUERIES))
async def test_every_query_needs_a_token(
    client: httpx.AsyncClient, acme: Workspace, name: str
) -> None:
    query, variables = QUERIES[name]
    body = await gql(client, None, query, variables(acme))
    assert error_codes(body) == ["UNAUTHENTICATED"], body
    assert body["data"] in (None, {name: None})  # nullable fields resolve to null


@pytest.mark.parametrize("name", list(MUTATIONS))
async def test_every_mutation_needs_a_token_and_changes_nothing_without_one(
    client: httpx.AsyncClient, acme: Workspace, name: str
) -> None:
    query, variables = MUTATIONS[name]
    before = await workspace_snapshot(acme.admin.workspace)
    body = await gql(client, None, query, variables(acme))
    assert error_codes(body) == ["UNAUTHENTICATED"], body
    assert body["data"] is None
    assert await workspace_snapshot(acme.admin.workspace) == before


def test_every_mutation_of_the_schema_is_checked_against_viewers() -> None:
    assert _root_fields("mutation") == set(MUTATIONS)


@pytest.mark.parametrize("name", list(MUTATIONS))
async def test_a_viewer_cannot_run_any_mutation(
    client: httpx.AsyncClient, acme: Workspace, name: str
) -> None:
    query, variables = MUTATIONS[name]
    before = await workspace_snapshot(acme.admin.workspace)
    body = await gql(client, acme.viewer, query, variables(acme))
    assert error_codes(body) == ["FORBIDDEN"], body
    assert body["data"] is None
    assert await workspace_snapshot(acme.admin.workspace) == before


async def test_a_viewer_can_read_everything(client: httpx.AsyncClient, acme: Workspace) -> None:
    body = await gql(
        client,
        acme.viewer,
        """query($id: ID!, $job: ID!) {
            me { member { role permissions } }
            contacts(first: 10) { totalCount edges { node { name } } }
            contact(id: $id) { name urns { identity } history { edges { node { kind } } } }
            flags { name }
            fields { key }
            job(id: $job) { status }
            jobs { edges { node { kind } } }
        }""",
        {"id": contact_gid(acme.active), "job": acme.job_id},
    )
    assert data_of(body) == {
        "me": {"member": {"role": "VIEWER", "permissions": []}},
        "contacts": {
            "totalCount": 2,
            "edges": [{"node": {"name": "Archived"}}, {"node": {"name": "Active"}}],
        },
        "contact": {
            "name": "Active",
            "urns": [{"identity": "tel:+250788383383"}],
            "history": {"edges": [{"node": {"kind": "CREATED"}}]},
        },
        "flags": [{"name": "VIP"}],
        "fields": [{"key": "age"}],
        "job": {"status": "QUEUED"},
        "jobs": {"edges": [{"node": {"kind": "ARCHIVE_CONTACTS"}}]},
    }


@pytest.mark.parametrize("role", [Role.VIEWER, Role.EDITOR])
async def test_only_admins_manage_members(
    client: httpx.AsyncClient, acme: Workspace, role: Role
) -> None:
    caller = acme.viewer if role is Role.VIEWER else acme.editor
    before = await workspace_snapshot(acme.admin.workspace)
    body = await gql(client, caller, "{ members { name } }")
    assert error_codes(body) == ["FORBIDDEN"]
    query, variables = MUTATIONS["setMemberPermissions"]
    body = await gql(client, caller, query, {"id": str(acme.admin.caller.member.uuid)})
    assert error_codes(body) == ["FORBIDDEN"]
    assert await workspace_snapshot(acme.admin.workspace) == before


# --- switched-off permissions ------------------------------------------------------------------

SET_PERMISSIONS = """
mutation($id: ID!, $disabled: [Permission!]!) {
  setMemberPermissions(memberId: $id, disabled: $disabled) {
    __typename
    ... on MemberPermissionsChanged { member { name disabledPermissions permissions } }
    ... on UserError { message code field }
  }
}
"""


async def switch_off(
    client: httpx.AsyncClient, admin: Session, member: Session, disabled: list[str]
) -> dict[str, Any]:
    body = await gql(
        client,
        admin,
        SET_PERMISSIONS,
        {"id": str(member.caller.member.uuid), "disabled": disabled},
    )
    result: dict[str, Any] = data_of(body)["setMemberPermissions"]
    return result


async def test_admin_lists_members_and_switches_permissions_off(
    client: httpx.AsyncClient, acme: Workspace
) -> None:
    members = data_of(await gql(client, acme.admin, "{ members { name role } }"))["members"]
    assert members == [
        {"name": "Ann", "role": "ADMIN"},
        {"name": "Vic", "role": "VIEWER"},
        {"name": "Ed", "role": "EDITOR"},
    ]
    result = await switch_off(client, acme.admin, acme.editor, ["EXPORT", "DELETE_CONTACTS"])
    assert result == {
        "__typename": "MemberPermissionsChanged",
        "member": {
            "name": "Ed",
            "disabledPermissions": ["DELETE_CONTACTS", "EXPORT"],
            "permissions": ["DELETE_ALL_CONTACTS", "IMPORT", "MANAGE_FIELDS"],
        },
    }
    me = data_of(await gql(client, acme.editor, ME))["me"]["member"]
    assert me["permissions"] == ["DELETE_ALL_CONTACTS", "IMPORT", "MANAGE_FIELDS"]


async def test_set_member_permissions_of_an_unknown_member_is_not_found(
    client: httpx.AsyncClient, acme: Workspace
) -> None:
    for member_id in ("not-a-uuid", "00000000-0000-4000-8000-000000000000"):
        body = await gql(
            client, acme.admin, SET_PERMISSIONS, {"id": member_id, "disabled": ["IMPORT"]}
        )
        assert data_of(body)["setMemberPermissions"] == {
            "__typename": "NotFoundError",
            "message": "No such member.",
            "code": "NOT_FOUND",
            "field": "memberId",
        }


async def test_without_delete_contacts_an_editor_cannot_delete(
    client: httpx.AsyncClient, acme: Workspace
) -> None:
    await switch_off(client, acme.admin, acme.editor, ["DELETE_CONTACTS"])
    before = await workspace_snapshot(acme.admin.workspace)
    for name in ("deleteContact", "deleteContacts"):
        query, variables = MUTATIONS[name]
        body = await gql(client, acme.editor, query, variables(acme))
        assert error_codes(body) == ["FORBIDDEN"], body
        assert [e["message"] for e in body["errors"]] == [
            "Your permission to delete contacts has been switched off by an admin."
        ]
    assert await workspace_snapshot(acme.admin.workspace) == before
    # Other editing still works.
    query, variables = MUTATIONS["archiveContacts"]
    assert data_of(await gql(client, acme.editor, query, variables(acme))) == {
        "archiveContacts": {"__typename": "JobStarted"}
    }


async def test_switching_a_permission_back_on_restores_it(
    client: httpx.AsyncClient, acme: Workspace
) -> None:
    await switch_off(client, acme.admin, acme.editor, ["DELETE_CONTACTS"])
    await switch_off(client, acme.admin, acme.editor, [])
    query, variables = MUTATIONS["deleteContact"]
    body = await gql(client, acme.editor, query, variables(acme))
    assert data_of(body) == {"deleteContact": {"__typename": "ContactDeleted"}}


async def test_delete_all_contacts_needs_its_own_permission(
    client: httpx.AsyncClient, acme: Workspace
) -> None:
    other_admin = await create_session(acme.admin.workspace, name="Al")
    await switch_off(client, acme.admin, other_admin, ["DELETE_ALL_CONTACTS"])
    before = await workspace_snapshot(acme.admin.workspace)
    query, variables = MUTATIONS["deleteAllContacts"]
    body = await gql(client, other_admin, query, variables(acme))
    assert error_codes(body) == ["FORBIDDEN"]
    assert await workspace_snapshot(acme.admin.workspace) == before
    # Deleting selected contacts is a different permission and still works.
    query, variables = MUTATIONS["deleteContacts"]
    assert data_of(await gql(client, other_admin, query, variables(acme))) == {
        "deleteContacts": {"__typename": "JobStarted"}
    }


async def test_an_editor_with_the_permission_deletes_an_archived_contact(
    client: httpx.AsyncClient, acme: Workspace
) -> None:
    query, variables = MUTATIONS["deleteContact"]
    body = await gql(client, acme.editor, query, variables(acme))
    assert data_of(body) == {"deleteContact": {"__typename": "ContactDeleted"}}
    missing = global_id("Contact", acme.archived.uuid)
    assert data_of(
        await gql(
            client, acme.editor, "query($id: ID!) { contact(id: $id) { id } }", {"id": missing}
        )
    ) == {"contact": None}
