"""Word documents (DOCX) of the published note and the event report, with python-docx.

The caller (the web layer) lays the document out in the reader's language as an
`Outline` of plain strings, the same words the page shows; this module only writes them.
Text stays text: a run holds characters, never markup, so `**`, `<b>`, `=SUM(A1)` or
`[x](javascript:...)` typed by someone reach Word literally.
"""

import io
import re
from dataclasses import dataclass, field

from docx import Document
from docx.enum.text import WD_BREAK

# XML 1.0 refuses these characters (lxml raises on them); user text is cleaned of
# control characters when it is stored, this keeps an old row from failing an export.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml(text: str) -> str:
    return _NOT_XML.sub("", text)


@dataclass
class Item:
    text: str
    meta: str = ""  # e.g. "Rooms: A, B · backed by 3 people", as the page shows it


@dataclass
class Section:
    title: str
    items: list[Item] = field(default_factory=list)


@dataclass
class Part:
    """One session's note (the whole note page, or a part of the event report)."""

    heading: str = ""  # empty: the document's only part, its sections are top-level headings
    meta: list[str] = field(default_factory=list)
    summary: list[str] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)


@dataclass
class Outline:
    title: str
    meta: list[str] = field(default_factory=list)
    parts: list[Part] = field(default_factory=list)
    empty: str = ""  # said when there are no parts (a report before any note is published)


def outline_docx(outline: Outline) -> bytes:
    document = Document()
    document.core_properties.title = _xml(outline.title)
    document.add_heading(_xml(outline.title), level=0)
    for line in outline.meta:
        document.add_paragraph().add_run(_xml(line)).italic = True
    if not outline.parts and outline.empty:
        document.add_paragraph(_xml(outline.empty))
    for part in outline.parts:
        level = 1
        if part.heading:
            document.add_heading(_xml(part.heading), level=1)
            level = 2
        for line in part.meta:
            document.add_paragraph().add_run(_xml(line)).italic = True
        for paragraph in part.summary:
            document.add_paragraph(_xml(paragraph))
        for section in part.sections:
            document.add_heading(_xml(section.title), level=level)
            for item in section.items:
                bullet = document.add_paragraph(style="List Bullet")
                bullet.add_run(_xml(item.text))
                if item.meta:
                    # Its own line in the bullet, as on the page; a run of its own, so the
                    # item's words are exactly the first run's text.
                    bullet.add_run().add_break(WD_BREAK.LINE)
                    meta = bullet.add_run(_xml(item.meta))
                    meta.italic = True
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
