"""How a list decides to read its search term: by the ids of the few contacts it matches, or
row by row when it matches many."""

from __future__ import annotations

import pytest

from services.contacts import filters as contact_filters
from services.contacts.filters import ContactFilter, resolve_search
from tests.factories import create_contact, create_session


async def test_a_rare_term_resolves_to_the_ids_it_matches() -> None:
    session = await create_session()
    ann = await create_contact(session, "Ann Mugisha", urns=["tel:0788 383 383"])
    bob = await create_contact(session, "Bob", urns=["mailto:mugisha@example.com"])
    await create_contact(session, "Cy")
    resolved = await resolve_search(session.workspace.id, ContactFilter(search=" MUGISHA "))
    assert not resolved.dense_search
    assert resolved.search_ids == sorted([ann.id, bob.id])


async def test_a_term_without_matches_resolves_to_no_ids() -> None:
    session = await create_session()
    await create_contact(session, "Ann")
    resolved = await resolve_search(session.workspace.id, ContactFilter(search="0799"))
    assert resolved.search_ids == []


async def test_a_term_the_planner_expects_often_is_tested_row_by_row(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    session = await create_session()
    await create_contact(session, "Ann")
    monkeypatch.setattr(contact_filters, "DENSE_SEARCH", -1)
    resolved = await resolve_search(session.workspace.id, ContactFilter(search="ann"))
    assert resolved.dense_search
    assert resolved.search_ids is None


async def test_more_matches_than_planned_still_reads_row_by_row(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    session = await create_session()
    for name in ("Ann One", "Ann Two", "Ann Three"):
        await create_contact(session, name)
    monkeypatch.setattr(contact_filters, "DENSE_SEARCH", 2)
    monkeypatch.setattr(contact_filters, "_planned_rows", lambda plan: 0.0)
    resolved = await resolve_search(session.workspace.id, ContactFilter(search="ann"))
    assert resolved.dense_search
    assert resolved.search_ids is None


async def test_other_workspaces_are_never_matched() -> None:
    ours, theirs = await create_session(), await create_session()
    await create_contact(theirs, "Ann")
    resolved = await resolve_search(ours.workspace.id, ContactFilter(search="ann"))
    assert resolved.search_ids == []
