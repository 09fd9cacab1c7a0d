"""Moved to harness/browser.py (shared with the browser benchmarks). This re-export only
keeps branches started before the move working; delete once nothing imports it."""

from harness.browser import join_in_browser, post_in_browser, sign_in  # noqa: F401
