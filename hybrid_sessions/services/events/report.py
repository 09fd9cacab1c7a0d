"""The event report: every published session note of the event's linked sessions, in
programme order, as one document (a page and Markdown)."""

from dataclasses import dataclass

from ...models import Event, Panel, Slot, Track
from ..errors import NotFound
from ..markdown_export import escape
from ..notes import get_published
from ..shapes import published_shape
from .programme import linked_sessions


@dataclass
class ReportPart:
    slot: Slot
    track: Track | None
    panel: Panel
    note: dict  # the published note shape


def report_parts(event: Event) -> list[ReportPart]:
    """A part for each linked session with a published note, in programme order;
    a session linked from several tracks appears once, at its first place."""
    panels = linked_sessions(event)
    parts, seen = [], set()
    for slot in event.slots:
        for track in slot.tracks:
            panel = panels.get(track.session_slug or "")
            if panel is None or panel.id in seen:
                continue
            seen.add(panel.id)
            try:
                version = get_published(panel)
            except NotFound:
                continue
            parts.append(ReportPart(slot, track, panel, published_shape(version)))
    return parts


def report_markdown(event: Event, parts: list[ReportPart], labels: dict[str, str]) -> str:
    """`labels`: the interface words in the reader's language (report, rooms, support, none)."""
    lines = [f"# {escape(event.title)}", "", f"*{escape(labels['report'])}*", ""]
    if not parts:
        lines += [escape(labels["none"]), ""]
    for part in parts:
        when = f"{part.slot.day.date.isoformat()} {part.slot.starts_at:%H:%M}"
        heading = part.track.title if part.track else part.slot.title
        lines += [f"## {escape(heading)}", "", f"*{escape(when)} · {escape(part.panel.title)}*", ""]
        if part.track and part.track.lead:
            lines += [f"{escape(labels['lead'])}: {escape(part.track.lead)}", ""]
        for paragraph in [p.strip() for p in part.note.get("summary", "").split("\n\n") if p.strip()]:
            lines += [escape(paragraph), ""]
        for section in part.note.get("sections", []):
            lines += [f"### {escape(section['title'])}", ""]
            for item in section["items"]:
                line = f"- {escape(item['text'])}"
                rooms = sorted({s.get("room_name", "") for s in item["sources"]} - {""})
                meta = []
                if rooms:
                    meta.append(f"{labels['rooms']}: {', '.join(rooms)}")
                if item.get("support"):
                    meta.append(f"{labels['support']}: {item['support']}")
                if meta:
                    line += f" *({escape('; '.join(meta))})*"
                lines.append(line)
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"
