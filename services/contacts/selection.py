from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from uuid import UUID

from core.sqlbuilder import Params
from services.contacts.filters import ContactFilter, filter_sql


@dataclass(frozen=True, slots=True)
class ContactSelection:
    """Which contacts a bulk action takes: explicit IDs, or every contact matching a filter."""

    uuids: Sequence[UUID] | None = None
    filter: ContactFilter | None = None

    def to_filter(self) -> ContactFilter:
        base = self.filter or ContactFilter()
        if self.uuids is None:
            return base
        return replace(base, uuids=list(self.uuids))


def selection_sql(workspace_id: int, selection: ContactSelection, params: Params) -> str:
    return filter_sql(workspace_id, selection.to_filter(), params)
