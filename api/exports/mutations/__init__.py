"""The exports domain's mutations, in the order the schema lists them."""

from __future__ import annotations

from api.exports.mutations.start_export import start_export

MUTATIONS = [start_export]
