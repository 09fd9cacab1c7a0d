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


_LOOPBACK_NAMES = {"localhost", "::1", "ip6-localhost"}


def _is_loopback(host: str) -> bool:
    return host in _LOOPBACK_NAMES or host.startswith("127.")


def lan_addresses() -> list[str]:
    """IPv4 addresses of this machine's network interfaces, loopback left out.

    Read from the interfaces themselves (Linux: one ioctl per interface), so it works
    on a venue LAN with no internet and no DNS; elsewhere, the outgoing interface's
    address alone.
    """
    found: list[str] = []
    try:
        import fcntl
        import struct

        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            for _index, name in socket.if_nameindex():
                request = struct.pack("256s", name.encode()[:15])
                try:
                    answer = fcntl.ioctl(probe.fileno(), 0x8915, request)  # SIOCGIFADDR
                except OSError:  # an interface without an IPv4 address
                    continue
                address = socket.inet_ntoa(answer[20:24])
                if not _is_loopback(address) and address not in found:
                    found.append(address)
    except (ImportError, OSError):
        pass
    if not found and (fallback := _lan_address()) and not _is_loopback(fallback):
        found.append(fallback)
    return found


def reachability(request_host: str) -> dict | None:
    """Why phones may not reach the addresses the console shows, or None.

    Only when PUBLIC_URL is unset and the page was opened via a loopback address: then
    either this server listens on every interface (`lan`: the addresses to use instead)
    or only on this machine (`local_only`: nobody else can reach it at all).
    """
    if _base() is not None:
        return None
    host = request_host.lower()
    if host.startswith("["):  # [::1]:5000
        host = host[1 : host.find("]")]
    elif host.count(":") == 1:  # 127.0.0.1:5000
        host = host.split(":")[0]
    if not _is_loopback(host):
        return None
    listen = current_app.config["HOST"]
    port = current_app.config["PORT"]
    if listen in ("0.0.0.0", "::", ""):
        return {"kind": "lan", "addresses": [f"http://{a}:{port}" for a in lan_addresses()]}
    if _is_loopback(listen):
        return {"kind": "local_only", "addresses": []}
    return {"kind": "lan", "addresses": [f"http://{listen}:{port}"]}
