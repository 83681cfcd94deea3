"""`python -m api.sdl` rewrites schema.graphql, the committed SDL of the API."""

from __future__ import annotations

from pathlib import Path

from api.schema import build_schema
from core.settings import Settings

SDL_PATH = Path(__file__).resolve().parent.parent / "schema.graphql"


def render_sdl() -> str:
    schema = build_schema(Settings(database_url="unused", redis_url="unused"))
    return schema.as_str().rstrip() + "\n"


def main() -> None:
    SDL_PATH.write_text(render_sdl())
    print(f"wrote {SDL_PATH}")


if __name__ == "__main__":
    main()
