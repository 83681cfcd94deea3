"""What `contacts import` and `contacts export` share: the database, the admin they act as,
jobs run in this process with a progress bar fed by the job row, and errors told in one line.

The jobs are created exactly as the API creates them and run through the same job runner the
worker uses. Summaries go to stderr; nothing but the export's path goes to stdout.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from contextlib import asynccontextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, TypeVar

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn
from rich.text import Text

from models.enums import JobStatus

if TYPE_CHECKING:
    from models import Job
    from services.access.caller import Caller

messages = Console(stderr=True, markup=False, highlight=False, soft_wrap=True)
WorkspaceOption = Annotated[str, typer.Option("--workspace", help="The workspace's ID (a UUID).")]


def fail(message: str) -> NoReturn:
    messages.print(Text.assemble(("Error: ", "bold red"), message))
    raise typer.Exit(1)


def counted(count: int, noun: str) -> str:
    """`1 row`, `2 rows`: a count with its noun, plural unless the count is one."""
    return f"{count} {noun if count == 1 else noun + 's'}"


def check_writable(path: Path) -> None:
    """Fails at once when `path` cannot be written, so no work is done for nothing."""
    if path.is_dir():
        fail(f"{path} is a folder; name a file to write.")
    folder = path.parent
    if not folder.is_dir():
        fail(f"Cannot write {path}: the folder {folder} does not exist.")
    target = path if path.exists() else folder
    if not os.access(target, os.W_OK):
        fail(f"Cannot write {path}: permission denied.")


def write_failed(path: Path, exc: OSError, outcome: str) -> NoReturn:
    fail(f"Cannot write {path}: {exc.strerror or exc}. {outcome}")


@asynccontextmanager
async def database() -> AsyncIterator[None]:
    from core.database import close_database, init_database
    from core.embedded import resolve_database_url
    from core.migrate import apply_migrations
    from core.settings import get_settings

    settings = get_settings()
    database_url = resolve_database_url(settings)
    if not settings.database_url:
        await apply_migrations(database_url)
    await init_database(database_url, pool_max=4)
    try:
        yield
    finally:
        await close_database()


async def admin_caller(workspace_id: str) -> Caller:
    from models import Member, Workspace
    from models.enums import Role
    from services.access.caller import Caller
    from services.access.workspaces import get_workspace_by_uuid

    workspace: Workspace | None = await get_workspace_by_uuid(workspace_id)
    if workspace is None:
        fail(f"No workspace with ID {workspace_id!r}.")
    admin = await Member.filter(workspace_id=workspace.id, role=Role.ADMIN).order_by("id").first()
    if admin is None:
        fail("The workspace has no admin to act as; `contacts token create --role admin`.")
    return Caller(workspace=workspace, member=admin)


async def _run_job(job: Job) -> JobStatus | None:
    from core.settings import get_settings
    from services.dispatch.runner import run_job

    try:
        return await run_job(str(job.uuid), chunk_size=get_settings().job_chunk_size)
    except KeyboardInterrupt:  # a process the job works in got the Ctrl-C too
        return None


async def run_with_progress(
    job: Job, label: str, *, stop: Callable[[], Awaitable[None]] | None = None
) -> JobStatus:
    """Runs the job as the worker would, drawing its progress from the job row.

    When interrupted (Ctrl-C), `stop` asks the job to stop and the job is let end itself."""
    from services.jobs.progress import end_stopped_job, read_progress

    columns = (TextColumn(label), BarColumn(), TaskProgressColumn(), TimeElapsedColumn())
    with Progress(*columns, console=messages, transient=False) as progress:
        task = progress.add_task(label, total=None)
        work = asyncio.ensure_future(_run_job(job))
        try:
            while not work.done():
                now = await read_progress(job.id)
                if now.total:
                    progress.update(task, completed=now.done, total=now.total)
                await asyncio.wait([work], timeout=0.2)
        except asyncio.CancelledError:
            if stop is not None:
                await stop()
                await asyncio.wait([work])
                if work.result() is None:  # it stopped short of recording how it ended
                    await end_stopped_job(job.id)
            raise
        status = work.result() or JobStatus.FAILED
        done = (await read_progress(job.id)).done
        progress.update(task, completed=done, total=max(done, 1))
    return status


T = TypeVar("T")


async def uninterrupted(work: Awaitable[T]) -> tuple[T, bool]:
    """Lets `work` end even when Ctrl-C comes meanwhile, for a step that must not be left
    half seen (an import or export created or confirmed, its job not yet known here); True
    when Ctrl-C came."""
    task = asyncio.ensure_future(work)
    try:
        return await asyncio.shield(task), False
    except asyncio.CancelledError:
        return await task, True


def stopper(caller: Caller, job: Job) -> Callable[[], Awaitable[None]]:
    """Asks the job to stop after the work in progress (as `cancelJob` does), for
    `run_with_progress` to call on Ctrl-C; a job that ended meanwhile is left as it ended."""
    from services.errors import DomainError
    from services.jobs.control import cancel_job

    async def stop() -> None:
        with suppress(DomainError):
            await cancel_job(caller, job.uuid)

    return stop


def guarded(work: Coroutine[Any, Any, int]) -> int:
    from services.errors import DomainError

    try:
        return asyncio.run(work)
    except DomainError as exc:
        fail(exc.message)
