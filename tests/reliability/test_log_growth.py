"""Issue 9, points 7 and 13 (log part): unauthenticated or hostile input cannot grow the
server's log without bound, nor forge a line in it. A real server, real frames."""

import json

import requests
import websocket

from harness.api import create_session, join, moderator_token
from harness.servers import ServerProcess

FRAMES = ["42[}", "4x\x00", "42[1]", "4"]


def _connect(server, token):
    ws = websocket.create_connection(
        f"ws://127.0.0.1:{server.port}/socket.io/?EIO=4&transport=websocket", origin=server.base, timeout=10
    )
    assert ws.recv().startswith("0")
    ws.send("40" + json.dumps({"token": token}))
    assert ws.recv().startswith("40")
    return ws


def _call(ws, ack_id, event, payload):
    """Send an event with an ack id and wait for its ack (skipping anything else)."""
    ws.send(f"42{ack_id}" + json.dumps([event, payload]))
    while True:
        frame = ws.recv()
        if frame == "2":
            ws.send("3")
        elif frame.startswith(f"43{ack_id}"):
            return json.loads(frame[len(f"43{ack_id}") :])[0]


def test_malformed_frames_and_repeated_refusals_leave_a_few_short_lines(tmp_path):
    with ServerProcess(tmp_path) as server:
        token = moderator_token(server.base)
        session = create_session(server.base, {"title": "Dziennik", "rooms": [{"name": "Sala"}]}, token)
        participant = join(server.base, session["slug"], "Ewa", session["rooms"][0]["id"])
        before = len(server.log_path.read_text())

        ws = _connect(server, participant)
        for n in range(100):
            for frame in FRAMES:
                ws.send(frame)
            ws.send(f"42{n}" + json.dumps(["session:watch", {"slug": session["slug"]}]))
        # Everything above was handled once this ack arrives (the frames are read in order).
        assert _call(ws, 999, "session:audit", {"slug": session["slug"]})["error"]["code"] == "forbidden"
        # A CR/LF in the sid (from the query string) must not start a line of its own.
        requests.get(
            f"{server.base}/socket.io/?EIO=4&transport=polling&sid=abc%0d%0a2030-01-01 FORGED",
            headers={"Origin": server.base},
            timeout=10,
        )
        ws.close()

        log = server.log_path.read_text()[before:]
        assert "Traceback" not in log
        assert not any(line.startswith("2030-01-01 FORGED") for line in log.splitlines())
        assert log.count("security: refused session:watch") == 1
        assert log.count("security: refused session:audit") == 1
        # 500 bad frames and 100 refusals: a handful of lines, not ~450 KB of tracebacks.
        assert len(log) < 4000, log
        assert server.process.poll() is None
