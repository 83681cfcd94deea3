"""services.editing.selection_jobs: who may archive, restore and delete a selection."""

from __future__ import annotations

import pytest

from models.enums import ContactStatus, JobKind, Permission, Role
from services.contacts.selection import ContactSelection
from services.editing import selection_jobs
from services.errors import PermissionDenied
from tests.factories import create_contact, create_session, workspace_snapshot


async def test_a_viewer_cannot_start_any_of_them() -> None:
    admin = await create_session()
    viewer = await create_session(admin.workspace, role=Role.VIEWER)
    ann = await create_contact(admin, "Ann", status=ContactStatus.ARCHIVED)
    selection = ContactSelection(uuids=[ann.uuid])
    before = await workspace_snapshot(admin.workspace)
    for start in (
        selection_jobs.archive_contacts,
        selection_jobs.restore_contacts,
        selection_jobs.delete_contacts,
    ):
        with pytest.raises(PermissionDenied):
            await start(viewer.caller, selection)
    assert await workspace_snapshot(admin.workspace) == before


async def test_deleting_needs_the_delete_contacts_permission_archiving_does_not() -> None:
    admin = await create_session()
    editor = await create_session(admin.workspace, role=Role.EDITOR, name="Ed")
    editor.caller.member.disabled_permissions = [Permission.DELETE_CONTACTS.value]
    ann = await create_contact(admin, "Ann", status=ContactStatus.ARCHIVED)
    selection = ContactSelection(uuids=[ann.uuid])
    before = await workspace_snapshot(admin.workspace)
    with pytest.raises(PermissionDenied, match="delete contacts has been switched off"):
        await selection_jobs.delete_contacts(editor.caller, selection)
    assert await workspace_snapshot(admin.workspace) == before
    job = await selection_jobs.restore_contacts(editor.caller, selection)
    assert (job.kind, job.progress_total) == (JobKind.RESTORE_CONTACTS, 1)
