"""Real server processes for the end-to-end and reliability tests: `python wsgi.py`
started the way an operator starts it, on a fresh instance folder."""

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


class ServerProcess:
    """One `python wsgi.py` on its own port and instance folder (embedded SQLite unless
    DATABASE_URL is given in `env`)."""

    def __init__(self, instance: Path, env: dict | None = None):
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
            [sys.executable, "wsgi.py"], cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT
        )
        log.close()
        self.wait_until_serving()
        return self

    def wait_until_serving(self, limit: float = 30.0) -> None:
        """Poll until the server answers (readiness, bounded), failing early if it died."""
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"server exited with {self.process.returncode}: {self.log_path.read_text()}"
                )
            try:
                requests.get(self.base + "/", timeout=1)
                return
            except requests.ConnectionError:
                time.sleep(0.1)
        raise RuntimeError(f"server did not answer at {self.base} within {limit}s")

    def kill(self) -> None:
        """SIGKILL: no shutdown handler, no flush, as when the machine's OOM killer strikes."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


def moderator_token(base: str, email: str = "anna@example.org") -> str:
    response = requests.post(
        f"{base}/api/v1/auth/token", json={"email": email, "password": MODERATORS[email]}
    )
    assert response.status_code == 200, response.text
    return response.json()["token"]


def create_session(base: str, body: dict, token: str | None = None) -> dict:
    """Create a session through the public API; returns the session object."""
    defaults = {"starts_at": "2030-11-23T13:00:00+01:00", "ends_at": "2030-11-23T14:30:00+01:00"}
    response = requests.post(
        f"{base}/api/v1/sessions",
        json={**defaults, **body},
        headers={"Authorization": f"Bearer {token or moderator_token(base)}"},
    )
    assert response.status_code == 201, response.text
    return response.json()


def join(base: str, slug: str, name: str, room_id: int | None = None) -> str:
    response = requests.post(
        f"{base}/api/v1/sessions/{slug}/participants",
        json={"display_name": name, "attendance": "remote", "room_id": room_id},
    )
    assert response.status_code == 201, response.text
    return response.json()["token"]
