"""Wall-clock seconds per phase of an import or export, when someone is recording (the
benchmarks); costs nothing otherwise."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from time import perf_counter

_phases: ContextVar[dict[str, float] | None] = ContextVar("transfer_phases", default=None)


@contextmanager
def timed(phase: str) -> Iterator[None]:
    phases = _phases.get()
    if phases is None:
        yield
        return
    started = perf_counter()
    try:
        yield
    finally:
        phases[phase] = phases.get(phase, 0.0) + perf_counter() - started


@contextmanager
def recording() -> Iterator[dict[str, float]]:
    phases: dict[str, float] = {}
    token = _phases.set(phases)
    try:
        yield phases
    finally:
        _phases.reset(token)
