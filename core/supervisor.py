"""Run a few child processes together and stop them together.

The children get their own process group, so a Ctrl-C in the terminal reaches only the
supervisor, which then asks each child to stop with SIGTERM and waits for it. On Linux the
children are also told to exit when the supervisor dies, so a crash leaves no process
holding the port for the next start.
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import FrameType

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
STOP_TIMEOUT_SECONDS = 15.0
_POLL_SECONDS = 0.1
_PR_SET_PDEATHSIG = 1


@dataclass
class Child:
    name: str
    process: subprocess.Popen[bytes]

    @property
    def running(self) -> bool:
        return self.process.poll() is None


class Supervisor:
    def __init__(
        self,
        commands: Mapping[str, Sequence[str]],
        *,
        env: Mapping[str, str],
        on_stopping: Callable[[str], None] = lambda message: None,
        ready: Callable[[], bool] | None = None,
        on_ready: Callable[[], None] = lambda: None,
    ) -> None:
        """`on_ready` is called once, the first time `ready` (asked while the children run,
        and quick to answer) says the children serve."""
        self._commands = commands
        self._env = dict(env)
        self._on_stopping = on_stopping
        self._ready = ready
        self._on_ready = on_ready
        self._children: list[Child] = []
        self._stop_requests = 0

    def run(self) -> int:
        """Start every child and wait; 0 after a requested stop, non-zero when a child died."""
        previous_handlers = {sig: signal.signal(sig, self._request_stop) for sig in STOP_SIGNALS}
        try:
            for name, command in self._commands.items():
                self._children.append(self._spawn(name, command))
            dead_child = self._wait_for_stop_or_death()
            if dead_child is None:
                self._on_stopping("Stopping...")
            else:
                code = dead_child.process.returncode
                self._on_stopping(f"The {dead_child.name} exited with code {code}; stopping.")
        finally:
            self._stop_children()
            for sig, handler in previous_handlers.items():
                signal.signal(sig, handler)
        return 0 if dead_child is None else (dead_child.process.returncode or 1)

    def _request_stop(self, signum: int, frame: FrameType | None) -> None:
        self._stop_requests += 1

    def _spawn(self, name: str, command: Sequence[str]) -> Child:
        process = subprocess.Popen(
            list(command),
            env=self._env,
            stdin=subprocess.DEVNULL,
            process_group=0,
            preexec_fn=_exit_with_parent(os.getpid()),
        )
        return Child(name, process)

    def _wait_for_stop_or_death(self) -> Child | None:
        waiting_for_ready = self._ready is not None
        while not self._stop_requests:
            for child in self._children:
                if not child.running:
                    return child
            if waiting_for_ready and self._ready is not None and self._ready():
                waiting_for_ready = False
                self._on_ready()
            time.sleep(_POLL_SECONDS)
        return None

    def _stop_children(self) -> None:
        handled_requests = self._stop_requests
        for child in self._children:
            if child.running:
                child.process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT_SECONDS
        while any(child.running for child in self._children):
            impatient = self._stop_requests > handled_requests
            if impatient or time.monotonic() > deadline:
                for child in self._children:
                    if child.running:
                        child.process.kill()
            time.sleep(_POLL_SECONDS)
        for child in self._children:
            child.process.wait()


def _exit_with_parent(parent_pid: int) -> Callable[[], None] | None:
    """A pre-exec hook asking Linux to send SIGTERM to the child when its parent dies."""
    if not sys.platform.startswith("linux"):
        return None
    # Resolved in the parent: loading a library between fork and exec is not safe.
    prctl = ctypes.CDLL(None, use_errno=True).prctl

    def hook() -> None:
        prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() != parent_pid:  # the parent died before the request took effect
            os._exit(1)

    return hook
