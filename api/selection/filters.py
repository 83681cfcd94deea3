from __future__ import annotations

from uuid import UUID

import strawberry

from api.relay import node_uuid, require_node_uuid
from api.selection.inputs import ContactFilterInput, ContactSelectionInput
from query.errors import QueryError
from services.access.caller import Caller
from services.contacts.filters import ContactFilter
from services.contacts.query_env import read_query
from services.contacts.selection import ContactSelection
from services.errors import InvalidInput, InvalidQuery
from services.flags.definitions import flag_ids_for_filter
from services.groups.definitions import group_ids_for_filter

NO_FLAG = -1  # a flag id that never exists, so an unknown flag name matches nobody


def contact_uuid(global_id: strawberry.ID, *, field: str = "id") -> UUID:
    return require_node_uuid(
        global_id,
        "Contact",
        field=field,
        message=f"{global_id} is not a contact ID.",
        error=InvalidInput,
    )


async def to_filter(caller: Caller, flt: ContactFilterInput | None) -> ContactFilter:
    if flt is None:
        return ContactFilter()
    any_ids: list[int] = []
    all_ids: list[int] = []
    if flt.flags_any:
        any_ids = [i for i in await flag_ids_for_filter(caller, flt.flags_any) if i is not None]
        any_ids = any_ids or [NO_FLAG]
    if flt.flags_all:
        all_ids = [i or NO_FLAG for i in await flag_ids_for_filter(caller, flt.flags_all)]
    group_ids: list[int] = []
    if flt.groups:
        group_ids = await group_ids_for_filter(caller, [node_uuid(g, "Group") for g in flt.groups])
        group_ids = group_ids or [NO_FLAG]
    parsed = None
    if flt.query is not None and flt.query.strip():
        try:
            parsed = await read_query(caller.workspace, flt.query)
        except QueryError as exc:
            raise InvalidQuery(exc.code.value, exc.message, exc.extra) from exc
    return ContactFilter(
        statuses=flt.status or (),
        any_flag_ids=any_ids,
        all_flag_ids=all_ids,
        group_ids=group_ids,
        search=flt.search,
        query=parsed,
    )


async def to_selection(caller: Caller, selection: ContactSelectionInput) -> ContactSelection:
    if (selection.ids is None) == (selection.filter is None):
        raise InvalidInput("Give either `ids` or `filter`, not both or neither.", field="selection")
    if selection.ids is not None:
        return ContactSelection(uuids=[contact_uuid(i, field="ids") for i in selection.ids])
    return ContactSelection(filter=await to_filter(caller, selection.filter))
