"""The workspace domain's mutations, in the order the schema lists them."""

from __future__ import annotations

from api.workspace.mutations.set_member_permissions import set_member_permissions

MUTATIONS = [set_member_permissions]
