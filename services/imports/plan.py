"""From a file's column labels and the workspace to the rules every row is read with."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from models import Workspace
from models.enums import FieldType
from services.errors import InvalidInput
from services.fields.values import FieldDefinition
from services.imports.columns import ResolvedColumn, Target, TargetKind, resolve_columns
from services.imports.records import ImportColumn, ImportOptions
from services.imports.row_rules import RowRules


@dataclass(frozen=True, slots=True)
class ImportPlan:
    resolved: list[ResolvedColumn]
    rules: RowRules
    uuid_label: str | None
    used_fields: list[FieldDefinition]
    new_fields: list[Target]

    @property
    def columns(self) -> list[ImportColumn]:
        return [r.column for r in self.resolved]

    @property
    def reading_types(self) -> dict[int, str]:
        """The types the rows' search readings are computed by, for existing fields."""
        return {f.id: f.value_type.value for f in self.used_fields}


def _new_text_field(target: Target) -> FieldDefinition:
    name = target.new_field_name or target.key
    return FieldDefinition(0, "", target.key, name, FieldType.TEXT, False, None)


def plan_import(
    labels: Sequence[str],
    workspace: Workspace,
    fields: Sequence[FieldDefinition],
    options: ImportOptions,
) -> ImportPlan:
    """Raises InvalidInput for a bad explicit mapping or a file where no column matches."""
    resolved = resolve_columns(
        labels, fields, mapping=options.mapping, create_fields=options.create_unknown_fields
    )
    targets = [r.target for r in resolved]
    if not any(targets):
        raise InvalidInput(
            "No column of the file matches a contact attribute, address or field (columns: "
            f"{', '.join(labels)}). Name the columns as in the template (name, phone, email, "
            "...), or pass a mapping.",
            field="mapping",
        )
    by_key = {f.key: f for f in fields}
    used = [t for t in targets if t is not None and t.kind is TargetKind.FIELD]
    new_fields = [t for t in used if t.new_field_name is not None]
    definitions = {**by_key, **{t.key: _new_text_field(t) for t in new_fields}}
    uuid_label = next(
        (r.column.header for r in resolved if r.target and r.target.kind is TargetKind.UUID),
        None,
    )
    rules = RowRules(
        targets=tuple(targets),
        labels=tuple(labels),
        country=workspace.country,
        date_format=workspace.date_format,
        timezone=workspace.timezone,
        fields={t.key: definitions[t.key] for t in used},
    )
    used_fields = [by_key[t.key] for t in used if t.new_field_name is None]
    return ImportPlan(resolved, rules, uuid_label, used_fields, new_fields)
