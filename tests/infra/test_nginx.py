"""nginx (Debian's package) in front of two processes, with deploy/'s configuration,
and a browser session through it."""

import re
import shutil
import subprocess
import uuid

import pytest
import requests
from playwright.sync_api import expect

from harness.api import create_session, join, moderator_token
from harness.live import LiveClient
from harness.servers import ROOT, Cluster, free_port, wait_until_answering

# Two processes on a fresh PostgreSQL database and a private Redis (harness.servers.Cluster).
pytestmark = [pytest.mark.nginx, pytest.mark.postgres, pytest.mark.redis]

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


@pytest.fixture
def behind_nginx(tmp_path):
    with Cluster(tmp_path, env={"PROXY_HOPS": "1"}) as running:
        processes = running.processes
        port = free_port()
        site = (ROOT / "deploy" / "nginx-hybrid-sessions.conf").read_text()
        site = (
            site.replace("server 127.0.0.1:5001;", f"server 127.0.0.1:{processes[0].port};")
            .replace("server 127.0.0.1:5002;", f"server 127.0.0.1:{processes[1].port};")
            .replace("listen 80;", f"listen 127.0.0.1:{port};")
            .replace("/srv/hybrid-sessions/static/", f"{ROOT / 'static'}/")
        )
        prefix = tmp_path / "nginx"
        prefix.mkdir()
        (prefix / "nginx.conf").write_text(
            f"daemon off;\npid {prefix}/nginx.pid;\nerror_log {prefix}/error.log;\nevents {{}}\n"
            f"http {{\n include /etc/nginx/mime.types;\n access_log off;\n"
            f" client_body_temp_path {prefix}/body; proxy_temp_path {prefix}/proxy;\n"
            f" fastcgi_temp_path {prefix}/fastcgi; uwsgi_temp_path {prefix}/uwsgi; scgi_temp_path {prefix}/scgi;\n"
            f"{site}\n}}\n"
        )
        nginx = subprocess.Popen(
            [NGINX, "-e", str(prefix / "error.log"), "-p", str(prefix), "-c", str(prefix / "nginx.conf")]
        )
        base = f"http://127.0.0.1:{port}"
        try:
            wait_until_answering(base + "/", nginx)
            yield {"base": base, "processes": processes}
        finally:
            nginx.terminate()
            nginx.wait(timeout=10)


def test_a_browser_session_through_nginx(behind_nginx, contexts):
    base = behind_nginx["base"]
    token = moderator_token(base)
    session = create_session(base, {"title": "Za nginxem", "rooms": [{"name": "Sala"}]}, token)
    slug, room = session["slug"], session["rooms"][0]["id"]
    assert session["url"] == f"{base}/s/{slug}"  # links name the proxy's address, not a process's

    # Static files come from nginx itself; pages and sockets from the app.
    assert requests.get(f"{base}/static/css/app.css").headers.get("X-Served-By") == "nginx"
    assert "X-Served-By" not in requests.get(f"{base}/s/{slug}").headers

    page = contexts(locale="pl-PL", viewport={"width": 360, "height": 740}).new_page()
    page.goto(f"{base}/s/{slug}/join")
    page.fill("#display_name", "Przez proxy")
    page.check("input[name=attendance][value=remote]")
    page.check(f"input[name=room_id][value='{room}']")
    page.click("main button[type=submit]")
    expect(page).to_have_url(re.compile(f"/rooms/{room}$"))
    expect(page.locator("#status")).to_have_attribute("data-state", "connected")

    # A WebSocket through nginx (the Upgrade headers work), from another participant.
    with LiveClient(base, join(base, slug, "Druga", room, "in_room")) as other:
        assert other.call("room:join", {"room_id": room}, timeout=10)["ok"]
        assert other.call(
            "rec:post",
            {"room_id": room, "client_id": str(uuid.uuid4()), "text": "Przez WebSocket"},
            timeout=10,
        )["ok"]
    expect(page.locator("#recs")).to_contain_text("Przez WebSocket")
    page.fill("#rec-text", "Z przeglądarki przez nginx")
    page.click("#post-button")
    expect(page.locator(".rec.mine .badge.ok")).to_be_visible()
