"""How a chunk writes in bulk: session settings scoped to the chunk, search index entries
merged before it commits, lanes claiming disjoint rows, and the shortcuts for new contacts
(history flags, group membership) agreeing with what is stored."""

from __future__ import annotations

import asyncio
import json

from core.sql import cached_plans, sql, transaction
from services.imports import store
from services.imports.bulk_writes import batched_search_entries
from services.imports.commit import commit_next_chunk
from services.imports.commit_context import prepare_commit
from services.imports.groups import GroupRef
from services.imports.lifecycle import confirm_import
from tests.conftest import RunWorker
from tests.factories import create_contact, create_session, group_state
from tests.services.imports.support import commit, contacts_of, validate

_SEARCH_INDEXES = """
SELECT i.indexrelid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
JOIN pg_am a ON a.oid = c.relam
WHERE i.indrelid = ANY('{contact,contact_urn}'::regclass[]) AND a.amname = 'gin'
"""


async def _merge_pending_entries() -> int:
    """Merges what waits in the GIN pending lists; returns how many pages that emptied."""
    merged = await sql().fetchval(
        f"SELECT coalesce(sum(gin_clean_pending_list(indexrelid)), 0) FROM ({_SEARCH_INDEXES}) i"
    )
    return int(merged)


async def test_bulk_settings_hold_inside_their_block_only() -> None:
    async with transaction() as tx:
        plans = await tx.fetchval("SELECT current_setting('plan_cache_mode')")
        limit = await tx.fetchval("SELECT current_setting('gin_pending_list_limit')")
        async with cached_plans(tx), batched_search_entries(tx):
            inside = await tx.fetchrow(
                "SELECT current_setting('plan_cache_mode') AS plans, "
                "current_setting('gin_pending_list_limit') AS pending"
            )
        after = await tx.fetchrow(
            "SELECT current_setting('plan_cache_mode') AS plans, "
            "current_setting('gin_pending_list_limit') AS pending"
        )

    assert plans == "force_custom_plan"  # the database's own setting (migration 0007)
    assert inside is not None and tuple(inside) == ("auto", "256MB")
    assert after is not None and tuple(after) == (plans, limit)


async def test_a_committed_chunk_leaves_no_search_entries_pending(run_worker: RunWorker) -> None:
    session = await create_session()
    text = "name,phone,email\n" + "".join(
        f"Person number {i},07880010{i:02d},person{i}@example.com\n" for i in range(40)
    )
    record = await validate(session, run_worker, text)
    await _merge_pending_entries()

    await commit(session, run_worker, record)

    found = await sql().fetch(
        "SELECT c.id FROM contact c WHERE c.workspace_id = $1 AND lower(c.name) LIKE '%number 3%'",
        session.workspace.id,
    )
    assert len(found) == 11  # 3 and 30-39, through the trigram index's merged entries
    assert await _merge_pending_entries() == 0


async def test_created_history_lists_the_flags_the_contact_got(run_worker: RunWorker) -> None:
    session = await create_session()
    await sql().execute(
        "INSERT INTO flag (workspace_id, uuid, name) VALUES ($1, gen_random_uuid(), 'News')",
        session.workspace.id,
    )
    text = 'name,phone,flags\nAnn,0788000101,"zeta, Alpha"\nBen,0788000102,\nCat,0788000103,news\n'
    record = await validate(session, run_worker, text, flags=["news", "Beta"])

    await commit(session, run_worker, record)

    people = await contacts_of(session)
    events = await sql().fetch(
        "SELECT contact_id, data::text AS data FROM contact_event "
        "WHERE workspace_id = $1 AND kind = 'created'",
        session.workspace.id,
    )
    history = {e["contact_id"]: json.loads(e["data"])["flags"] for e in events}
    assert [(p["name"], p["flags"]) for p in people] == [
        ("Ann", ["Alpha", "Beta", "News", "zeta"]),
        ("Ben", ["Beta", "News"]),
        ("Cat", ["Beta", "News"]),
    ]
    assert {p["id"]: p["flags"] for p in people} == history


async def test_new_and_matched_contacts_join_the_group_with_an_exact_count(
    run_worker: RunWorker,
) -> None:
    session = await create_session()
    member = await create_contact(session, "Member", urns=["tel:+250788000201"])
    outsider = await create_contact(session, "Out", urns=["tel:+250788000202"])
    first = await validate(
        session, run_worker, "name,phone\nMember,0788000201\n", group=GroupRef(name="Team")
    )
    await commit(session, run_worker, first)
    text = (
        "name,phone,status\n"
        "Member,0788000201,\n"
        "Out,0788000202,\n"
        "New,0788000203,\n"
        "Gone,0788000204,blocked\n"
    )
    record = await validate(session, run_worker, text, group=GroupRef(name="team"))

    done = await commit(session, run_worker, record)

    people = {p["name"]: p["id"] for p in await contacts_of(session)}
    state = await group_state(done.group_id or 0)
    assert state.contact_ids == frozenset({member.id, outsider.id, people["New"]})
    assert state.member_count == 3


async def test_lanes_sharing_claims_commit_every_row_once(run_worker: RunWorker) -> None:
    session = await create_session()
    text = "name,phone\n" + "".join(f"P{i},07880003{i:02d}\n" for i in range(30))
    record = await validate(session, run_worker, text, group=GroupRef(name="Lanes"))
    confirmed = await confirm_import(session.caller, record.uuid)
    await sql().execute("UPDATE job SET status = 'running' WHERE id = $1", confirmed.job.id)
    ctx = await prepare_commit(confirmed.record, confirmed.job.id, session.caller.member.id)
    claims = asyncio.Lock()
    spans: list[int] = []

    async def lane() -> None:
        after = 0
        while (last := await commit_next_chunk(ctx, 3, after=after, claims=claims)) is not None:
            spans.append(last)
            after = last

    await asyncio.gather(lane(), lane())

    names = [p["name"] for p in await contacts_of(session)]
    assert sorted(names) == sorted(f"P{i}" for i in range(30))
    assert len(spans) == 10
    created = await sql().fetchval(
        "SELECT count(*) FROM contact_event WHERE workspace_id = $1 AND kind = 'created'",
        session.workspace.id,
    )
    assert created == 30
    assert (await group_state(ctx.group_id or 0)).member_count == 30


async def test_a_commit_on_more_lanes_imports_every_row_once(run_worker: RunWorker) -> None:
    session = await create_session()
    text = "name,phone\n" + "".join(f"P{i},07880004{i:02d}\n" for i in range(40))
    record = await validate(session, run_worker, text, group=GroupRef(name="Lanes"))
    await confirm_import(session.caller, record.uuid)

    await run_worker(job_chunk_size=3, import_lanes=4)

    done = await store.get_import_by_id(record.id)
    assert done.counts.created == 40
    names = [p["name"] for p in await contacts_of(session)]
    assert sorted(names) == sorted(f"P{i}" for i in range(40))
    events = await sql().fetchval(
        "SELECT count(*) FROM contact_event WHERE workspace_id = $1 AND kind = 'created'",
        session.workspace.id,
    )
    assert events == 40
    assert (await group_state(done.group_id or 0)).member_count == 40
