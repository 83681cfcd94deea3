"""Positional parameters (`$n`) for compiled SQL, numbered from where the caller's end."""

from __future__ import annotations


class SqlParams:
    def __init__(self, start: int, workspace_id: int, *, among: str | None = None) -> None:
        self.among = among  # the caller's restriction of contact ids, over `{id}`
        self._start = start
        self._workspace_id = workspace_id
        self._workspace: str | None = None
        self.values: list[object] = []

    def add(self, value: object, sql_type: str) -> str:
        """A placeholder cast to `sql_type`, so the type never depends on where it is used."""
        self.values.append(value)
        return f"${self._start + len(self.values) - 1}::{sql_type}"

    @property
    def workspace(self) -> str:
        """The workspace id, for sub-selects on tables whose indexes lead with it."""
        if self._workspace is None:
            self._workspace = self.add(self._workspace_id, "bigint")
        return self._workspace
