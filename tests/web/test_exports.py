"""Files people open: each export of the published note and the event report is opened
(DOCX read back with python-docx, PDF text extracted with pypdf, Markdown read) and
compared with the page it comes from, in Polish, with hostile text kept literal."""

import io
import re
from html.parser import HTMLParser

import pytest
from docx import Document
from pypdf import PdfReader

from hybrid_sessions.extensions import db
from hybrid_sessions.models import Moderator, Participant
from hybrid_sessions.models.panel import PanelPerson
from hybrid_sessions.services import notes, panels, recommendations
from hybrid_sessions.services.events import programme
from hybrid_sessions.web import exports
from tests.conftest import PASSWORD
from tests.services.events.helpers import event_input

HOSTILE = '<script>alert("x")</script> **gruby** [klik](javascript:alert(1)) =SUMA(A1:A9) @cmd'
SUMMARY = "Zażółć gęślą jaźń — pierwszy akapit.\n\nDrugi akapit: ŁÓDŹ, Świętokrzyskie, źdźbło."


@pytest.fixture
def client(app):
    """The pages and files in Polish (the default language), as organisers use them."""
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "pl"
    return client


@pytest.fixture(autouse=True)
def _fresh_pdf_cache():
    exports.forget_pdfs()
    yield
    exports.forget_pdfs()


def _normal(text: str) -> str:
    return " ".join(text.split())


class _Page(HTMLParser):
    """The note as a reader sees it: headings, summary paragraphs, items and their lines."""

    def __init__(self):
        super().__init__()
        self.h1, self.h2, self.summary, self.items, self.metas = [], [], [], [], []
        self._stack: list[tuple[str, list]] = []
        self._in_summary = 0

    def handle_starttag(self, tag, attrs):
        classes = (dict(attrs).get("class") or "").split()
        if tag == "div" and "summary" in classes:
            self._in_summary = 1
        target = None
        if tag == "h1":
            target = self.h1
        elif tag == "h2" and not dict(attrs).get("id", "").startswith("merge"):
            target = self.h2
        elif tag == "p" and self._in_summary:
            target = self.summary
        elif tag == "span" and "item-text" in classes:
            target = self.items
        elif tag == "div" and "meta" in classes:
            target = self.metas
        self._stack.append((tag, target))
        if target is not None:
            target.append("")

    def handle_endtag(self, tag):
        while self._stack:
            open_tag, _ = self._stack.pop()
            if open_tag == tag:
                break
        if tag == "div" and self._in_summary and not any(t == "div" for t, _ in self._stack[-1:]):
            self._in_summary = 0

    def handle_data(self, data):
        for _, target in reversed(self._stack):
            if target is not None:
                target[-1] += data
                return

    def result(self) -> dict:
        return {k: [_normal(x) for x in getattr(self, k)] for k in ("h1", "h2", "summary", "items", "metas")}


def _page(html: str) -> dict:
    parser = _Page()
    parser.feed(html)
    return parser.result()


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.chunks = []

    def handle_data(self, data):
        self.chunks.append(data)


def _visible(html: str) -> str:
    """The page's text as a reader sees it (tags dropped, entities decoded)."""
    parser = _Text()
    parser.feed(html)
    return _normal(" ".join(parser.chunks))


def _docx(data: bytes) -> dict:
    document = Document(io.BytesIO(data))
    out = {"h1": [], "h2": [], "h3": [], "items": [], "metas": [], "plain": [], "italic": []}
    for p in document.paragraphs:
        style = p.style.name
        if style == "Title":
            out["h1"].append(p.text)
        elif style == "Heading 1":
            out["h2"].append(p.text)
        elif style == "Heading 2":
            out["h3"].append(p.text)
        elif style == "List Bullet":
            texts = [r.text for r in p.runs if r.text]
            out["items"].append(texts[0])
            if len(texts) > 1:
                out["metas"].append(texts[-1])
        elif p.runs and all(r.italic for r in p.runs):
            out["italic"].append(p.text)
        else:
            out["plain"].append(p.text)
    return out


def _pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return _normal(" ".join(page.extract_text() for page in reader.pages))


def _pdf_fonts(data: bytes) -> set[str]:
    fonts = set()
    for page in PdfReader(io.BytesIO(data)).pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    return fonts


def _publish(app, scenario, make, *, hostile=False):
    """A note with a summary, two sections, items from both rooms and +1s."""
    ewa, jan, ola = scenario["ewa"][0], scenario["jan"][0], scenario["ola"][0]
    first = make.post(ewa, scenario["room_a"], "Więcej ławek w parku")
    second = make.post(ola, scenario["room_b"], "Ławki przy szkole")
    third = make.post(jan, scenario["room_a"], "Świetlica dla młodzieży")
    with app.app_context():
        recommendations.vote(first, db.session.get(Participant, jan))
        panel, actor = panels.get_panel(scenario["slug"]), db.session.get(Moderator, scenario["moderator"])
        notes.set_summary(panel, SUMMARY, actor)
        notes.merge_into_note(
            panel, [first, second], "Ławki: więcej miejsc do siedzenia", "Przestrzeń", actor
        )
        notes.merge_into_note(
            panel, [third], HOSTILE if hostile else "Świetlica czynna do 20:00", "Młodzież — źródła", actor
        )
        notes.publish_note(panel, actor)


