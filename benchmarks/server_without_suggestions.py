"""`python wsgi.py` with merge suggestions switched off (every group list empty), for
measuring the browser alone where the suggestion engine is not the subject: the first
version of the similarity index compares every pair of posts on each change, which at
5,000 posts stalls the server for minutes. Used by `console_script_time.py --no-suggestions`."""

import runpy
from pathlib import Path

import eventlet

eventlet.monkey_patch()  # as wsgi.py does first; it repeats it harmlessly

from hybrid_sessions.services import similarity  # noqa: E402 - after monkey-patching

ROOT = Path(__file__).resolve().parents[1]

similarity.SimilarityIndex.groups = lambda self, exclude=(), cannot_link=(): []
runpy.run_path(str(ROOT / "wsgi.py"), run_name="__main__")
