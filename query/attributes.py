"""The contact's built-in attributes a query can use, and what each one allows."""

from __future__ import annotations

from enum import StrEnum


class Attribute(StrEnum):
    UUID = "uuid"
    ID = "id"
    NAME = "name"
    STATUS = "status"
    LANGUAGE = "language"
    URN = "urn"
    GROUP = "group"
    FLAG = "flag"
    CREATED_ON = "created_on"
    MODIFIED_ON = "modified_on"
    LAST_SEEN_ON = "last_seen_on"
    COMPANY = "company"
    JOB_TITLE = "job_title"
    COUNTRY = "country"
    STATE = "state"


TEXT_ATTRIBUTES = frozenset(
    {Attribute.NAME, Attribute.COMPANY, Attribute.JOB_TITLE, Attribute.COUNTRY, Attribute.STATE}
)
DATETIME_ATTRIBUTES = frozenset(
    {Attribute.CREATED_ON, Attribute.MODIFIED_ON, Attribute.LAST_SEEN_ON}
)
ALWAYS_SET = frozenset(
    {Attribute.UUID, Attribute.ID, Attribute.STATUS, Attribute.CREATED_ON, Attribute.MODIFIED_ON}
)
NOT_FOR_SMART_GROUPS = frozenset({Attribute.UUID, Attribute.ID, Attribute.STATUS, Attribute.GROUP})
