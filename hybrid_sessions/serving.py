"""How `python wsgi.py` listens and serves, in every async mode; the benchmarks' bare
baseline (`benchmarks/baseline_server.py`) serves through the same `serve()`, so the
product and the baseline it is measured against cannot drift apart in server tuning.

Flask-SocketIO's own `run()` listens with SO_REUSEPORT (a second copy on the same
port silently shares the traffic), with eventlet's listen backlog of 50 and Nagle's
algorithm on, and lets eventlet's accept loop die on the first "Too many open files".
Under eventlet this module listens exclusively with a deep backlog and TCP_NODELAY,
raises the file limit, refuses connections beyond the caps with a clear answer, keeps
accepting after EMFILE, and closes connections that never send a request line. Under
gevent and threading (no caps) it gives the listener the same backlog and TCP_NODELAY.

Monkey-patching is not here: it must run before anything else is imported, so each
entry script does it in its first lines.
"""

import contextlib
import errno
import gc
import ipaddress
import logging
import resource
import socket
import sys
import time
from pathlib import Path

log = logging.getLogger(__name__)

# Descriptors kept back from connections when the total cap follows the file limit:
# the database, Redis, log files, the listener, translations read lazily.
RESERVED_DESCRIPTORS = 64
# Errors of accept() that mean "no descriptor or memory right now", not "stop serving".
EXHAUSTED = {errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM}
REFUSAL = (
    b"HTTP/1.1 503 Service Unavailable\r\n"
    b"Content-Type: text/plain; charset=utf-8\r\n"
    b"Connection: close\r\nRetry-After: 5\r\nContent-Length: 32\r\n\r\n"
    b"Too many connections, try again\n"
)


