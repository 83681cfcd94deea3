"""Starting contact jobs and reading jobs through the API, for the tests that need a job."""

from __future__ import annotations

from typing import Any

import httpx

from tests.factories import Session, data_of, gql

JOB_FIELDS = """
    id kind status progress { done total percent } changedCount skippedCount
    errors { message } cancelRequested createdBy startedOn finishedOn
"""


def bulk(mutation: str) -> str:
    return f"""
    mutation($ids: [ID!], $filter: ContactFilterInput) {{
      {mutation}(selection: {{ids: $ids, filter: $filter}}) {{
        __typename
        ... on JobStarted {{ job {{ {JOB_FIELDS} }} }}
        ... on UserError {{ message code field }}
      }}
    }}
    """


JOB = f"query($id: ID!) {{ job(id: $id) {{ {JOB_FIELDS} }} }}"

CANCEL = f"""
mutation($id: ID!) {{
  cancelJob(id: $id) {{
    __typename
    ... on JobCancelled {{ job {{ {JOB_FIELDS} }} }}
    ... on UserError {{ message code field }}
  }}
}}
"""


async def start(
    client: httpx.AsyncClient,
    session: Session,
    mutation: str,
    *,
    ids: list[str] | None = None,
    filter: dict[str, Any] | None = None,
) -> dict[str, Any]:
    body = await gql(client, session, bulk(mutation), {"ids": ids, "filter": filter})
    result: dict[str, Any] = data_of(body)[mutation]
    return result


async def read_job(client: httpx.AsyncClient, session: Session, job_id: str) -> dict[str, Any]:
    job: dict[str, Any] = data_of(await gql(client, session, JOB, {"id": job_id}))["job"]
    return job


def progress(job: dict[str, Any]) -> tuple[str, int, int, int, int]:
    """status, done, total, changed, skipped."""
    return (
        job["status"],
        job["progress"]["done"],
        job["progress"]["total"],
        job["changedCount"],
        job["skippedCount"],
    )
