"""Events (CONTRACT.md §7): the JSON API under /api/v1/events (json_api.py), the pages
people use under /e/<slug> — programme, registration, personal page, report (pages.py) —
and the organiser's pages: event form, import, organise, report curation (organise.py)."""

from flask import Blueprint

api = Blueprint("events_api", __name__, url_prefix="/api/v1/events")
bp = Blueprint("events", __name__)

# The modules register their routes on the two blueprints above.
from . import json_api as _json_api_routes  # noqa: E402, F401
from . import organise as _organise_routes  # noqa: E402, F401
from . import pages as _pages_routes  # noqa: E402, F401
