from __future__ import annotations

from api.sdl import SDL_PATH, render_sdl


def test_committed_schema_is_current() -> None:
    assert SDL_PATH.read_text() == render_sdl(), (
        "schema.graphql is stale: run `python -m api.sdl` and commit the result"
    )
