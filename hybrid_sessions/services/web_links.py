"""Call and stream links typed by moderators: any https link, nothing else.

They are shown as buttons (never embedded), so the check is about what the link can do
when pressed: only https, a real host, no credentials, no whitespace or control
characters that could disguise where it goes.
"""

from urllib.parse import urlsplit

from .. import limits
from .errors import Invalid

MAX_URL = limits.URL


def clean_https_url(value: object, field: str) -> str:
    """The link, trimmed; "" (or None) clears it. Anything but an https link is Invalid."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise Invalid(f"{field} must be a string")
    url = value.strip()
    if not url:
        return ""
    if len(url) > MAX_URL:
        raise Invalid(f"{field} is longer than {MAX_URL} characters")
    if any(c.isspace() or ord(c) < 0x20 or ord(c) == 0x7F for c in url):
        raise Invalid(f"{field} must be a link without spaces")
    try:
        parts = urlsplit(url)
        port = parts.port  # raises on a malformed port
    except ValueError:
        raise Invalid(f"{field} is not a valid link") from None
    if parts.scheme.lower() != "https" or not parts.hostname:
        raise Invalid(f"{field} must be an https:// link (Jitsi, BigBlueButton, Zoom, Teams...)")
    if parts.username or parts.password:
        raise Invalid(f"{field} must not carry a user name or password")
    if port == 0:
        raise Invalid(f"{field} is not a valid link")
    return url
