"""Audiences for campaign builders: a query plus groups and flags, as one canonical query."""

from __future__ import annotations

import uuid as uuidlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from asyncpg import Record

from core.queue import enqueue_job
from core.settings import get_settings
from core.sql import Sql, in_locked_batches, sql, transaction
from models import Job
from models.enums import ContactStatus, JobKind, JobStatus
from query.api import ParsedQuery, parse_query
from query.attributes import Attribute
from query.environment import QueryEnvironment
from query.errors import QueryError
from services.access.caller import Caller
from services.audiences import statements
from services.contacts.filters import ContactFilter
from services.contacts.query_env import query_environment, read_query
from services.contacts.records import ContactRecord
from services.errors import InvalidQuery, InvalidState, NotFound
from services.jobs import state as job_state
from services.jobs.control import insert_job
from services.keyset import Page, PageRequest, SortKey, decode_cursor, encode_cursor

ID_KEY = SortKey("c.id", "text", nullable=True)


@dataclass(frozen=True, slots=True)
class AudienceSpec:
    query: str | None = None
    include_groups: Sequence[str] = ()
    exclude_groups: Sequence[str] = ()
    flags_any: Sequence[str] = ()
    flags_all: Sequence[str] = ()
    # None: active contacts only, unless the query itself has a status condition.
    statuses: Sequence[ContactStatus] | None = None


