from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from typing import Any

from core.settings import get_settings
from core.sql import sql
from core.sqlbuilder import Params
from services.access.caller import Caller
from services.contacts import statements
from services.contacts.filters import ContactFilter, filter_sql, resolve_search, search_count_sql
from services.contacts.records import ContactRecord
from services.errors import InvalidInput
from services.fields.definitions import get_field
from services.fields.sorting import field_sort_key
from services.keyset import Page, PageRequest, SortKey, paginate


class ContactOrder(StrEnum):
    NAME = "name"
    CREATED_ON = "created_on"
    MODIFIED_ON = "modified_on"
    LAST_SEEN_ON = "last_seen_on"


SORT_KEYS = {
    ContactOrder.NAME: SortKey("lower(c.name)", "text", nullable=True),
    ContactOrder.CREATED_ON: SortKey("c.created_on", "timestamptz", nullable=False),
    ContactOrder.MODIFIED_ON: SortKey("c.modified_on", "timestamptz", nullable=False),
    ContactOrder.LAST_SEEN_ON: SortKey("c.last_seen_on", "timestamptz", nullable=True),
}


async def list_contacts(
    caller: Caller,
    flt: ContactFilter,
    *,
    order: ContactOrder = ContactOrder.CREATED_ON,
    field_key: str | None = None,
    descending: bool = True,
    page: PageRequest,
) -> Page[ContactRecord]:
    key = SORT_KEYS[order]
    if field_key is not None:
        definition = await get_field(caller.workspace_id, field_key)
        if definition is None:
            raise InvalidInput(f'No field with key "{field_key}" to order by.', field="fieldKey")
        key = field_sort_key(definition)
    flt = await resolve_search(caller.workspace_id, flt)
    params = Params()
    where = filter_sql(caller.workspace_id, flt, params)

    async def fetch(clause: str, order_by: str, values: list[Any], limit: int) -> Sequence[Any]:
        return await sql().fetch(
            statements.contacts_page(key.expr, clause, order_by, limit), *values
        )

    result = await paginate(
        key=key,
        descending=descending,
        request=page,
        where=where,
        params=params,
        fetch=fetch,
        max_size=get_settings().max_page_size,
    )
    return Page(
        items=[ContactRecord.from_row(r) for r in result.items],
        cursors=result.cursors,
        has_next=result.has_next,
        has_previous=result.has_previous,
    )


async def count_contacts(caller: Caller, flt: ContactFilter) -> int:
    narrow = search_count_sql(caller.workspace_id, flt)
    if narrow is not None:
        found: int = await sql().fetchval(narrow[0], *narrow[1])
        return found
    flt = await resolve_search(caller.workspace_id, flt)
    params = Params()
    where = filter_sql(caller.workspace_id, flt, params)
    count: int = await sql().fetchval(statements.count_contacts(where), *params.values)
    return count
