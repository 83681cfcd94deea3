"""A contact's addresses: parsing, uniqueness per workspace, and replacement."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from core.sql import Sql
from normalize.errors import InvalidValue
from normalize.urns import Scheme, format_urn, parse_urn
from services.contacts import statements
from services.errors import DuplicateURN, InvalidInput


@dataclass(frozen=True, slots=True)
class ParsedURN:
    scheme: Scheme
    path: str

    @property
    def identity(self) -> str:
        return format_urn(self.scheme, self.path)


def parse_urns(raw: Sequence[str], *, country: str) -> list[ParsedURN]:
    """Parse and normalize in priority order, dropping repeats of the same address."""
    parsed: dict[str, ParsedURN] = {}
    for index, text in enumerate(raw):
        try:
            scheme, path = parse_urn(text, country=country)
        except InvalidValue as exc:
            raise InvalidInput(f"Address {index + 1}: {exc}", field="urns") from exc
        urn = ParsedURN(scheme, path)
        parsed.setdefault(urn.identity, urn)
    return list(parsed.values())


async def check_urns_free(
    tx: Sql,
    *,
    workspace_id: int,
    urns: Sequence[ParsedURN],
    contact_id: int | None,
    anonymous: bool,
) -> None:
    """Refuse addresses that already belong to another contact, naming that contact unless
    the workspace hides addresses (`anonymous`): there, who owns an address stays unsaid."""
    if not urns:
        return
    row = await tx.fetchrow(
        statements.URN_OWNER,
        workspace_id,
        [u.scheme.value for u in urns],
        [u.path for u in urns],
        contact_id,
    )
    if row is not None:
        identity = f"{row['scheme']}:{row['path']}"
        if anonymous:
            raise DuplicateURN(
                f"{identity} already belongs to another contact.",
                field="urns",
                urn=identity,
                contact_uuid=None,
            )
        owner = f'"{row["name"]}"' if row["name"] else "another contact"
        raise DuplicateURN(
            f"{identity} already belongs to {owner} ({row['uuid']}).",
            field="urns",
            urn=identity,
            contact_uuid=str(row["uuid"]),
        )


async def replace_urns(
    tx: Sql, *, workspace_id: int, contact_id: int, urns: Sequence[ParsedURN], anonymous: bool
) -> tuple[list[str], list[str]]:
    """Make the contact's addresses exactly `urns` (first = highest priority).

    Returns the identities added and removed, for history.
    """
    current = await tx.fetch(statements.URNS_OF_CONTACT, contact_id)
    before = {f"{r['scheme']}:{r['path']}" for r in current}
    after = [u.identity for u in urns]
    removed = sorted(before - set(after))
    added = [identity for identity in after if identity not in before]
    if removed:
        await tx.execute(statements.DELETE_URNS, contact_id, removed)
    count = len(urns)
    written = await tx.fetch(
        statements.UPSERT_URNS,
        workspace_id,
        contact_id,
        [u.scheme.value for u in urns],
        [u.path for u in urns],
        [count - i for i in range(count)],
    )
    if len(written) < count:
        # Another transaction took one of the addresses after our check: name its owner.
        await check_urns_free(
            tx, workspace_id=workspace_id, urns=urns, contact_id=contact_id, anonymous=anonymous
        )
    return added, removed
