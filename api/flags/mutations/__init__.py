"""The flags domain's mutations, in the order the schema lists them."""

from __future__ import annotations

from api.flags.mutations.add_flags import add_flags
from api.flags.mutations.create_flag import create_flag
from api.flags.mutations.delete_flag import delete_flag
from api.flags.mutations.remove_flags import remove_flags
from api.flags.mutations.rename_flag import rename_flag

MUTATIONS = [create_flag, rename_flag, delete_flag, add_flags, remove_flags]
