"""PDF made from a page's print view with WeasyPrint.

The page's own HTML and stylesheets (their `@media print` rules hide the navigation and
buttons) plus `static/css/pdf.css`: A4, page numbers, and the DejaVu fonts bundled under
`static/fonts/` (Polish, Cyrillic and Greek glyphs), so the file looks the same on every
server and never depends on the fonts a machine happens to have. Nothing is fetched from
the network: every URL the page names is answered from the static folder or refused.

WeasyPrint needs pango from the system (`scripts/bootstrap` installs it); without it the
export raises `PdfUnavailable` and the page says so, instead of a 500.
"""

import logging
import mimetypes
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

log = logging.getLogger(__name__)


class PdfUnavailable(RuntimeError):
    """WeasyPrint or the system libraries it needs (pango, harfbuzz) are missing."""


def _weasyprint():
    try:
        import weasyprint
    except (ImportError, OSError) as exc:
        # OSError: the Python package is there but cffi cannot load libpango/libgobject.
        log.error("PDF export unavailable: %s (install pango: scripts/bootstrap)", exc)
        raise PdfUnavailable(str(exc)) from exc
    return weasyprint


def _static_only_fetcher(weasyprint, static_folder: Path, static_prefix: str):
    """Answers `/static/...` from the folder on disk and refuses any other URL (WeasyPrint
    then leaves that resource out), so rendering never touches the network."""
    root = static_folder.resolve()

    class StaticOnly(weasyprint.URLFetcher):
        def fetch(self, url, headers=None):
            path = unquote(urlsplit(url).path)
            if not path.startswith(static_prefix):
                raise ValueError(f"not fetched for a PDF: {url}")
            file = (root / path[len(static_prefix) :]).resolve()
            if not file.is_relative_to(root) or not file.is_file():
                raise ValueError(f"no such static file: {url}")
            mime, _ = mimetypes.guess_type(file.name)
            return weasyprint.urls.URLFetcherResponse(
                url, body=file.read_bytes(), headers={"Content-Type": mime or "application/octet-stream"}
            )

    return StaticOnly()


def html_to_pdf(html: str, *, base_url: str, static_folder: str, static_prefix: str = "/static/") -> bytes:
    """`html`: the page as rendered for the browser (its <title> becomes the PDF's);
    `base_url`: the page's address, which links in the PDF are resolved against;
    `static_folder`: where the `/static/` files live on disk. CPU-bound (about 4 s for a
    300-item note on one core): callers run it off the event loop, one at a time."""
    weasyprint = _weasyprint()
    folder = Path(static_folder)
    fetcher = _static_only_fetcher(weasyprint, folder, static_prefix)
    # The stylesheet's @font-face rules register the bundled fonts in this
    # configuration, which the layout must then use.
    fonts = weasyprint.text.fonts.FontConfiguration()
    document = weasyprint.HTML(string=html, base_url=base_url, url_fetcher=fetcher)
    # Read as if served from /static/css/, so its relative font URLs go to the fetcher.
    extra = weasyprint.CSS(
        string=(folder / "css" / "pdf.css").read_text(encoding="utf-8"),
        base_url=urljoin(base_url, f"{static_prefix}css/pdf.css"),
        url_fetcher=fetcher,
        font_config=fonts,
    )
    # Tagged (headings, lists, the language): screen readers read the file as the page.
    return document.write_pdf(stylesheets=[extra], font_config=fonts, pdf_tags=True)
