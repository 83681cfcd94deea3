"""The GraphiQL page and every file it loads come from the service itself."""

from __future__ import annotations

import re

import httpx

from web.graphiql import ASSETS_PATH, SCRIPTS, STYLES

HTML = {"Accept": "text/html"}


async def test_the_page_loads_only_files_the_service_serves(client: httpx.AsyncClient) -> None:
    page = await client.get("/graphql", headers=HTML)

    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    loaded = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert loaded == [f"{ASSETS_PATH}/{name}" for name in (*STYLES, *SCRIPTS)]
    assert "unpkg" not in page.text and "Cookies" not in page.text
    for path in loaded:
        asset = await client.get(path)
        assert asset.status_code == 200, path
        assert len(asset.content) > 100, path
        kind = "text/css" if path.endswith(".css") else "javascript"
        assert kind in asset.headers["content-type"], path


async def test_an_asset_outside_the_folder_is_not_served(client: httpx.AsyncClient) -> None:
    for path in (f"{ASSETS_PATH}/../views.py", f"{ASSETS_PATH}/missing.js"):
        assert (await client.get(path)).status_code == 404
