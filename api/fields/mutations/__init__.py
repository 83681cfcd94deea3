"""The fields domain's mutations, in the order the schema lists them."""

from __future__ import annotations

from api.fields.mutations.change_field_type import change_field_type
from api.fields.mutations.create_field import create_field
from api.fields.mutations.delete_field import delete_field
from api.fields.mutations.register_field_usages import register_field_usages
from api.fields.mutations.reorder_featured_fields import reorder_featured_fields
from api.fields.mutations.unregister_field_usages import unregister_field_usages
from api.fields.mutations.update_field import update_field

MUTATIONS = [
    create_field,
    update_field,
    reorder_featured_fields,
    change_field_type,
    delete_field,
    register_field_usages,
    unregister_field_usages,
]
