from __future__ import annotations

from dataclasses import dataclass

from models import Member, Workspace
from models.enums import Permission, Role
from services.errors import PermissionDenied


@dataclass(frozen=True, slots=True)
class Caller:
    """Who is asking: every service call is scoped to `workspace` and checked against `member`."""

    workspace: Workspace
    member: Member

    @property
    def workspace_id(self) -> int:
        return int(self.workspace.id)

    def require_editor(self) -> None:
        if self.member.role is Role.VIEWER:
            raise PermissionDenied("Viewers can read contacts but cannot change anything.")

    def require_admin(self) -> None:
        if self.member.role is not Role.ADMIN:
            raise PermissionDenied("Only workspace admins can do this.")

    def require(self, permission: Permission) -> None:
        self.require_editor()
        if not self.member.can(permission):
            label = permission.value.replace("_", " ")
            raise PermissionDenied(f"Your permission to {label} has been switched off by an admin.")
