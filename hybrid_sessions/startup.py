"""What `python wsgi.py` does before serving: the embedded database and the demo."""

import os

from flask import Flask, url_for
from flask_migrate import upgrade

from .demo import SLUG, demo_credentials, load_demo
from .demo_events import SLUG as EVENT_SLUG


def prepare(app: Flask) -> list[str]:
    """Bring the embedded SQLite schema up to date and load the demo on first start.

    With DATABASE_URL set, the schema is the operator's job (`flask db upgrade`, run
    once, not by every process) and the demo loads only with LOAD_DEMO=1.
    Returns the lines to print.
    """
    lines = []
    with app.app_context():
        embedded = not app.config["DATABASE_URL_GIVEN"]
        if embedded:
            upgrade()
        demo_wanted = app.config["LOAD_DEMO"] if embedded else os.environ.get("LOAD_DEMO") == "1"
        base = f"http://{app.config['HOST']}:{app.config['PORT']}"
        lines.append(f"Hybrid Sessions on {base}/")
        if demo_wanted:
            load_demo()
            email, password = demo_credentials()
            with app.test_request_context(base_url=base):
                lines.append(f"Demo panel:      {url_for('pages.panel', slug=SLUG, _external=True)}")
                lines.append(
                    f"Demo event:      {url_for('events.programme_page', slug=EVENT_SLUG, _external=True)}"
                )
                lines.append(f"Moderator login: {url_for('auth.login', _external=True)}")
            lines.append(f"  email:    {email}")
            if password:
                lines.append(f"  password: {password}   (kept in instance/demo-moderator.txt)")
    return lines
