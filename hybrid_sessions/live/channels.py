"""Names of the Socket.IO rooms that events are fanned out to."""


def breakout(room_id: int) -> str:
    """Everyone who joined this breakout room."""
    return f"room:{room_id}"


def moderators(panel_id: int) -> str:
    """Moderators watching the session's console."""
    return f"mod:{panel_id}"


def everyone(panel_id: int) -> str:
    """Every connected participant and moderator of the session."""
    return f"panel:{panel_id}"


def wall(panel_id: int) -> str:
    """Big screens of the session (they show every room's count)."""
    return f"wall:{panel_id}"


def participant(participant_id: int) -> str:
    """Every socket of one participant (their phone and laptop alike), wherever they
    are: how `room:moved` finds the person a moderator moved."""
    return f"person:{participant_id}"


def is_breakout(channel: str) -> bool:
    return channel.startswith("room:")
