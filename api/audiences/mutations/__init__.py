"""The audiences domain's mutations, in the order the schema lists them."""

from __future__ import annotations

from api.audiences.mutations.create_audience_snapshot import create_audience_snapshot

MUTATIONS = [create_audience_snapshot]
