"""The real server (`python wsgi.py`, eventlet, embedded SQLite) and headless Chromium."""

import os

import pytest

from tests.servers import MODERATORS, ROOT, ServerProcess, create_session, moderator_token  # noqa: F401

SCREENSHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """One server for the e2e run, on a fresh instance folder, as a newcomer would start it:
    `flask db upgrade`, `flask create-moderator`, then `python wsgi.py`."""
    process = ServerProcess(tmp_path_factory.mktemp("instance")).prepare().start()
    try:
        yield {"base": process.base, "instance": process.instance, "process": process}
    finally:
        process.stop()


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
