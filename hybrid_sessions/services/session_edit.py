"""Editing a session after it was created (PATCH /api/v1/sessions/<slug>, the edit form).

Only the fields given change. The link never changes: a different slug is refused.
Rooms with an id are updated, rooms without one are added at the end; rooms are never
deleted here (their posts belong to them). A capacity below the people already in a
room is refused, as is anything the create call would refuse.
"""

from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import sqlalchemy as sa

from .. import limits
from ..extensions import db
from ..models import BreakoutRoom, Moderator, Panel, PanelPerson, Participant
from . import audit, panels, phases
from .errors import Invalid, NotFound
from .panels import MAX_GUESTS, MAX_ROOMS, PersonInput, RoomInput
from .text import clean_text
from .web_links import clean_https_url


@dataclass
class RoomChange:
    """One room of a PATCH: `id` None adds a room; `fields` holds only what was given."""

    id: int | None
    fields: dict = field(default_factory=dict)


@dataclass
class PanelChanges:
    """The fields a PATCH gave (absent ones are not in `fields`), and its rooms."""

    fields: dict = field(default_factory=dict)
    rooms: list[RoomChange] | None = None


_TEXT_FIELDS = {
    "title": dict(max_len=limits.SESSION_TITLE, multiline=False),
    "about": dict(max_len=limits.SESSION_ABOUT, min_len=0),
    "join_info": dict(max_len=limits.SESSION_JOIN_INFO, min_len=0),
}


def update_panel(actor: Moderator, panel: Panel, changes: PanelChanges) -> bool:
    """Apply the changes and commit, with one audit line naming the fields changed (and
    the phase's own line when `phase`/`rooms_close_at` are given: the same rules as
    session:phase). Anything invalid changes nothing. Returns whether the phase was set,
    so the caller can tell everyone."""
    f = changes.fields
    try:
        changed = _apply(actor, panel, f, changes.rooms)
        phase_set = "phase" in f or "rooms_close_at" in f
        if phase_set:
            phase = f.get("phase") or phases.effective_phase(panel)
            phases.set_phase(panel, actor, phase, f.get("rooms_close_at"), commit=False)
        if changed:
            audit.record(panel, actor, "session.edit", fields=sorted(changed))
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return phase_set


def _apply(actor: Moderator, panel: Panel, f: dict, rooms: list[RoomChange] | None) -> set[str]:
    changed: set[str] = set()
    if "slug" in f and f["slug"] is not None and f["slug"].strip().lower() != panel.slug:
        raise Invalid("the link of a session never changes: slug cannot be edited")
    for name, rules in _TEXT_FIELDS.items():
        if name in f:
            setattr(panel, name, clean_text(f[name] if f[name] is not None else "", name, **rules))
            changed.add(name)
    if "timezone" in f and f["timezone"]:
        try:
            ZoneInfo(f["timezone"])
        except (ZoneInfoNotFoundError, ValueError):
            raise Invalid("timezone is not a known IANA timezone") from None
        panel.timezone = f["timezone"]
        changed.add("timezone")
    starts_at: datetime = f.get("starts_at") or panel.starts_at
    ends_at: datetime = f.get("ends_at") or panel.ends_at
    if "starts_at" in f or "ends_at" in f:
        if ends_at <= starts_at:
            raise Invalid("ends_at must be after starts_at")
        panel.starts_at, panel.ends_at = starts_at, ends_at
        changed |= {k for k in ("starts_at", "ends_at") if k in f}
    if "moderator" in f:
        _set_people(panel, f["moderator"], None)
        changed.add("moderator")
    if "guests" in f:
        if len(f["guests"]) > MAX_GUESTS:
            raise Invalid(f"at most {MAX_GUESTS} guests")
        _set_people(panel, None, f["guests"])
        changed.add("guests")
    if "co_moderators" in f:
        panel.moderators = [actor, *panels.co_moderator_accounts(f["co_moderators"], actor)]
        changed.add("co_moderators")
    if "stream_url" in f:
        panel.stream_url = clean_https_url(f["stream_url"], "stream_url")
        changed.add("stream_url")
    if "assignment" in f:
        panel.assignment = panels.check_assignment(f["assignment"])
        changed.add("assignment")
    if "anonymous" in f:
        if not isinstance(f["anonymous"], bool):
            raise Invalid("anonymous must be true or false")
        panel.anonymous = f["anonymous"]
        changed.add("anonymous")
    if rooms is not None:
        _apply_rooms(panel, rooms)
        changed.add("rooms")
    return changed


def _set_people(panel: Panel, moderator: PersonInput | None | str, guests: list[PersonInput] | None) -> None:
    """Replace the host (moderator given; None removes them) or the guests."""
    host = panel.host
    people = list(panel.guests) if guests is None else []
    if guests is None:
        host = (
            panels.person_row(moderator, PanelPerson.HOST, 0)
            if moderator and moderator.name.strip()
            else None
        )
    else:
        people = [panels.person_row(g, PanelPerson.GUEST, i + 1) for i, g in enumerate(guests)]
    panel.people = ([host] if host else []) + people


def _apply_rooms(panel: Panel, rooms: list[RoomChange]) -> None:
    existing = {r.id: r for r in panel.rooms}
    added = [r for r in rooms if r.id is None]
    if len(existing) + len(added) > MAX_ROOMS:
        raise Invalid(f"at most {MAX_ROOMS} rooms")
    seen: set[int] = set()
    for change in rooms:
        if change.id is None:
            continue
        room = existing.get(change.id)
        if room is None:
            raise NotFound(f"no room {change.id} in this session")
        if change.id in seen:
            raise Invalid(f"room {change.id} is given twice")
        seen.add(change.id)
        _update_room(room, change.fields)
    position = max((r.position for r in panel.rooms), default=-1) + 1
    for i, change in enumerate(added):
        f = change.fields
        if "name" not in f:
            raise Invalid("a new room needs a name")
        room = panels.new_room(
            RoomInput(
                name=f["name"],
                prompt=f.get("prompt") or "",
                facilitator=f.get("facilitator") or "",
                capacity=f.get("capacity"),
                call_url=f.get("call_url") or "",
            ),
            position + i,
        )
        panel.rooms.append(room)


def _update_room(room: BreakoutRoom, f: dict) -> None:
    if "name" in f:
        room.name = panels.room_name(f["name"])
    if "prompt" in f:
        room.prompt = panels.room_prompt(f["prompt"] or "")
    if "facilitator" in f:
        room.facilitator = panels.room_facilitator(f["facilitator"] or "")
    if "call_url" in f:
        room.call_url = clean_https_url(f["call_url"], "call_url")
    if "capacity" in f:
        capacity = panels.check_capacity(f["capacity"])
        if capacity is not None:
            # Locked like a join, so nobody takes a place between the count and the change.
            db.session.execute(sa.select(BreakoutRoom.id).where(BreakoutRoom.id == room.id).with_for_update())
            inside = db.session.scalar(
                sa.select(sa.func.count()).select_from(Participant).where(Participant.room_id == room.id)
            )
            if capacity < inside:
                raise Invalid(f"{room.name} already has {inside} people; its capacity cannot be {capacity}")
        room.capacity = capacity
