import pytest


@pytest.fixture
def registry_env(settings):
    """Settings for the registry tests (used through ``pytestmark``, not autouse)."""
    # The world creates a dozen users; the default PBKDF2 hasher makes that take seconds.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Assertions read the English msgids; the Chinese catalogue is filled in later.
    settings.LANGUAGE_CODE = "en"
