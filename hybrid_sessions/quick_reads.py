"""Reads on the hottest paths, past SQLAlchemy's execution machinery.

A kept page's access check (web/personal_pages.py), every participant's socket
connection (live/identity.py) and their `room:join` on coming back
(services/snapshots.room_return) ask a few small questions of the database; when a
venue's Wi-Fi comes back a thousand ask within two seconds. Through an ordinary session
each paid a connection checkout with its ping, a transaction begun and rolled back and
the ORM's statement handling, several times the queries themselves. Values come as the
driver gives them: no column type converts them (`utc` does the one kind that needs it).
"""

import contextlib
from datetime import UTC, datetime


class Reads:
    """Database connections of their own, taken out of the app's pool and kept, in
    autocommit mode: one statement each, no transaction to begin or end, no ping on
    every checkout (`pool_pre_ping`), no SQLAlchemy execution machinery — the access
    check was a quarter of a kept page's time through an ordinary connection. A
    connection that fails is dropped and the read answers None: the caller then takes
    its ordinary path (Flask, the ORM), which reconnects."""

    KEEP = 8

    def __init__(self, engine):
        self._engine = engine
        self._idle: list = []
        self._sql: dict = {}

    def first(self, statement, params: dict) -> tuple | None:
        """The first row, or None when there is none or the read failed."""
        rows = self._run(statement, params, many=False)
        return rows[0] if rows else None

    def all(self, statement, params: dict) -> list[tuple] | None:
        """Every row, or None when the read failed."""
        return self._run(statement, params, many=True)

    def _run(self, statement, params: dict, many: bool) -> list[tuple] | None:
        sql, names, given = self._compiled(statement)
        values = {**given, **params}
        connection = self._idle.pop() if self._idle else self._open()
        try:
            cursor = connection.cursor()
            cursor.execute(sql, tuple(values[name] for name in names) if names is not None else values)
            rows = cursor.fetchall() if many else [row for row in [cursor.fetchone()] if row is not None]
            cursor.close()
        except Exception:
            self._drop(connection)
            return None
        if len(self._idle) < self.KEEP:
            self._idle.append(connection)
        else:
            self._drop(connection)
        return rows

    def close(self) -> None:
        """Close the kept connections (an app going away: each test's, a CLI command's)."""
        while self._idle:
            self._drop(self._idle.pop())

    @staticmethod
    def _drop(connection) -> None:
        with contextlib.suppress(Exception):  # already broken: nothing left to release
            connection.close()

    def _compiled(self, statement):
        known = self._sql.get(id(statement))
        if known is None:
            compiled = statement.compile(dialect=self._engine.dialect)
            names = list(compiled.positiontup) if compiled.positional else None
            # The values the statement carries itself (a literal compared with, e.g.
            # attendance = 'in_room'), under the names the compiler gave them.
            known = self._sql[id(statement)] = (str(compiled), names, dict(compiled.params))
        return known

    def _open(self):
        pooled = self._engine.raw_connection()
        pooled.detach()  # ours now: never handed back to the pool in autocommit mode
        connection = pooled.dbapi_connection
        if self._engine.dialect.name == "sqlite":
            connection.isolation_level = None
        else:
            connection.autocommit = True
        return connection


def of(app) -> Reads:
    """The app's own Reads (made at first use, inside an app context)."""
    reads = app.extensions.get("quick_reads")
    if reads is None:
        from .extensions import db

        reads = app.extensions["quick_reads"] = Reads(db.engine)
    return reads


def close(app) -> None:
    """Close the app's quick reads' connections, before its engine is disposed."""
    reads = app.extensions.pop("quick_reads", None)
    if reads is not None:
        reads.close()


def utc(value):
    """A UTCDateTime column's value as SQLAlchemy would give it (aware, UTC): the driver
    hands SQLite's stored text or PostgreSQL's naive timestamp to a quick read as is."""
    if value is None or isinstance(value, datetime) and value.tzinfo is not None:
        return value
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    return moment.replace(tzinfo=UTC)
