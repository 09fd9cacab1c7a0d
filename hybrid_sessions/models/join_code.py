"""Short join codes: six characters a person can read off a projector and type on a phone.

The alphabet leaves out 0/O and 1/I, which look alike on a screen and in most fonts;
32 letters and digits give a billion codes, so a random one is all but always free.
"""

import secrets

import sqlalchemy as sa

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
LENGTH = 6


def random_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def unused_code(context) -> str:
    """Column default of `panels.join_code`: a random code no session has yet (asked on
    the inserting connection, so it works in services, the CLI and migrations alike)."""
    panels = sa.table("panels", sa.column("join_code"))
    while True:
        code = random_code()
        taken = context.connection.execute(sa.select(panels.c.join_code).where(panels.c.join_code == code))
        if taken.first() is None:
            return code
