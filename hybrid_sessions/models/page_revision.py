"""panels.page_revision: which edits change the pages kept for people with a session.

A joined participant's room page and a moderator's console are rendered once and kept
(web/personal_pages.py); the one query that checks, for every such request, who may see
the page also reads this number, and a copy rendered at an older one is rendered again.
So an edit to what those pages show — the session's own fields, its rooms — is on the
next reload in every process at once, while what the pages' live connections bring
(posts, votes, joins, the note) leaves the copies alone: a hall reloading during "post
now!" is served kept pages, not a render per post.

Counted here, after every ORM flush, in the flush's own transaction (an edit and its
revision commit together). Writes that bypass the ORM and change what the pages show
bump the revision themselves (services/phases.py, the timer closing rooms).
"""

from itertools import chain

import sqlalchemy as sa
import sqlalchemy.orm as so

from .panel import Panel
from .room import BreakoutRoom

_PANELS = Panel.__table__
# Built once: the flush after every edit runs it.
BUMP = (
    sa.update(_PANELS)
    .where(_PANELS.c.id.in_(sa.bindparam("ids", expanding=True)))
    .values(page_revision=_PANELS.c.page_revision + 1)
)
# Panel columns no kept page shows: the change counter moves with every post (and is
# written past the ORM anyway), the revision is this module's own.
_NOT_SHOWN = frozenset({"change_seq", "page_revision"})


def _panel_changed(panel: Panel) -> bool:
    state = sa.inspect(panel)
    if state.attrs.rooms.history.has_changes():
        return True
    return any(
        state.attrs[column.key].history.has_changes()
        for column in state.mapper.column_attrs
        if column.key not in _NOT_SHOWN
    )


def changed_panels(session: so.Session) -> set[int]:
    """The sessions whose kept pages this flush makes out of date (read before the
    flush's state is cleared: `new`, `dirty` and `deleted` are still as they were)."""
    ids: set[int] = set()
    for obj in chain(session.dirty, session.new, session.deleted):
        if isinstance(obj, BreakoutRoom):
            panel_id = obj.panel_id if obj.panel_id is not None else getattr(obj.panel, "id", None)
            if panel_id is not None:
                ids.add(panel_id)
        elif isinstance(obj, Panel) and obj in session.dirty and _panel_changed(obj):
            ids.add(obj.id)
    return ids


@sa.event.listens_for(so.Session, "after_flush")
def _bump(session: so.Session, _flush_context) -> None:
    ids = changed_panels(session)
    if ids:
        session.connection().execute(BUMP, {"ids": sorted(ids)})
