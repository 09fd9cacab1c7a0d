"""The event report: every published session note of the event's linked sessions, in
programme order, as one document (a page, Markdown; DOCX and PDF: web/exports.py)."""

from dataclasses import dataclass

import sqlalchemy as sa

from ...extensions import db
from ...models import Event, Panel, ReportItem, ReportItemSource, ReportSection, Slot, Track
from ..errors import Invalid, NotFound
from ..markdown_export import escape
from ..notes import get_published
from ..shapes import published_shape
from ..text import clean_text
from .programme import linked_sessions


@dataclass
class ReportPart:
    slot: Slot
    track: Track | None
    panel: Panel
    note: dict  # the published note shape
    version: int = 0

    @property
    def group(self) -> str:
        return self.track.title if self.track else self.slot.title


def item_key(part: ReportPart, item: dict) -> str:
    return f"{part.panel.id}:{part.version}:{item['id']}"


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
            parts.append(ReportPart(slot, track, panel, published_shape(version), version.number))
    return parts


def report_markdown(
    event: Event, parts: list[ReportPart], labels: dict[str, str], merged: list | None = None
) -> str:
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
    if merged:
        lines += [f"## {escape(labels['merged'])}", ""]
        for section in merged:
            lines += [f"### {escape(section.title)}", ""]
            for item in section.items:
                meta = f"{labels['groups']}: {', '.join(item_groups(item))}"
                if item_support(item):
                    meta += f"; {labels['support']}: {item_support(item)}"
                lines.append(f"- {escape(item.text)} *({escape(meta)})*")
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


# --- Sections merged across sessions ---------------------------------------------------


def merged_sections(event: Event) -> list[ReportSection]:
    return list(
        db.session.scalars(
            sa.select(ReportSection)
            .where(ReportSection.event_id == event.id)
            .order_by(ReportSection.position)
        )
    )


def merge_across(
    event: Event, parts: list[ReportPart], keys: list[str], text: object, section: object
) -> ReportItem:
    """One report item from published note items of several sessions (the same idea said
    by several groups). Its support is the sum of the sources' support (different sessions,
    different people); its provenance names each group."""
    text = clean_text(text, "text", max_len=2000)
    title = clean_text(section, "section", max_len=200, multiline=False)
    available = {
        item_key(p, i): (p, i) for p in parts for s in p.note.get("sections", []) for i in s["items"]
    }
    chosen = list(dict.fromkeys(keys))
    if not chosen:
        raise Invalid("choose at least one published item")
    if any(k not in available for k in chosen):
        raise Invalid("an item is not in a published note of this event")
    target = next((s for s in merged_sections(event) if s.title == title), None)
    if target is None:
        target = ReportSection(event_id=event.id, title=title, position=len(merged_sections(event)))
        db.session.add(target)
    item = ReportItem(text=text, position=len(target.items))
    for key in chosen:
        part, source = available[key]
        item.sources.append(
            ReportItemSource(
                panel_id=part.panel.id,
                note_item_key=key,
                group=part.group,
                text=source["text"],
                support=source.get("support", 0),
            )
        )
    target.items.append(item)
    db.session.commit()
    return item


def remove_merged_item(event: Event, item_id: object) -> None:
    item = db.session.get(ReportItem, item_id) if isinstance(item_id, int) else None
    if item is None or item.section.event_id != event.id:
        raise NotFound("no such report item")
    section = item.section
    section.items.remove(item)
    if not section.items:
        db.session.delete(section)
    db.session.commit()


def item_groups(item: ReportItem) -> list[str]:
    return list(dict.fromkeys(s.group for s in item.sources))


def item_support(item: ReportItem) -> int:
    return sum(s.support for s in item.sources)
