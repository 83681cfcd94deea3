"""services.groups: group rules below the API (definitions, members, group jobs)."""

from __future__ import annotations

import asyncio
import json
import uuid

import pytest

from core.sql import sql, transaction
from models.enums import ContactStatus, FieldType, GroupKind, GroupStatus, Role
from services.contacts.selection import ContactSelection
from services.errors import (
    DuplicateName,
    InvalidInput,
    InvalidState,
    LimitReached,
    NotFound,
    PermissionDenied,
)
from services.flags import jobs as flag_jobs
from services.groups import definitions as groups
from services.groups import jobs as group_jobs
from services.groups import members as group_members
from services.groups import usage_registry as group_usage_registry
from services.jobs.context import ChunkOutcome, JobContext
from services.usages.registry import usages_of_fields
from tests.conftest import RunWorker
from tests.factories import (
    Session,
    assert_group_counts_exact,
    create_contact,
    create_session,
    define_field,
    fill_groups,
    member_names,
    while_archiving,
    workspace_snapshot,
)


async def job_context(session: Session, **params: object) -> JobContext:
    return JobContext(0, session.workspace, session.caller.member.id, dict(params))


# --- names and the limit -----------------------------------------------------------------------


async def test_names_are_cleaned_and_unique_ignoring_case() -> None:
    session = await create_session()
    group = await groups.create_group(session.caller, name="  Field \t Team ")
    assert (group.name, group.kind, group.status, group.query, group.member_count) == (
        "Field Team",
        GroupKind.MANUAL,
        GroupStatus.READY,
        None,
        0,
    )
    with pytest.raises(DuplicateName) as caught:
        await groups.create_group(session.caller, name="FIELD TEAM")
    assert (caught.value.message, caught.value.field) == (
        'A group named "FIELD TEAM" already exists.',
        "name",
    )


async def test_racing_creates_with_one_name_make_one_group() -> None:
    session = await create_session()
    results = await asyncio.gather(
        *(groups.create_group(session.caller, name=name) for name in ("Team", "TEAM", "team")),
        return_exceptions=True,
    )
    refused = [r for r in results if isinstance(r, BaseException)]
    assert len(refused) == 2 and all(isinstance(r, DuplicateName) for r in refused), results
    assert len(await groups.list_groups(session.caller)) == 1


async def test_racing_creates_at_the_limit_make_exactly_one_group() -> None:
    session = await create_session()
    await fill_groups(session.workspace, 249)
    results = await asyncio.gather(
        *(groups.create_group(session.caller, name=f"Racer {i}") for i in range(3)),
        return_exceptions=True,
    )
    refused = [r for r in results if isinstance(r, BaseException)]
    assert len(refused) == 2 and all(isinstance(r, LimitReached) for r in refused), results
    assert len(await groups.list_groups(session.caller)) == 250


async def test_the_limit_is_per_workspace() -> None:
    full, other = await create_session(), await create_session()
    await fill_groups(full.workspace, 250)
    with pytest.raises(LimitReached):
        await groups.create_group(full.caller, name="More")
    assert (await groups.create_group(other.caller, name="Group 1")).name == "Group 1"


async def test_viewers_cannot_change_groups() -> None:
    admin = await create_session()
    viewer = await create_session(admin.workspace, role=Role.VIEWER)
    ann = await create_contact(admin, "Ann")
    group = await groups.create_group(admin.caller, name="List")
    before = await workspace_snapshot(admin.workspace)
    caller = viewer.caller
    for attempt in (
        groups.create_group(caller, name="New"),
        groups.update_group(caller, group.uuid, name="Renamed"),
        groups.delete_group(caller, group.uuid, acknowledge_usages=True),
        group_members.add_contacts(caller, group.uuid, [ann.uuid]),
        group_members.remove_contacts(caller, group.uuid, [ann.uuid]),
        group_members.start_group_job(caller, group.uuid, ContactSelection(uuids=[]), add=True),
        flag_jobs.start_flag_job(caller, ["X"], ContactSelection(uuids=[]), add=True),
        group_usage_registry.register(caller, kind="c", ref="r", name="", group_uuids=[]),
    ):
        with pytest.raises(PermissionDenied):
            await attempt
    assert await workspace_snapshot(admin.workspace) == before


