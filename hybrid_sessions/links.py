"""Addresses of pages, for people other than the one asking.

The request's `Host` header is whatever the asking client sent: a moderator who opened
the console as 127.0.0.1 (or a forged header) must not end up in a link sent to every
participant or printed into a QR code. PUBLIC_URL, when set, is the site's address;
otherwise links to others are relative, and the QR code names the address this server
listens on (its LAN address when it listens on every interface).
"""

import socket
from functools import cache

from flask import current_app, url_for


def _base() -> str | None:
    base = current_app.config.get("PUBLIC_URL")
    return base.rstrip("/") if base else None


def public_url(endpoint: str, **values) -> str:
    """For a payload sent to others: PUBLIC_URL + path, else the path alone."""
    path = url_for(endpoint, **values)
    base = _base()
    return base + path if base else path


def absolute_url(endpoint: str, **values) -> str:
    """For the asker only (e.g. an API answer): PUBLIC_URL + path, else the address the
    asker used."""
    base = _base()
    return base + url_for(endpoint, **values) if base else url_for(endpoint, _external=True, **values)


@cache
def _lan_address() -> str | None:
    """The address other machines on the network reach this one by (no packet is sent:
    connecting a UDP socket only picks the outgoing interface)."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("192.0.2.1", 9))  # TEST-NET-1: never routed anywhere real
            return probe.getsockname()[0]
    except OSError:
        return None


def shareable_url(endpoint: str, **values) -> str:
    """An absolute address for a phone that scans a QR code: PUBLIC_URL, else this
    server's own address (never the request's Host)."""
    base = _base()
    if base is None:
        host = current_app.config["HOST"]
        if host in ("0.0.0.0", "::", ""):
            host = _lan_address() or "127.0.0.1"
        if ":" in host:
            host = f"[{host}]"
        base = f"http://{host}:{current_app.config['PORT']}"
    return base + url_for(endpoint, **values)
