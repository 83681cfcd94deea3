"""The jobs domain's mutations, in the order the schema lists them."""

from __future__ import annotations

from api.jobs.mutations.cancel_job import cancel_job

MUTATIONS = [cancel_job]
