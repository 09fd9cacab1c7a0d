"""A small event for the events tests: a plenary, a break and a parallel slot."""

from datetime import date, time

from hybrid_sessions.services.events.programme import DayInput, EventInput, SlotInput, TrackInput


def event_input(slug="osl-2030", visit_capacity=2, closes_at=None, session_slug=None) -> EventInput:
    return EventInput(
        title="Organizowanie społeczności lokalnej",
        slug=slug,
        venue="Kraków",
        registration_closes_at=closes_at,
        days=[
            DayInput(
                date(2030, 11, 24),
                [
                    SlotInput(time(12, 0), "Powitanie i wprowadzenie", "plenary", time(13, 30)),
                    SlotInput(time(13, 30), "Obiad", "break", time(14, 30)),
                    SlotInput(
                        time(14, 30),
                        "Warsztaty „Dylematy OSLowca…”",
                        "parallel",
                        time(15, 30),
                        tracks=[
                            TrackInput(
                                "Współpraca z liderami", lead="Tomasz Stoński", session_slug=session_slug
                            ),
                            TrackInput("OSLowiec w OPS", lead="Aleksandra Skonieczna"),
                        ],
                    ),
                ],
            ),
            DayInput(
                date(2030, 11, 25),
                [
                    SlotInput(
                        time(9, 30),
                        "Wizyty studyjne",
                        "parallel",
                        time(11, 30),
                        tracks=[
                            TrackInput("Po sąsiedzku", place="ul. Brzozowa 14", capacity=visit_capacity),
                            TrackInput("Po prostu ZiK", place="ul. Gustawa Morcinka 15", capacity=20),
                        ],
                    )
                ],
            ),
        ],
    )
