"""Custom fields at scale: ordering contacts by a featured field (first page and a page deep
in the list) and deleting a field that every contact has a value for.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/contacts_bench \
    REDIS_URL=redis://127.0.0.1:6379/0 \
        .venv/bin/python bench/fields_bench.py --token <admin token from bench/dataset.py>

Run on a dataset from bench/dataset.py; `--delete` removes the `plan` field (irreversible).
"""

from __future__ import annotations

import argparse
import asyncio
import time

from support import Api, running_service, summary, timed

from services.fields.sorting import sync_sort_indexes

PAGE = """query($key: String!, $d: SortDirection!, $after: String) {
  contacts(first: 50, after: $after, order: {fieldKey: $key, direction: $d}) {
    edges { node { name featuredFields { text } } } pageInfo { endCursor } } }"""


async def _cursor_at(api: Api, key: str, direction: str, depth: int) -> str:
    after = None
    walked = 0
    while walked < depth:
        data = await api.gql(
            """query($key: String!, $d: SortDirection!, $after: String) {
                contacts(first: 500, after: $after, order: {fieldKey: $key, direction: $d}) {
                  pageInfo { endCursor } } }""",
            {"key": key, "d": direction, "after": after},
        )
        after = data["contacts"]["pageInfo"]["endCursor"]
        walked += 500
    assert after is not None
    return after


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--token", required=True)
    parser.add_argument("--depth", type=int, default=10_000)
    parser.add_argument("--delete", action="store_true")
    args = parser.parse_args()
    async with running_service(args.token) as api:
        started = time.perf_counter()
        created, dropped = await sync_sort_indexes()
        print(f"sort indexes for featured fields: {created} built in "
              f"{time.perf_counter() - started:.1f} s")  # fmt: skip
        for key in ("age", "district", "joined"):
            for direction in ("ASC", "DESC"):
                first = await timed(
                    lambda k=key, d=direction: api.gql(PAGE, {"key": k, "d": d, "after": None})
                )
                cursor = await _cursor_at(api, key, direction, args.depth)
                deep = await timed(
                    lambda k=key, d=direction, c=cursor: api.gql(
                        PAGE, {"key": k, "d": d, "after": c}
                    )
                )
                print(f"order by {key} {direction}: first page {summary(first)}; "
                      f"page at {args.depth:,}: {summary(deep)}")  # fmt: skip
        if args.delete:
            started = time.perf_counter()
            data = await api.gql(
                """mutation { deleteField(key: "plan") { __typename
                    ... on FieldDeleted { job { id progress { total } } } } }"""
            )
            result = data["deleteField"]
            accepted = time.perf_counter() - started
            status, elapsed = await api.wait_for_job(result["job"]["id"])
            total = result["job"]["progress"]["total"]
            print(f"delete field with {total:,} values: accepted in {accepted * 1000:.0f} ms, "
                  f"job {status} after {elapsed:.1f} s")  # fmt: skip


if __name__ == "__main__":
    asyncio.run(main())
