"""Imports keep smart groups exact: created, updated, archived and restored contacts join and
leave the groups whose queries they match, with maintained counts."""

from __future__ import annotations

from typing import Any

from models.enums import FieldType
from services.groups import definitions as groups
from services.groups.definitions import GroupRecord
from tests.conftest import RunWorker
from tests.factories import (
    Session,
    assert_group_counts_exact,
    create_contact,
    create_session,
    member_names,
)
from tests.services.imports.support import add_field, commit, validate


async def _smart_group(session: Session, run_worker: RunWorker, name: str, query: str) -> Any:
    group = await groups.create_group(session.caller, name=name, query=query)
    await run_worker()
    return group


async def _import(session: Session, run_worker: RunWorker, text: str) -> None:
    record = await validate(session, run_worker, text)
    assert record.counts.error_rows == 0
    await commit(session, run_worker, record)


async def test_created_and_updated_contacts_join_and_leave_smart_groups(
    run_worker: RunWorker,
) -> None:
    session = await create_session()
    await add_field(session, "Age", FieldType.NUMBER)
    await create_contact(session, "Ann", urns=["tel:0788 000 001"], fields={"age": "30"})
    await create_contact(session, "Bob", urns=["tel:0788 000 002"], fields={"age": "50"})
    await create_contact(session, "Dee", urns=["tel:0788 000 004"], flags=["VIP"])
    grown: GroupRecord = await _smart_group(session, run_worker, "Grown", "age > 40")
    vips: GroupRecord = await _smart_group(session, run_worker, "VIPs", "flag = vip")
    assert await member_names(grown.uuid) == ["Bob"]

    await _import(
        session,
        run_worker,
        "name,phone,Field:Age,flags\n"
        "Ann,0788 000 001,45,\n"  # updated into Grown
        "Bob,0788 000 002,20,VIP\n"  # updated out of Grown, flagged into VIPs
        "Cleo,0788 000 003,60,\n",  # created into Grown
    )

    assert await member_names(grown.uuid) == ["Ann", "Cleo"]
    assert await member_names(vips.uuid) == ["Bob", "Dee"]
    await assert_group_counts_exact(session.workspace)


async def test_status_changes_through_an_import_leave_and_rejoin_smart_groups(
    run_worker: RunWorker,
) -> None:
    session = await create_session()
    await create_contact(session, "Ann", urns=["tel:0788 000 001"])
    await create_contact(session, "Anna", urns=["tel:0788 000 002"])
    anns = await _smart_group(session, run_worker, "Anns", "name ~ ann")
    assert await member_names(anns.uuid) == ["Ann", "Anna"]

    await _import(session, run_worker, "phone,status\n0788 000 001,archived\n")
    assert await member_names(anns.uuid) == ["Anna"]
    await assert_group_counts_exact(session.workspace)

    await _import(session, run_worker, "phone,status\n0788 000 001,active\n")
    assert await member_names(anns.uuid) == ["Ann", "Anna"]
    await assert_group_counts_exact(session.workspace)
