"""The demo event: the 2021 panel "Od klienta do współgospodarza" (shared/seeds).

Loaded on the first start of the embedded SQLite setup, so a newcomer sees a real
session: the panel page, four breakout rooms with participants' posts, and the session
note as it was published (version 1). The talk's points are items of the moderator's
own; the participants' ways come from posts in the rooms, merged, some from two rooms.
"""

import secrets
import uuid
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app

from .extensions import db
from .instance import write_private
from .models import Moderator, Panel
from .services import accounts, notes, panels, participants, recommendations

SLUG = "od-klienta-do-wspolgospodarza"
MODERATOR_EMAIL = "moderator@demo.hybrid-sessions.local"
_WARSAW = ZoneInfo("Europe/Warsaw")

TITLE = (
    "Od klienta do współgospodarza. Jak przejść od świadczenia usług do miejsca "
    "współtworzonego przez mieszkańców."
)
ABOUT = (
    "Rewolucyjne metamorfozy czy ciche ewolucje? Czego trzeba, by z sukcesem otworzyć "
    "miejsce na pomysły i potrzeby mieszkańców? W trakcie panelu posłuchamy jak w praktyce "
    "wygląda droga do otwartości. O swoich doświadczeniach i sposobach opowiedzą Magdalena "
    "Popłońska-Kowalska - Dyrektor Ośrodka Pomocy Społecznej w Dopiewie oraz Grzegorz "
    "Zmarzły - Dyrektor Ośrodka Kultury i Sportu w Bierutowie. W ramach sesji, po rozmowie "
    "z gośćmi, w podpokojach będziemy wspólnie wypracowywać rekomendacje dla otwierania "
    "miejsc na mieszkańców/ki."
)
JOIN_INFO = (
    "Na miejscu: sala konferencyjna, parter. Zdalnie: link do spotkania wideo "
    "otrzymają osoby zapisane. Do podpokoju dołączysz z tej strony albo skanując kod QR "
    "wyświetlony na sali — ten sam link dla wszystkich."
)
HOST = (
    "Anna Żelazowska-Kosiorek",
    "Trenerka, facylitatorka, badaczka, koordynatorka programów społecznych. Zwolenniczka "
    "uruchamiania zasobów społeczności lokalnych i metodologii badania w działaniu. Obecnie "
    "koordynatorka programów w Fundacji Robinson Crusoe, rozwijających mentoring społeczny, "
    "jako metodę wspierającą młodzież z domów dziecka i rodzin zastępczych. W wolnych "
    "chwilach rozwija współpracę sąsiedzką na warszawskim Zielonym Ursynowie.",
)
GUESTS = [
    (
        "Magdalena Popłońska-Kowalska",
        "Absolwentka Uniwersytetu im. A. Mickiewicza w pedagogice pracy socjalnej, coach, "
        "trener i ekspert Stowarzyszenia Centrum Wspierania Aktywności Lokalnej CAL, "
        "współautorka Modelu Organizowania Społeczności Lokalnych wypracowanego w ramach "
        "projektu systemowego MPiPS 1.18 „Tworzenie i rozwijanie standardów usług pomocy i "
        "integracji społecznej”. Związana ze środowiskiem poznańskich Centrów Aktywności "
        "Lokalnej jako mentor i trener, a także z systemem pomocy społecznej w Polsce; "
        "pasjonatka metody środowiskowej, zmiany społecznej i pracy na zasobach i "
        "potencjałach mieszkańców. Aktualnie dyrektor Ośrodka Pomocy Społecznej w Dopiewie.",
    ),
    (
        "Grzegorz Zmarzły",
        "Animator i koordynator wielu działań oraz projektów na rzecz społeczności lokalnej "
        "miasta i gminy Bierutów. Od 2005 r. promuje aktywny wolontariat w Stowarzyszeniu "
        "Rozwoju Ziemi Bierutowskiej im. Romka Kazimierskiego. Zawodowo z kulturą związany "
        "od 2012 r. Od 2019 r. pełni funkcję dyrektora w Ośrodku Kultury i Sportu w "
        "Bierutowie, starając się we współpracy i porozumieniu z mieszkańcami działać, "
        "zarażać i pobudzać potencjał społeczny. Uczestnik XVII edycji Programu Liderzy "
        "Polsko-Amerykańskiej Fundacji Wolności. W czasie twardego lockdownu pandemii "
        "Covid-19 inicjator i organizator onlinowych spotkań sieciujących „Przy kulturalnej "
        "kawie” dla pracowników, dyrektorów i ludzi kultury z terenu całej Polski. Członek "
        "Zespołu Pieśni i Tańca „Bierutowianie Bis”.",
    ),
]
ROOMS = [
    ("Pomoc społeczna", "Co pomaga otworzyć ośrodek pomocy społecznej na mieszkańców?", 15),
    ("Kultura", "Jak dom kultury może działać razem z mieszkańcami, a nie tylko dla nich?", 15),
    ("Miejsce i oferta", "Co sprawia, że do otwartego miejsca chce się wracać?", 15),
    ("Partnerstwa", "Z kim i jak współpracować, otwierając instytucję?", 15),
]
SUMMARY = "\n\n".join(
    [
        "Uczestnicy panelu dzielili się swoimi doświadczeniami i sprawdzonymi rozwiązaniami "
        "na otwieranie instytucji pomocy społecznej i kultury.",
        "Magdalena Popłońska-Kowalska – Dyrektor Ośrodka Pomocy Społecznej (który nazywa "
        "Ośrodkiem MOCy Społecznej) w Dopiewie mówiła o tym, że w obszarze pomocy społecznej "
        "odchodzi się od sformułowania klient na rzecz myślenia o mieszkańcu, funkcjonującym "
        "w pewnym otoczeniu społeczno-instytucjonalnym, którego powinien czuć się częścią, "
        "który zanim poczuje się współgospodarzem w OPS-ie musi poczuć się współgospodarzem "
        "swojego życia.",
        "Wg Grzegorza Zmarzłego współgospodarz to osoba, która może współdecydować w "
        "instytucji o tym co, dla kogo i po co się dzieje. Bliska mu jest idea społecznego "
        "domu kultury, który działa wspólnie z mieszkańcami a nie dla mieszkańców.",
        "Punktem wyjścia do realizacji takiego planu jest wspólna wizja, stworzenie "
        "przyjaznej przestrzeni dla mieszkańców, do której chce się wracać, otwarcie się na "
        "media społecznościowe i komunikację z otoczeniem oraz szerokie partnerstwo – "
        "sieciowanie z innymi organizacjami/instytucjami.",
    ]
)
TALK_SECTIONS = [
    (
        "Ważne narzędzia otwierania instytucji – szczególnie w pomocy społecznej",
        [
            "Empowerment – odejście od klienta na rzecz partnera, który przeżywa trudności, "
            "ale ma wiele zasobów.",
            "Terapia Skoncentrowana na Rozwiązaniach – skupienie na tym, co można zrobić "
            "lepiej w przyszłości.",
            "OSL – Organizowanie Społeczności Lokalnych (stanowisko organizatora społeczności "
            "lokalnej, praca z sołectwami, oferta dla wszystkich mieszkańców).",
            "Wspólne szkolenia dla pracowników różnych instytucji i liderów.",
            "Praca procesem (od diagnozy przez cele do działania).",
        ],
    ),
    (
        "Ważne narzędzia otwierania instytucji – szczególnie w kulturze",
        [
            "Wolontariat – oddawanie inicjatywy grupom nieformalnym.",
            "Stałe poszukiwanie inspiracji i dodatkowe projekty (a za nimi finansowanie) na "
            "realizację lokalnych, oddolnych inicjatyw.",
            "Angażowanie lokalnych liderów.",
            "Kawiarenka społeczna – lokalne stowarzyszenia, OSP, kluby seniora, KGW, radni, "
            "sołtysi, aktywni mieszkańcy i instytucje wypracowują wspólnie rekomendacje.",
            "Elastyczne godziny pracy i dostępność dla mieszkańców.",
        ],
    ),
]
WAYS = "Sprawdzone sposoby uczestników na otwieranie instytucji, organizacji, miejsca"
# (item text, [(room index, participant's post), ...]); two posts = the same idea
# from two rooms, merged into one item.
PARTICIPANT_WAYS = [
    ("Współpraca z władzami.", [(3, "współpraca z władzami gminy od początku")]),
    (
        "Konsultacje przed tworzeniem otwartego miejsca.",
        [(2, "konsultacje z mieszkańcami zanim otworzymy miejsce")],
    ),
    (
        "Ustalenie kwestii finansowania miejsca, szczególnie etatu administracyjnego.",
        [
            (0, "trzeba ustalić finansowanie, zwłaszcza etat administracyjny"),
            (3, "kto płaci za etat w takim miejscu? ustalić na starcie"),
        ],
    ),
    (
        "W kalendarzu działań warto zachować przestrzeń na działania mieszkańców i nie przeładowywać oferty.",
        [(1, "nie przeładowywać oferty, zostawić miejsce w kalendarzu na działania mieszkańców")],
    ),
    (
        "Stworzenie stanowiska animatora w strukturze instytucji.",
        [(0, "stanowisko animatora w strukturze instytucji")],
    ),
    (
        "Podział zadań między koordynatorem miejsca a animatorem.",
        [(0, "jasny podział: koordynator miejsca vs animator")],
    ),
    ("Ograniczenie zjawiska multizadaniowości pracowników.", [(0, "mniej multizadaniowości pracowników!")]),
    (
        "Elastyczny grafik: czynne do późna wieczorami i w weekendy.",
        [(2, "otwarte wieczorami i w weekendy"), (1, "elastyczny grafik, czynne do późna")],
    ),
    (
        "Współpraca międzysektorowa: rozpoznanie partnerów społecznych (instytucje, organizacje, grupy nieformalne, liderzy lokalni).",
        [(3, "rozpoznać partnerów: instytucje, NGO, grupy nieformalne, liderów")],
    ),
    (
        "Wyjście do społeczności, poza mury; duże otwarte imprezy, także plenerowe.",
        [(1, "wyjść poza mury – imprezy plenerowe")],
    ),
    (
        "Różnorodne formy finansowania miejsca (partnerstwo, działalność gospodarcza, wynajem).",
        [(3, "różne źródła finansowania: partnerstwo, wynajem, działalność gospodarcza")],
    ),
    (
        "Chodzenie od drzwi do drzwi, poświęcanie czasu indywidualnie.",
        [(0, "chodzić od drzwi do drzwi, rozmawiać indywidualnie")],
    ),
    (
        "Plakaty i harmonogramy dostępne w wielu miejscach, różne w charakterze, by przyciągały wzrok.",
        [(2, "plakaty w wielu miejscach, przyciągające wzrok")],
    ),
    (
        "Diagnoza potrzeb mieszkańców – pytanie ludzi, czego potrzebują, co mogą zrobić dla innych, jakie mają talenty.",
        [
            (0, "pytać ludzi czego potrzebują i jakie mają talenty"),
            (2, "diagnoza potrzeb mieszkańców przed startem"),
        ],
    ),
    (
        "Angażowanie do odpowiedzialności za miejsce – wspólne urządzanie, meblowanie.",
        [(2, "wspólne urządzanie i meblowanie miejsca")],
    ),
    (
        "Różnorodność oferty – różne grupy wiekowe, oferty dla rodzin.",
        [(1, "oferta dla różnych grup wiekowych i dla rodzin")],
    ),
    ("Różne formy promocji – social media to nie wszystko.", [(1, "social media to nie wszystko")]),
    (
        "Ewaluacja podejmowanych działań, jeśli można – z uczestnikami.",
        [(2, "ewaluacja z uczestnikami cyklicznych zajęć")],
    ),
    ("Powtarzalność!", [(1, "powtarzalność!!!")]),
    ("Zacząć od małych kroków i nie zrażać się.", [(2, "zacząć od małych kroków"), (0, "nie zrażać się")]),
    (
        "Stała grupa to ważna wartość – niektórzy mają wąskie zainteresowania i nie muszą brać udziału we wszystkim.",
        [(1, "stała grupa to wartość, nie każdy musi być na wszystkim")],
    ),
]
PEOPLE = ["Ewa", "Tomasz", "Kasia", "Marek", "Ola", "Piotr", "Basia", "Janek"]


