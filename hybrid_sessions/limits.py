"""The product's size limits, one place for each: services enforce them, the payload
schemas and forms check the same numbers, templates read them (the `limits` Jinja
global), and scripts read them from the page (page data, `maxlength`).

Rate limits (events per minute) are configuration, not here: see config.py and
live/rate_limits.py.
"""

# What participants type.
POST_TEXT = 500  # a recommendation, counted after trimming
POST_TEXT_TYPED = 2000  # the room's textarea takes more, so a paste shows as over the limit
DISPLAY_NAME = 60

# The note.
NOTE_ITEM_TEXT = 2000
NOTE_SECTION_TITLE = 200
NOTE_SUMMARY = 20000
ITEM_SOURCES = 200  # recommendations merged into one item

# A session and its rooms. A 1,000-person session in 100 rooms is the product's design
# point; 200 rooms leaves room.
SESSION_TITLE = 300
SESSION_SLUG = 80
SESSION_ABOUT = 20000
SESSION_JOIN_INFO = 5000
PERSON_NAME = 200
PERSON_BIO = 5000
MAX_GUESTS = 20
MAX_ROOMS = 200
ROOM_NAME = 200
ROOM_PROMPT = 1000
ROOM_FACILITATOR = 200
ROOM_CAPACITY_MIN = 1
ROOM_CAPACITY_MAX = 10000
CO_MODERATORS_TEXT = 2000  # the form's comma-separated emails
MAX_CO_MODERATORS = 20
URL = 2000  # a call or stream link (https only)

# Running the breakout phase.
BROADCAST_TEXT = 280  # a moderator's broadcast, one paragraph, counted after trimming
ROOMS_OPEN_HOURS = 24  # a timer further ahead is a typo
CLOSE_GRACE_SECONDS = 120  # posts and +1s queued before the close, arriving after it

# Email addresses (accounts, registrations) and moderator accounts.
EMAIL = 254
MODERATOR_NAME = 120
PASSWORD_TYPED = 1000  # what the sign-in form takes

# Events (CONTRACT.md §7).
EVENT_TITLE = 300  # an event, a slot, a track; also a track's lead and place, the venue
EVENT_SLUG = 80
EVENT_ABOUT = 20000
EVENT_PART_ABOUT = 5000  # a slot's or a track's description
MAX_DAYS = 60
MAX_SLOTS_PER_DAY = 100  # through the API and programme files
MAX_TRACKS_PER_SLOT = 100
FORM_SLOTS_PER_DAY = 40  # rows the event form offers
FORM_TRACKS_PER_SLOT = 50
MAX_CHOICES = 100  # choices in one registration
REGISTRANT_NAME = 200
REGISTRANT_ORGANISATION = 300
CHECK_IN_TYPED = 500  # what the check-in field takes (a code, an id or a pasted link)
CHECK_IN_CODE = 20
REPORT_ITEM_TEXT = 2000
REPORT_SECTION_TITLE = 200
PROGRAMME_FILE = 200_000  # a pasted JSON/YAML programme
