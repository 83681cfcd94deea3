"""Small helpers for processes we did not necessarily start ourselves."""

from __future__ import annotations

import os
import signal
import time


def is_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # it exists, it just belongs to another user
    return True


def wait_until_gone(pid: int, *, timeout: float) -> None:
    """Wait for `pid` to exit; kill it when it outlives `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while is_alive(pid):
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            return
        time.sleep(0.05)
