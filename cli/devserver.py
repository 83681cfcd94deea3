"""`contacts dev`: one command from a fresh clone to a running API with a worker.

The API and the worker run as child processes (`contacts serve`, `contacts worker`): the
same commands production runs, each on its own core, while this process owns the embedded
servers and outlives both children so neither loses its database while shutting down.
"""

from __future__ import annotations

import asyncio
import os
import sys
import urllib.error
import urllib.request
from dataclasses import dataclass

from rich.console import Console

from core.database import close_database, init_database
from core.embedded import ServiceURLs, data_folder, resolve_service_urls, stop_embedded_servers
from core.migrate import apply_migrations
from core.settings import Settings
from core.supervisor import Supervisor
from models.enums import Role
from services.access.tokens import issue_token
from services.access.workspaces import create_workspace, first_workspace

DEMO_WORKSPACE_NAME = "Demo"
DEMO_WORKSPACE_COUNTRY = "US"
DEMO_ADMIN_NAME = "Admin"


@dataclass(frozen=True)
class DemoAccess:
    workspace_name: str
    workspace_id: str
    # Only set on the start that created the workspace: tokens are stored hashed.
    admin_token: str | None


def run_dev(settings: Settings, *, host: str, port: int, console: Console) -> int:
    try:
        urls = resolve_service_urls(settings)
        _describe_services(settings, console)
        access = asyncio.run(prepare_database(urls.database_url))
        console.print("Starting the API and the worker...")
        announced = False

        def announce() -> None:
            nonlocal announced
            announced = True
            _print_banner(access, host=host, port=port, console=console)

        supervisor = Supervisor(
            {
                "API": _cli_command("serve", "--host", host, "--port", str(port)),
                "worker": _cli_command("worker"),
            },
            env=_child_environment(urls),
            on_stopping=lambda message: console.print(message, style="yellow"),
            ready=lambda: _answers_health_check(host, port),
            on_ready=announce,
        )
        code = supervisor.run()
        if not announced and access.admin_token is not None:  # never lose the one token
            _print_banner(access, host=host, port=port, console=console)
        return code
    finally:
        stop_embedded_servers()


async def prepare_database(database_url: str) -> DemoAccess:
    """Migrate, then create the demo workspace and its admin token on the first start."""
    await apply_migrations(database_url)
    await close_database()
    await init_database(database_url, pool_max=2)
    try:
        workspace = await first_workspace()
        token = None
        if workspace is None:
            workspace = await create_workspace(
                name=DEMO_WORKSPACE_NAME, country=DEMO_WORKSPACE_COUNTRY
            )
            issued = await issue_token(
                workspace=workspace, role=Role.ADMIN, member_name=DEMO_ADMIN_NAME
            )
            token = issued.token
        return DemoAccess(workspace.name, str(workspace.uuid), token)
    finally:
        await close_database()


def _describe_services(settings: Settings, console: Console) -> None:
    embedded = [
        name
        for name, url in (("PostgreSQL", settings.database_url), ("Redis", settings.redis_url))
        if not url
    ]
    if embedded:
        names = " and ".join(embedded)
        console.print(f"Embedded {names} with data in {data_folder(settings)}", highlight=False)


def _local(host: str) -> str:
    """The address to reach a server listening on `host` from this machine."""
    return "127.0.0.1" if host in ("0.0.0.0", "::") else host


def _answers_health_check(host: str, port: int) -> bool:
    """True once the API answers /healthz (even "degraded": it then says what is down)."""
    try:
        with urllib.request.urlopen(f"http://{_local(host)}:{port}/healthz", timeout=0.5):
            return True
    except urllib.error.HTTPError:
        return True
    except OSError:
        return False


def _print_banner(access: DemoAccess, *, host: str, port: int, console: Console) -> None:
    console.print(f"\nGraphiQL: http://{_local(host)}:{port}/graphql", style="bold")
    console.print(f'Workspace "{access.workspace_name}" (ID {access.workspace_id})')
    if access.admin_token is not None:
        console.print(f"Admin API token (shown once): {access.admin_token}", style="bold green")
        console.print(
            f"Send it as the header 'Authorization: Bearer {access.admin_token}'; in GraphiQL,"
            f' open the Headers tab and enter {{"Authorization": "Bearer {access.admin_token}"}}'
        )
    else:
        console.print(
            "Its admin token was shown on the first start. For a new one run:\n"
            f"  contacts token create --workspace {access.workspace_id} --role admin"
        )
    console.print("Press Ctrl-C to stop.\n")


def _cli_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "cli.main", *args]


def _child_environment(urls: ServiceURLs) -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": urls.database_url, "REDIS_URL": urls.redis_url}
