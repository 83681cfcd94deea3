"""core.sql: the transaction helper and plan caching scoped to a block of bulk writes."""

from __future__ import annotations

import pytest

from core.sql import cached_plans, sql, transaction

pytestmark = pytest.mark.usefixtures("settings")  # the session's database


async def _plan_cache_mode() -> str:
    mode: str = await sql().fetchval("SELECT current_setting('plan_cache_mode')")
    return mode


async def test_cached_plans_hold_inside_their_block_only() -> None:
    database_default = await _plan_cache_mode()
    async with transaction() as tx:
        async with cached_plans(tx):
            inside = await tx.fetchval("SELECT current_setting('plan_cache_mode')")
        after = await tx.fetchval("SELECT current_setting('plan_cache_mode')")
    assert database_default == "force_custom_plan"  # migration 0007
    assert (inside, after) == ("auto", "force_custom_plan")
    assert await _plan_cache_mode() == database_default


async def test_a_failed_block_leaves_the_setting_to_the_rollback() -> None:
    with pytest.raises(RuntimeError):
        async with transaction() as tx, cached_plans(tx):
            raise RuntimeError("boom")
    assert await _plan_cache_mode() == "force_custom_plan"


async def test_sql_inside_a_transaction_block_joins_it() -> None:
    async with transaction() as tx:
        own = await tx.fetchval("SELECT txid_current()")
        joined = await sql().fetchval("SELECT txid_current_if_assigned()")
    assert joined == own
