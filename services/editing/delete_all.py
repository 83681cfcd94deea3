from __future__ import annotations

from models import Job
from models.enums import JobKind, Permission
from services.access.caller import Caller
from services.contacts.bulk_jobs import start_contact_job
from services.contacts.selection import ContactSelection
from services.errors import ConfirmationMismatch


def delete_all_phrase(workspace_name: str) -> str:
    return f"delete all contacts in {workspace_name}"


async def delete_all_contacts(caller: Caller, *, confirmation: str) -> Job:
    """Irreversible, so it needs its own permission and the caller typing a phrase."""
    caller.require(Permission.DELETE_ALL_CONTACTS)
    expected = delete_all_phrase(caller.workspace.name)
    if confirmation.strip() != expected:
        raise ConfirmationMismatch(
            f'To delete every contact, type exactly: "{expected}".', field="confirmation"
        )
    return await start_contact_job(caller, JobKind.DELETE_ALL_CONTACTS, ContactSelection())
