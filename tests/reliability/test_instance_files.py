"""Issue 9, point 10: the instance folder and its secrets are private to the app's user."""

import os
import stat

from harness.servers import ServerProcess


def _mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_instance_folder_the_database_and_the_secrets_are_private(tmp_path):
    instance = tmp_path / "instance"
    instance.mkdir(mode=0o755)
    os.chmod(instance, 0o755)  # as an older version left it
    server = ServerProcess(instance, {"LOAD_DEMO": "1"})
    server.start()  # `python wsgi.py` alone: schema, secret key and demo on first start
    try:
        assert _mode(instance) == 0o700
        for name in ("hybrid_sessions.db", "secret_key", "demo-moderator.txt"):
            assert _mode(instance / name) == 0o600, name
        for name in ("hybrid_sessions.db-wal", "hybrid_sessions.db-shm"):
            if (instance / name).exists():
                assert _mode(instance / name) & 0o077 == 0, name
    finally:
        server.stop()
