"""Plain async helpers that build data through the services, the way the API would."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx

from models import Workspace
from models.enums import ContactStatus, DateFormat, Role
from services.access import workspaces
from services.access.caller import Caller
from services.access.tokens import issue_token
from services.contacts.records import ContactRecord
from services.editing import contacts


@dataclass(frozen=True)
class Session:
    """A workspace member with a token, able to call the API."""

    caller: Caller
    token: str

    @property
    def workspace(self) -> Workspace:
        return self.caller.workspace

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


async def create_workspace(
    name: str = "Acme",
    *,
    country: str = "RW",
    timezone: str = "Africa/Kigali",
    date_format: DateFormat = DateFormat.DAY_FIRST,
) -> Workspace:
    return await workspaces.create_workspace(
        name=name, country=country, timezone=timezone, date_format=date_format
    )


async def create_session(
    workspace: Workspace | None = None, *, role: Role = Role.ADMIN, name: str = "Ann"
) -> Session:
    workspace = workspace or await create_workspace()
    issued = await issue_token(workspace=workspace, role=role, member_name=name)
    return Session(Caller(workspace=workspace, member=issued.member), issued.token)


async def create_contact(
    session: Session,
    name: str | None = "Bob",
    *,
    urns: Sequence[str] = (),
    flags: Sequence[str] = (),
    status: ContactStatus = ContactStatus.ACTIVE,
    **attributes: Any,
) -> ContactRecord:
    draft = contacts.ContactDraft(name=name, urns=urns, flags=flags, status=status, **attributes)
    return await contacts.create_contact(session.caller, draft)


async def gql(
    client: httpx.AsyncClient,
    session: Session | None,
    query: str,
    variables: dict[str, Any] | None = None,
) -> dict[str, Any]:
    response = await client.post(
        "/graphql",
        json={"query": query, "variables": variables or {}},
        headers=session.headers if session else {},
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def gql_call(
    client: httpx.AsyncClient, session: Session, query: str, **variables: Any
) -> dict[str, Any]:
    """`gql` with the variables as keywords."""
    return await gql(client, session, query, variables)


def global_id(type_name: str, uuid: object) -> str:
    from strawberry.relay import GlobalID

    return str(GlobalID(type_name, str(uuid)))


# --- Helpers for the requirement suites -------------------------------------------------------


def contact_gid(contact: ContactRecord) -> str:
    """The global ID clients use for a contact."""
    return global_id("Contact", contact.uuid)


def data_of(body: dict[str, Any]) -> dict[str, Any]:
    """The `data` of a response that must have no top-level errors."""
    assert "errors" not in body, body
    data: dict[str, Any] = body["data"]
    return data


def error_codes(body: dict[str, Any]) -> list[str | None]:
    """`extensions.code` of every top-level error (None where an error has no code)."""
    return [(e.get("extensions") or {}).get("code") for e in body.get("errors", [])]


async def create_group(
    workspace: Workspace, name: str, members: Sequence[ContactRecord] = ()
) -> int:
    """A manual group holding `members`, with its maintained count set; returns its id."""
    import uuid as uuidlib

    from core.sql import sql

    group_id: int = await sql().fetchval(
        """
        INSERT INTO contact_group (workspace_id, uuid, name, kind, member_count)
        VALUES ($1, $2, $3, 'manual', $4) RETURNING id
        """,
        workspace.id,
        uuidlib.uuid4(),
        name,
        len(members),
    )
    await sql().execute(
        """
        INSERT INTO group_contact (workspace_id, group_id, contact_id)
        SELECT $1, $2, c FROM unnest($3::bigint[]) AS c
        """,
        workspace.id,
        group_id,
        [m.id for m in members],
    )
    return group_id


async def fill_groups(workspace: Workspace, count: int) -> None:
    """`count` empty manual groups named "Group 1", "Group 2", ..."""
    from core.sql import sql

    await sql().execute(
        """
        INSERT INTO contact_group (workspace_id, uuid, name, kind, status)
        SELECT $1, gen_random_uuid(), 'Group ' || i, 'manual', 'ready'
        FROM generate_series(1, $2) AS i
        """,
        workspace.id,
        count,
    )


@dataclass(frozen=True)
class GroupState:
    member_count: int
    contact_ids: frozenset[int]


async def group_state(group_id: int) -> GroupState:
    """The group's maintained count next to the contacts actually in it."""
    from core.sql import sql

    count = await sql().fetchval("SELECT member_count FROM contact_group WHERE id = $1", group_id)
    rows = await sql().fetch("SELECT contact_id FROM group_contact WHERE group_id = $1", group_id)
    return GroupState(count, frozenset(r["contact_id"] for r in rows))


