"""GraphiQL in a real browser with no network beyond this machine: headless Chromium opens
/graphql, every file the page loads comes from the service, the token goes in the headers
editor, the query runs, and its result shows on the page.

    DATABASE_URL=postgres://... REDIS_URL=redis://... .venv/bin/python scripts/browser_check.py

Uses Debian's `chromium` (CHROMIUM=path to use another). Exits 0 when the check passes.
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import asyncpg  # noqa: E402
import httpx  # noqa: E402
from playwright.async_api import Request, async_playwright  # noqa: E402
from smoke_embedded import free_port  # noqa: E402  (the script beside this one)

from core.database import close_database, init_database  # noqa: E402
from core.migrate import apply_migrations  # noqa: E402
from models.enums import Role  # noqa: E402
from services.access.tokens import issue_token  # noqa: E402
from services.access.workspaces import create_workspace  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
QUERY = "{ me { workspace { name } member { name } } }"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-background-networking"]  # fmt: skip


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return parts._replace(path=f"/{name}").geturl()


async def _prepare(database_url: str) -> str:
    """A fresh database with one workspace; its admin token."""
    await apply_migrations(database_url)
    await init_database(database_url, pool_max=2)
    try:
        workspace = await create_workspace(name="Browser Check", country="RW")
        issued = await issue_token(workspace=workspace, role=Role.ADMIN, member_name="Checker")
        return issued.token
    finally:
        await close_database()


async def _check(port: int, token: str) -> None:
    page_url = f"http://127.0.0.1:{port}/graphql#" + urlencode(
        {"query": QUERY, "headers": json.dumps({"Authorization": f"Bearer {token}"})}
    )
    outside: list[str] = []
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=os.environ.get("CHROMIUM") or shutil.which("chromium"), args=FLAGS
        )
        try:
            page = await browser.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))

            def note(request: Request) -> None:
                if not request.url.startswith(f"http://127.0.0.1:{port}/"):
                    outside.append(request.url)

            page.on("request", note)
            # Nothing may leave this machine: any other host is refused.
            await page.route(
                "**/*",
                lambda route: (
                    route.continue_()
                    if route.request.url.startswith(f"http://127.0.0.1:{port}/")
                    else route.abort()
                ),
            )
            await page.goto(page_url, wait_until="load")
            button = page.locator(".graphiql-execute-button")
            await button.wait_for(timeout=20_000)
            await button.click()
            result = page.locator(".graphiql-response")
            await result.get_by_text('"Browser Check"').wait_for(timeout=20_000)
            shown = await result.inner_text()
            assert '"Checker"' in shown, shown
            assert not errors, errors
        finally:
            await browser.close()
    assert not outside, f"the page asked for files from elsewhere: {outside}"


def main() -> int:
    server_url = os.environ.get("DATABASE_URL")
    redis_url = os.environ.get("REDIS_URL")
    if not server_url or not redis_url:
        print("DATABASE_URL and REDIS_URL must name a PostgreSQL server and Redis.")
        return 2
    name = f"contacts_browser_{secrets.token_hex(4)}"
    admin_url = server_url.replace("postgres://", "postgresql://", 1)

    async def create() -> None:
        conn = await asyncpg.connect(admin_url)
        await conn.execute(f'CREATE DATABASE "{name}"')
        await conn.close()

    async def drop() -> None:
        conn = await asyncpg.connect(admin_url)
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.close()

    asyncio.run(create())
    database_url = _with_database(server_url, name)
    port = free_port()
    server = None
    try:
        token = asyncio.run(_prepare(database_url))
        env = {**os.environ, "DATABASE_URL": database_url, "REDIS_URL": redis_url,
               "ENVIRONMENT": "development"}  # fmt: skip
        server = subprocess.Popen(
            [sys.executable, "-m", "cli.main", "serve", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                print("the API did not start")
                return 1
            time.sleep(0.2)
        started = time.monotonic()
        asyncio.run(_check(port, token))
        print(f"GraphiQL ran a query in headless Chromium in {time.monotonic() - started:.1f} s")
        return 0
    finally:
        if server is not None and server.poll() is None:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=20)
        asyncio.run(drop())


if __name__ == "__main__":
    raise SystemExit(main())
