"""Issue 15: a venue's Wi-Fi coming back brings the whole room at once. The product and
the benchmarks' bare baseline listen through the same hybrid_sessions.serving, with a
backlog deep enough that the kernel queues the crowd instead of dropping connection
attempts (each dropped one waited 1 s, then 3 s, before its retry)."""

import os
import resource
import signal
import socket

import pytest

from harness.servers import ServerProcess
from hybrid_sessions import serving

# Above eventlet's default backlog (50) and the 1,024 wsgi.py listened with before.
CROWD = 1500


@pytest.mark.parametrize("script", ["wsgi.py", "benchmarks/baseline_server.py"])
def test_a_crowd_connecting_while_the_server_is_busy_is_queued_not_dropped(tmp_path, script):
    server = ServerProcess(tmp_path, script=script).start()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < CROWD + 100:
        pytest.skip(f"the file limit ({hard}) is below the crowd")
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, CROWD + 100), hard))
    sockets = []
    try:
        # Stopped, the server accepts nothing: every connection waits in the kernel's
        # queue, as when the event loop is busy with the first arrivals of a crowd.
        os.kill(server.process.pid, signal.SIGSTOP)
        try:
            for _ in range(CROWD):
                # Well below the 1 s after which a client retries a dropped attempt.
                sockets.append(socket.create_connection(("127.0.0.1", server.port), timeout=0.8))
        finally:
            os.kill(server.process.pid, signal.SIGCONT)
        assert len(sockets) == CROWD
    finally:
        for s in sockets:
            s.close()
        server.stop()
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def test_accepted_connections_send_small_frames_at_once(tmp_path):
    pytest.importorskip("eventlet")
    listener = serving.listen_exclusively("127.0.0.1", 0)
    try:
        client = socket.create_connection(listener.getsockname())
        accepted, _ = listener.accept()
        # Inherited from the listener: no Nagle delay between an event and its ack.
        assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
        accepted.close()
        client.close()
    finally:
        listener.close()


def test_a_kernel_ceiling_below_the_wanted_backlog_is_used_and_said(tmp_path, monkeypatch, caplog):
    ceiling = tmp_path / "somaxconn"
    ceiling.write_text("128\n")
    monkeypatch.setattr(serving, "SOMAXCONN", ceiling)
    assert serving.listen_backlog(4096) == 128
    assert "net.core.somaxconn" in caplog.text
    ceiling.write_text("8192\n")
    assert serving.listen_backlog(4096) == 4096
