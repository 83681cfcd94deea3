"""Problems a job reports about some of its contacts without failing.

Each kind of problem is one entry in `job.errors`, its counts summed over the chunks, so a
selection of a million contacts gives one readable line rather than one per chunk. The entry
remembers the highest contact id it has counted: chunks walk contacts in id order, so a chunk
that runs again counts none of its contacts twice.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from core.sql import Sql
from services.jobs import statements

Describe = Callable[[Mapping[str, int]], str]


async def tally_contact_problems(
    tx: Sql,
    job_id: int,
    *,
    code: str,
    problems: Mapping[int, str],
    through: int,
    describe: Describe,
) -> None:
    """Count `problems` (contact id -> what is wrong with it) under `code`; `through` is the
    last contact id of the chunk; `describe` words the totals for the person who ran it."""
    raw = await tx.fetchval(statements.LOCK_JOB_ERRORS, job_id)
    if raw is None:
        return
    errors: list[dict[str, Any]] = json.loads(raw)
    index = next((i for i, e in enumerate(errors) if e.get("code") == code), None)
    counted_through: int = errors[index]["through"] if index is not None else 0
    fresh = [problem for contact_id, problem in problems.items() if contact_id > counted_through]
    if not fresh:
        return
    counts: dict[str, int] = dict(errors[index]["counts"]) if index is not None else {}
    for problem in fresh:
        counts[problem] = counts.get(problem, 0) + 1
    entry = {
        "code": code,
        "counts": counts,
        "through": max(counted_through, through),
        "message": describe(counts),
    }
    if index is None:
        errors.append(entry)
    else:
        errors[index] = entry
    await tx.execute(statements.SET_JOB_ERRORS, job_id, json.dumps(errors))
