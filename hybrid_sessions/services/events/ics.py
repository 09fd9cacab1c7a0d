"""Calendar files (.ics) for the whole programme and for one person's choices."""

from datetime import timedelta

from icalendar import Calendar
from icalendar import Event as CalendarEvent

from ...models import Choice, Event, Registration, Slot
from .programme import slot_end, slot_start

_PRODID = "-//Hybrid Sessions//events//EN"


def _calendar(event: Event) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", _PRODID)
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", event.title)
    return calendar


def _entry(event: Event, slot: Slot, title: str, place: str, uid: str, about: str = "") -> CalendarEvent:
    entry = CalendarEvent()
    start = slot_start(event, slot)
    entry.add("uid", f"{uid}@{event.slug}.hybrid-sessions")
    entry.add("summary", title)
    entry.add("dtstart", start)
    entry.add("dtend", slot_end(event, slot) or start + timedelta(minutes=30))
    entry.add("dtstamp", event.created_at)
    location = ", ".join(p for p in (place, event.venue) if p)
    if location:
        entry.add("location", location)
    if about:
        entry.add("description", about)
    return entry


def event_calendar(event: Event) -> bytes:
    """Every slot; a parallel slot once, listing its tracks."""
    calendar = _calendar(event)
    for slot in event.slots:
        about = slot.about
        if slot.tracks:
            about = "\n".join([about] * bool(about) + [f"- {t.title}" for t in slot.tracks])
        calendar.add_component(_entry(event, slot, slot.title, "", f"slot-{slot.id}", about))
    return calendar.to_ical()


def person_calendar(event: Event, registration: Registration) -> bytes:
    """The plenaries and breaks, and in each parallel slot the person's own track."""
    calendar = _calendar(event)
    chosen = {c.slot_id: c for c in registration.choices if c.status in (Choice.CONFIRMED, Choice.WAITLISTED)}
    for slot in event.slots:
        if slot.kind != Slot.PARALLEL:
            calendar.add_component(_entry(event, slot, slot.title, "", f"slot-{slot.id}", slot.about))
            continue
        choice = chosen.get(slot.id)
        if choice is None:
            continue
        track = next(t for t in slot.tracks if t.id == choice.track_id)
        title = f"{slot.title}: {track.title}"
        if choice.status == Choice.WAITLISTED:
            title += " (waiting list)"
        calendar.add_component(
            _entry(event, slot, title, track.place, f"slot-{slot.id}-r{registration.id}", track.about)
        )
    return calendar.to_ical()
