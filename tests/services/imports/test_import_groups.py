"""The group an import fills: new groups count against the workspace's limit."""

from __future__ import annotations

import pytest

from core.sql import sql
from services.errors import LimitReached
from services.groups.definitions import MAX_GROUPS
from services.imports.groups import GroupRef
from services.imports.records import ImportStatus
from tests.conftest import RunWorker
from tests.factories import (
    Session,
    assert_group_counts_exact,
    create_contact,
    create_session,
    fill_groups,
    member_names,
    while_archiving,
)
from tests.services.imports.support import commit, contacts_of, upload, validate

CSV = "name,phone\nBob,0788 383 383\n"


async def _group_count(session: Session) -> int:
    count: int = await sql().fetchval(
        "SELECT count(*) FROM contact_group WHERE workspace_id = $1", session.workspace.id
    )
    return count


async def test_a_new_group_is_refused_at_upload_when_the_workspace_is_full() -> None:
    session = await create_session()
    await fill_groups(session.workspace, MAX_GROUPS)
    with pytest.raises(LimitReached) as refused:
        await upload(session, CSV, group=GroupRef(name="Imported"))
    assert refused.value.message == (
        f"A workspace can have at most {MAX_GROUPS} groups; delete one first."
    )
    assert refused.value.field == "group.name"


async def test_an_existing_group_is_filled_even_when_the_workspace_is_full(
    run_worker: RunWorker,
) -> None:
    session = await create_session()
    await fill_groups(session.workspace, MAX_GROUPS)
    record = await validate(session, run_worker, CSV, group=GroupRef(name="group 7"))
    done = await commit(session, run_worker, record)
    assert done.status is ImportStatus.COMMITTED
    assert await _group_count(session) == MAX_GROUPS


async def test_the_commit_fails_cleanly_when_the_last_free_group_went_meanwhile(
    run_worker: RunWorker,
) -> None:
    session = await create_session()
    await fill_groups(session.workspace, MAX_GROUPS - 1)
    record = await validate(session, run_worker, CSV, group=GroupRef(name="Imported"))
    assert record.status is ImportStatus.PREVIEWED
    await sql().execute(
        "INSERT INTO contact_group (workspace_id, uuid, name, kind) "
        "VALUES ($1, gen_random_uuid(), 'Latecomer', 'manual')",
        session.workspace.id,
    )

    done = await commit(session, run_worker, record)

    assert done.status is ImportStatus.FAILED
    assert done.failure == f"A workspace can have at most {MAX_GROUPS} groups; delete one first."
    assert await contacts_of(session) == []
    assert await _group_count(session) == MAX_GROUPS


async def test_a_new_group_is_created_once_by_the_commit(run_worker: RunWorker) -> None:
    session = await create_session()
    await fill_groups(session.workspace, MAX_GROUPS - 1)
    record = await validate(session, run_worker, CSV, group=GroupRef(name="Imported"))
    done = await commit(session, run_worker, record)
    assert done.status is ImportStatus.COMMITTED
    assert await _group_count(session) == MAX_GROUPS


@pytest.mark.parametrize("update_existing", [True, False], ids=["updating", "leaving alone"])
async def test_a_contact_archived_while_the_commit_runs_stays_out_of_the_group(
    run_worker: RunWorker, update_existing: bool
) -> None:
    """The import matches Bob by his phone; an archive of Bob is in flight as the commit
    joins its contacts to the group: the commit waits for it and leaves Bob out."""
    session = await create_session()
    bob = await create_contact(session, "Bob", urns=["tel:0788 383 383"])
    record = await validate(
        session, run_worker, CSV, group=GroupRef(name="Imported"), update_existing=update_existing
    )
    assert record.counts.update_rows + record.counts.skip_rows == 1
    # The commit waits for the archive instead of reading past it.
    done = await while_archiving(
        session, bob.id, lambda: commit(session, run_worker, record), settle=0.5
    )

    assert done.status is ImportStatus.COMMITTED
    [group] = await sql().fetch(
        "SELECT uuid FROM contact_group WHERE workspace_id = $1", session.workspace.id
    )
    assert await member_names(group["uuid"]) == []
    await assert_group_counts_exact(session.workspace)
