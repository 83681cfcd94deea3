"""End-to-end check of `contacts dev` on embedded PostgreSQL and Redis.

Starts `contacts dev` without DATABASE_URL / REDIS_URL in a fresh data folder, creates and
archives a contact through the GraphQL API, waits for the archive job, then stops the service
with SIGINT and checks that nothing is left running. It then checks that data survives a
restart and that a start after a crash (SIGKILL) reuses the servers left behind.
Exit code 0 only when every step holds.
"""

from __future__ import annotations

import os
import queue
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx

TOKEN_LINE = re.compile(r"Admin API token \(shown once\): (\S+)")
START_TIMEOUT = 120.0
JOB_TIMEOUT = 60.0
STOP_TIMEOUT = 20.0

CREATE_CONTACT = """
mutation {
  createContact(input: {name: "Smoke Test", urns: ["tel:+250788383383"]}) {
    __typename
    ... on ContactCreated { contact { id name } }
    ... on UserError { message }
  }
}"""
ARCHIVE_CONTACTS = """
mutation ($id: ID!) {
  archiveContacts(selection: {ids: [$id]}) {
    __typename
    ... on JobStarted { job { id status } }
    ... on UserError { message }
  }
}"""
JOB = "query ($id: ID!) { job(id: $id) { status progress { done total } } }"
CONTACT = "query ($id: ID!) { contact(id: $id) { id name status } }"


class SmokeFailure(Exception):
    pass


_output_lock = threading.Lock()


def say(line: str) -> None:
    with _output_lock:
        print(line, flush=True)


def step(message: str) -> None:
    say(f"==> {message}")


