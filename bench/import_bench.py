"""Import benchmark: generate a CSV (name, a phone in mixed national and international
forms, an email, three custom fields), validate it and commit it into a group, and report
each phase, the CPU time of this process, its normalizing workers and the database server
(when local), the peak memory of this process and its workers, and what the contact table's
GIN indexes cost per inserted row. `--commit-chunk` sets the rows per commit transaction;
`--copy-floor` then writes the imported rows again with plain COPY (`bench/copy_floor.py`);
`--xlsx` imports the same rows as an XLSX workbook saved with shared strings.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/contacts_bench \
        .venv/bin/python bench/import_bench.py --rows 1000000

The database is created if missing; every run imports into a new workspace.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import os
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import psutil  # type: ignore[import-untyped]  # noqa: E402
from copy_floor import copy_floor  # noqa: E402
from dataset import _ensure_database  # noqa: E402

from core.database import close_database, init_database  # noqa: E402
from core.migrate import apply_migrations  # noqa: E402
from core.sql import sql  # noqa: E402
from models.enums import FieldType, JobKind, Role  # noqa: E402
from services.access.caller import Caller  # noqa: E402
from services.access.tokens import issue_token  # noqa: E402
from services.access.workspaces import create_workspace  # noqa: E402
from services.fields.definitions import create_field  # noqa: E402
from services.imports import storage, store  # noqa: E402
from services.imports.groups import GroupRef  # noqa: E402
from services.imports.jobs import run_import_job  # noqa: E402
from services.imports.lifecycle import confirm_import  # noqa: E402
from services.imports.starting import ImportRequest, start_import  # noqa: E402
from services.imports.storage import LocalFileSource  # noqa: E402
from services.imports.timing import recording  # noqa: E402
from tests.xlsx_books import write_shared_strings_book  # noqa: E402

MOBILE_PREFIXES = ("72", "73", "78", "79")
CITIES = ("Kigali", "Musanze", "Huye", "Rubavu", "Nyagatare", "Muhanga")
CHUNK = 5000


def phone(i: int) -> str:
    """Unique, valid Rwandan mobile numbers in the forms people type."""
    digits = MOBILE_PREFIXES[i % 4] + f"{i // 4:07d}"
    forms = (
        f"0{digits[:3]} {digits[3:6]} {digits[6:]}",
        f"+250{digits}",
        f"+250 {digits[:3]}-{digits[3:6]}-{digits[6:]}",
        f"00250{digits}",
        f"250{digits}",
    )
    return forms[i % len(forms)]


HEADER = ["name", "phone", "email", "Field:Age", "Field:Joined", "Field:City"]


def file_rows(rows: int) -> Iterator[list[str | int]]:
    """The header, then `rows` people; ages are numbers, as a spreadsheet holds them."""
    yield list(HEADER)
    for i in range(rows):
        yield [
            f"Person {i}",
            phone(i),
            f"person{i}@example.com",
            18 + i % 70,
            f"{1 + i % 28:02d}-{1 + i % 12:02d}-{2000 + i % 25}",
            CITIES[i % len(CITIES)],
        ]


def _write_xlsx(path: Path, rows: int) -> None:
    write_shared_strings_book(path, file_rows(rows))


def write_file(path: Path, rows: int) -> None:
    """CSV, or for a `.xlsx` path a workbook saved as spreadsheet programs save it (shared
    strings), written by another process so this one's memory stays the import's alone."""
    if path.suffix == ".xlsx":
        with ProcessPoolExecutor(1) as writer:
            writer.submit(_write_xlsx, path, rows).result()
        return
    with path.open("w", newline="", encoding="utf-8") as out:
        csv.writer(out).writerows(file_rows(rows))


class PeakMemory:
    """Samples the resident memory of this process and its children (the normalizers)."""

    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        me = psutil.Process(os.getpid())
        while not self._stop.wait(0.1):
            total = me.memory_info().rss
            for child in me.children(recursive=True):
                try:
                    total += child.memory_info().rss
                except psutil.NoSuchProcess:
                    continue
            self.peak = max(self.peak, total)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


async def database_cpu() -> float | None:
    """CPU seconds used so far by the server processes connected to this database (the pool's
    connections stay open across a phase); None when the server runs on another machine."""
    pids = await sql().fetch("SELECT pid FROM pg_stat_activity WHERE datname = current_database()")
    total = 0.0
    for row in pids:
        try:
            times = psutil.Process(row["pid"]).cpu_times()
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            return None
        total += times.user + times.system
    return total


def own_cpu() -> tuple[float, float]:
    """CPU seconds of this process, and of its normalizing workers."""
    me = psutil.Process(os.getpid())
    times = me.cpu_times()
    workers = times.children_user + times.children_system
    for child in me.children(recursive=True):
        try:
            child_times = child.cpu_times()
        except psutil.NoSuchProcess:
            continue
        workers += child_times.user + child_times.system
    return times.user + times.system, workers


class CpuMeter:
    """CPU spent during a phase: load from other work on the machine stretches wall-clock
    times but hardly these."""

    async def start(self) -> None:
        self._database = await database_cpu()
        self._own = own_cpu()
        self._wal = await wal_position()

    async def line(self) -> str:
        now = own_cpu()
        mine, workers = now[0] - self._own[0], now[1] - self._own[1]
        own = f"this process {mine:.1f} s, its workers {workers:.1f} s"
        database = await database_cpu()
        wal = await wal_position()
        written = wal[0] - self._wal[0]  # asyncpg reads a WAL position as a byte offset
        server = (
            f"\n    wal: {float(written) / 1e6:,.0f} MB written, "
            f"{wal[1] - self._wal[1]} checkpoints forced by its size"
        )
        if database is None or self._database is None:
            return f"    cpu: {own}{server}"
        return f"    cpu: database {database - self._database:.1f} s, {own}{server}"


# WAL written (all databases of the server) and the checkpoints it forced: past
# max_wal_size a checkpoint starts, and each page's first change after it logs the whole page.
_WAL = "SELECT pg_current_wal_lsn(), checkpoints_req FROM pg_stat_bgwriter"


async def wal_position() -> tuple[int, int]:
    row = await sql().fetchrow(_WAL)
    assert row is not None
    return int(row[0]), int(row[1])


def report(title: str, seconds: float, phases: dict[str, float]) -> None:
    print(f"{title}: {seconds:.1f} s")
    for phase, spent in sorted(phases.items(), key=lambda p: -p[1]):
        print(f"    {phase:<22} {spent:6.1f} s")


async def gin_cost(workspace_id: int, rows: int) -> None:
    """Inserting the imported contacts again into copies of `contact` with and without the
    GIN indexes: the difference is what maintaining them costs per row."""
    copy = "SELECT * FROM contact WHERE workspace_id = $1"
    timings = {}
    for label, indexes in (("no indexes", False), ("all indexes", True)):
        await sql().execute("DROP TABLE IF EXISTS contact_gin_probe")
        including = "INCLUDING ALL" if indexes else "INCLUDING DEFAULTS"
        await sql().execute(f"CREATE UNLOGGED TABLE contact_gin_probe (LIKE contact {including})")
        started = time.perf_counter()
        await sql().execute(f"INSERT INTO contact_gin_probe {copy}", workspace_id)
        timings[label] = time.perf_counter() - started
    await sql().execute("DROP TABLE contact_gin_probe")
    extra = (timings["all indexes"] - timings["no indexes"]) / rows * 1e6
    print(
        f"contact insert, {rows:,} rows: {timings['no indexes']:.1f} s without indexes, "
        f"{timings['all indexes']:.1f} s with them: {extra:.0f} µs a row for the indexes"
    )


async def run(
    url: str, rows: int, keep: bool, commit_chunk: int, floor: bool, lanes: int, xlsx: bool
) -> None:
    await _ensure_database(url)
    await apply_migrations(url)
    await init_database(url, pool_max=max(4, lanes + 2))
    workspace = await create_workspace(name=f"Import bench {rows}", country="RW")
    admin = await issue_token(workspace=workspace, role=Role.ADMIN, member_name="Bench")
    caller = Caller(workspace=workspace, member=admin.member)
    for name, kind in (("Age", FieldType.NUMBER), ("Joined", FieldType.DATETIME)):
        await create_field(caller, name=name, value_type=kind)
    await create_field(caller, name="City", value_type=FieldType.TEXT)

    folder = Path(tempfile.mkdtemp(prefix="import-bench-"))
    storage.files_root = lambda: folder / "files"  # stored copies go with the rest
    source = folder / ("contacts.xlsx" if xlsx else "contacts.csv")
    started = time.perf_counter()
    write_file(source, rows)
    print(f"generated {rows:,} rows ({source.stat().st_size / 1e6:.0f} MB) in "
          f"{time.perf_counter() - started:.1f} s")  # fmt: skip

    with PeakMemory() as memory:
        total = time.perf_counter()
        with source.open("rb") as handle:
            request = ImportRequest(
                file_name=source.name, source=LocalFileSource(handle), group=GroupRef(name="Bench")
            )
            started = time.perf_counter()
            begun = await start_import(caller, request, enqueue=False)
        print(f"upload (stored, header checked): {time.perf_counter() - started:.1f} s")
        cpu = CpuMeter()
        with recording() as phases:
            await cpu.start()
            started = time.perf_counter()
            await run_import_job(begun.job.id, JobKind.VALIDATE_IMPORT, chunk_size=CHUNK)
            report("validate", time.perf_counter() - started, phases)
            print(await cpu.line())
        record = await store.get_import_by_id(begun.record.id)
        counts = record.counts
        print(f"    preview: {counts.create_rows:,} to create, {counts.error_rows:,} errors")
        confirmed = await confirm_import(caller, record.uuid, enqueue=False)
        with recording() as phases:
            await cpu.start()
            started = time.perf_counter()
            await run_import_job(
                confirmed.job.id, JobKind.COMMIT_IMPORT, chunk_size=commit_chunk, lanes=lanes
            )
            report("commit", time.perf_counter() - started, phases)
            print(await cpu.line())
        elapsed = time.perf_counter() - total
    done = await store.get_import_by_id(record.id)
    print(f"end to end: {elapsed:.1f} s; {done.counts.created:,} created; status {done.status}")
    print(f"peak memory (this process and its workers): {memory.peak / 1e6:.0f} MB")
    await gin_cost(workspace.id, done.counts.created)
    if floor:
        await copy_floor(url, workspace.id, database_cpu, lanes)
    if not keep:
        await sql().execute("DELETE FROM workspace WHERE id = $1", workspace.id)
    shutil.rmtree(folder)
    await close_database()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--keep", action="store_true", help="Keep the imported workspace.")
    parser.add_argument(
        "--commit-chunk", type=int, default=CHUNK, help="Rows per commit chunk (a transaction)."
    )
    parser.add_argument(
        "--lanes", type=int, default=2, help="Chunks committed side by side (IMPORT_LANES)."
    )
    parser.add_argument(
        "--copy-floor", action="store_true", help="Then write the imported rows again with COPY."
    )
    parser.add_argument(
        "--xlsx", action="store_true", help="Import an XLSX workbook (shared strings), not CSV."
    )
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/contacts_bench")
    asyncio.run(
        run(url, args.rows, args.keep, args.commit_chunk, args.copy_floor, args.lanes, args.xlsx)
    )


if __name__ == "__main__":
    main()
