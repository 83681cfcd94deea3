from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    EDITOR = "editor"
    VIEWER = "viewer"


class Permission(StrEnum):
    """Permissions an admin can switch off for a member; editing itself follows the role."""

    DELETE_CONTACTS = "delete_contacts"
    DELETE_ALL_CONTACTS = "delete_all_contacts"
    IMPORT = "import"
    EXPORT = "export"
    MANAGE_FIELDS = "manage_fields"


class DateFormat(StrEnum):
    DAY_FIRST = "day_first"
    MONTH_FIRST = "month_first"


class ContactStatus(StrEnum):
    ACTIVE = "active"
    ARCHIVED = "archived"
    BLOCKED = "blocked"
    STOPPED = "stopped"


class ContactSource(StrEnum):
    MANUAL = "manual"
    IMPORT = "import"
    FORM = "form"
    API = "api"
    INBOUND = "inbound"


class FieldType(StrEnum):
    TEXT = "text"
    NUMBER = "number"
    DATETIME = "datetime"


class GroupKind(StrEnum):
    MANUAL = "manual"
    SMART = "smart"


class GroupStatus(StrEnum):
    INITIALIZING = "initializing"
    EVALUATING = "evaluating"
    READY = "ready"
    INVALID = "invalid"


class JobKind(StrEnum):
    ARCHIVE_CONTACTS = "archive_contacts"
    RESTORE_CONTACTS = "restore_contacts"
    DELETE_CONTACTS = "delete_contacts"
    DELETE_ALL_CONTACTS = "delete_all_contacts"
    DELETE_FIELD_VALUES = "delete_field_values"
    REREAD_FIELD_VALUES = "reread_field_values"
    SYNC_FIELD_INDEXES = "sync_field_indexes"
    EVALUATE_GROUP = "evaluate_group"
    ADD_TO_GROUP = "add_to_group"
    REMOVE_FROM_GROUP = "remove_from_group"
    ADD_FLAGS = "add_flags"
    REMOVE_FLAGS = "remove_flags"
    AUDIENCE_SNAPSHOT = "audience_snapshot"
    VALIDATE_IMPORT = "validate_import"
    COMMIT_IMPORT = "commit_import"
    EXPORT_CONTACTS = "export_contacts"


class JobStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def is_finished(self) -> bool:
        return self in (JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED)


class ActorKind(StrEnum):
    MEMBER = "member"
    JOB = "job"
    IMPORT = "import"
    SYSTEM = "system"


class EventKind(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    URN_ADDED = "urn_added"
    URN_REMOVED = "urn_removed"
    FLAG_ADDED = "flag_added"
    FLAG_REMOVED = "flag_removed"
    STATUS_CHANGED = "status_changed"
    DELETED = "deleted"
