"""Files people open: the published session note and the event report as Markdown, Word
(DOCX) and PDF downloads, with the words and numbers the page shows, in its language.

The PDF is the print view of the page itself, laid out by WeasyPrint on the server with
fonts bundled in static/fonts; a missing system library gives a 503 page that says so.
Published versions never change, so a PDF is cached by the HTML it was made from.
"""

import hashlib
import threading

from cachetools import LRUCache
from flask import Blueprint, Response, current_app, request, url_for
from flask_babel import format_date, get_locale, ngettext
from flask_babel import gettext as _
from markupsafe import Markup
from werkzeug.exceptions import ServiceUnavailable

from ..live.suggestions import off_the_loop
from ..services import pdf_export
from ..services.docx_export import Item, Outline, Part, Section, outline_docx
from ..services.events import report
from ..services.markdown_export import note_markdown
from .formatting import moment, session_when

bp = Blueprint("exports", __name__)

DOCX_MIMETYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


# --- What the pages and the files share ---------------------------------------------


@bp.app_template_global()
def item_rooms(item: dict) -> list[str]:
    """The rooms an item's sources came from, in alphabetical order (as in the Markdown)."""
    return sorted({source.get("room_name") or "" for source in item.get("sources", [])} - {""})


@bp.app_template_global()
def item_meta(item: dict) -> str:
    """ "Rooms: A, B · backed by 3 people": the line under a note item, on the page and in files."""
    parts = []
    rooms = item_rooms(item)
    if rooms:
        parts.append(f"{_('Rooms')}: {', '.join(rooms)}")
    if item.get("support"):
        parts.append(backers(item["support"]))
    return " · ".join(parts)


def backers(num: int) -> str:
    return ngettext("backed by %(num)d person", "backed by %(num)d people", num)


@bp.app_template_global()
def note_people(panel) -> str:
    """ "Moderator: X · Guests: Y, Z", as the panel page lists them."""
    parts = []
    if panel.host:
        parts.append(f"{_('Moderator')}: {panel.host.name}")
    if panel.guests:
        label = _("Guest") if len(panel.guests) == 1 else _("Guests")
        parts.append(f"{label}: {', '.join(g.name for g in panel.guests)}")
    return " · ".join(parts)


def note_version_line(panel, version) -> str:
    return _(
        "Session note, version %(num)d, published %(when)s",
        num=version.number,
        when=moment(version.published_at, panel.timezone),
    )


@bp.app_template_global()
def report_part_meta(part, linked: str | None = None) -> str | Markup:
    """The line under a session's heading in the event report; with `linked`, the page's
    version whose last words (the session's title) link there."""
    slot = part.slot
    bits = [f"{format_date(slot.day.date, 'd MMMM y')}, {slot.starts_at:%H:%M}", slot.title]
    if part.track and part.track.lead:
        bits.append(_("Lead: %(name)s", name=part.track.lead))
    if linked is None:
        return " · ".join([*bits, part.panel.title])
    link = Markup('<a href="{}">{}</a>').format(linked, part.panel.title)
    return Markup(" · ").join([*bits, link])


def _sections(note: dict) -> list[Section]:
    return [
        Section(s["title"], [Item(i["text"], item_meta(i)) for i in s["items"]])
        for s in note.get("sections", [])
    ]


def _summary(note: dict) -> list[str]:
    return [p for p in note.get("summary", "").split("\n\n") if p.strip()]


def note_outline(panel, version, note: dict) -> Outline:
    meta = [session_when(panel), note_people(panel), note_version_line(panel, version)]
    return Outline(
        title=panel.title,
        meta=[line for line in meta if line],
        parts=[Part(summary=_summary(note), sections=_sections(note))],
    )


def report_outline(event, parts: list, merged: list) -> Outline:
    outline = Outline(
        title=event.title,
        meta=[_("Every published session note of the event, in programme order.")],
        empty=_("No session of this event has a published note yet."),
    )
    for part in parts:
        outline.parts.append(
            Part(
                heading=part.group,
                meta=[report_part_meta(part)],
                summary=_summary(part.note),
                sections=_sections(part.note),
            )
        )
    if merged:
        outline.parts.append(
            Part(
                heading=_("Merged across sessions"),
                sections=[
                    Section(s.title, [Item(i.text, merged_item_meta(i)) for i in s.items]) for s in merged
                ],
            )
        )
    return outline


@bp.app_template_global()
def merged_item_meta(item) -> str:
    line = f"{_('Groups')}: {', '.join(report.item_groups(item))}"
    support = report.item_support(item)
    return f"{line} · {backers(support)}" if support else line


# --- Downloads ------------------------------------------------------------------------


def download(body, mimetype: str, filename: str) -> Response:
    """An attachment: browsers save it under `filename` (a slug, so plain ASCII)."""
    return Response(
        body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )


