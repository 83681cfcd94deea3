"""The imports domain's mutations, in the order the schema lists them."""

from __future__ import annotations

from api.imports.mutations.cancel_import import cancel_import
from api.imports.mutations.confirm_import import confirm_import
from api.imports.mutations.start_import import start_import

MUTATIONS = [start_import, confirm_import, cancel_import]
