from __future__ import annotations

import sys

from core.supervisor import Supervisor

SLEEPER = [sys.executable, "-c", "import time; time.sleep(60)"]


def test_a_stop_signal_stops_every_child_and_reports_success() -> None:
    # The child plays the terminal: it sends the supervisor the SIGTERM a user would.
    signaller = [
        sys.executable,
        "-c",
        "import os, signal, time; time.sleep(0.3); os.kill(os.getppid(), signal.SIGTERM); "
        "time.sleep(60)",
    ]
    messages: list[str] = []
    supervisor = Supervisor(
        {"sleeper": SLEEPER, "signaller": signaller}, env={}, on_stopping=messages.append
    )

    assert supervisor.run() == 0
    assert messages == ["Stopping..."]


def test_a_dying_child_stops_the_others_and_passes_on_its_exit_code() -> None:
    messages: list[str] = []
    supervisor = Supervisor(
        {"sleeper": SLEEPER, "crasher": [sys.executable, "-c", "raise SystemExit(3)"]},
        env={},
        on_stopping=messages.append,
    )

    assert supervisor.run() == 3
    assert messages == ["The crasher exited with code 3; stopping."]


def test_on_ready_is_called_once_when_the_children_first_serve() -> None:
    answers = iter([False, False, True, True, True])
    asked: list[bool] = []

    def ready() -> bool:
        asked.append(next(answers, True))
        return asked[-1]

    announced: list[int] = []
    crasher = [sys.executable, "-c", "import time; time.sleep(1); raise SystemExit(0)"]
    supervisor = Supervisor(
        {"server": crasher}, env={}, ready=ready, on_ready=lambda: announced.append(len(asked))
    )

    supervisor.run()
    assert announced == [3]  # after the third question, and never again
    assert len(asked) == 3


def test_on_ready_is_not_called_when_the_children_never_serve() -> None:
    announced: list[str] = []
    supervisor = Supervisor(
        {"crasher": [sys.executable, "-c", "raise SystemExit(3)"]},
        env={},
        ready=lambda: False,
        on_ready=lambda: announced.append("ready"),
    )

    assert supervisor.run() == 3
    assert announced == []
