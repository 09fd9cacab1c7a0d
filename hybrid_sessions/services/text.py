"""Cleaning what people type, the same way for every field.

Besides control characters, invisible characters are removed: bidirectional overrides
and isolates (a name that reverses the interface text around it), zero-width and other
format characters (posts that look empty, names that look like someone else's), and
fillers that render as nothing. Emoji stay whole, including sequences joined by a
zero-width joiner (👩‍💻, 🏳️‍🌈) and subdivision flags; Polish and every other script stay.
"""

import unicodedata

from .errors import Invalid

# Control characters other than newline and tab have no place in a post or a name;
# they are how terminal and log injection tricks travel.
_DROP = {c for c in range(0x20) if c not in (0x09, 0x0A)} | {0x7F}
ZWJ, ZWNJ, VS15, VS16 = "\u200d", "\u200c", "\ufe0e", "\ufe0f"
BLACK_FLAG = "\U0001f3f4"
# Not format characters, yet drawn as nothing: Hangul fillers, the Braille blank,
# invisible combining marks (grapheme joiner, Khmer inherent vowels, Mongolian
# variation selectors).
_INVISIBLE = {
    0x115F, 0x1160, 0x3164, 0xFFA0, 0x2800, 0x034F, 0x17B4, 0x17B5,
    0x180B, 0x180C, 0x180D, 0x180F,
}  # fmt: skip
# More combining marks than this on one letter is "Zalgo" text that spills over lines.
_MAX_MARKS = 4


def _is_tag(ch: str) -> bool:
    return 0xE0020 <= ord(ch) <= 0xE007F


def _is_emoji_part(ch: str) -> bool:
    """A character that may stand on either side of a zero-width joiner in an emoji."""
    return unicodedata.category(ch) in ("So", "Sk") or ch == VS16 or 0x1F3FB <= ord(ch) <= 0x1F3FF


def strip_invisible(text: str) -> str:
    """Drop invisible and direction-changing characters, keeping emoji sequences whole."""
    kept: list[str] = []
    marks = 0
    for i, ch in enumerate(text):
        code, category = ord(ch), unicodedata.category(ch)
        after = text[i + 1] if i + 1 < len(text) else ""
        before = kept[-1] if kept else ""
        if ch == ZWJ:
            keep = bool(before) and _is_emoji_part(before) and bool(after) and _is_emoji_part(after)
        elif ch == ZWNJ:
            # Needed between letters in Persian and Indic scripts; nowhere else.
            keep = before.isalpha() and after.isalpha()
        elif _is_tag(ch) or code == 0xE007F:
            # Subdivision flags: 🏴 followed by tag letters and a cancel tag.
            keep = bool(before) and (before == BLACK_FLAG or _is_tag(before))
        elif ch in (VS15, VS16) or 0xFE00 <= code <= 0xFE0D or 0xE0100 <= code <= 0xE01EF:
            keep = bool(before) and not before.isspace()
        elif category == "Cf" or code in _INVISIBLE:
            keep = False  # bidi controls, zero-width spaces, soft hyphen, BOM, ...
        elif category in ("Zl", "Zp"):
            ch, keep = "\n", True
        elif category == "Zs":
            ch, keep = " ", True  # no-break and other spaces look like one
        else:
            keep = True
        if keep and category in ("Mn", "Me"):
            marks += 1
            keep = marks <= _MAX_MARKS
        elif keep:
            marks = 0
        if keep:
            kept.append(ch)
    return "".join(kept)


def _visible(text: str) -> bool:
    return any(unicodedata.category(ch)[0] not in "ZCM" for ch in text)


def clean_text(
    value: object,
    field: str,
    *,
    max_len: int,
    min_len: int = 1,
    multiline: bool = True,
    fold_lookalikes: bool = False,
) -> str:
    """NFC-normalise, drop invisible characters, strip, and check length in Unicode code
    points (as the UI counts). `fold_lookalikes` (for people's names) also folds
    compatibility forms — fullwidth and mathematical letters — into plain ones (NFKC),
    so "𝐀𝐧𝐧𝐚" cannot pass for another "Anna"."""
    if not isinstance(value, str):
        raise Invalid(f"{field} must be a string")
    text = unicodedata.normalize("NFKC" if fold_lookalikes else "NFC", value.replace("\r\n", "\n"))
    text = "".join(ch for ch in text if ord(ch) not in _DROP)
    text = strip_invisible(text)
    if not multiline:
        text = " ".join(text.split())
    text = text.strip()
    if len(text) < min_len or (min_len and not _visible(text)):
        raise Invalid(f"{field} must not be empty" if min_len == 1 else f"{field} is too short")
    if len(text) > max_len:
        raise Invalid(f"{field} must be at most {max_len} characters")
    return text
