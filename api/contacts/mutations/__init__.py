"""The contacts domain's mutations, in the order the schema lists them."""

from __future__ import annotations

from api.contacts.mutations.archive_contacts import archive_contacts
from api.contacts.mutations.create_contact import create_contact
from api.contacts.mutations.delete_all_contacts import delete_all_contacts
from api.contacts.mutations.delete_contact import delete_contact
from api.contacts.mutations.delete_contacts import delete_contacts
from api.contacts.mutations.restore_contacts import restore_contacts
from api.contacts.mutations.update_contact import update_contact

MUTATIONS = [
    create_contact,
    update_contact,
    delete_contact,
    archive_contacts,
    restore_contacts,
    delete_contacts,
    delete_all_contacts,
]
