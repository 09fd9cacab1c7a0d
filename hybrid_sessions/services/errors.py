"""Domain errors. Handlers turn them into `{"error": {"code", "message"}}`.

The codes are part of the public contract (CONTRACT.md, section 4): keep their meaning.
"""


class DomainError(Exception):
    code = "invalid"
    status = 400

    def __init__(self, message: str, **extra):
        super().__init__(message)
        self.message = message
        # Extra fields for the answer, e.g. the current note on a conflict.
        self.extra = extra

    def to_dict(self) -> dict:
        return {"code": self.code, "message": self.message}


class Invalid(DomainError):
    code, status = "invalid", 400


class Unauthorized(DomainError):
    code, status = "unauthorized", 401


class Forbidden(DomainError):
    code, status = "forbidden", 403


class NotFound(DomainError):
    code, status = "not_found", 404


class RoomFull(DomainError):
    code, status = "room_full", 409


class AlreadyMerged(DomainError):
    code, status = "already_merged", 409


class Conflict(DomainError):
    code, status = "conflict", 409


class RateLimited(DomainError):
    code, status = "rate_limited", 429


class Closed(DomainError):
    """Posting or +1 while the rooms are not open (CONTRACT.md §4 and §6)."""

    code, status = "closed", 409
