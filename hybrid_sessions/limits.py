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