async def contact_statuses(workspace: Workspace) -> dict[int, str]:
    """Every contact of the workspace, id → status."""
    from core.sql import sql

    rows = await sql().fetch(
        "SELECT id, status FROM contact WHERE workspace_id = $1 ORDER BY id", workspace.id
    )
    return {r["id"]: r["status"] for r in rows}


async def event_rows(contact: ContactRecord) -> list[dict[str, Any]]:
    """The contact's history rows straight from `contact_event`, oldest first."""
    import json

    from core.sql import sql

    rows = await sql().fetch(
        """
        SELECT kind, data, actor_kind, member_id, job_id FROM contact_event
        WHERE contact_id = $1 ORDER BY id
        """,
        contact.id,
    )
    return [{**dict(r), "data": json.loads(r["data"])} for r in rows]


async def workspace_snapshot(workspace: Workspace) -> dict[str, Any]:
    """Everything a mutation could change in a workspace, to prove that nothing did."""
    from core.sql import sql

    tables = {
        "contacts": "SELECT id, uuid, name, language, status, company, job_title, country, state,"
        " notes, modified_on FROM contact WHERE workspace_id = $1 ORDER BY id",
        "urns": "SELECT contact_id, scheme, path, priority FROM contact_urn"
        " WHERE workspace_id = $1 ORDER BY id",
        "flags": "SELECT id, name FROM flag WHERE workspace_id = $1 ORDER BY id",
        "contact_flags": "SELECT contact_id, flag_id FROM contact_flag"
        " WHERE workspace_id = $1 ORDER BY contact_id, flag_id",
        "events": "SELECT id FROM contact_event WHERE workspace_id = $1 ORDER BY id",
        "jobs": "SELECT id, status, cancel_requested FROM job WHERE workspace_id = $1 ORDER BY id",
        "members": "SELECT id, role, disabled_permissions FROM member"
        " WHERE workspace_id = $1 ORDER BY id",
        "fields": "SELECT id, key, name, value_type, featured, position FROM contact_field"
        " WHERE workspace_id = $1 ORDER BY id",
        "contact_field_values": "SELECT id, fields FROM contact"
        " WHERE workspace_id = $1 ORDER BY id",
        "usages": "SELECT id, consumer_kind, consumer_ref, field_id, group_id FROM usage"
        " WHERE workspace_id = $1 ORDER BY id",
        "groups": "SELECT id, name, kind, query, status, member_count FROM contact_group"
        " WHERE workspace_id = $1 ORDER BY id",
        "group_members": "SELECT group_id, contact_id FROM group_contact"
        " WHERE workspace_id = $1 ORDER BY group_id, contact_id",
        "snapshots": "SELECT id FROM audience_snapshot WHERE workspace_id = $1 ORDER BY id",
    }
    return {
        name: [tuple(r) for r in await sql().fetch(query, workspace.id)]
        for name, query in tables.items()
    }


ASYNCPG_INTROSPECTION = ("typeinfo_tree", "current_setting('jit')", "set_config('jit'")


def app_statements(counter: Any) -> list[str]:
    """The statements of a `count_queries` counter minus asyncpg's own type introspection,
    which runs once per pooled connection the first time it meets a type."""
    return [s for s in counter.statements if not any(mark in s for mark in ASYNCPG_INTROSPECTION)]


def assert_same_statement_count(one: Any, many: Any) -> None:
    """Guard against N+1: the many-item request costs what the one-item request costs."""
    few, lots = app_statements(one), app_statements(many)
    assert len(lots) == len(few), "\n---\n".join([*lots, "====== vs one item:", *few])


def job_uuid(job_gid: str) -> str:
    """The job's UUID (arq's job ID) from its global ID."""
    from strawberry.relay import GlobalID

    return GlobalID.from_id(job_gid).node_id


async def run_one_chunk(job_uuid: str, *, chunk_size: int) -> Any:
    """What one worker step does for a contact job: apply and checkpoint one chunk, as if the
    worker then died. Returns the final status when there was nothing left to do."""
    import json

    from core.sql import sql
    from models import Workspace
    from models.enums import JobKind
    from services.dispatch.handlers import HANDLERS
    from services.dispatch.runner import run_chunk
    from services.jobs.context import JobContext

    row = await sql().fetchrow(
        "SELECT id, workspace_id, created_by_id, kind, params FROM job WHERE uuid = $1",
        job_uuid,
    )
    assert row is not None, f"no job {job_uuid}"
    workspace = await Workspace.get(id=row["workspace_id"])
    context = JobContext(row["id"], workspace, row["created_by_id"], json.loads(row["params"]))
    return await run_chunk(context, HANDLERS[JobKind(row["kind"])], chunk_size)


