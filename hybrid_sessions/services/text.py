"""Cleaning what people type, the same way for every field."""

import unicodedata

from .errors import Invalid

# Control characters other than newline and tab have no place in a post or a name;
# they are how terminal and log injection tricks travel.
_DROP = {c for c in range(0x20) if c not in (0x09, 0x0A)} | {0x7F}


def clean_text(value: object, field: str, *, max_len: int, min_len: int = 1, multiline: bool = True) -> str:
    """NFC-normalise, strip, and check length in Unicode code points (as the UI counts)."""
    if not isinstance(value, str):
        raise Invalid(f"{field} must be a string")
    text = unicodedata.normalize("NFC", value.replace("\r\n", "\n"))
    text = "".join(ch for ch in text if ord(ch) not in _DROP)
    if not multiline:
        text = " ".join(text.split())
    text = text.strip()
    if len(text) < min_len:
        raise Invalid(f"{field} must not be empty" if min_len == 1 else f"{field} is too short")
    if len(text) > max_len:
        raise Invalid(f"{field} must be at most {max_len} characters")
    return text
