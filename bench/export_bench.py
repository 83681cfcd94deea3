"""Export benchmark: every contact of a bench/dataset.py workspace to CSV (or XLSX), with
each phase, the file size and the peak memory.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/contacts_bench \
        .venv/bin/python bench/export_bench.py --contacts 1000000 [--query "city = kigali"]

Generates the dataset first unless --workspace names an existing one.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dataset import generate  # noqa: E402
from import_bench import PeakMemory, report  # noqa: E402

from core.database import close_database, init_database  # noqa: E402
from models import Member, Workspace  # noqa: E402
from models.enums import Role  # noqa: E402
from services.access.caller import Caller  # noqa: E402
from services.contacts.filters import ContactFilter  # noqa: E402
from services.contacts.selection import ContactSelection  # noqa: E402
from services.exports.jobs import run_export_job  # noqa: E402
from services.exports.starting import get_export_by_id, start_export  # noqa: E402
from services.imports import storage  # noqa: E402
from services.imports.records import FileFormat  # noqa: E402
from services.imports.storage import absolute_path  # noqa: E402
from services.imports.timing import recording  # noqa: E402

CHUNK = 5000


async def export(
    url: str, workspace_uuid: str, file_format: FileFormat, query: str | None = None
) -> None:
    folder = Path(tempfile.mkdtemp(prefix="export-bench-"))
    storage.files_root = lambda: folder
    await init_database(url, pool_max=4)
    workspace = await Workspace.get(uuid=workspace_uuid)
    admin = await Member.filter(workspace_id=workspace.id, role=Role.ADMIN).first()
    assert admin is not None, "the dataset workspace has an admin"
    caller = Caller(workspace=workspace, member=admin)
    everyone = ContactSelection(filter=ContactFilter())
    with PeakMemory() as memory, recording() as phases:
        started = time.perf_counter()
        begun = await start_export(caller, everyone, file_format, query=query, enqueue=False)
        await run_export_job(begun.job.id, chunk_size=CHUNK)
        elapsed = time.perf_counter() - started
    record = await get_export_by_id(begun.record.id)
    size = absolute_path(record.file_path).stat().st_size
    report(f"export of {record.row_count:,} contacts to {file_format.value}", elapsed, phases)
    print(f"{size / 1e6:.0f} MB; {record.row_count / elapsed:,.0f} contacts/s")
    print(f"peak memory (this process): {memory.peak / 1e6:.0f} MB")
    shutil.rmtree(folder)
    await close_database()


async def latest_bench_workspace(url: str, contacts: int) -> str:
    await init_database(url, pool_max=2)
    found = await Workspace.filter(name=f"Bench {contacts}").order_by("-id").first()
    await close_database()
    assert found is not None
    return str(found.uuid)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=1_000_000)
    parser.add_argument("--workspace", help="Export this dataset workspace instead.")
    parser.add_argument("--xlsx", action="store_true")
    parser.add_argument("--query", help="Export only the contacts this query matches.")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/contacts_bench")
    workspace = args.workspace
    if workspace is None:
        asyncio.run(generate(url, args.contacts, seed=7))
        workspace = asyncio.run(latest_bench_workspace(url, args.contacts))
    file_format = FileFormat.XLSX if args.xlsx else FileFormat.CSV
    asyncio.run(export(url, workspace, file_format, args.query))


if __name__ == "__main__":
    main()
