from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from api.context import Context
from api.errors import InvalidStateError, NotFoundError, ValidationError
from api.relay import global_id
from api.selection.filters import contact_uuid
from services.editing import contacts


@strawberry.type
class ContactDeleted:
    deleted_id: strawberry.ID


DeleteContactResult = Annotated[
    ContactDeleted | NotFoundError | InvalidStateError | ValidationError,
    strawberry.union("DeleteContactResult"),
]


@strawberry.mutation(description="Deletes an archived contact for good.")
async def delete_contact(info: Info[Context, None], id: strawberry.ID) -> DeleteContactResult:
    uuid = contact_uuid(id)
    await contacts.delete_contact(info.context.caller, uuid)
    return ContactDeleted(deleted_id=global_id("Contact", uuid))