# --- Helpers for fields, groups, queries and audiences ----------------------------------------


async def define_field(
    session: Session,
    name: str,
    value_type: Any = None,
    *,
    key: str | None = None,
    featured: bool = False,
) -> Any:
    """A custom field made through the service (TEXT unless told); returns its definition."""
    from models.enums import FieldType
    from services.fields import definitions as fields

    return await fields.create_field(
        session.caller,
        name=name,
        value_type=value_type or FieldType.TEXT,
        key=key,
        featured=featured,
    )


async def define_field_with_reserved_key(session: Session, name: str) -> Any:
    """A TEXT field whose key is now reserved (an address scheme, say), as a workspace may hold
    from before the key was reserved."""
    from unittest.mock import patch

    with patch("services.fields.definitions.check_field_key", lambda key: key):
        return await define_field(session, name)


async def group_counts(workspace: Workspace) -> dict[str, tuple[int, int]]:
    """Every group of the workspace, name → (maintained member_count, rows in group_contact)."""
    from core.sql import sql

    rows = await sql().fetch(
        """
        SELECT g.name, g.member_count,
               (SELECT count(*) FROM group_contact gc WHERE gc.group_id = g.id) AS actual
        FROM contact_group g WHERE g.workspace_id = $1 ORDER BY g.id
        """,
        workspace.id,
    )
    return {r["name"]: (r["member_count"], r["actual"]) for r in rows}


async def assert_group_counts_exact(workspace: Workspace) -> None:
    counts = await group_counts(workspace)
    wrong = {name: pair for name, pair in counts.items() if pair[0] != pair[1]}
    assert not wrong, f"maintained count != rows in group_contact: {wrong}"


async def member_names(group_uuid: object) -> list[str | None]:
    """Names of a group's members (by group UUID), sorted; straight from `group_contact`."""
    from core.sql import sql

    rows = await sql().fetch(
        """
        SELECT c.name FROM group_contact gc
        JOIN contact_group g ON g.id = gc.group_id JOIN contact c ON c.id = gc.contact_id
        WHERE g.uuid = $1 ORDER BY c.name
        """,
        group_uuid,
    )
    return [r["name"] for r in rows]


async def set_anonymous(workspace: Workspace, anonymous: bool = True) -> None:
    """Switch a workspace's anonymous mode (addresses hidden) in the database."""
    from core.sql import sql

    await sql().execute(
        "UPDATE workspace SET anonymous = $2 WHERE id = $1", workspace.id, anonymous
    )
    workspace.anonymous = anonymous


async def evaluation_job_uuid(group_uuid: object) -> str:
    """The UUID of the newest evaluation job of a smart group."""
    from core.sql import sql

    value = await sql().fetchval(
        """
        SELECT j.uuid FROM job j JOIN contact_group g ON g.id = (j.params->>'group_id')::bigint
        WHERE g.uuid = $1 AND j.kind = 'evaluate_group' ORDER BY j.id DESC LIMIT 1
        """,
        group_uuid,
    )
    assert value is not None, f"no evaluation job for group {group_uuid}"
    return str(value)


T = TypeVar("T")


async def while_archiving(
    session: Session, contact_id: int, work: Callable[[], Awaitable[T]], *, settle: float
) -> T:
    """Runs `work` while another transaction has archived the contact (and taken it out of its
    groups) without committing; that transaction commits `settle` seconds after `work` starts,
    so `work` must wait for it rather than read past it. Returns what `work` returns."""
    from core.sql import transaction
    from services.groups.membership import leave_all_groups

    archiving, release = asyncio.Event(), asyncio.Event()

    async def archive() -> None:
        async with transaction() as tx:
            await tx.execute("UPDATE contact SET status = 'archived' WHERE id = $1", contact_id)
            await leave_all_groups(tx, workspace_id=session.workspace.id, contact_ids=[contact_id])
            archiving.set()
            await release.wait()

    archiver = asyncio.create_task(archive())
    await archiving.wait()
    working = asyncio.create_task(work())
    await asyncio.sleep(settle)
    release.set()
    await archiver
    return await working
