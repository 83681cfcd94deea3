"""services.editing.contacts: the rules for single contacts, below the API."""

from __future__ import annotations

import asyncio

import pytest

from core.sql import sql
from models.enums import ContactStatus, FieldType, Permission, Role
from services.editing import contacts
from services.editing.contacts import ContactDraft, ContactPatch
from services.errors import DuplicateURN, InvalidInput, InvalidState, NotFound, PermissionDenied
from tests.factories import (
    GroupState,
    contact_statuses,
    create_contact,
    create_group,
    create_session,
    define_field,
    event_rows,
    group_state,
    workspace_snapshot,
)


async def test_create_contact_cleans_every_attribute() -> None:
    session = await create_session()
    record = await contacts.create_contact(
        session.caller,
        ContactDraft(
            name=" Ann \t Smith ",
            language=" FRA ",
            company="  Acme  ",
            job_title="Chief  Buyer",
            country=" rw ",
            state="",
            notes="  line one\n  line two  ",
        ),
    )
    assert (
        record.name,
        record.language,
        record.company,
        record.job_title,
        record.country,
        record.state,
        record.notes,
        record.status,
    ) == (
        "Ann Smith",
        "fra",
        "Acme",
        "Chief Buyer",
        "RW",
        None,
        "line one\n  line two",
        ContactStatus.ACTIVE,
    )
    assert record == await contacts.get_contact(session.caller, record.uuid)


async def test_duplicate_urn_carries_the_address_and_its_owner() -> None:
    session = await create_session()
    ann = await create_contact(session, "Ann", urns=["whatsapp:250788383383"])
    with pytest.raises(DuplicateURN) as caught:
        await create_contact(session, "Bob", urns=["whatsapp:+250 788 383 383"])
    assert (caught.value.urn, caught.value.contact_uuid, caught.value.field) == (
        "whatsapp:250788383383",
        str(ann.uuid),
        "urns",
    )


async def test_nameless_owner_is_named_as_another_contact() -> None:
    session = await create_session()
    owner = await create_contact(session, None, urns=["mailto:x@example.com"])
    with pytest.raises(DuplicateURN) as caught:
        await create_contact(session, "Bob", urns=["mailto:X@Example.com"])
    assert caught.value.message == (
        f"mailto:x@example.com already belongs to another contact ({owner.uuid})."
    )


async def test_two_racing_creates_with_one_address_make_exactly_one_contact() -> None:
    session = await create_session()
    results = await asyncio.gather(
        create_contact(session, "First", urns=["tel:0788 383 383"], flags=["Racer"]),
        create_contact(session, "Second", urns=["tel:+250788383383"], flags=["Racer"]),
        return_exceptions=True,
    )
    errors = [r for r in results if isinstance(r, BaseException)]
    assert len(errors) == 1 and isinstance(errors[0], DuplicateURN), results
    assert len(await contact_statuses(session.workspace)) == 1
    urns = await sql().fetchval(
        "SELECT count(*) FROM contact_urn WHERE workspace_id = $1", session.workspace.id
    )
    assert urns == 1


async def test_a_viewer_cannot_change_anything() -> None:
    admin = await create_session()
    viewer = await create_session(admin.workspace, role=Role.VIEWER)
    ann = await create_contact(admin, "Ann", status=ContactStatus.ARCHIVED)
    before = await workspace_snapshot(admin.workspace)
    with pytest.raises(PermissionDenied):
        await contacts.create_contact(viewer.caller, ContactDraft(name="X"))
    with pytest.raises(PermissionDenied):
        await contacts.update_contact(viewer.caller, ann.uuid, ContactPatch(name="X"))
    with pytest.raises(PermissionDenied):
        await contacts.delete_contact(viewer.caller, ann.uuid)
    assert await workspace_snapshot(admin.workspace) == before


async def test_update_leaves_unset_fields_alone_and_clears_none() -> None:
    session = await create_session()
    ann = await create_contact(session, "Ann", company="Acme", state="Kigali", notes="n")
    updated = await contacts.update_contact(
        session.caller, ann.uuid, ContactPatch(company=None, state="Musanze")
    )
    assert (updated.name, updated.company, updated.state, updated.notes) == (
        "Ann",
        None,
        "Musanze",
        "n",
    )


async def test_an_update_that_changes_nothing_writes_no_history() -> None:
    session = await create_session()
    ann = await create_contact(session, "Ann", urns=["tel:0788 383 383"], flags=["VIP"])
    updated = await contacts.update_contact(
        session.caller,
        ann.uuid,
        ContactPatch(name=" Ann ", urns=["tel:+250788383383"], add_flags=["vip"]),
    )
    assert updated.modified_on == ann.modified_on
    assert [e["kind"] for e in await event_rows(ann)] == ["created"]


