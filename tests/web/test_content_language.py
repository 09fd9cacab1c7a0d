"""What organisers and participants wrote is marked with its language: a Polish session
read in the English interface has lang="pl" on its title, rooms and posts' list, so a
screen reader reads them in Polish; unknown stays unmarked (the page's language holds)."""

import re

from hybrid_sessions.web.formatting import content_language


def test_polish_letters_make_content_polish_and_nothing_else_is_guessed():
    assert content_language("Od klienta do współgospodarza") == "pl"
    assert content_language(None, "", "Spotkanie", "Rola ośrodka") == "pl"
    assert content_language("Open space", "Ideas") is None


def test_a_polish_session_in_the_english_interface_marks_its_own_texts(client, make):
    moderator = make.moderator()
    slug, (room, _) = make.panel(moderator, title="Dostępność w praktyce")
    page = client.get(f"/s/{slug}?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in page
    assert re.search(r'<h1 lang="pl">\s*Dostępność w praktyce', page)
    make.participant(slug, room, "Ewa")
    join = client.get(f"/s/{slug}/join?lang=en").get_data(as_text=True)
    assert 'class="title" lang="pl">Sala A' in join


def test_a_session_with_no_polish_letters_is_left_to_the_page_language(client, make):
    moderator = make.moderator()
    slug, _ = make.panel(moderator, title="Open space", rooms=(("Room A", None),))
    page = client.get(f"/s/{slug}?lang=en").get_data(as_text=True)
    assert re.search(r"<h1>\s*Open space", page)
