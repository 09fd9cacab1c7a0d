"""Moderator passwords are stored as scrypt hashes wherever the app really runs; only the
test config hashes cheaply (hashing dominated test set-up)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from config import Config, TestingConfig
from hybrid_sessions.services import accounts
from hybrid_sessions.services.errors import Unauthorized

ROOT = Path(__file__).resolve().parents[2]


def test_the_production_config_hashes_with_scrypt():
    assert Config.PASSWORD_HASH_METHOD == "scrypt"
    assert TestingConfig.PASSWORD_HASH_METHOD != Config.PASSWORD_HASH_METHOD


def test_the_environment_cannot_make_production_hashing_cheap():
    """An operator's stray variable must not weaken stored passwords."""
    shown = subprocess.run(
        [sys.executable, "-c", "import config; print(config.Config.PASSWORD_HASH_METHOD)"],
        cwd=ROOT,
        env={**os.environ, "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert shown.stdout.strip() == "scrypt"


@pytest.fixture
def app_config():
    return {"PASSWORD_HASH_METHOD": Config.PASSWORD_HASH_METHOD}


def test_with_the_production_setting_passwords_are_stored_as_scrypt_hashes(ctx):
    moderator, _ = accounts.create_or_update_moderator("anna@example.org", "haslo-anny-123")
    assert moderator.password_hash.startswith("scrypt:")
    assert accounts.authenticate("anna@example.org", "haslo-anny-123").id == moderator.id
    with pytest.raises(Unauthorized, match="wrong email or password"):
        accounts.authenticate("anna@example.org", "haslo-piotra-123")
    with pytest.raises(Unauthorized, match="wrong email or password"):
        accounts.authenticate("nobody@example.org", "haslo-anny-123")
