"""The instance folder holds secrets (the secret key, the demo password, the database):
private to the app's user from the first byte, never written open and chmod'ed after."""

import os
import stat
from pathlib import Path


def private_folder(path: Path) -> None:
    """Create the folder as 0700; tighten one that exists and lets others in."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077 and path.stat().st_uid == os.getuid():
        path.chmod(mode & 0o700)


def write_private(path: Path, text: str) -> None:
    """Write a new file that is 0600 from its creation (O_EXCL: never an old file)."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write(text)


def private_database_file(path: Path) -> None:
    """Create the (empty) SQLite file as 0600 before SQLite opens it; SQLite gives its
    -wal and -shm files the database file's permissions."""
    if not path.exists():
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
