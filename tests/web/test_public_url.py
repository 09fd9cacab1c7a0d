"""Issue 9, point 8: links sent to others and QR codes never take the request's Host
header: PUBLIC_URL when set, else relative links (QR codes: the server's own address)."""

import io

import segno

from hybrid_sessions.extensions import socketio

FORGED = {"Host": "evil.example"}


def _qr(url: str) -> bytes:
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", scale=8, border=2, dark="#1d2430")
    return buffer.getvalue()


def _published_url(app, scenario, sock) -> tuple[str, str]:
    """(what the moderator's ack says, what a participant receives)."""
    ewa = sock(scenario["ewa"][1])
    assert ewa.emit("room:join", {"room_id": scenario["room_a"]}, callback=True)["ok"]
    moderator = socketio.test_client(app, auth={"token": scenario["moderator_token"]}, headers=FORGED)
    try:
        ack = moderator.emit("note:publish", {"slug": scenario["slug"]}, callback=True)
    finally:
        moderator.disconnect()
    [received] = [e["args"][0] for e in ewa.get_received() if e["name"] == "note:published"]
    return ack["url"], received["url"]


def test_the_published_link_is_relative_without_public_url_whatever_the_host(app, scenario, sock):
    ack, received = _published_url(app, scenario, sock)
    assert ack == received == f"/s/{scenario['slug']}/note"


def test_the_published_link_and_the_qr_code_use_public_url(app, client, scenario, sock):
    app.config["PUBLIC_URL"] = "https://sesje.example.org/"
    ack, received = _published_url(app, scenario, sock)
    assert received == f"https://sesje.example.org/s/{scenario['slug']}/note"
    qr = client.get(f"/s/{scenario['slug']}/qr.svg", headers=FORGED).data
    assert qr == _qr(f"https://sesje.example.org/s/{scenario['slug']}/join")


def test_the_qr_code_names_the_servers_address_not_the_requests_host(app, client, scenario):
    app.config.update(HOST="192.0.2.10", PORT=5000)
    qr = client.get(f"/s/{scenario['slug']}/qr.svg", headers=FORGED).data
    assert qr == _qr(f"http://192.0.2.10:5000/s/{scenario['slug']}/join")
    assert qr != _qr(f"http://evil.example/s/{scenario['slug']}/join")
