"""The downloads on the real server (eventlet, the PDF laid out on a worker thread): a
browser saves each file under its slug's name, and the PDF opens with the page's text."""

import io
from pathlib import Path

import requests
from pypdf import PdfReader

from tests.servers import moderator_token

PROGRAMME = {
    "title": "Zjazd źdźbeł – łąka i gęśle",
    "slug": "zjazd-pobierz",
    "venue": "Łódź",
    "days": [
        {"date": "2030-11-24", "slots": [{"starts_at": "10:00", "title": "Otwarcie", "kind": "plenary"}]}
    ],
}


def test_the_report_downloads_as_files_from_the_page(server, contexts):
    base = server["base"]
    created = requests.post(
        f"{base}/api/v1/events",
        json=PROGRAMME,
        headers={"Authorization": f"Bearer {moderator_token(base)}"},
    )
    assert created.status_code == 201, created.text
    page = contexts(locale="pl-PL", accept_downloads=True).new_page()
    page.goto(f"{base}/e/zjazd-pobierz/report")
    saved = {}
    for name in ("Markdown", "DOCX", "PDF"):
        with page.expect_download() as download:
            page.get_by_role("link", name=name, exact=True).click()
        saved[name] = download.value
    assert [d.suggested_filename for d in saved.values()] == [
        "zjazd-pobierz-report.md",
        "zjazd-pobierz-report.docx",
        "zjazd-pobierz-report.pdf",
    ]
    pdf = PdfReader(io.BytesIO(Path(saved["PDF"].path()).read_bytes()))
    text = " ".join(" ".join(p.extract_text() for p in pdf.pages).split())
    assert "Zjazd źdźbeł – łąka i gęśle" in text and "Raport z wydarzenia" in text
    # The server kept answering while it laid the PDF out.
    assert requests.get(f"{base}/e/zjazd-pobierz", timeout=10).status_code == 200
