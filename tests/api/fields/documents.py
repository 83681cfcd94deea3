"""GraphQL documents and helpers shared by the tests of the fields API."""

from __future__ import annotations

from typing import Any

import httpx

from tests.factories import Session, data_of, gql

FIELD = "key name valueType featured position"
ERROR = "... on UserError { message code field }"

CREATE_FIELD = f"""
mutation($input: CreateFieldInput!) {{
  createField(input: $input) {{
    __typename ... on FieldCreated {{ contactField {{ {FIELD} }} }} {ERROR}
  }}
}}
"""
UPDATE_FIELD = f"""
mutation($key: String!, $input: UpdateFieldInput!) {{
  updateField(key: $key, input: $input) {{
    __typename ... on FieldUpdated {{ contactField {{ {FIELD} }} }} {ERROR}
  }}
}}
"""
REORDER = f"""
mutation($keys: [String!]!) {{
  reorderFeaturedFields(keys: $keys) {{
    __typename ... on FeaturedFieldsReordered {{ fields {{ key position }} }} {ERROR}
  }}
}}
"""
CHANGE_TYPE = f"""
mutation($key: String!, $type: FieldValueType!, $dry: Boolean!) {{
  changeFieldType(key: $key, valueType: $type, dryRun: $dry) {{
    __typename
    ... on FieldTypeChanged {{ converted notConverted dryRun contactField {{ valueType }} }}
    {ERROR}
  }}
}}
"""
DELETE_FIELD = f"""
mutation($key: String!, $ack: Boolean!) {{
  deleteField(key: $key, acknowledgeUsages: $ack) {{
    __typename
    ... on FieldDeleted {{ key valuesRemoved }}
    ... on FieldInUseError {{ usages {{ kind ref name }} }}
    {ERROR}
  }}
}}
"""
REGISTER = f"""
mutation($consumer: ConsumerInput!, $keys: [String!]!) {{
  registerFieldUsages(consumer: $consumer, keys: $keys) {{
    __typename ... on FieldUsagesRegistered {{ consumer {{ kind ref name }} keys }} {ERROR}
  }}
}}
"""
UNREGISTER = """
mutation($consumer: ConsumerInput!) {
  unregisterFieldUsages(consumer: $consumer) {
    ... on FieldUsagesUnregistered { consumer { kind ref name } removed }
  }
}
"""
USAGES = """
query($key: String!) {
  field(key: $key) {
    usages {
      smartGroups { kind name } pendingImports { name } consumers { kind ref name } contactCount
    }
  }
}
"""
CREATE_CONTACT = f"""
mutation($input: CreateContactInput!) {{
  createContact(input: $input) {{
    __typename
    ... on ContactCreated {{ contact {{ id fields {{ field {{ key }} text number datetime }} }} }}
    {ERROR}
  }}
}}
"""
UPDATE_CONTACT = f"""
mutation($id: ID!, $fields: JSON) {{
  updateContact(input: {{id: $id, fields: $fields}}) {{
    __typename
    ... on ContactUpdated {{ contact {{ fields {{ field {{ key }} text number datetime }} }} }}
    {ERROR}
  }}
}}
"""


async def ask(
    client: httpx.AsyncClient, session: Session, query: str, **variables: Any
) -> dict[str, Any]:
    return data_of(await gql(client, session, query, variables))


async def create_field(client: httpx.AsyncClient, session: Session, **input: Any) -> Any:
    return (await ask(client, session, CREATE_FIELD, input=input))["createField"]


async def field_keys(
    client: httpx.AsyncClient, session: Session, featured: bool | None = None
) -> list[tuple[str, int | None]]:
    body = await ask(
        client,
        session,
        "query($f: Boolean) { fields(featured: $f) { key position } }",
        f=featured,
    )
    return [(f["key"], f["position"]) for f in body["fields"]]
