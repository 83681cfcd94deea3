"""The columns of an export, named so that the file imports back unchanged, and the SQL
that renders each of them as text (the database formats rows far faster than Python).

uuid, name, status, language, one `URN:<scheme>` column per address slot (as many as the
contact with the most addresses of that scheme needs; none in anonymous workspaces), the
built-in attributes, flags, every custom field in display order as `Field:<key>`,
created_on, last_seen_on, then one `Group:<name>` column per group asked for. Empty values
are NULL, which CSV writes as an empty cell.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from uuid import UUID

from normalize.urns import Scheme
from services.exports.records import GroupColumn
from services.exports.xlsx_file import (
    EMPTY_CELL,
    ENTITIES,
    TEXT_CELL_END,
    TEXT_CELL_START,
    XML_CONTROL_CHARACTERS,
)
from services.fields.values import FieldDefinition
from services.imports.formulas import sql_quoted

BUILT_IN = ("company", "job_title", "country", "state", "notes")
PLAIN_BUILT_IN = frozenset({"country"})  # a two-letter code
FLAG_SEPARATOR = ", "
MOMENT = "to_char({} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"


@dataclass(frozen=True, slots=True)
class _Column:
    """`plain`: the values are never more than letters, digits and punctuation XML takes as
    it is (codes, UUIDs, phone numbers, times), so XLSX cells skip escaping them."""

    sql: str
    plain: bool = False


@dataclass(frozen=True, slots=True)
class ExportColumns:
    """`urn_slots`: how many columns each scheme gets, in column order."""

    urn_slots: Sequence[tuple[Scheme, int]]
    fields: Sequence[FieldDefinition]
    groups: Sequence[GroupColumn]

    @property
    def header(self) -> list[str]:
        urns = [f"URN:{scheme.value}" for scheme, slots in self.urn_slots for _ in range(slots)]
        return [
            "uuid", "name", "status", "language", *urns, *BUILT_IN, "flags",
            *(f"Field:{f.key}" for f in self.fields),
            "created_on", "last_seen_on",
            *(f"Group:{g.name}" for g in self.groups),
        ]  # fmt: skip

    def select_list(self) -> str:
        """The CSV columns: a text a spreadsheet would run as a formula gets a leading quote
        (`services/imports/formulas.py`); plain columns never start like one."""
        return ", ".join(
            column.sql if column.plain else sql_quoted(column.sql) for column in self._columns()
        )

    def xlsx_cells(self) -> str:
        """One text per row: its cells as SpreadsheetML inline strings (`xlsx_file`), escaped
        and stripped of the control characters XML cannot hold; NULL is an empty cell."""
        return " || ".join(_xlsx_cell(column) for column in self._columns())

    def _columns(self) -> list[_Column]:
        """Text expressions over contact `c` and address arrays `a` (see `from_clause`).
        Everything inlined is generated here (scheme names, field UUIDs, group ids)."""
        urns = [
            _Column(f"a.{scheme.value}[{slot}]", plain=scheme is Scheme.TEL)
            for scheme, slots in self.urn_slots
            for slot in range(1, slots + 1)
        ]
        fields = [_Column(f"c.fields -> '{UUID(f.uuid)}' ->> 'text'") for f in self.fields]
        groups = [
            _Column(
                f"CASE WHEN EXISTS (SELECT 1 FROM group_contact m WHERE m.group_id = {int(g.id)} "
                "AND m.contact_id = c.id) THEN 'yes' END",
                plain=True,
            )
            for g in self.groups
        ]
        flags = _Column(
            f"(SELECT string_agg(f.name, '{FLAG_SEPARATOR}' ORDER BY lower(f.name)) "
            "FROM contact_flag cf JOIN flag f ON f.id = cf.flag_id WHERE cf.contact_id = c.id)"
        )
        return [
            _Column("c.uuid::text", plain=True),
            _Column("c.name"),
            _Column("c.status", plain=True),
            _Column("c.language::text", plain=True),
            *urns,
            *(_Column(f"c.{name}", plain=name in PLAIN_BUILT_IN) for name in BUILT_IN),
            flags,
            *fields,
            _Column(MOMENT.format("c.created_on"), plain=True),
            _Column(MOMENT.format("c.last_seen_on"), plain=True),
            *groups,
        ]

    def from_clause(self) -> str:
        if not self.urn_slots:
            return "contact c"
        arrays = ", ".join(
            f"array_agg(u.path ORDER BY u.priority DESC, u.id) "
            f"FILTER (WHERE u.scheme = '{scheme.value}') AS {scheme.value}"
            for scheme, _ in self.urn_slots
        )
        return (
            f"contact c CROSS JOIN LATERAL (SELECT {arrays} FROM contact_urn u "
            "WHERE u.contact_id = c.id) AS a"
        )


# The control characters as an SQL string literal (E'\x01…'), for translate() to drop.
_CONTROL_LITERAL = "E'" + "".join(f"\\x{ord(c):02x}" for c in XML_CONTROL_CHARACTERS) + "'"


def _xlsx_cell(column: _Column) -> str:
    escaped = column.sql
    if not column.plain:
        escaped = f"translate({escaped}, {_CONTROL_LITERAL}, '')"
        for char, entity in ENTITIES.items():
            escaped = f"replace({escaped}, chr({ord(char)}), '{entity}')"
    return f"coalesce('{TEXT_CELL_START}' || {escaped} || '{TEXT_CELL_END}', '{EMPTY_CELL}')"