def check(condition: bool, message: str) -> None:
    if not condition:
        raise SmokeFailure(message)
    say(f"    ok: {message}")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class DevServer:
    """`contacts dev` as a subprocess whose stdout is read line by line."""

    def __init__(self, data_dir: Path, port: int) -> None:
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
        env["DATA_DIR"] = str(data_dir)
        env["PYTHONUNBUFFERED"] = "1"
        self.port = port
        self.process = subprocess.Popen(
            [contacts_executable(), "dev", "--port", str(port)],
            env=env,
            cwd=data_dir.parent,  # away from any .env file that could name other servers
            stdout=subprocess.PIPE,
            text=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            say(f"    [dev] {line.rstrip()}")
            self.lines.put(line)

    def wait_for_line(self, pattern: re.Pattern[str], timeout: float) -> re.Match[str] | None:
        """The first stdout line matching `pattern`, or None once "Press Ctrl-C" passes."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None and self.lines.empty():
                raise SmokeFailure(f"contacts dev exited early with {self.process.returncode}")
            try:
                line = self.lines.get(timeout=0.5)
            except queue.Empty:
                continue
            if match := pattern.search(line):
                return match
            if "Press Ctrl-C" in line:
                return None
        raise SmokeFailure(f"no line matching {pattern.pattern!r} within {timeout:.0f} s")

    def answers_at_once(self) -> bool:
        """One request, no retry: the banner promises a server that accepts connections."""
        try:
            httpx.get(f"http://127.0.0.1:{self.port}/healthz", timeout=2)
        except httpx.TransportError:
            return False
        return True

    def wait_until_healthy(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SmokeFailure(f"contacts dev exited early with {self.process.returncode}")
            try:
                if httpx.get(f"http://127.0.0.1:{self.port}/healthz", timeout=2).is_success:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.3)
        raise SmokeFailure("/healthz did not answer 200 in time")

    def children(self) -> list[int]:
        return [pid for pid, ppid, _ in process_table() if ppid == self.process.pid]

    def stop(self, sig: signal.Signals) -> int | None:
        self.process.send_signal(sig)
        try:
            return self.process.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            return None


def contacts_executable() -> str:
    beside_python = Path(sys.executable).with_name("contacts")
    if beside_python.exists():
        return str(beside_python)
    found = shutil.which("contacts")
    if found is None:
        raise SmokeFailure("the `contacts` command is not installed")
    return found


def process_table() -> list[tuple[int, int, str]]:
    output = subprocess.run(
        ["ps", "-eo", "pid=,ppid=,args="], capture_output=True, text=True, check=True
    ).stdout
    rows = []
    for line in output.splitlines():
        pid, ppid, args = (line.split(None, 2) + [""])[:3]
        rows.append((int(pid), int(ppid), args))
    return rows


def leftovers(data_dir: Path, pids: list[int]) -> list[str]:
    """Live processes that mention the data folder, or that were the service's children."""
    return [
        f"{pid} {args}"
        for pid, _, args in process_table()
        if (str(data_dir) in args or pid in pids) and "<defunct>" not in args
    ]


def graphql(port: int, token: str, query: str, **variables: Any) -> dict[str, Any]:
    response = httpx.post(
        f"http://127.0.0.1:{port}/graphql",
        json={"query": query, "variables": variables},
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    body: dict[str, Any] = response.json()
    if response.status_code != 200 or body.get("errors"):
        raise SmokeFailure(f"GraphQL request failed ({response.status_code}): {body}")
    data: dict[str, Any] = body["data"]
    return data


def archive_contact_via_job(port: int, token: str) -> str:
    step("createContact")
    created = graphql(port, token, CREATE_CONTACT)["createContact"]
    check(created["__typename"] == "ContactCreated", f"contact created: {created}")
    contact_id: str = created["contact"]["id"]

    step("archiveContacts")
    started = graphql(port, token, ARCHIVE_CONTACTS, id=contact_id)["archiveContacts"]
    check(started["__typename"] == "JobStarted", f"archive job started: {started}")
    job_id = started["job"]["id"]

    step("poll the job until it succeeds")
    deadline = time.monotonic() + JOB_TIMEOUT
    while True:
        job = graphql(port, token, JOB, id=job_id)["job"]
        if job["status"] == "SUCCEEDED":
            break
        if job["status"] in ("FAILED", "CANCELLED") or time.monotonic() > deadline:
            raise SmokeFailure(f"job did not succeed: {job}")
        time.sleep(0.3)
    check(True, f"job succeeded, progress {job['progress']}")

    step("read the contact back")
    contact = graphql(port, token, CONTACT, id=contact_id)["contact"]
    check(contact["status"] == "ARCHIVED", f"contact status is {contact['status']}")
    return contact_id


def stop_cleanly(dev: DevServer, data_dir: Path) -> None:
    step("SIGINT stops everything")
    children = dev.children()
    code = dev.stop(signal.SIGINT)
    check(code == 0, f"contacts dev exited with {code} within {STOP_TIMEOUT:.0f} s")
    left = leftovers(data_dir, children)
    check(not left, f"no processes left behind {left or ''}".strip())


def first_start(data_dir: Path) -> tuple[str, str]:
    step("start contacts dev on embedded servers")
    dev = DevServer(data_dir, free_port())
    try:
        match = dev.wait_for_line(TOKEN_LINE, START_TIMEOUT)
        check(match is not None, "admin token printed")
        assert match is not None
        check(dev.answers_at_once(), "the API answers as soon as the banner shows")
        dev.wait_until_healthy()
        check(True, "/healthz answers 200")
        contact_id = archive_contact_via_job(dev.port, match.group(1))
        stop_cleanly(dev, data_dir)
        return match.group(1), contact_id
    finally:
        if dev.process.poll() is None:
            dev.stop(signal.SIGKILL)


def restart_keeps_data(data_dir: Path, token: str, contact_id: str) -> None:
    step("restart on the same data, then crash it with SIGKILL")
    crashed = DevServer(data_dir, free_port())
    try:
        check(crashed.wait_for_line(TOKEN_LINE, START_TIMEOUT) is None, "no new token printed")
        crashed.wait_until_healthy()
        contact = graphql(crashed.port, token, CONTACT, id=contact_id)["contact"]
        check(contact["status"] == "ARCHIVED", "the archived contact survived the restart")
    finally:
        crashed.stop(signal.SIGKILL)
    orphaned = server_pids(data_dir)

    step("start again after the crash")
    dev = DevServer(data_dir, free_port())
    try:
        dev.wait_for_line(TOKEN_LINE, START_TIMEOUT)
        dev.wait_until_healthy()
        check(server_pids(data_dir) == orphaned, f"the servers left running were reused {orphaned}")
        contact = graphql(dev.port, token, CONTACT, id=contact_id)["contact"]
        check(contact["status"] == "ARCHIVED", "the contact is still there")
        stop_cleanly(dev, data_dir)
    finally:
        if dev.process.poll() is None:
            dev.stop(signal.SIGKILL)


def server_pids(data_dir: Path) -> tuple[int, int]:
    """PIDs of the embedded PostgreSQL and Redis, from the files they keep in the data folder."""
    postgres = (data_dir / "postgres" / "postmaster.pid").read_text().split()[0]
    redis = (data_dir / "redis" / "redis.pid").read_text().strip()
    return int(postgres), int(redis)


def kill_leftovers(data_dir: Path) -> None:
    for pid, _, args in process_table():
        if str(data_dir) in args:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


def main() -> int:
    root = Path(tempfile.mkdtemp(prefix="contacts-smoke-"))
    data_dir = root / "data"
    started = time.monotonic()
    try:
        token, contact_id = first_start(data_dir)
        restart_keeps_data(data_dir, token, contact_id)
    except SmokeFailure as failure:
        print(f"SMOKE FAILED: {failure}", file=sys.stderr, flush=True)
        return 1
    finally:
        kill_leftovers(data_dir)
        shutil.rmtree(root, ignore_errors=True)
    say(f"Smoke test passed in {time.monotonic() - started:.0f} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