def _published_note(slug: str):
    from .pages import published_note_or_404

    return published_note_or_404(slug)


@bp.get("/s/<slug>/note.md")
def note_md(slug: str):
    """The published note as Markdown (`?v=N` for an older version)."""
    panel, version, _note = _published_note(slug)
    text = note_markdown(
        version.content,
        version=version.number,
        published_at=version.published_at,
        tz=panel.timezone,
        locale=str(get_locale()),
        labels={
            "note": _("Session note"),
            "version": _("version"),
            "rooms": _("Rooms"),
            "support": _("Support"),
        },
    )
    return download(text, "text/markdown", f"{panel.slug}-v{version.number}.md")


@bp.get("/s/<slug>/note.docx")
def note_docx(slug: str):
    """The published note as a Word document."""
    panel, version, note = _published_note(slug)
    body = outline_docx(note_outline(panel, version, note))
    return download(body, DOCX_MIMETYPE, f"{panel.slug}-v{version.number}.docx")


@bp.get("/s/<slug>/note.pdf")
def note_pdf(slug: str):
    """The published note's print view as a PDF (A4)."""
    from .pages import note_page_html

    panel, version, _note = _published_note(slug)
    html = _as_a_visitor(
        lambda: note_page_html(panel, version), url_for("pages.note", slug=panel.slug), v=version.number
    )
    return download(_pdf(html), "application/pdf", f"{panel.slug}-v{version.number}.pdf")


def _event(slug: str):
    from .events import _event_or_404

    return _event_or_404(slug)


def _report_labels() -> dict[str, str]:
    return {
        "report": _("Event report: the published session notes, in programme order"),
        "rooms": _("Rooms"),
        "support": _("Support"),
        "lead": _("Lead"),
        "none": _("No session of this event has a published note yet."),
        "merged": _("Merged across sessions"),
        "groups": _("Groups"),
    }


@bp.get("/e/<slug>/report.md")
def report_md(slug: str):
    """The event report as Markdown."""
    event = _event(slug)
    text = report.report_markdown(
        event, report.report_parts(event), _report_labels(), report.merged_sections(event)
    )
    return download(text, "text/markdown", f"{event.slug}-report.md")


@bp.get("/e/<slug>/report.docx")
def report_docx(slug: str):
    """The event report as a Word document."""
    event = _event(slug)
    outline = report_outline(event, report.report_parts(event), report.merged_sections(event))
    return download(outline_docx(outline), DOCX_MIMETYPE, f"{event.slug}-report.docx")


@bp.get("/e/<slug>/report.pdf")
def report_pdf(slug: str):
    """The event report's print view as a PDF (A4)."""
    from .events import report_page_html

    event = _event(slug)
    html = _as_a_visitor(lambda: report_page_html(event), url_for("events.report_page", slug=event.slug))
    return download(_pdf(html), "application/pdf", f"{event.slug}-report.pdf")


# --- PDF ------------------------------------------------------------------------------


def _as_a_visitor(render, path: str, **args) -> str:
    """The page as a visitor with no cookie sees it at its plain address, in this
    request's language: what the PDF is made of, the same for everyone, so the cache
    below holds one file per page, version and language (a random `?x=` on the PDF's
    address would otherwise change the page's language links, and so its key)."""
    query = {**args, "lang": str(get_locale())}
    with current_app.test_request_context(path, query_string=query, base_url=request.host_url):
        return render()


# Keyed by a hash of the page's HTML: the same page in the same language gives the same
# file, and any change (a new version, a renamed session) gives a new key.
_pdf_cache: LRUCache = LRUCache(maxsize=32)
_pdf_cache_lock = threading.Lock()
_render_lock = threading.Lock()


def _pdf(html: str) -> bytes:
    key = hashlib.sha256(html.encode()).hexdigest()
    with _pdf_cache_lock:
        cached = _pdf_cache.get(key)
    if cached is not None:
        return cached
    # Read here: the worker thread below has no request or app context.
    static = current_app.static_folder
    prefix = current_app.static_url_path.rstrip("/") + "/"
    base_url = request.url_root
    try:
        # One at a time, on a worker thread: the layout is CPU-bound, two at once would
        # only share the cores more slowly, and the event loop keeps serving meanwhile.
        # (The lock is taken here, on the loop's side: under eventlet it is a green lock.)
        with _render_lock:
            body = off_the_loop(
                lambda: pdf_export.html_to_pdf(
                    html, base_url=base_url, static_folder=static, static_prefix=prefix
                )
            )
    except pdf_export.PdfUnavailable:
        raise ServiceUnavailable("pdf") from None
    with _pdf_cache_lock:
        _pdf_cache[key] = body
    return body


def forget_pdfs() -> None:
    with _pdf_cache_lock:
        _pdf_cache.clear()
