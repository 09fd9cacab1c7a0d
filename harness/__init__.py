"""The harness shared by tests/ and benchmarks/ (import its modules directly):

- servers: `python wsgi.py` processes on fresh instance folders, a private Redis, a fresh
  PostgreSQL database, and a `Cluster` of processes on both;
- api: the JSON API as a script calls it (moderator token, create a session, join);
- live: `LiveClient`, a real python-socketio client of a running server;
- browser: what a person does in Chromium (Playwright), step by step.

Run benchmarks as modules from the repository root (`python -m benchmarks.run`) so that
both `harness` and `hybrid_sessions` import without touching sys.path.
"""
