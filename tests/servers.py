"""Moved to the `harness` package (harness/servers.py, harness/api.py), which tests and
benchmarks both import. This re-export only keeps branches started before the move
working; import from `harness` in new code. Delete once nothing imports `tests.servers`."""

from harness.api import create_session, join, moderator_token  # noqa: F401
from harness.servers import (  # noqa: F401
    DEFAULT_POSTGRES,
    MODERATORS,
    ROOT,
    Cluster,
    PostgresDatabase,
    RedisServer,
    ServerProcess,
    free_port,
    wait_until_answering,
)
