"""The interface in Polish and English: the Polish catalogue is complete and compiled."""

import gettext
from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "translations/pl/LC_MESSAGES/messages.po"


def _source_messages() -> set[str]:
    method_map = [("hybrid_sessions/**.py", "python"), ("templates/**.html", "jinja2")]
    found = set()
    keywords = {**DEFAULT_KEYWORDS, "_l": None}  # lazy_gettext, as babel.cfg users pass -k _l
    for _file, _line, message, _comments, _ctx in extract_from_dir(str(ROOT), method_map, keywords=keywords):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def test_every_interface_string_has_a_polish_translation():
    catalog = read_po(PO.open("rb"), locale="pl")
    translated = {}
    for message in catalog:
        if message.id:
            key = message.id[0] if isinstance(message.id, tuple) else message.id
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            translated[key] = all(strings) and not message.fuzzy
    missing = sorted(m for m in _source_messages() if not translated.get(m))
    assert not missing, f"run pybabel extract/update and translate: {missing}"


def test_the_compiled_catalogue_matches_the_po_file():
    compiled = gettext.GNUTranslations((PO.parent / "messages.mo").open("rb"))
    catalog = read_po(PO.open("rb"), locale="pl")
    for message in catalog:
        if message.id and not isinstance(message.id, tuple):
            assert compiled.gettext(message.id) == message.string, "run pybabel compile -d translations"
