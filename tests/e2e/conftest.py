"""The real server (`python wsgi.py`, eventlet, embedded SQLite) and headless Chromium."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
MODERATORS = {"anna@example.org": "haslo-anny-123", "piotr@example.org": "haslo-piotra-123"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_serving(url: str, process: subprocess.Popen, limit: float = 30.0) -> None:
    """Poll until the server answers (readiness, bounded), failing early if it died."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            requests.get(url, timeout=1)
            return
        except requests.ConnectionError:
            time.sleep(0.1)
    raise RuntimeError(f"server did not answer at {url} within {limit}s")


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """One server for the e2e run, on a fresh instance folder, as a newcomer would start it:
    `flask db upgrade`, `flask create-moderator`, then `python wsgi.py`."""
    instance = tmp_path_factory.mktemp("instance")
    port = free_port()
    env = {
        **{
            k: v
            for k, v in os.environ.items()
            if k not in ("DATABASE_URL", "MESSAGE_QUEUE_URL", "SECRET_KEY")
        },
        "INSTANCE_PATH": str(instance),
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "LOAD_DEMO": "0",
        "PYTHONPATH": str(ROOT),
    }
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    subprocess.run([*flask, "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    for email, password in MODERATORS.items():
        subprocess.run(
            [*flask, "create-moderator", email, "--password", password],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )
    log = (instance / "server.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "wsgi.py"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(base + "/", process)
        yield {"base": base, "instance": instance, "process": process}
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def contexts(browser):
    """New isolated browser contexts (separate cookies and storage), closed afterwards."""
    opened = []

    def new(**options):
        context = browser.new_context(**options)
        context.set_default_timeout(15_000)
        opened.append(context)
        return context

    yield new
    for context in opened:
        context.close()


@pytest.fixture(scope="session")
def shots():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


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
