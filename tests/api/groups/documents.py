"""GraphQL documents and helpers shared by the tests of the groups API."""

from __future__ import annotations

from typing import Any

import httpx

from models.enums import FieldType
from services.contacts.records import ContactRecord
from tests.conftest import RunWorker
from tests.factories import (
    Session,
    contact_gid,
    create_contact,
    data_of,
    define_field,
    gql,
    member_names,
)

GROUP = "id name kind query status memberCount"
ERROR = "... on UserError { message code field }"

CREATE = f"""
mutation($input: GroupInput!) {{
  createGroup(input: $input) {{
    __typename
    ... on GroupSaved {{ group {{ {GROUP} }} }}
    ... on QueryError {{ queryCode extra }}
    {ERROR}
  }}
}}
"""
UPDATE = f"""
mutation($id: ID!, $input: GroupInput!) {{
  updateGroup(id: $id, input: $input) {{
    __typename
    ... on GroupSaved {{ group {{ {GROUP} }} }}
    ... on QueryError {{ queryCode extra }}
    {ERROR}
  }}
}}
"""
DELETE = f"""
mutation($id: ID!, $ack: Boolean!) {{
  deleteGroup(id: $id, acknowledgeUsages: $ack) {{
    __typename
    ... on GroupDeleted {{ deletedId }}
    ... on GroupInUseError {{ usages {{ kind ref name }} }}
    {ERROR}
  }}
}}
"""
ADD_FEW = f"""
mutation($g: ID!, $c: [ID!]!) {{
  addContactsToGroup(groupId: $g, contactIds: $c) {{
    __typename ... on GroupSaved {{ group {{ memberCount }} }} {ERROR}
  }}
}}
"""
REMOVE_FEW = f"""
mutation($g: ID!, $c: [ID!]!) {{
  removeContactsFromGroup(groupId: $g, contactIds: $c) {{
    __typename ... on GroupSaved {{ group {{ memberCount }} }} {ERROR}
  }}
}}
"""
JOB = "job { id kind status progress { done total } changedCount skippedCount }"


def group_job(mutation: str) -> str:
    return f"""
    mutation($g: ID!, $ids: [ID!], $filter: ContactFilterInput) {{
      {mutation}(groupId: $g, selection: {{ids: $ids, filter: $filter}}) {{
        __typename ... on JobStarted {{ {JOB} }} {ERROR}
      }}
    }}
    """


def flag_job(mutation: str) -> str:
    return f"""
    mutation($flags: [String!]!, $ids: [ID!]) {{
      {mutation}(flags: $flags, selection: {{ids: $ids}}) {{
        __typename ... on JobStarted {{ {JOB} }} {ERROR}
      }}
    }}
    """


def status_job(mutation: str) -> str:
    return f"""
    mutation($ids: [ID!]) {{
      {mutation}(selection: {{ids: $ids}}) {{ __typename ... on JobStarted {{ {JOB} }} }}
    }}
    """


READ_GROUP = f"query($id: ID!) {{ group(id: $id) {{ {GROUP} }} }}"
REGISTER = f"""
mutation($consumer: ConsumerInput!, $groups: [ID!]!) {{
  registerGroupUsages(consumer: $consumer, groups: $groups) {{
    __typename
    ... on GroupUsagesRegistered {{ consumer {{ kind ref name }} groups {{ name }} }}
    {ERROR}
  }}
}}
"""


async def ask(
    client: httpx.AsyncClient, session: Session, query: str, **variables: Any
) -> dict[str, Any]:
    return data_of(await gql(client, session, query, variables))


async def create_group(
    client: httpx.AsyncClient, session: Session, name: str, query: str | None = None
) -> dict[str, Any]:
    result: dict[str, Any] = (
        await ask(client, session, CREATE, input={"name": name, "query": query})
    )["createGroup"]
    return result


async def ready_group(
    client: httpx.AsyncClient, session: Session, run_worker: RunWorker, name: str, query: str
) -> dict[str, Any]:
    created = await create_group(client, session, name, query)
    assert created["__typename"] == "GroupSaved", created
    await run_worker()
    return await read_group(client, session, created["group"]["id"])


async def read_group(client: httpx.AsyncClient, session: Session, group_id: str) -> dict[str, Any]:
    group: dict[str, Any] = (await ask(client, session, READ_GROUP, id=group_id))["group"]
    return group


def uuid_of(group: dict[str, Any]) -> str:
    from strawberry.relay import GlobalID

    return GlobalID.from_id(group["id"]).node_id


async def members(group: dict[str, Any]) -> list[str | None]:
    return await member_names(uuid_of(group))


async def update_contact(
    client: httpx.AsyncClient, session: Session, contact: ContactRecord, **input: Any
) -> None:
    body = await ask(
        client,
        session,
        "mutation($input: UpdateContactInput!) { updateContact(input: $input) "
        f"{{ __typename {ERROR} }} }}",
        input={"id": contact_gid(contact), **input},
    )
    assert body["updateContact"]["__typename"] == "ContactUpdated", body


async def people_with_ages(session: Session, ages: dict[str, int | None]) -> dict[str, Any]:
    await define_field(session, "Age", FieldType.NUMBER)
    return {
        name: await create_contact(session, name, fields={"age": str(age)} if age else {})
        for name, age in ages.items()
    }
