"""Normalizing chunks of rows on every core while the event loop stays free.

Phone parsing costs tens of microseconds a number, so large files go to a process pool shared
by all imports of this process (bounded CPU whatever the number of concurrent imports).
Chunks are handed out in order and come back in order, with a bounded number in flight so
memory stays flat whatever the file's size.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import signal
from collections import deque
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import forkserver

from services.imports.readers import Chunk
from services.imports.row_rules import RowRules
from services.imports.staged_records import StagedChunk, stage_chunk
from services.imports.timing import timed

_pool: ProcessPoolExecutor | None = None


def worker_count() -> int:
    return max(1, os.cpu_count() or 1)


def _executor() -> ProcessPoolExecutor:
    global _pool
    if _pool is None:
        # A fork server: children start from a clean process that has already loaded the
        # normalizers, never from this one (threads, sockets, an event loop).
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["services.imports.staged_records"])
        _pool = ProcessPoolExecutor(
            max_workers=worker_count(), mp_context=context, initializer=_leave_interrupts
        )
        # The fork server starts with Ctrl-C held back (its children inherit that), so one
        # arriving while it loads cannot kill it: the caller gets the Ctrl-C once it runs.
        held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            forkserver.ensure_running()
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, held)
    return _pool


def _leave_interrupts() -> None:
    """Ctrl-C in a terminal reaches every process of the group: the one that started the
    import decides what it means (the CLI cancels the import), not its workers."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _forget_broken_pool() -> None:
    global _pool
    if _pool is not None:
        _pool.shutdown(wait=False, cancel_futures=True)
        _pool = None


async def _read_next(chunks: Iterator[Chunk]) -> Chunk | None:
    with timed("read file"):
        return await asyncio.to_thread(next, chunks, None)


async def _finished(work: asyncio.Future[StagedChunk]) -> StagedChunk:
    with timed("wait for normalizing"):
        return await work


async def staged_chunks(
    rules: RowRules, import_id: int, chunks: Iterator[Chunk], *, parallel: bool
) -> AsyncIterator[StagedChunk]:
    """Chunks as staging records, in file order. `parallel=False` works in a thread."""
    loop = asyncio.get_running_loop()
    in_flight = 2 * worker_count() if parallel else 1
    pending: deque[asyncio.Future[StagedChunk]] = deque()
    try:
        while (chunk := await _read_next(chunks)) is not None:
            if parallel:
                work = loop.run_in_executor(
                    _executor(), stage_chunk, rules, import_id, chunk.first_row, chunk.rows
                )
            else:
                work = asyncio.ensure_future(
                    asyncio.to_thread(stage_chunk, rules, import_id, chunk.first_row, chunk.rows)
                )
            pending.append(work)
            while len(pending) >= in_flight:
                yield await _finished(pending.popleft())
        while pending:
            yield await _finished(pending.popleft())
    except BrokenProcessPool:
        _forget_broken_pool()
        raise
    finally:
        for work in pending:
            work.cancel()
