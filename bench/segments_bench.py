"""Segmentation at scale: contact-list pages through the API, a smart group's full
evaluation, and what smart-group upkeep adds to a single contact update.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/contacts_bench \
    REDIS_URL=redis://127.0.0.1:6379/0 \
        .venv/bin/python bench/segments_bench.py --token <admin token from bench/dataset.py>

SQL-level timings of compiled queries: bench/query_bench.py explain.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time

from support import Api, running_service, summary, timed

LIST = """query($q: String, $search: String, $after: String) {
  contacts(first: 50, after: $after, filter: {query: $q, search: $search}) {
    edges { node { name urns { path } } } pageInfo { endCursor } } }"""
COUNT = "query($q: String) { contacts(first: 0, filter: {query: $q}) { totalCount } }"
SMART = ["age > 40 AND city = kigali", "gender = other", "district = gasabo AND gender = female",
         "score >= 900", "visits = 0"]  # fmt: skip


async def _cursor_at(api: Api, query: str | None, depth: int) -> str:
    after = None
    for _ in range(depth // 500):
        data = await api.gql(
            "query($q: String, $after: String) { contacts(first: 500, after: $after, "
            "filter: {query: $q}) { pageInfo { endCursor } } }",
            {"q": query, "after": after},
        )
        after = data["contacts"]["pageInfo"]["endCursor"]
    assert after is not None
    return after


async def _update_latency(api: Api, contact_id: str) -> list[float]:
    counter = iter(range(10_000))
    return await timed(
        lambda: api.gql(
            "mutation($id: ID!, $v: JSON) { updateContact(input: {id: $id, fields: $v}) "
            "{ __typename } }",
            {"id": contact_id, "v": {"age": str(20 + next(counter) % 60)}},
        ),
        repeat=30,
    )


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--token", required=True)
    parser.add_argument(
        "--pages-only", action="store_true", help="skip smart-group evaluation and updates"
    )
    args = parser.parse_args()
    async with running_service(args.token) as api:
        for label, q, search in [
            ("all contacts", None, None),
            ("two-field query", "city = kigali AND age > 40", None),
            ("name search", None, "fatuma"),
            ("name prefix query", "name ~ fatu", None),
            ("phone search", None, "788001"),
        ]:
            page = await timed(lambda q=q, s=search: api.gql(LIST, {"q": q, "search": s}))
            print(f"first page, {label}: {summary(page)}")
        count = await timed(lambda: api.gql(COUNT, {"q": "city = kigali AND age > 40"}), repeat=5)
        print(f"count, two-field query: {summary(count)}")
        for label, q in [("all contacts", None), ("two-field query", "city = kigali AND age > 40")]:
            cursor = await _cursor_at(api, q, 10_000)
            deep = await timed(lambda q=q, c=cursor: api.gql(LIST, {"q": q, "after": c}))
            print(f"page 10,000 rows deep, {label}: {summary(deep)}")
        if args.pages_only:
            return

        smart = await api.gql("{ groups(kind: SMART) { id } }")
        if smart["groups"]:
            sys.exit(f"the workspace already has {len(smart['groups'])} smart groups: delete them")
        first_id = await api.gql("{ contacts(first: 1) { edges { node { id } } } }")
        contact_id = first_id["contacts"]["edges"][0]["node"]["id"]
        before = await _update_latency(api, contact_id)
        print(f"updateContact, no smart groups: {summary(before)}")
        created: list[str] = []
        try:
            for n, query in enumerate(SMART):
                started = time.perf_counter()
                data = await api.gql(
                    "mutation($n: String!, $q: String!) { createGroup(input: "
                    "{name: $n, query: $q}) { ... on GroupSaved { group { id } } } }",
                    {"n": f"Bench smart {n} {time.time():.0f}", "q": query},
                )
                created.append(group_id := data["createGroup"]["group"]["id"])
                jobs = await api.gql(
                    "{ jobs(first: 1, kind: [EVALUATE_GROUP]) { edges { node { id } } } }"
                )
                status, _ = await api.wait_for_job(jobs["jobs"]["edges"][0]["node"]["id"])
                size = await api.gql(
                    "query($id: ID!) { group(id: $id) { memberCount status } }", {"id": group_id}
                )
                print(f"smart group {query!r}: {status} with {size['group']['memberCount']:,} "
                      f"members in {time.perf_counter() - started:.1f} s")  # fmt: skip
            after = await _update_latency(api, contact_id)
            print(f"updateContact, {len(SMART)} smart groups: {summary(after)}")
        finally:
            for group_id in created:
                await api.gql("mutation($id: ID!) { deleteGroup(id: $id) { __typename } }",
                              {"id": group_id})  # fmt: skip


if __name__ == "__main__":
    asyncio.run(main())
