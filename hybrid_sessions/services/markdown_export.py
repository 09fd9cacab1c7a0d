"""The published note as Markdown.

User text is escaped so that it stays text: a `[link](javascript:...)`, a heading `#`,
raw `<script>` or an emphasis trick in a post renders literally in any Markdown viewer.
"""

import re
from zoneinfo import ZoneInfo

from babel.dates import format_datetime

# Characters that start inline syntax anywhere: emphasis, code, links and images
# (`[`/`]` cover `(...)` too), raw HTML and entities, tables, strikethrough.
_INLINE = re.compile(r"([\\`*_\[\]<>&|~])")
# What starts a block at the beginning of a line: headings, lists, quotes, rules.
# An ordered-list marker is escaped at its dot or parenthesis ("1\\."), since a
# backslash before a digit is no escape in CommonMark.
_BLOCK_START = re.compile(r"^(\s*(?:\d+)?)([#>+=-]|(?<=\d)[.)])")


def escape(text: str) -> str:
    # A line break inside a list item would end the item; keep everything on one line.
    one_line = re.sub(r"\s*\n\s*", " ", text)
    escaped = _INLINE.sub(r"\\\1", one_line)
    return _BLOCK_START.sub(lambda m: m.group(1) + "\\" + m.group(2), escaped)


def note_markdown(
    content: dict, *, version: int, published_at, tz: str, labels: dict[str, str], locale: str
) -> str:
    """`labels` holds the interface words in the reader's language."""
    lines = [f"# {escape(content.get('title', ''))}", ""]
    when = format_datetime(published_at.astimezone(ZoneInfo(tz)), "d MMMM y, HH:mm", locale=locale)
    lines += [f"*{escape(labels['note'])} · {escape(labels['version'])} {version} · {escape(when)}*", ""]
    for paragraph in [p.strip() for p in content.get("summary", "").split("\n\n") if p.strip()]:
        lines += [escape(paragraph), ""]
    for section in content.get("sections", []):
        lines += [f"## {escape(section['title'])}", ""]
        for item in section["items"]:
            line = f"- {escape(item['text'])}"
            rooms = sorted({s.get("room_name", "") for s in item["sources"]} - {""})
            if rooms or item["support"]:
                meta = []
                if rooms:
                    meta.append(f"{labels['rooms']}: {', '.join(rooms)}")
                if item["support"]:
                    meta.append(f"{labels['support']}: {item['support']}")
                line += f" *({escape('; '.join(meta))})*"
            lines.append(line)
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