# --- smart groups ------------------------------------------------------------------------------


async def test_a_smart_group_stores_the_canonical_query_and_its_field_usages(
    run_worker: RunWorker,
) -> None:
    session = await create_session()
    age = await define_field(session, "Age", FieldType.NUMBER)
    town = await define_field(session, "Town")
    group = await groups.create_group(
        session.caller, name="Locals", query='Town = huye AGE>"17" or town = "Kigali"'
    )
    assert group.query == '(fields.town = "huye" AND fields.age > 17) OR fields.town = "Kigali"'
    used = await usages_of_fields(session.workspace.id, [age.id, town.id])
    assert [[u.consumer.name for u in used[f.id]] for f in (age, town)] == [["Locals"], ["Locals"]]
    # Renaming the group renames it where its fields are used.
    await groups.update_group(session.caller, group.uuid, name="Neighbours")
    used = await usages_of_fields(session.workspace.id, [age.id])
    assert [u.consumer.name for u in used[age.id]] == ["Neighbours"]
    # A new query replaces the fields it uses.
    await run_worker()
    await groups.update_group(session.caller, group.uuid, query="age > 30")
    used = await usages_of_fields(session.workspace.id, [age.id, town.id])
    assert (len(used[age.id]), len(used[town.id])) == (1, 0)
    await run_worker()


async def test_an_evaluation_chunk_run_twice_counts_once(run_worker: RunWorker) -> None:
    session = await create_session()
    people = [await create_contact(session, n) for n in ("Ann", "Anna", "Bob")]
    group = await groups.create_group(session.caller, name="Anns", query="name ~ ann")
    job = await job_context(session, group_id=group.id)
    ids = [p.id for p in people]
    for _ in range(2):
        async with transaction() as tx:
            await group_jobs.evaluate_chunk(tx, job, ids)
    await assert_group_counts_exact(session.workspace)
    assert await member_names(group.uuid) == ["Ann", "Anna"]
    await run_worker()
    current = await groups.get_group(session.caller, group.uuid)
    assert current is not None and current.member_count == 2


async def test_a_group_deleted_before_its_evaluation_runs_leaves_the_job_harmless(
    run_worker: RunWorker,
) -> None:
    session = await create_session()
    await create_contact(session, "Ann")
    group = await groups.create_group(session.caller, name="Anns", query="name ~ ann")
    await groups.delete_group(session.caller, group.uuid)
    await run_worker()
    status = await sql().fetchval(
        "SELECT status FROM job WHERE workspace_id = $1 AND kind = 'evaluate_group'",
        session.workspace.id,
    )
    assert status == "succeeded"
    assert (await workspace_snapshot(session.workspace))["group_members"] == []


# --- manual membership -------------------------------------------------------------------------


async def test_adding_is_all_or_nothing() -> None:
    session = await create_session()
    other = await create_session()
    ann = await create_contact(session, "Ann")
    theirs = await create_contact(other, "Theirs")
    gone = await create_contact(session, "Gone", status=ContactStatus.STOPPED)
    group = await groups.create_group(session.caller, name="List")
    for batch, error in (
        ([ann.uuid, theirs.uuid], NotFound),
        ([ann.uuid, uuid.uuid4()], NotFound),
        ([ann.uuid, gone.uuid], InvalidState),
    ):
        with pytest.raises(error):
            await group_members.add_contacts(session.caller, group.uuid, batch)
    assert await member_names(group.uuid) == []
    assert (
        await group_members.add_contacts(session.caller, group.uuid, [ann.uuid])
    ).member_count == 1


async def test_removing_a_foreign_contact_removes_nothing() -> None:
    mine, theirs = await create_session(), await create_session()
    ann = await create_contact(mine, "Ann")
    their_contact = await create_contact(theirs, "Theo")
    group = await groups.create_group(mine.caller, name="List")
    await group_members.add_contacts(mine.caller, group.uuid, [ann.uuid])
    after = await group_members.remove_contacts(mine.caller, group.uuid, [their_contact.uuid])
    assert after.member_count == 1
    assert await member_names(group.uuid) == ["Ann"]


