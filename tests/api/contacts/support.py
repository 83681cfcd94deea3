"""Documents and helpers shared by the tests of the contacts domain's API."""

from __future__ import annotations

from typing import Any

import httpx

from tests.factories import Session, data_of, gql

CONTACT_FIELDS = """
    id name language status company jobTitle country state notes source
    createdOn modifiedOn lastSeenOn
    urns { identity priority }
    flags { name }
"""

CREATE = f"""
mutation($input: CreateContactInput!) {{
  createContact(input: $input) {{
    __typename
    ... on ContactCreated {{ contact {{ {CONTACT_FIELDS} }} }}
    ... on UserError {{ message code field }}
    ... on DuplicateURNError {{ urn existingContactId }}
  }}
}}
"""

UPDATE = f"""
mutation($input: UpdateContactInput!) {{
  updateContact(input: $input) {{
    __typename
    ... on ContactUpdated {{ contact {{ {CONTACT_FIELDS} }} }}
    ... on UserError {{ message code field }}
    ... on DuplicateURNError {{ urn existingContactId }}
  }}
}}
"""

CONTACT = f"query($id: ID!) {{ contact(id: $id) {{ {CONTACT_FIELDS} }} }}"

LIST = """
query($filter: ContactFilterInput) {
  contacts(filter: $filter, first: 100) { totalCount edges { node { name } } }
}
"""


async def create(client: httpx.AsyncClient, session: Session, **values: Any) -> dict[str, Any]:
    result: dict[str, Any] = data_of(await gql(client, session, CREATE, {"input": values}))[
        "createContact"
    ]
    return result


async def update(
    client: httpx.AsyncClient, session: Session, contact_id: str, **values: Any
) -> dict[str, Any]:
    result: dict[str, Any] = data_of(
        await gql(client, session, UPDATE, {"input": {"id": contact_id, **values}})
    )["updateContact"]
    return result


async def names_matching(
    client: httpx.AsyncClient, session: Session, **flt: Any
) -> tuple[int, list[str]]:
    conn = data_of(await gql(client, session, LIST, {"filter": flt}))["contacts"]
    return conn["totalCount"], sorted(e["node"]["name"] for e in conn["edges"])


FLAGS = "{ flags { id name } }"
