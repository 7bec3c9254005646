"""Random public codes: unguessable, easy to read aloud, no 0/O or 1/I to confuse."""

import secrets

# Crockford-style alphabet without 0, 1, I, L, O, U.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"


def random_code(length: int) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def normalize_code(value: str) -> str:
    """Forgive the usual typing slips: case, spaces, dashes, O for 0 is impossible by design."""
    return "".join(ch for ch in value.upper() if ch.isalnum())