async def test_100_contacts_at_once_is_the_inline_limit() -> None:
    session = await create_session()
    group = await groups.create_group(session.caller, name="List")
    await sql().execute(
        """
        INSERT INTO contact (workspace_id, uuid, name, status, source, created_on, modified_on)
        SELECT $1, gen_random_uuid(), 'C' || i, 'active', 'api', now(), now()
        FROM generate_series(1, 101) AS i
        """,
        session.workspace.id,
    )
    rows = await sql().fetch(
        "SELECT uuid FROM contact WHERE workspace_id = $1 ORDER BY id", session.workspace.id
    )
    uuids = [r["uuid"] for r in rows]
    added = await group_members.add_contacts(session.caller, group.uuid, uuids[:100])
    assert added.member_count == 100
    with pytest.raises(InvalidInput):
        await group_members.add_contacts(session.caller, group.uuid, uuids)
    with pytest.raises(InvalidInput):
        await group_members.remove_contacts(session.caller, group.uuid, uuids)
    await assert_group_counts_exact(session.workspace)


async def test_add_and_remove_chunks_run_twice_count_once() -> None:
    session = await create_session()
    people = [await create_contact(session, n) for n in ("Ann", "Bob")]
    archived = await create_contact(session, "Old", status=ContactStatus.ARCHIVED)
    group = await groups.create_group(session.caller, name="List")
    job = await job_context(session, group_id=group.id)
    ids = [p.id for p in [*people, archived]]
    outcomes = []
    for _ in range(2):
        async with transaction() as tx:
            outcomes.append(await group_jobs.add_chunk(tx, job, ids))
    assert [(o.changed, o.skipped) for o in outcomes] == [(2, 1), (0, 3)]
    await assert_group_counts_exact(session.workspace)
    outcomes = []
    for _ in range(2):
        async with transaction() as tx:
            outcomes.append(await group_jobs.remove_chunk(tx, job, [people[0].id]))
    assert [(o.changed, o.skipped) for o in outcomes] == [(1, 0), (0, 1)]
    assert await member_names(group.uuid) == ["Bob"]
    await assert_group_counts_exact(session.workspace)


async def test_an_add_job_reports_inactive_contacts_once_even_when_a_chunk_runs_again() -> None:
    session = await create_session()
    ann = await create_contact(session, "Ann")
    old = await create_contact(session, "Old", status=ContactStatus.ARCHIVED)
    bob = await create_contact(session, "Bob")
    gone = await create_contact(session, "Gone", status=ContactStatus.ARCHIVED)
    spam = await create_contact(session, "Spam", status=ContactStatus.BLOCKED)
    group = await groups.create_group(session.caller, name="List")
    started = await group_members.start_group_job(
        session.caller,
        group.uuid,
        ContactSelection(uuids=[c.uuid for c in (ann, old, bob, gone, spam)]),
        add=True,
    )
    job = JobContext(started.id, session.workspace, session.caller.member.id, started.params)
    for chunk in ([ann.id, old.id], [ann.id, old.id], [bob.id, gone.id, spam.id]):
        async with transaction() as tx:
            await group_jobs.add_chunk(tx, job, chunk)
    errors = json.loads(await sql().fetchval("SELECT errors FROM job WHERE id = $1", job.id))
    assert [e["message"] for e in errors] == [
        "3 selected contacts were not added: 2 are archived and 1 is blocked; only active "
        "contacts can be added to a group."
    ]
    assert await member_names(group.uuid) == ["Ann", "Bob"]


async def test_a_contact_archived_while_an_add_chunk_runs_stays_out_of_the_group() -> None:
    session = await create_session()
    ann = await create_contact(session, "Ann")
    group = await groups.create_group(session.caller, name="List")
    job = await job_context(session, group_id=group.id)

    async def add_chunk() -> ChunkOutcome:
        async with transaction() as tx:
            return await group_jobs.add_chunk(tx, job, [ann.id])

    # The chunk waits for the archiving instead of reading past it.
    outcome = await while_archiving(session, ann.id, add_chunk, settle=0.3)
    assert (outcome.changed, outcome.skipped) == (0, 1)
    assert await member_names(group.uuid) == []
    await assert_group_counts_exact(session.workspace)


