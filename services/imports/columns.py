"""Which contact attribute, address scheme or field each column of a file fills.

Headers are matched ignoring case, surrounding spaces and the difference between spaces,
dashes and underscores: the template's names (`name`, `phone`, `email`, ... and custom field
keys), the spreadsheet convention (`URN:<scheme>`, `Field:<name or key>`, `UUID`, `Contact
UUID`, `Name`, `Language`, `Status`), the export-only columns, which are recognised and ignored,
and the headers other tools and people write (HEADER_ALIASES: `Phone Number`, `Mobile`,
`E-mail`, `Full Name`, `First Name` and `Last Name` joined into the name, `Organization`...). A
field of the workspace named like an alias keeps its column. Explicit mappings use the same
vocabulary, plus `ignore`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from normalize.urns import Scheme
from services.errors import InvalidInput
from services.fields.rules import check_field_key, clean_field_name, key_from_name
from services.fields.values import FieldDefinition
from services.imports.records import ColumnMapping, ColumnState, ImportColumn

ATTRIBUTES = ("name", "language", "status", "company", "job_title", "country", "state", "notes")
SHORTHANDS = {"phone": Scheme.TEL, "email": Scheme.MAILTO}
TEMPLATE_COLUMNS = (
    "name", "phone", "email", "language", "company", "job_title", "country", "state", "notes",
    "flags",
)  # fmt: skip
EXPORT_ONLY = ("created_on", "last_seen_on", "modified_on", "id", "contact_id")
NAME_PARTS = ("first_name", "last_name")  # joined, in this order, into the name

# Headers as people and other tools write them (in the simple form: lowercase, words joined by
# "_"), and the column each stands for.
HEADER_ALIASES: dict[str, str] = {
    "contact_uuid": "uuid",
    "full_name": "name",
    "fullname": "name",
    "contact_name": "name",
    "display_name": "name",
    "firstname": "first_name",
    "given_name": "first_name",
    "forename": "first_name",
    "lastname": "last_name",
    "surname": "last_name",
    "family_name": "last_name",
    "phone_number": "phone",
    "phone_no": "phone",
    "mobile": "phone",
    "mobile_number": "phone",
    "mobile_phone": "phone",
    "cell": "phone",
    "cell_phone": "phone",
    "cellphone": "phone",
    "telephone": "phone",
    "telephone_number": "phone",
    "msisdn": "phone",
    "e_mail": "email",
    "email_address": "email",
    "e_mail_address": "email",
    "company_name": "company",
    "organization": "company",
    "organisation": "company",
    "organization_name": "company",
    "organisation_name": "company",
    "brokerage": "company",
    "employer": "company",
    "title": "job_title",
    "position": "job_title",
    "province": "state",
    "note": "notes",
    "comments": "notes",
}
ERROR_COLUMN = "error"
IGNORE = "ignore"


class TargetKind(StrEnum):
    UUID = "uuid"
    ATTRIBUTE = "attribute"
    URN = "urn"
    FIELD = "field"
    FLAGS = "flags"
    NAME_PART = "name_part"
    IGNORE = "ignore"


@dataclass(frozen=True, slots=True)
class Target:
    """`key` is the attribute name, the scheme or the field key; `label` the canonical text."""

    kind: TargetKind
    key: str
    label: str
    new_field_name: str | None = None

    @property
    def repeatable(self) -> bool:
        return self.kind in (TargetKind.URN, TargetKind.IGNORE)


@dataclass(frozen=True, slots=True)
class Unmatched:
    reason: str


@dataclass(frozen=True, slots=True)
class ResolvedColumn:
    column: ImportColumn
    target: Target | None  # None: the column is not imported


class FieldIndex:
    """The workspace's fields by lowercase key and by lowercase name."""

    def __init__(self, fields: Sequence[FieldDefinition]) -> None:
        self.by_key = {f.key.lower(): f for f in fields}
        self.by_name = {f.name.lower(): f for f in fields}

    def find(self, ref: str) -> FieldDefinition | None:
        low = ref.lower()
        return self.by_key.get(low) or self.by_name.get(low)


def _simple(text: str) -> str:
    return re.sub(r"[\s_-]+", "_", text.strip().lower())


def _field_target(field: FieldDefinition) -> Target:
    return Target(TargetKind.FIELD, field.key, f"Field:{field.key}")


def _new_field(ref: str, fields: FieldIndex) -> Target | Unmatched:
    """A new text field named `ref`; a key-shaped ref (`a_date`) is its key, and its name is
    the key's words (`a date`)."""
    try:
        if "_" in ref and " " not in ref:
            key = check_field_key(ref.lower())
            name = clean_field_name(key.replace("_", " "))
        else:
            name = clean_field_name(ref)
            key = check_field_key(key_from_name(name))
    except InvalidInput as exc:
        return Unmatched(f"cannot become a new field: {exc.message}")
    if key in fields.by_key:
        existing = fields.by_key[key]
        return Unmatched(
            f'a field with key "{key}" already exists, named "{existing.name}": '
            f"use Field:{key} for it"
        )
    return Target(TargetKind.FIELD, key, f"Field:{key}", new_field_name=name)


