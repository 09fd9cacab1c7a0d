"""The demo event: the 2014 Kraków conference programme, loaded with the demo panel."""

from pathlib import Path

import sqlalchemy as sa

from ..extensions import db
from ..models import Event, Moderator

PROGRAMME = Path(__file__).with_name("osl-krakow-2014.yaml")
SLUG = "osl-krakow-2014"


def load_demo_event(organiser_email: str | None = None) -> None:
    """Import the programme unless the event exists (loading twice loads once)."""
    from ..programme_file import read_programme
    from ..services.events.programme import import_event

    if db.session.scalar(sa.select(Event.id).where(Event.slug == SLUG)):
        return
    organiser = (
        db.session.scalar(sa.select(Moderator).where(Moderator.email == organiser_email))
        if organiser_email
        else None
    )
    import_event(read_programme(PROGRAMME), organiser)
