"""The real server (`python wsgi.py`, eventlet, embedded SQLite) and headless Chromium."""

import pytest

from harness.servers import ServerProcess


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """One server for the e2e run, on a fresh instance folder, as a newcomer would start it:
    `flask db upgrade`, `flask create-moderator`, then `python wsgi.py`."""
    process = ServerProcess(tmp_path_factory.mktemp("instance")).prepare().start()
    try:
        yield {"base": process.base, "instance": process.instance, "process": process}
    finally:
        process.stop()
