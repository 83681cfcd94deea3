"""Archiving, restoring and deleting selected contacts: each is a job over the selection."""

from __future__ import annotations

from models import Job
from models.enums import JobKind, Permission
from services.access.caller import Caller
from services.contacts.bulk_jobs import start_contact_job
from services.contacts.selection import ContactSelection


async def archive_contacts(caller: Caller, selection: ContactSelection) -> Job:
    caller.require_editor()
    return await start_contact_job(caller, JobKind.ARCHIVE_CONTACTS, selection)


async def restore_contacts(caller: Caller, selection: ContactSelection) -> Job:
    caller.require_editor()
    return await start_contact_job(caller, JobKind.RESTORE_CONTACTS, selection)


async def delete_contacts(caller: Caller, selection: ContactSelection) -> Job:
    """Only the archived contacts of the selection are deleted."""
    caller.require(Permission.DELETE_CONTACTS)
    return await start_contact_job(caller, JobKind.DELETE_CONTACTS, selection)
