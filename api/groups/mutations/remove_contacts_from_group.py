from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from api.context import Context
from api.errors import InvalidStateError, NotFoundError, ValidationError
from api.groups.types import Group, GroupSaved
from api.relay import require_node_uuid
from api.selection.filters import contact_uuid
from services.groups import members

RemoveContactsFromGroupResult = Annotated[
    GroupSaved | NotFoundError | InvalidStateError | ValidationError,
    strawberry.union("RemoveContactsFromGroupResult"),
]


@strawberry.mutation
async def remove_contacts_from_group(
    info: Info[Context, None], group_id: strawberry.ID, contact_ids: list[strawberry.ID]
) -> RemoveContactsFromGroupResult:
    contact_uuids = [contact_uuid(c, field="contactIds") for c in contact_ids]
    group_uuid = require_node_uuid(group_id, "Group", field="groupId")
    record = await members.remove_contacts(info.context.caller, group_uuid, contact_uuids)
    return GroupSaved(group=Group.from_record(record))