@pytest.mark.parametrize(
    "patch",
    [
        ContactPatch(name="Annie"),
        ContactPatch(fields={"age": "31"}),
        ContactPatch(add_flags=["VIP"]),
        ContactPatch(urns=["tel:0788 383 384"]),
        ContactPatch(name="Annie", fields={"age": "31"}, add_flags=["VIP"]),
    ],
    ids=["name", "field", "flag", "address", "all"],
)
async def test_every_kind_of_change_counts_as_modified(patch: ContactPatch) -> None:
    session = await create_session()
    await define_field(session, "Age", FieldType.NUMBER)
    ann = await create_contact(session, "Ann", urns=["tel:0788 383 383"], fields={"age": "30"})
    assert ann.field_values  # written with the contact

    updated = await contacts.update_contact(session.caller, ann.uuid, patch)

    assert updated.modified_on > ann.modified_on


async def test_update_of_an_unknown_contact_is_not_found() -> None:
    session = await create_session()
    other = await create_session()
    theirs = await create_contact(other, "Theirs")
    with pytest.raises(NotFound):
        await contacts.update_contact(session.caller, theirs.uuid, ContactPatch(name="Mine"))


@pytest.mark.parametrize(
    "status", [ContactStatus.ARCHIVED, ContactStatus.BLOCKED, ContactStatus.STOPPED]
)
async def test_leaving_active_removes_the_contact_from_every_group(status: ContactStatus) -> None:
    session = await create_session()
    ann, bob, cy = [await create_contact(session, n) for n in ("Ann", "Bob", "Cy")]
    first = await create_group(session.workspace, "First", [ann, bob, cy])
    second = await create_group(session.workspace, "Second", [ann])
    await contacts.update_contact(session.caller, ann.uuid, ContactPatch(status=status))
    assert await group_state(first) == GroupState(2, frozenset({bob.id, cy.id}))
    assert await group_state(second) == GroupState(0, frozenset())
    # Moving between inactive states or back to active changes no count.
    await contacts.update_contact(
        session.caller, ann.uuid, ContactPatch(status=ContactStatus.STOPPED)
    )
    await contacts.update_contact(
        session.caller, ann.uuid, ContactPatch(status=ContactStatus.ACTIVE)
    )
    assert await group_state(first) == GroupState(2, frozenset({bob.id, cy.id}))
    assert await group_state(second) == GroupState(0, frozenset())


async def test_delete_contact_only_deletes_archived_contacts() -> None:
    session = await create_session()
    ann = await create_contact(session, "Ann")
    with pytest.raises(InvalidState):
        await contacts.delete_contact(session.caller, ann.uuid)
    assert await contact_statuses(session.workspace) == {ann.id: "active"}


async def test_delete_contact_keeps_group_counts_exact() -> None:
    session = await create_session()
    ann = await create_contact(session, "Ann", status=ContactStatus.ARCHIVED)
    bob = await create_contact(session, "Bob")
    group = await create_group(session.workspace, "Group", [ann, bob])
    await contacts.delete_contact(session.caller, ann.uuid)
    assert await group_state(group) == GroupState(1, frozenset({bob.id}))
    assert await contact_statuses(session.workspace) == {bob.id: "active"}


async def test_delete_contact_needs_the_delete_permission() -> None:
    admin = await create_session()
    editor = await create_session(admin.workspace, role=Role.EDITOR)
    editor.caller.member.disabled_permissions = [Permission.DELETE_CONTACTS.value]
    ann = await create_contact(admin, "Ann", status=ContactStatus.ARCHIVED)
    with pytest.raises(PermissionDenied):
        await contacts.delete_contact(editor.caller, ann.uuid)
    assert await contact_statuses(admin.workspace) == {ann.id: "archived"}


async def test_a_refused_update_is_rolled_back_entirely() -> None:
    session = await create_session()
    await create_contact(session, "Owner", urns=["tel:0788 000 001"])
    ann = await create_contact(session, "Ann")
    group = await create_group(session.workspace, "Group", [ann])
    before = await workspace_snapshot(session.workspace)
    with pytest.raises(DuplicateURN):
        await contacts.update_contact(
            session.caller,
            ann.uuid,
            ContactPatch(
                name="Anne",
                status=ContactStatus.BLOCKED,
                urns=["tel:0788 000 001"],
                add_flags=["New"],
            ),
        )
    assert await workspace_snapshot(session.workspace) == before
    assert await group_state(group) == GroupState(1, frozenset({ann.id}))


async def test_too_long_notes_are_refused() -> None:
    session = await create_session()
    with pytest.raises(InvalidInput) as caught:
        await contacts.create_contact(session.caller, ContactDraft(notes="n" * 10_001))
    assert caught.value.field == "notes"