def parse_target(text: str, fields: FieldIndex, *, create_fields: bool) -> Target | Unmatched:
    written = " ".join(text.split())
    low = written.lower()
    simple = _simple(written)
    prefix, colon, rest = written.partition(":")
    if colon and prefix.strip().lower() == "urn":
        try:
            scheme = Scheme(rest.strip().lower())
        except ValueError:
            known = ", ".join(Scheme)
            return Unmatched(f'has an unknown address scheme "{rest.strip()}": use one of {known}')
        return Target(TargetKind.URN, scheme.value, f"URN:{scheme.value}")
    if colon and prefix.strip().lower() == "field":
        ref = rest.strip()
        field = fields.find(ref)
        if field is not None:
            return _field_target(field)
        if create_fields:
            return _new_field(ref, fields)
        return Unmatched(f'names no field "{ref}": create the field first, or allow new fields')
    if colon and prefix.strip().lower() == "group":
        return Target(TargetKind.IGNORE, "", IGNORE)
    if simple in ATTRIBUTES:
        return Target(TargetKind.ATTRIBUTE, simple, simple)
    if simple == "uuid":
        return Target(TargetKind.UUID, "uuid", "uuid")
    if simple == "flags":
        return Target(TargetKind.FLAGS, "flags", "flags")
    if simple in NAME_PARTS:
        return Target(TargetKind.NAME_PART, simple, simple)
    if simple in SHORTHANDS:
        scheme = SHORTHANDS[simple]
        return Target(TargetKind.URN, scheme.value, f"URN:{scheme.value}")
    if low in {s.value for s in Scheme}:
        return Target(TargetKind.URN, low, f"URN:{low}")
    if simple in (*EXPORT_ONLY, ERROR_COLUMN, IGNORE):
        return Target(TargetKind.IGNORE, "", IGNORE)
    field = fields.find(written)
    if field is not None:
        return _field_target(field)
    alias = HEADER_ALIASES.get(simple)
    if alias is not None and alias != simple:
        return parse_target(alias, fields, create_fields=create_fields)
    return Unmatched("matches no contact attribute, address scheme or field")


def _ignored_reason(header: str, explicit: bool) -> str:
    if explicit:
        return "ignored as asked"
    if _simple(header) == ERROR_COLUMN:
        return "the error column of an error file; not imported"
    return "exported for reference; not imported"


def resolve_columns(
    labels: Sequence[str],
    fields: Sequence[FieldDefinition],
    *,
    mapping: Sequence[ColumnMapping] = (),
    create_fields: bool = False,
) -> list[ResolvedColumn]:
    """Raises InvalidInput when an explicit mapping names a missing column or a bad target."""
    index = FieldIndex(fields)
    by_label = {" ".join(label.split()).lower(): i for i, label in enumerate(labels)}
    explicit: dict[int, Target] = {}
    for position, choice in enumerate(mapping):
        found = by_label.get(" ".join(choice.column.split()).lower())
        if found is None:
            raise InvalidInput(
                f'The mapping names a column "{choice.column}" that is not in the file; its '
                f"columns are: {', '.join(labels)}.",
                field=f"mapping.{position}.column",
            )
        target = parse_target(choice.target, index, create_fields=create_fields)
        if isinstance(target, Unmatched):
            raise InvalidInput(f'"{choice.target}" {target.reason}.', field=f"mapping.{position}")
        explicit[found] = target

    resolved: list[ResolvedColumn] = []
    taken: dict[str, str] = {}
    for i, label in enumerate(labels):
        target = explicit.get(i) or parse_target(label, index, create_fields=create_fields)
        resolved.append(_classify(i, label, target, explicit=i in explicit, taken=taken))
    return resolved


def _classify(
    index: int, label: str, target: Target | Unmatched, *, explicit: bool, taken: dict[str, str]
) -> ResolvedColumn:
    """`taken`: the first column of each target so far (updated here)."""
    if isinstance(target, Unmatched):
        column = ImportColumn(index, label, ColumnState.UNMATCHED, reason=target.reason)
        return ResolvedColumn(column, None)
    if target.kind is TargetKind.IGNORE:
        reason = _ignored_reason(label, explicit)
        return ResolvedColumn(ImportColumn(index, label, ColumnState.IGNORED, IGNORE, reason), None)
    if not target.repeatable and target.label in taken:
        reason = f'repeats column "{taken[target.label]}" (both are {target.label})'
        column = ImportColumn(index, label, ColumnState.UNMATCHED, target.label, reason)
        return ResolvedColumn(column, None)
    taken.setdefault(target.label, label)
    new = target.new_field_name
    created = f'creates the text field "{new}"' if new else None
    column = ImportColumn(index, label, ColumnState.MATCHED, target.label, created, new)
    return ResolvedColumn(column, target)
