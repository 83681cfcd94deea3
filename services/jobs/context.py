from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from core.sql import Sql
from models import Workspace


@dataclass(frozen=True, slots=True)
class JobContext:
    id: int
    workspace: Workspace
    member_id: int | None
    params: dict[str, Any]

    @property
    def workspace_id(self) -> int:
        return int(self.workspace.id)


@dataclass(frozen=True, slots=True)
class ChunkOutcome:
    changed: int
    skipped: int


class Targets(StrEnum):
    FROZEN = "frozen"  # the contacts frozen in job_target when the job was created
    WORKSPACE = "workspace"  # every contact of the workspace, walked by id
    NONE = "none"  # one idempotent step, no contacts


ChunkHandler = Callable[[Sql, JobContext, list[int]], Awaitable[ChunkOutcome]]
Finisher = Callable[[Sql, JobContext], Awaitable[None]]


async def _nothing(tx: Sql, job: JobContext) -> None:
    return None


@dataclass(frozen=True, slots=True)
class JobHandler:
    chunk: ChunkHandler
    targets: Targets = Targets.FROZEN
    finish: Finisher = field(default=_nothing)
    # Undoes what the chunks left behind when a started job ends cancelled or failed, in the
    # transaction that records that end. A job cancelled while queued has run no chunk.
    discard: Finisher = field(default=_nothing)
    # The one step of a `Targets.NONE` job runs before its step's transaction, on connections
    # of its own, instead of inside it: for statements PostgreSQL refuses in a transaction
    # block (CREATE INDEX CONCURRENTLY), which would also wait on that open transaction. The
    # step must be idempotent: a worker that dies before the checkpoint commits runs it again.
    outside_transaction: bool = False

    @property
    def keeps_partial_work(self) -> bool:
        return self.discard is _nothing
