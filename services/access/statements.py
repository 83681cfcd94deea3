"""Every statement the access domain sends, in one place. `$n` parameters are named beside
each."""

from __future__ import annotations

# Every workspace with how many contacts it holds (whatever their status), oldest first.
WORKSPACES_WITH_COUNTS = """
    SELECT w.id, (SELECT count(*) FROM contact c WHERE c.workspace_id = w.id) AS contacts
    FROM workspace w ORDER BY w.created_on, w.id
"""