def _with_people(app, scenario):
    """The session's moderator and two guests, as the organiser lists them."""
    with app.app_context():
        panel = panels.get_panel(scenario["slug"])
        panel.people += [
            PanelPerson(role=PanelPerson.HOST, name="Anna Żelazowska", position=0),
            PanelPerson(role=PanelPerson.GUEST, name="Grzegorz Źdźbło", position=1),
            PanelPerson(role=PanelPerson.GUEST, name="Łucja Ćwik", position=2),
        ]
        db.session.commit()


def test_the_note_downloads_as_docx_with_what_the_page_shows(app, client, scenario, make):
    _with_people(app, scenario)
    _publish(app, scenario, make)
    page_html = client.get(f"/s/{scenario['slug']}/note").get_data(as_text=True)
    page = _page(page_html)
    assert page["items"] == ["Ławki: więcej miejsc do siedzenia", "Świetlica czynna do 20:00"]
    assert page["metas"] == [
        "Podpokoje: Sala A, Sala B · poparły to 3 osoby",
        "Podpokoje: Sala A · poparła to 1 osoba",
    ]

    response = client.get(f"/s/{scenario['slug']}/note.docx")
    assert response.status_code == 200
    assert response.mimetype == exports.DOCX_MIMETYPE
    assert response.headers["Content-Disposition"] == f'attachment; filename="{scenario["slug"]}-v1.docx"'
    docx = _docx(response.data)
    assert docx["h1"] == page["h1"] == ["Od klienta do współgospodarza"]
    assert docx["h2"] == page["h2"] == ["Przestrzeń", "Młodzież — źródła"]
    assert docx["items"] == page["items"]
    assert docx["metas"] == page["metas"]
    assert (
        docx["plain"]
        == page["summary"]
        == [
            "Zażółć gęślą jaźń — pierwszy akapit.",
            "Drugi akapit: ŁÓDŹ, Świętokrzyskie, źdźbło.",
        ]
    )
    # The meta lines: when, who, which version, in the words of the page.
    people = "Moderacja: Anna Żelazowska · Goście: Grzegorz Źdźbło, Łucja Ćwik"
    assert people in _visible(page_html)
    assert docx["italic"][1] == people
    assert docx["italic"][2].startswith("Notatka z sesji, wersja 1, opublikowana ")
    assert docx["italic"][2] in _visible(page_html)
    for name in ("Ewa", "Jan", "Ola"):  # participants are never named
        assert not any(name in line for lines in docx.values() for line in lines)


