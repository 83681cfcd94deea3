"""Contacts to aim audiences at."""

from __future__ import annotations

import pytest

from models.enums import ContactStatus, FieldType
from services.contacts.records import ContactRecord
from services.groups import definitions as groups
from services.groups import members as group_members
from tests.factories import (
    Session,
    create_contact,
    create_session,
    define_field,
)


@pytest.fixture
async def crowd() -> Session:
    """Ages, flags, groups and statuses to aim at."""
    session = await create_session()
    await define_field(session, "Age", FieldType.NUMBER)
    people: dict[str, ContactRecord] = {}
    for name, age, flags, status in [
        ("Ann", 25, ["Gold", "VIP"], ContactStatus.ACTIVE),
        ("Bob", 45, ["Gold"], ContactStatus.ACTIVE),
        ("Cy", 65, ["VIP"], ContactStatus.ACTIVE),
        ("Di", 70, ["Gold", "VIP"], ContactStatus.ACTIVE),
        ("Ed", 80, ["Gold", "VIP"], ContactStatus.ARCHIVED),
        ("Flo", 50, [], ContactStatus.BLOCKED),
        ("Gus", 15, [], ContactStatus.STOPPED),
    ]:
        people[name] = await create_contact(
            session, name, flags=flags, status=status, fields={"age": str(age)}
        )
    for name, members in [
        ("Members", ["Ann", "Bob", "Cy"]),
        ("Staff", ["Di"]),
        ("Opted Out", ["Bob"]),
    ]:
        group = await groups.create_group(session.caller, name=name)
        await group_members.add_contacts(
            session.caller, group.uuid, [people[m].uuid for m in members]
        )
    return session
