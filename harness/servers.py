"""Real server processes, started the way an operator starts them: `python wsgi.py` on a
fresh instance folder, several of them on PostgreSQL + a private Redis (`Cluster`)."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
MODERATORS = {"anna@example.org": "haslo-anny-123", "piotr@example.org": "haslo-piotra-123"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_answering(url: str, process: subprocess.Popen, limit: float = 30.0) -> None:
    """Poll until `url` answers (readiness, bounded), failing early if the process died."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[0]} exited with {process.returncode}")
        try:
            requests.get(url, timeout=2)
            return
        except (requests.ConnectionError, requests.Timeout):
            # Not listening yet, or listening but still busy starting up (a loaded
            # machine): both mean "ask again", within the overall limit.
            time.sleep(0.05)
    raise RuntimeError(f"nothing answered at {url} within {limit}s")


class ServerProcess:
    """One `python wsgi.py` on its own port and instance folder (embedded SQLite unless
    DATABASE_URL is given in `env`)."""

    def __init__(
        self,
        instance: Path,
        env: dict | None = None,
        script: str = "wsgi.py",
        prefix: tuple[str, ...] = (),
        preexec_fn=None,
    ):
        # `prefix` runs the server under another command, e.g. ("taskset", "-c", "0");
        # `preexec_fn` runs in the child before it starts (e.g. to lower its file limit).
        self.script, self.prefix, self.preexec_fn = script, prefix, preexec_fn
        self.instance = instance
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = {
            **{
                k: v
                for k, v in os.environ.items()
                if k not in ("DATABASE_URL", "MESSAGE_QUEUE_URL", "SECRET_KEY")
            },
            "INSTANCE_PATH": str(instance),
            "HOST": "127.0.0.1",
            "PORT": str(self.port),
            "LOAD_DEMO": "0",
            "PYTHONPATH": str(ROOT),
            # SERVER_ASYNC_MODE runs the real-server tests under gevent or threading too.
            "ASYNC_MODE": os.environ.get("SERVER_ASYNC_MODE", "eventlet"),
            **(env or {}),
        }
        self.process: subprocess.Popen | None = None
        self.log_path = instance / f"server-{self.port}.log"

    def flask(self, *args: str) -> None:
        subprocess.run(
            [sys.executable, "-m", "flask", "--app", "wsgi", *args],
            cwd=ROOT,
            env=self.env,
            check=True,
            capture_output=True,
        )

    def prepare(self) -> "ServerProcess":
        """`flask db upgrade` and the test moderators, as a newcomer would."""
        self.flask("db", "upgrade")
        for email, password in MODERATORS.items():
            self.flask("create-moderator", email, "--password", password)
        return self

    def start(self) -> "ServerProcess":
        log = self.log_path.open("a")
        self.process = subprocess.Popen(
            [*self.prefix, sys.executable, self.script],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            preexec_fn=self.preexec_fn,
        )
        log.close()
        self.wait_until_serving()
        return self

    def wait_until_serving(self, limit: float = 30.0) -> None:
        try:
            wait_until_answering(self.base + "/", self.process, limit)
        except RuntimeError as exc:
            raise RuntimeError(f"{exc}: {self.log_path.read_text()}") from None

    def __enter__(self) -> "ServerProcess":
        """Prepared and started; stopped on exit."""
        return self.prepare().start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def kill(self) -> None:
        """SIGKILL: no shutdown handler, no flush, as when the machine's OOM killer strikes."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


# The PostgreSQL server whose fresh databases `PostgresDatabase` makes when the tests do
# not run on PostgreSQL anyway (TEST_DATABASE_URL); scripts/test's database run uses it too.
DEFAULT_POSTGRES = os.environ.get("POSTGRES_TEST_URL") or "postgresql+psycopg://postgres@127.0.0.1:5432/test"


class RedisServer:
    """A private redis-server on a free port, with a password, that a test may stop and
    start again (the machine's shared Redis is left alone)."""

    def __init__(self, directory: Path, password: str = "queue-secret"):
        self.port = free_port()
        self.password = password
        self.directory = directory
        self.process: subprocess.Popen | None = None
        self.url = f"redis://:{password}@127.0.0.1:{self.port}/0"

    def start(self) -> "RedisServer":
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--requirepass",
                self.password,
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.directory),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", self.port)) == 0:
                    return self
            time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


class PostgresDatabase:
    """A fresh, uniquely named database on the PostgreSQL server of TEST_DATABASE_URL
    (or the local one), dropped afterwards."""

    def __init__(self):
        import sqlalchemy as sa

        base = os.environ.get("TEST_DATABASE_URL", "")
        self.server_url = sa.make_url(base if base.startswith("postgresql") else DEFAULT_POSTGRES)
        self.name = f"hs_{os.getpid()}_{free_port()}"
        self.url = self.server_url.set(database=self.name).render_as_string(hide_password=False)
        self._sa = sa

    def _admin(self):
        return self._sa.create_engine(self.server_url, isolation_level="AUTOCOMMIT")

    def __enter__(self) -> "PostgresDatabase":
        engine = self._admin()
        with engine.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{self.name}"')
        engine.dispose()
        return self

    def __exit__(self, *exc) -> None:
        engine = self._admin()
        with engine.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        engine.dispose()


class Cluster:
    """Several `python wsgi.py` processes on one fresh PostgreSQL database and one private,
    password-protected Redis, as docs/deploy.md describes. Use as a context manager."""

    def __init__(self, tmp: Path, count: int = 2, env: dict | None = None):
        self.tmp, self.count, self.extra = tmp, count, env or {}
        self.redis = RedisServer(tmp)
        self.database = PostgresDatabase()
        self.processes: list[ServerProcess] = []

    def __enter__(self) -> "Cluster":
        self.tmp.mkdir(parents=True, exist_ok=True)  # Redis's working directory, too
        self.redis.start()
        self.database.__enter__()
        env = {
            "DATABASE_URL": self.database.url,
            "SECRET_KEY": "shared-secret-for-tests",
            "MESSAGE_QUEUE_URL": self.redis.url,
            "MESSAGE_QUEUE_CHANNEL": f"hs-test-{self.redis.port}",
            **self.extra,
        }
        self.processes = [ServerProcess(self.tmp / f"process-{n}", env) for n in range(self.count)]
        for process in self.processes:
            process.instance.mkdir()
        self.processes[0].prepare()  # one `flask db upgrade`, as an operator runs it once
        for process in self.processes:
            process.start()
        return self

    def __exit__(self, *exc) -> None:
        for process in self.processes:
            process.stop()
        self.database.__exit__(*exc)
        self.redis.stop()
