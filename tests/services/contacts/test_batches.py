"""Batch reads for many keys: one answer per key, in the keys' order, within one workspace."""

from __future__ import annotations

from uuid import uuid4

from models.enums import FieldType, JobKind
from services.access.batches import members_by_id
from services.contacts.batches import contacts_by_uuid, flags_of_contacts, urns_of_contacts
from services.contacts.bulk_jobs import start_contact_job
from services.contacts.selection import ContactSelection
from services.fields.batches import holder_counts
from services.jobs.batches import job_uuids, jobs_by_id
from tests.factories import create_contact, create_session, define_field


async def test_contacts_and_their_parts_come_in_the_keys_order() -> None:
    session = await create_session()
    ws = session.workspace.id
    ann = await create_contact(
        session, "Ann", urns=["mailto:ann@example.com", "tel:0788 383 383"], flags=["vip", "Donor"]
    )
    bob = await create_contact(session, "Bob")
    stranger = await create_contact(await create_session(), "Cy", urns=["tel:0788 383 384"])
    urns = await urns_of_contacts(ws, [bob.id, ann.id, stranger.id])
    assert [[u.identity for u in found] for found in urns] == [
        [],
        ["mailto:ann@example.com", "tel:+250788383383"],
        [],
    ]
    flags = await flags_of_contacts(ws, [ann.id, bob.id])
    assert [[f.name for f in found] for found in flags] == [["Donor", "vip"], []]
    found = await contacts_by_uuid(ws, [bob.uuid, uuid4(), stranger.uuid, ann.uuid])
    assert [c.name if c else None for c in found] == ["Bob", None, None, "Ann"]


async def test_holder_counts_count_values_of_each_field_in_order() -> None:
    session = await create_session()
    age = await define_field(session, "Age", FieldType.NUMBER)
    nick = await define_field(session, "Nick")
    await create_contact(session, "Ann", fields={"age": "31", "nick": "Annie"})
    await create_contact(session, "Bob", fields={"nick": "Bobby"})
    await create_contact(session, "Cy")
    assert await holder_counts(session.workspace.id, [nick.id, age.id, 0]) == [2, 1, 0]
    assert await holder_counts((await create_session()).workspace.id, [nick.id]) == [0]


async def test_jobs_and_members_by_id_in_order_and_none_elsewhere() -> None:
    session = await create_session()
    other = await create_session()
    ann = await create_contact(session, "Ann")
    job = await start_contact_job(
        session.caller, JobKind.ARCHIVE_CONTACTS, ContactSelection(uuids=[ann.uuid])
    )
    ws = session.workspace.id
    assert await job_uuids(ws, [0, job.id]) == [None, job.uuid]
    assert await job_uuids(other.workspace.id, [job.id]) == [None]
    assert [j.uuid if j else None for j in await jobs_by_id(ws, [job.id, 0])] == [job.uuid, None]
    me, them = session.caller.member.id, other.caller.member.id
    assert [m.id if m else None for m in await members_by_id(ws, [them, me])] == [None, me]