def test_the_note_downloads_as_a_pdf_of_the_print_view(app, client, scenario, make):
    _with_people(app, scenario)
    _publish(app, scenario, make)
    page = _page(client.get(f"/s/{scenario['slug']}/note").get_data(as_text=True))
    response = client.get(f"/s/{scenario['slug']}/note.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == f'attachment; filename="{scenario["slug"]}-v1.pdf"'
    reader = PdfReader(io.BytesIO(response.data))
    # Tagged, in the page's language: a screen reader reads headings and lists.
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "pl" and root["/MarkInfo"]["/Marked"] and "/StructTreeRoot" in root
    assert reader.pages[0].mediabox.width == pytest.approx(595.28, abs=1)  # A4
    assert reader.pages[0].mediabox.height == pytest.approx(841.89, abs=1)
    text = _pdf_text(response.data)
    for line in page["h1"] + page["h2"] + page["summary"] + page["items"] + page["metas"]:
        assert line in text, line
    assert "Moderacja: Anna Żelazowska" in text and "1 / 1" in text  # page numbers
    # No navigation, buttons or language switch: the print view.
    assert "Pobierz" not in text and "Moderator: zaloguj" not in text
    # Only the fonts bundled in static/fonts, never whatever the server has installed.
    fonts = _pdf_fonts(response.data)
    assert fonts and all("+HS-" in font for font in fonts), fonts


def test_a_pdf_is_made_once_per_page_version_and_language(app, client, scenario, make, monkeypatch):
    from hybrid_sessions.services import pdf_export

    made = []
    real = pdf_export.html_to_pdf

    def counting(html, **kwargs):
        made.append(html)
        return real(html, **kwargs)

    monkeypatch.setattr(pdf_export, "html_to_pdf", counting)
    _publish(app, scenario, make)
    slug = scenario["slug"]
    first = client.get(f"/s/{slug}/note.pdf")
    # Another address for the same file, another visitor: the same PDF, not made again.
    assert client.get(f"/s/{slug}/note.pdf?x=1&v=1").data == first.data
    client.post("/login", data={"email": "mod@example.org", "password": PASSWORD})
    assert client.get(f"/s/{slug}/note.pdf?utm=2").data == first.data
    assert len(made) == 1
    # The page as a visitor sees it: no sign-out button, no moderator's links.
    assert "Wyloguj" not in made[0] and 'lang="pl"' in made[0]
    client.get(f"/s/{slug}/note.pdf", headers={"Accept-Language": "en"})
    assert len(made) == 2 and 'lang="en"' in made[1]


def test_hostile_text_stays_literal_in_every_format(app, client, scenario, make):
    _publish(app, scenario, make, hostile=True)
    slug = scenario["slug"]
    html = client.get(f"/s/{slug}/note").get_data(as_text=True)
    assert "<script>alert" not in html and "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert _page(html)["items"][1] == HOSTILE
    assert _docx(client.get(f"/s/{slug}/note.docx").data)["items"][1] == HOSTILE
    assert HOSTILE in _pdf_text(client.get(f"/s/{slug}/note.pdf").data)
    markdown = client.get(f"/s/{slug}/note.md").get_data(as_text=True)
    assert (
        '- \\<script\\>alert("x")\\</script\\> \\*\\*gruby\\*\\* \\[klik\\](javascript:alert(1)) '
        "=SUMA(A1:A9) @cmd" in markdown
    )


def test_markdown_is_a_download_with_the_same_content(app, client, scenario, make):
    _publish(app, scenario, make)
    response = client.get(f"/s/{scenario['slug']}/note.md")
    assert response.headers["Content-Type"] == "text/markdown; charset=utf-8"
    assert response.headers["Content-Disposition"] == f'attachment; filename="{scenario["slug"]}-v1.md"'
    text = response.data.decode("utf-8")
    assert text.startswith("# Od klienta do współgospodarza\n")
    assert "## Przestrzeń" in text and "## Młodzież — źródła" in text
    assert "- Ławki: więcej miejsc do siedzenia *(Podpokoje: Sala A, Sala B; Poparcie: 3)*" in text
    assert "Zażółć gęślą jaźń — pierwszy akapit." in text


def test_an_unpublished_note_is_not_exportable(client, scenario):
    for suffix in ("", ".md", ".docx", ".pdf"):
        assert client.get(f"/s/{scenario['slug']}/note{suffix}").status_code == 404
        assert client.get(f"/s/nie-ma/note{suffix}").status_code == 404


def test_the_pages_link_every_download_in_both_languages(app, client, scenario, make):
    _publish(app, scenario, make)
    slug = scenario["slug"]
    for lang, word in (("pl", "Pobierz:"), ("en", "Download:")):
        for path in (f"/s/{slug}/note", f"/s/{slug}"):
            html = client.get(path, headers={"Accept-Language": lang}).get_data(as_text=True)
            assert word in html
            for suffix in ("md", "docx", "pdf"):
                assert re.search(rf'href="/s/{slug}/note\.{suffix}[^"]*" download>', html), (path, suffix)


def test_a_server_without_pango_says_so_instead_of_failing(app, client, scenario, make, monkeypatch):
    from hybrid_sessions.services import pdf_export

    def missing():
        raise pdf_export.PdfUnavailable("cannot load library 'libpango-1.0-0'")

    monkeypatch.setattr(pdf_export, "_weasyprint", missing)
    _publish(app, scenario, make)
    response = client.get(f"/s/{scenario['slug']}/note.pdf")
    assert response.status_code == 503 and response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert "Niedostępne na tym serwerze" in page and "pango" in page
    assert client.get(f"/s/{scenario['slug']}/note.docx").status_code == 200


def test_the_event_report_downloads_as_docx_and_pdf(app, client, scenario, make):
    with app.app_context():
        programme.create_event(
            db.session.get(Moderator, scenario["moderator"]), event_input(session_slug=scenario["slug"])
        )
    _publish(app, scenario, make)
    html = client.get("/e/osl-2030/report").get_data(as_text=True)
    page = _page(html)
    assert "Pobierz:" in html and 'href="/e/osl-2030/report.pdf" download' in html

    docx = _docx(client.get("/e/osl-2030/report.docx").data)
    assert docx["h1"] == page["h1"] == ["Organizowanie społeczności lokalnej"]
    assert docx["h2"] == ["Współpraca z liderami"] == page["h2"][:1]
    assert docx["h3"] == page["h2"][1:] == ["Przestrzeń", "Młodzież — źródła"]
    assert docx["items"] == page["items"] and docx["metas"] == page["metas"]
    assert docx["plain"] == page["summary"]
    part_meta = [line for line in docx["italic"] if "Współpraca" not in line][-1]
    assert part_meta in _visible(html) and part_meta.endswith("Od klienta do współgospodarza")

    response = client.get("/e/osl-2030/report.pdf")
    assert response.headers["Content-Disposition"] == 'attachment; filename="osl-2030-report.pdf"'
    text = _pdf_text(response.data)
    for line in page["h1"] + page["h2"] + page["items"] + page["metas"] + [part_meta]:
        assert line in text, line
    markdown = client.get("/e/osl-2030/report.md")
    assert markdown.headers["Content-Disposition"] == 'attachment; filename="osl-2030-report.md"'
    assert client.get("/e/nie-ma/report.pdf").status_code == 404
