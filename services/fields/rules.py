"""Naming rules for custom fields."""

from __future__ import annotations

import re

from normalize.urns import Scheme
from query.attributes import Attribute
from services.errors import InvalidInput

MAX_FIELDS = 250
MAX_LENGTH = 36
# Every attribute and address scheme a query resolves before a field key, so a field never
# hides behind one of them, plus words a query or an import column gives a meaning.
RESERVED_KEYS = frozenset(
    {attribute.value for attribute in Attribute}
    | {scheme.value for scheme in Scheme}
    | {"urns", "groups", "flags", "fields", "has", "is", "and", "or", "not", "notes", "source"}
)
KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
NAME_PATTERN = re.compile(r"^[A-Za-z0-9 \-]+$")


def clean_field_name(name: str) -> str:
    cleaned = " ".join(name.split())
    if not cleaned:
        raise InvalidInput("A field needs a name.", field="name")
    if len(cleaned) > MAX_LENGTH:
        raise InvalidInput(
            f'"{cleaned}" is {len(cleaned)} characters long; field names take at most '
            f"{MAX_LENGTH}.",
            field="name",
        )
    if not NAME_PATTERN.match(cleaned):
        raise InvalidInput(
            f'"{cleaned}" may only contain letters, digits, spaces and hyphens.', field="name"
        )
    return cleaned


def key_from_name(name: str) -> str:
    key = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")
    return key[:MAX_LENGTH].rstrip("_")


def check_field_key(key: str) -> str:
    if len(key) > MAX_LENGTH:
        raise InvalidInput(f'Key "{key}" is longer than {MAX_LENGTH} characters.', field="key")
    if not KEY_PATTERN.match(key):
        raise InvalidInput(
            f'Key "{key}" must start with a lowercase letter and contain only lowercase '
            "letters, digits and underscores.",
            field="key",
        )
    if key in RESERVED_KEYS:
        raise InvalidInput(
            f'"{key}" is a built-in contact attribute or query word; choose another key.',
            field="key",
        )
    return key
