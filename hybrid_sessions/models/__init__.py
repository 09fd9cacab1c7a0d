"""The domain's tables, one module per concept."""

from . import page_revision  # noqa: F401 - registers the flush hook that counts page edits
from .audit import AuditEvent
from .event import (
    Choice,
    Event,
    EventDay,
    Registration,
    ReportItem,
    ReportItemSource,
    ReportSection,
    Slot,
    Track,
)
from .moderator import Moderator, ModeratorToken
from .note import Note, NoteChange, NoteItem, NoteItemSource, NoteSection, NoteVersion
from .panel import Broadcast, Panel, PanelPerson, panel_moderators
from .participant import Participant
from .recommendation import Recommendation, Vote
from .room import BreakoutRoom
from .suggestion import SuggestionDismissal

__all__ = [
    "AuditEvent",
    "BreakoutRoom",
    "Broadcast",
    "Choice",
    "Event",
    "EventDay",
    "Moderator",
    "ModeratorToken",
    "Note",
    "NoteChange",
    "NoteItem",
    "NoteItemSource",
    "NoteSection",
    "NoteVersion",
    "Panel",
    "PanelPerson",
    "Participant",
    "Recommendation",
    "Registration",
    "ReportItem",
    "ReportItemSource",
    "ReportSection",
    "Slot",
    "SuggestionDismissal",
    "Track",
    "Vote",
    "panel_moderators",
]