def _quoted(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _any_of(prop: str, names: Sequence[str], operator: str = "=") -> str:
    joiner = " OR " if operator == "=" else " AND "
    return "(" + joiner.join(f"{prop} {operator} {_quoted(n)}" for n in names) + ")"


def _conditions(spec: AudienceSpec, statuses: Sequence[ContactStatus]) -> list[str]:
    parts: list[str] = []
    if spec.include_groups:
        parts.append(_any_of("group", spec.include_groups))
    if spec.exclude_groups:
        parts.append(_any_of("group", spec.exclude_groups, "!="))
    if spec.flags_any:
        parts.append(_any_of("flag", spec.flags_any))
    if spec.flags_all:
        parts.append("(" + " AND ".join(f"flag = {_quoted(n)}" for n in spec.flags_all) + ")")
    if statuses:
        parts.append(_any_of("status", [s.value for s in statuses]))
    return parts


async def resolve_audience(caller: Caller, spec: AudienceSpec) -> ParsedQuery | None:
    return _resolve(spec, await query_environment(caller.workspace))


async def read_contact_query(caller: Caller, text: str) -> ParsedQuery:
    """A contact query as the caller's workspace reads it; InvalidQuery when it cannot be read."""
    try:
        return await read_query(caller.workspace, text)
    except QueryError as exc:
        raise InvalidQuery(exc.code.value, exc.message, exc.extra) from exc


def _resolve(spec: AudienceSpec, env: QueryEnvironment) -> ParsedQuery | None:
    """One query for the whole audience; None when nothing narrows it (every contact).

    The caller's own query is read on its own first (so a query that is a single address or
    phone number keeps that meaning and errors point into the caller's text), then combined
    through its canonical form."""
    try:
        parts = []
        statuses = spec.statuses
        if spec.query and spec.query.strip():
            own = parse_query(spec.query, env)
            parts.append(f"({own.canonical})")
            if statuses is None and own.uses_attribute(Attribute.STATUS):
                statuses = ()
        parts += _conditions(spec, [ContactStatus.ACTIVE] if statuses is None else statuses)
        return parse_query(" AND ".join(parts), env) if parts else None
    except QueryError as exc:
        raise InvalidQuery(exc.code.value, exc.message, exc.extra) from exc


def audience_filter(parsed: ParsedQuery | None) -> ContactFilter:
    return ContactFilter(query=parsed)


class SnapshotStatus(StrEnum):
    BUILDING = "building"
    READY = "ready"
    EXPIRED = "expired"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @classmethod
    def of_job(cls, status: JobStatus | None, expires_on: datetime | None) -> SnapshotStatus:
        """The snapshot's job is the truth: its rows, count and status change in the same
        transaction. Without its job nothing says the list is whole. A ready snapshot past
        its time has expired, whether or not the clean-up has deleted its rows yet."""
        if status in (JobStatus.QUEUED, JobStatus.RUNNING):
            return cls.BUILDING
        if status is JobStatus.SUCCEEDED:
            if expires_on is not None and expires_on <= datetime.now(UTC):
                return cls.EXPIRED
            return cls.READY
        if status is JobStatus.CANCELLED:
            return cls.CANCELLED
        return cls.FAILED


@dataclass(frozen=True, slots=True)
class SnapshotRecord:
    id: int
    uuid: uuidlib.UUID
    query: str
    status: SnapshotStatus
    contact_count: int | None  # None until ready
    job_uuid: uuidlib.UUID | None
    expires_on: datetime | None = None  # None until ready


async def create_snapshot(caller: Caller, spec: AudienceSpec) -> tuple[SnapshotRecord, Job]:
    caller.require_editor()
    env = await query_environment(caller.workspace)
    parsed = _resolve(spec, env)
    canonical = parsed.canonical if parsed else ""
    snapshot_uuid = uuidlib.uuid4()
    async with transaction() as tx:
        snapshot_id = await tx.fetchval(
            statements.INSERT_SNAPSHOT, caller.workspace_id, snapshot_uuid, canonical
        )
        job_id, job_uuid = await insert_job(
            tx,
            caller=caller,
            kind=JobKind.AUDIENCE_SNAPSHOT,
            params={
                "snapshot_id": snapshot_id,
                "query": canonical,
                # Groups and flags as they were named now, so a rename before the job runs
                # does not change who is frozen.
                "groups": [
                    [g.id, g.name, g.kind.value]
                    for g in (env.groups[n.lower()] for n in parsed.group_names)
                ]
                if parsed
                else [],
                "flags": [[f.id, f.name] for f in (env.flags[n.lower()] for n in parsed.flag_names)]
                if parsed
                else [],
            },
        )
        total = await tx.fetchval(statements.COUNT_WORKSPACE_CONTACTS, caller.workspace_id)
        await job_state.set_total(tx, job_id, total)
        await tx.execute(statements.SET_SNAPSHOT_JOB, snapshot_id, job_id)
    await enqueue_job(str(job_uuid))
    job = await Job.get(id=job_id)
    record = SnapshotRecord(
        snapshot_id, snapshot_uuid, canonical, SnapshotStatus.BUILDING, None, job_uuid
    )
    return record, job


async def get_snapshot(caller: Caller, snapshot_uuid: uuidlib.UUID) -> SnapshotRecord:
    row = await sql().fetchrow(statements.SNAPSHOT_AND_JOB, caller.workspace_id, snapshot_uuid)
    if row is None:
        raise NotFound("No such audience snapshot.", field="id")
    job_status = JobStatus(row["job_status"]) if row["job_status"] else None
    expires_on = None
    if job_status is JobStatus.SUCCEEDED:
        expires_on = row["expired_on"] or row["finished_on"] + snapshot_lifetime()
    status = SnapshotStatus.of_job(job_status, expires_on)
    frozen = status in (SnapshotStatus.READY, SnapshotStatus.EXPIRED)
    count = row["contact_count"] if frozen else None
    return SnapshotRecord(
        row["id"], row["uuid"], row["query"], status, count, row["job_uuid"], expires_on
    )


def snapshot_lifetime() -> timedelta:
    return timedelta(seconds=get_settings().audience_snapshot_seconds)


async def _ready_snapshot(caller: Caller, snapshot_uuid: uuidlib.UUID) -> SnapshotRecord:
    snapshot = await get_snapshot(caller, snapshot_uuid)
    if snapshot.status is not SnapshotStatus.READY:
        raise InvalidState(
            f"The audience snapshot is {snapshot.status.value}: only a ready snapshot has "
            "contacts to page through."
            + (" Create a new snapshot." if snapshot.status is SnapshotStatus.EXPIRED else ""),
            field="id",
        )
    return snapshot


async def snapshot_contacts(
    caller: Caller, snapshot_uuid: uuidlib.UUID, page: PageRequest
) -> Page[ContactRecord]:
    """A ready snapshot's contacts in id order (forward paging), still scoped to the
    workspace; contacts deleted since it was frozen drop out."""
    snapshot = await _ready_snapshot(caller, snapshot_uuid)
    size = min(page.first if page.first is not None else 50, get_settings().max_page_size)
    after = decode_cursor(page.after, ID_KEY).id if page.after else 0
    rows = await sql().fetch(
        statements.SNAPSHOT_CONTACTS_PAGE,
        caller.workspace_id,
        snapshot.id,
        after,
        size + 1,
    )
    records = [ContactRecord.from_row(r) for r in rows[:size]]
    return Page(
        items=records,
        cursors=[encode_cursor(None, r.id) for r in records],
        has_next=len(rows) > size,
        has_previous=page.after is not None,
    )


async def count_snapshot_contacts(caller: Caller, snapshot_uuid: uuidlib.UUID) -> int:
    """How many contacts a ready snapshot's pages hold now (its frozen count less those
    deleted since)."""
    snapshot = await _ready_snapshot(caller, snapshot_uuid)
    count: int = await sql().fetchval(
        statements.COUNT_SNAPSHOT_CONTACTS, caller.workspace_id, snapshot.id
    )
    return count


async def expire_snapshots(kept_for: timedelta, *, batch: int = 20) -> int:
    """Deletes the frozen contacts of snapshots ready for more than `kept_for` (and any rows
    a failed or cancelled build left), marking each snapshot expired; returns how many.
    Batches are small because one snapshot can hold a whole workspace."""
    return await in_locked_batches(
        statements.EXPIRED_SNAPSHOTS, kept_for, batch=batch, handle=_expire_snapshots
    )


async def _expire_snapshots(tx: Sql, rows: list[Record]) -> int:
    ids = [r["id"] for r in rows]
    await tx.execute(statements.DELETE_SNAPSHOTS_CONTACTS, ids)
    await tx.execute(statements.MARK_SNAPSHOTS_EXPIRED, ids)
    return len(ids)
