"""The session's phase and the rooms' timer. The server's clock is the only clock.

lobby → rooms_open (optionally until `rooms_close_at`) → rooms_closed → published; the
moderator may go to any phase from any other (reopen, extend, close early).

When `rooms_close_at` passes, the session *is* rooms_closed at once: every read goes
through `effective_phase`, so posting is refused from that second whatever else
happens. A ticker (`expire_due`, run every second by each server process) then writes
the phase down and tells everyone; a conditional UPDATE makes exactly one process do it.

Grace for phones: a post (or +1) typed before the close may still sit in a phone's
outbox when the rooms close — its socket was reconnecting, the screen was off. The page
stamps each queued action with `queued_at`, in server time (the page keeps its offset
from the server's clock). An action stamped no later than the close and arriving within
`GRACE_SECONDS` after it is accepted; anything else is refused with `closed`, and the
page keeps the text. Nothing a participant typed is lost: either it is stored, or it
stays on their screen with a kind word that the rooms are closed.
"""

from datetime import datetime, timedelta

import sqlalchemy as sa

from .. import limits
from ..extensions import db
from ..models import Moderator, Panel
from ..models.types import utcnow
from . import audit
from .errors import Closed, Invalid

GRACE_SECONDS = limits.CLOSE_GRACE_SECONDS
# A timer longer than this is a typo (minutes typed as seconds, a wrong day).
MAX_OPEN = timedelta(hours=limits.ROOMS_OPEN_HOURS)


def effective_phase(panel: Panel, now: datetime | None = None) -> str:
    now = now or utcnow()
    if panel.phase == Panel.ROOMS_OPEN and panel.rooms_close_at is not None and panel.rooms_close_at <= now:
        return Panel.ROOMS_CLOSED
    return panel.phase


def closed_since(panel: Panel, now: datetime | None = None) -> datetime | None:
    """When the rooms stopped being open, if they were open before; None while open and
    in a lobby that never opened."""
    now = now or utcnow()
    if panel.phase == Panel.ROOMS_OPEN:
        return panel.rooms_close_at if effective_phase(panel, now) != Panel.ROOMS_OPEN else None
    return panel.closed_at


def check_open(panel: Panel, queued_at: datetime | None = None, now: datetime | None = None) -> None:
    """Raise Closed unless posting and +1 are possible now (or this action is in grace)."""
    now = now or utcnow()
    if effective_phase(panel, now) == Panel.ROOMS_OPEN:
        return
    since = closed_since(panel, now)
    if (
        since is not None
        and queued_at is not None
        and queued_at <= since
        and now <= since + timedelta(seconds=GRACE_SECONDS)
    ):
        return
    if panel.phase == Panel.LOBBY:
        raise Closed("the rooms are not open yet")
    raise Closed("the rooms are closed; posting and +1 have ended")


def set_phase(
    panel: Panel,
    actor: Moderator | None,
    phase: object,
    rooms_close_at: datetime | None = None,
    *,
    minutes: float | None = None,
    extend_minutes: float | None = None,
    now: datetime | None = None,
    commit: bool = True,
) -> Panel:
    """Change the phase and commit (with its audit line); `commit=False` leaves the
    commit to a caller that changes more in the same transaction (an edit).

    rooms_open takes an optional end: `rooms_close_at` (an aware time), `minutes` from
    now, or `extend_minutes` added to the current end (or to now when there is none
    or it has passed). rooms_open without any of them keeps a running timer as it is
    and otherwise opens the rooms without one.
    """
    now = now or utcnow()
    if phase not in Panel.PHASES:
        raise Invalid("phase must be one of " + ", ".join(Panel.PHASES))
    given = [x for x in (rooms_close_at, minutes, extend_minutes) if x is not None]
    if len(given) > 1:
        raise Invalid("give rooms_close_at, minutes or extend_minutes, not several")
    if given and phase != Panel.ROOMS_OPEN:
        raise Invalid("only rooms_open takes a closing time")
    was_open = effective_phase(panel, now) == Panel.ROOMS_OPEN
    if phase == Panel.ROOMS_OPEN:
        close_at = _closing_time(panel, now, was_open, rooms_close_at, minutes, extend_minutes)
        panel.rooms_close_at = close_at
        panel.closed_at = None
    else:
        if was_open:
            # Closing early (or going back to the lobby): the grace counts from now.
            panel.closed_at = now
        elif panel.phase == Panel.ROOMS_OPEN and panel.closed_at is None:
            # The timer had run out and the ticker had not written it down yet.
            panel.closed_at = panel.rooms_close_at
        panel.rooms_close_at = None
    panel.phase = phase
    audit.record(panel, actor, "session.phase", phase=phase, rooms_close_at=_iso(panel.rooms_close_at))
    if commit:
        db.session.commit()
    return panel


def _closing_time(panel, now, was_open, rooms_close_at, minutes, extend_minutes) -> datetime | None:
    if rooms_close_at is not None:
        if rooms_close_at.tzinfo is None:
            raise Invalid("rooms_close_at needs an offset, e.g. 2021-11-23T13:45:00+01:00")
        close_at = rooms_close_at
    elif minutes is not None:
        close_at = now + timedelta(minutes=minutes)
    elif extend_minutes is not None:
        base = panel.rooms_close_at if was_open and panel.rooms_close_at else now
        close_at = base + timedelta(minutes=extend_minutes)
    else:
        return panel.rooms_close_at if was_open else None
    if close_at <= now:
        raise Invalid("rooms_close_at must be in the future")
    if close_at - now > MAX_OPEN:
        raise Invalid("rooms can be opened for at most 24 hours at a time")
    return close_at


def expire_due(now: datetime | None = None) -> list[Panel]:
    """Write down rooms_closed for every session whose timer has run out; returns them.

    Safe to run in every process at once: the UPDATE only changes a row still open
    with its time passed, so each session is closed (and announced) by one of them.
    """
    now = now or utcnow()
    due = db.session.scalars(
        sa.select(Panel.id).where(
            Panel.phase == Panel.ROOMS_OPEN, Panel.rooms_close_at.is_not(None), Panel.rooms_close_at <= now
        )
    ).all()
    closed = []
    for panel_id in due:
        changed = db.session.execute(
            sa.update(Panel)
            .where(
                Panel.id == panel_id,
                Panel.phase == Panel.ROOMS_OPEN,
                Panel.rooms_close_at.is_not(None),
                Panel.rooms_close_at <= now,
            )
            # Past the ORM, so the kept pages' revision is counted here (models/page_revision.py).
            .values(
                phase=Panel.ROOMS_CLOSED,
                closed_at=Panel.rooms_close_at,
                rooms_close_at=None,
                page_revision=Panel.page_revision + 1,
            )
            .execution_options(synchronize_session=False)
        ).rowcount
        if changed:
            panel = db.session.get(Panel, panel_id)
            db.session.refresh(panel)
            audit.record(panel, None, "session.phase", phase=Panel.ROOMS_CLOSED, by="timer")
            closed.append(panel)
    db.session.commit()
    return closed


def phase_shape(panel: Panel, now: datetime | None = None) -> dict:
    """What session:phase carries: the phase as it is now, the end, and the server's
    time so a page can set its clock offset."""
    now = now or utcnow()
    phase = effective_phase(panel, now)
    return {
        "slug": panel.slug,
        "phase": phase,
        "rooms_close_at": _iso(panel.rooms_close_at) if phase == Panel.ROOMS_OPEN else None,
        "server_time": _iso(now),
    }


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None
