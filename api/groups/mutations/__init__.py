"""The groups domain's mutations, in the order the schema lists them."""

from __future__ import annotations

from api.groups.mutations.add_contacts_to_group import add_contacts_to_group
from api.groups.mutations.add_to_group import add_to_group
from api.groups.mutations.create_group import create_group
from api.groups.mutations.delete_group import delete_group
from api.groups.mutations.register_group_usages import register_group_usages
from api.groups.mutations.remove_contacts_from_group import remove_contacts_from_group
from api.groups.mutations.remove_from_group import remove_from_group
from api.groups.mutations.unregister_group_usages import unregister_group_usages
from api.groups.mutations.update_group import update_group

MUTATIONS = [
    create_group,
    update_group,
    delete_group,
    add_contacts_to_group,
    remove_contacts_from_group,
    add_to_group,
    remove_from_group,
    register_group_usages,
    unregister_group_usages,
]
