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