@pytest.mark.parametrize(
    ("counts", "message"),
    [
        ({"stopped": 1}, "1 selected contact was not added because it is stopped"),
        ({"archived": 4}, "4 selected contacts were not added because they are archived"),
        (
            {"stopped": 2, "archived": 1, "blocked": 1},
            "4 selected contacts were not added: 1 is archived, 1 is blocked and 2 are stopped",
        ),
    ],
)
def test_refused_contacts_are_described_by_status(counts: dict[str, int], message: str) -> None:
    assert group_jobs.describe_inactive(counts) == (
        f"{message}; only active contacts can be added to a group."
    )


async def test_an_add_job_never_adds_to_a_smart_group() -> None:
    session = await create_session()
    ann = await create_contact(session, "Ann")
    smart = await groups.create_group(session.caller, name="Bobs", query="name ~ bob")
    with pytest.raises(InvalidState):
        await group_members.start_group_job(
            session.caller, smart.uuid, ContactSelection(uuids=[ann.uuid]), add=True
        )
    # Even a job that slipped through adds nobody: the chunk checks the group's kind.
    async with transaction() as tx:
        outcome = await group_jobs.add_chunk(
            tx, await job_context(session, group_id=smart.id), [ann.id]
        )
    assert (outcome.changed, outcome.skipped) == (0, 1)


async def test_a_flag_job_needs_a_flag_name() -> None:
    session = await create_session()
    with pytest.raises(InvalidInput) as caught:
        await flag_jobs.start_flag_job(session.caller, [], ContactSelection(uuids=[]), add=True)
    assert (caught.value.message, caught.value.field) == ("Name at least one flag.", "flags")


# --- deleting and usages -----------------------------------------------------------------------


async def test_deleting_a_group_removes_its_members_and_counts_nothing_elsewhere() -> None:
    session = await create_session()
    ann = await create_contact(session, "Ann")
    first = await groups.create_group(session.caller, name="First")
    second = await groups.create_group(session.caller, name="Second")
    for group in (first, second):
        await group_members.add_contacts(session.caller, group.uuid, [ann.uuid])
    deleted = await groups.delete_group(session.caller, first.uuid)
    assert deleted.name == "First"
    assert await groups.get_group(session.caller, first.uuid) is None
    assert await member_names(second.uuid) == ["Ann"]
    await assert_group_counts_exact(session.workspace)
    with pytest.raises(NotFound):
        await groups.delete_group(session.caller, first.uuid)


async def test_group_usages_refuse_reserved_kinds_and_foreign_groups() -> None:
    mine, theirs = await create_session(), await create_session()
    their_group = await groups.create_group(theirs.caller, name="Theirs")
    my_group = await groups.create_group(mine.caller, name="Mine")
    with pytest.raises(InvalidInput) as caught:
        await group_usage_registry.register(
            mine.caller, kind="smart_group", ref="x", name="", group_uuids=[my_group.uuid]
        )
    assert caught.value.field == "consumer"
    with pytest.raises(NotFound):
        await group_usage_registry.register(
            mine.caller, kind="campaign", ref="x", name="", group_uuids=[their_group.uuid]
        )
    registered = await group_usage_registry.register(
        mine.caller, kind="campaign", ref="x", name="", group_uuids=[my_group.uuid]
    )
    assert [g.name for g in registered] == ["Mine"]
    with pytest.raises(groups.GroupInUse) as in_use:
        await groups.delete_group(mine.caller, my_group.uuid)
    assert [(u.consumer.kind, u.consumer.ref, u.consumer.name) for u in in_use.value.usages] == [
        ("campaign", "x", "x")
    ]
    # Unregistering one kind of usage keeps the consumer's field usages.
    await define_field(mine, "Plan")
    from services.fields import usage_registry as field_usage_registry

    await field_usage_registry.register(
        mine.caller, kind="campaign", ref="x", name="", keys=["plan"]
    )
    assert await group_usage_registry.unregister(mine.caller, kind="campaign", ref="x") == 1
    assert len((await workspace_snapshot(mine.workspace))["usages"]) == 1
    assert (await groups.delete_group(mine.caller, my_group.uuid)).name == "Mine"
