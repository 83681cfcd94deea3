"""The worker's periodic jobs: the job sweep and the file clean-up are registered."""

from __future__ import annotations

import asyncio
import signal

from core.settings import Settings
from workers.runner import create_worker
from workers.tasks import clean_up_files, sweep_jobs


async def test_the_worker_runs_the_sweep_and_the_file_clean_up_periodically(
    settings: Settings,
) -> None:
    worker = create_worker(settings, manage_database=False)
    try:
        crons = {job.coroutine: job for job in worker.cron_jobs}
    finally:
        await worker.close()
        # The long-running worker takes over SIGINT and SIGTERM; give them back.
        for signum in (signal.SIGINT, signal.SIGTERM):
            asyncio.get_running_loop().remove_signal_handler(signum)

    assert set(crons) == {sweep_jobs, clean_up_files}
    clean_up = crons[clean_up_files]
    assert (clean_up.unique, clean_up.run_at_startup) == (True, True)
    assert isinstance(clean_up.minute, set) and len(clean_up.minute) == 6