def _credentials_file() -> Path:
    return Path(current_app.instance_path) / "demo-moderator.txt"


def demo_credentials() -> tuple[str, str | None]:
    path = _credentials_file()
    return MODERATOR_EMAIL, path.read_text().strip() if path.exists() else None


def load_demo() -> tuple[str, str | None]:
    """Create the demo moderator and session unless the session exists.

    The moderator's password is random, kept in instance/demo-moderator.txt and printed
    at start-up: a demo left running on a venue network is not open to everyone.
    """
    from .demo_events import load_demo_event

    if db.session.scalar(sa.select(Panel.id).where(Panel.slug == SLUG)):
        load_demo_event(MODERATOR_EMAIL)
        return demo_credentials()
    moderator = db.session.scalar(sa.select(Moderator).where(Moderator.email == MODERATOR_EMAIL))
    password = None
    if moderator is None:
        password = secrets.token_urlsafe(9)
        moderator, _ = accounts.create_or_update_moderator(MODERATOR_EMAIL, password, "Moderatorka demo")
        path = _credentials_file()
        path.unlink(missing_ok=True)  # left from an earlier database: replaced, not reused
        write_private(path, password + "\n")
    panel = panels.create_panel(
        moderator,
        panels.PanelInput(
            title=TITLE,
            slug=SLUG,
            starts_at=datetime(2021, 11, 23, 13, 0, tzinfo=_WARSAW),
            ends_at=datetime(2021, 11, 23, 14, 30, tzinfo=_WARSAW),
            timezone="Europe/Warsaw",
            about=ABOUT,
            join_info=JOIN_INFO,
            host=panels.PersonInput(*HOST),
            guests=[panels.PersonInput(*g) for g in GUESTS],
            rooms=[panels.RoomInput(n, p, "", c) for n, p, c in ROOMS],
        ),
    )
    _load_note(panel, moderator)
    load_demo_event(MODERATOR_EMAIL)
    return demo_credentials()


def _load_note(panel: Panel, moderator: Moderator) -> None:
    rooms = panel.rooms
    people = [
        participants.join_panel(panel, name, "remote" if i % 2 else "in_room", rooms[i % 4].id)[0]
        for i, name in enumerate(PEOPLE)
    ]
    by_room = {room.id: [p for p in people if p.room_id == room.id] for room in rooms}
    notes.set_summary(panel, SUMMARY, moderator)
    for title, items in TALK_SECTIONS:
        for text in items:
            notes.merge_into_note(panel, [], text, title, moderator)
    for n, (text, posts) in enumerate(PARTICIPANT_WAYS):
        rec_ids = []
        for k, (room_index, post) in enumerate(posts):
            room = rooms[room_index]
            authors = by_room[room.id]
            author = authors[(n + k) % len(authors)]
            rec, _ = recommendations.post_recommendation(room, author, str(uuid.uuid4()), post)
            for voter in authors:
                if voter.id != author.id and (n + voter.id) % 3 == 0:
                    recommendations.vote(rec.id, voter)
            rec_ids.append(rec.id)
        notes.merge_into_note(panel, rec_ids, text, WAYS, moderator)
    notes.publish_note(panel, moderator)