def raise_file_limit() -> int:
    """Soft RLIMIT_NOFILE up to the hard limit (the machine's ceiling for this user);
    returns the limit now in force."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and soft < hard:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
            soft = hard
        except (ValueError, OSError):  # some sandboxes refuse; serve with what we have
            pass
    return soft


# Connections the kernel queues (handshake done) while the server is busy. A venue's
# Wi-Fi coming back brings ~1,000 phones within a second or two; eventlet's default of
# 50 made the kernel drop their SYNs (ListenOverflows), and each dropped client waited
# 1 s, then 3 s, before retrying. The kernel caps it at net.core.somaxconn.
LISTEN_BACKLOG = 4096
SOMAXCONN = Path("/proc/sys/net/core/somaxconn")


def listen_backlog(wanted: int = LISTEN_BACKLOG) -> int:
    """The backlog to ask for; says once in the log when the kernel will cap it lower."""
    try:
        ceiling = int(SOMAXCONN.read_text())
    except (OSError, ValueError):  # not Linux, or no /proc: ask, the kernel decides
        return wanted
    if ceiling < wanted:
        log.warning(
            "listen backlog capped at %d by net.core.somaxconn (wanted %d): a crowd "
            "reconnecting at once may see dropped connection attempts; raise it with "
            "sysctl -w net.core.somaxconn=%d",
            ceiling,
            wanted,
            wanted,
        )
        return ceiling
    return wanted


def without_nagle(listener):
    """TCP_NODELAY on the listener; accepted sockets inherit it (Linux).

    An event and its ack are small frames written back to back; with Nagle's algorithm
    the second waits for the client's delayed ACK, about 40 ms, on every post.
    """
    listener.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return listener


def listen_exclusively(host: str, port: int, backlog: int | None = None):
    """A tuned eventlet listener that fails when the port is taken, instead of sharing it.

    SO_REUSEADDR stays (a restart must not wait for TIME_WAIT); SO_REUSEPORT does not.
    """
    import eventlet
    import eventlet.green.socket

    addresses = eventlet.green.socket.getaddrinfo(host, port)
    if not addresses:
        raise SystemExit(f"Cannot resolve {host} to an address to listen on.")
    family, address = addresses[0][0], addresses[0][4]
    try:
        listener = eventlet.listen(address, family, backlog=backlog or listen_backlog(), reuse_port=False)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            print(
                f"Port {port} on {host} is already in use (another copy of Hybrid Sessions, "
                "or another program). Stop it, or choose another PORT.",
                file=sys.stderr,
                flush=True,
            )
            raise SystemExit(1) from None
        raise
    return without_nagle(listener)


def _is_loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


class ConnectionCaps:
    """Counts open connections per address and in total, and says which to refuse."""

    def __init__(self, total: int, per_address: int):
        self.total, self.per_address = total, per_address
        self.open: dict[str, int] = {}
        self.count = 0
        self._refusals_logged: set[str] = set()

    def admit(self, address: str) -> bool:
        if self.total and self.count >= self.total:
            self._log_refusal("total", f"{self.count} connections open, the cap is {self.total}")
            return False
        if self.per_address and self.open.get(address, 0) >= self.per_address:
            self._log_refusal(address, f"{address} has {self.per_address} connections open, its cap")
            return False
        self.open[address] = self.open.get(address, 0) + 1
        self.count += 1
        return True

    def release(self, address: str) -> None:
        self.count -= 1
        left = self.open.get(address, 1) - 1
        if left:
            self.open[address] = left
        else:
            self.open.pop(address, None)
            self._refusals_logged.discard(address)
        if self.total and self.count < self.total * 0.9:
            self._refusals_logged.discard("total")

    def _log_refusal(self, key: str, message: str) -> None:
        # One line per burst, not per refused socket: a flood must not fill the disk.
        if key not in self._refusals_logged:
            self._refusals_logged.add(key)
            log.warning("refusing connections: %s", message)


class GuardedListener:
    """The listening socket as eventlet's accept loop sees it: accept() never raises
    for an exhausted descriptor table; it waits and tries again (one log line per burst)."""

    def __init__(self, sock, pause: float = 0.1):
        self._sock, self._pause = sock, pause
        self._exhausted_since: float | None = None

    def accept(self):
        import eventlet

        while True:
            try:
                accepted = self._sock.accept()
            except OSError as exc:
                if exc.errno not in EXHAUSTED:
                    raise
                if self._exhausted_since is None:
                    self._exhausted_since = time.monotonic()
                    log.error(
                        "cannot accept connections: %s; still serving, retrying until descriptors free up",
                        exc.strerror,
                    )
                eventlet.sleep(self._pause)
                continue
            if self._exhausted_since is not None:
                log.warning("accepting again after %.1f s", time.monotonic() - self._exhausted_since)
                self._exhausted_since = None
            return accepted

    def __getattr__(self, name):
        return getattr(self._sock, name)


def _refuse(connection) -> None:
    with contextlib.suppress(OSError):
        connection[1].sendall(REFUSAL)


def guarded_pool(caps: ConnectionCaps, size: int):
    """A GreenPool that counts each connection while its greenthread lives and answers
    those over a cap with a 503 instead of serving them."""
    import eventlet

    class GuardedPool(eventlet.GreenPool):
        def spawn(self, function, connection):
            address = connection[0][0] if isinstance(connection[0], tuple) else str(connection[0])
            if not caps.admit(address):
                return super().spawn(_refuse, connection)
            thread = super().spawn(function, connection)
            thread.link(lambda _thread: caps.release(address))
            return thread

    return GuardedPool(size)


def effective_caps(config, file_limit: int) -> ConnectionCaps:
    total = config["MAX_CONNECTIONS"] or max(file_limit - RESERVED_DESCRIPTORS, 16)
    # Behind a reverse proxy every connection comes from the proxy: counting per
    # address would cap the whole venue at one address's share. nginx's limit_conn
    # does that job there (docs/deploy.md).
    per_address = 0 if config["PROXY_HOPS"] else config["MAX_CONNECTIONS_PER_ADDRESS"]
    return ConnectionCaps(total, per_address)


def taking_turns(app):
    """`app`, yielding to the other connections before each request.

    A keep-alive connection's greenthread reads its next request without blocking when
    the client has already sent it, and so never gives the event loop back: under 50
    reloading browsers a few connections were served again and again while the rest
    waited (the bare framework's "hello": p50 0.35 ms, p99 560 ms). One yield per
    request serves them in turn."""
    import eventlet

    def turn(environ, start_response):
        eventlet.sleep(0)
        return app(environ, start_response)

    return turn


def serve_eventlet(app, log_output: bool = False) -> None:
    """Serve `app` (Flask + Socket.IO) on HOST:PORT until interrupted."""
    import eventlet.wsgi

    file_limit = raise_file_limit()
    config = app.config
    caps = effective_caps(config, file_limit)
    log.info(
        "file limit %d; at most %d connections, %s per address",
        file_limit,
        caps.total,
        caps.per_address or "no cap",
    )
    listener = listen_exclusively(config["HOST"], config["PORT"])
    listener = GuardedListener(listener)
    eventlet.wsgi.server(
        listener,
        taking_turns(app),
        log_output=log_output,
        # Seconds a connection may stay open without sending a request line: idle
        # sockets (the cheapest flood) are closed; WebSockets, past their handshake,
        # are not affected.
        keepalive=config["CONNECTION_IDLE_SECONDS"],
        custom_pool=guarded_pool(caps, caps.total + 256),
    )


def serve_gevent(app, log_output: bool = False) -> None:
    """Flask-SocketIO's gevent server, on a listener with the same backlog and TCP_NODELAY."""
    from gevent import pywsgi
    from gevent.server import _tcp_listener

    try:
        from geventwebsocket.handler import WebSocketHandler
    except ImportError:  # WebSocket then comes from simple-websocket, as in socketio.run
        extra = {}
    else:
        extra = {"handler_class": WebSocketHandler}
    config = app.config
    listener = _tcp_listener((config["HOST"], config["PORT"]), backlog=listen_backlog(), reuse_addr=True)
    server = pywsgi.WSGIServer(without_nagle(listener), app, log="default" if log_output else None, **extra)
    server.serve_forever()


def serve_threading(app, socketio, log_output: bool = False) -> None:
    """Werkzeug's threaded server (development, tests), tuned like the others."""
    from werkzeug.serving import BaseWSGIServer

    BaseWSGIServer.request_queue_size = listen_backlog()
    server_bind = BaseWSGIServer.server_bind

    def server_bind_without_nagle(self):
        server_bind(self)
        without_nagle(self.socket)

    BaseWSGIServer.server_bind = server_bind_without_nagle
    socketio.run(
        app,
        host=app.config["HOST"],
        port=app.config["PORT"],
        allow_unsafe_werkzeug=True,
        log_output=log_output,
    )


# Allocations before a young pass; young passes before a middle one; middle passes before
# a full one is considered (CPython's defaults: 700, 10, 10). See `serve`.
GC_THRESHOLDS = (2000, 20, 100)


def serve(app, socketio, mode: str, log_output: bool = False) -> None:
    """Serve `app` in the async mode the entry script monkey-patched for, until stopped.

    Everything alive now (modules, the app, templates, translations) lives as long as
    the process: freezing it keeps the garbage collector's full passes from scanning it
    again and again. Measured under load (benchmarks/README.md): a full pass paused the
    server for ~90 ms before, ~5 ms after.

    The collector's thresholds are raised too (GC_THRESHOLDS): with a thousand people
    connected, a full pass over everything that lived through the younger generations
    paused the one event loop for 70–140 ms, and a venue's Wi-Fi coming back (a thousand
    new connections within two seconds) triggered five of them, 0.34 s of a 3.9 s storm.
    Raised, no full pass ran during the storm and the younger passes stay short (~0.5 ms
    and ~6 ms); cyclic garbage waits a little longer to be freed.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
    if mode == "eventlet":
        serve_eventlet(app, log_output)
    elif mode == "gevent":
        serve_gevent(app, log_output)
    else:
        serve_threading(app, socketio, log_output)
