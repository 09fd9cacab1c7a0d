"""Password guessing: one budget per address shared by both ways in (the sign-in page
and `POST /api/v1/auth/token`), and one per account for failed attempts, whichever
addresses they come from."""

import hashlib

from flask import current_app
from limits import parse_many

from ..extensions import limiter
from ..models import Moderator
from ..services import accounts
from ..services.errors import RateLimited, Unauthorized


def per_address():
    """The decorator for both sign-in routes: one shared counter per address."""
    return limiter.shared_limit(
        lambda: current_app.config["RATE_LIMIT_SIGN_IN_PER_ADDRESS"], scope="sign-in", methods=["POST"]
    )


def _account_key(email: object) -> str:
    # Hashed: the limit storage (perhaps Redis) need not hold email addresses.
    text = email.strip().lower()[:254] if isinstance(email, str) else ""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def authenticate(email: object, password: object) -> Moderator:
    """accounts.authenticate, refused with RateLimited once the account has had too many
    failed attempts (even with the right password, until the window passes)."""
    key = _account_key(email)
    budget = parse_many(current_app.config["RATE_LIMIT_SIGN_IN_PER_ACCOUNT"])
    if not all(limiter.limiter.test(limit, "sign-in-account", key) for limit in budget):
        raise RateLimited("too many failed sign-ins for this account; try again later")
    try:
        return accounts.authenticate(email, password)
    except Unauthorized:
        for limit in budget:
            limiter.limiter.hit(limit, "sign-in-account", key)
        raise
