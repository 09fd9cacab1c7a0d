"""Issue 9, point 5: moderator access can be revoked. A password reset, a sign-out and a
disable end earlier sign-ins and tokens (also on open sockets); tokens expire; the
operator lists and revokes them from the command line."""

from hybrid_sessions.extensions import db
from hybrid_sessions.live.connection import revalidate_moderators
from hybrid_sessions.services import accounts
from tests.conftest import PASSWORD

EMAIL = "mod@example.org"


def _sign_in(app, password=PASSWORD):
    client = app.test_client()
    response = client.post("/login", data={"email": EMAIL, "password": password})
    assert response.status_code == 302, response.status_code
    return client


def _token(client, password=PASSWORD):
    response = client.post("/api/v1/auth/token", json={"email": EMAIL, "password": password})
    assert response.status_code == 200, response.get_json()
    return response.get_json()["token"]


def _api_works(client, slug, token) -> bool:
    response = client.get(
        f"/api/v1/sessions/{slug}/recommendations", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code in (200, 401), response.status_code
    return response.status_code == 200


def _console_works(client, slug) -> bool:
    return client.get(f"/s/{slug}/moderate").status_code == 200


def _watch_works(socket, slug) -> bool:
    return socket.emit("session:watch", {"slug": slug}, callback=True)["ok"]


def test_a_password_reset_ends_every_earlier_token_and_sign_in_also_on_open_sockets(
    app, client, runner, scenario, sock
):
    slug = scenario["slug"]
    browser = _sign_in(app)
    token = _token(client)
    by_token, by_cookie = sock(token), sock(flask_client=browser)
    assert _api_works(client, slug, token) and _console_works(browser, slug)
    assert _watch_works(by_token, slug) and _watch_works(by_cookie, slug)

    assert runner.invoke(args=["create-moderator", EMAIL, "--password", "nowe-haslo-123"]).exit_code == 0

    assert not _api_works(client, slug, token)
    assert not _console_works(browser, slug)
    assert not _watch_works(by_token, slug) and not _watch_works(by_cookie, slug)
    with app.app_context():
        assert len(revalidate_moderators()) == 2
    assert not by_token.is_connected() and not by_cookie.is_connected()
    # The new password works.
    assert _console_works(_sign_in(app, "nowe-haslo-123"), slug)


def test_signing_out_ends_the_cookie_and_every_copy_of_it(app, scenario):
    slug = scenario["slug"]
    browser = _sign_in(app)
    copy = app.test_client()
    copy.set_cookie("session", browser.get_cookie("session").value)
    assert _console_works(copy, slug)

    assert browser.post("/logout").status_code == 302
    assert not _console_works(browser, slug)
    assert not _console_works(copy, slug)


def test_tokens_expire_and_the_operator_lists_and_revokes_them(app, client, runner, scenario, sock):
    slug = scenario["slug"]
    app.config["MODERATOR_TOKEN_DAYS"] = -1  # issued already expired
    expired = _token(client)
    assert not _api_works(client, slug, expired)
    assert not sock(expired).is_connected()

    app.config["MODERATOR_TOKEN_DAYS"] = 30
    token = _token(client)
    socket = sock(token)
    assert _api_works(client, slug, token) and _watch_works(socket, slug)
    listed = runner.invoke(args=["list-tokens", EMAIL])
    assert listed.exit_code == 0
    assert listed.output.count("\tvalid") >= 1 and "\texpired" in listed.output
    assert token not in listed.output

    revoked = runner.invoke(args=["revoke-tokens", EMAIL])
    assert revoked.exit_code == 0 and "Revoked" in revoked.output
    assert not _api_works(client, slug, token)
    assert not _watch_works(socket, slug)
    assert not _api_works(client, slug, scenario["moderator_token"])
    assert runner.invoke(args=["revoke-tokens", "nikt@example.org"]).exit_code != 0


def test_disabling_then_enabling_an_account_does_not_bring_old_access_back(app, client, runner, scenario):
    slug = scenario["slug"]
    browser = _sign_in(app)
    token = _token(client)
    assert runner.invoke(args=["disable-moderator", EMAIL]).exit_code == 0
    with app.app_context():
        accounts.set_moderator_active(EMAIL, True)
        db.session.remove()
    assert not _api_works(client, slug, token)
    assert not _console_works(browser, slug)
